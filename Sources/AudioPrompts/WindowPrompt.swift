import HallModel

/// Window prompts ("window/12") composed from recorded fragments: "请到" + "十二" + "号窗口",
/// "Please go to window" + "twelve". Numbers 1–99 need only the digit fragments and 十
/// (Chinese) or one…nineteen and the tens (English).
public enum WindowPrompt {
    public static let idPrefix = "window/"
    public static let numbers = 1...99

    /// The window number of a prompt id such as "window/12".
    public static func number(of promptID: String) -> Int? {
        guard promptID.hasPrefix(idPrefix) else { return nil }
        return Int(promptID.dropFirst(idPrefix.count))
    }

    /// The fragment prompt ids, in order, that say "please go to window N".
    public static func fragments(for number: Int, language: Language) -> [String]? {
        guard numbers.contains(number) else { return nil }
        switch language {
        case .zh: return ["fragment/qing-dao"] + chineseNumber(number).map { "fragment/\($0)" } + ["fragment/hao-chuang-kou"]
        case .en: return ["fragment/please-go-to-window"] + englishNumber(number).map { "fragment/\($0)" }
        }
    }

    /// The spoken pieces of a Chinese number as values: 12 → [10, 2] (十二), 20 → [2, 10]
    /// (二十), 48 → [4, 10, 8] (四十八).
    static func chineseNumber(_ number: Int) -> [Int] {
        let (tens, units) = number.quotientAndRemainder(dividingBy: 10)
        let head: [Int] = tens == 0 ? [] : tens == 1 ? [10] : [tens, 10]
        return head + (units == 0 ? [] : [units])
    }

    /// English: one…nineteen whole, then the tens and a unit: 48 → [40, 8].
    static func englishNumber(_ number: Int) -> [Int] {
        if number < 20 { return [number] }
        let (tens, units) = number.quotientAndRemainder(dividingBy: 10)
        return [tens * 10] + (units == 0 ? [] : [units])
    }

    /// Every fragment some window number 1–99 needs, per language.
    static func allFragments(language: Language) -> Set<String> {
        Set(numbers.flatMap { fragments(for: $0, language: language) ?? [] })
    }
}
