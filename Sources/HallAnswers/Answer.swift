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

    enum CodingKeys: String, CodingKey {
        case query, outcome, destination, candidates, answer, route, intent, confidence, language, rule
        case homophoneRepair = "homophone_repair"
        case prompt
        case dataVersion = "data_version"
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
    }
}
