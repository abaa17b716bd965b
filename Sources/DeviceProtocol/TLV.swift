#if canImport(Glibc)
import Glibc
#endif

/// Payload fields (PROTOCOL.md §4): tag u8, length u16 little-endian, value.

/// Where `MessageCodec.write` puts a payload's fields: a growing array, a counter (to size a
/// message before it is built), or memory sized beforehand (a frame being built in place).
protocol PayloadWriter {
    /// Bytes written (or counted) so far.
    var size: Int { get }
    mutating func u8(_ tag: UInt8, _ value: UInt8)
    mutating func u16(_ tag: UInt8, _ value: UInt16)
    mutating func u32(_ tag: UInt8, _ value: UInt32)
    mutating func i32(_ tag: UInt8, _ value: Int32)
    mutating func string(_ tag: UInt8, _ value: String)
    mutating func field(_ tag: UInt8, _ value: [UInt8])
    /// A field whose value is itself fields.
    mutating func nested(_ tag: UInt8, _ body: (inout Self) -> Void)
}

/// Builds a payload field by field, straight into one growing buffer (nested fields too:
/// their length is patched in after them).
struct TLVWriter: PayloadWriter {
    private(set) var bytes: [UInt8] = []
    var size: Int { bytes.count }

    init() {}

    mutating func u8(_ tag: UInt8, _ value: UInt8) {
        header(tag, 1)
        bytes.append(value)
    }

    mutating func u16(_ tag: UInt8, _ value: UInt16) { integer(tag, value) }

    mutating func u32(_ tag: UInt8, _ value: UInt32) { integer(tag, value) }

    mutating func i32(_ tag: UInt8, _ value: Int32) { integer(tag, value) }

    mutating func string(_ tag: UInt8, _ value: String) {
        let utf8 = value.utf8
        header(tag, utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func field(_ tag: UInt8, _ value: [UInt8]) {
        header(tag, value.count)
        bytes.append(contentsOf: value)
    }

    mutating func nested(_ tag: UInt8, _ body: (inout TLVWriter) -> Void) {
        let start = bytes.count
        header(tag, 0)
        body(&self)
        let length = bytes.count - start - 3
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        bytes[start + 1] = UInt8(truncatingIfNeeded: length)
        bytes[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
    }

    private mutating func header(_ tag: UInt8, _ length: Int) {
        // Values beyond u16 cannot be framed at all; MessageCodec.validate reports far smaller ones.
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        bytes.append(tag)
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
    }

    private mutating func integer<T: FixedWidthInteger>(_ tag: UInt8, _ value: T) {
        header(tag, MemoryLayout<T>.size)
        bytes.appendLittleEndian(value)
    }
}

/// Only adds up a payload's size, so a message can be sized (and its frame allocated once)
/// before it is built.
struct TLVCounter: PayloadWriter {
    private(set) var size = 0

    mutating func u8(_ tag: UInt8, _ value: UInt8) { header(1) }
    mutating func u16(_ tag: UInt8, _ value: UInt16) { header(2) }
    mutating func u32(_ tag: UInt8, _ value: UInt32) { header(4) }
    mutating func i32(_ tag: UInt8, _ value: Int32) { header(4) }
    mutating func string(_ tag: UInt8, _ value: String) { header(value.utf8.count) }
    mutating func field(_ tag: UInt8, _ value: [UInt8]) { header(value.count) }

    mutating func nested(_ tag: UInt8, _ body: (inout TLVCounter) -> Void) {
        let start = size
        header(0)
        body(&self)
        let length = size - start - 3
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
    }

    private mutating func header(_ length: Int) {
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        size += 3 + length
    }
}

/// Writes a payload into memory sized by `TLVCounter`: a frame is built in place in the
/// array that goes to the transport, without a capacity check and a copy per field. Every
/// write is bounds-checked against the room it was given.
struct TLVBufferWriter: PayloadWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var size = 0

    init(_ base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    mutating func u8(_ tag: UInt8, _ value: UInt8) {
        header(tag, 1)
        base[size] = value
        size += 1
    }

    mutating func u16(_ tag: UInt8, _ value: UInt16) { integer(tag, value) }

    mutating func u32(_ tag: UInt8, _ value: UInt32) { integer(tag, value) }

    mutating func i32(_ tag: UInt8, _ value: Int32) { integer(tag, value) }

    mutating func string(_ tag: UInt8, _ value: String) {
        var value = value
        value.withUTF8 { put(tag, UnsafeRawBufferPointer($0)) }
    }

    mutating func field(_ tag: UInt8, _ value: [UInt8]) {
        value.withUnsafeBytes { put(tag, $0) }
    }

    mutating func nested(_ tag: UInt8, _ body: (inout TLVBufferWriter) -> Void) {
        let start = size
        header(tag, 0)
        body(&self)
        let length = size - start - 3
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        base[start + 1] = UInt8(truncatingIfNeeded: length)
        base[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
    }

    private mutating func put(_ tag: UInt8, _ value: UnsafeRawBufferPointer) {
        header(tag, value.count)
        if let source = value.baseAddress, value.count > 0 {
            (base + size).initialize(from: source.assumingMemoryBound(to: UInt8.self), count: value.count)
        }
        size += value.count
    }

    private mutating func header(_ tag: UInt8, _ length: Int) {
        precondition(length <= Int(UInt16.max), "a field value of \(length) bytes cannot be encoded")
        precondition(size + 3 + length <= capacity, "a payload larger than it was sized")
        base[size] = tag
        base[size + 1] = UInt8(truncatingIfNeeded: length)
        base[size + 2] = UInt8(truncatingIfNeeded: length >> 8)
        size += 3
    }

    private mutating func integer<T: FixedWidthInteger>(_ tag: UInt8, _ value: T) {
        header(tag, MemoryLayout<T>.size)
        withUnsafeBytes(of: value.littleEndian) { bytes in
            for byte in bytes {
                base[size] = byte
                size += 1
            }
        }
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
        // Room for a small message's fields at once (a field is at least 3 bytes): growing
        // from empty reallocates at 1, 2, 4 and 8 fields.
        entries.reserveCapacity(min(16, range.count / 3))
        var counts = InlineArray<64, UInt16>(repeating: 0)
        try Self.walk(bytes, range, repeatable: repeatable, known: known, counts: &counts) { tag, value in
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
