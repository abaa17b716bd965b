import Foundation
import HallModel

/// What the hall is like at the moment of a question: the time (always from the caller:
/// hallctl's wall clock or `--at`, halld's clock), the closures in force and the latest
/// queue snapshot. `Hall.answer(_:from:profile:live:scratch:)` answers by it.
public struct LiveConditions: Sendable {
    /// The moment to answer at.
    public var now: Date
    /// The closures, applied to this hall; nil for none.
    public var closures: ClosurePlan?
    /// The queue system's last snapshot; ignored once older than `queueMaxAge`.
    public var queue: QueueSnapshot?
    /// Seconds after which a snapshot is too old to quote.
    public var queueMaxAge: Double

    public static let defaultQueueMaxAge = 120.0

    public init(now: Date, closures: ClosurePlan? = nil, queue: QueueSnapshot? = nil,
                queueMaxAge: Double = LiveConditions.defaultQueueMaxAge) {
        self.now = now
        self.closures = closures
        self.queue = queue
        self.queueMaxAge = queueMaxAge
    }
}

/// A live rule that shaped an answer, for `hallctl explain`, the query log and metrics:
/// `code` is stable ("lunch-break", "window-closed", "ticket-machine", …), `detail` says
/// what it found.
public struct LiveRule: Sendable, Hashable, Encodable {
    public var code: String
    public var detail: String

    public init(_ code: String, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Whether the rule came from the moment (the time of day, the calendar, the queue)
    /// rather than from the closures: an answer shaped only by closure rules is the same
    /// at every moment under the same closure plan, and may be remembered with it.
    public var isMomentary: Bool { !Self.closureCodes.contains(code) }

    static let closureCodes: Set<String> = [
        "window-closed", "nearest-open-window", "instance-closed", "zone-closed", "place-closed",
        "route-around-closure", "ticket-machine", "ticket-number", "ticket-unknown", "nearest-offer",
    ]

    /// Every code, with what it means (README "Live rules").
    public static let codes: [(code: String, meaning: String)] = [
        ("hall-closed", "the building is closed: weekend, public holiday, before or after hours"),
        ("lunch-break", "between two of the day's opening ranges (the windows' lunch break)"),
        ("not-open", "the destination keeps hours of its own and does not serve now"),
        ("adjusted-workday", "a weekend day worked by the calendar (调休上班): working-day hours"),
        ("calendar-uncovered", "the calendar file does not cover this year: an ordinary week is assumed"),
        ("window-closed", "the window asked for is closed; routed to the open one of its zone nearest to it"),
        ("nearest-open-window", "the zone's nearest window is closed; routed to the nearest open one"),
        ("instance-closed", "the nearest instance of a place is closed; routed to the nearest open one"),
        ("zone-closed", "every window of the zone is closed: why and when it reopens, no lead"),
        ("place-closed", "the place is closed: why and when it reopens, no lead"),
        ("route-around-closure", "a closed walkway or area made the route longer"),
        ("ticket-machine", "the zone needs a queue ticket: routed by the nearest ticket machine"),
        ("ticket-number", "a ticket number chose the zone that issues its prefix"),
        ("ticket-called", "the ticket is being called: routed to the window calling it"),
        ("ticket-unknown", "a ticket number whose prefix the hall does not issue"),
        ("queue-wait", "a fresh queue snapshot gave the zone's waiting count"),
        ("queue-stale", "the queue snapshot is older than the configured age: ignored"),
        ("nearest-offer", "the visitor asked for the nearest, and every offer was a facility or a door: routed to the nearest"),
    ]
}
