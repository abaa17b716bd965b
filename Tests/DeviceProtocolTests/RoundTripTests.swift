@testable import DeviceProtocol
import XCTest

/// Encode → frame → decode gives back every message; limits and protocol rules.
final class RoundTripTests: XCTestCase {
    func testEveryMessageCaseRoundTrips() throws {
        var generator = SeededGenerator(seed: 42)
        for type in MessageType.allCases {
            for _ in 0..<300 {
                let message = RandomMessages.message(of: type, using: &generator)
                XCTAssertEqual(message.type, type)
                let sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
                let bytes = try MessageCodec.frame(message, sequence: sequence, flags: message.requiresAck ? .ackRequested : [])
                var decoder = FrameDecoder()
                decoder.append(bytes)
                guard case let .frame(frame)? = decoder.next() else { return XCTFail("\(message) did not frame") }
                XCTAssertNil(decoder.next())
                XCTAssertEqual(frame.sequence, sequence)
                XCTAssertEqual(frame.type, type.rawValue)
                XCTAssertEqual(frame.flags.contains(.ackRequested), message.requiresAck)
                let decoded = try MessageCodec.decode(type: frame.type, payload: frame.payload)
                XCTAssertEqual(decoded, message)
                XCTAssertEqual(MessageCodec.encode(decoded).payload, frame.payload, "canonical encoding")
            }
        }
    }

    func testAckRules() {
        let acked: Set<MessageType> = [.query, .answer, .lead, .leadProgress, .recall, .display, .notice]
        var generator = SeededGenerator(seed: 1)
        for type in MessageType.allCases {
            XCTAssertEqual(RandomMessages.message(of: type, using: &generator).requiresAck, acked.contains(type), "\(type)")
        }
    }

    func testUnknownTypeIsReported() {
        XCTAssertThrowsError(try MessageCodec.decode(type: 0x55, payload: [])) { error in
            XCTAssertEqual(error as? MessageDecodeError, .unknownType(0x55))
            XCTAssertEqual((error as? MessageDecodeError)?.nakCode, .unknownType)
        }
    }

    func testMalformedPayloadProblems() {
        func problem(_ type: MessageType, _ payload: [UInt8]) -> PayloadProblem? {
            do {
                _ = try MessageCodec.decode(type: type.rawValue, payload: payload)
                return nil
            } catch {
                if case let .malformedPayload(problem) = error { return problem }
                return nil
            }
        }
        XCTAssertEqual(problem(.ack, []), .missingField(tag: 1))
        XCTAssertEqual(problem(.ack, [1, 2, 0, 4]), .truncatedField(offset: 0))
        XCTAssertEqual(problem(.ack, [1, 1, 0, 4]), .wrongSize(tag: 1, size: 1))
        XCTAssertEqual(problem(.ack, [1, 2, 0, 4, 0, 1, 2, 0, 5, 0]), .duplicateField(tag: 1))
        XCTAssertEqual(problem(.nak, [1, 2, 0, 4, 0, 2, 1, 0, 99]), .invalidValue(tag: 2, value: 99))
        XCTAssertEqual(problem(.recall, [1, 1, 0, 0xFF]), .invalidUTF8(tag: 1))
        XCTAssertEqual(problem(.recall, [1, 0x01, 0x02] + Array(repeating: 0x61, count: 513)), .tooLong(tag: 1, size: 513))
        XCTAssertEqual(problem(.authResult, [1, 1, 0, 2, 2, 2, 0, 5, 0]), .invalidValue(tag: 1, value: 2))
        XCTAssertEqual(problem(.query, [1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4, 1, 0, 101]), .invalidValue(tag: 4, value: 101))
        XCTAssertEqual(problem(.challenge, [1, 3, 0, 1, 2, 3]), .wrongSize(tag: 1, size: 3))
        // The fields added in revision 1.1: authResult code, query newVisitor, notice.
        XCTAssertEqual(problem(.authResult, [1, 1, 0, 0, 2, 2, 0, 0, 0, 4, 1, 0, 11]), .invalidValue(tag: 4, value: 11))
        XCTAssertEqual(problem(.authResult, [1, 1, 0, 0, 2, 2, 0, 0, 0, 4, 2, 0, 8, 0]), .wrongSize(tag: 4, size: 2))
        XCTAssertEqual(problem(.query, [1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4, 1, 0, 9, 5, 1, 0, 2]), .invalidValue(tag: 5, value: 2))
        XCTAssertEqual(problem(.notice, [1, 1, 0, 0]), .invalidValue(tag: 1, value: 0))
        XCTAssertEqual(problem(.notice, [1, 1, 0, 4]), .invalidValue(tag: 1, value: 4))
        XCTAssertEqual(problem(.notice, [2, 1, 0, 0x76]), .missingField(tag: 1))
        XCTAssertEqual(problem(.notice, [1, 1, 0, 1, 1, 1, 0, 2]), .duplicateField(tag: 1))
        // 257 steps of zero length, in a payload of 771 bytes: over the list limit.
        let steps = [UInt8]((0..<257).map { _ in [UInt8(9), 0, 0] }.joined())
        let answerHead: [UInt8] = [1, 4, 0, 1, 0, 0, 0, 2, 1, 0, 1, 5, 0, 0, 6, 0, 0, 7, 0, 0]
        XCTAssertEqual(problem(.answer, answerHead + steps), .tooManyItems(tag: 9))
        XCTAssertNil(problem(.answer, answerHead + steps.dropLast(3)))
    }

    /// A sender written against revision 1.0 leaves out the fields 1.1 added: they take their defaults.
    func testRevisionOnePointZeroPayloadsDecodeWithDefaults() throws {
        // authResult refused, heartbeatSeconds 0, reason "": no tag 4.
        XCTAssertEqual(try MessageCodec.decode(type: 0x04, payload: [1, 1, 0, 0, 2, 2, 0, 0, 0, 3, 0, 0]),
                       .authResult(accepted: false, heartbeatSeconds: 0, reason: "", code: nil))
        // A code of 0 is the same as none.
        XCTAssertEqual(try MessageCodec.decode(type: 0x04, payload: [1, 1, 0, 1, 2, 2, 0, 5, 0, 4, 1, 0, 0]),
                       .authResult(accepted: true, heartbeatSeconds: 5, reason: "", code: nil))
        XCTAssertEqual(try MessageCodec.decode(type: 0x04, payload: [1, 1, 0, 0, 2, 2, 0, 0, 0, 4, 1, 0, 4]),
                       .authResult(accepted: false, heartbeatSeconds: 0, reason: "", code: .rateLimited))
        // query 9, text "", language "", confidence 50: no tag 5.
        XCTAssertEqual(try MessageCodec.decode(type: 0x10, payload: [1, 4, 0, 9, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4, 1, 0, 50]),
                       .query(queryID: 9, text: "", language: "", confidence: 50, newVisitor: false))
        XCTAssertEqual(try MessageCodec.decode(type: 0x31, payload: [1, 1, 0, 3]), .notice(topic: .live, dataVersion: ""))
        // And halld writes every field: code 0 when accepted, newVisitor 0 or 1.
        XCTAssertEqual(MessageCodec.encode(.authResult(accepted: true, heartbeatSeconds: 5, reason: "")).payload,
                       [1, 1, 0, 1, 2, 2, 0, 5, 0, 3, 0, 0, 4, 1, 0, 0])
        XCTAssertEqual(MessageCodec.encode(.query(queryID: 9, text: "", language: "", confidence: 50, newVisitor: true)).payload,
                       [1, 4, 0, 9, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4, 1, 0, 50, 5, 1, 0, 1])
    }

    func testEncodeLimits() {
        let long = String(repeating: "办", count: 171)  // 513 UTF-8 bytes
        XCTAssertThrowsError(try MessageCodec.frame(.recall(reason: long), sequence: 1)) { error in
            XCTAssertEqual(error as? MessageEncodeError, .stringTooLong(tag: 1, bytes: 513))
        }
        XCTAssertThrowsError(try MessageCodec.frame(.challenge(serverNonce: [1, 2]), sequence: 1)) { error in
            XCTAssertEqual(error as? MessageEncodeError, .wrongSize(tag: 1, bytes: 2))
        }
        XCTAssertThrowsError(try MessageCodec.frame(.query(queryID: 1, text: "", language: "", confidence: 101), sequence: 1))
        XCTAssertThrowsError(try MessageCodec.frame(.heartbeat(state: .idle, battery: 150, position: Position()), sequence: 1))
        // Each string within its limit, the whole too big for one frame.
        let steps = Array(repeating: String(repeating: "走", count: 100), count: 4)
        let answer = Answer(queryID: 1, outcome: .route, text: "t", language: "zh", prompt: "p", steps: steps)
        XCTAssertThrowsError(try MessageCodec.frame(.answer(answer), sequence: 1)) { error in
            guard case .payloadTooLarge(let bytes)? = error as? MessageEncodeError else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(bytes, FrameLayout.maxPayload)
        }
    }

    func testSequenceNumbersSkipZero() {
        XCTAssertEqual(SequenceNumber.after(1), 2)
        XCTAssertEqual(SequenceNumber.after(65534), 65535)
        XCTAssertEqual(SequenceNumber.after(65535), 1)
    }

    func testFrameFlagsAndReservedBitsSurvive() {
        let frame = Frame(flags: FrameFlags(rawValue: 0xFF), type: 0x7E, sequence: 0, payload: [1, 2, 0, 4, 0])
        var decoder = FrameDecoder()
        decoder.append(FrameCodec.encode(frame))
        XCTAssertEqual(decoder.next(), .frame(frame))
        XCTAssertTrue(frame.flags.contains([.ackRequested, .retransmit]))
    }
}
