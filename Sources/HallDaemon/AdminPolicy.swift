#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is at the other end of a status socket connection, as the kernel says
/// (SO_PEERCRED: the connecting process's pid, effective uid and gid at connect time).
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "uid \(uid) gid \(gid) pid \(pid)" }
}

/// Who may run the status socket's admin commands (reload, recall, audio-test):
/// `status.admin_uids` and `status.admin_groups` of halld.yaml.
///
/// Root is not special: uid 0 is an admin only when listed (the example configuration
/// lists it). Root can reload by signal anyway, but a policy that says exactly who may is
/// easier to audit than one with an exception, and a test can check it.
public struct AdminPolicy: Sendable {
    public let uids: Set<UInt32>
    /// The configured group names, resolved to ids once at start: the user database is
    /// not consulted for names per request, and a group renamed later is not silently
    /// picked up.
    public let gids: Set<UInt32>
    /// Configured group names the system does not know; they grant nothing (fail closed),
    /// and halld logs them at start.
    public let unknownGroups: [String]
    /// Supplementary groups of a uid; a parameter so tests can stand in for the user
    /// database.
    let groupsOfUser: @Sendable (UInt32, UInt32) -> [UInt32]

    public init(uids: [UInt32], groups: [String]) {
        var gids: Set<UInt32> = []
        var unknown: [String] = []
        for name in groups {
            if let gid = Self.groupID(named: name) { gids.insert(gid) } else { unknown.append(name) }
        }
        self.init(uids: Set(uids), gids: gids, unknownGroups: unknown, groupsOfUser: Self.groups(ofUID:primary:))
    }

    init(uids: Set<UInt32>, gids: Set<UInt32>, unknownGroups: [String] = [],
         groupsOfUser: @escaping @Sendable (UInt32, UInt32) -> [UInt32]) {
        self.uids = uids
        self.gids = gids
        self.unknownGroups = unknownGroups
        self.groupsOfUser = groupsOfUser
    }

    /// Nil when the peer may run admin commands, else why not (said in the reply and the
    /// log). Without credentials (a platform without SO_PEERCRED) nobody may.
    public func refusal(for peer: PeerCredentials?) -> String? {
        guard let peer else { return "the peer's credentials are unknown" }
        if uids.contains(peer.uid) { return nil }
        if !gids.isEmpty {
            if gids.contains(peer.gid) { return nil }
            // Supplementary groups come from the user database, not from
            // /proc/PID/status: under ProtectProc=invisible halld cannot see other
            // users' processes. A user's configured groups are what an administrator
            // grants, which is what this policy is about.
            if !gids.isDisjoint(with: groupsOfUser(peer.uid, peer.gid)) { return nil }
        }
        if uids.isEmpty && gids.isEmpty { return "no status.admin_uids or status.admin_groups are configured" }
        return "uid \(peer.uid) is not in status.admin_uids and none of its groups is in status.admin_groups"
    }

    /// getgrnam_r, retrying with a bigger buffer for groups with many members.
    static func groupID(named name: String) -> UInt32? {
        var size = 4096
        while size <= 1 << 20 {
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: size)
            let code = getgrnam_r(name, &entry, &buffer, size, &result)
            if code == ERANGE { size *= 4; continue }
            guard code == 0, let found = result else { return nil }
            return UInt32(found.pointee.gr_gid)
        }
        return nil
    }

    /// The uid's groups from the user database (getpwuid_r for the name and primary group,
    /// then getgrouplist), plus the peer's own gid. Empty when the uid has no entry.
    static func groups(ofUID uid: UInt32, primary: UInt32) -> [UInt32] {
        var size = 4096
        var name: String?
        var userGroup: UInt32 = primary
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let code = getpwuid_r(uid_t(uid), &entry, &buffer, size, &result)
            if code == ERANGE { size *= 4; continue }
            if code == 0, let found = result {
                name = String(cString: found.pointee.pw_name)
                userGroup = UInt32(found.pointee.pw_gid)
            }
            break
        }
        guard let name else { return [primary] }
        var count: Int32 = 64
        while true {
            #if canImport(Darwin)
            var list = [Int32](repeating: 0, count: Int(count))
            let ok = getgrouplist(name, Int32(bitPattern: userGroup), &list, &count)
            #else
            var list = [gid_t](repeating: 0, count: Int(count))
            let ok = getgrouplist(name, gid_t(userGroup), &list, &count)
            #endif
            if ok >= 0 { return list.prefix(Int(count)).map { UInt32(bitPattern: Int32(truncatingIfNeeded: $0)) } + [primary] }
            // -1 with count set to the number needed; grow and ask again (bounded: a
            // user in more than 64k groups is not a real user).
            guard count > list.count, count < 65_536 else { return [primary] }
        }
    }
}
