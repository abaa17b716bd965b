/// The frame every message travels in, on serial and TCP alike (PROTOCOL.md §2):
///
///     A5 5A | version u8 | flags u8 | type u8 | sequence u16 | length u16 | payload | CRC-32 u32
///
/// Multi-byte integers are little-endian. The CRC covers version through the end of the payload.
public struct Frame: Sendable, Hashable {
    public var version: UInt8
    public var flags: FrameFlags
    /// The message type (`MessageType` for the ones version 1 knows).
    public var type: UInt8
    public var sequence: UInt16
    public var payload: [UInt8]

    public init(version: UInt8 = FrameLayout.version, flags: FrameFlags = [], type: UInt8, sequence: UInt16, payload: [UInt8]) {
        self.version = version
        self.flags = flags
        self.type = type
        self.sequence = sequence
        self.payload = payload
    }
}

/// Frame flag bits. Bits 2–7 are reserved: senders send 0, receivers ignore them
/// (and a decoded frame keeps them, so it re-encodes to the same bytes).
public struct FrameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The receiver must answer with ack (or nak) carrying this frame's sequence.
    public static let ackRequested = FrameFlags(rawValue: 1 << 0)
    /// A repeat of an earlier frame with the same sequence, sent because no ack came.
    public static let retransmit = FrameFlags(rawValue: 1 << 1)
}

/// The fixed numbers of the framing.
public enum FrameLayout {
    public static let syncFirst: UInt8 = 0xA5
    public static let syncSecond: UInt8 = 0x5A
    public static let version: UInt8 = 1
    /// Sync (2), version, flags, type, sequence (2), length (2).
    public static let headerSize = 9
    /// The CRC-32.
    public static let trailerSize = 4
    public static let maxPayload = 1024
    /// 1037 bytes: the most a receiver ever has to hold.
    public static let maxFrameSize = headerSize + maxPayload + trailerSize
    /// Offsets within a frame.
    static let versionOffset = 2
    static let flagsOffset = 3
    static let typeOffset = 4
    static let sequenceOffset = 5
    static let lengthOffset = 7
}

public enum FrameCodec {
    /// The bytes of `frame` on the wire. The payload must not exceed `FrameLayout.maxPayload`
    /// (receivers drop longer frames as corrupt); `MessageCodec.frame` checks that first.
    public static func encode(_ frame: Frame) -> [UInt8] {
        precondition(frame.payload.count <= FrameLayout.maxPayload, "frame payload of \(frame.payload.count) bytes exceeds the protocol's maximum")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(FrameLayout.headerSize + frame.payload.count + FrameLayout.trailerSize)
        bytes.append(FrameLayout.syncFirst)
        bytes.append(FrameLayout.syncSecond)
        bytes.append(frame.version)
        bytes.append(frame.flags.rawValue)
        bytes.append(frame.type)
        bytes.appendLittleEndian(frame.sequence)
        bytes.appendLittleEndian(UInt16(frame.payload.count))
        bytes.append(contentsOf: frame.payload)
        bytes.appendLittleEndian(CRC32.checksum(bytes, in: FrameLayout.versionOffset..<bytes.count))
        return bytes
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var remaining = value.littleEndian
        Swift.withUnsafeBytes(of: &remaining) { append(contentsOf: $0) }
    }

    /// The little-endian integer at `offset`; the caller has checked the bounds.
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(truncatingIfNeeded: self[offset + index]) << (8 * index)
        }
        return value
    }
}
