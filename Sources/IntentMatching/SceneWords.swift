extension IntentMatcher {
    static let zaiAt: UInt32 = 0x5728  // 在
    /// 上 and 里 after the place: "在公交车上", "在银行里".
    static let onOrIn: Set<UInt32> = [0x4E0A, 0x91CC]

    /// "钱包在公交车上丢了": an out-of-scope word said as the place where something happened
    /// (在…上, 在…里) is the scene of the visitor's matter, not a topic the hall does not serve.
    func setScenesAside(_ s: inout MatchScratch) {
        for i in s.hits.indices where s.hits[i].status == .counted && !s.hits[i].viaPinyin {
            let hit = s.hits[i]
            guard hit.start > 0, s.text[hit.start - 1] == Self.zaiAt, hit.end < s.text.count, Self.onOrIn.contains(s.text[hit.end]),
                  !facts.has(hit.pattern, .meaningful),
                  facts.roleRange(hit.pattern).contains(where: { facts.roles[$0].isOutOfScope })
            else { continue }
            s.hits[i].status = .scene
        }
    }
}
