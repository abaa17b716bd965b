import HallModel

/// Turns what a visitor said into the form keywords are written in: half-width, lower
/// case, simplified characters, punctuation as single spaces, Chinese numerals in window
/// references as digits. Pure; the same code normalises keywords and questions.
public struct TextNormalizer: Sendable {
    static let space: UInt32 = 0x20
    /// Where a clause ends (，。,.;!?…): a negation never reaches across it. Shown as "|".
    static let clauseBreak: UInt32 = 0x1F
    /// Marks a scalar that normalisation drops (an apostrophe inside "driver's").
    static let dropped: UInt32 = 0

    let hanzi: HanziTable
    /// The hall's dialect and colloquial table (intents/normalization.yaml `colloquial`).
    private(set) var colloquial: ColloquialRewriter?

    public init(hanzi: HanziTable = .shared) {
        self.hanzi = hanzi
    }

    /// This normaliser with the hall's colloquial rewrites: keywords and questions alike go
    /// through them, so a keyword written in a dialect form still matches.
    func withColloquial(_ rewrites: [ColloquialRewrite]) -> TextNormalizer {
        var copy = self
        let plain = self
        copy.colloquial = rewrites.isEmpty ? nil : ColloquialRewriter(rewrites) { plain.normalize($0) }
        return copy
    }

    /// ASCII after folding: letters lower-cased, digits kept, "'" dropped, sentence
    /// punctuation a clause break, the rest a space.
    private static let asciiFold: [UInt32] = (0..<128).map { c -> UInt32 in
        switch c {
        case 0x30...0x39, 0x61...0x7A: UInt32(c)
        case 0x41...0x5A: UInt32(c + 0x20)
        case 0x27: dropped
        case 0x21, 0x2C, 0x2E, 0x3A, 0x3B, 0x3F: clauseBreak  // ! , . : ; ?
        default: space
        }
    }

    @inline(__always)
    func fold(_ scalar: UInt32) -> UInt32 {
        var c = scalar
        if c >= 0xFF01 && c <= 0xFF5E { c -= 0xFEE0 }  // full-width forms
        if c < 0x80 { return Self.asciiFold[Int(c)] }
        if c >= 0x3400 && c <= 0x9FFF { return hanzi.simplified(c) }
        if c == 0x3001 || c == 0x3002 || c == 0x2026 || c == 0xFF61 { return Self.clauseBreak }  // 、 。 … ｡
        if Self.isFormat(c) { return Self.dropped }
        if Self.isSeparator(c) { return Self.space }
        return c
    }

    /// Punctuation, symbols and spaces outside ASCII: general punctuation, CJK symbols and
    /// punctuation, vertical and small forms, half- and full-width punctuation, Latin-1 signs.
    @inline(__always)
    static func isSeparator(_ c: UInt32) -> Bool {
        (c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F)
            || (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF65) || c == 0xFEFF
            || (c >= 0x1F000 && c <= 0x1FAFF)  // emoji and pictographs
    }

    /// Invisible format characters (Unicode Cf: zero-width space and joiners, bidi marks,
    /// the soft hyphen, the BOM) and variation selectors: pasted or ASR text carries them
    /// inside words ("护\u{200B}照"), where a space would split the word.
    @inline(__always)
    static func isFormat(_ c: UInt32) -> Bool {
        c == 0xAD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
            || c == 0xFEFF || c == 0x180E || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0000 && c <= 0xE0FFF)
    }

    @inline(__always)
    static func isBreak(_ c: UInt32) -> Bool { c == space || c == clauseBreak }

    /// Normalises into `output` (cleared first): a run of separators becomes one (a clause
    /// break if any of them was one), ends trimmed.
    public func normalize(_ text: String, into output: inout [UInt32]) {
        output.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars {
            let c = fold(scalar.value)
            if c == Self.dropped { continue }
            if Self.isBreak(c) {
                if output.isEmpty { continue }
                if Self.isBreak(output[output.count - 1]) {
                    if c == Self.clauseBreak { output[output.count - 1] = c }
                    continue
                }
            }
            output.append(c)
        }
        if let last = output.last, Self.isBreak(last) { output.removeLast() }
        Self.dropArticles(&output)
        colloquial?.rewrite(&output)
        ChineseNumerals.rewriteWindowNumbers(&output)
    }

    /// "pay the tax", "pay a tax" and "pay tax" are one request: the English articles go,
    /// in keywords and questions alike, with the space after them.
    static func dropArticles(_ text: inout [UInt32]) {
        guard text.contains(0x61) || text.contains(0x74) else { return }  // no "a", no "t"
        var out = 0
        var i = 0
        let n = text.count
        while i < n {
            let atWordStart = i == 0 || !IntentMatcher.isWordScalar(text[i - 1])
            if atWordStart, let length = articleLength(text, i), i + length == n || !IntentMatcher.isWordScalar(text[i + length]) {
                var end = i + length
                // The space after it goes too; an article alone at the end leaves its space behind.
                if end < n, text[end] == space { end += 1 } else if out > 0, text[out - 1] == space { out -= 1 }
                i = end
                continue
            }
            text[out] = text[i]
            out += 1
            i += 1
        }
        text.removeLast(n - out)
        if let last = text.last, isBreak(last) { text.removeLast() }
    }

    /// The length of the article ("a", "an", "the") starting at i, if one does.
    private static func articleLength(_ text: [UInt32], _ i: Int) -> Int? {
        let n = text.count
        if text[i] == 0x61 {  // a, an
            if i + 1 < n, text[i + 1] == 0x6E { return 2 }
            return 1
        }
        if text[i] == 0x74, i + 2 < n, text[i + 1] == 0x68, text[i + 2] == 0x65 { return 3 }  // the
        return nil
    }

    public func normalize(_ text: String) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(text.unicodeScalars.count)
        normalize(text, into: &output)
        return output
    }

    public func normalizedString(_ text: String) -> String {
        Self.string(normalize(text))
    }

    static func string<C: Collection>(_ scalars: C) -> String where C.Element == UInt32 {
        var s = String.UnicodeScalarView()
        for c in scalars {
            if c == clauseBreak { s.append("|") } else if let u = Unicode.Scalar(c) { s.append(u) }
        }
        return String(s)
    }
}
