/// How much one hall may hold (maps/README.md and intents/README.md, "Limits"). Each is
/// far above a real hall (the built-in one has 98 nodes, 48 windows and 27 intents) and
/// low enough that validation, the matcher and the route tables stay small and quick
/// whatever a file holds: the route tables grow with the square of the nodes. A list over
/// its limit is refused at its first entry past it, as `file:line: problem`; YAMLLimits
/// bounds the file's size, nesting and each value's length first.
public enum HallFileLimits {
    // The floor map.
    public static let levels = 64
    public static let areas = 2_000
    public static let nodes = 3_000
    /// Entries of `edges:` (each is both ways unless one-way).
    public static let edges = 20_000
    public static let places = 5_000
    /// `instances:` of one place.
    public static let instancesPerPlace = 1_000
    public static let windows = 5_000
    public static let stations = 500

    // The intents, in all files of the directory together.
    public static let intents = 5_000
    /// One intent's keywords, synonyms, weak words and exclusions together.
    public static let termsPerIntent = 1_000
    /// Every intent's words together (the tables have their own limits).
    public static let terms = 100_000
    /// One keyword, synonym, weak word, exclusion or table word, in characters: a
    /// visitor's phrase, never a sentence.
    public static let wordCharacters = 64

    // The normalisation tables.
    public static let ambiguousTerms = 5_000
    public static let candidatesPerTerm = 50
    /// Each of negation, negation_exceptions and out_of_scope.
    public static let tableWords = 10_000

    // The calendar.
    public static let years = 200
    public static let holidays = 2_000
    public static let workingDays = 2_000
}
