import HallModel
import IntentMatching
import Wayfinding

/// "最近的出口在哪", "where is the nearest exit": a question back between the north and the
/// south door would be a question the visitor has already answered. When every offer is a
/// facility or a door, and the visitor asks for the nearest, the map decides: the offer
/// whose nearest instance is closest to the device (by the route profile's distances).
/// Services are never chosen this way: the nearest window is not the visitor's errand.
enum NearestOffer {
    /// Phrases that ask for the nearest one. 最近 alone is not one of them: it also means
    /// "lately" (最近想换护照).
    static let cues = ["最近的", "最近一个", "最近那个", "最近那", "最近哪个", "最近是哪", "离我最近", "离这最近", "离这儿最近",
                       "离这里最近", "哪个最近", "哪个近", "哪边近", "近点的", "近一点的", "近些的", "最近嘅", "最近的一个",
                       "nearest", "closest", "the near one", "nearby one"]

    static func asks(_ query: String) -> Bool {
        let text = query.lowercased()
        return cues.contains { text.contains($0) }
    }
}

extension Hall {
    /// The decision with a question back between facilities turned into a route to the
    /// nearest of them, when the visitor asked for the nearest; otherwise as it was.
    func nearestOffer(_ decision: MatchDecision, _ query: String, start: Int, profile: RouteProfile, router: Router) -> MatchDecision {
        guard decision.outcome == .clarify, decision.rule == .closeScores || decision.rule == .ambiguousTerm,
              decision.candidates.count >= 2, NearestOffer.asks(query) else { return decision }
        var best: (destination: String, metres: Double)?
        for candidate in decision.candidates {
            guard let place = map.place(candidate), place.kind == .facility || place.kind == .door else { return decision }
            guard let (_, metres) = router.nearest(place, from: start, profile: profile) else { continue }
            if best == nil || metres < best!.metres { best = (candidate, metres) }
        }
        guard let best else { return decision }
        var chosen = decision
        chosen.outcome = .route
        chosen.destination = best.destination
        chosen.intent = intentID(forDestination: best.destination)
        chosen.candidates = []
        chosen.rule = .nearestOffer
        return chosen
    }
}
