import HallModel

/// One keyword occurrence in a question and what became of it.
public struct KeywordHit: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case counted
        /// Inside a longer keyword that was found at the same place.
        case covered
        /// A negation cue shortly before it in the same clause ("不办社保").
        case negated
        /// Its intent was ruled out by one of the intent's exclusion words.
        case excluded
        /// A homophone hit on a span an exact keyword already explains.
        case overlapsExact
        /// An English word found inside a longer word.
        case notAWord
        /// An out-of-scope place said as where something happened ("钱包在公交车上丢了"):
        /// the scene, not the topic.
        case scene
        /// A negation cue that negates nothing here: inside an A-not-A question ("是不是"), or
        /// 除了 with everything else turned away ("除了公证，其他都不用").
        case question
    }

    var pattern: Int32
    public var start: Int
    public var end: Int
    public var viaPinyin: Bool
    public var status: Status
}

/// Buffers reused across questions so the hot path does not allocate.
public struct MatchScratch: Sendable {
    var text: [UInt32] = []
    var syllables: [UInt32] = []
    var raw: [KeywordAutomaton.Match] = []
    var hits: [KeywordHit] = []
    var scores: [Float] = []
    var negatedIntent: [Bool] = []
    var excludedIntent: [Bool] = []
    var weakOnly: [Bool] = []
    var spelled: [SpelledSyllable] = []
    var spelledClasses: [UInt32] = []
    var splitting: [Int32] = []
    var outOfScope: Float = 0
    var window: Int?
    var language: Language = .zh

    public init() {
        text.reserveCapacity(128)
        syllables.reserveCapacity(128)
        raw.reserveCapacity(32)
        hits.reserveCapacity(32)
    }
}

extension IntentMatcher {
    static let bu: UInt32 = 0x4E0D  // 不

    @inline(__always)
    static func isWordScalar(_ c: UInt32) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
    }

    /// Finds and judges every keyword hit, and sums the scores per intent.
    func evaluate(_ query: String, _ s: inout MatchScratch) {
        normalizer.normalize(query, into: &s.text)
        _ = spelling.correct(&s.text)
        s.window = WindowReference.find(in: s.text)

        s.raw.removeAll(keepingCapacity: true)
        s.hits.removeAll(keepingCapacity: true)
        s.text.withUnsafeBufferPointer { exact.scan($0, into: &s.raw) }
        for m in s.raw {
            let start = Int(m.end) - Int(facts.length[Int(m.pattern)])
            var status = KeywordHit.Status.counted
            if facts.has(m.pattern, .isWord) {
                let before = start > 0 ? s.text[start - 1] : 0
                var after = Int(m.end) < s.text.count ? s.text[Int(m.end)] : 0
                // A plural is still the word: "toilets", "passports", "taxes".
                let end = Int(m.end), count = s.text.count
                if after == 0x73, end + 1 >= count || !Self.isWordScalar(s.text[end + 1]) { after = 0 }
                if after == 0x65, end + 1 < count, s.text[end + 1] == 0x73, end + 2 >= count || !Self.isWordScalar(s.text[end + 2]) { after = 0 }
                if Self.isWordScalar(before) || Self.isWordScalar(after) { status = .notAWord }
            }
            s.hits.append(KeywordHit(pattern: m.pattern, start: start, end: Int(m.end), viaPinyin: false, status: status))
        }
        let exactCount = s.hits.count

        // Homophone repair: toneless pinyin over the same positions.
        s.syllables.removeAll(keepingCapacity: true)
        let hanzi = normalizer.hanzi
        for c in s.text { s.syllables.append(syllableClass[Int(hanzi.syllable(c))]) }
        s.raw.removeAll(keepingCapacity: true)
        s.syllables.withUnsafeBufferPointer { pinyin.scan($0, into: &s.raw) }
        for m in s.raw {
            let id = pinyinPatterns[Int(m.pattern)]
            let length = Int(facts.length[Int(id)])
            let keyword = Int(facts.textStart[Int(id)])
            let end = Int(m.end)
            let start = end - length
            var same = 0
            for k in 0..<length where s.text[start + k] == facts.text[keyword + k] { same += 1 }
            // Exact occurrences are already hits; a slip keeps at least half the characters.
            // (Of three or more syllables, all heard will do where no exact word is heard
            // over: 工基金 is 公积金, 深分正 is 身份证, but 是公证 is no 施工证.)
            let oneInThree = same * 2 < length
            guard same < length, same * 2 >= length || length >= 3 else { continue }
            var status = KeywordHit.Status.counted
            // An exact hit beats a homophone over the same characters, unless the homophone
            // explains more of them ("食工许可证" is 施工许可证, not 许可证).
            for h in 0..<exactCount where s.hits[h].status == .counted && s.hits[h].start < end && start < s.hits[h].end {
                // Nor over an out-of-scope word said exactly: "寄个快递到加拿大" is no 快递到家.
                if facts.roleRange(s.hits[h].pattern).allSatisfy({ facts.roles[$0].isOutOfScope }) {
                    status = .overlapsExact
                    break
                }
                let longer = start <= s.hits[h].start && s.hits[h].end <= end && length > s.hits[h].end - s.hits[h].start
                if !longer || oneInThree, facts.has(s.hits[h].pattern, .meaningful) {
                    status = .overlapsExact
                    break
                }
                // Nor does it hear a task in a negation said exactly: "驾照不办了" is no 驾照补办.
                if facts.has(s.hits[h].pattern, .negation), (s.hits[h].start..<s.hits[h].end).contains(where: { k in
                    s.text[k] != facts.text[keyword + k - start]
                }) {
                    status = .overlapsExact
                    break
                }
            }
            s.hits.append(KeywordHit(pattern: id, start: start, end: end, viaPinyin: true, status: status))
        }

        spelledPinyinHits(exactCount: exactCount, &s)
        // The language by script; pinyin spelled in letters is Chinese.
        var letters = 0
        var han = 0
        for c in s.text {
            if c >= 0x61 && c <= 0x7A { letters += 1 } else if c >= 0x3400 && c <= 0x9FFF { han += 1 }
        }
        for syllable in s.spelled {
            letters -= syllable.end - syllable.start
            han += 1
        }
        s.language = letters > han * 2 ? .en : .zh

        // Characters explained by a longer keyword are not evidence for a shorter one that
        // shares them: inside it ("保险" in "医疗保险", the cue "不" in "不动产") or, between
        // two destination words, overlapping it ("休息区" against "母婴休息" in "母婴休息区").
        // Equal lengths keep both.
        for i in s.hits.indices where s.hits[i].status == .counted {
            let a = s.hits[i]
            let aPoints = facts.has(a.pattern, .meaningful)
            for j in s.hits.indices where j != i && s.hits[j].status == .counted {
                let b = s.hits[j]
                guard (b.end - b.start) > (a.end - a.start), b.start < a.end, a.start < b.end,
                      // An exclusion explains nothing: "用自助机" rules out the window's matter, and
                      // the 自助机 inside it still names the self-service area.
                      !facts.roleRange(b.pattern).allSatisfy({ facts.roles[$0].isExclusion }) else { continue }
                let inside = b.start <= a.start && a.end <= b.end
                if inside || (aPoints && facts.has(b.pattern, .meaningful)) {
                    s.hits[i].status = .covered
                    break
                }
            }
        }
        setScenesAside(&s)
        applyNegation(&s)
        score(&s)
    }

    /// Pinyin spelled in letters: runs of letters (a phrase of runs one space apart) that no
    /// English keyword explains and that split wholly into two or more syllables, scanned by
    /// the homophone automaton.
    private func spelledPinyinHits(exactCount: Int, _ s: inout MatchScratch) {
        s.spelled.removeAll(keepingCapacity: true)
        let n = s.text.count
        var i = 0
        var phrase = 0  // where the current phrase's syllables begin in s.spelled
        while i < n {
            guard LatinPinyin.isLetter(s.text[i]) else {
                // A single space keeps the phrase going ("gong ji jin"); anything else ends it.
                if !(s.text[i] == TextNormalizer.space && i + 1 < n && LatinPinyin.isLetter(s.text[i + 1]) && s.spelled.count > phrase) {
                    scanSpelled(from: phrase, exactCount: exactCount, &s)
                    phrase = s.spelled.count
                }
                i += 1
                continue
            }
            var j = i
            while j < n, LatinPinyin.isLetter(s.text[j]) { j += 1 }
            let explained = (0..<exactCount).contains { h in
                s.hits[h].status == .counted && s.hits[h].start < j && i < s.hits[h].end
            }
            if !explained, let keyword = initials.keyword(in: s.text, i, j) {
                // "gjj": the initials stand alone, a phrase of their own, counted as Chinese.
                scanSpelled(from: phrase, exactCount: exactCount, &s)
                s.hits.append(KeywordHit(pattern: keyword, start: i, end: j, viaPinyin: true, status: .counted))
                s.spelled.append(SpelledSyllable(id: Self.initialsSyllable, start: i, end: j))
                phrase = s.spelled.count
            } else if explained || !latinPinyin.split(s.text, i, j, into: &s.spelled, scratch: &s.splitting) {
                scanSpelled(from: phrase, exactCount: exactCount, &s)
                phrase = s.spelled.count
            }
            i = j
        }
        scanSpelled(from: phrase, exactCount: exactCount, &s)
        // Kept only where they spelled a keyword: the language guess counts them as Chinese.
        s.spelled.removeAll { $0.id == 0 }
    }

    /// Marks a run of initials among the spelled syllables: never scanned, kept for the language guess.
    static let initialsSyllable = UInt16.max

    /// Scans the syllables of one phrase, s.spelled[from...], and marks them spent (id 0)
    /// unless a keyword was found in them.
    private func scanSpelled(from first: Int, exactCount: Int, _ s: inout MatchScratch) {
        let count = s.spelled.count - first
        guard count > 0 else { return }
        var found = false
        if count >= 2 {
            s.spelledClasses.removeAll(keepingCapacity: true)
            for k in first..<s.spelled.count { s.spelledClasses.append(syllableClass[Int(s.spelled[k].id)]) }
            s.raw.removeAll(keepingCapacity: true)
            s.spelledClasses.withUnsafeBufferPointer { pinyin.scan($0, into: &s.raw) }
            for m in s.raw {
                let id = pinyinPatterns[Int(m.pattern)]
                let last = first + Int(m.end) - 1
                let start = s.spelled[last + 1 - Int(facts.length[Int(id)])].start
                s.hits.append(KeywordHit(pattern: id, start: start, end: s.spelled[last].end, viaPinyin: true, status: .counted))
                found = true
            }
        }
        if !found {
            for k in first..<s.spelled.count { s.spelled[k].id = 0 }
        }
    }

    /// A cue cancels the hits that follow it closely in the same clause.
    private func applyNegation(_ s: inout MatchScratch) {
        for c in s.hits.indices where s.hits[c].status == .counted && !s.hits[c].viaPinyin {
            guard facts.has(s.hits[c].pattern, .negation) else { continue }
            // "是不是", "要不要", "需不需要" ask a yes-no question; they negate nothing.
            let cueStart = s.hits[c].start
            if cueStart > 0, s.text[cueStart] == Self.bu, cueStart + 1 < s.text.count,
               s.text[cueStart - 1] == s.text[cueStart + 1] {
                s.hits[c].status = .question
                continue
            }
            let cueEnd = s.hits[c].end
            // "除了公证，其他地方都不用去": all but the word are turned away, so it is wanted.
            if s.text[cueStart..<cueEnd].elementsEqual(Self.chule),
               Self.everythingElse.contains(where: { ContextCues.find($0, in: Array(s.text[cueEnd...])) != nil }) {
                s.hits[c].status = .question
                continue
            }
            let isEnglishCue = s.text[cueEnd - 1] < 0x80
            // "公积金不提了": a task given up is named before the cue, which a 了 closes.
            if !isEnglishCue { negateGivenUp(cue: c, &s) }
            // A bare "不" negates the verb right after it ("不查公积金"); longer cues reach
            // further ("不需要办护照"). A cue may share its last character with the word
            // it negates ("不去" + "去厕所").
            let reach = isEnglishCue ? tuning.negationReach * 4 : (cueEnd - cueStart == 1 ? 1 : tuning.negationReach)
            for h in s.hits.indices where s.hits[h].status == .counted && s.hits[h].start > cueStart && h != c {
                guard s.hits[h].start - cueEnd <= reach else { continue }
                let between = s.text[min(cueEnd, s.hits[h].start)..<s.hits[h].start]
                // A cue never reaches past the end of its clause; in Chinese, where words
                // have no spaces, a space (a pause in recognised speech) ends it too.
                if between.contains(TextNormalizer.clauseBreak) { continue }
                if !isEnglishCue && between.contains(TextNormalizer.space) { continue }
                // "不是社保是医保", "我不办护照我要换驾照": once the negated word has been said, a
                // contrast (是, 要, 我, 想, 找…) begins what the visitor does want.
                if !isEnglishCue, let turn = between.firstIndex(where: Self.contrast.contains),
                   s.hits.indices.contains(where: { k in
                       k != c && k != h && s.hits[k].start >= cueEnd && s.hits[k].end <= turn && facts.has(s.hits[k].pattern, .meaningful)
                   }) { continue }
                // A negated word neither counts nor excludes: "不办驾照，办身份证". Nor does a
                // topic turned away from make the question out of scope: "不寄快递，要把证照邮寄到家".
                if facts.has(s.hits[h].pattern, .negatable) {
                    s.hits[h].status = .negated
                }
            }
        }
    }

    static let le: UInt32 = 0x4E86  // 了
    static let chule: [UInt32] = [0x9664, 0x4E86]  // 除了
    /// After 除了X: the rest named as not needed, which leaves X.
    static let everythingElse = ContextCues.scalars(["其他", "其它", "别的", "其余", "别处", "别的地方"])
    /// 是 要 我 而 想 找 改 只 但: after a negated word, the turn to what is wanted.
    static let contrast: Set<UInt32> = [0x662F, 0x8981, 0x6211, 0x800C, 0x60F3, 0x627E, 0x6539, 0x53EA, 0x4F46]

    /// "X不V了，…Y" (公积金不提了，我想问问在哪交水费; 房本我今天不办了，就想问网签在哪) and
    /// "X不是我办，…Y" (施工许可不是我办，我是来注册公司的): the word named before the cue is
    /// what the visitor no longer wants, when something else is asked after it. A few
    /// characters may stand between the word and its cue (我今天, 的事), never a clause break
    /// or another word that means something.
    private func negateGivenUp(cue c: Int, _ s: inout MatchScratch) {
        let cueStart = s.hits[c].start, cueEnd = s.hits[c].end
        var k = cueEnd
        while k < s.text.count, k <= cueEnd + 1, s.text[k] != Self.le, !TextNormalizer.isBreak(s.text[k]) { k += 1 }
        let givenUp = k < s.text.count && s.text[k] == Self.le
        let notMine = cueEnd < s.text.count && s.text[cueEnd] == Self.wo
        guard givenUp || notMine else { return }
        let after = givenUp ? k : cueEnd
        // Only when the visitor goes on to something else: "社保不交了怎么办" is about 社保.
        guard s.hits.contains(where: { $0.status == .counted && $0.start > after && facts.has($0.pattern, .meaningful) }) else { return }
        for h in s.hits.indices where s.hits[h].status == .counted && h != c && s.hits[h].end <= cueStart
            && cueStart - s.hits[h].end <= Self.givenUpGap {
            let gap = s.text[s.hits[h].end..<cueStart]
            guard !gap.contains(where: TextNormalizer.isBreak),
                  !s.hits.indices.contains(where: { m in
                      m != h && m != c && s.hits[m].start >= s.hits[h].end && s.hits[m].end <= cueStart
                          && s.hits[m].status == .counted && facts.has(s.hits[m].pattern, .meaningful)
                  }) else { continue }
            if facts.has(s.hits[h].pattern, .negatable) { s.hits[h].status = .negated }
        }
    }

    static let wo: UInt32 = 0x6211  // 我
    /// Characters allowed between a task given up and its cue: "房本我今天不办了".
    static let givenUpGap = 3

    private func score(_ s: inout MatchScratch) {
        let n = intentIDs.count
        if s.scores.count != n {
            s.scores = .init(repeating: 0, count: n)
            s.negatedIntent = .init(repeating: false, count: n)
            s.excludedIntent = .init(repeating: false, count: n)
            s.weakOnly = .init(repeating: true, count: n)
        } else {
            for i in 0..<n {
                s.scores[i] = 0
                s.negatedIntent[i] = false
                s.excludedIntent[i] = false
                s.weakOnly[i] = true
            }
        }
        s.outOfScope = 0
        applyExclusions(&s)
        for h in s.hits.indices {
            let hit = s.hits[h]
            let weight = facts.weight[Int(hit.pattern)]
            let factor: Float = hit.viaPinyin ? tuning.homophoneFactor : 1
            for k in facts.roleRange(hit.pattern) {
                let role = facts.roles[k]
                switch role {
                case let .term(intent, weak):
                    if hit.status == .negated { s.negatedIntent[Int(intent)] = true }
                    guard hit.status == .counted else { continue }
                    if s.excludedIntent[Int(intent)] {
                        s.hits[h].status = .excluded
                        continue
                    }
                    // A weak hint, however long, never outweighs a keyword: it counts at most
                    // what it takes to route on its own.
                    s.scores[Int(intent)] += weak ? min(weight * factor * tuning.weakFactor, tuning.routeThreshold) : weight * factor
                    if !weak { s.weakOnly[Int(intent)] = false }
                case let .ambiguous(k):
                    guard hit.status == .counted else { continue }
                    for intent in ambiguousCandidates[Int(k)] where !s.excludedIntent[Int(intent)] {
                        s.scores[Int(intent)] += weight * tuning.ambiguousFactor
                    }
                case .outOfScope:
                    if hit.status == .counted { s.outOfScope += weight }
                case .negation, .notNegation, .exclusion:
                    break
                }
            }
        }
    }
}

extension IntentMatcher.Role {
    var isExclusion: Bool {
        if case .exclusion = self { true } else { false }
    }

    var isOutOfScope: Bool {
        if case .outOfScope = self { true } else { false }
    }

    /// Roles that point at a destination (as opposed to cues and exclusions).
    var isMeaningful: Bool {
        switch self {
        case .term, .ambiguous: true
        case .negation, .notNegation, .outOfScope, .exclusion: false
        }
    }
}
