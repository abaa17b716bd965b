@testable import IntentMatching

/// The built-in hall's matcher and a conversation over it, for the mechanism tests of each
/// held-out round.
protocol UsesBuiltInMatcher {}

extension UsesBuiltInMatcher {
    var matcher: IntentMatcher { UnderstandingTests.matcher }

    func talk(_ turns: [String]) -> [MatchDecision] { UnderstandingTests.talk(turns) }
}
