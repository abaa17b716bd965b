/// Chinese numerals in window references ("三十号窗口", "第十八个窗口", "幺八号") become
/// digits, so one pattern finds every way of saying a window number.
enum ChineseNumerals {
    static let hao: UInt32 = 0x53F7       // 号
    static let di: UInt32 = 0x7B2C        // 第
    static let chuang: UInt32 = 0x7A97    // 窗
    static let ge: UInt32 = 0x4E2A        // 个

    @inline(__always)
    static func digit(_ c: UInt32) -> Int? {
        switch c {
        // Everyday numerals, and the formal ones written on cheques and signs (壹贰叁…).
        case 0x96F6, 0x3007: 0            // 零 〇
        case 0x4E00, 0x5E7A, 0x58F9: 1    // 一 幺 壹
        case 0x4E8C, 0x4E24, 0x8D30: 2    // 二 两 贰
        case 0x4E09, 0x53C1: 3            // 三 叁
        case 0x56DB, 0x8086: 4            // 四 肆
        case 0x4E94, 0x4F0D: 5            // 五 伍
        case 0x516D, 0x9646: 6            // 六 陆
        case 0x4E03, 0x67D2: 7            // 七 柒
        case 0x516B, 0x634C: 8            // 八 捌
        case 0x4E5D, 0x7396: 9            // 九 玖
        default: nil
        }
    }

    static let chineseDigits: [UInt32] = "零一二三四五六七八九".unicodeScalars.map(\.value)
    @inline(__always)
    static func isTensWord(_ c: UInt32) -> Bool { c == ten || c == hundred || c == formalTen || c == formalHundred }

    static let ten: UInt32 = 0x5341       // 十
    static let hundred: UInt32 = 0x767E   // 百
    static let formalTen: UInt32 = 0x62FE     // 拾
    static let formalHundred: UInt32 = 0x4F70 // 佰

    @inline(__always)
    static func isNumeral(_ c: UInt32) -> Bool {
        digit(c) != nil || c == ten || c == hundred || c == formalTen || c == formalHundred
    }

    /// Value of a run of numerals: positional (三十八, 一百零二) or digit by digit (四五 = 45).
    static func value(_ run: ArraySlice<UInt32>) -> Int? {
        let run = run.map { $0 == formalTen ? ten : ($0 == formalHundred ? hundred : $0) }[...]
        if !run.contains(ten) && !run.contains(hundred) {
            var v = 0
            for c in run {
                guard let d = digit(c) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        var total = 0
        var pending: Int?
        var sawHundred = false
        for c in run {
            if let d = digit(c) {
                if pending != nil && d != 0 { return nil }  // 三四十: not a number
                pending = d == 0 ? pending : d
            } else if c == ten {
                total += (pending ?? 1) * 10
                pending = nil
            } else if c == hundred {
                guard !sawHundred, total == 0 else { return nil }
                total += (pending ?? 1) * 100
                pending = nil
                sawHundred = true
            }
        }
        return total + (pending ?? 0)
    }

    /// Characters a speech recogniser writes for 十 (shí): 失 石 实 时 室 式 and, between two
    /// numerals (四是一), 是. Read as 十 only inside a window reference.
    @inline(__always)
    static func isTenSlip(_ c: UInt32) -> Bool {
        c == 0x5931 || c == 0x77F3 || c == 0x5B9E || c == 0x65F6 || c == 0x5BA4 || c == 0x5F0F
    }
    static let shi: UInt32 = 0x662F      // 是

    /// The first clause is a yes-or-no question ("是十八号窗口吗，…").
    static func firstClauseAsks(_ text: [UInt32]) -> Bool {
        let end = text.firstIndex(of: TextNormalizer.clauseBreak) ?? text.count
        return ContextReplies.endsAsQuestion(Array(text[..<end]))
    }
    /// 第 口 去 到 找 在: a number may follow them.
    static let numberExpectedAfter: Set<UInt32> = [0x7B2C, 0x53E3, 0x53BB, 0x5230, 0x627E, 0x5728]
    static let kou: UInt32 = 0x53E3      // 口

    /// A numeral, or a slip for 十 where it can only be one: 失/石/实/时/室/式 next to a numeral,
    /// 是 after one ("四是一", "三是号").
    @inline(__always)
    static func isNumeralOrSlip(_ text: [UInt32], _ k: Int, runStart: Int) -> Bool {
        let c = text[k]
        if isNumeral(c) { return true }
        let next = k + 1 < text.count ? text[k + 1] : 0
        let previousIsNumeral = k > runStart
        if isTenSlip(c) { return previousIsNumeral || digit(next) != nil }
        if c == shi { return previousIsNumeral }
        return false
    }

    static let englishWindowWords: [[UInt32]] = ["window", "counter"].map { $0.unicodeScalars.map(\.value) }

    /// "window二十三": the English word for a window right before the numerals (a space
    /// between allowed; `end` is where that space or the numerals begin).
    static func followsEnglishWindowWord(_ text: [UInt32], _ end: Int) -> Bool {
        englishWindowWords.contains { word in
            end >= word.count && text[(end - word.count)..<end].elementsEqual(word)
        }
    }

    static let si: UInt32 = 0x6B7B       // 死, heard for 四
    static let good: UInt32 = 0x597D     // 好, heard for 号

    /// Slips a recogniser makes right before 窗: 号 heard as 好 after a number ("十八好窗口"),
    /// 四 heard as 死 before 号/好 or 十 ("死号窗口", "死十二号"). Only there.
    static func repairSlipsBeforeWindow(_ text: inout [UInt32]) {
        guard text.contains(good) || text.contains(si) else { return }
        for k in text.indices where text[k] == good && k > 0 && k + 1 < text.count && text[k + 1] == chuang {
            let c = text[k - 1]
            if isNumeral(c) || isTenSlip(c) || c == si || (c >= 0x30 && c <= 0x39) { text[k] = hao }
        }
        for k in text.indices where text[k] == si && k + 1 < text.count {
            let next = text[k + 1]
            let windowAfter = next == hao && k + 2 < text.count && text[k + 2] == chuang
            if windowAfter || next == ten { text[k] = 0x56DB }  // 四
        }
    }

    /// What a recogniser writes for a digit by its sound (衣 for 一, 斯 or 事 for 四, 久 for 九…),
    /// read as that digit only right before 号 or 窗 after a numeral ("三十事号" = 34,
    /// "时久号" = 19), before 十 ("武十号" = 50), or alone before 号窗 ("斯号窗口" = 4).
    static let digitHomophones: [UInt32: Int] = {
        var table: [UInt32: Int] = [:]
        for (digit, sounds) in [(1, "衣依医伊"), (2, "尔耳儿"), (3, "伞散"), (4, "斯思寺似事丝司"), (5, "武舞午吴伍"),
                                (6, "流留刘溜榴柳"), (7, "期妻齐其"), (8, "巴扒爸吧把"), (9, "久酒旧救")] {
            for c in sounds.unicodeScalars { table[c.value] = digit }
        }
        return table
    }()

    static func repairDigitHomophones(_ text: inout [UInt32]) {
        let n = text.count
        for k in text.indices where k + 1 < n {
            // Only right before 号, 窗 or 十 (or a slip for it: 儿时五号 is 二十五): most characters
            // are not looked up at all.
            let next = text[k + 1]
            guard next == hao || next == chuang || next == ten || isTenSlip(next), let d = digitHomophones[text[k]] else { continue }
            let previous = k > 0 ? text[k - 1] : 0
            let afterNumeral = isNumeral(previous) || isTenSlip(previous) || previous == ten
            let endsReference = next == hao || next == chuang
            let bare = next == hao && k + 2 < n && text[k + 2] == chuang && !afterNumeral
            let beforeTen = (next == ten || isTenSlip(next)) && k + 2 < n && (text[k + 2] == hao || text[k + 2] == chuang || isNumeral(text[k + 2]))
            if (afterNumeral && endsReference) || bare || beforeTen { text[k] = chineseDigits[d] }
        }
    }

    /// 廿 (twenty) and 卅 (thirty), still said and written: "廿三号窗口" is 二十三.
    static func expandTwentyAndThirty(_ text: inout [UInt32]) {
        guard text.contains(0x5EFF) || text.contains(0x5345) else { return }
        var out: [UInt32] = []
        out.reserveCapacity(text.count + 2)
        for (k, c) in text.enumerated() {
            let next = k + 1 < text.count ? text[k + 1] : 0
            let inNumber = isNumeral(next) || next == hao || next == chuang || (k > 0 && text[k - 1] == di)
            if c == 0x5EFF && inNumber { out += [chineseDigits[2], ten] }
            else if c == 0x5345 && inNumber { out += [chineseDigits[3], ten] }
            else { out.append(c) }
        }
        text = out
    }

    /// A slip for 十 standing alone as the whole number, where only a window can be meant:
    /// "石号窗口" is 10号窗口. It needs 号 and then 窗 (a bare "时号" is not a window).
    static func isBareSlipWindow(_ text: [UInt32], _ k: Int) -> Bool {
        k + 2 < text.count && text[k + 1] == hao && text[k + 2] == chuang
            && (k == 0 || !isNumeral(text[k - 1]))
    }

    /// Rewrites numeral runs that stand before 号 or 窗 (or after 第, or after 窗口: "窗口三十三")
    /// as ASCII digits. Inside such a reference only, a recogniser's slips for 十 are repaired
    /// (十 heard as 失, 石, 实 or 时; 四十一 heard as 四是一); elsewhere the text is left alone.
    static func rewriteWindowNumbers(_ text: inout [UInt32]) {
        // A reference needs 号, 窗 or 第, or the English word: most questions have none.
        guard text.contains(where: { $0 == hao || $0 == chuang || $0 == di || $0 == 0x77 || $0 == 0x63 }) else { return }
        EnglishNumerals.rewriteAfterWindowWords(&text)
        // "4十1号窗口": a digit typed beside 十 or 百 is that numeral.
        for k in text.indices where text[k] >= 0x30 && text[k] <= 0x39 {
            let beside = (k > 0 && isTensWord(text[k - 1])) || (k + 1 < text.count && isTensWord(text[k + 1]))
            if beside { text[k] = chineseDigits[Int(text[k] - 0x30)] }
        }
        expandTwentyAndThirty(&text)
        repairSlipsBeforeWindow(&text)
        repairDigitHomophones(&text)
        var i = 0
        while i < text.count {
            let slipAlone = (isTenSlip(text[i]) || text[i] == shi) && isBareSlipWindow(text, i)
            // 四十 said with a flat s (sì shí as shì shí) comes out 是是 or 是十: a 是 before a ten is 四.
            // Only where a number is expected (first, after 第, 窗口, 去, 到, 找, 在): elsewhere 是
            // is the verb ("不是十五号"), and so it is first in a question with 吗 ("是十八号窗口吗").
            let fourAsShi = text[i] == shi && i + 1 < text.count && (text[i + 1] == shi || text[i + 1] == ten || isTenSlip(text[i + 1]))
                && ((i == 0 && !firstClauseAsks(text)) || (i > 0 && numberExpectedAfter.contains(text[i - 1])))
            guard isNumeral(text[i]) || (isTenSlip(text[i]) && i + 1 < text.count && digit(text[i + 1]) != nil) || slipAlone || fourAsShi else {
                i += 1
                continue
            }
            var j = fourAsShi ? i + 1 : i
            while j < text.count && isNumeralOrSlip(text, j, runStart: fourAsShi ? i - 1 : i) { j += 1 }
            if slipAlone && j == i { j = i + 1 }
            // A trailing 是 is the verb ("三是…"), not a slip: unless 号 follows it.
            while j > i + 1 && text[j - 1] == shi && (j >= text.count || text[j] != hao) { j -= 1 }
            let after = j < text.count ? text[j] : 0
            let afterNext = j + 1 < text.count ? text[j + 1] : 0
            let before = i > 0 ? text[i - 1] : 0
            var b = i
            if b > 0 && TextNormalizer.isBreak(text[b - 1]) { b -= 1 }
            let afterWindowWord = (b >= 2 && text[b - 1] == kou && text[b - 2] == chuang) || followsEnglishWindowWord(text, b)
            let isReference = after == hao || after == chuang || before == di || afterWindowWord
                || (after == ge && afterNext == chuang) || WindowAlternatives.precedesAlternativeWindow(text, j)
            var run = text[i..<j].map { isTenSlip($0) || $0 == shi ? ten : $0 }
            if fourAsShi, !run.isEmpty { run[0] = 0x56DB }  // 四
            if isReference, !run.isEmpty, let v = value(run[...]) {
                let digits = String(v).unicodeScalars.map(\.value)
                text.replaceSubrange(i..<j, with: digits)
                i += digits.count
            } else {
                i = max(j, i + 1)
            }
        }
    }
}
