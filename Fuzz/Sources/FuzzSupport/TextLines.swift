/// How many lines a text has as YAML counts them: libyaml breaks lines at LF, CR, CRLF,
/// NEL, LS and PS, so a diagnostic's line may be past the last LF but never past these.
public func yamlLineCount(_ text: String) -> Int {
    var lines = 1
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n" where previous == "\r": break
        case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
        default: break
        }
        previous = scalar
    }
    return lines
}
