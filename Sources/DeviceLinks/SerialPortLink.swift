import CSerialPort
import DeviceProtocol
import DeviceSessions
import Foundation
import HallTime
import Logging
import Synchronization

public struct SerialSettings: Sendable, Hashable {
    public var baudRate: Int32 = 115_200
    /// First and longest wait before reopening a vanished port.
    public var minBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(5)
    public init() {}
}

/// One serial port served by libserialport on a thread of its own: opens the port (8N1,
/// no flow control), runs a link session over it, and when the port vanishes closes it
/// and reopens it with backoff, without a restart. Its open failures are kept (`status`)
/// for the status socket, which shows why a serial device is down.
public final class SerialPortLink: DeviceLink {
    public let name: SerialPortName
    public let transport = "serial"
    public var peer: String { "serial:\(name)" }
    /// The device configured on this port, for the status.
    public let deviceID: String
    let settings: SerialSettings
    let hub: DeviceHub
    let handler: any DeviceEventHandler
    let clock: any HallClock
    let logger: Logger
    let timing: SessionTiming

    /// Messages and requests from other threads, taken by the port thread after a wake-up.
    private struct Inbox {
        var messages: [Message] = []
        var closeLink: CloseReason?
        var stop = false
    }
    private let inbox = Mutex(Inbox())
    /// A pipe: other threads write a byte to wake the port thread's poll.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let state = Mutex(SerialLinkState())
    private let done = Mutex<[CheckedContinuation<Void, Never>]?>([])

    public struct SerialLinkState: Sendable, Hashable {
        public var open = false
        public var opens = 0
        public var failures = 0
        public var lastError = ""
    }

    public var status: SerialLinkState { state.withLock { $0 } }

    public init(name: SerialPortName, device deviceID: String, settings: SerialSettings = SerialSettings(), hub: DeviceHub,
                handler: any DeviceEventHandler, timing: SessionTiming = .serial, clock: any HallClock = SystemClock(),
                logger: Logger) {
        self.name = name
        self.deviceID = deviceID
        self.settings = settings
        self.hub = hub
        self.handler = handler
        self.timing = timing
        self.clock = clock
        self.logger = logger
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Starts the port thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "serial \(name)"
        thread.start()
    }

    /// Stops the thread and closes the port (a robot on it is recalled first); returns
    /// once the port is closed.
    public func stop() async {
        request { $0.stop = true }
        await withCheckedContinuation { continuation in
            let finished = done.withLock { waiting -> Bool in
                guard waiting != nil else { return true }
                waiting!.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    public func deliver(_ message: Message) { request { $0.messages.append(message) } }

    /// Drops the current connection (the port is reopened).
    public func close(_ reason: CloseReason) { request { $0.closeLink = reason } }

    private func request(_ change: (inout Inbox) -> Void) {
        inbox.withLock { change(&$0) }
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    // MARK: - The port thread

    private func run() {
        var backoff = settings.minBackoff
        while !inbox.withLock({ $0.stop }) {
            if let port = open() {
                state.withLock { $0.open = true; $0.opens += 1 }
                backoff = settings.minBackoff
                serve(port)
                sp_close(port)
                sp_free_port(port)
                state.withLock { $0.open = false }
            } else {
                waitForWake(backoff)
                backoff = min(settings.maxBackoff, backoff * 2)
            }
        }
        let waiting = done.withLock { w -> [CheckedContinuation<Void, Never>] in
            let list = w ?? []
            w = nil
            return list
        }
        for continuation in waiting { continuation.resume() }
    }

    private func fail(_ what: String, _ code: sp_return) {
        let detail = code == SP_ERR_FAIL ? String(cString: sp_last_error_message()) : "code \(code.rawValue)"
        let message = "\(peer): \(what): \(detail)"
        let first = state.withLock { s -> Bool in
            s.failures += 1
            let first = s.lastError != message
            s.lastError = message
            return first
        }
        // The same failure every backoff interval would flood the log: say it once.
        if first { logger.warning("\(message)") }
    }

    private func findPort() -> OpaquePointer? {
        var port: OpaquePointer?
        switch name {
        case .path(let given):
            // A udev symlink (/dev/hallguide/robot-north) names the port stably, but
            // libserialport only knows the kernel's name: resolve it first.
            var path = given
            if let resolved = realpath(given, nil) {
                let target = String(cString: resolved)
                free(resolved)
                if target.hasPrefix("/dev/tty") { path = target }
            }
            let result = sp_get_port_by_name(path, &port)
            guard result == SP_OK else { fail("no such port", result); return nil }
            return port
        case .usbSerial(let serial):
            var list: UnsafeMutablePointer<OpaquePointer?>?
            let result = sp_list_ports(&list)
            guard result == SP_OK, let list else { fail("cannot list ports", result); return nil }
            defer { sp_free_port_list(list) }
            var i = 0
            while let candidate = list[i] {
                if let s = sp_get_port_usb_serial(candidate), String(cString: s) == serial {
                    _ = sp_copy_port(candidate, &port)
                    return port
                }
                i += 1
            }
            fail("no USB serial adapter with serial number \(serial)", SP_ERR_ARG)
            return nil
        }
    }

    private func open() -> OpaquePointer? {
        guard let port = findPort() else { return nil }
        var result = sp_open(port, SP_MODE_READ_WRITE)
        if result == SP_OK { result = sp_set_baudrate(port, settings.baudRate) }
        if result == SP_OK { result = sp_set_bits(port, 8) }
        if result == SP_OK { result = sp_set_parity(port, SP_PARITY_NONE) }
        if result == SP_OK { result = sp_set_stopbits(port, 1) }
        if result == SP_OK { result = sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) }
        guard result == SP_OK else {
            fail("cannot open", result)
            sp_close(port)
            sp_free_port(port)
            return nil
        }
        state.withLock { $0.lastError = "" }
        logger.info("\(peer): open, \(settings.baudRate) 8N1")
        return port
    }

    /// Sleeps until woken or the time passes.
    private func waitForWake(_ duration: Duration) {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, Int32(clamping: duration.nanosecondCount / 1_000_000))
        drainWake()
    }

    private func drainWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &bytes, bytes.count) > 0 {}
    }

    /// Runs one connection until the port fails or the link is closed or stopped. A
    /// device that reboots says hello on the same open port: its session starts again
    /// there (DeviceSession), the port stays open.
    private func serve(_ port: OpaquePointer) {
        var fd: Int32 = -1
        guard sp_get_port_handle(port, &fd) == SP_OK else { return }
        let writer = PortWriter(port: port)
        let session = LinkSession(hub: hub, handler: handler, timing: timing, peer: peer, source: peer, clock: clock,
                                  logger: logger, transport: writer)
        session.link = self
        var buffer = [UInt8](repeating: 0, count: 4096)
        var nextTick = clock.now() + .milliseconds(100)
        while !writer.broken {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let wait = nextTick - clock.now()
            _ = poll(&fds, 2, wait > .zero ? Int32(clamping: wait.nanosecondCount / 1_000_000) : 0)
            if fds[0].revents & Int16(POLLIN) != 0 {
                let n = buffer.withUnsafeMutableBytes { sp_nonblocking_read(port, $0.baseAddress, $0.count) }
                if n.rawValue < 0 {
                    writer.broken = true
                } else if n.rawValue > 0 {
                    buffer.withUnsafeBytes { session.received(UnsafeRawBufferPointer(rebasing: $0[0..<Int(n.rawValue)])) }
                }
            }
            // libserialport reads 0 both for "no data" and a gone far end: the poll flags tell.
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { writer.broken = true }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainWake()
                let taken = inbox.withLock { box -> Inbox in
                    let copy = box
                    box.messages.removeAll()
                    box.closeLink = nil
                    return copy
                }
                for message in taken.messages { session.send(message) }
                if taken.stop {
                    session.shutdown()
                } else if let reason = taken.closeLink {
                    session.close(reason)
                }
            }
            if clock.now() >= nextTick {
                session.tick()
                nextTick = clock.now() + .milliseconds(100)
            }
        }
        logger.info("\(peer): link down")
        session.transportClosed()
    }
}

/// Writes a link session's frames to the open port; a failed write is a disconnect.
private final class PortWriter: LinkTransport {
    let port: OpaquePointer
    var broken = false

    init(port: OpaquePointer) { self.port = port }

    func write(_ frames: [OutgoingFrame]) {
        guard !broken else { return }
        let bytes = BinaryFraming.bytes(frames)
        // A vanished far end fails writes with EIO: that is a disconnect.
        let n = bytes.withUnsafeBytes { sp_blocking_write(port, $0.baseAddress, bytes.count, 1000) }
        if n.rawValue < 0 || Int(n.rawValue) != bytes.count { broken = true }
    }

    func close() { broken = true }
}
