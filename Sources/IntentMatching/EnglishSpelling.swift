/// Typing slips in English words ("insurence", "electricty", "reimbursment"): a word of five
/// letters or more that is neither a keyword's word nor common English is read as the one
/// keyword word it is a slip of (one edit, or two in words of ten letters or more, and the
/// same first letter, which slips seldom touch). A keyword word with letters added at its
/// end is another word ("toiletry" is not "toilet"). Questions only: keywords are as written.
struct EnglishSpelling: Sendable {
    /// The keywords' English words, by first letter.
    private let words: [[[UInt32]]]
    private let known: Set<[UInt32]>
    static let shortest = 5

    init(keywords: [[UInt32]]) {
        var byLetter = [[[UInt32]]](repeating: [], count: 26)
        var known = Self.common
        var targets: Set<[UInt32]> = []
        for keyword in keywords where keyword.allSatisfy({ $0 < 0x80 }) {
            for word in keyword.split(whereSeparator: { !IntentMatcher.isWordScalar($0) }) where word.count >= Self.shortest {
                let w = Array(word)
                // A common word that a keyword holds ("entrance") is a slip's target too.
                guard LatinPinyin.isLetter(w[0]), targets.insert(w).inserted else { continue }
                known.insert(w)
                byLetter[Int(w[0] - 0x61)].append(w)
            }
        }
        words = byLetter
        self.known = known
    }

    /// Replaces each slip in `text` (normalised) by the keyword word it stands for; true
    /// when it changed something.
    func correct(_ text: inout [UInt32]) -> Bool {
        var changed = false
        var i = 0
        while i < text.count {
            guard LatinPinyin.isLetter(text[i]), i == 0 || !IntentMatcher.isWordScalar(text[i - 1]) else { i += 1; continue }
            var j = i
            while j < text.count, IntentMatcher.isWordScalar(text[j]) { j += 1 }
            if j - i >= Self.shortest, let word = fix(text[i..<j]) {
                text.replaceSubrange(i..<j, with: word)
                j = i + word.count
                changed = true
            }
            i = j
        }
        return changed
    }

    private func fix(_ typed: ArraySlice<UInt32>) -> [UInt32]? {
        let typed = Array(typed)
        guard !known.contains(typed), !typed.contains(where: { $0 < 0x61 }) else { return nil }
        // A plural of a known word is known.
        if typed.last == 0x73, known.contains(Array(typed.dropLast())) { return nil }
        let allowed = typed.count >= 10 ? 2 : 1
        var best: [UInt32]?
        var bestDistance = allowed + 1
        var tie = false
        var rows: [Int] = []
        for word in words[Int(typed[0] - 0x61)] where abs(word.count - typed.count) <= allowed && !typed.starts(with: word) {
            let d = Self.distance(typed, word, limit: allowed, rows: &rows)
            if d < bestDistance {
                (best, bestDistance, tie) = (word, d, false)
            } else if d == bestDistance, best != word {
                tie = true
            }
        }
        return tie ? nil : best
    }

    /// Edit distance (insertions, deletions, substitutions, adjacent swaps), or limit + 1
    /// once it must exceed `limit`.
    static func distance(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int {
        var rows: [Int] = []
        return distance(a, b, limit: limit, rows: &rows)
    }

    /// The same, with the three rows it keeps (two before and the current) in `rows`, reused
    /// from one comparison to the next.
    static func distance(_ a: [UInt32], _ b: [UInt32], limit: Int, rows: inout [Int]) -> Int {
        let n = a.count, m = b.count
        let width = m + 1
        rows.removeAll(keepingCapacity: true)
        rows.append(contentsOf: repeatElement(0, count: 3 * width))
        // Row r of the three lives at rows[r * width ..< (r + 1) * width].
        var (before, previous, current) = (0, width, 2 * width)
        for j in 0...m { rows[previous + j] = j }
        for i in 1...n {
            rows[current] = i
            var rowBest = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, rows[before + j - 2] + 1) }
                rows[current + j] = d
                rowBest = min(rowBest, d)
            }
            if rowBest > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return rows[previous + m]
    }

    /// Common English words of five letters or more that a visitor's question holds and no
    /// keyword needs: never read as a slip of one ("leave" is not "lease").
    static let common: Set<[UInt32]> = Set("""
        about above across after again against almost alone along already also although always among another answer anyone \
        anything anywhere around asked asking because become before begin behind being below beside besides better between \
        bring brought building built cannot child children close closed comes coming could counter daughter doing during \
        early either else enough entrance every everyone everything excuse father first floor found friend friends front \
        getting given going gonna great ground guess happen happened having hello hours house however husband inside \
        instead itself later leave leaving little looking lunch maybe might minute minutes money month morning mother \
        myself near nearest need needed needs never night nothing number often other others outside people perhaps \
        place please point quick quickly quite really right second should since small someone something sometimes \
        somewhere sorry start still stuff taken thank thanks their there these thing things think those three through \
        today together tomorrow tonight under until using usually wanna wanted wants where which while whole whose \
        wife window without would write wrong years yesterday yours
        """.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map { Array($0.unicodeScalars.map(\.value)) })
}
