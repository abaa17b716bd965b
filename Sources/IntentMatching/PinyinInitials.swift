/// Pinyin initials as visitors type them at a kiosk or in a chat ("gjj" 公积金, "sfz" 身份证,
/// "yb" 医保): a run of two to five letters with no vowel is read as the keyword whose
/// syllables begin with those letters, when only one destination has such a keyword. The
/// vowel rule keeps English words out (a word without a, e, i, o or u is rare: "my", "by",
/// "gym" are listed), the uniqueness rule keeps guesses out.
struct PinyinInitials: Sendable {
    /// Packed initials (5 bits a letter, then the count) to the keyword's pattern id.
    private let patternOf: [UInt32: Int32]

    static let maxLetters = 5
    private static let ambiguous: Int32 = -1
    /// English words and abbreviations with no vowel, which are never initials.
    private static let english: Set<UInt32> = Set(["by", "my", "why", "shy", "gym", "fly", "try", "cry", "dry", "sky", "spy", "ply",
                                                   "hmm", "mr", "ms", "mrs", "dr", "st", "pc", "tv", "pls", "plz", "thx", "nth",
                                                   "wc", "sms", "pdf", "cv", "ps", "vs", "hr", "km", "kg"].compactMap { pack(Array($0.unicodeScalars.map(\.value))[...]) })

    /// - Parameter keywords: each keyword's pattern id, its destination number and the
    ///   first letters of its characters' syllables (nil when a character has none).
    init(keywords: [(pattern: Int32, destination: Int32, initials: [UInt32])]) {
        var patternOf: [UInt32: Int32] = [:]
        var destinationOf: [UInt32: Int32] = [:]
        for keyword in keywords where (2...Self.maxLetters).contains(keyword.initials.count) {
            guard let key = Self.pack(keyword.initials[...]), !Self.english.contains(key) else { continue }
            if let known = destinationOf[key] {
                if known != keyword.destination { patternOf[key] = Self.ambiguous }
            } else {
                destinationOf[key] = keyword.destination
                patternOf[key] = keyword.pattern
            }
        }
        self.patternOf = patternOf.filter { $0.value != Self.ambiguous }
    }

    /// The keyword that the letters `text[start..<end]` are the initials of, if they have no
    /// vowel and name one destination's keyword.
    func keyword(in text: [UInt32], _ start: Int, _ end: Int) -> Int32? {
        guard end - start >= 2, end - start <= Self.maxLetters else { return nil }
        for k in start..<end where Self.isVowel(text[k]) { return nil }
        guard let key = Self.pack(text[start..<end]) else { return nil }
        return patternOf[key]
    }

    @inline(__always)
    static func isVowel(_ c: UInt32) -> Bool { c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 }

    /// Lower-case letters packed 5 bits each above a 3-bit count; nil for anything else.
    static func pack(_ letters: ArraySlice<UInt32>) -> UInt32? {
        guard letters.count <= maxLetters else { return nil }
        var key = UInt32(letters.count)
        for c in letters {
            guard c >= 0x61, c <= 0x7A else { return nil }
            key = key << 5 | (c - 0x60)
        }
        return key
    }
}
