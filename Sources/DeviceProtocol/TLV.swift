/// Payload fields (PROTOCOL.md §4): tag u8, length u16 little-endian, value.

/// Builds a payload field by field.
struct TLVWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ tag: UInt8, _ value: UInt8) { field(tag, [value]) }

    mutating func u16(_ tag: UInt8, _ value: UInt16) { integer(tag, value) }

    mutating func u32(_ tag: UInt8, _ value: UInt32) { integer(tag, value) }

    mutating func i32(_ tag: UInt8, _ value: Int32) { integer(tag, value) }

    mutating func string(_ tag: UInt8, _ value: String) { field(tag, Array(value.utf8)) }

    mutating func field(_ tag: UInt8, _ value: [UInt8]) {
        // Values beyond u16 cannot be framed at all; MessageCodec.validate reports far smaller ones.
        precondition(value.count <= Int(UInt16.max), "a field value of \(value.count) bytes cannot be encoded")
        bytes.append(tag)
        bytes.appendLittleEndian(UInt16(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func integer<T: FixedWidthInteger>(_ tag: UInt8, _ value: T) {
        bytes.append(tag)
        bytes.appendLittleEndian(UInt16(MemoryLayout<T>.size))
        bytes.appendLittleEndian(value)
    }
}

/// A set of field tags below 64 (every v1 tag is), as bits: decoding builds several per
/// payload, and a `Set` would allocate each time.
struct TagSet: ExpressibleByArrayLiteral {
    private let bits: UInt64

    init(arrayLiteral tags: UInt8...) {
        var bits: UInt64 = 0
        for tag in tags {
            precondition(tag < 64, "tag sets hold tags below 64")
            bits |= 1 << UInt64(tag)
        }
        self.bits = bits
    }

    func contains(_ tag: UInt8) -> Bool { tag < 64 && bits & (1 << UInt64(tag)) != 0 }
}

/// The fields of a payload (or of a nested field), checked against one message's tag table.
/// Unknown tags are skipped; a known tag that is not repeatable may appear once.
struct TLVFields {
    /// The known fields, in order of appearance: tag and the range of its value in `bytes`.
    private var entries: [(tag: UInt8, value: Range<Int>)] = []
    private let bytes: [UInt8]

    init(_ bytes: [UInt8], in whole: Range<Int>? = nil, repeatable: TagSet = [], known: TagSet) throws(MessageDecodeError) {
        self.bytes = bytes
        let range = whole ?? 0..<bytes.count
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard range.upperBound - offset >= 3 else { throw .malformedPayload(.truncatedField(offset: offset)) }
            let tag = bytes[offset]
            let length = Int(bytes.littleEndian(UInt16.self, at: offset + 1))
            let valueStart = offset + 3
            guard range.upperBound - valueStart >= length else { throw .malformedPayload(.truncatedField(offset: offset)) }
            if known.contains(tag) {
                let earlier = count(tag)
                if earlier > 0 && !repeatable.contains(tag) { throw .malformedPayload(.duplicateField(tag: tag)) }
                if earlier >= ProtocolLimits.maxListItems { throw .malformedPayload(.tooManyItems(tag: tag)) }
                entries.append((tag, valueStart..<(valueStart + length)))
            }
            offset = valueStart + length
        }
    }

    private func count(_ tag: UInt8) -> Int {
        var count = 0
        for entry in entries where entry.tag == tag { count += 1 }
        return count
    }

    private func valueRanges(_ tag: UInt8) -> [Range<Int>] {
        entries.compactMap { $0.tag == tag ? $0.value : nil }
    }

    func has(_ tag: UInt8) -> Bool { entries.contains { $0.tag == tag } }

    func u8(_ tag: UInt8) throws(MessageDecodeError) -> UInt8 { try integer(tag) }
    func u16(_ tag: UInt8) throws(MessageDecodeError) -> UInt16 { try integer(tag) }
    func u32(_ tag: UInt8) throws(MessageDecodeError) -> UInt32 { try integer(tag) }
    func i32(_ tag: UInt8) throws(MessageDecodeError) -> Int32 { try integer(tag) }

    func optionalI32(_ tag: UInt8, default value: Int32) throws(MessageDecodeError) -> Int32 {
        has(tag) ? try integer(tag) : value
    }

    func string(_ tag: UInt8) throws(MessageDecodeError) -> String {
        try stringValue(tag, try only(tag))
    }

    func optionalString(_ tag: UInt8) throws(MessageDecodeError) -> String {
        has(tag) ? try string(tag) : ""
    }

    func strings(_ tag: UInt8) throws(MessageDecodeError) -> [String] {
        var values: [String] = []
        for range in valueRanges(tag) { values.append(try stringValue(tag, range)) }
        return values
    }

    /// A byte string of exactly `size` bytes.
    func bytes(_ tag: UInt8, size: Int) throws(MessageDecodeError) -> [UInt8] {
        let range = try only(tag)
        guard range.count == size else { throw .malformedPayload(.wrongSize(tag: tag, size: range.count)) }
        return Array(bytes[range])
    }

    /// The nested fields of each occurrence of `tag`.
    func nested(_ tag: UInt8, known: TagSet) throws(MessageDecodeError) -> [TLVFields] {
        var values: [TLVFields] = []
        for range in valueRanges(tag) { values.append(try TLVFields(bytes, in: range, known: known)) }
        return values
    }

    private func only(_ tag: UInt8) throws(MessageDecodeError) -> Range<Int> {
        guard let range = entries.first(where: { $0.tag == tag })?.value else { throw .malformedPayload(.missingField(tag: tag)) }
        return range
    }

    private func integer<T: FixedWidthInteger>(_ tag: UInt8) throws(MessageDecodeError) -> T {
        let range = try only(tag)
        guard range.count == MemoryLayout<T>.size else { throw .malformedPayload(.wrongSize(tag: tag, size: range.count)) }
        return bytes.littleEndian(T.self, at: range.lowerBound)
    }

    private func stringValue(_ tag: UInt8, _ range: Range<Int>) throws(MessageDecodeError) -> String {
        guard range.count <= ProtocolLimits.maxStringBytes else { throw .malformedPayload(.tooLong(tag: tag, size: range.count)) }
        guard let value = String(validating: bytes[range], as: UTF8.self) else { throw .malformedPayload(.invalidUTF8(tag: tag)) }
        return value
    }
}
