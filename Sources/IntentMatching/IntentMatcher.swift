import HallModel

/// The compiled keyword matcher: one automaton over normalised characters, one over
/// toneless pinyin for speech-recognition slips, and the scoring that decides between
/// route, clarify and fallback. Immutable and pure: safe to share across threads.
public struct IntentMatcher: Sendable {
    /// What a pattern means when it is found; one text may mean several things
    /// (a keyword of one intent can exclude another).
    enum Role: Sendable, Hashable {
        case term(intent: Int32, weak: Bool)
        case ambiguous(Int32)
        case negation
        /// Contains a negation cue but negates nothing: it covers the cue inside it.
        case notNegation
        case outOfScope
        case exclusion(intent: Int32)
    }

    struct Pattern: Sendable {
        var text: [UInt32]
        var roles: [Role]
        /// Needs word boundaries: an English word must not match inside a longer word.
        var isWord: Bool
        var weight: Float
        var source: SourceLine
    }

    public struct Tuning: Sendable, Hashable {
        /// Scores within this ratio of the best one make the matcher ask back.
        public var clarifyRatio: Float = 0.75
        /// A homophone hit counts this share of an exact one.
        public var homophoneFactor: Float = 0.8
        /// A weak hint counts this share of a keyword.
        public var weakFactor: Float = 0.5
        /// Each destination of an ambiguous word gets this share of its weight.
        public var ambiguousFactor: Float = 0.5
        /// Below this, a route is not confident enough.
        public var routeThreshold: Float = 1.0
        /// A window number's score: above any single two-character keyword.
        public var windowWeight: Float = 4
        /// Characters allowed between a negation cue and what it negates.
        public var negationReach = 4
        public init() {}
    }

    let normalizer: TextNormalizer
    let patterns: [Pattern]
    /// The same, flat, for the hot path.
    let facts: PatternFacts
    let exact: KeywordAutomaton
    /// Pinyin pattern i stands for exact pattern pinyinPatterns[i].
    let pinyin: KeywordAutomaton
    let pinyinPatterns: [Int32]
    /// Splits pinyin written in letters into syllables.
    let latinPinyin: LatinPinyin
    /// Reads "gjj", "sfz" as the keyword they are the initials of.
    let initials: PinyinInitials
    /// Reads a typing slip in an English word as the keyword word it is a slip of.
    let spelling: EnglishSpelling
    /// Syllable id to its fuzzy class (zh/z, ch/c, sh/s, -ng/-n fold together).
    let syllableClass: [UInt32]
    let intentIDs: [String]
    let destinations: [String]
    /// Each intent's destination as a number (intents of one destination share it): compared
    /// on the hot path instead of the strings.
    let place: [Int32]
    let ambiguousCandidates: [[Int32]]
    let windows: Set<Int>
    /// Destinations served at numbered windows (the rest are areas, machines and facilities).
    let windowZones: Set<String>
    /// What each intent's words are made of: for replies that describe an offer.
    let vocabulary: IntentVocabulary
    /// Labelled examples: the similarity stage.
    let examples: ExampleIndex
    public let tuning: Tuning

    public var intentCount: Int { intentIDs.count }

    /// Compiles the intents; refuses keywords claimed twice and unknown destinations.
    /// - Parameters:
    ///   - knownDestinations: the map's place ids (nil skips that check).
    ///   - windows: the window numbers the hall has.
    ///   - windowZones: the destinations served at numbered windows.
    public init(intents: IntentSet, knownDestinations: Set<String>?, windows: Set<Int>, windowZones: Set<String> = [],
                tuning: Tuning = Tuning(), hanzi: HanziTable = .shared) throws(ValidationError) {
        let compiler = PatternCompiler(normalizer: TextNormalizer(hanzi: hanzi).withColloquial(intents.tables.colloquial))
        var compiled = compiler
        compiled.compile(intents, knownDestinations: knownDestinations)
        guard compiled.diagnostics.isEmpty else { throw ValidationError(compiled.diagnostics) }
        normalizer = compiled.normalizer
        patterns = compiled.patterns
        facts = PatternFacts(compiled.patterns)
        intentIDs = intents.intents.map(\.id)
        destinations = intents.intents.map(\.destination)
        var numbers: [String: Int32] = [:]
        place = destinations.map { destination in
            if let known = numbers[destination] { return known }
            numbers[destination] = Int32(numbers.count)
            return Int32(numbers.count - 1)
        }
        ambiguousCandidates = compiled.ambiguousCandidates
        self.windows = windows
        self.windowZones = windowZones
        self.tuning = tuning
        let normalizer = compiled.normalizer
        vocabulary = IntentVocabulary(patterns: compiled.patterns, intentCount: intents.intents.count,
                                      extraWords: intents.intents.map { intent in
                                          intent.examples.map { normalizer.normalize($0.text) }
                                      })
        examples = ExampleIndex(intents: intents, normalize: { normalizer.normalize($0) })
        exact = KeywordAutomaton(patterns: patterns.map(\.text), symbolLimit: 0x10000)

        let fuzzy = PinyinFolding(syllables: hanzi.syllables)
        let classes = fuzzy.classOfSyllable
        syllableClass = classes
        var pinyinTexts: [[UInt32]] = []
        var owners: [Int32] = []
        for (id, pattern) in compiled.patterns.enumerated() where pattern.text.count >= 2 {
            guard pattern.roles.contains(where: { if case .term = $0 { true } else { false } }) else { continue }
            let syllables = pattern.text.map { classes[Int(hanzi.syllable($0))] }
            guard !syllables.contains(0) else { continue }
            pinyinTexts.append(syllables)
            owners.append(Int32(id))
        }
        pinyin = KeywordAutomaton(patterns: pinyinTexts, symbolLimit: fuzzy.classCount)
        latinPinyin = LatinPinyin(syllables: hanzi.syllables)
        let place = place
        let initialOf = hanzi.syllables.map { $0.unicodeScalars.first?.value ?? 0 }
        initials = PinyinInitials(keywords: compiled.patterns.indices.compactMap { id in
            let pattern = compiled.patterns[id]
            guard (2...PinyinInitials.maxLetters).contains(pattern.text.count), pattern.text.allSatisfy({ $0 >= 0x3400 }),
                  let intent = pattern.roles.lazy.compactMap({ if case let .term(intent, false) = $0 { intent } else { nil } }).first
            else { return nil }
            let letters = pattern.text.map { initialOf[Int(hanzi.syllable($0))] }
            guard !letters.contains(0) else { return nil }
            return (Int32(id), place[Int(intent)], letters)
        })
        // "wndow 12": the window words are slip targets too, though no keyword holds them.
        spelling = EnglishSpelling(keywords: compiled.patterns.map(\.text) + WindowReference.englishNouns)
        pinyinPatterns = owners
    }

    /// Bytes held by the automata and tables, for the benchmark's memory figure.
    public var automatonBytes: Int {
        exact.byteCount + pinyin.byteCount + syllableClass.count * 4 + patterns.reduce(0) { $0 + $1.text.count * 4 + 64 }
    }

    public var stateCounts: (exact: Int, pinyin: Int) { (exact.stateCount, pinyin.stateCount) }

    /// Every keyword by intent id, normalised: for exporting to the peer benchmarks.
    public func keywordsByIntent() -> [(intent: String, keywords: [String])] {
        var lists = [[String]](repeating: [], count: intentIDs.count)
        for pattern in patterns {
            for case let .term(intent, _) in pattern.roles {
                lists[Int(intent)].append(TextNormalizer.string(pattern.text))
            }
        }
        return zip(intentIDs, lists).map { ($0, $1) }
    }

    public func normalize(_ text: String) -> String { normalizer.normalizedString(text) }

    public func match(_ query: String) -> MatchDecision {
        var scratch = MatchScratch()
        return match(query, scratch: &scratch)
    }

    /// The hot path: reuses the caller's scratch buffers, so a warmed-up call allocates
    /// only what the decision returns.
    public func match(_ query: String, scratch: inout MatchScratch) -> MatchDecision {
        evaluate(query, &scratch)
        return decideAll(&scratch)
    }
}
