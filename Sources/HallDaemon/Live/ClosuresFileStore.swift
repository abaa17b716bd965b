#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HallModel

/// The closures file on disk (ClosuresFile's JSON, one closure a line): read once at
/// start, written whole at every change. A write goes to `PATH.tmp`, is fsynced, renamed
/// over `PATH` and the directory fsynced, so that after a crash or a power loss the file
/// is either the old list or the new one, never half of each.
struct ClosuresFileStore: Sendable {
    let path: String

    struct Loaded {
        var closures = HallClosures()
        /// `file:line: problem` for each entry left out.
        var problems: [Diagnostic] = []
        /// The file's text when some entries were left out (kept as `PATH.rejected`).
        var text: String?
        /// Why the file could not be read at all (it is then left alone until a change).
        var error: String?
        var existed = false
    }

    /// The valid entries; the rest as problems. A missing file is no closures.
    func load(map: FloorMap) -> Loaded {
        var loaded = Loaded()
        guard FileManager.default.fileExists(atPath: path) else { return loaded }
        loaded.existed = true
        guard let data = FileManager.default.contents(atPath: path) else {
            loaded.error = "cannot read \(path): \(String(cString: strerror(errno)))"
            return loaded
        }
        guard let text = String(data: data, encoding: .utf8) else {
            loaded.problems = [Diagnostic(file: path, line: 1, "not UTF-8 text: no closure read")]
            loaded.text = String(decoding: data, as: UTF8.self)
            return loaded
        }
        (loaded.closures, loaded.problems) = ClosuresFile.read(text: text, file: path, map: map)
        if !loaded.problems.isEmpty { loaded.text = text }
        return loaded
    }

    func save(_ closures: HallClosures, timeZone: HallTimeZone) throws(FileWriteError) {
        try Self.writeAtomically(Array(ClosuresFile.encode(closures, timeZone: timeZone).utf8), to: path)
    }

    /// What a file with refused entries said, beside it, for staff to look at (the file
    /// itself is rewritten with the valid entries).
    func keepRejected(_ text: String) throws(FileWriteError) {
        try Self.writeAtomically(Array(text.utf8), to: path + ".rejected")
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw FileWriteError("cannot create \(temporary)", errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw FileWriteError("cannot write \(temporary)", code)
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw FileWriteError("cannot fsync \(temporary)", code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileWriteError("cannot rename \(temporary) to \(path)", code)
        }
        // The rename itself is durable once the directory is.
        let directory = (path as NSString).deletingLastPathComponent
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}

struct FileWriteError: Error, Sendable, CustomStringConvertible {
    var description: String

    init(_ what: String, _ code: Int32) { description = "\(what): \(String(cString: strerror(code)))" }
}
