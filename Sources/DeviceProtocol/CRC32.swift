/// CRC-32 as in IEEE 802.3 and zlib's `crc32`: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF. Check value: crc32("123456789") = 0xCBF43926.
public enum CRC32 {
    /// Slicing-by-16 tables (Intel's method): table k maps a byte to its CRC contribution k
    /// bytes further on, so sixteen bytes cost sixteen independent lookups and no shifts
    /// between them. Every frame in and out is checksummed: this is on the answer path
    /// (an answer's frame is about a kilobyte).
    static let slices = 16
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: slices * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            tables[index] = value
        }
        for index in 0..<256 {
            for slice in 1..<slices {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var state = CRC32State()
        state.update(bytes)
        return state.value
    }

    /// The CRC-32 of `bytes[range]` without copying them.
    static func checksum(_ bytes: [UInt8], in range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            update(0xFFFF_FFFF, UnsafeBufferPointer(rebasing: buffer[range])) ^ 0xFFFF_FFFF
        }
    }

    /// Runs the (pre-inverted) register over `buffer`.
    static func update(_ register: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = register
        tables.withUnsafeBufferPointer { t in
            var index = 0
            let count = buffer.count
            while count - index >= 16 {
                let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                let first = t[15 * 256 + Int(low & 0xFF)] ^ t[14 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[13 * 256 + Int((low >> 16) & 0xFF)] ^ t[12 * 256 + Int(low >> 24)]
                let second = t[11 * 256 + Int(buffer[index + 4])] ^ t[10 * 256 + Int(buffer[index + 5])]
                    ^ t[9 * 256 + Int(buffer[index + 6])] ^ t[8 * 256 + Int(buffer[index + 7])]
                let third = t[7 * 256 + Int(buffer[index + 8])] ^ t[6 * 256 + Int(buffer[index + 9])]
                    ^ t[5 * 256 + Int(buffer[index + 10])] ^ t[4 * 256 + Int(buffer[index + 11])]
                let fourth = t[3 * 256 + Int(buffer[index + 12])] ^ t[2 * 256 + Int(buffer[index + 13])]
                    ^ t[1 * 256 + Int(buffer[index + 14])] ^ t[Int(buffer[index + 15])]
                crc = first ^ second ^ third ^ fourth
                index += 16
            }
            if count - index >= 8 {
                let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(buffer[index + 4])] ^ t[2 * 256 + Int(buffer[index + 5])]
                    ^ t[1 * 256 + Int(buffer[index + 6])] ^ t[Int(buffer[index + 7])]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }
}

/// A running CRC-32, for data that arrives in pieces.
public struct CRC32State: Sendable {
    private var crc: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        if let done = bytes.withContiguousStorageIfAvailable({ CRC32.update(crc, $0) }) {
            crc = done
            return
        }
        CRC32.tables.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
    }

    /// The CRC of everything passed to `update` so far.
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

extension CRC32 {
    /// The raw CRC-32 registers (zero start, no final inversion) of a buffer's prefixes,
    /// computed as far as asked, one byte step each. The CRC is linear over GF(2), so the
    /// checksum of any range [a, b) follows from the registers at a and b and the operator
    /// of b − a zero bytes: O(1) per range however long, instead of O(b − a).
    struct PrefixRegisters: Sendable {
        /// registers[i]: after bytes[0..<i]. Relative to the buffer's start; the formula does
        /// not depend on where the registers started, so dropping a prefix only drops entries.
        private var registers: [UInt32] = [0]

        mutating func removeAll() { registers.removeAll(keepingCapacity: true); registers.append(0) }

        /// The buffer lost its first `count` bytes.
        mutating func removeFirst(_ count: Int) {
            let drop = min(count, registers.count - 1)
            registers.removeFirst(drop)
            if drop < count { registers = [0] }  // never computed that far: start afresh
        }

        /// The CRC-32 of `bytes[range]`, as `CRC32.checksum` computes it.
        mutating func checksum(_ bytes: [UInt8], in range: Range<Int>, stepped: inout Int) -> UInt32 {
            let length = range.count
            guard length <= CRC32.maxZeroRun else {
                stepped += length
                return CRC32.checksum(bytes, in: range)
            }
            stepped += max(0, range.upperBound + 1 - registers.count)
            extend(over: bytes, to: range.upperBound)
            // Register after the range from the standard start (~0): the start's register
            // carried over `length` zero bytes, plus what the range itself contributes.
            let start = 0xFFFF_FFFF ^ registers[range.lowerBound]
            return ~(CRC32.zeros(length, applied: start) ^ registers[range.upperBound])
        }

        private mutating func extend(over bytes: [UInt8], to end: Int) {
            let known = registers.count
            guard known <= end else { return }
            var crc = registers[known - 1]
            // Grown once, then filled: an append per byte checks capacity and uniqueness each time.
            registers.append(contentsOf: repeatElement(0, count: end + 1 - known))
            registers.withUnsafeMutableBufferPointer { r in
                CRC32.tables.withUnsafeBufferPointer { t in
                    bytes.withUnsafeBufferPointer { b in
                        var index = known - 1
                        // Four registers at a time, each from the register before the four
                        // (table k carries a byte k bytes on): independent look-ups instead of
                        // a chain of four, the same values as one byte at a time.
                        while end - index >= 4 {
                            let x = crc ^ (UInt32(b[index]) | UInt32(b[index + 1]) << 8
                                | UInt32(b[index + 2]) << 16 | UInt32(b[index + 3]) << 24)
                            let x0 = Int(x & 0xFF), x1 = Int((x >> 8) & 0xFF), x2 = Int((x >> 16) & 0xFF), x3 = Int(x >> 24)
                            r[index + 1] = t[x0] ^ (crc >> 8)
                            r[index + 2] = t[256 + x0] ^ t[x1] ^ (crc >> 16)
                            r[index + 3] = t[512 + x0] ^ t[256 + x1] ^ t[x2] ^ (crc >> 24)
                            crc = t[768 + x0] ^ t[512 + x1] ^ t[256 + x2] ^ t[x3]
                            r[index + 4] = crc
                            index += 4
                        }
                        while index < end {
                            crc = t[Int((crc ^ UInt32(b[index])) & 0xFF)] ^ (crc >> 8)
                            r[index + 1] = crc
                            index += 1
                        }
                    }
                }
            }
        }
    }

    /// The longest range a frame's CRC covers (version through the last payload byte).
    static let maxZeroRun = FrameLayout.maxFrameSize

    /// Column j of the operator "run n zero bytes through the register" is that run applied
    /// to the register 1 << j; the operator for n + 1 is one more zero byte after n.
    static let zeroOperators: [UInt32] = {
        var columns = [UInt32](repeating: 0, count: (maxZeroRun + 1) * 32)
        for j in 0..<32 { columns[j] = 1 << UInt32(j) }
        for n in 1...maxZeroRun {
            for j in 0..<32 {
                let r = columns[(n - 1) * 32 + j]
                columns[n * 32 + j] = tables[Int(r & 0xFF)] ^ (r >> 8)
            }
        }
        return columns
    }()

    /// `register` after `count` zero bytes (count ≤ maxZeroRun).
    static func zeros(_ count: Int, applied register: UInt32) -> UInt32 {
        var result: UInt32 = 0
        var bits = register
        var j = 0
        zeroOperators.withUnsafeBufferPointer { columns in
            let base = count * 32
            while bits != 0 {
                if bits & 1 == 1 { result ^= columns[base + j] }
                bits >>= 1
                j += 1
            }
        }
        return result
    }
}

