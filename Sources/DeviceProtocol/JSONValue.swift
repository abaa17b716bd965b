/// JSON values as the device API's JSON form reads and writes them (firmware-protocol/JSON.md).
///
/// A reader of its own rather than Foundation's, because the form's rules need what a general
/// reader hides or does differently: every member of an object in order, duplicates included
/// (a known key twice is malformed, an unknown one ignored); numbers as their text, so an
/// integer is read exactly, `92.0` is told from `92`, and `1e999999` overflows nothing; strings
/// that must be Unicode (no lone surrogate escapes); a fixed nesting limit; and work linear in
/// the text, with no recursion past that limit.

/// A JSON value.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its text (RFC 8259 grammar, already checked): read it with the field's type.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object: its members in the order written, a key repeated as often as it was.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    /// What an object holds under one key.
    public enum Lookup: Sendable, Hashable {
        case absent
        case value(JSONValue)
        /// The key appears more than once.
        case duplicate
    }

    public func lookup(_ key: String) -> Lookup {
        var found: JSONValue?
        for member in members where member.key == key {
            if found != nil { return .duplicate }
            found = member.value
        }
        return found.map(Lookup.value) ?? .absent
    }
}

/// Why a text is not a JSON text this API reads. Such a text is dropped, as a frame whose CRC
/// fails is (JSON.md §5); `reason` is the vectors' name for it.
public enum JSONTextProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Over the receiver's limit, in UTF-8 bytes. The receiver closes the connection (1009).
    case tooLarge(bytes: Int, limit: Int)
    /// Not one JSON value (RFC 8259), or a string that is not Unicode; `offset` in UTF-8 bytes.
    case invalidJSON(offset: Int, reason: String)
    /// Objects and arrays nested deeper than the limit.
    case tooDeep(offset: Int, limit: Int)
    /// Not an object with a `seq` and a well-formed `ackRequested`: nothing to answer with.
    case envelope(String)

    public var reason: String {
        switch self {
        case .tooLarge: "tooLarge"
        case .invalidJSON: "invalidJSON"
        case .tooDeep: "tooDeep"
        case .envelope: "envelope"
        }
    }

    public var description: String {
        switch self {
        case let .tooLarge(bytes, limit): "text of \(bytes) bytes, over the limit of \(limit)"
        case let .invalidJSON(offset, reason): "not JSON at byte \(offset): \(reason)"
        case let .tooDeep(offset, limit): "nested deeper than \(limit) at byte \(offset)"
        case let .envelope(what): "no envelope: \(what)"
        }
    }
}

extension JSONValue {
    /// The default nesting limit of the device API (JSON.md §4): the envelope is level 1.
    public static let maxDepth = 16

    /// Reads one JSON text. Work and memory are linear in its length; nesting past `maxDepth`
    /// is refused where it starts, without reading on.
    public static func parse(_ text: String, maxDepth: Int = JSONValue.maxDepth) throws(JSONTextProblem) -> JSONValue {
        var text = text
        // withUTF8 rethrows untyped errors: carry the typed one out in a Result.
        let result = text.withUTF8 { bytes -> Result<JSONValue, JSONTextProblem> in
            var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
            do throws(JSONTextProblem) { return .success(try parser.document()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Reads one JSON text given as bytes, which must be UTF-8.
    public static func parse(utf8 bytes: some Collection<UInt8>, maxDepth: Int = JSONValue.maxDepth) throws(JSONTextProblem) -> JSONValue {
        // Decoding repairs bad UTF-8, so a text that does not come back byte for byte was not valid.
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { throw .invalidJSON(offset: 0, reason: "not UTF-8") }
        return try parse(text, maxDepth: maxDepth)
    }

    /// The compact text of this value: no spaces, strings escaped only where JSON must (`"`,
    /// `\` and control characters), everything else as UTF-8: the form halld writes, and the
    /// one Python's `json.dumps(ensure_ascii=False, separators=(",", ":"))` writes.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// A recursive-descent reader over UTF-8 bytes that are already known to be valid UTF-8 (a
/// Swift string's). Recursion is bounded by `maxDepth`.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func document() throws(JSONTextProblem) -> JSONValue {
        skipSpace()
        let value = try value(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw invalid("data after the value") }
        return value
    }

    private func invalid(_ reason: String) -> JSONTextProblem { .invalidJSON(offset: index, reason: reason) }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONTextProblem) -> JSONValue {
        guard let byte = peek else { throw invalid("a value expected") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw invalid("a value expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONTextProblem) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw invalid("a value expected") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw invalid("a value expected")
        }
        index += count
    }

    private mutating func enter(_ depth: Int) throws(JSONTextProblem) {
        if depth > maxDepth { throw .tooDeep(offset: index, limit: maxDepth) }
        index += 1
        skipSpace()
    }

    private mutating func object(depth: Int) throws(JSONTextProblem) -> JSONValue {
        try enter(depth)
        var members: [JSONObject.Member] = []
        if peek == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members))
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw invalid("a key expected") }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw invalid("':' expected") }
            index += 1
            skipSpace()
            members.append(JSONObject.Member(key, try value(depth: depth)))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipSpace()
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(members))
            default:
                throw invalid("',' or '}' expected")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONTextProblem) -> JSONValue {
        try enter(depth)
        var items: [JSONValue] = []
        if peek == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipSpace()
            case UInt8(ascii: "]"):
                index += 1
                return .array(items)
            default:
                throw invalid("',' or ']' expected")
            }
        }
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func number() throws(JSONTextProblem) -> String {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else if Self.isDigit(peek) {
            while Self.isDigit(peek) { index += 1 }
        } else {
            throw invalid("a digit expected")
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard Self.isDigit(peek) else { throw invalid("a digit expected") }
            while Self.isDigit(peek) { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard Self.isDigit(peek) else { throw invalid("a digit expected") }
            while Self.isDigit(peek) { index += 1 }
        }
        // A digit right after a leading 0 ("04") is not JSON: the caller sees it as stray data.
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// A string from its opening quote. The input is valid UTF-8, so raw bytes are copied as
    /// they are; escapes are decoded, and a lone surrogate is refused.
    private mutating func string() throws(JSONTextProblem) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw invalid("a control character in a string") }
            index += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0..<0x20:
                throw invalid("a control character in a string")
            default:
                out.append(byte)
                index += 1
            }
        }
        throw invalid("the string does not end")
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONTextProblem) {
        index += 1
        guard let byte = peek else { throw invalid("the string does not end") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw invalid("a lone surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw invalid("a lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw invalid("a lone surrogate")
            }
            Self.appendUTF8(scalar, to: &out)
        default:
            index -= 1
            throw invalid("an unknown escape")
        }
    }

    /// A scalar value (not a surrogate) as UTF-8.
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func hex4() throws(JSONTextProblem) -> UInt32 {
        guard bytes.count - index >= 4 else { throw invalid("four hex digits expected") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[index]) else { throw invalid("four hex digits expected") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

/// The value of one hex digit, either case.
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
