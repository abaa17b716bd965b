import Yams

/// Reads the intent files of a directory (format in intents/README.md).
public enum IntentsLoader {
    public static let tablesFileName = "normalization.yaml"

    /// `files` are (path, text) pairs; the one named normalization.yaml holds the shared tables.
    public static func load(files: [(path: String, text: String)]) throws(ValidationError) -> IntentSet {
        var diagnostics: [Diagnostic] = []
        var intents: [Intent] = []
        var tables = NormalizationTables()
        var firstIntentLine: [String: SourceLine] = [:]
        // The intents' limits count over all the files (HallFileLimits); the tables have their own.
        var intentCount = 0
        var termCount = 0
        for (path, text) in files.sorted(by: { $0.path < $1.path }) {
            var reader = YAMLReader(file: path)
            if path.hasSuffix("/" + tablesFileName) || path == tablesFileName {
                if let root = reader.compose(text) { tables = readTables(root, &reader) }
            } else if let root = reader.compose(text) {
                for intent in readIntents(root, &reader) {
                    intentCount += 1
                    termCount += intent.terms.count + intent.exclusions.count
                    // Each limit is reported once, at the intent that passes it.
                    if intentCount > HallFileLimits.intents {
                        if intentCount == HallFileLimits.intents + 1 {
                            reader.log.add(intent.source.line, "intent '\(intent.id)' is past the limit of \(HallFileLimits.intents) intents in all the files")
                        }
                    } else if termCount > HallFileLimits.terms {
                        if termCount - intent.terms.count - intent.exclusions.count <= HallFileLimits.terms {
                            reader.log.add(intent.source.line, "intent '\(intent.id)' brings the words of all the files past the limit of \(HallFileLimits.terms)")
                        }
                    } else if let first = firstIntentLine[intent.id] {
                        reader.log.add(intent.source.line, "duplicate intent id '\(intent.id)' (first defined at \(first.file):\(first.line))")
                    } else {
                        firstIntentLine[intent.id] = intent.source
                        intents.append(intent)
                    }
                }
            }
            diagnostics += reader.log.items
        }
        guard diagnostics.isEmpty else { throw ValidationError(diagnostics) }
        return IntentSet(intents: intents, tables: tables)
    }

    private static func readIntents(_ root: Yams.Node, _ r: inout YAMLReader) -> [Intent] {
        guard let top = r.mapping(root, allowed: ["intents"], what: "an intents file") else { return [] }
        var result: [Intent] = []
        for node in r.sequence(top["intents"], what: "intents", limit: HallFileLimits.intents) {
            let keys: Set = ["id", "destination", "keywords", "synonyms", "tasks", "weak", "exclude", "examples", "answer"]
            guard let f = r.mapping(node, allowed: keys, what: "an intent"),
                  let id = r.string(f, "id", in: node, what: "an intent") else { continue }
            let what = "intent '\(id)'"
            let destination = r.string(f, "destination", in: node, what: what)
            let answer = r.localized(f["answer"], in: node, key: "answer", what: what)
            var terms: [Term] = []
            // Tasks are what visitors say they are doing (给新车上牌): they count as keywords.
            for key in ["keywords", "synonyms", "tasks", "weak"] {
                for (language, word, line) in r.wordLists(f[key], what: "\(key) of \(what)", limit: HallFileLimits.termsPerIntent) {
                    terms.append(Term(text: word, language: language, strength: key == "weak" ? .weak : .keyword,
                                      source: SourceLine(file: r.log.file, line: line)))
                }
            }
            if !terms.contains(where: { $0.strength == .keyword }) {
                r.fail(node, "\(what) has no keywords")
            }
            let exclusions = r.wordLists(f["exclude"], what: "exclude of \(what)", limit: HallFileLimits.termsPerIntent).map {
                Term(text: $0.1, language: $0.0, strength: .keyword, source: SourceLine(file: r.log.file, line: $0.2))
            }
            if terms.count + exclusions.count > HallFileLimits.termsPerIntent {
                r.fail(node, "\(what) has \(terms.count + exclusions.count) words; the limit is \(HallFileLimits.termsPerIntent)")
                continue
            }
            let examples = r.wordLists(f["examples"], what: "examples of \(what)", limit: HallFileLimits.termsPerIntent).map {
                Term(text: $0.1, language: $0.0, strength: .keyword, source: SourceLine(file: r.log.file, line: $0.2))
            }
            guard let destination, let answer else { continue }
            result.append(Intent(id: id, destination: destination, terms: terms, exclusions: exclusions, answer: answer,
                                 examples: examples, source: SourceLine(file: r.log.file, line: YAMLReader.line(node))))
        }
        return result
    }

    private static func readTables(_ root: Yams.Node, _ r: inout YAMLReader) -> NormalizationTables {
        var tables = NormalizationTables()
        guard let top = r.mapping(root, allowed: ["ambiguous", "negation", "negation_exceptions", "out_of_scope",
                                                           "out_of_scope_examples", "colloquial"], what: "the normalisation tables") else {
            return tables
        }
        let file = r.log.file
        let source = { (line: Int) in SourceLine(file: file, line: line) }
        for node in r.sequence(top["ambiguous"], what: "ambiguous", limit: HallFileLimits.ambiguousTerms) {
            guard let f = r.mapping(node, allowed: ["term", "candidates"], what: "an ambiguous term"),
                  let term = r.string(f, "term", in: node, what: "an ambiguous term") else { continue }
            if term.count > HallFileLimits.wordCharacters {
                r.fail(f["term"]!, "an ambiguous term of \(term.count) characters; the limit is \(HallFileLimits.wordCharacters)")
                continue
            }
            let candidates = r.sequence(f["candidates"], what: "candidates of '\(term)'", limit: HallFileLimits.candidatesPerTerm).compactMap(\.string)
            if candidates.count < 2 {
                r.fail(f["candidates"] ?? node, "ambiguous term '\(term)' needs at least two candidates")
                continue
            }
            let language: Language = term.unicodeScalars.allSatisfy(\.isASCII) ? .en : .zh
            tables.ambiguous.append(AmbiguousTerm(
                term: Term(text: term, language: language, strength: .keyword, source: source(YAMLReader.line(node))),
                candidates: candidates))
        }
        tables.negation = r.wordLists(top["negation"], what: "negation", limit: HallFileLimits.tableWords).map {
            Term(text: $0.1, language: $0.0, strength: .keyword, source: source($0.2))
        }
        tables.negationExceptions = r.wordLists(top["negation_exceptions"], what: "negation_exceptions", limit: HallFileLimits.tableWords).map {
            Term(text: $0.1, language: $0.0, strength: .keyword, source: source($0.2))
        }
        tables.outOfScope = r.wordLists(top["out_of_scope"], what: "out_of_scope", limit: HallFileLimits.tableWords).map {
            Term(text: $0.1, language: $0.0, strength: .keyword, source: source($0.2))
        }
        tables.outOfScopeExamples = r.wordLists(top["out_of_scope_examples"], what: "out_of_scope_examples", limit: HallFileLimits.tableWords).map {
            Term(text: $0.1, language: $0.0, strength: .keyword, source: source($0.2))
        }
        for node in r.sequence(top["colloquial"], what: "colloquial", limit: HallFileLimits.tableWords) {
            guard let f = r.mapping(node, allowed: ["means", "said"], what: "a colloquial rewrite"),
                  let means = r.string(f, "means", in: node, what: "a colloquial rewrite") else { continue }
            let said = r.sequence(f["said"], what: "said of '\(means)'").compactMap { item -> Term? in
                guard case .scalar = item, let word = item.string, !word.trimmingWhitespace().isEmpty else {
                    r.fail(item, "said of '\(means)' must list non-empty words")
                    return nil
                }
                let text = word.trimmingWhitespace()
                return Term(text: text, language: text.unicodeScalars.allSatisfy(\.isASCII) ? .en : .zh, strength: .keyword,
                            source: source(YAMLReader.line(item)))
            }
            if said.isEmpty { r.fail(node, "colloquial rewrite to '\(means)' lists nothing under 'said'") }
            tables.colloquial.append(ColloquialRewrite(means: means, said: said))
        }
        return tables
    }
}
