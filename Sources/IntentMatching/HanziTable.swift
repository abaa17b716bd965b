/// Toneless pinyin and traditional-to-simplified folding for U+3400...U+9FFF (CJK Extension A
/// and the Unified block), so that 護照, 护照 and a recogniser's 户照 can be compared.
///
/// The data lives in the generated `HanziTables` string literals (scripts/gen-hanzi-tables.py).
/// It is decoded once into dense arrays, so a lookup is a subtraction, a bounds check and a load.
public struct HanziTable: Sendable {
    /// Decoded on first use; a `static let` initialiser runs once and is thread-safe.
    public static let shared = HanziTable()

    /// Syllable names by id; index 0 is "" (no reading).
    public let syllables: [String]

    /// Syllable id of each code point from `firstScalar`, 0 when Unihan gives no reading.
    @usableFromInline let syllableIDs: [UInt16]

    /// Simplified form of each code point from `firstScalar`; the code point itself when
    /// it has none.
    @usableFromInline let simplifiedScalars: [UInt32]

    @inlinable static var firstScalar: UInt32 { 0x3400 }
    @inlinable static var lastScalar: UInt32 { 0x9FFF }

    init() {
        let count = Int(Self.lastScalar - Self.firstScalar) + 1
        syllables = [""] + HanziTables.syllables.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        syllableIDs = Self.decodeReadings(count: count)
        simplifiedScalars = Self.decodePairs(count: count)
    }

    /// The simplified form of `scalar`, or `scalar` itself when it is outside the table's
    /// range or is not a traditional character.
    @inlinable public func simplified(_ scalar: UInt32) -> UInt32 {
        // Below the range the subtraction wraps to a huge index and fails the check.
        let index = scalar &- Self.firstScalar
        guard index < UInt32(simplifiedScalars.count) else { return scalar }
        return simplifiedScalars[Int(index)]
    }

    /// The toneless syllable id of `scalar` as given (simplify first to fold traditional
    /// forms); 0 when it has no reading or is outside the table's range.
    @inlinable public func syllable(_ scalar: UInt32) -> UInt16 {
        let index = scalar &- Self.firstScalar
        guard index < UInt32(syllableIDs.count) else { return 0 }
        return syllableIDs[Int(index)]
    }

    /// Toneless pinyin of each character of `text` that has a reading, after simplifying;
    /// other characters are skipped. `pinyin(of: "護照 A")` is `["hu", "zhao"]`. For
    /// explanations and tests, not the matching hot path.
    public func pinyin(of text: String) -> [String] {
        text.unicodeScalars.compactMap { scalar in
            let id = syllable(simplified(scalar.value))
            return id == 0 ? nil : syllables[Int(id)]
        }
    }

    /// Two base-64 digits per code point, see `HanziTables.readings`.
    private static func decodeReadings(count: Int) -> [UInt16] {
        var text = HanziTables.readings
        return text.withUTF8 { bytes in
            [UInt16](unsafeUninitializedCapacity: count) { ids, initialized in
                var i = 0
                while i < bytes.count, initialized < count {
                    let high = bytes[i]
                    if high == UInt8(ascii: "\n") {
                        i += 1
                        continue
                    }
                    precondition(i + 1 < bytes.count, "HanziTables.readings is truncated")
                    ids[initialized] = UInt16(high &- 0x30) << 6 | UInt16(bytes[i + 1] &- 0x30)
                    initialized += 1
                    i += 2
                }
                // The generator and this decoder must agree; anything else is a build bug.
                precondition(initialized == count, "HanziTables.readings has the wrong length")
            }
        }
    }

    /// Alternating traditional/simplified characters, see `HanziTables.traditionalPairs`.
    /// Every character is in U+3400...U+9FFF, hence three UTF-8 bytes; decoding the bytes
    /// directly is ~40x faster than `unicodeScalars` in debug builds, which tests use.
    private static func decodePairs(count: Int) -> [UInt32] {
        var map = [UInt32](unsafeUninitializedCapacity: count) { identity, initialized in
            for i in 0..<count { identity[i] = firstScalar + UInt32(i) }
            initialized = count
        }
        var text = HanziTables.traditionalPairs
        text.withUTF8 { bytes in
            map.withUnsafeMutableBufferPointer { map in
                var traditional: UInt32?
                var i = 0
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\n") {
                        i += 1
                        continue
                    }
                    precondition(i + 2 < bytes.count && bytes[i] & 0xF0 == 0xE0, "HanziTables.traditionalPairs is malformed")
                    let scalar = UInt32(bytes[i] & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                    i += 3
                    precondition(scalar >= firstScalar && scalar <= lastScalar, "HanziTables.traditionalPairs is out of range")
                    if let source = traditional {
                        map[Int(source - firstScalar)] = scalar
                        traditional = nil
                    } else {
                        traditional = scalar
                    }
                }
                precondition(traditional == nil, "HanziTables.traditionalPairs has an odd length")
            }
        }
        return map
    }
}
