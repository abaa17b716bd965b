/// Where a line of a staff file came from, for `file:line` diagnostics.
public struct SourceLine: Sendable, Hashable {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

/// A word or phrase a visitor may say, as staff wrote it (normalised later by the matcher).
public struct Term: Sendable, Hashable {
    public enum Strength: String, Sendable, Hashable {
        /// A keyword or synonym: decides on its own.
        case keyword
        /// A hint: counts half, and never wins alone against a keyword of another intent.
        case weak
    }

    public var text: String
    public var language: Language
    public var strength: Strength
    public var source: SourceLine

    public init(text: String, language: Language, strength: Strength, source: SourceLine) {
        self.text = text
        self.language = language
        self.strength = strength
        self.source = source
    }
}

/// What a visitor may ask for, and the destination that serves it.
public struct Intent: Sendable, Hashable {
    public var id: String
    public var destination: String
    public var terms: [Term]
    /// Words that rule this intent out when present in the question.
    public var exclusions: [Term]
    public var answer: LocalizedText
    /// Labelled questions visitors really asked for this intent: the matcher's similarity
    /// stage generalises from them to questions no keyword covers.
    public var examples: [Term]
    public var source: SourceLine

    public init(id: String, destination: String, terms: [Term], exclusions: [Term], answer: LocalizedText,
                examples: [Term] = [], source: SourceLine) {
        self.id = id
        self.destination = destination
        self.terms = terms
        self.exclusions = exclusions
        self.answer = answer
        self.examples = examples
        self.source = source
    }
}

/// A word that fits several destinations ("保险": 社保 or 医保?): the visitor is asked back.
public struct AmbiguousTerm: Sendable, Hashable {
    public var term: Term
    public var candidates: [String]

    public init(term: Term, candidates: [String]) {
        self.term = term
        self.candidates = candidates
    }
}

/// Dialect or colloquial words that mean one standard word ("哪旮旯" → "哪里", "咋" → "怎么"):
/// the question is rewritten before any keyword is looked for.
public struct ColloquialRewrite: Sendable, Hashable {
    public var means: String
    public var said: [Term]

    public init(means: String, said: [Term]) {
        self.means = means
        self.said = said
    }
}

/// Tables every intent shares (intents/normalization.yaml).
public struct NormalizationTables: Sendable, Hashable {
    public var ambiguous: [AmbiguousTerm] = []
    /// Cue words that cancel the request following them in the same clause.
    public var negation: [Term] = []
    /// Phrases that contain a cue but negate nothing ("不知道", "不好意思").
    public var negationExceptions: [Term] = []
    /// Topics this hall does not serve: they push the decision to the consultation desk.
    public var outOfScope: [Term] = []
    /// Questions this hall does not serve, as visitors asked them: the similarity stage
    /// never routes a question that is nearer one of these than any intent's example.
    public var outOfScopeExamples: [Term] = []
    /// Dialect and colloquial rewrites, applied before matching.
    public var colloquial: [ColloquialRewrite] = []

    public init(ambiguous: [AmbiguousTerm] = [], negation: [Term] = [], outOfScope: [Term] = []) {
        self.ambiguous = ambiguous
        self.negation = negation
        self.outOfScope = outOfScope
    }
}

/// Every intent of a hall with its shared tables.
public struct IntentSet: Sendable {
    public var intents: [Intent]
    public var tables: NormalizationTables

    public init(intents: [Intent], tables: NormalizationTables) {
        self.intents = intents
        self.tables = tables
    }
}
