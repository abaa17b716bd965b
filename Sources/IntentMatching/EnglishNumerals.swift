/// English number words after "window" or "counter" ("window thirty one", "counter
/// twenty-two", "window number five") become digits, as Chinese numerals in a window
/// reference do. Only there: "one of the windows", "two passports" stay words.
enum EnglishNumerals {
    static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = ["twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
                                      "seventy": 70, "eighty": 80, "ninety": 90]
    static let windowWords: Set<String> = ["window", "counter"]
    static let numberWords: Set<String> = ["number", "no"]

    static let windowScalars = ContextCues.scalars(["window", "counter"])

    static func rewriteAfterWindowWords(_ text: inout [UInt32]) {
        // Most questions name no window in English: words are read only when one does.
        guard windowScalars.contains(where: { ContextCues.find($0, in: text) != nil }) else { return }
        var words = EnglishWords(text)
        // Two words one space or hyphen apart.
        func next(_ a: Int, _ b: Int) -> Bool {
            b < words.count && words[b].start == words[a].end + 1 && (text[words[a].end] == TextNormalizer.space || text[words[a].end] == 0x2D)
        }
        var k = 0
        while k < words.count {
            guard windowWords.contains(words[k].text), next(k, k + 1) else { k += 1; continue }
            var first = k + 1
            if numberWords.contains(words[first].text), next(first, first + 1) { first += 1 }
            var value: Int?
            var last = first
            if let t = tens[words[first].text] {
                value = t
                if next(first, first + 1), let u = units[words[first + 1].text], u > 0, u < 10 {
                    value = t + u
                    last = first + 1
                }
            } else if let u = units[words[first].text] {
                value = u
            }
            guard let value else { k += 1; continue }
            let digits = String(value).unicodeScalars.map(\.value)
            text.replaceSubrange(words[first].start..<words[last].end, with: digits)
            words = EnglishWords(text)
            k += 1
        }
    }

    /// The runs of lower-case letters in the text, where they are: words are split by a
    /// space or a hyphen.
    struct EnglishWords {
        struct Word { var text: String; var start: Int; var end: Int }
        private var words: [Word] = []
        var count: Int { words.count }
        subscript(i: Int) -> Word { words[i] }

        init(_ text: [UInt32]) {
            var i = 0
            while i < text.count {
                guard LatinPinyin.isLetter(text[i]) else { i += 1; continue }
                var j = i
                while j < text.count, LatinPinyin.isLetter(text[j]) { j += 1 }
                var scalars = String.UnicodeScalarView()
                for c in text[i..<j] { if let u = Unicode.Scalar(c) { scalars.append(u) } }
                words.append(Word(text: String(scalars), start: i, end: j))
                i = j
            }
        }
    }
}
