import Foundation
import HallAnswers
import HallModel
import IntentMatching

/// One answered question, as the query log keeps it.
///
/// Given to `QueryLogWriter.record(_:)`, `text` is the question as the device sent it (or
/// as `Answer.query` echoes it, already redacted once); the writer stores it redacted and
/// normalised, on its own thread. Read back from the log, `text` is that stored form and
/// `id` is the row's id.
public struct QueryRecord: Sendable, Hashable {
    /// What the hall did with the question. `error`: halld could not answer at all.
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Comparable {
        case route, clarify, fallback, error

        public static func < (a: Outcome, b: Outcome) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The row id once stored (increasing with time); nil before.
    public var id: Int64?
    /// Wall-clock time of the answer.
    public var time: Date
    /// The asking device's id ("robot-north").
    public var device: String
    /// Where the device stands (its station): where the visitor asked.
    public var place: String
    /// The question: raw on the way in, normalised and redacted once stored.
    public var text: String
    public var outcome: Outcome
    /// The intent that decided a route (nil for a window number, clarify, fallback).
    public var intent: String?
    /// Where the visitor was sent (route), or nil.
    public var destination: String?
    /// What the visitor was asked to choose between (clarify), best first.
    public var candidates: [String]
    public var confidence: Double
    /// Question received → answer ready, in microseconds (0 when not measured).
    public var latencyMicroseconds: Int
    /// The matcher needed a homophone (pinyin) repair: 假照 → 驾照.
    public var homophoneRepair: Bool
    /// The decision rule's one-line summary, as `hallctl explain` prints it.
    public var rule: String
    /// The answer's language, "zh" or "en".
    public var language: String
    /// The conversation-context rule that decided (`picked-by-ordinal`, …), or nil.
    public var contextRule: String?
    /// What the hall had offered the turn before, when this question was the reply to it.
    public var offered: [String] = []

    public init(id: Int64? = nil, time: Date, device: String, place: String, text: String, outcome: Outcome,
                intent: String? = nil, destination: String? = nil, candidates: [String] = [], confidence: Double = 0,
                latencyMicroseconds: Int = 0, homophoneRepair: Bool = false, rule: String = "", language: String = "zh") {
        self.id = id
        self.time = time
        self.device = device
        self.place = place
        self.text = text
        self.outcome = outcome
        self.intent = intent
        self.destination = destination
        self.candidates = candidates
        self.confidence = confidence
        self.latencyMicroseconds = latencyMicroseconds
        self.homophoneRepair = homophoneRepair
        self.rule = rule
        self.language = language
    }

    /// The record of a hall answer: cheap (copies a few strings), for the answer path.
    public init(answer: Answer, device: String, place: String, time: Date = Date(), latencyMicroseconds: Int = 0) {
        let outcome: Outcome = switch answer.outcome {
        case .route: .route
        case .clarify: .clarify
        case .fallback: .fallback
        }
        self.init(time: time, device: device, place: place, text: answer.query, outcome: outcome, intent: answer.intent,
                  destination: answer.destination, candidates: answer.candidates, confidence: answer.confidence,
                  latencyMicroseconds: latencyMicroseconds, homophoneRepair: answer.homophoneRepair, rule: answer.rule,
                  language: answer.language.rawValue)
        contextRule = answer.contextRule
        offered = answer.contextOffer
    }
}
