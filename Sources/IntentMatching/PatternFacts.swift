/// The patterns as the hot path reads them: flat arrays of plain values, so looking up a
/// hit's pattern copies nothing reference-counted (a `Pattern` holds three arrays and a
/// source line, and binding one retains them all).
struct PatternFacts: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// An English word: found inside a longer word it does not count.
        static let isWord = Flags(rawValue: 1 << 0)
        /// Points at a destination (a term or an ambiguous word).
        static let meaningful = Flags(rawValue: 1 << 1)
        static let negation = Flags(rawValue: 1 << 2)
        /// What a negation cue cancels: a destination word, an exclusion, an out-of-scope topic.
        static let negatable = Flags(rawValue: 1 << 3)
        /// A keyword of an intent (not only an ambiguous word).
        static let term = Flags(rawValue: 1 << 4)
        static let exclusion = Flags(rawValue: 1 << 5)
    }

    let length: [Int32]
    let flags: [Flags]
    let weight: [Float]
    /// Pattern i's roles are roles[roleStart[i] ..< roleStart[i + 1]].
    let roleStart: [Int32]
    let roles: [IntentMatcher.Role]
    /// Pattern i's characters are text[textStart[i] ..< textStart[i + 1]].
    let textStart: [Int32]
    let text: [UInt32]

    init(_ patterns: [IntentMatcher.Pattern]) {
        var length: [Int32] = [], flags: [Flags] = [], weight: [Float] = []
        var roleStart: [Int32] = [0], roles: [IntentMatcher.Role] = []
        var textStart: [Int32] = [0], text: [UInt32] = []
        for pattern in patterns {
            length.append(Int32(pattern.text.count))
            weight.append(pattern.weight)
            var f: Flags = pattern.isWord ? .isWord : []
            for role in pattern.roles {
                if role.isMeaningful { f.formUnion([.meaningful, .negatable]) }
                if role.isExclusion { f.formUnion([.exclusion, .negatable]) }
                switch role {
                case .term: f.insert(.term)
                case .negation: f.insert(.negation)
                case .outOfScope: f.insert(.negatable)
                case .ambiguous, .notNegation, .exclusion: break
                }
            }
            flags.append(f)
            roles += pattern.roles
            roleStart.append(Int32(roles.count))
            text += pattern.text
            textStart.append(Int32(text.count))
        }
        (self.length, self.flags, self.weight) = (length, flags, weight)
        (self.roleStart, self.roles, self.textStart, self.text) = (roleStart, roles, textStart, text)
    }

    @inline(__always)
    func has(_ pattern: Int32, _ flag: Flags) -> Bool { flags[Int(pattern)].contains(flag) }

    @inline(__always)
    func roleRange(_ pattern: Int32) -> Range<Int> { Int(roleStart[Int(pattern)])..<Int(roleStart[Int(pattern) + 1]) }
}
