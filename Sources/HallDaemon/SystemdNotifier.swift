import CSystemd
import Foundation

/// Tells systemd how halld is doing (sd_notify): READY, STATUS, RELOADING with
/// MONOTONIC_USEC, WATCHDOG and STOPPING. Without NOTIFY_SOCKET every call does nothing.
public struct SystemdNotifier: Sendable {
    public init() {}

    @discardableResult
    func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    public func status(_ text: String) { send("STATUS=\(text)") }

    /// systemd 253+ wants the monotonic time with RELOADING=1, in the same message.
    public func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
        send("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=reloading hall data")
    }

    public func watchdog() { send("WATCHDOG=1") }

    public func stopping() { send("STOPPING=1\nSTATUS=stopping: recalling robots, closing links") }

    /// The watchdog interval systemd expects pings within, when it watches this process.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }
}
