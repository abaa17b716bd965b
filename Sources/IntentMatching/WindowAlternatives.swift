/// "叫到我了，让去三十六还是四十六号窗口，我没听清", "window 12 or 21": two windows named as
/// alternatives. Routing to either would be a guess between numbers the visitor could not
/// tell apart, so both are offered, and the reply to the question back picks one.
enum WindowAlternatives {
    /// Words that put two numbers side by side as alternatives. Not 和 or 跟: "5号和6号都要去"
    /// is two errands, which the sequence rules read.
    static let words = ContextCues.scalars(["还是说", "还是", "或者是", "或者", "或是", "或", "or"])

    /// The alternative word at `at`, if any: its length, spaces around an English one included.
    static func word(in text: [UInt32], at: Int) -> Int? {
        var k = at
        while k < text.count && text[k] == TextNormalizer.space { k += 1 }
        for word in words where k + word.count <= text.count && text[k..<(k + word.count)].elementsEqual(word) {
            var end = k + word.count
            while end < text.count && text[end] == TextNormalizer.space { end += 1 }
            return end - at
        }
        return nil
    }

    /// For the numeral rewriting: a number at `end` is followed by an alternative word and a
    /// number said as a window ("三十六还是四十六号"), so the first is a window number too.
    static func precedesAlternativeWindow(_ text: [UInt32], _ end: Int) -> Bool {
        guard let length = word(in: text, at: end) else { return false }
        var k = end + length
        let start = k
        while k < text.count && (ChineseNumerals.isNumeral(text[k]) || WindowReference.isDigit(text[k])
            || ChineseNumerals.isTenSlip(text[k])) { k += 1 }
        return k > start && k < text.count && (text[k] == WindowReference.hao || text[k] == WindowReference.chuang)
    }

    /// Two window numbers named as alternatives, the first said first: "36还是46号窗口",
    /// "36号还是46号", "window 12 or 21". At least one of the two is a window reference.
    static func find(in text: [UInt32]) -> (Int, Int)? {
        var i = 0
        let n = text.count
        while i < n {
            guard WindowReference.isDigit(text[i]) else { i += 1; continue }
            let (first, end) = WindowReference.number(in: text, at: i)
            var k = end
            // "36号还是46号", "36号窗口还是46号窗口"
            for suffix in [[WindowReference.hao, WindowReference.chuang, WindowReference.kou], [WindowReference.hao],
                           [WindowReference.chuang, WindowReference.kou]]
            where k + suffix.count <= n && text[k..<(k + suffix.count)].elementsEqual(suffix) {
                k += suffix.count
                break
            }
            if let length = word(in: text, at: k), k + length < n, WindowReference.isDigit(text[k + length]) {
                let (second, _) = WindowReference.number(in: text, at: k + length)
                let firstIsReference = WindowReference.next(in: text, from: i)?.start == i
                let secondIsReference = WindowReference.next(in: text, from: k + length)?.start == k + length
                if first != second && (firstIsReference || secondIsReference) { return (first, second) }
            }
            i = end
        }
        return nil
    }
}
