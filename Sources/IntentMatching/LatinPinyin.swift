/// Pinyin written in Latin letters ("shebao 卡在哪办", "gongjijin", "gong ji jin"): visitors
/// type it at a kiosk and recognisers pass it on for words they did not know. A run of
/// letters that splits wholly into syllables is read as the characters it spells and meets
/// the same homophone automaton as a slip in characters. English words seldom split wholly,
/// and one that does must still spell a keyword's syllables to count.
struct LatinPinyin: Sendable {
    /// A trie over a...z: the child of node n by letter l is `children[n * 26 + l]` (0: none).
    private let children: [Int32]
    /// The syllable id that ends at each node (0: none).
    private let syllableAt: [UInt16]

    init(syllables: [String]) {
        var children = [Int32](repeating: 0, count: 26)
        var syllableAt: [UInt16] = [0]
        for (id, name) in syllables.enumerated() where !name.isEmpty {
            var node = 0
            for byte in name.utf8 {
                guard byte >= 0x61, byte <= 0x7A else { node = -1; break }
                let slot = node * 26 + Int(byte - 0x61)
                if children[slot] == 0 {
                    children[slot] = Int32(syllableAt.count)
                    syllableAt.append(0)
                    children.append(contentsOf: repeatElement(0, count: 26))
                }
                node = Int(children[slot])
            }
            if node > 0 { syllableAt[node] = UInt16(id) }
        }
        self.children = children
        self.syllableAt = syllableAt
    }

    @inline(__always)
    static func isLetter(_ c: UInt32) -> Bool { c >= 0x61 && c <= 0x7A }

    /// Splits `text[start..<end]` (lower-case letters) wholly into syllables, the fewest there
    /// can be ("xian" is one syllable, not xi + an); appends each syllable's id and its span.
    /// False, appending nothing, when the letters do not split.
    func split(_ text: [UInt32], _ start: Int, _ end: Int, into spelled: inout [SpelledSyllable],
               scratch best: inout [Int32]) -> Bool {
        let n = end - start
        // best[i]: the fewest syllables that spell letters i..<n, and the end of the first.
        best.removeAll(keepingCapacity: true)
        best.append(contentsOf: repeatElement(-1, count: 2 * (n + 1)))
        best[2 * n] = 0
        var i = n - 1
        while i >= 0 {
            var node = 0
            var j = i
            while j < n {
                let next = children[node * 26 + Int(text[start + j] - 0x61)]
                if next == 0 { break }
                node = Int(next)
                j += 1
                // The longer syllable wins a tie: it is met first from the far end.
                if syllableAt[node] != 0, best[2 * j] >= 0, best[2 * i] < 0 || best[2 * j] + 1 <= best[2 * i] {
                    best[2 * i] = best[2 * j] + 1
                    best[2 * i + 1] = Int32(j)
                }
            }
            i -= 1
        }
        guard best[0] > 0 else { return false }
        var at = 0
        while at < n {
            let next = Int(best[2 * at + 1])
            var node = 0
            for k in at..<next { node = Int(children[node * 26 + Int(text[start + k] - 0x61)]) }
            spelled.append(SpelledSyllable(id: syllableAt[node], start: start + at, end: start + next))
            at = next
        }
        return true
    }
}

/// One syllable spelled in letters, and where in the normalised question it is.
struct SpelledSyllable: Sendable {
    var id: UInt16
    var start: Int
    var end: Int
}
