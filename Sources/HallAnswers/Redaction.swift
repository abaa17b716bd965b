/// Removes what identifies a visitor from text that will be logged, stored or echoed:
/// mainland ID card numbers (17 digits and a check digit or X) and mobile numbers
/// (11 digits starting 1[3-9]), also when spoken with spaces or dashes between digits.
/// Pure; works on the text as received, before normalisation.
public enum Redaction {
    public static let idCardMark = "[身份证号]"
    public static let phoneMark = "[手机号]"

    public static func redact(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard isDigit(scalars[i]) || isFullWidthDigit(scalars[i]) else {
                out.append(scalars[i])
                i += 1
                continue
            }
            // A run of digits, allowing single spaces or dashes between them; a trailing X
            // belongs to an ID number.
            var digits: [UInt8] = []
            var j = i
            var end = i
            while j < scalars.count {
                if let d = digitValue(scalars[j]) {
                    digits.append(d)
                    j += 1
                    end = j
                } else if (scalars[j] == " " || scalars[j] == "-"), j + 1 < scalars.count, digitValue(scalars[j + 1]) != nil, !digits.isEmpty {
                    j += 1
                } else {
                    break
                }
            }
            var hasX = false
            if digits.count == 17, end < scalars.count, scalars[end] == "X" || scalars[end] == "x" || scalars[end] == "Ｘ" {
                hasX = true
                end += 1
            }
            if (digits.count == 18 || (digits.count == 17 && hasX)) {
                out.append(contentsOf: idCardMark.unicodeScalars)
            } else if digits.count == 11, digits[0] == 1, (3...9).contains(digits[1]) {
                out.append(contentsOf: phoneMark.unicodeScalars)
            } else if digits.count >= 15 {
                // Long digit strings are someone's number of some kind: never keep them.
                out.append(contentsOf: "[号码]".unicodeScalars)
            } else {
                for k in i..<end { out.append(scalars[k]) }
            }
            i = end
        }
        return String(out)
    }

    @inline(__always) static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    @inline(__always) static func isFullWidthDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0xFF10 && s.value <= 0xFF19 }

    static func digitValue(_ s: Unicode.Scalar) -> UInt8? {
        if isDigit(s) { return UInt8(s.value - 0x30) }
        if isFullWidthDigit(s) { return UInt8(s.value - 0xFF10) }
        return nil
    }
}
