@testable import DeviceProtocol
import XCTest

/// The codec's fast paths give what the plain definitions give: the sized payload is the
/// built one, the framed bytes are the header, payload and CRC laid out by hand, the
/// sliced CRC is the bitwise CRC, and the string check refuses every invalid UTF-8.
final class CodecFastPathTests: XCTestCase {
    func testPayloadSizeIsTheBuiltPayloadsSize() {
        var generator = SeededGenerator(seed: 7)
        for type in MessageType.allCases {
            for _ in 0..<200 {
                let message = RandomMessages.message(of: type, using: &generator)
                XCTAssertEqual(MessageCodec.payloadSize(message), MessageCodec.encode(message).payload.count, "\(message)")
            }
        }
    }

    func testFrameInPlaceEqualsTheFrameCodecsLayout() throws {
        var generator = SeededGenerator(seed: 8)
        for type in MessageType.allCases {
            for _ in 0..<100 {
                let message = RandomMessages.message(of: type, using: &generator)
                let sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
                let flags: FrameFlags = message.requiresAck ? .ackRequested : []
                let (type, payload) = MessageCodec.encode(message)
                guard payload.count <= FrameLayout.maxPayload else { continue }
                let expected = FrameCodec.encode(Frame(flags: flags, type: type, sequence: sequence, payload: payload))
                XCTAssertEqual(try MessageCodec.frame(message, sequence: sequence, flags: flags), expected)
            }
        }
    }

    /// The textbook CRC-32, one bit at a time.
    func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    func testSlicedCRCIsTheBitwiseCRCAtEveryLengthAndOffset() {
        var generator = SeededGenerator(seed: 9)
        let bytes = (0..<1100).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in Array(0...40) + [255, 256, 1023, 1037, 1100] {
            for start in [0, 1, 3, 7] where start + length <= bytes.count {
                let slice = Array(bytes[start..<(start + length)])
                XCTAssertEqual(CRC32.checksum(bytes, in: start..<(start + length)), bitwiseCRC(slice), "length \(length) at \(start)")
                XCTAssertEqual(CRC32.checksum(slice), bitwiseCRC(slice))
                // In pieces, as a running CRC, including a non-contiguous sequence.
                var state = CRC32State()
                state.update(slice.prefix(length / 3))
                state.update(slice.dropFirst(length / 3).lazy.map { $0 })
                XCTAssertEqual(state.value, bitwiseCRC(slice))
            }
        }
    }

    func testStringsAreCheckedAsUTF8() throws {
        func recall(_ value: [UInt8]) throws -> Message {
            try MessageCodec.decode(type: MessageType.recall.rawValue, payload: [1, UInt8(value.count), 0] + value)
        }
        XCTAssertEqual(try recall(Array("回到岗位 ok".utf8)), .recall(reason: "回到岗位 ok"))
        XCTAssertEqual(try recall([]), .recall(reason: ""))
        // Invalid sequences of the same length as their repair (U+FFFD is 3 bytes) too.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE4, 0xBD], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80], [0xC0, 0xAF], [0x61, 0xE4, 0x62]] {
            XCTAssertThrowsError(try recall(bad), "\(bad)") { error in
                XCTAssertEqual(error as? MessageDecodeError, .malformedPayload(.invalidUTF8(tag: 1)))
            }
        }
    }
}
