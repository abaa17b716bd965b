/// Finds a window number in a normalised question: "30号窗口", "30号", "窗口30",
/// "第30个窗口", "window 30", "counter 30". Numerals are already digits.
enum WindowReference {
    static let hao: UInt32 = 0x53F7      // 号
    static let chuang: UInt32 = 0x7A97   // 窗
    static let kou: UInt32 = 0x53E3      // 口
    static let di: UInt32 = 0x7B2C       // 第
    static let ge: UInt32 = 0x4E2A       // 个
    static let gui: UInt32 = 0x67DC      // 柜
    /// After "N号", these make it something else: a floor, a line, a gate, a hall, a road, a car.
    static let notAWindow: Set<UInt32> = [0x697C, 0x7EBF, 0x95E8, 0x5385, 0x8DEF, 0x8F66, 0x9662, 0x5EA7, 0x70B9]
    static let englishNouns: [[UInt32]] = ["window", "counter", "desk"].map { $0.unicodeScalars.map(\.value) }

    @inline(__always)
    static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The window the question asks for. When it names several, a window it turns away
    /// from ("不去5号窗口了，改去15号") gives way to the next one named.
    /// A window the visitor was at ("刚才在2号窗口排了半天") is what happened, not where they
    /// are going: when every window named is one, there is none to route to.
    static func find(in text: [UInt32]) -> Int? {
        var from = 0
        var first: Int?
        while let (value, start, end) = next(in: text, from: from) {
            // A cue reaches back no further than the window named before ("不是15号 是5号窗口").
            let since = from
            from = end
            if isBefore(text, start, pastCues, since: since) || isAfter(text, end, sentFromCues) { continue }
            if first == nil { first = value }
            // "一号窗口，不对，十一号窗口", "五号窗口旁边的六号": the window named next, after a
            // correction or as the one beside, is the one meant.
            if let following = next(in: text, from: end),
               ContextCues.contains(givingWayCues, in: Array(text[end..<following.start])) { continue }
            if !isBefore(text, start, awayCues, since: since) { return value }
        }
        return first
    }

    /// Cues that turn away from the window named right after them, in the same clause.
    static let awayCues: [[UInt32]] = ["不去", "不是", "不要", "不找", "别去", "别带我去", "别让我去", "别领我去", "不用去", "not"]
        .map { $0.unicodeScalars.map(\.value) }

    /// Between two windows: the second is meant (a correction, or the one beside the first).
    static let givingWayCues = ContextCues.scalars(["不对", "说错了", "搞错了", "我是说", "应该是", "哦不", "不不", "旁边", "隔壁", "边上",
                                                   "对面", "挨着", "sorry", "i mean", "no", "next to", "beside"])

    /// Cues that make the window named right after them one the visitor has been at.
    static let pastCues: [[UInt32]] = ["刚才在", "刚刚在", "刚在", "之前在", "刚才去", "刚从", "刚刚从", "刚才从", "已经去过"]
        .map { $0.unicodeScalars.map(\.value) }

    /// Cues after a window that make it where the visitor stands or who sent them on
    /// ("34号窗口的人让我先去交契税", "我在31号窗口排队呢"), not where they are going.
    static let sentFromCues: [[UInt32]] = ["的人让", "的人叫", "的人说", "的人告诉", "工作人员让", "工作人员叫", "工作人员说",
                                          "工作人员告诉", "让我", "叫我", "告诉我", "打发我", "排队呢", "排着", "排了", "等着呢", "等了", "等半天", "排错", "说我", "说让", "说得", "说要", "说先"]
        .map { $0.unicodeScalars.map(\.value) }

    /// One of `cues` in the clause (up to a comma) and at most 10 characters after the number.
    static func isAfter(_ text: [UInt32], _ end: Int, _ cues: [[UInt32]]) -> Bool {
        var upper = end
        while upper < text.count && upper - end < 10 && text[upper] != TextNormalizer.clauseBreak { upper += 1 }
        return ContextCues.contains(cues, in: Array(text[end..<upper]))
    }

    /// One of `cues` in the clause (up to a comma) and at most 8 characters before the number.
    static func isBefore(_ text: [UInt32], _ start: Int, _ cues: [[UInt32]], since: Int = 0) -> Bool {
        var lower = start
        while lower > since && start - lower < 8 && text[lower - 1] != TextNormalizer.clauseBreak { lower -= 1 }
        let span = Array(text[lower..<start])
        return cues.contains { cue in ContextCues.find(cue, in: span) != nil }
    }

    /// The run of digits at `start` (at most five: no window number is longer) and where it ends.
    static func number(in text: [UInt32], at start: Int) -> (value: Int, end: Int) {
        var value = 0, j = start
        while j < text.count && isDigit(text[j]) && value <= 9999 {
            value = value * 10 + Int(text[j] - 0x30)
            j += 1
        }
        return (value, j)
    }

    /// The first window reference at or after `from`: its number and where its digits are.
    static func next(in text: [UInt32], from: Int) -> (value: Int, start: Int, end: Int)? {
        var i = from
        let n = text.count
        while i < n {
            guard isDigit(text[i]) else { i += 1; continue }
            let (value, j) = number(in: text, at: i)
            var b = i
            if b > 0 && TextNormalizer.isBreak(text[b - 1]) { b -= 1 }
            let before = b > 0 ? text[b - 1] : 0
            var k = j
            if k < n && TextNormalizer.isBreak(text[k]) { k += 1 }
            let after = k < n ? text[k] : 0
            let afterNext = k + 1 < n ? text[k + 1] : 0
            if after == hao && !notAWindow.contains(afterNext) { return (value, i, j) }
            // "1个窗口" without 第 is "a window" ("最后一个窗口", "找一个窗口"), not window 1.
            if after == chuang || after == gui || (after == ge && afterNext == chuang && (value != 1 || before == di)) { return (value, i, j) }
            // "第二个" alone is an ordinal (the second of something offered), never a window.
            if before == di, after == chuang || after == hao { return (value, i, j) }
            if before == kou || before == chuang || followsEnglishNoun(text, at: i) { return (value, i, j) }
            // "No.15 window": the English word after the number.
            if endsWithNoun(text, atStartOf: k) { return (value, i, j) }
            i = j
        }
        return nil
    }

    /// "window 12", "window no 12", "counter #12" (the "#" is already a space).
    private static func followsEnglishNoun(_ text: [UInt32], at digitStart: Int) -> Bool {
        var end = digitStart
        while end > 0 && TextNormalizer.isBreak(text[end - 1]) { end -= 1 }
        for filler in [Array("no".unicodeScalars.map(\.value)), Array("number".unicodeScalars.map(\.value))] {
            if end >= filler.count && Array(text[(end - filler.count)..<end]) == filler {
                var e = end - filler.count
                while e > 0 && TextNormalizer.isBreak(text[e - 1]) { e -= 1 }
                if endsWithNoun(text, at: e) { return true }
            }
        }
        return endsWithNoun(text, at: end)
    }

    /// An English window word begins at `start` and ends there as a word (not "windows").
    private static func endsWithNoun(_ text: [UInt32], atStartOf start: Int) -> Bool {
        englishNouns.contains { noun in
            let end = start + noun.count
            return end <= text.count && text[start..<end].elementsEqual(noun) && (end == text.count || !LatinPinyin.isLetter(text[end]))
        }
    }

    private static func endsWithNoun(_ text: [UInt32], at end: Int) -> Bool {
        for noun in englishNouns where end >= noun.count {
            if text[(end - noun.count)..<end].elementsEqual(noun) { return true }
        }
        return false
    }
}
