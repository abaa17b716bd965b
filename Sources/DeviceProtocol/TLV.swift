#if canImport(Glibc)
import Glibc
#endif

/// Payload fields (PROTOCOL.md §4): tag u8, length u16 little-endian, value.

/// Builds a payload field by field, straight into one buffer (nested fields too: their
/// length is patched in after them). A counting writer only adds up the size, so a message
/// can be sized before it is built.
struct TLVWriter {
    private(set) var bytes: [UInt8] = []
    /// Bytes written (or counted) so far, prefix included.
    private(set) var size = 0
    private let countOnly: Bool

    init() { countOnly = false }

    /// A writer that only counts.
    static func counting() -> TLVWriter { TLVWriter(countOnly: true) }

    private init(countOnly: Bool) { self.countOnly = countOnly }

    /// A writer whose buffer starts with `prefix` (a frame header) and has room for `capacity`.
    init(prefix: [UInt8], capacity: Int) {
        countOnly = false
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: prefix)
        size = prefix.count
    }

    mutating func u8(_ tag: UInt8, _ value: UInt8) {
        header(tag, 1)
        if !countOnly { bytes.append(value) }
    }

    mutating func u16(_ tag: UInt8, _ value: UInt16) { integer(tag, value) }

    mutating func u32(_ tag: UInt8, _ value: UInt32) { integer(tag, value) }

    mutating func i32(_ tag: UInt8, _ value: Int32) { integer(tag, value) }

    mutating func string(_ tag: UInt8, _ value: String) {
        let utf8 = value.utf8
        header(tag, utf8.count)
        if !countOnly { bytes.append(contentsOf: utf8) }
    }

    mutating func field(_ tag: UInt8, _ value: [UInt8]) {
        header(tag, value.count)
        if !countOnly { bytes.append(contentsOf: value) }
    }

    /// A field whose value is itself fields.
    mutating func nested(_ tag: UInt8, _ body: (inout TLVWriter) -> Void) {
        let start = size
        header(tag, 0)
        body(&self)
        let length = size - start - 3
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        if !countOnly {
            bytes[start + 1] = UInt8(truncatingIfNeeded: length)
            bytes[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
        }
    }

    /// Overwrites two bytes already written (a frame's length field).
    mutating func patchLittleEndian(_ value: UInt16, at offset: Int) {
        guard !countOnly else { return }
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    mutating func appendLittleEndian(_ value: UInt32) {
        size += 4
        if !countOnly { bytes.appendLittleEndian(value) }
    }

    private mutating func header(_ tag: UInt8, _ length: Int) {
        // Values beyond u16 cannot be framed at all; MessageCodec.validate reports far smaller ones.
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        size += 3 + length
        guard !countOnly else { return }
        bytes.append(tag)
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
    }

    private mutating func integer<T: FixedWidthInteger>(_ tag: UInt8, _ value: T) {
        header(tag, MemoryLayout<T>.size)
        if !countOnly { bytes.appendLittleEndian(value) }
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
        var counts = InlineArray<64, UInt16>(repeating: 0)
        try Self.walk(bytes, whole ?? 0..<bytes.count, repeatable: repeatable, known: known, counts: &counts) { tag, value in
            entries.append((tag, value))
        }
    }

    /// Walks the fields in `range`, checking framing, duplicates and list sizes, and hands each
    /// known field to `visit`. Known tags are below 64 (`TagSet`).
    @inline(__always)
    static func walk(_ bytes: [UInt8], _ range: Range<Int>, repeatable: TagSet, known: TagSet, counts: inout InlineArray<64, UInt16>,
                     visit: (UInt8, Range<Int>) -> Void) throws(MessageDecodeError) {
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard range.upperBound - offset >= 3 else { throw .malformedPayload(.truncatedField(offset: offset)) }
            let tag = bytes[offset]
            let length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8
            let valueStart = offset + 3
            guard range.upperBound - valueStart >= length else { throw .malformedPayload(.truncatedField(offset: offset)) }
            if known.contains(tag) {
                let earlier = Int(counts[Int(tag)])
                if earlier > 0 && !repeatable.contains(tag) { throw .malformedPayload(.duplicateField(tag: tag)) }
                if earlier >= ProtocolLimits.maxListItems { throw .malformedPayload(.tooManyItems(tag: tag)) }
                counts[Int(tag)] = UInt16(earlier + 1)
                visit(tag, valueStart..<(valueStart + length))
            }
            offset = valueStart + length
        }
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
        for entry in entries where entry.tag == tag { values.append(try stringValue(tag, entry.value)) }
        return values
    }

    /// A byte string of exactly `size` bytes.
    func bytes(_ tag: UInt8, size: Int) throws(MessageDecodeError) -> [UInt8] {
        let range = try only(tag)
        guard range.count == size else { throw .malformedPayload(.wrongSize(tag: tag, size: range.count)) }
        return Array(bytes[range])
    }

    /// Each occurrence of `tag`'s value range, for callers that parse nested fields in place.
    func forEach(_ tag: UInt8, _ body: (Range<Int>) throws(MessageDecodeError) -> Void) throws(MessageDecodeError) {
        for entry in entries where entry.tag == tag { try body(entry.value) }
    }

    var payload: [UInt8] { bytes }

    /// A string value at `range` of `bytes`, checked as the decoder checks every string.
    static func string(_ bytes: [UInt8], _ tag: UInt8, _ range: Range<Int>) throws(MessageDecodeError) -> String {
        guard range.count <= ProtocolLimits.maxStringBytes else { throw .malformedPayload(.tooLong(tag: tag, size: range.count)) }
        // `String(decoding:)` is the fast, specialised path; it repairs bad UTF-8, so a value
        // that does not come back byte for byte was not valid.
        let value = bytes.withUnsafeBufferPointer { buffer -> String? in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            guard let base = slice.baseAddress, !slice.isEmpty else { return "" }
            var decoded = String(decoding: slice, as: UTF8.self)
            guard decoded.utf8.count == slice.count else { return nil }
            return decoded.withUTF8 { memcmp($0.baseAddress!, base, slice.count) == 0 } ? decoded : nil
        }
        guard let value else { throw .malformedPayload(.invalidUTF8(tag: tag)) }
        return value
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
        try Self.string(bytes, tag, range)
    }
}
