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
        // The trie as a list of edges in creation order, every transition found by
        // (state, class) in one hash table; and which pattern ends at which state. Flat
        // arrays throughout: a hall's keywords make tens of thousands of states, and an array
        // per state made building them the larger part of loading the matcher.
        let length = patterns.reduce(0) { $0 + $1.count }
        var edgeParent: [Int32] = []
        var edgeClass: [UInt32] = []
        var edgeChild: [Int32] = []
        edgeParent.reserveCapacity(length)
        edgeClass.reserveCapacity(length)
        edgeChild.reserveCapacity(length)
        var transition: [UInt64: Int32] = [:]
        transition.reserveCapacity(length)
        func key(_ state: Int, _ c: UInt32) -> UInt64 { UInt64(state) << 32 | UInt64(c) }
        var ends: [(state: Int32, pattern: Int32)] = []
        ends.reserveCapacity(patterns.count)
        var states = 1
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty && pattern.allSatisfy({ Int($0) < symbolLimit }) {
            var state = 0
            for symbol in pattern {
                let c = classes[Int(symbol)]
                if let next = transition[key(state, c)] {
                    state = Int(next)
                } else {
                    let next = Int32(states)
                    states += 1
                    edgeParent.append(Int32(state))
                    edgeClass.append(c)
                    edgeChild.append(next)
                    transition[key(state, c)] = next
                    state = Int(next)
                }
            }
            ends.append((Int32(state), Int32(id)))
        }

        // Each state's children together (a counting sort by parent), then by class.
        var starts = [Int32](repeating: 0, count: states + 1)
        for p in edgeParent { starts[Int(p) + 1] += 1 }
        for s in 0..<states { starts[s + 1] += starts[s] }
        var flatClass = [UInt32](repeating: 0, count: edgeParent.count)
        var flatTarget = [Int32](repeating: 0, count: edgeParent.count)
        var fill = starts
        for e in edgeParent.indices {
            let at = Int(fill[Int(edgeParent[e])])
            fill[Int(edgeParent[e])] += 1
            (flatClass[at], flatTarget[at]) = (edgeClass[e], edgeChild[e])
        }
        for s in 0..<states where starts[s + 1] - starts[s] > 1 {
            let range = Int(starts[s])..<Int(starts[s + 1])
            let sorted = zip(flatClass[range], flatTarget[range]).sorted { $0.0 < $1.0 }
            for (k, pair) in zip(range, sorted) { (flatClass[k], flatTarget[k]) = pair }
        }
        var root = [Int32](repeating: 0, count: classCount)
        for k in Int(starts[0])..<Int(starts[1]) { root[Int(flatClass[k])] = flatTarget[k] }

        // Failure links breadth first.
        var fail = [Int32](repeating: 0, count: states)
        var order: [Int32] = []
        order.reserveCapacity(states)
        for k in Int(starts[0])..<Int(starts[1]) { order.append(flatTarget[k]) }
        var head = 0
        while head < order.count {
            let s = Int(order[head])
            head += 1
            for k in Int(starts[s])..<Int(starts[s + 1]) {
                let (c, t) = (flatClass[k], flatTarget[k])
                order.append(t)
                var f = Int(fail[s])
                while f != 0, transition[key(f, c)] == nil { f = Int(fail[f]) }
                fail[Int(t)] = f == 0 ? root[Int(c)] : transition[key(f, c)]!
            }
        }

        // Outputs: a state's own patterns and those of its failure state, sorted. Counted
        // first (breadth first, so a failure state is counted before the states failing to
        // it), then filled the same way.
        var ownStart = [Int32](repeating: 0, count: states + 1)
        for end in ends { ownStart[Int(end.state) + 1] += 1 }
        for s in 0..<states { ownStart[s + 1] += ownStart[s] }
        var own = [Int32](repeating: 0, count: ends.count)
        var ownFill = ownStart
        for end in ends {
            own[Int(ownFill[Int(end.state)])] = end.pattern
            ownFill[Int(end.state)] += 1
        }
        var outCount = [Int32](repeating: 0, count: states)
        outCount[0] = ownStart[1] - ownStart[0]
        for t in order {
            let s = Int(t)
            outCount[s] = ownStart[s + 1] - ownStart[s] + outCount[Int(fail[s])]
        }
        var outStart = [Int32](repeating: 0, count: states + 1)
        for s in 0..<states { outStart[s + 1] = outStart[s] + outCount[s] }
        var flatOut = [Int32](repeating: 0, count: Int(outStart[states]))
        for t in [0] + order {
            let s = Int(t)
            var at = Int(outStart[s])
            for k in Int(ownStart[s])..<Int(ownStart[s + 1]) {
                flatOut[at] = own[k]
                at += 1
            }
            if s != 0 {
                let f = Int(fail[s])
                for k in Int(outStart[f])..<Int(outStart[f + 1]) {
                    flatOut[at] = flatOut[k]
                    at += 1
                }
            }
            if outCount[s] > 1 { flatOut[Int(outStart[s])..<at].sort() }
        }

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
