import HallModel

/// Rewrites dialect and colloquial words to the standard word they mean (哪旮旯 → 哪里,
/// 咋整 → 怎么办, 茅房 → 厕所) before any keyword is looked for, so every intent shares one
/// table instead of each listing the dialect forms of its words. The longest form found
/// at the leftmost place wins; the rewritten text never gets rewritten again. Pure.
struct ColloquialRewriter: Sendable {
    private let automaton: KeywordAutomaton
    private let forms: [[UInt32]]
    private let meanings: [[UInt32]]
    /// Per form, one character it cannot be without, preferring an uncommon one: a question
    /// with none of these (most of them) is left untouched without a scan.
    private let keys: [UInt64]

    /// Characters too common in questions to tell a form is there (去, 要, 哪, 了, …).
    static let common = Set("去来要想得上哪这那没了老做干个一下不知道儿拉子么玩意地办搞在是我有的吗呢啊".unicodeScalars.map(\.value))

    var isEmpty: Bool { forms.isEmpty }

    /// `normalize` folds each form and meaning as questions are folded (without rewriting).
    init(_ rewrites: [ColloquialRewrite], normalize: (String) -> [UInt32]) {
        var forms: [[UInt32]] = []
        var meanings: [[UInt32]] = []
        for rewrite in rewrites {
            let meaning = normalize(rewrite.means)
            for said in rewrite.said {
                let form = normalize(said.text)
                guard !form.isEmpty, form != meaning else { continue }
                forms.append(form)
                meanings.append(meaning)
            }
        }
        self.forms = forms
        self.meanings = meanings
        var keys = [UInt64](repeating: 0, count: 0x10000 / 64)
        for form in forms {
            guard let key = form.first(where: { !Self.common.contains($0) }) ?? form.first, key < 0x10000 else { continue }
            keys[Int(key >> 6)] |= 1 << UInt64(key & 63)
        }
        self.keys = keys
        automaton = KeywordAutomaton(patterns: forms, symbolLimit: 0x10000)
    }

    func rewrite(_ text: inout [UInt32]) {
        guard !forms.isEmpty, text.contains(where: { $0 < 0x10000 && keys[Int($0 >> 6)] & (1 << UInt64($0 & 63)) != 0 }) else { return }
        var found: [KeywordAutomaton.Match] = []
        text.withUnsafeBufferPointer { automaton.scan($0, into: &found) }
        guard !found.isEmpty else { return }
        // Leftmost, then longest; skip forms overlapping one already taken.
        let spans = found.map { (start: Int($0.end) - forms[Int($0.pattern)].count, end: Int($0.end), pattern: Int($0.pattern)) }
            .sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var output: [UInt32] = []
        output.reserveCapacity(text.count + 8)
        var at = 0
        for span in spans where span.start >= at {
            // An English form is a whole word only.
            if forms[span.pattern].first! < 0x80 {
                let before = span.start > 0 ? text[span.start - 1] : 0x20
                let after = span.end < text.count ? text[span.end] : 0x20
                if IntentMatcher.isWordScalar(before) || IntentMatcher.isWordScalar(after) { continue }
            }
            output.append(contentsOf: text[at..<span.start])
            output.append(contentsOf: meanings[span.pattern])
            at = span.end
        }
        output.append(contentsOf: text[at...])
        text = output
    }
}
