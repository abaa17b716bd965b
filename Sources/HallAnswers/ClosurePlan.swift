import Foundation
import HallModel
import Wayfinding

/// A set of closures applied to one hall: which windows, place instances and nodes are
/// shut and by which closure, and route tables that avoid closed walkways and areas.
/// Built when the closures change (and again at `validUntil`, when one ends by itself),
/// never per question: answering with a plan costs what answering without one does.
public final class ClosurePlan: Sendable {
    public let hall: Hall
    /// The closures in force when the plan was built.
    public let closures: HallClosures
    /// When one of them next ends by itself; a plan used after this still avoids it, so
    /// halld builds a new plan then.
    public let validUntil: Date?
    let router: Router
    /// Worded routes under these closures (the hall's own memo when there are none).
    let memo: AnswerMemo
    private let byWindow: [Int: Closure]
    private let byPlace: [String: Closure]
    private let byInstance: [InstanceKey: Closure]
    private let byNode: [Int: Closure]

    struct InstanceKey: Hashable, Sendable {
        var place: String
        var node: Int
    }

    /// Applies the closures in force at `now` (those whose end has passed are left out).
    public init(hall: Hall, closures: HallClosures, at now: Date) {
        let active = closures.active(at: now)
        let map = hall.map
        var byWindow: [Int: Closure] = [:]
        var byPlace: [String: Closure] = [:]
        var byInstance: [InstanceKey: Closure] = [:]
        var byNode: [Int: Closure] = [:]
        var routeClosures = RouteClosures()
        for closure in active.closures {
            switch closure.target {
            case .window(let n):
                byWindow[n] = closure
            case .zone(let id):
                for n in map.place(id)?.windowNumbers ?? [] where byWindow[n] == nil { byWindow[n] = closure }
            case let .place(id, node: nil):
                byPlace[id] = closure
            case let .place(id, node: node?):
                if let n = map.nodeIndex[node] { byInstance[InstanceKey(place: id, node: n)] = closure }
            case let .edge(a, b):
                if let i = map.nodeIndex[a], let j = map.nodeIndex[b] { routeClosures.edges.insert(.init(i, j)) }
            case .area(let id):
                guard let area = map.areas.first(where: { $0.id == id }) else { continue }
                for (i, node) in map.nodes.enumerated() where node.level == area.level && area.contains(node.at) {
                    routeClosures.nodes.insert(i)
                    if byNode[i] == nil { byNode[i] = closure }
                }
            }
        }
        self.hall = hall
        self.closures = active
        validUntil = active.nextEnd(after: now)
        router = routeClosures.isEmpty ? hall.router : Router(map: map, avoiding: routeClosures)
        memo = active.isEmpty ? hall.memo : AnswerMemo()
        self.byWindow = byWindow
        self.byPlace = byPlace
        self.byInstance = byInstance
        self.byNode = byNode
    }

    /// The closure that shuts one instance of a place (a window, a restroom), if any.
    public func closure(of spot: FloorMap.Spot, in place: FloorMap.Place) -> Closure? {
        if let n = spot.window, let closure = byWindow[n] { return closure }
        if let closure = byPlace[place.id] { return closure }
        if !byInstance.isEmpty, let closure = byInstance[InstanceKey(place: place.id, node: spot.node)] { return closure }
        return byNode[spot.node]
    }

    /// Whether some closure changes routes (a walkway or an area), not only places.
    public var closesWalkways: Bool { !router.closed.isEmpty }

    /// True once one of the closures has ended by itself: time to build a new plan.
    public func isStale(at now: Date) -> Bool { validUntil.map { now >= $0 } ?? false }

    /// This plan when built for `hall`, else the same closures applied to it now (correct
    /// but slow: halld builds a new plan when it reloads the hall).
    func applied(to hall: Hall, at now: Date) -> ClosurePlan {
        self.hall === hall ? self : ClosurePlan(hall: hall, closures: closures, at: now)
    }
}
