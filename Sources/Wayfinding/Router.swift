import HallModel

/// Who is walking: the accessible profile avoids stairs and any edge marked inaccessible.
public enum RouteProfile: String, Sendable, Hashable, CaseIterable, Codable {
    case standard
    case accessible
}

/// A shortest walk between two nodes.
public struct Path: Sendable, Hashable {
    public var nodes: [Int]
    public var metres: Double
}

/// Shortest paths between every pair of nodes, computed once when the map loads (a hall
/// has hundreds to a few thousand nodes), so a route is a table walk, not a search.
/// Closures (a walkway under repair, an area shut) get tables of their own, built when the
/// closures change, so a question costs the same with them as without. A class: answers
/// pick the hall's router or a closure plan's per question, and a struct this size would
/// retain every table and the whole map on each pick.
public final class Router: Sendable {
    public let map: FloorMap
    public let closed: RouteClosures
    private let standard: ShortestPathTable
    private let accessible: ShortestPathTable
    private let sharesTables: Bool

    public convenience init(map: FloorMap) { self.init(map: map, avoiding: .none) }

    public init(map: FloorMap, avoiding closed: RouteClosures) {
        self.map = map
        self.closed = closed
        let open = { (edge: FloorMap.Edge) in closed.allows(edge) }
        standard = ShortestPathTable(map: map, usable: open)
        sharesTables = map.edges.allSatisfy { $0.accessible || !open($0) }
        if sharesTables {
            accessible = standard  // same graph: share the table
        } else {
            accessible = ShortestPathTable(map: map, usable: { $0.accessible && open($0) })
        }
    }

    private func table(_ profile: RouteProfile) -> ShortestPathTable {
        profile == .standard ? standard : accessible
    }

    /// Metres from one node to another, or nil when unreachable in this profile.
    public func distance(from: Int, to: Int, profile: RouteProfile = .standard) -> Double? {
        table(profile).distance(from, to)
    }

    public func path(from: Int, to: Int, profile: RouteProfile = .standard) -> Path? {
        table(profile).path(from, to)
    }

    /// The nearest instance of a place (restrooms, self-service areas, a zone's windows).
    public func nearest(_ place: FloorMap.Place, from: Int, profile: RouteProfile = .standard) -> (spot: FloorMap.Spot, metres: Double)? {
        nearest(place, from: from, profile: profile, where: { _ in true })
    }

    /// The nearest instance that `usable` accepts (an open window of a zone).
    public func nearest(_ place: FloorMap.Place, from: Int, profile: RouteProfile = .standard,
                        where usable: (FloorMap.Spot) -> Bool) -> (spot: FloorMap.Spot, metres: Double)? {
        var best: (FloorMap.Spot, Double)?
        for spot in place.spots where usable(spot) {
            if let d = distance(from: from, to: spot.node, profile: profile), best == nil || d < best!.1 {
                best = (spot, d)
            }
        }
        return best
    }

    public var tableBytes: Int {
        standard.byteCount + (sharesTables ? 0 : accessible.byteCount)
    }
}

/// What routes may not use: walkways closed (both ways), and the nodes of a closed area,
/// which no route enters from outside. A visitor already inside may still walk out.
public struct RouteClosures: Sendable, Hashable {
    /// Node index pairs, smaller first.
    public var edges: Set<NodePair>
    public var nodes: Set<Int>

    public struct NodePair: Sendable, Hashable {
        public var a: Int
        public var b: Int
        public init(_ x: Int, _ y: Int) { (a, b) = x <= y ? (x, y) : (y, x) }
    }

    public init(edges: Set<NodePair> = [], nodes: Set<Int> = []) {
        self.edges = edges
        self.nodes = nodes
    }

    public static let none = RouteClosures()
    public var isEmpty: Bool { edges.isEmpty && nodes.isEmpty }

    public func allows(_ edge: FloorMap.Edge) -> Bool {
        if nodes.contains(edge.to) && !nodes.contains(edge.from) { return false }
        return !edges.contains(NodePair(edge.from, edge.to))
    }
}

/// All-pairs shortest paths by one Dijkstra per source: distances and predecessors in
/// flat row-major tables.
struct ShortestPathTable: Sendable {
    let count: Int
    let distances: [Float]
    /// Predecessor of column node on the shortest path from row node; count means none.
    let predecessors: [UInt32]

    init(map: FloorMap, usable: (FloorMap.Edge) -> Bool) {
        let n = map.nodes.count
        count = n
        // Adjacency in compressed rows.
        var degree = [Int](repeating: 0, count: n + 1)
        for edge in map.edges where usable(edge) { degree[edge.from + 1] += 1 }
        for i in 0..<n { degree[i + 1] += degree[i] }
        var fill = degree
        var targets = [Int32](repeating: 0, count: degree[n])
        var lengths = [Float](repeating: 0, count: degree[n])
        for edge in map.edges where usable(edge) {
            targets[fill[edge.from]] = Int32(edge.to)
            lengths[fill[edge.from]] = Float(edge.length)
            fill[edge.from] += 1
        }
        var distances = [Float](repeating: .infinity, count: n * n)
        var predecessors = [UInt32](repeating: UInt32(n), count: n * n)
        var heap = MinHeap()
        distances.withUnsafeMutableBufferPointer { dist in
            predecessors.withUnsafeMutableBufferPointer { pred in
                for source in 0..<n {
                    let row = source * n
                    dist[row + source] = 0
                    heap.push(0, Int32(source))
                    while let (d, u32) = heap.pop() {
                        let u = Int(u32)
                        if d > dist[row + u] { continue }
                        for k in degree[u]..<degree[u + 1] {
                            let v = Int(targets[k])
                            let nd = d + lengths[k]
                            if nd < dist[row + v] {
                                dist[row + v] = nd
                                pred[row + v] = UInt32(u)
                                heap.push(nd, Int32(v))
                            }
                        }
                    }
                }
            }
        }
        self.distances = distances
        self.predecessors = predecessors
    }

    @inline(__always)
    func distance(_ from: Int, _ to: Int) -> Double? {
        let d = distances[from * count + to]
        return d.isFinite ? Double(d) : nil
    }

    func path(_ from: Int, _ to: Int) -> Path? {
        let row = from * count
        let d = distances[row + to]
        guard d.isFinite else { return nil }
        var nodes = [to]
        var at = to
        while at != from {
            at = Int(predecessors[row + at])
            nodes.append(at)
        }
        nodes.reverse()
        return Path(nodes: nodes, metres: Double(d))
    }

    var byteCount: Int { distances.count * 4 + predecessors.count * 4 }
}

/// A binary heap of (distance, node) for Dijkstra.
struct MinHeap {
    private var keys: [Float] = []
    private var values: [Int32] = []

    mutating func push(_ key: Float, _ value: Int32) {
        keys.append(key)
        values.append(value)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if keys[parent] <= keys[i] { break }
            keys.swapAt(parent, i)
            values.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> (Float, Int32)? {
        guard let firstKey = keys.first else { return nil }
        let firstValue = values[0]
        let lastKey = keys.removeLast()
        let lastValue = values.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            values[0] = lastValue
            var i = 0
            let n = keys.count
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < n && keys[l] < keys[m] { m = l }
                if r < n && keys[r] < keys[m] { m = r }
                if m == i { break }
                keys.swapAt(m, i)
                values.swapAt(m, i)
                i = m
            }
        }
        return (firstKey, firstValue)
    }
}
