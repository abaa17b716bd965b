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
        case 0x96F6, 0x3007: 0            // 零 〇
        case 0x4E00, 0x5E7A: 1            // 一 幺
        case 0x4E8C, 0x4E24: 2            // 二 两
        case 0x4E09: 3
        case 0x56DB: 4
        case 0x4E94: 5
        case 0x516D: 6
        case 0x4E03: 7
        case 0x516B: 8
        case 0x4E5D: 9
        default: nil
        }
    }

    static let ten: UInt32 = 0x5341       // 十
    static let hundred: UInt32 = 0x767E   // 百

    @inline(__always)
    static func isNumeral(_ c: UInt32) -> Bool { digit(c) != nil || c == ten || c == hundred }

    /// Value of a run of numerals: positional (三十八, 一百零二) or digit by digit (四五 = 45).
    static func value(_ run: ArraySlice<UInt32>) -> Int? {
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

    /// Rewrites numeral runs that stand before 号 or 窗 (or after 第) as ASCII digits.
    static func rewriteWindowNumbers(_ text: inout [UInt32]) {
        var i = 0
        while i < text.count {
            guard isNumeral(text[i]) else { i += 1; continue }
            var j = i
            while j < text.count && isNumeral(text[j]) { j += 1 }
            let after = j < text.count ? text[j] : 0
            let afterNext = j + 1 < text.count ? text[j + 1] : 0
            let before = i > 0 ? text[i - 1] : 0
            let isReference = after == hao || after == chuang || before == di
                || (after == ge && afterNext == chuang)
            if isReference, let v = value(text[i..<j]) {
                let digits = String(v).unicodeScalars.map(\.value)
                text.replaceSubrange(i..<j, with: digits)
                i += digits.count
            } else {
                i = j
            }
        }
    }
}
