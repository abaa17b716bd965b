/// The words a reply in a conversation is read by: rejections ("都不是"), follow-ups that
/// name nothing ("几号窗口"), ordinals ("第二个", "后面那个"). Written as questions are
/// normalised (simplified, lower case; "第一" is already "第1").
enum ContextCues {
    static func scalars(_ words: [String]) -> [[UInt32]] { words.map { $0.unicodeScalars.map(\.value) } }

    static let rejection = scalars([
        "都不是", "都不对", "都不要", "都不用", "都不办", "都没有", "哪个都不", "两个都不", "不是这些", "不是这两个", "不是这几个",
        "都不太对", "别的", "其他的", "其它的", "另外的", "以上都不", "没有我要", "没有我想", "没我要", "不是我要的", "不是我想",
        "不是那些", "不是那两个", "不是那几个", "不是这俩", "不是那俩", "俩都不是", "都不是这俩",
        "neither", "none", "not these", "not those", "something else", "other one", "nope neither",
    ])

    static let followUp = scalars([
        "几号窗口", "哪个窗口", "几号", "哪个口", "怎么走", "怎么去", "咋走", "咋去", "怎么过去", "在哪", "在那", "哪里", "哪儿",
        "哪边", "东边", "西边", "南边", "北边", "东面", "西面", "哪一边", "什么位置", "具体位置", "位置", "哪个厅", "哪个区", "东厅", "西厅", "哪个大厅", "中庭", "楼上", "楼下", "几楼", "多远", "远吗", "远不远", "远不", "远么", "远嘛", "近吗", "近不", "离这", "走多久", "几分钟", "多长时间", "多久", "办什么的", "干什么的", "做什么的", "管什么的", "带我去", "带路", "领我去",
        "过去", "去那", "往哪", "材料", "带什么", "需要什么", "要什么", "手续", "几点", "什么时候", "开门", "下班", "上班",
        "营业时间", "排队", "要多久", "人多吗", "中午", "午休", "周末", "周六", "周日", "星期六", "星期天", "礼拜天", "办不办", "开不开", "还办吗",
        "lunch", "weekend", "saturday", "sunday", "still open", "what documents", "what do i need", "bring", "opening hours", "when does", "how do i get", "how to get", "where is it", "where", "which window", "which counter",
        "what is it for", "what do they do", "how long", "is it open", "open during", "what time", "open tomorrow", "open today", "do you open", "do you close", "are you open", "which hall", "which side", "east hall", "west hall", "is that in", "is it in", "is it near", "how far", "take me", "the way", "directions", "which number",
    ])

    /// Thanks and goodbyes; with the words that go with them (好的, 知道了, ok) a turn of
    /// nothing else closes the visit.
    static let thanks = scalars(["谢谢", "谢了", "多谢", "感谢", "辛苦了", "麻烦了", "再见", "拜拜", "thanks", "thank you", "thank", "bye", "goodbye", "cheers"])
    static let closingCompanions = scalars(["好的", "好嘞", "好吧", "好", "行", "知道了", "明白了", "懂了", "您", "你", "啦", "哈", "呀", "啊", "了",
                                            "ok", "okay", "got it", "great", "so much", "very much", "a lot"])

    /// Whether `text` says thanks or goodbye and nothing else.
    static func isClosing(_ text: [UInt32]) -> Bool {
        // Most questions thank nobody: only those are taken apart.
        guard text.count <= 40, contains(thanks, in: text) else { return false }
        var rest = text
        for word in closingWords {
            while let k = find(word, in: rest) {
                rest.replaceSubrange(k..<(k + word.count), with: [TextNormalizer.space])
            }
        }
        return rest.allSatisfy { TextNormalizer.isBreak($0) || fillers.contains($0) }
    }
    /// Both lists, longest first, so that "thank you" goes before "thank".
    static let closingWords = (thanks + closingCompanions).sorted { $0.count > $1.count }

    /// Questions about whether the place is open.
    static let opening = scalars(["开门", "营业", "上班", "下班", "午休", "开不开", "关门", "is it open", "open during", "open at", "open on", "still open", "opening hours", "close"])

    /// A reply that says the visitor did not follow: it never describes an offer.
    static let unclear = scalars([
        "不知道", "不清楚", "不明白", "没听清", "没听懂", "听不懂", "再说一遍", "再说一次", "什么意思", "啥意思", "说啥", "说什么",
        "不晓得", "不懂", "pardon", "sorry", "what do you mean", "say that again", "not sure", "don't know", "dont know",
    ])

    /// A reply of nothing but fillers and question words ("啊？", "什么", "嗯嗯") picks nothing.
    static let fillers: Set<UInt32> = Set("嗯啊哦呃额什么啥哈呀吧呢吗的那个这是哎唉诶欸噢喔".unicodeScalars.map(\.value))
        .union([TextNormalizer.space, TextNormalizer.clauseBreak])

    static func isOnlyFillers(_ text: [UInt32]) -> Bool {
        text.allSatisfy(fillers.contains) || ["what", "huh", "hm", "hmm", "um", "uh", "eh", "what?"].contains(String(String.UnicodeScalarView(text.compactMap(Unicode.Scalar.init))))
    }

    /// Picks the first offer. 前面, 前边 and 前头 are one word in speech; so are 上面 and 上边.
    static let first = scalars(["前面那个", "前面的", "前边那个", "前边的", "前头那个", "前头的", "前一个", "前者", "头一个",
                                "上面那个", "上边那个", "上面的", "上边的", "刚才第1", "the first", "first one",
                                "first", "former", "1st"])
    static let second = scalars(["the second", "second one", "second", "2nd"])
    static let third = scalars(["the third", "third one", "third", "3rd"])
    /// Picks the last offer.
    static let last = scalars(["后面那个", "后面的", "后边那个", "后边的", "后头那个", "后头的", "后一个", "后者", "最后那个",
                               "最后一个", "最后的", "最后边", "下面那个", "下边那个", "下面的", "下边的", "末尾", "the last",
                               "last one", "latter", "last"])

    /// Someone else the visitor asks for, after an answer: "那我爱人的呢", "what about my
    /// son": the same destination, for another person.
    static let otherPerson = scalars(otherPersonWords + otherPersonWords.filter { $0.hasPrefix("my ") }.map { $0 + "s" })
    /// "my wife's" is "my wifes" once normalisation drops the apostrophe: both forms count.
    private static let otherPersonWords = [
        "爱人", "老婆", "媳妇", "老公", "丈夫", "妻子", "对象", "孩子", "小孩", "儿子", "女儿", "闺女", "孙子", "孙女", "外孙",
        "我妈", "我爸", "妈妈", "爸爸", "父母", "老人", "老伴", "家里人", "家人", "亲戚", "朋友", "同事", "哥哥", "姐姐", "弟弟",
        "妹妹", "我哥", "我姐", "我弟", "我妹", "公公", "婆婆", "岳父", "岳母", "丈母娘", "他的", "她的", "他们的", "别人",
        "my wife", "my husband", "my son", "my daughter", "my kid", "my child", "my children", "my mother", "my father",
        "my mom", "my dad", "my parents", "my friend", "my partner", "for him", "for her", "his", "hers",
    ]

    /// Asks about something just said ("呢", "what about"): with another person, the same
    /// destination for them.
    static let aboutIt = scalars(["呢", "的", "也", "what about", "how about", "and for", "same for", "also"])
    /// The same again: "也", "too".
    static let too = scalars(["也", "一样", "同样", "too", "as well", "also"])

    static let di: UInt32 = 0x7B2C  // 第

    static func contains(_ cues: [[UInt32]], in text: [UInt32]) -> Bool {
        cues.contains { cue in find(cue, in: text) != nil }
    }

    /// Where `cue` first occurs in `text` (an English cue as a whole word). On every
    /// question's path, many times: compared in place, without slices.
    static func find(_ cue: [UInt32], in text: [UInt32]) -> Int? {
        let m = cue.count, n = text.count
        guard m <= n, m > 0 else { return nil }
        return cue.withUnsafeBufferPointer { cue in
            text.withUnsafeBufferPointer { text -> Int? in
                let head = cue[0]
                let isWord = head < 0x80
                var i = 0
                while i + m <= n {
                    if text[i] == head {
                        var k = 1
                        while k < m && text[i + k] == cue[k] { k += 1 }
                        if k == m {
                            if !isWord { return i }
                            let before = i > 0 ? text[i - 1] : 0x20
                            let after = i + m < n ? text[i + m] : 0x20
                            if !IntentMatcher.isWordScalar(before) && !IntentMatcher.isWordScalar(after) { return i }
                        }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Which offer (1-based) an ordinal reply points at, if it points at one of `count`.
    static func ordinal(in text: [UInt32], count: Int) -> Int? {
        // "第2个", "第2" (normalisation made the numeral a digit).
        for i in text.indices where text[i] == di && i + 1 < text.count {
            var j = i + 1
            var n = 0
            while j < text.count, text[j] >= 0x30, text[j] <= 0x39 {
                n = n * 10 + Int(text[j] - 0x30)
                j += 1
            }
            if j > i + 1 { return (1...count).contains(n) ? n : nil }
        }
        if contains(last, in: text) { return count }
        if contains(first, in: text) { return 1 }
        if count >= 2, contains(second, in: text) { return 2 }
        if count >= 3, contains(third, in: text) { return 3 }
        return nil
    }
}
