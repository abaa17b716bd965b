import Foundation

/// Something staff closed for a while: a window, a zone's windows, a place (or one
/// instance of it), a walkway (an edge, both ways) or an area of the map (repairs).
public struct Closure: Sendable, Hashable {
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case window(Int)
        /// Every window of the zone.
        case zone(String)
        /// A place that is not a zone or window; with a node, only its instance there.
        case place(String, node: String?)
        /// The walkway between two nodes, both ways; the ids are kept in sorted order so
        /// that a-b and b-a are the same closure.
        case edge(String, String)
        /// Nobody is routed into the area; everything in it is closed.
        case area(String)

        /// Closes a way through the hall rather than a place.
        public var isWalkway: Bool {
            switch self {
            case .edge, .area: true
            case .window, .zone, .place: false
            }
        }

        public static func edgeBetween(_ a: String, _ b: String) -> Target { a <= b ? .edge(a, b) : .edge(b, a) }

        /// The id staff type: `window-16`, `social-insurance`, `restroom`,
        /// `restroom@west-restroom`, `edge:a,b`, `area:east-hall`.
        public var description: String {
            switch self {
            case .window(let n): "window-\(n)"
            case .zone(let id): id
            case let .place(id, node): node.map { "\(id)@\($0)" } ?? id
            case let .edge(a, b): "edge:\(a),\(b)"
            case .area(let id): "area:\(id)"
            }
        }

        /// Reads a target id as `description` writes it, checked against the map.
        public static func parse(_ text: String, in map: FloorMap) -> Result<Target, TargetProblem> {
            if text.hasPrefix("area:") {
                let id = String(text.dropFirst(5))
                return map.areas.contains { $0.id == id } ? .success(.area(id)) : .failure(.init("unknown area '\(id)'"))
            }
            if text.hasPrefix("edge:") {
                let ends = text.dropFirst(5).split(separator: ",").map(String.init)
                guard ends.count == 2 else { return .failure(.init("an edge is edge:NODE,NODE, got '\(text)'")) }
                return checkEdge(ends[0], ends[1], in: map).map { .edgeBetween(ends[0], ends[1]) }
            }
            if text.hasPrefix("window-"), let n = Int(text.dropFirst(7)) { return checkWindow(n, in: map).map { .window(n) } }
            let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
            guard let id = parts.first, let place = map.place(id) else { return .failure(.init("unknown place '\(text)'")) }
            if place.kind == .zone {
                return parts.count == 1 ? .success(.zone(id)) : .failure(.init("close one window of a zone as window-N"))
            }
            if place.kind == .window, let n = place.windowNumbers.first { return .success(.window(n)) }
            guard parts.count == 2 else { return .success(.place(id, node: nil)) }
            return checkInstance(id, node: parts[1], in: map).map { .place(id, node: parts[1]) }
        }

        static func checkWindow(_ n: Int, in map: FloorMap) -> Result<Void, TargetProblem> {
            map.place("window-\(n)") != nil ? .success(()) : .failure(.init("the hall has no window \(n)"))
        }

        static func checkEdge(_ a: String, _ b: String, in map: FloorMap) -> Result<Void, TargetProblem> {
            guard let i = map.nodeIndex[a] else { return .failure(.init("unknown node '\(a)'")) }
            guard let j = map.nodeIndex[b] else { return .failure(.init("unknown node '\(b)'")) }
            return map.edges.contains { ($0.from == i && $0.to == j) || ($0.from == j && $0.to == i) }
                ? .success(()) : .failure(.init("no edge between '\(a)' and '\(b)'"))
        }

        static func checkInstance(_ id: String, node: String, in map: FloorMap) -> Result<Void, TargetProblem> {
            guard let place = map.place(id), let n = map.nodeIndex[node] else { return .failure(.init("unknown node '\(node)'")) }
            return place.spots.contains { $0.node == n } ? .success(()) : .failure(.init("'\(id)' has no instance at node '\(node)'"))
        }
    }

    public struct TargetProblem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public var target: Target
    /// As staff typed it ("暂停服务", "设备维修"); said to visitors.
    public var reason: String?
    /// The reason in English, for English answers; without it they say "temporarily closed".
    public var reasonEnglish: String?
    /// When it reopens by itself; nil until staff reopen it.
    public var until: Date?
    /// When staff closed it (shown in `hallctl closures`).
    public var since: Date?

    public init(target: Target, reason: String? = nil, reasonEnglish: String? = nil, until: Date? = nil, since: Date? = nil) {
        self.target = target
        self.reason = reason
        self.reasonEnglish = reasonEnglish
        // To the second, as the file keeps them: a persisted closure reads back equal.
        self.until = until.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        self.since = since.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
    }

    public func isActive(at date: Date) -> Bool { until.map { date < $0 } ?? true }
}

/// The closures in force: what the daemon persists in its state directory and what
/// `hallctl ask --closures FILE` reads (format: ClosuresFile, README "Closures").
public struct HallClosures: Sendable, Hashable {
    public private(set) var closures: [Closure]

    public init(_ closures: [Closure] = []) {
        self.closures = []
        for closure in closures { close(closure) }
    }

    public var isEmpty: Bool { closures.isEmpty }

    /// Adds a closure; one already on the same target is replaced (a new reason or end).
    public mutating func close(_ closure: Closure) {
        if let i = closures.firstIndex(where: { $0.target == closure.target }) {
            closures[i] = closure
        } else {
            closures.append(closure)
        }
    }

    /// Removes the closure of a target; false when it was not closed.
    @discardableResult
    public mutating func reopen(_ target: Closure.Target) -> Bool {
        guard let i = closures.firstIndex(where: { $0.target == target }) else { return false }
        closures.remove(at: i)
        return true
    }

    /// Those still in force at a moment (an end time in the past has reopened it).
    public func active(at date: Date) -> HallClosures {
        var result = HallClosures()
        result.closures = closures.filter { $0.isActive(at: date) }
        return result
    }

    /// The next moment after `date` at which one of them ends by itself.
    public func nextEnd(after date: Date) -> Date? {
        closures.compactMap(\.until).filter { $0 > date }.min()
    }
}
