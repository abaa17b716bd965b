import HallAnswers

/// The text the log keeps of a question: redacted, normalised, redacted again. Runs on
/// the log's writer thread, never on the answer path.
///
/// 1. `Redaction.redact` on the question as received (ID card and mobile numbers, also
///    spoken with spaces or dashes, become `[身份证号]`, `[手机号]`, `[号码]`);
/// 2. the hall's normaliser, with the marks standing in as plain lower-case words it
///    leaves alone (so they come out as they went in, brackets included);
/// 3. clause breaks (U+001F, or the `|` that `IntentMatcher.normalize` shows them as)
///    become ", " after a Latin letter or digit and "，" otherwise;
/// 4. `Redaction.redact` once more, in case normalisation made a number out of what was
///    not one before (full-width digits, Chinese numerals).
public enum StoredText {
    static let marks = [(Redaction.idCardMark, "qxqidcardqxq"), (Redaction.phoneMark, "qxqphoneqxq"), ("[号码]", "qxqnumberqxq")]

    public static func make(_ question: String, normalize: (String) -> String) -> String {
        var text = Redaction.redact(question)
        // Most questions hold no number: then there is no mark to protect.
        let marked = text.unicodeScalars.contains("[")
        if marked { for (mark, word) in marks { text = text.replacing(mark, with: word) } }
        text = normalize(text)
        if marked { for (mark, word) in marks { text = text.replacing(word, with: mark) } }
        return Redaction.redact(clauseBreaks(text))
    }

    /// Clause breaks as readable punctuation: "社保|医保" → "社保，医保".
    static func clauseBreaks(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "|" || scalar.value == 0x1F {
                if let last = out.last, last.isASCII, last.properties.isAlphabetic || (0x30...0x39).contains(last.value) {
                    out.append(contentsOf: ", ".unicodeScalars)
                } else {
                    out.append("，")
                }
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
