import HallModel
import IntentMatching
import Wayfinding

extension Hall {
    /// "出口在哪", "where is the exit": a word that fits every door and nothing else asks for
    /// the way out, and a hall employee points to the nearest one rather than ask which, as
    /// the nearest restroom is chosen. Only when the offers are all doors of the map.
    func nearestDoorWillDo(_ decision: MatchDecision, start: Int, profile: RouteProfile) -> MatchDecision {
        guard decision.outcome == .clarify, decision.rule == .ambiguousTerm, decision.candidates.count >= 2 else { return decision }
        var nearest: (id: String, metres: Double)?
        for id in decision.candidates {
            guard let door = map.place(id), door.kind == .door else { return decision }
            if let found = router.nearest(door, from: start, profile: profile), nearest == nil || found.metres < nearest!.metres {
                nearest = (id, found.metres)
            }
        }
        guard let nearest else { return decision }
        var d = decision
        (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.route, nearest.id, intentID(forDestination: nearest.id), [], 1)
        d.rule = .nearestDoor
        return d
    }
}
