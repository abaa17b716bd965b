/// Aho–Corasick over small integer symbols (Unicode scalars, or pinyin syllable ids).
/// The root has a dense row (most characters of a question start nothing); deeper
/// states keep their few children sorted, with failure links. Builds in about a
/// millisecond for a hall's keywords, holds a few hundred kilobytes, and a scan never
/// allocates beyond the caller's match buffer.
struct KeywordAutomaton: Sendable {
    /// A pattern that ends at `end` (exclusive) in the scanned text.
    struct Match: Sendable, Hashable {
        var pattern: Int32
        var end: Int32
    }

    /// The eight tables of the automaton, end to end in one buffer so that a scan reads
    /// them through one pointer (`Sections` says where each begins); indices and state
    /// numbers are non-negative and kept as their UInt32 values.
    /// - symbol class (32 bits: a hall's keywords may hold more distinct characters than 16
    ///   bits count); class 0 is every symbol no pattern contains;
    /// - the root's transition per class (0: stay at the root);
    /// - children of state s: childClass/childTarget[childStart[s]..<childStart[s+1]], by class;
    /// - failure links; outputs of state s: outputs[outputStart[s]..<outputStart[s+1]].
    private let table: [UInt32]
    private let sections: Sections

    struct Sections: Sendable {
        var symbolCount = 0
        var rootNext = 0
        var childStart = 0
        var childClass = 0
        var childTarget = 0
        var fail = 0
        var outputStart = 0
        var outputs = 0
    }

    let stateCount: Int

    /// `patterns[i]` is matched as pattern id `i`; empty patterns are ignored.
    ///
    /// Linear in the patterns' total length: while building, every transition (the root's
    /// thousands included) is found in one hash table, never by searching a state's children.
    init(patterns: [[UInt32]], symbolLimit: Int) {
        var classes = [UInt32](repeating: 0, count: symbolLimit)
        var classCount = 1
        for pattern in patterns {
            for symbol in pattern where Int(symbol) < symbolLimit && classes[Int(symbol)] == 0 {
                classes[Int(symbol)] = UInt32(classCount)
                classCount += 1
            }
        }
        // The trie: each state's children in creation order, and every transition by
        // (state, class).
        var children: [[(UInt32, Int32)]] = [[]]
        var transition: [UInt64: Int32] = [:]
        func key(_ state: Int, _ c: UInt32) -> UInt64 { UInt64(state) << 32 | UInt64(c) }
        var own: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty && pattern.allSatisfy({ Int($0) < symbolLimit }) {
            var state = 0
            for symbol in pattern {
                let c = classes[Int(symbol)]
                if let next = transition[key(state, c)] {
                    state = Int(next)
                } else {
                    children.append([])
                    own.append([])
                    let next = Int32(children.count - 1)
                    children[state].append((c, next))
                    transition[key(state, c)] = next
                    state = Int(next)
                }
            }
            own[state].append(Int32(id))
        }
        let states = children.count
        var starts = [Int32](repeating: 0, count: states + 1)
        var flatClass: [UInt32] = []
        var flatTarget: [Int32] = []
        for s in 0..<states {
            starts[s] = Int32(flatClass.count)
            for (c, t) in children[s].sorted(by: { $0.0 < $1.0 }) {
                flatClass.append(c)
                flatTarget.append(t)
            }
        }
        starts[states] = Int32(flatClass.count)
        var root = [Int32](repeating: 0, count: classCount)
        for (c, t) in children[0] { root[Int(c)] = t }

        // Failure links breadth first; outputs merged along them.
        var fail = [Int32](repeating: 0, count: states)
        var merged = own
        var queue: [Int] = children[0].map { Int($0.1) }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            merged[s] += merged[Int(fail[s])]
            for (c, t) in children[s] {
                queue.append(Int(t))
                guard s != 0 else { continue }  // depth one fails to the root
                var f = Int(fail[s])
                while f != 0, transition[key(f, c)] == nil { f = Int(fail[f]) }
                fail[Int(t)] = f == 0 ? root[Int(c)] : transition[key(f, c)]!
            }
        }
        var outStart = [Int32](repeating: 0, count: states + 1)
        var flatOut: [Int32] = []
        for s in 0..<states {
            outStart[s] = Int32(flatOut.count)
            flatOut += merged[s].sorted()
        }
        outStart[states] = Int32(flatOut.count)

        var sections = Sections(symbolCount: classes.count)
        var table = classes
        func append(_ part: [Int32], at base: inout Int) {
            base = table.count
            table += part.map { UInt32(bitPattern: $0) }
        }
        append(root, at: &sections.rootNext)
        append(starts, at: &sections.childStart)
        sections.childClass = table.count
        table += flatClass
        append(flatTarget, at: &sections.childTarget)
        append(fail, at: &sections.fail)
        append(outStart, at: &sections.outputStart)
        append(flatOut, at: &sections.outputs)
        self.table = table
        self.sections = sections
        stateCount = states
    }

    /// Appends every occurrence of every pattern, overlapping ones included.
    func scan(_ symbols: UnsafeBufferPointer<UInt32>, into matches: inout [Match]) {
        let o = sections
        // The hot loop of every question: the tables read through one buffer pointer (no
        // bounds checks, no retains); every index below is within its section by construction.
        table.withUnsafeBufferPointer { t in
            var state = 0
            let limit = UInt32(o.symbolCount)
            for i in 0..<symbols.count {
                let symbol = symbols[i]
                let c = symbol < limit ? t[Int(symbol)] : 0
                if c == 0 {
                    state = 0
                    continue
                }
                while true {
                    if state == 0 {
                        state = Int(t[o.rootNext + Int(c)])
                        break
                    }
                    var k = Int(t[o.childStart + state])
                    let end = Int(t[o.childStart + state + 1])
                    var next = -1
                    while k < end {
                        if t[o.childClass + k] == c { next = Int(t[o.childTarget + k]); break }
                        k += 1
                    }
                    if next >= 0 {
                        state = next
                        break
                    }
                    state = Int(t[o.fail + state])
                }
                var k = Int(t[o.outputStart + state])
                let stop = Int(t[o.outputStart + state + 1])
                while k < stop {
                    matches.append(Match(pattern: Int32(bitPattern: t[o.outputs + k]), end: Int32(i + 1)))
                    k += 1
                }
            }
        }
    }

    var byteCount: Int { table.count * 4 }
}
