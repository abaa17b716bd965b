import Foundation

// The status socket's wire format, shared by halld (the server) and hallctl (a client).
// It is a target of its own, with no dependencies, so that hallctl can speak it without
// linking the daemon (SwiftNIO, libserialport, libsystemd, the metrics stack).
//
// One JSON object per line each way: a request line is answered by exactly one reply
// line, in the order the requests came. Keys are snake_case, like the answer contract
// and halld.yaml.

/// A command a client may send. Reads are open to anyone who can connect (the socket's
/// file mode is that gate); admin commands also need an authorised peer.
public enum StatusCommand: String, CaseIterable, Sendable {
    case status, version, devices, audio, errors
    /// Commits what the query log holds and replies with its state (before a backup, or
    /// before a test kills halld).
    case flush
    case reload, recall
    case audioTest = "audio-test"
    /// The live hall: close or reopen a window, zone, place, walkway or area (admin), and
    /// list what is closed.
    case close, open, closures

    /// Changes something in the hall (reload swaps the data, recall moves a robot, an
    /// audio test makes a sound in front of visitors, a closure changes where visitors are
    /// sent), so it needs an authorised peer.
    public var isAdmin: Bool {
        switch self {
        case .reload, .recall, .audioTest, .close, .open: true
        case .status, .version, .devices, .audio, .errors, .flush, .closures: false
        }
    }
}

/// `{"command":"recall","robot":"robot-north"}`. `command` stays a string so that an
/// unknown one can be answered with an error naming it, instead of failing to decode.
///
/// `close` and `open` name a `target` (`window-16`, `social-insurance`, `edge:a,b`, …);
/// `close` may add `until` (`13:30` today, `2026-12-08 09:30` in the hall's time, ISO
/// 8601 with an offset, or `+30m`), `reason` and `reason_en`. halld reads the time in
/// the hall's time zone by its own clock.
public struct StatusRequest: Codable, Sendable, Hashable {
    public var command: String
    public var robot: String?
    public var place: String?
    public var target: String?
    public var until: String?
    public var reason: String?
    public var reasonEn: String?

    public init(command: String, robot: String? = nil, place: String? = nil, target: String? = nil, until: String? = nil,
                reason: String? = nil, reasonEn: String? = nil) {
        self.command = command
        self.robot = robot
        self.place = place
        self.target = target
        self.until = until
        self.reason = reason
        self.reasonEn = reasonEn
    }

    public init(_ command: StatusCommand, robot: String? = nil, place: String? = nil, target: String? = nil,
                until: String? = nil, reason: String? = nil, reasonEn: String? = nil) {
        self.init(command: command.rawValue, robot: robot, place: place, target: target, until: until, reason: reason,
                  reasonEn: reasonEn)
    }
}

/// `{"ok":true,"result":…}` or `{"ok":false,"error":"…"}`. `ok` says whether the request
/// was carried out; a reload that ran and refused the edit is `ok: true` with a result
/// whose own `ok` is false.
public struct StatusReply<Result: Codable & Sendable>: Codable, Sendable {
    public var ok: Bool
    public var result: Result?
    public var error: String?

    public static func success(_ result: Result) -> StatusReply { StatusReply(ok: true, result: result, error: nil) }
    public static func failure(_ error: String) -> StatusReply { StatusReply(ok: false, result: nil, error: error) }
}

/// What every reply has, whatever its result: lets a client see an error before it
/// knows what the result would have been.
public struct StatusReplyHeader: Decodable, Sendable {
    public var ok: Bool
    public var error: String?
}

/// Limits and coders both sides agree on.
public enum StatusWire {
    /// Longest request line, newline excluded. Requests are a command and an id or two:
    /// anything longer is a mistake or an attack, and is refused before it is parsed.
    public static let maxRequestBytes = 4096
    /// Replies carry the whole status (devices, the last malformed frames in hex), so a
    /// client accepts far more than a request may be; still bounded.
    public static let maxReplyBytes = 8 << 20

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Sorted keys make replies diffable and the documentation's examples exact.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// One request or reply as a line: compact JSON and a newline (JSON escapes newlines
    /// inside strings, so the frame can never be split by its content).
    public static func line<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }
}

/// Where the socket is. The server and hallctl agree on the defaults, so that an operator
/// on the hall PC can type `hallctl status` with no options.
public enum StatusSocketPath {
    /// The packaged location: systemd's RuntimeDirectory=hallguide.
    public static let system = "/run/hallguide/status.sock"
    /// Where a development halld (`swift run halld`, not root) puts it.
    public static let development = "./halld-status.sock"

    /// The server's path: the configured one when given (an explicit setting wins), else
    /// the first `$RUNTIME_DIRECTORY` systemd gives (it may list several, colon
    /// separated), else /run/hallguide when it exists and halld may write there, else the
    /// working directory.
    public static func server(environment: [String: String], configured: String? = nil,
                              isWritableDirectory: (String) -> Bool = isWritableDirectory) -> String {
        if let configured, !configured.isEmpty { return configured }
        if let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first, !runtime.isEmpty {
            return runtime.hasSuffix("/") ? "\(runtime)status.sock" : "\(runtime)/status.sock"
        }
        let directory = (system as NSString).deletingLastPathComponent
        return isWritableDirectory(directory) ? system : development
    }

    /// hallctl's path: `--socket`, else `$HALLGUIDE_STATUS_SOCKET`, else the system socket
    /// when it exists, else the development one when that exists, else the system path
    /// (so the error names where halld normally listens).
    public static func client(explicit: String?, environment: [String: String],
                              exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["HALLGUIDE_STATUS_SOCKET"], !env.isEmpty { return env }
        if exists(system) { return system }
        if exists(development) { return development }
        return system
    }

    public static func isWritableDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.isWritableFile(atPath: path)
    }
}
