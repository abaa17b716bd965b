import Foundation

/// A hall-like grid map of about `nodes` nodes, as a floor-map YAML text: aisles 6 m apart,
/// some walls (removed edges) and some diagonals, like the networkx peer's graphs, so
/// routing is measured on something bigger than the default hall.
func generatedHallYAML(nodes: Int, seed: UInt64) -> String {
    var rng = SplitMix64(seed: seed)
    let cols = Int(Double(nodes).squareRoot().rounded(.up))
    let rows = (nodes + cols - 1) / cols
    let spacing = 6.0
    var out = """
    format: 1
    hall: {id: generated, name: {zh: 生成大厅, en: Generated Hall}}
    levels:
      - {id: L1, name: {zh: 一层, en: Floor 1}}
    nodes:

    """
    let count = rows * cols
    for i in 0..<count {
        out += "  - {id: n\(i), level: L1, at: [\(Double(i % cols) * spacing), \(Double(i / cols) * spacing)]}\n"
    }
    out += "edges:\n"
    // A spanning path row by row keeps the grid connected; other grid edges appear with
    // probability 0.85, diagonals with 0.15.
    for i in 0..<count {
        let r = i / cols, c = i % cols
        if c + 1 < cols {
            if r == 0 || c == 0 || rng.unit() < 0.85 { out += "  - {from: n\(i), to: n\(i + 1)}\n" }
        }
        if r + 1 < rows {
            if c == 0 || rng.unit() < 0.85 { out += "  - {from: n\(i), to: n\(i + cols)}\n" }
            if c + 1 < cols && rng.unit() < 0.15 { out += "  - {from: n\(i), to: n\(i + cols + 1)}\n" }
        }
    }
    out += "places:\n  - {id: desk, kind: service, name: {zh: 服务台, en: the desk}, node: n0}\n"
    out += "stations:\n  - {id: robot, kind: robot, node: n0}\n"
    return out
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
