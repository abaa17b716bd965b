import HallModel

/// What the matcher decided for one question.
public struct MatchDecision: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// One destination is clearly best.
        case route
        /// Two or more destinations are close: ask the visitor.
        case clarify
        /// Nothing fits: send the visitor to the consultation desk.
        case fallback
    }

    /// Which rule decided; shown by `hallctl explain` and counted in metrics.
    public enum Rule: Sendable, Hashable {
        case windowNumber(Int)
        case unknownWindow(Int)
        /// Two windows named as alternatives ("36还是46号窗口"): both are offered.
        case windowAlternatives(Int, Int)
        case clearWinner
        case closeScores
        case ambiguousTerm
        case outOfScope
        case onlyNegated
        case tooWeak
        case nothingMatched
        /// Two tasks joined ("户口和社保都想办"): both are offered.
        case severalTasks
        /// Two tasks, in whichever order: the first named now, the other next.
        case anyOrder
        /// Thanks or goodbye and nothing else ("好嘞，谢谢啊", "thanks, bye"): nothing to route,
        /// and no apology either.
        case closing
        /// No keyword decided, but the question is close to a labelled example (its text).
        case similarExample(String)
        /// The nearest labelled example is one of a question this hall does not serve.
        case similarOutOfScope(String)
        /// Decided by the visitor's earlier turns (a conversation).
        case context(ContextRule)
        /// The offers were all facilities or doors and the visitor asked for the nearest
        /// ("最近的出口在哪"): the one nearest to the device, chosen by the hall's map.
        case nearestOffer

        public var summary: String {
            switch self {
            case .windowNumber(let n): "window \(n) was named"
            case .unknownWindow(let n): "window \(n) was named, but the hall has no such window"
            case let .windowAlternatives(a, b): "windows \(a) and \(b) were named as alternatives: both are offered"
            case .clearWinner: "one destination scored clearly above the others"
            case .closeScores: "two or more destinations scored within the clarify margin"
            case .ambiguousTerm: "only a word that fits several destinations was said"
            case .outOfScope: "an out-of-scope topic outweighed every intent"
            case .onlyNegated: "every destination mentioned was negated"
            case .tooWeak: "only weak hints matched, below the route threshold"
            case .nothingMatched: "no keyword matched"
            case .severalTasks: "two tasks were named together: both are offered"
            case .anyOrder: "two tasks were named in no particular order: the first named now, the other next"
            case .closing: "the visitor thanked or said goodbye: nothing to route"
            case .similarExample(let example): "no keyword decided; the question is close to the labelled example '\(example)'"
            case .similarOutOfScope(let example): "no keyword decided; the question is close to the out-of-scope example '\(example)'"
            case .context(let rule): "context: \(rule.summary)"
            case .nearestOffer: "the visitor asked for the nearest of several facilities: the nearest to the device"
            }
        }
    }

    public var outcome: Outcome
    /// With `route`: the destination id.
    public var destination: String?
    /// With `route` by an intent: that intent's id (nil for a window number).
    public var intent: String?
    /// With `clarify`: destination ids, best first.
    public var candidates: [String]
    /// 0...1: the winner's share of the evidence.
    public var confidence: Double
    /// The visitor's language, guessed from the question's script.
    public var language: Language
    public var rule: Rule
    /// A keyword was found only through a homophone (toneless pinyin) repair.
    public var usedHomophones: Bool
    /// "先A，再B": the destination (and intent) of what the visitor means to do after this one.
    public var next: Next?

    public struct Next: Sendable, Hashable {
        public var destination: String
        public var intent: String?
    }
}
