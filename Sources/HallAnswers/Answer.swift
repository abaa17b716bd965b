import HallModel
import IntentMatching
import Wayfinding

/// The hall's answer to one question: the SPEC answer contract (`hallctl ask --json`),
/// also carried to devices.
public struct Answer: Sendable, Hashable, Encodable {
    public struct Route: Sendable, Hashable, Encodable {
        public struct Point: Sendable, Hashable, Encodable {
            public var node: String
            public var x: Double
            public var y: Double
            public var level: String
        }

        public var from: String
        public var to: String
        /// Node ids from start to target.
        public var nodes: [String]
        public var points: [Point]
        public var metres: Double
        public var seconds: Int
        public var accessible: Bool
        public var steps: [Directions.Step]
        /// Distance and walking time in a sentence.
        public var summary: String
        /// Which side the destination is on when the visitor arrives, and the window, if any.
        public var window: Int?
        /// A place the walk goes by on the way: the ticket machine, for a zone that needs a ticket.
        public var via: String?
    }

    public var query: String
    public var outcome: MatchDecision.Outcome
    public var destination: String?
    public var candidates: [String]
    public var answer: String
    public var route: Route?
    public var intent: String?
    public var confidence: Double
    public var language: Language
    public var rule: String
    public var homophoneRepair: Bool
    /// The recorded prompt to play: "intent/exit-entry", "window/12", "clarify", "fallback".
    public var prompt: String
    public var dataVersion: String
    /// Whether the destination serves at the time asked (a fallback's: the consultation
    /// desk; a clarify's: the hall). Answers without a time (no live conditions) say true.
    public var open = true
    /// When not open: when it next serves, ISO 8601 with the hall's offset, if known.
    public var opensAt: String?
    /// When not open: why, in the visitor's language ("午休时间", "暂停服务").
    public var closedReason: String?
    /// People waiting in the destination's zone, from a fresh queue snapshot.
    public var waiting: Int?
    /// The queue ticket number the visitor gave ("A032").
    public var ticket: String?
    /// The live rules that shaped the answer; `hallctl explain` prints their details.
    public var liveRules: [LiveRule] = []
    /// The moment answered at (ISO 8601 with the hall's offset); nil without live conditions.
    public var at: String?
    /// "先A，再B": where the visitor goes after this destination (the answer says so).
    public var next: String?
    /// The conversation-context rule that decided this turn (`picked-by-ordinal`, …), else nil.
    public var contextRule: String?
    /// In a conversation, what the hall had offered when it asked this visitor back the turn
    /// before (this turn is the reply to it); else empty. Kept in the query log.
    public var contextOffer: [String] = []
    /// A robot may lead the visitor now: a route to a destination that serves. halld leads
    /// only then; otherwise the robot says the answer and stays.
    public var lead: Bool { outcome == .route && open }

    enum CodingKeys: String, CodingKey {
        case query, outcome, destination, candidates, answer, route, intent, confidence, language, rule
        case homophoneRepair = "homophone_repair"
        case prompt
        case dataVersion = "data_version"
        case open
        case opensAt = "opens_at"
        case closedReason = "closed_reason"
        case lead, waiting, ticket
        case liveRules = "live_rules"
        case at, next
        case contextRule = "context_rule"
        case contextOffer = "context_offer"
    }

    // Explicit nulls: the contract says "else null", not "absent".
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(query, forKey: .query)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(destination, forKey: .destination)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(answer, forKey: .answer)
        try c.encode(route, forKey: .route)
        try c.encode(intent, forKey: .intent)
        try c.encode((confidence * 1000).rounded() / 1000, forKey: .confidence)
        try c.encode(language, forKey: .language)
        try c.encode(rule, forKey: .rule)
        try c.encode(homophoneRepair, forKey: .homophoneRepair)
        try c.encode(prompt, forKey: .prompt)
        try c.encode(dataVersion, forKey: .dataVersion)
        try c.encode(open, forKey: .open)
        try c.encode(opensAt, forKey: .opensAt)
        try c.encode(closedReason, forKey: .closedReason)
        try c.encode(lead, forKey: .lead)
        try c.encode(waiting, forKey: .waiting)
        try c.encode(ticket, forKey: .ticket)
        try c.encode(liveRules.map(\.code), forKey: .liveRules)
        try c.encode(at, forKey: .at)
        try c.encode(next, forKey: .next)
        try c.encode(contextRule, forKey: .contextRule)
        try c.encode(contextOffer, forKey: .contextOffer)
    }
}
