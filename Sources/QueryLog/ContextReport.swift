import Foundation
import IntentMatching

/// The conversation part of `hallctl report`, from the context the log records: what
/// visitors picked after each offer the hall asked back with (and by which context rule),
/// and which fallbacks are worth labelling as examples beside the intents. Pure.
public struct ContextReport: Sendable, Hashable {
    /// One offer and what the visitors who were asked it replied.
    public struct Picks: Sendable, Hashable {
        public var offered: [String]
        public var count: Int
        /// Most frequent first: a destination id, `clarify` (asked again) or `fallback`.
        public var choices: [Choice]
    }

    public struct Choice: Sendable, Hashable {
        public var choice: String
        public var count: Int
        /// The context rules that decided, most frequent first (`picked-by-ordinal`, …).
        public var rules: [String]
    }

    /// A fallback no keyword or example explained, not out of scope: worth labelling.
    public struct Suggestion: Sendable, Hashable {
        public var text: String
        public var count: Int
        /// Where the same visitor was routed when they asked again within a minute, if
        /// they were: the likely label.
        public var likely: String?
    }

    public var picks: [Picks]
    public var suggestions: [Suggestion]

    /// The rules a fallback has when nothing understood it (the others were out of scope,
    /// negated, or a conversation that ended at the desk).
    static let unexplained: Set<String> = [MatchDecision.Rule.nothingMatched.summary, MatchDecision.Rule.tooWeak.summary]

    public init(records: [QueryRecord], since: Date?, rephraseWindow: TimeInterval = 60) {
        let rows = records.filter { since == nil || $0.time >= since! }
            .sorted { ($0.time, $0.id ?? 0) < ($1.time, $1.id ?? 0) }

        var byOffer: [[String]: [String: (count: Int, rules: [String: Int])]] = [:]
        var offerOrder: [[String]] = []
        for r in rows where !r.offered.isEmpty {
            if byOffer[r.offered] == nil { offerOrder.append(r.offered) }
            let choice = r.outcome == .route ? (r.destination ?? "route") : r.outcome.rawValue
            var entry = byOffer[r.offered, default: [:]][choice] ?? (0, [:])
            entry.count += 1
            entry.rules[r.contextRule ?? "new question", default: 0] += 1
            byOffer[r.offered, default: [:]][choice] = entry
        }
        picks = offerOrder.map { offer in
            let choices = byOffer[offer]!.map { choice, entry in
                Choice(choice: choice, count: entry.count,
                       rules: entry.rules.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key))
            }.sorted { ($1.count, $0.choice) < ($0.count, $1.choice) }
            return Picks(offered: offer, count: choices.reduce(0) { $0 + $1.count }, choices: choices)
        }.sorted { ($1.count, $0.offered.joined()) < ($0.count, $1.offered.joined()) }

        // The same device's next question: a visitor who rephrased and was understood.
        var next: [Int: QueryRecord] = [:]
        var lastByDevice: [String: Int] = [:]
        for (i, r) in rows.enumerated() {
            if let previous = lastByDevice[r.device] { next[previous] = r }
            lastByDevice[r.device] = i
        }
        var groups: [String: (count: Int, likely: [String: Int])] = [:]
        for (i, r) in rows.enumerated() where r.outcome == .fallback && r.contextRule == nil && Self.unexplained.contains(r.rule) {
            var g = groups[r.text] ?? (0, [:])
            g.count += 1
            if let n = next[i], n.time.timeIntervalSince(r.time) <= rephraseWindow, n.outcome == .route, let d = n.destination {
                g.likely[d, default: 0] += 1
            }
            groups[r.text] = g
        }
        suggestions = groups.map { text, g in
            Suggestion(text: text, count: g.count, likely: g.likely.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        }.sorted { ($1.count, $0.text) < ($0.count, $1.text) }
    }

    public func text(top: Int = 20) -> String {
        var lines = ["", "After asking back: what visitors picked (\(picks.reduce(0) { $0 + $1.count }) replies)"]
        if picks.isEmpty { lines.append("  (none)") }
        for p in picks.prefix(top) {
            lines.append("  \(p.offered.joined(separator: " | ")): \(p.count)")
            for c in p.choices { lines.append("    \(c.choice) \(c.count) (\(c.rules.joined(separator: ", ")))") }
        }
        lines.append("")
        lines.append("Fallbacks worth labelling (add them as `examples:` of an intent, or to out_of_scope_examples)")
        if suggestions.isEmpty { lines.append("  (none)") }
        for s in suggestions.prefix(top) {
            lines.append("  \(s.count)× \(s.text)\(s.likely.map { "  — the visitor then went to \($0)" } ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
