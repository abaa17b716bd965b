import HallModel

/// Questions that name more than one task: "先A，再B" (A now, and the answer says what
/// comes next) and "A和B都想办" (both offered, the visitor picks where to start), and the
/// similarity stage for questions no keyword decides.
extension IntentMatcher {
    static let xian: UInt32 = 0x5148  // 先
    /// Where the second task begins after a "先": 再, 然后, 之后, 接着, 完了, 回头; "then" after "first".
    /// "后" only before a verb ("先换驾照后办港澳通行证"), not in 后面, 后门.
    static let afterFirst = ContextCues.scalars(["然后", "之后", "接着", "完了", "完事", "完去", "回头", "再", "第2步", "其次",
                                                 "后办", "后去", "后交", "后找", "后换", "后补", "后领", "后到", "后拿",
                                                 "then", "after that", "afterwards"])
    /// Without a "先", only words that cannot be anything but a sequence.
    static let sequenceOnly = ContextCues.scalars(["然后再", "然后去", "然后办", "之后再", "之后去", "完了再", "完再去", "办完再", "办完了再",
                                                   "完事再", "完事去", "完事了再", "完事儿再", "完事儿去", "然后把", "然后还", "然后要", "以后再", "以后去",
                                                   "and then", "after that"])
    /// Between two tasks: they are both wanted.
    /// Right between two tasks' words (at most a few characters apart): they are both wanted.
    static let conjunctions = ContextCues.scalars(["和", "跟", "与", "及", "还有", "还要", "还想", "还得", "也要", "也想", "也得", "以及", "加上",
                                                   "顺便", "顺带", "顺道", "and", "also"])
    static let bothWords = ContextCues.scalars(["都想", "都要", "都得", "都办", "两个都", "两件", "两样", "both"])
    /// The visitor does not mind which comes first ("先去哪个都行"): nothing to ask.
    static let anyOrder = ContextCues.scalars(["哪个都行", "哪个都可以", "哪个都成", "哪个先都", "先哪个都", "去哪个都", "随便哪个",
                                               "哪个先办都", "无所谓", "either first", "any order", "either order", "doesn't matter which",
                                               "does not matter which", "whichever"])

    /// The whole decision for a question: the keyword decision, refined for several tasks
    /// and, when no keyword decided, by the labelled examples.
    func decideAll(_ s: inout MatchScratch, sequenceAllowed: Bool = true) -> MatchDecision {
        var decision = decide(&s)
        // "护照办完了，现在去交税": the task done is behind the visitor; what follows is asked.
        if sequenceAllowed, let rest = afterTaskDone(s.text) {
            let whole = Self.text(s.text[...])
            evaluate(Self.text(s.text[rest...]), &s)
            let now = decideAll(&s, sequenceAllowed: false)
            // What is asked now only asks back where the whole question routes to one of
            // its offers: "驾驶证下月到期，体检做完了，换证在哪" is the driving licence's 换证.
            if now.outcome == .route || (now.outcome == .clarify && !(decision.outcome == .route
                && decision.destination.map(now.candidates.contains) == true)) { return now }
            evaluate(whole, &s)
        }
        if sequenceAllowed, let split = sequenceSplit(s.text),
           // A 先 in a later clause that names nothing leaves the question whole (and is not
           // worth two more evaluations).
           !split.byLaterClause || s.hits.contains(where: { $0.status == .counted && $0.start >= split.firstStart && facts.has($0.pattern, .meaningful) }) {
            let whole = Self.text(s.text[...])
            let first = Self.text(s.text[split.firstStart..<split.firstEnd])
            let then = Self.text(s.text[split.secondStart..<(split.secondEnd ?? s.text.count)])
            evaluate(then, &s)
            let second = decideAll(&s, sequenceAllowed: false)
            evaluate(first, &s)
            var now = decideAll(&s, sequenceAllowed: false)
            if now.outcome == .fallback && second.outcome == .route { return second }
            // A first task that only asks back defers to the whole question where it routes
            // to one of the offers: "…集体建设用地的使用权…，说得先去做变更登记" is real estate's 登记.
            if now.outcome == .clarify, decision.outcome == .route, let destination = decision.destination,
               now.candidates.contains(destination) {
                evaluate(whole, &s)
                return decision
            }
            if second.outcome == .route, let next = second.destination, next != now.destination {
                now.next = .init(destination: next, intent: second.intent)
            }
            return now
        }
        if decision.outcome != .fallback, let both = severalTasks(s) {
            // "失业登记和交社保都得办，先去哪个都行": the first named now, the other next.
            if ContextCues.contains(Self.anyOrder, in: s.text) {
                decision.outcome = .route
                (decision.destination, decision.intent, decision.candidates) = (both[0], intentID(forDestination: both[0]), [])
                decision.next = .init(destination: both[1], intent: intentID(forDestination: both[1]))
                decision.confidence = 1
                decision.rule = .anyOrder
                return decision
            }
            decision.outcome = .clarify
            (decision.destination, decision.intent, decision.candidates) = (nil, nil, both)
            decision.rule = .severalTasks
            return decision
        }
        if decision.outcome == .fallback, decision.rule == .nothingMatched, ContextCues.isClosing(s.text) {
            decision.rule = .closing
            return decision
        }
        if decision.outcome == .fallback, decision.rule == .nothingMatched || decision.rule == .tooWeak,
           s.outOfScope == 0, s.window == nil, let (example, _) = examples.nearest(s.text) {
            if example.intent < 0 {
                decision.rule = .similarOutOfScope(example.text)
                return decision
            }
            let i = Int(example.intent)
            // An example never routes against a negation of its own intent.
            guard !s.negatedIntent[i], !s.excludedIntent[i] else { return decision }
            decision.outcome = .route
            decision.destination = destinations[i]
            decision.intent = intentIDs[i]
            decision.confidence = 0.5
            decision.rule = .similarExample(example.text)
        }
        return decision
    }

    /// The normalised text back as a string that normalises to itself (clause breaks as "，").
    static func text(_ scalars: ArraySlice<UInt32>) -> String {
        var s = String.UnicodeScalarView()
        for c in scalars {
            if c == TextNormalizer.clauseBreak { s.append("，") } else if let u = Unicode.Scalar(c) { s.append(u) }
        }
        return String(s)
    }

    struct SequenceSplit {
        var firstStart: Int
        var firstEnd: Int
        var secondStart: Int
        var secondEnd: Int?
        /// Split only because the 先 stands in a later clause than the other task.
        var byLaterClause = false
    }

    /// Words that put a task first: "先" (not "先生"), "办完", "弄完".
    static let firstWords = ContextCues.scalars(["先", "办完", "弄完", "第1步", "首先", "头一件", "first"])
    static let sheng: UInt32 = 0x751F  // 生, of 先生 (Mr., husband)

    /// "先办护照再去社保", "办完居住证还想去公积金", "等会儿再去医保，先带我去母婴室": the
    /// first task's text and where the next one's is.
    func sequenceSplit(_ text: [UInt32]) -> SequenceSplit? {
        // Every marker holds one of these characters (先 完 然 之 首 步 头 以) or English words: most
        // questions hold none.
        let chinese = text.contains { $0 == Self.xian || $0 == 0x5B8C || $0 == 0x7136 || $0 == 0x4E4B || $0 == 0x9996 || $0 == 0x6B65 || $0 == 0x5934 || $0 == 0x4EE5 }  // 首 步 头 以
        guard chinese || Self.englishMarkers.contains(where: { ContextCues.find($0, in: text) != nil }) else { return nil }
        var firstAt: (start: Int, end: Int)?
        for word in Self.firstWords {
            guard let k = ContextCues.find(word, in: text) else { continue }
            if word == [Self.xian], k + 1 < text.count, text[k + 1] == Self.sheng { continue }
            if firstAt == nil || k < firstAt!.start { firstAt = (k, k + word.count) }
        }
        // Any verb with 完 puts its task first: "交完医保再去社保", "看完病然后去医保".
        if firstAt == nil, let k = ContextCues.find(Self.wan, in: text), k > 0, text[k - 1] >= 0x3400, k + 1 < text.count {
            firstAt = (k - 1, k + 1)
        }
        if let (start, end) = firstAt {
            let rest = Array(text[end...])
            // "领完还想…": after a verb with 完 the next task may follow at once.
            let afterDone = text[end - 1] == Self.wan[0]
            var at: Int?
            for marker in Self.afterFirst + Self.alsoWanted {
                if let k = ContextCues.find(marker, in: rest), k > 0 || afterDone, at == nil || k < at! { at = k }
            }
            if let at { return SequenceSplit(firstStart: 0, firstEnd: end + at, secondStart: end + at) }
            // "再去医保，先去母婴室": what follows 先 comes first, what came before it next.
            // "办护照之前得先把身份证换了": the task said before 之前 waits for the one after 先.
            // "今天来给孩子上户口，…我得先找个地方喂奶": a 先 in a later clause puts its task before the earlier one.
            if start > 0 {
                let before = Array(text[..<start])
                if before.contains(Self.zai) || ContextCues.contains(Self.laterWords, in: before) || ContextCues.contains(Self.beforeWords, in: before) {
                    return SequenceSplit(firstStart: end, firstEnd: text.count, secondStart: 0, secondEnd: start)
                }
                if text[start] == Self.xian, before.contains(TextNormalizer.clauseBreak) {
                    return SequenceSplit(firstStart: end, firstEnd: text.count, secondStart: 0, secondEnd: start, byLaterClause: true)
                }
            }
            return nil
        }
        for marker in Self.sequenceOnly {
            if let k = ContextCues.find(marker, in: text), k > 0 { return SequenceSplit(firstStart: 0, firstEnd: k, secondStart: k) }
        }
        return nil
    }

    static let zai: UInt32 = 0x518D  // 再
    /// Before a "先": the task said there waits for the one after it ("办护照之前得先…").
    static let beforeWords = ContextCues.scalars(["之前", "以前", "前头得", "before"])
    static let englishMarkers = ContextCues.scalars(["first", "then", "after"])
    static let wan: [UInt32] = [0x5B8C]  // 完
    /// Before a "先": the task said there comes later ("等会儿要去交燃气费，现在先找母婴室").
    static let laterWords = ContextCues.scalars(["等会", "等一会", "待会", "一会儿", "过会", "等下", "回头", "later"])
    /// A task said to be done ("办完了", "弄好了") …
    static let doneWords = ContextCues.scalars(["办完了", "弄完了", "搞完了", "办好了", "弄好了", "搞定了", "做完了", "交完了", "办完", "弄完",
                                                "办过了", "弄过了", "交过了", "已经办过",
                                                "已经办了", "完成后", "完成以后", "完成之后", "finished", "done with", "i'm done", "im done"])
    /// Where "verb + 完了/好了/过了" first ends (换完了, 补好了, 交过了), if anywhere.
    static func verbDone(in text: [UInt32]) -> Int? {
        guard text.count >= 3 else { return nil }
        for i in 1..<(text.count - 1) where text[i + 1] == PatternCompiler.le && Self.completions.contains(text[i])
            && PatternCompiler.completedVerbs.contains(text[i - 1]) {
            return i + 2
        }
        return nil
    }
    /// 完, 好, 过: what follows a verb to say it is done.
    static let completions: Set<UInt32> = [0x5B8C, 0x597D, 0x8FC7]

    /// … and then what the visitor wants now.
    static let nowWords = ContextCues.scalars(["现在", "接下来", "下一步", "就差", "还差", "只差", "还剩", "now", "next"])

    /// Where the question goes on after a task it says is done: "社保办完了，现在去交税"
    /// (from 现在), "网上都办完了，就差拿证" (from 就差). Nil when nothing is said done.
    func afterTaskDone(_ text: [UInt32]) -> Int? {
        // Every done word holds 完, 好, 定, 过 or 已, or is English with a d or an f: most questions hold none.
        guard text.contains(where: { $0 == 0x5B8C || $0 == 0x597D || $0 == 0x5B9A || $0 == 0x8FC7 || $0 == 0x5DF2 || $0 == 0x64 || $0 == 0x66 })
        else { return nil }
        var doneEnd: Int?
        for word in Self.doneWords {
            if let k = ContextCues.find(word, in: text), doneEnd == nil || k + word.count < doneEnd! { doneEnd = k + word.count }
        }
        // Any task verb with 完了, 好了 or 过了 ("驾照已经换完了", "卡补好了"), before the listed words.
        if let k = Self.verbDone(in: text), doneEnd == nil || k < doneEnd! { doneEnd = k }
        guard let doneEnd, doneEnd < text.count else { return nil }
        let rest = Array(text[doneEnd...])
        var at: Int?
        for word in Self.nowWords {
            if let k = ContextCues.find(word, in: rest), at == nil || k < at! { at = k }
        }
        // "房子买完了，要办证": a clause after the task done is what is asked now (after a 了
        // the shorter done word 办完 left: "车管那边办完了，还要去出入境").
        if at == nil {
            let skip = rest.first == PatternCompiler.le ? 1 : 0
            if rest.count > skip, rest[skip] == TextNormalizer.clauseBreak { at = skip + 1 }
        }
        guard let at, at + 1 < rest.count else { return nil }
        return doneEnd + at
    }
    /// After a first task: "还想", "还要" bring the next one.
    static let alsoWanted = ContextCues.scalars(["还想", "还要", "还得"])

    /// Two or three destinations each named by a keyword of its own, joined ("户口和社保",
    /// "办护照，还有驾照") or said to be both wanted: the destinations in the order said.
    func severalTasks(_ s: MatchScratch) -> [String]? {
        // Two tasks need two hits at least.
        guard s.hits.count >= 2 else { return nil }
        // At most three destinations, kept in three slots: this runs on every routed question.
        typealias Slot = (destination: Int, start: Int, end: Int)
        var slots: (Slot?, Slot?, Slot?) = (nil, nil, nil)
        func merge(_ slot: inout Slot?, _ i: Int, _ hit: KeywordHit) -> Bool {
            guard let f = slot else { slot = (i, hit.start, hit.end); return true }
            guard place[f.destination] == place[i] else { return false }
            slot = (f.destination, min(f.start, hit.start), max(f.end, hit.end))
            return true
        }
        // One task's word may exclude the other's intent ("社保" rules out police-general for
        // "社保卡要带身份证"); joined as two tasks, both stand.
        for hit in s.hits where (hit.status == .counted || hit.status == .excluded) && !hit.viaPinyin {
            guard facts.has(hit.pattern, .term), facts.weight[Int(hit.pattern)] >= tuning.routeThreshold else { continue }
            // An excluded word is a task only joined to another ("身份证和驾照"), not the lost
            // wallet said before them ("钱包丢了，身份证和驾照都得补").
            if hit.status == .excluded, !joinedToAnotherTask(hit, s) { continue }
            for k in facts.roleRange(hit.pattern) {
                guard case let .term(intent, weak) = facts.roles[k], !weak else { continue }
                let i = Int(intent)
                guard !s.negatedIntent[i] else { continue }
                // The slot of its place, else the first free one; a fourth: not a few tasks.
                guard merge(&slots.0, i, hit) || merge(&slots.1, i, hit) || merge(&slots.2, i, hit) else { return nil }
            }
        }
        guard let x = slots.0, let y = slots.1 else { return nil }
        let tasks = ([x, y] + (slots.2.map { [$0] } ?? [])).sorted { $0.start < $1.start }
        // Each task joined to the one before it by a conjunction, or (of three) in a clause of
        // its own ("户口要销 养老金要停 房子还得过户"); two joined, or all said to be wanted.
        var joinedPairs = 0
        var apartPairs = 0
        for (a, b) in zip(tasks, tasks.dropFirst()) {
            if conjunctionJoins(a.end, b.start, s) || (a.end > b.start && wordsJoined(place[a.destination], place[b.destination], s)) {
                joinedPairs += 1
            } else if a.end < b.start, s.text[a.end..<b.start].contains(where: TextNormalizer.isBreak) {
                apartPairs += 1
            }
        }
        let pairs = tasks.count - 1
        let joined = joinedPairs == pairs || (tasks.count == 3 && joinedPairs >= 1 && joinedPairs + apartPairs == pairs)
        guard joined || ContextCues.contains(Self.bothWords, in: s.text) else { return nil }
        // An excluded one stands only when the tasks are joined.
        if !joined, tasks.contains(where: { d in s.scores.indices.contains { destinations[$0] == destinations[d.destination] && s.excludedIntent[$0] } }) {
            return nil
        }
        return tasks.map { destinations[$0.destination] }
    }

    /// "刚提的车，购置税和上牌都没整呢": the spans of the two tasks overlap (the car named before
    /// the tax), but a word of each stands next to the other with a conjunction between.
    private func wordsJoined(_ x: Int32, _ y: Int32, _ s: MatchScratch) -> Bool {
        for h in s.hits where isTaskWord(h) && names(h, x, s) {
            for g in s.hits where isTaskWord(g) && names(g, y, s) {
                let (left, right) = h.end <= g.start ? (h, g) : (g, h)
                if conjunctionJoins(left.end, right.start, s) { return true }
            }
        }
        return false
    }

    private func joinedToAnotherTask(_ hit: KeywordHit, _ s: MatchScratch) -> Bool {
        s.hits.contains { g in
            guard isTaskWord(g), g.start != hit.start || g.end != hit.end else { return false }
            let (left, right) = hit.end <= g.start ? (hit, g) : (g, hit)
            return conjunctionJoins(left.end, right.start, s)
                && !s.hits.contains(where: { isTaskWord($0) && $0.start >= left.end && $0.end <= right.start })
        }
    }

    /// A conjunction in the few characters (at most 8) between two tasks' words.
    private func conjunctionJoins(_ from: Int, _ to: Int, _ s: MatchScratch) -> Bool {
        from <= to && to - from <= 8 && ContextCues.contains(Self.conjunctions, in: Array(s.text[from..<to]))
    }

    private func isTaskWord(_ hit: KeywordHit) -> Bool {
        (hit.status == .counted || hit.status == .excluded) && !hit.viaPinyin && facts.has(hit.pattern, .term)
            && facts.weight[Int(hit.pattern)] >= tuning.routeThreshold
    }

    private func names(_ hit: KeywordHit, _ target: Int32, _ s: MatchScratch) -> Bool {
        facts.roleRange(hit.pattern).contains { k in
            guard case let .term(intent, weak) = facts.roles[k], !weak else { return false }
            return !s.negatedIntent[Int(intent)] && place[Int(intent)] == target
        }
    }
}
