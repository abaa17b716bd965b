extension IntentMatcher {
    static let zaiAt: UInt32 = 0x5728  // 在
    /// 上 and 里 after the place: "在公交车上", "在银行里".
    static let onOrIn: Set<UInt32> = [0x4E0A, 0x91CC]
    /// Right after an out-of-scope word: it is who told the visitor ("银行说要公证", "医院让我来").
    static let toldBy = ContextCues.scalars(["说", "让我", "叫我", "要求", "告诉我", "通知"])
    /// In the clause after an out-of-scope word: it is done already ("出生医学证明在医院已经拿到了").
    static let alreadyHad = ContextCues.scalars(["已经拿到", "拿到了", "已经有了", "已经办了", "已经办好", "办好了", "开好了", "办完了", "弄好了"])
    /// Between the errand and an out-of-scope word after it: what the errand is for
    /// ("要公证才能把存款取出来").
    static let onlyThen = ContextCues.scalars(["才能", "才可以", "才给", "才让"])

    /// An out-of-scope word that is background to the visitor's matter, not a topic the hall
    /// does not serve: the place where something happened ("钱包在公交车上丢了": 在…上, 在…里),
    /// who sent the visitor (银行说…), a thing already obtained (…已经拿到了), or what the
    /// errand named before it is for (要公证才能把存款取出来). Such a word does not count
    /// against the intents; with no intent named it still ends at the desk.
    func setScenesAside(_ s: inout MatchScratch) {
        for i in s.hits.indices where s.hits[i].status == .counted && !s.hits[i].viaPinyin {
            let hit = s.hits[i]
            guard facts.roleRange(hit.pattern).contains(where: { facts.roles[$0].isOutOfScope }) else { continue }
            let scene = hit.start > 0 && s.text[hit.start - 1] == Self.zaiAt && hit.end < s.text.count
                && Self.onOrIn.contains(s.text[hit.end]) && !facts.has(hit.pattern, .meaningful)
            if scene || isBackground(hit, s) { s.hits[i].status = .scene }
        }
    }

    private func isBackground(_ hit: KeywordHit, _ s: MatchScratch) -> Bool {
        let text = s.text
        let clause = Self.clause(of: hit, in: text)
        let clauseStart = clause.lowerBound
        let after = Array(text[hit.end..<clause.upperBound])
        if Self.toldBy.contains(where: { after.starts(with: $0) }) { return true }
        if ContextCues.contains(Self.alreadyHad, in: after) { return true }
        // 才能 before the word in its clause, and an intent's keyword before 才能.
        let before = Array(text[clauseStart..<hit.start])
        for cue in Self.onlyThen {
            guard let at = ContextCues.find(cue, in: before) else { continue }
            let cueStart = clauseStart + at
            if s.hits.contains(where: { m in
                m.status == .counted && !m.viaPinyin && m.start >= clauseStart && m.end <= cueStart
                    && facts.roleRange(m.pattern).contains { if case .term(_, false) = facts.roles[$0] { true } else { false } }
            }) { return true }
        }
        return false
    }
}
