/// Device-provided text (ids, firmware versions, questions) as it may appear in a log line
/// or a reply: control characters, line breaks and escape sequences are shown as escapes,
/// so a device can neither forge a line nor move a terminal's cursor. Long text is cut.
public enum LogText {
    public static func escaped(_ text: String, limit: Int = 120) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            count += 1
            switch scalar.value {
            case 0x20..<0x7F where scalar != "\\": out.unicodeScalars.append(scalar)
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            // C0 and C1 controls, DEL, and the bidirectional and zero-width format
            // characters that can make a line read differently from what it says.
            case 0..<0x20, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
