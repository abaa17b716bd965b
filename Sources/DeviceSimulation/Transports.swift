import CSerialPort
import Foundation

/// Bytes to and from a device link, blocking with timeouts: simulated firmware is a
/// plain loop, as on a microcontroller.
public protocol ByteTransport: AnyObject {
    func write(_ bytes: [UInt8]) throws(TransportError)
    /// Bytes that arrived within the timeout; empty when none did.
    func read(timeoutMilliseconds: Int32) throws(TransportError) -> [UInt8]
    func close()
}

public enum TransportError: Error, CustomStringConvertible, Equatable {
    case connect(String)
    case closed
    case io(String)
    case timeout(String)

    public var description: String {
        switch self {
        case .connect(let what): "cannot connect: \(what)"
        case .closed: "the link closed"
        case .io(let what): "i/o error: \(what)"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}

/// A TCP connection to halld.
public final class TCPTransport: ByteTransport {
    private var fd: Int32

    public init(host: String, port: Int) throws(TransportError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        fd = -1
        while let info = candidate {
            let s = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if s >= 0 {
                if connect(s, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    fd = s
                    break
                }
                Glibc.close(s)
            }
            candidate = info.pointee.ai_next
        }
        guard fd >= 0 else { throw .connect("\(host):\(port): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                throw .io(String(cString: strerror(errno)))
            }
            sent += n
        }
    }

    public func read(timeoutMilliseconds: Int32) throws(TransportError) -> [UInt8] {
        guard fd >= 0 else { throw .closed }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, timeoutMilliseconds)
        if ready == 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { throw .closed }
        if n < 0 { throw errno == EINTR ? .timeout("data") : .io(String(cString: strerror(errno))) }
        return Array(buffer[0..<n])
    }

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}

/// A serial port through libserialport, 8N1.
public final class SerialTransport: ByteTransport {
    private var port: OpaquePointer?

    /// `path` names the port as libserialport wants it (a pty is reachable as
    /// "/dev/../../.." followed by its absolute path; see the device tests).
    public init(path: String, baudRate: Int32 = 115_200) throws(TransportError) {
        var p: OpaquePointer?
        guard sp_get_port_by_name(path, &p) == SP_OK, let p else { throw .connect("no serial port \(path)") }
        var result = sp_open(p, SP_MODE_READ_WRITE)
        if result == SP_OK { result = sp_set_baudrate(p, baudRate) }
        if result == SP_OK { result = sp_set_bits(p, 8) }
        if result == SP_OK { result = sp_set_parity(p, SP_PARITY_NONE) }
        if result == SP_OK { result = sp_set_stopbits(p, 1) }
        if result == SP_OK { result = sp_set_flowcontrol(p, SP_FLOWCONTROL_NONE) }
        guard result == SP_OK else {
            let message = result == SP_ERR_FAIL ? String(cString: sp_last_error_message()) : "code \(result.rawValue)"
            sp_close(p)
            sp_free_port(p)
            throw .connect("\(path): \(message)")
        }
        port = p
    }

    deinit { close() }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        guard let port else { throw .closed }
        let n = bytes.withUnsafeBytes { sp_blocking_write(port, $0.baseAddress, bytes.count, 2000) }
        guard n.rawValue == bytes.count else { throw .io("serial write returned \(n.rawValue)") }
    }

    public func read(timeoutMilliseconds: Int32) throws(TransportError) -> [UInt8] {
        guard let port else { throw .closed }
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Wait for the first byte, then take whatever else is already there.
        let n = buffer.withUnsafeMutableBytes { sp_blocking_read_next(port, $0.baseAddress, $0.count, UInt32(max(1, timeoutMilliseconds))) }
        guard n.rawValue >= 0 else { throw .io("serial read returned \(n.rawValue)") }
        return Array(buffer[0..<Int(n.rawValue)])
    }

    public func close() {
        if let port {
            sp_close(port)
            sp_free_port(port)
            self.port = nil
        }
    }
}
