/// CRC-32 as in IEEE 802.3 and zlib's `crc32`: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF. Check value: crc32("123456789") = 0xCBF43926.
public enum CRC32 {
    /// Byte-at-a-time lookup table, built once on first use.
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var state = CRC32State()
        state.update(bytes)
        return state.value
    }

    /// The CRC-32 of `bytes[range]` without copying them.
    static func checksum(_ bytes: [UInt8], in range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc: UInt32 = 0xFFFF_FFFF
            table.withUnsafeBufferPointer { table in
                for index in range {
                    crc = table[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                }
            }
            return crc ^ 0xFFFF_FFFF
        }
    }
}

/// A running CRC-32, for data that arrives in pieces.
public struct CRC32State: Sendable {
    private var crc: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let table = CRC32.table
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
    }

    /// The CRC of everything passed to `update` so far.
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
