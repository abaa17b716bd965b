import HallModel

/// Labelled example questions (each intent's `examples`, and `out_of_scope_examples`) as
/// weighted character bigrams, for the similarity stage: a question no keyword decides is
/// routed like the example it is closest to, when it is close enough and clearly closer to
/// one intent's examples than to another's. A bigram that many labels share (在哪, 我想)
/// says little and weighs little. Immutable and pure.
struct ExampleIndex: Sendable {
    struct Example: Sendable {
        var text: String
        /// The intent it is labelled with; -1: a question this hall does not serve.
        var intent: Int32
        var weight: Float
    }

    let examples: [Example]
    private let postings: [UInt64: [Int32]]
    private let bigramWeight: [UInt64: Float]

    /// Below this weighted Dice similarity an example is not close.
    static let threshold: Float = 0.42
    /// The runner-up of another label must stay below this share of the best.
    static let margin: Float = 0.8
    /// A query bigram no example has still counts, a little, against closeness.
    static let unseenWeight: Float = 0.3

    var isEmpty: Bool { examples.isEmpty }

    init(intents: IntentSet, normalize: (String) -> [UInt32]) {
        var labelled: [(String, [UInt64], Int32)] = []
        for (i, intent) in intents.intents.enumerated() {
            for example in intent.examples { labelled.append((example.text, Self.bigrams(normalize(example.text)), Int32(i))) }
        }
        for example in intents.tables.outOfScopeExamples {
            labelled.append((example.text, Self.bigrams(normalize(example.text)), -1))
        }
        var labelsOf: [UInt64: Set<Int32>] = [:]
        var postings: [UInt64: [Int32]] = [:]
        for (k, (_, grams, label)) in labelled.enumerated() {
            for g in Set(grams) {
                labelsOf[g, default: []].insert(label)
                postings[g, default: []].append(Int32(k))
            }
        }
        let weight = labelsOf.mapValues { 1 / Float($0.count) }
        bigramWeight = weight
        self.postings = postings
        examples = labelled.map { text, grams, label in
            Example(text: text, intent: label, weight: Set(grams).reduce(0) { $0 + (weight[$1] ?? 0) })
        }
    }

    /// Pairs of neighbouring Chinese characters within a clause (a space or break ends a
    /// pair), and English words (letters pair up into nothing useful), the common ones left out.
    static func bigrams(_ text: [UInt32]) -> [UInt64] {
        var grams: [UInt64] = []
        var word: [UInt32] = []
        func flushWord() {
            defer { word.removeAll(keepingCapacity: true) }
            guard word.count >= 2 else { return }
            let key = IntentVocabulary.englishWords(word)
            if let k = key.first { grams.append(1 << 63 | UInt64(k)) }
        }
        for i in text.indices {
            let c = text[i]
            if IntentMatcher.isWordScalar(c) { word.append(c); continue }
            flushWord()
            guard i + 1 < text.count, c >= 0x80, text[i + 1] >= 0x80, !TextNormalizer.isBreak(c), !TextNormalizer.isBreak(text[i + 1])
            else { continue }
            grams.append(UInt64(c) << 32 | UInt64(text[i + 1]))
        }
        flushWord()
        return grams
    }

    /// The closest example, when it is close and clearly closer than any example of
    /// another label.
    func nearest(_ text: [UInt32]) -> (example: Example, similarity: Float)? {
        guard !examples.isEmpty else { return nil }
        var grams = Self.bigrams(text)
        guard !grams.isEmpty else { return nil }
        grams.sort()
        var queryWeight: Float = 0
        var shared = [Float](repeating: 0, count: examples.count)
        var previous: UInt64?
        for g in grams where g != previous {
            previous = g
            guard let w = bigramWeight[g] else {
                queryWeight += Self.unseenWeight
                continue
            }
            queryWeight += w
            for k in postings[g] ?? [] { shared[Int(k)] += w }
        }
        var best = -1
        var bestSimilarity: Float = 0
        // Per label (intent index + 1; 0: out of scope), the closest example's similarity.
        var bestByLabel: [Int32: Float] = [:]
        for k in shared.indices where shared[k] > 0 {
            let example = examples[k]
            let similarity = 2 * shared[k] / (queryWeight + example.weight)
            if similarity > bestByLabel[example.intent] ?? 0 { bestByLabel[example.intent] = similarity }
            if similarity > bestSimilarity { (best, bestSimilarity) = (k, similarity) }
        }
        guard best >= 0, bestSimilarity >= Self.threshold else { return nil }
        let label = examples[best].intent
        let runnerUp = bestByLabel.filter { $0.key != label }.map(\.value).max() ?? 0
        guard runnerUp < bestSimilarity * Self.margin else { return nil }
        return (examples[best], bestSimilarity)
    }
}
