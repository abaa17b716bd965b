#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public enum StatusClientError: Error, CustomStringConvertible {
    case pathTooLong(String)
    case cannotConnect(String, Int32)
    case io(String, Int32)
    case closed
    case replyTooLong

    public var description: String {
        switch self {
        case .pathTooLong(let path): "socket path too long: \(path)"
        case .cannotConnect(let path, let code):
            // The usual causes, said in terms an operator can act on.
            switch code {
            case EACCES: "cannot connect to \(path): permission denied (the status socket is for the hallguide group)"
            case ENOENT, ECONNREFUSED: "cannot connect to \(path): \(String(cString: strerror(code))) (is halld running? --socket PATH or $HALLGUIDE_STATUS_SOCKET)"
            default: "cannot connect to \(path): \(String(cString: strerror(code)))"
            }
        case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .closed: "halld closed the connection without a reply"
        case .replyTooLong: "reply longer than \(StatusWire.maxReplyBytes) bytes"
        }
    }
}

/// A blocking client connection to the status socket: hallctl asks one thing and exits,
/// so plain sockets do; no event loop needed.
public final class StatusConnection {
    private let fd: Int32
    private var pending: [UInt8] = []

    /// - Parameter timeoutSeconds: per read and write; a reload on a big hall takes a
    ///   second or so, so the default is generous.
    public init(path: String, timeoutSeconds: Int = 60) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw StatusClientError.pathTooLong(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw StatusClientError.io("socket", errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw StatusClientError.cannotConnect(path, code)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends bytes as they are: tests use it for pipelined, malformed and over-long input.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a halld that closed the connection (or a full socket it dropped)
            // is an EPIPE error to report, not a SIGPIPE that kills hallctl with 141.
            #if canImport(Glibc)
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw StatusClientError.io("write", errno)
            }
            offset += n
        }
    }

    /// Says no more requests will come (shutdown for writing); replies can still be read.
    public func finishSending() throws {
        #if canImport(Glibc)
        let how = Int32(SHUT_WR)
        #else
        let how = SHUT_WR
        #endif
        guard shutdown(fd, how) == 0 else { throw StatusClientError.io("shutdown", errno) }
    }

    /// The next line without its newline; nil when halld closed the connection first.
    public func readLine() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            guard pending.count <= StatusWire.maxReplyBytes else { throw StatusClientError.replyTooLong }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StatusClientError.io(errno == EAGAIN ? "waiting for halld's reply" : "read", errno)
            }
            if n == 0 { return nil }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    /// Sends one request and returns its reply line (raw, for `--json`, and to decode).
    public func request(_ request: StatusRequest) throws -> [UInt8] {
        try send(Array(StatusWire.line(request)))
        guard let line = try readLine() else { throw StatusClientError.closed }
        return line
    }
}
