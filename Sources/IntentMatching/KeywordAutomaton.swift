/// Aho–Corasick over small integer symbols (Unicode scalars, or pinyin syllable ids),
/// compiled to a dense DFA so a scan is one table load per symbol and never allocates.
/// Symbols that occur in no pattern share class 0, which always leads back to the root.
struct KeywordAutomaton: Sendable {
    /// A pattern that ends at `end` (exclusive) in the scanned text.
    struct Match: Sendable, Hashable {
        var pattern: Int32
        var end: Int32
    }

    private let symbolClass: [UInt16]
    private let classCount: Int
    private let transitions: [UInt32]
    private let outputStart: [Int32]
    private let outputs: [Int32]
    let stateCount: Int

    /// `patterns[i]` is matched as pattern id `i`; empty patterns are ignored.
    init(patterns: [[UInt32]], symbolLimit: Int) {
        var classes = [UInt16](repeating: 0, count: symbolLimit)
        var classCount = 1
        for pattern in patterns {
            for symbol in pattern where Int(symbol) < symbolLimit && classes[Int(symbol)] == 0 {
                classes[Int(symbol)] = UInt16(classCount)
                classCount += 1
            }
        }
        // Trie with sparse children while building.
        var children: [[UInt16: Int]] = [[:]]
        var own: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty && pattern.allSatisfy({ Int($0) < symbolLimit }) {
            var state = 0
            for symbol in pattern {
                let c = classes[Int(symbol)]
                if let next = children[state][c] {
                    state = next
                } else {
                    children.append([:])
                    own.append([])
                    children[state][c] = children.count - 1
                    state = children.count - 1
                }
            }
            own[state].append(Int32(id))
        }
        let states = children.count
        var table = [UInt32](repeating: 0, count: states * classCount)
        var fail = [Int](repeating: 0, count: states)
        var merged = own
        // Breadth first, so a state's failure target is complete before the state itself.
        var queue: [Int] = []
        for (c, child) in children[0] {
            table[Int(c)] = UInt32(child)
            queue.append(child)
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            merged[state] += merged[fail[state]]
            let row = state * classCount
            let failRow = fail[state] * classCount
            for c in 0..<classCount {
                if let child = children[state][UInt16(c)] {
                    fail[child] = Int(table[failRow + c])
                    table[row + c] = UInt32(child)
                    queue.append(child)
                } else {
                    table[row + c] = table[failRow + c]
                }
            }
            table[row] = 0
        }
        var starts = [Int32](repeating: 0, count: states + 1)
        var flat: [Int32] = []
        for state in 0..<states {
            starts[state] = Int32(flat.count)
            flat += merged[state].sorted()
        }
        starts[states] = Int32(flat.count)
        self.symbolClass = classes
        self.classCount = classCount
        self.transitions = table
        self.outputStart = starts
        self.outputs = flat
        self.stateCount = states
    }

    /// Appends every occurrence of every pattern, overlapping ones included.
    func scan(_ symbols: UnsafeBufferPointer<UInt32>, into matches: inout [Match]) {
        symbolClass.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                outputStart.withUnsafeBufferPointer { starts in
                    outputs.withUnsafeBufferPointer { outs in
                        var state = 0
                        let limit = classes.count
                        for (i, symbol) in symbols.enumerated() {
                            let c = Int(symbol) < limit ? Int(classes[Int(symbol)]) : 0
                            state = Int(table[state &* classCount &+ c])
                            var k = Int(starts[state])
                            let stop = Int(starts[state + 1])
                            while k < stop {
                                matches.append(Match(pattern: outs[k], end: Int32(i + 1)))
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Approximate bytes held, for the benchmark's memory figure.
    var byteCount: Int {
        symbolClass.count * 2 + transitions.count * 4 + outputStart.count * 4 + outputs.count * 4
    }
}
