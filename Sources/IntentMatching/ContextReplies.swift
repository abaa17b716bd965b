/// Replies read against what the hall just said, beyond `ContextCues`: a corrected window
/// number after a window was answered, rejections said with 也 ("哪个也不对"), and the part
/// of a reply that is left once the words repeating the offer are set aside.
enum ContextReplies {
    /// Words that correct what the visitor said before ("sorry, I meant 38", "我是说14号").
    static let correction = ContextCues.scalars([
        "我是说", "我说的是", "我要的是", "应该是", "不对", "不是", "说错了", "搞错了",
        "i meant", "i mean", "meant", "no", "sorry", "actually", "not",
    ])

    /// Where the last self-correction in a reply ends ("医保……哦不对，是社保": after 不对).
    static func lastCorrection(in text: [UInt32]) -> Int? {
        var end: Int?
        for cue in selfCorrection {
            var from = 0
            while from < text.count, let k = ContextCues.find(cue, in: Array(text[from...])) {
                let e = from + k + cue.count
                if end == nil || e > end! { end = e }
                from = e
            }
        }
        return end
    }
    static let na: UInt32 = 0x90A3  // 那, which begins a follow-up ("那…呢")
    static let selfCorrection = ContextCues.scalars(["不对", "说错了", "搞错了", "我是说", "我说的是", "应该是", "i mean", "i meant", "sorry", "actually"])

    /// Rejections of every offer said with 也 after the question word, or as "none is mine"
    /// (没有我要的).
    static let rejection = ContextCues.scalars(["哪个也不", "哪个也没", "都不是的", "一个也不", "哪一个也不", "哪样也不",
                                                "没有我要的", "没有我想要的", "没有我要找的", "没我要的", "不是我要的"])

    /// A question about the errand just answered, not a new errand: what to bring ("要带身份证吗")
    /// and who must come ("她本人不来行吗"). The thing named (身份证, 房本) is a keyword of
    /// another destination, so the question must end as a question to count (or be English).
    static let errandDetail = ContextCues.scalars([
        "要带", "需要带", "得带", "用带", "带不带", "要不要带", "需不需要带", "用不用带", "带上", "带着", "拿着",
        "本人", "亲自", "得来", "要来", "也来", "不来", "代办", "替她", "替他", "委托", "现场", "要照相", "要拍照", "需要照相", "需要拍照",
        "什么材料", "哪些材料", "啥材料", "要材料", "准备什么", "准备啥", "准备哪些",
    ])
    /// Question words: "要带什么证件" asks, though it ends with the thing.
    static let questionWords = ContextCues.scalars(["什么", "哪些", "哪个", "几个", "几张", "多少"])
    static let errandDetailEnglish = ContextCues.scalars(["bring", "in person", "on behalf", "on his behalf", "on her behalf", "have to come", "need to come",
                                                          "what documents", "which documents", "documents do i need", "what papers", "what do i need"])
    /// How a Chinese question ends: 吗, 么, 不, 嘛, 没 (and a 呢 or 啊 after them).
    static let questionEnds: Set<UInt32> = Set("吗么不嘛没吧".unicodeScalars.map(\.value))

    static func asksAboutTheErrand(_ text: [UInt32]) -> Bool {
        if ContextCues.contains(errandDetailEnglish, in: text) { return true }
        guard ContextCues.contains(errandDetail, in: text) else { return false }
        return endsAsQuestion(text) || ContextCues.contains(questionWords, in: text)
    }

    /// "那我爸的呢，他退休了": after the question for someone else, clauses that begin with
    /// 他 or 她 describe that person; their words (退休) are not a new errand.
    static func onlyDescribesThePerson(_ text: [UInt32]) -> Bool {
        let clauses = text.split(separator: TextNormalizer.clauseBreak).map { Array($0.drop(while: TextNormalizer.isBreak)) }
        guard clauses.count >= 2, ContextCues.contains(ContextCues.otherPerson, in: clauses[0]),
              ContextCues.contains(ContextCues.aboutIt, in: clauses[0]) else { return false }
        return clauses.dropFirst().allSatisfy { clause in
            thirdPerson.contains { ContextCues.find($0, in: clause) == 0 }
        }
    }
    static let thirdPerson = ContextCues.scalars(["他", "她", "他们", "她们", "he", "she", "they", "hes", "shes", "theyre"])

    /// A Chinese yes-or-no question: it ends with 吗, 么, 不, 嘛, 没 or 吧 (a 呢 or 啊 after them aside).
    static func endsAsQuestion(_ text: [UInt32]) -> Bool {
        var end = text.count
        while end > 0, TextNormalizer.isBreak(text[end - 1]) || text[end - 1] == 0x5462 || text[end - 1] == 0x554A { end -= 1 }  // 呢, 啊
        return end > 0 && questionEnds.contains(text[end - 1])
    }

    /// The one bare number in a reply (digits, as normalisation left them), if there is
    /// exactly one and it could be a window number.
    static func bareNumber(in text: [UInt32]) -> Int? {
        var found: Int?
        var i = 0
        while i < text.count {
            guard WindowReference.isDigit(text[i]) else { i += 1; continue }
            var value = 0
            var j = i
            while j < text.count, WindowReference.isDigit(text[j]), value < 1000 {
                value = value * 10 + Int(text[j] - 0x30)
                j += 1
            }
            if found != nil { return nil }
            found = value
            i = j
        }
        return found
    }

    /// The reply's characters outside the hits that merely repeat the offer ("轿车的过户"
    /// after "过户": 车的): what is left to describe one of the offers by.
    static func leftover(_ s: MatchScratch, repeating isRepeat: (KeywordHit) -> Bool) -> [UInt32] {
        var keep = [Bool](repeating: true, count: s.text.count)
        for hit in s.hits where isRepeat(hit) {
            for k in hit.start..<min(hit.end, keep.count) { keep[k] = false }
        }
        return s.text.indices.filter { keep[$0] }.map { s.text[$0] }
    }
}

extension IntentMatcher {
    /// The one of `offered` that the reply's characters outside its destination words
    /// describe ("轿车的过户": 车 describes vehicles), by the share of each offer's words that
    /// contain them; nil when nothing is left to describe by or no offer clearly leads.
    func describedBesidesOffer(among offered: [String], _ s: MatchScratch) -> String? {
        let rest = ContextReplies.leftover(s) { hit in
            hit.status == .counted && patterns[Int(hit.pattern)].roles.contains(where: \.isMeaningful)
        }
        var keys = Set(rest.filter { $0 >= 0x3400 && !IntentVocabulary.neutral.contains($0) })
        keys.formUnion(IntentVocabulary.englishWords(rest))
        guard !keys.isEmpty else { return nil }
        let shared = offered.map { destination -> (String, Float) in
            let shares = destinations.indices.filter { destinations[$0] == destination }.map { i in
                keys.reduce(Float(0)) { $0 + (vocabulary.share[i][$1] ?? 0) }
            }
            return (destination, shares.max() ?? 0)
        }.filter { $0.1 >= IntentVocabulary.minimumShare }.sorted { $0.1 > $1.1 }
        guard let best = shared.first else { return nil }
        if shared.count > 1 && shared[1].1 >= best.1 * 0.75 { return nil }
        return best.0
    }
}
