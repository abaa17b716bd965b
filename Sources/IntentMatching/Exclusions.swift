extension IntentMatcher {
    /// Rules intents out by their exclusion words. Exclusions look at every occurrence,
    /// covered or not: "房屋买卖公证处" is a notary matter.
    func applyExclusions(_ s: inout MatchScratch) {
        // By index: the loop marks hits, and iterating the array itself would copy it first.
        for e in s.hits.indices {
            let hit = s.hits[e]
            guard !hit.viaPinyin, hit.status != .notAWord, hit.status != .negated, facts.has(hit.pattern, .exclusion) else { continue }
            // Inside a negated word it is negated too: "不是港澳通行证是补身份证".
            if s.hits.contains(where: { $0.status == .negated && $0.start <= hit.start && hit.end <= $0.end }) { continue }
            for k in facts.roleRange(hit.pattern) {
                guard case let .exclusion(intent) = facts.roles[k] else { continue }
                // "我从南门进来的，…回南门怎么走": an exclusion that holds the intent's own word
                // rules out that occurrence only; the intent's word said elsewhere still counts.
                // So does one that shares characters with it ("找个工作人员": 工作人员 is the
                // staff, and the 找个工作 it overlaps is not a job).
                var local = false
                for m in s.hits.indices where s.hits[m].start < hit.end && s.hits[m].end > hit.start
                    && (s.hits[m].status == .counted || s.hits[m].status == .covered || s.hits[m].status == .excluded)
                    && isTerm(s.hits[m].pattern, of: intent) {
                    s.hits[m].status = .excluded
                    local = true
                }
                if local { continue }
                // "公司一直给交社保，孩子…，学校说得有居住证": a keyword of the intent two clauses or
                // more away from the exclusion is another part of the story, and stands; unless
                // its clause asks about the errand ("…，身份证要复印吗").
                let apart = s.hits.contains { m in
                    m.status == .counted && !m.viaPinyin && isTerm(m.pattern, of: intent, strongOnly: true)
                        && Self.clauseBreaks(between: hit, and: m, in: s.text) >= 2
                        && !Self.asksAboutTheErrand(clauseOf: m, in: s.text)
                }
                if !apart { s.excludedIntent[Int(intent)] = true }
            }
        }
    }

    func isTerm(_ pattern: Int32, of intent: Int32, strongOnly: Bool = false) -> Bool {
        facts.roleRange(pattern).contains { k in
            if case let .term(owner, weak) = facts.roles[k] { owner == intent && !(strongOnly && weak) } else { false }
        }
    }

    /// The clause the hit stands in: from the clause break before it to the one after it.
    static func clause(of hit: KeywordHit, in text: [UInt32]) -> Range<Int> {
        var start = hit.start, end = hit.end
        while start > 0, text[start - 1] != TextNormalizer.clauseBreak { start -= 1 }
        while end < text.count, text[end] != TextNormalizer.clauseBreak { end += 1 }
        return start..<end
    }

    /// The hit's clause is a yes-or-no question or names what to bring ("身份证要复印吗", "还得带户口本").
    static func asksAboutTheErrand(clauseOf hit: KeywordHit, in text: [UInt32]) -> Bool {
        let clause = Array(text[clause(of: hit, in: text)])
        return ContextReplies.endsAsQuestion(clause) || ContextCues.contains(ContextReplies.errandDetail, in: clause)
    }

    /// How many clause breaks lie between two hits.
    static func clauseBreaks(between a: KeywordHit, and b: KeywordHit, in text: [UInt32]) -> Int {
        let (from, to) = a.end <= b.start ? (a.end, b.start) : (b.end, a.start)
        guard from < to else { return 0 }
        var breaks = 0
        for k in from..<to where text[k] == TextNormalizer.clauseBreak { breaks += 1 }
        return breaks
    }
}
