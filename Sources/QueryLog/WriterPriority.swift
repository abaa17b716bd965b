import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The writer thread's priority: idle while it keeps up, so that the event loops answering
/// devices never wait behind it; normal while records wait too long (a CPU busy with other
/// work) or someone waits for a flush or close, so the crash-loss bound holds.
extension QueryLogWriter {
    /// Records waiting longer than this mean the idle-priority writer is not getting the
    /// CPU: it then runs at normal priority until it has caught up.
    var escalateAfter: Duration { configuration.flushInterval * 4 }

    /// Raises the writer to normal priority (from whichever thread sees it fall behind).
    func escalate(_ s: inout State) {
        guard !s.escalated, let thread = s.writerThread else { return }
        var normal = sched_param(sched_priority: 0)
        if pthread_setschedparam(thread, Self.schedOther, &normal) == 0 { s.escalated = true }
    }

    /// SCHED_OTHER and SCHED_IDLE from <sched.h> (SCHED_IDLE is a _GNU_SOURCE macro Swift
    /// does not import).
    static let schedOther: Int32 = 0
    static let schedIdle: Int32 = 5

    static func lowerOwnPriority() {
        var idle = sched_param(sched_priority: 0)
        if sched_setscheduler(0, schedIdle, &idle) != 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)  // at least the lowest nice
        }
    }
}
