import Foundation
import IntentMatching

/// What staff read to decide what to teach the hall next (`hallctl report`): the outcome
/// shares, the top intents, the questions that fell back grouped by their text, the ones
/// that were asked back and what the visitor chose after, and the homophone repairs.
/// Pure: computed from records, so it is tested without a file.
public struct QueryReport: Sendable, Hashable {
    public struct Share: Sendable, Hashable {
        public var name: String
        public var count: Int
        /// Of all questions in the window, 0...1.
        public var share: Double
    }

    /// One normalised text that fell back, with how often, when and where.
    public struct Fallback: Sendable, Hashable {
        public var text: String
        public var count: Int
        public var firstSeen: Date
        public var lastSeen: Date
        /// Where it was asked, most often first.
        public var places: [String]
    }

    /// One asked-back text (with its candidates) and what the visitor did next.
    public struct Clarify: Sendable, Hashable {
        public var text: String
        public var candidates: [String]
        public var count: Int
        /// Most frequent first: a destination id (the visitor was routed there), `clarify`,
        /// `fallback`, `error`, or `no follow-up`.
        public var followUps: [FollowUp]
    }

    public struct FollowUp: Sendable, Hashable {
        public var choice: String
        public var count: Int
    }

    /// A text that needed a homophone repair, and the intent it was understood as.
    public struct Homophone: Sendable, Hashable {
        public var text: String
        /// The intent (or destination, or outcome when neither) it led to.
        public var understoodAs: String
        public var count: Int
    }

    public static let noFollowUp = "no follow-up"

    /// The window: `since` (nil: the whole log) up to `until`.
    public var since: Date?
    public var until: Date
    public var first: Date?
    public var last: Date?
    public var total: Int
    /// route, clarify, fallback, error: in that order, each present once (count 0 too).
    public var outcomes: [Share]
    /// Routed intents, most frequent first (a window asked by number counts under its
    /// destination, `window-12`).
    public var intents: [Share]
    /// Most frequent first, then most recent.
    public var fallbacks: [Fallback]
    public var clarifies: [Clarify]
    public var homophones: [Homophone]

    /// - Parameters:
    ///   - records: the log's rows, in any order (those before `since` are ignored).
    ///   - followUpWindow: how long after an asked-back question the same device's next
    ///     question counts as the visitor's choice.
    public init(records: [QueryRecord], since: Date?, until: Date, followUpWindow: TimeInterval = 60) {
        let rows = records.filter { since == nil || $0.time >= since! }
            .sorted { ($0.time, $0.id ?? 0) < ($1.time, $1.id ?? 0) }
        self.since = since
        self.until = until
        first = rows.first?.time
        last = rows.last?.time
        total = rows.count
        let total = max(rows.count, 1)
        func share(_ n: Int) -> Double { Double(n) / Double(total) }

        var byOutcome: [QueryRecord.Outcome: Int] = [:]
        for r in rows { byOutcome[r.outcome, default: 0] += 1 }
        outcomes = QueryRecord.Outcome.allCases.map { Share(name: $0.rawValue, count: byOutcome[$0] ?? 0, share: share(byOutcome[$0] ?? 0)) }

        var byIntent: [String: Int] = [:]
        for r in rows where r.outcome == .route {
            if let name = r.intent ?? r.destination { byIntent[name, default: 0] += 1 }
        }
        intents = byIntent.map { Share(name: $0.key, count: $0.value, share: share($0.value)) }
            .sorted { ($1.count, $0.name) < ($0.count, $1.name) }

        // Fallbacks by text; a thank-you is no question the hall failed to answer.
        var fallbackGroups: [String: (count: Int, first: Date, last: Date, places: [String: Int])] = [:]
        for r in rows where r.outcome == .fallback && r.rule != MatchDecision.Rule.closing.summary {
            var g = fallbackGroups[r.text] ?? (0, r.time, r.time, [:])
            g.count += 1
            g.first = min(g.first, r.time)
            g.last = max(g.last, r.time)
            g.places[r.place, default: 0] += 1
            fallbackGroups[r.text] = g
        }
        fallbacks = fallbackGroups.map { text, g in
            Fallback(text: text, count: g.count, firstSeen: g.first, lastSeen: g.last,
                     places: g.places.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key))
        }.sorted {
            if $0.count != $1.count { return $0.count > $1.count }
            if $0.lastSeen != $1.lastSeen { return $0.lastSeen > $1.lastSeen }
            return $0.text < $1.text
        }

        // Asked back: the same device's next question within the window is the choice.
        var nextByDevice: [Int: QueryRecord] = [:]
        var lastIndexByDevice: [String: Int] = [:]
        for (i, r) in rows.enumerated() {
            if let previous = lastIndexByDevice[r.device] { nextByDevice[previous] = r }
            lastIndexByDevice[r.device] = i
        }
        struct ClarifyKey: Hashable { var text: String; var candidates: [String] }
        var clarifyGroups: [ClarifyKey: (count: Int, choices: [String: Int])] = [:]
        var clarifyOrder: [ClarifyKey] = []
        for (i, r) in rows.enumerated() where r.outcome == .clarify {
            let key = ClarifyKey(text: r.text, candidates: r.candidates)
            if clarifyGroups[key] == nil { clarifyOrder.append(key) }
            var g = clarifyGroups[key] ?? (0, [:])
            g.count += 1
            var choice = Self.noFollowUp
            if let next = nextByDevice[i], next.time.timeIntervalSince(r.time) <= followUpWindow {
                choice = next.outcome == .route ? (next.destination ?? next.intent ?? "route") : next.outcome.rawValue
            }
            g.choices[choice, default: 0] += 1
            clarifyGroups[key] = g
        }
        clarifies = clarifyOrder.map { key in
            let g = clarifyGroups[key]!
            return Clarify(text: key.text, candidates: key.candidates, count: g.count,
                           followUps: g.choices.map { FollowUp(choice: $0.key, count: $0.value) }.sorted {
                               // "no follow-up" last among equals: a choice says more.
                               ($1.count, $0.choice == Self.noFollowUp ? 1 : 0, $0.choice) < ($0.count, $1.choice == Self.noFollowUp ? 1 : 0, $1.choice)
                           })
        }.sorted { ($1.count, $0.text) < ($0.count, $1.text) }

        struct HomophoneKey: Hashable { var text: String; var understoodAs: String }
        var homophoneCounts: [HomophoneKey: Int] = [:]
        for r in rows where r.homophoneRepair {
            homophoneCounts[HomophoneKey(text: r.text, understoodAs: r.intent ?? r.destination ?? r.outcome.rawValue), default: 0] += 1
        }
        homophones = homophoneCounts.map { Homophone(text: $0.key.text, understoodAs: $0.key.understoodAs, count: $0.value) }
            .sorted { ($1.count, $0.text, $0.understoodAs) < ($0.count, $1.text, $1.understoodAs) }
    }

    public var fallbackCount: Int { fallbacks.reduce(0) { $0 + $1.count } }
    public var clarifyCount: Int { clarifies.reduce(0) { $0 + $1.count } }
    public var homophoneCount: Int { homophones.reduce(0) { $0 + $1.count } }
}
