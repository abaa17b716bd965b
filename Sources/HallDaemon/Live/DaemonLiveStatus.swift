import Foundation
import HallAnswers
import HallConversation
import HallModel
import HallTime
import StatusProtocol

/// The live hall in halld's status, its metrics and its admin commands.
extension HallDaemon {
    /// Closures in force, windows serving now (by the hours, the calendar and the
    /// closures), the queue feed.
    func liveStatus(at now: Date) -> DaemonStatus.Live {
        let hall = conversation.hall
        let zone = hall.timetable.timeZone
        let active = closures.closures.active(at: now)
        var plan = conversation.live.plan
        if plan.map({ $0.hall !== hall || $0.isStale(at: now) || $0.closures != active }) ?? !active.isEmpty {
            // The timer rebuilds the conversation's plan when a closure ends; between its
            // firing and a scrape this one is built to count.
            plan = active.isEmpty ? nil : ClosurePlan(hall: hall, closures: active, at: now)
        }
        var open = 0, closed = 0, total = 0
        for place in hall.map.places where place.kind == .window {
            total += 1
            if hall.status(of: place.id, at: now, closures: plan)?.open == true { open += 1 }
            if let plan, let spot = place.spots.first, plan.closure(of: spot, in: place) != nil { closed += 1 }
        }
        return DaemonStatus.Live(closures: active.closures.map { ClosureCommands.entry($0, timeZone: zone) },
                                 closuresFile: closures.path, closuresSaveError: closures.saveError, windowsOpen: open,
                                 windowsClosed: closed, windowsTotal: total, queue: queueFeed?.status(at: now, timeZone: zone),
                                 now: zone.iso8601(now))
    }

    func refreshLiveMetrics() {
        metrics.live(liveStatus(at: clock.wallClock()), feed: queueFeed?.counts)
    }

    public func closureList() -> StatusResults.Closures? { closures.list() }

    public func close(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal> {
        let closures = closures
        // It writes and fsyncs the file: off the cooperative threads.
        return await Self.onThread {
            closures.close(target: request.target, until: request.until, reason: request.reason,
                           reasonEnglish: request.reasonEn, by: who)
        }
    }

    public func reopen(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal> {
        let closures = closures
        return await Self.onThread { closures.reopen(target: request.target, by: who) }
    }

    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            Thread.detachNewThread { done.resume(returning: body()) }
        }
    }
}
