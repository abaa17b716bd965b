import IntentMatching

/// What one staff test line expects of the hall's answer. The label language is the one
/// of `../shared/tools/score-answers` (`exit-entry`, `a|b`, `clarify`, `clarify:a|b`,
/// `fallback`), so the same file can be scored by either tool. Only answers that tool
/// calls "correct" pass here: a test pins the answer staff want, not a tolerable one.
public enum IntentExpectation: Sendable, Hashable, CustomStringConvertible {
    /// Route to one of these destinations (a place id, `window-N`).
    case route([String])
    /// Ask the visitor back, offering at least these (none listed: any offer will do).
    case clarify([String])
    /// Nothing fits: the consultation desk answers.
    case fallback

    /// Parses a label; nil when it is not one (an empty id, a stray space, `clarify:`).
    public init?(label: String) {
        let label = label.trimmingSpaces()
        if label == "fallback" {
            self = .fallback
        } else if label == "clarify" {
            self = .clarify([])
        } else if label.hasPrefix("clarify:") {
            guard let ids = Self.ids(label.dropFirst("clarify:".count)) else { return nil }
            self = .clarify(ids)
        } else {
            guard let ids = Self.ids(Substring(label)) else { return nil }
            self = .route(ids)
        }
    }

    /// `a|b` → [a, b]; nil when any piece is empty or could not be an id.
    private static func ids(_ text: Substring) -> [String]? {
        let pieces = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let valid = pieces.allSatisfy { id in
            !id.isEmpty && !id.contains(where: { $0 == " " || $0 == ":" || $0 == "\t" })
        }
        return valid ? pieces : nil
    }

    /// The destinations the label names, so a typo (`resroom`) is caught before it fails forever.
    public var destinations: [String] {
        switch self {
        case .route(let ids), .clarify(let ids): ids
        case .fallback: []
        }
    }

    /// Back to the label, as written in the file.
    public var description: String {
        switch self {
        case .route(let ids): ids.joined(separator: "|")
        case .clarify(let ids): ids.isEmpty ? "clarify" : "clarify:" + ids.joined(separator: "|")
        case .fallback: "fallback"
        }
    }

    /// True when an answer is what the line expects.
    public func accepts(outcome: MatchDecision.Outcome, destination: String?, candidates: [String]) -> Bool {
        switch (self, outcome) {
        case (.fallback, .fallback): true
        case let (.route(ids), .route): destination.map(ids.contains) ?? false
        case let (.clarify(ids), .clarify): Set(ids).isSubset(of: candidates)
        default: false
        }
    }

    /// An answer in the same label language, for "expected X, got Y".
    public static func label(outcome: MatchDecision.Outcome, destination: String?, candidates: [String]) -> String {
        switch outcome {
        case .route: destination ?? "route"
        case .clarify: candidates.isEmpty ? "clarify" : "clarify:" + candidates.joined(separator: "|")
        case .fallback: "fallback"
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns (files edited on Windows).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
