import HallModel

/// Turns staff-written words into normalised patterns with their roles, and checks the
/// cross-intent rules: one keyword, one intent; destinations exist.
struct PatternCompiler {
    let normalizer: TextNormalizer
    var patterns: [IntentMatcher.Pattern] = []
    var ambiguousCandidates: [[Int32]] = []
    var diagnostics: [Diagnostic] = []
    private var index: [[UInt32]: Int] = [:]
    /// Who first claimed a keyword, for the over-match message.
    private var owner: [[UInt32]: (String, SourceLine)] = [:]

    init(normalizer: TextNormalizer) {
        self.normalizer = normalizer
    }

    private mutating func problem(_ source: SourceLine, _ message: String) {
        diagnostics.append(Diagnostic(file: source.file, line: source.line, message))
    }

    /// Weight grows with how specific a word is: Chinese by characters, English by letters.
    static func weight(of text: [UInt32]) -> Float {
        let ascii = text.allSatisfy { $0 < 0x80 }
        if ascii {
            let letters = text.filter { !TextNormalizer.isBreak($0) }.count
            return min(4, max(2, Float(letters) / 3))
        }
        return Float(text.filter { !TextNormalizer.isBreak($0) }.count)
    }

    private mutating func add(_ term: Term, role: IntentMatcher.Role) -> [UInt32]? {
        let text = normalizer.normalize(term.text)
        guard !text.isEmpty else {
            problem(term.source, "'\(term.text)' is empty after normalisation")
            return nil
        }
        if let i = index[text] {
            if !patterns[i].roles.contains(role) { patterns[i].roles.append(role) }
        } else {
            index[text] = patterns.count
            let isWord = text.first! < 0x80 && text.last! < 0x80
            patterns.append(.init(text: text, roles: [role], isWord: isWord, weight: Self.weight(of: text), source: term.source))
        }
        return text
    }

    static let ge: UInt32 = 0x4E2A  // 个
    static let le: UInt32 = 0x4E86  // 了
    static let wan: UInt32 = 0x5B8C  // 完

    /// Verbs that take a measure word before their object in a longer keyword: 开个网店, 办个护照.
    static let measuredVerbs: Set<UInt32> = Set("开办交补换领买卖上刻查考拿取做改注".unicodeScalars.map(\.value))
    /// Verbs whose object may follow a 完: 喂完奶, 交完税, 办完证.
    static let completedVerbs: Set<UInt32> = measuredVerbs.union("喂缴打存挂落迁印填签拍".unicodeScalars.map(\.value))
    /// Said inside a verb and its object besides 个: the measure words 口 and 点 (喂口奶, 交点税),
    /// and 的 of a thing done (刚买的房, 交的税).
    static let otherMeasureWords: [UInt32] = [0x53E3, 0x70B9, 0x7684]  // 口, 点, 的

    /// Speech puts a measure word inside a verb and its object: 喂个奶, 办个证, 交个税. Every
    /// two-character Chinese keyword or ambiguous word also matches so split, and so does a
    /// three-character one that begins with a verb (开网店: 开个网店), as the same word (its
    /// weight, roles and line), unless staff wrote that form themselves. A two-character
    /// keyword that begins with a verb also matches with 完 inside (喂完奶, 交完税): a task
    /// said done, which the sequence rules then read; with 口 or 点 (喂口奶, 交点税); and with 的
    /// (刚买的房: the flat bought is the matter). (Not 了: "离婚了房子…" is no 婚房.)
    private mutating func addMeasureWordVariants() {
        let count = patterns.count
        for i in 0..<count {
            let text = patterns[i].text
            guard text.count == 2 || (text.count == 3 && Self.measuredVerbs.contains(text[0])),
                  text.allSatisfy({ $0 >= 0x3400 && $0 <= 0x9FFF }), !text.contains(Self.ge), !text.contains(Self.le),
                  patterns[i].roles.contains(where: \.isMeaningful) else { continue }
            let completable = text.count == 2 && Self.completedVerbs.contains(text[0]) && !text.contains(Self.wan)
            for inserted in completable ? [Self.ge, Self.wan] + Self.otherMeasureWords : [Self.ge] {
                let variant = [text[0], inserted] + text[1...]
                guard index[variant] == nil else { continue }
                index[variant] = patterns.count
                var pattern = patterns[i]
                pattern.text = variant
                pattern.roles = pattern.roles.filter(\.isMeaningful)
                patterns.append(pattern)
            }
        }
    }

    mutating func compile(_ set: IntentSet, knownDestinations: Set<String>?) {
        var intentOfDestination: [String: Int32] = [:]
        for (i, intent) in set.intents.enumerated() {
            if let known = knownDestinations, !known.contains(intent.destination) {
                problem(intent.source, "intent '\(intent.id)' sends visitors to '\(intent.destination)', which the floor map does not have")
            }
            if intentOfDestination[intent.destination] == nil { intentOfDestination[intent.destination] = Int32(i) }
            for term in intent.terms {
                let shown = term.text
                if term.language == .zh && normalizer.normalize(term.text).count < 2 {
                    problem(term.source, "keyword '\(shown)' of intent '\(intent.id)' is a single character: it would match inside unrelated words")
                    continue
                }
                guard let text = add(term, role: .term(intent: Int32(i), weak: term.strength == .weak)) else { continue }
                if let (first, line) = owner[text] {
                    // Within one intent, spellings that normalise alike ("self-service",
                    // "Self Service") are harmless variants.
                    if first != intent.id {
                        problem(term.source, "keyword '\(shown)' is claimed by intents '\(first)' (\(line.file):\(line.line)) and '\(intent.id)': a question with it would match both; keep it in one, or list it under ambiguous")
                    }
                } else {
                    owner[text] = (intent.id, term.source)
                }
            }
            for term in intent.exclusions {
                _ = add(term, role: .exclusion(intent: Int32(i)))
            }
        }
        for (k, entry) in set.tables.ambiguous.enumerated() {
            var candidates: [Int32] = []
            for destination in entry.candidates {
                if let intent = intentOfDestination[destination] {
                    candidates.append(intent)
                } else {
                    problem(entry.term.source, "ambiguous term '\(entry.term.text)' offers '\(destination)', which no intent serves")
                }
            }
            ambiguousCandidates.append(candidates)
            guard let text = add(entry.term, role: .ambiguous(Int32(k))) else { continue }
            if let (first, line) = owner[text] {
                problem(entry.term.source, "ambiguous term '\(entry.term.text)' is also a keyword of intent '\(first)' (\(line.file):\(line.line))")
            }
        }
        addMeasureWordVariants()
        for term in set.tables.negation { _ = add(term, role: .negation) }
        for term in set.tables.negationExceptions { _ = add(term, role: .notNegation) }
        for term in set.tables.outOfScope {
            guard let text = add(term, role: .outOfScope) else { continue }
            if let (first, line) = owner[text] {
                problem(term.source, "out-of-scope word '\(term.text)' is also a keyword of intent '\(first)' (\(line.file):\(line.line))")
            }
        }
    }
}

/// Folds toneless syllables that speech recognisers and regional accents confuse:
/// zh/z, ch/c, sh/s initials and -ng/-n finals. Class 0 means "no reading".
struct PinyinFolding {
    var classOfSyllable: [UInt32]
    var classCount: Int

    static func fold(_ syllable: String) -> String {
        var s = Substring(syllable)
        for (long, short) in [("zh", "z"), ("ch", "c"), ("sh", "s")] where s.hasPrefix(long) {
            s = short + s.dropFirst(2)
            break
        }
        if s.count > 2 && s.hasSuffix("ng") && !s.hasSuffix("ong") { s = s.dropLast() }
        return String(s)
    }

    init(syllables: [String]) {
        var classes: [String: UInt32] = [:]
        classOfSyllable = syllables.enumerated().map { i, syllable in
            if i == 0 || syllable.isEmpty { return 0 }
            let folded = Self.fold(syllable)
            if let c = classes[folded] { return c }
            let c = UInt32(classes.count + 1)
            classes[folded] = c
            return c
        }
        classCount = classes.count + 1
    }
}
