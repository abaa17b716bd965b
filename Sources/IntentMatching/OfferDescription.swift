import HallModel

/// How much each character says about an intent: the share of the intent's words (its
/// keywords, synonyms, tasks, hints, its destination's name) that contain it. A reply that
/// describes one of the offered destinations ("开车的那个", "看病那个") shares characters
/// with that destination's words far more than with the others'.
struct IntentVocabulary: Sendable {
    /// Per intent: character → share of its words containing it.
    let share: [[UInt32: Float]]

    init(patterns: [IntentMatcher.Pattern], intentCount: Int, extraWords: [[[UInt32]]]) {
        var words = extraWords
        if words.count < intentCount { words += Array(repeating: [], count: intentCount - words.count) }
        for pattern in patterns {
            for case let .term(intent, _) in pattern.roles { words[Int(intent)].append(pattern.text) }
        }
        share = words.map { list in
            var counts: [UInt32: Float] = [:]
            for word in list {
                // Each character once per word (words are short: a linear look-back).
                for (k, c) in word.enumerated() where c >= 0x3400 && !word[..<k].contains(c) { counts[c, default: 0] += 1 }
                // English words count as whole words, hashed into the same table.
                if word.contains(where: { $0 < 0x80 }) {
                    for w in IntentVocabulary.englishWords(word) { counts[w, default: 0] += 1 }
                }
            }
            let n = Float(max(1, list.count))
            return counts.mapValues { $0 / n }
        }
    }

    /// Characters that describe nothing: "the one that…", "我要…", "那个…".
    static let neutral: Set<UInt32> = Set("的那个这是一要我想办去吧呢啊吗哦嗯就对了还有就是些种样什么怎哪谁呀呃哈嘛咧".unicodeScalars.map(\.value))

    /// A share this small is a character shared by chance, not a description.
    static let minimumShare: Float = 0.05
    static let englishStop: Set<String> = ["the", "one", "a", "an", "that", "this", "i", "want", "for", "it", "is", "of", "my", "me",
                                           "please", "where", "can", "how", "do", "get", "what", "which", "to", "in", "there",
                                           "here", "you", "need", "would", "like", "go", "are", "some", "somewhere", "nearby"]

    /// An English word as one key above the Unicode range (no clash with characters).
    static func englishWords(_ text: [UInt32]) -> [UInt32] {
        var keys: [UInt32] = []
        var word: [UInt32] = []
        func flush() {
            defer { word.removeAll() }
            guard word.count >= 3 else { return }
            let s = String(String.UnicodeScalarView(word.compactMap(Unicode.Scalar.init)))
            guard !englishStop.contains(s) else { return }
            var h: UInt32 = 2_166_136_261
            for c in word { h = (h ^ c) &* 16_777_619 }
            keys.append(0x20_0000 | (h & 0x0FFF_FFFF))
        }
        for c in text {
            if IntentMatcher.isWordScalar(c) { word.append(c) } else { flush() }
        }
        flush()
        return keys
    }
}

extension IntentMatcher {
    /// The first intent that sends visitors to `destination`.
    /// The index of the intent with this id, for the per-intent arrays of a match.
    func intentIndex(_ id: String) -> Int? { intentIDs.firstIndex(of: id) }

    public func intentID(forDestination destination: String) -> String? {
        destinations.firstIndex(of: destination).map { intentIDs[$0] }
    }

    /// The one offered destination the reply in `s` describes, if it clearly describes one:
    /// first by the hints it scored for the offers alone, then by shared characters.
    /// Words for being served at a window by a person rather than at a machine.
    static let atAWindow = ContextCues.scalars(["窗口", "柜台", "人工", "工作人员那", "at the window", "at a window", "the counter", "a person", "in person"])

    func described(among offered: [String], _ s: MatchScratch) -> String? {
        func clearBest(_ values: [(String, Float)]) -> String? {
            let sorted = values.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            guard let best = sorted.first else { return nil }
            if sorted.count > 1 && sorted[1].1 >= best.1 * 0.75 { return nil }
            return best.0
        }
        let scored = offered.map { destination -> (String, Float) in
            (destination, s.scores.indices.filter { destinations[$0] == destination }.map { s.scores[$0] }.max() ?? 0)
        }
        if let best = clearBest(scored) { return best }
        // "窗口那个" between a window service and a machine or the lockers: the one at a window.
        if ContextCues.contains(Self.atAWindow, in: s.text) {
            let atWindows = offered.filter(windowZones.contains)
            if atWindows.count == 1 { return atWindows[0] }
        }
        var keys = Set(s.text.filter { $0 >= 0x3400 && !IntentVocabulary.neutral.contains($0) })
        keys.formUnion(IntentVocabulary.englishWords(s.text))
        guard !keys.isEmpty else { return nil }
        let shared = offered.map { destination -> (String, Float) in
            let shares = destinations.indices.filter { destinations[$0] == destination }.map { i in
                keys.reduce(Float(0)) { $0 + (vocabulary.share[i][$1] ?? 0) }
            }
            return (destination, shares.max() ?? 0)
        }
        return clearBest(shared.filter { $0.1 >= IntentVocabulary.minimumShare })
    }
}
