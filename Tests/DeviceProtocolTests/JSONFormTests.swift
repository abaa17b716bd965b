@testable import DeviceProtocol
import Foundation
import XCTest

/// The JSON form beyond the vectors: random messages round-trip, halld's texts are JSON that
/// Foundation reads to the same values, and hostile texts are refused in bounded work.
final class JSONFormTests: XCTestCase {
    func testRandomMessagesRoundTripThroughTheirText() throws {
        var generator = SeededGenerator(seed: 11)
        for type in MessageType.allCases {
            for _ in 0..<300 {
                let message = RandomMessages.message(of: type, using: &generator)
                let sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
                let flags = FrameFlags(rawValue: UInt8.random(in: 0...3, using: &generator))
                let text = try JSONFrameCodec.encode(message, sequence: sequence, flags: flags)
                XCTAssertEqual(JSONFrameCodec.decode(text, maxBytes: JSONFrameCodec.maxTextFromHalld),
                               .frame(JSONFrame(sequence: sequence, flags: flags, message: message)), text)
                // The object alone, and the text of its parse, are the same again.
                let object = MessageJSON.object(message)
                XCTAssertEqual(try MessageJSON.message(from: object), message)
                XCTAssertEqual(try JSONValue.parse(object.jsonText), object)
            }
        }
    }

    /// halld's text is JSON any reader takes: Foundation's parser sees the same keys and values.
    func testFoundationReadsHalldsTexts() throws {
        var generator = SeededGenerator(seed: 12)
        for type in MessageType.allCases {
            for _ in 0..<50 {
                let message = RandomMessages.message(of: type, using: &generator)
                let text = try JSONFrameCodec.encode(message, sequence: 9, flags: .ackRequested)
                let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
                XCTAssertEqual(parsed["seq"] as? Int, 9)
                XCTAssertEqual(parsed["ackRequested"] as? Bool, true)
                let body = parsed["message"] as! [String: Any]
                XCTAssertEqual(body["type"] as? String, type.jsonName)
                guard case let .object(object) = MessageJSON.object(message) else { return XCTFail() }
                XCTAssertEqual(Set(body.keys), Set(object.members.map(\.key)), "\(message)")
                for member in object.members {
                    if case let .string(expected) = member.value { XCTAssertEqual(body[member.key] as? String, expected, member.key) }
                }
            }
        }
    }

    func testHalldsTextEscapesOnlyWhatJSONMust() throws {
        let text = try JSONFrameCodec.encode(.recall(reason: "a\"b\\c\n\t\u{0}\u{1F}\u{7F}/é护🙂"), sequence: 1, flags: .ackRequested)
        XCTAssertEqual(text, #"{"seq":1,"ackRequested":true,"retransmit":false,"message":{"type":"recall","reason":"a\"b\\c\n\t\u0000\u001f"# +
                       "\u{7F}/é护🙂\"}}")
    }

    func testEncoderChecksLimits() {
        let long = String(repeating: "办", count: 171)
        XCTAssertThrowsError(try JSONFrameCodec.encode(.recall(reason: long), sequence: 1)) { error in
            XCTAssertEqual(error as? MessageEncodeError, .stringTooLong(tag: 1, bytes: 513))
        }
        // A long answer is fine in JSON though no binary frame can carry it, up to the text limit.
        let route = (0..<256).map { RoutePoint(node: String(repeating: "n", count: 200), xCentimetres: $0, yCentimetres: 0, level: "L1") }
        let answer = Message.answer(Answer(queryID: 1, outcome: .route, text: "t", language: "zh", prompt: "p", route: route))
        XCTAssertThrowsError(try MessageCodec.frame(answer, sequence: 1))
        XCTAssertThrowsError(try JSONFrameCodec.encode(answer, sequence: 1)) { error in
            guard case let .textTooLarge(bytes, limit)? = error as? MessageEncodeError else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(bytes, limit)
            XCTAssertEqual(limit, JSONFrameCodec.maxTextFromHalld)
        }
        let shorter = Message.answer(Answer(queryID: 1, outcome: .route, text: "t", language: "zh", prompt: "p",
                                            route: Array(route.prefix(100))))
        XCTAssertNoThrow(try JSONFrameCodec.encode(shorter, sequence: 1))
    }

    // MARK: - What is refused, and where

    private func problem(_ text: String) -> PayloadProblem? {
        if case let .refused(_, _, .malformedPayload(problem)) = JSONFrameCodec.decode(text) { return problem }
        return nil
    }

    private func query(_ fields: String) -> String {
        #"{"seq":4,"ackRequested":true,"message":{"type":"query",\#(fields)}}"#
    }

    func testFieldProblemsNameTheirPath() {
        XCTAssertEqual(problem(query(#""queryID":7,"language":"zh","confidence":92"#)), .json(path: "text", .missing))
        XCTAssertEqual(problem(query(#""queryID":7,"text":"a","text":"b","language":"zh","confidence":92"#)),
                       .json(path: "text", .duplicate))
        XCTAssertEqual(problem(query(#""queryID":7,"text":"a","language":"zh","confidence":92.0"#)),
                       .json(path: "confidence", .notAnInteger))
        XCTAssertEqual(problem(query(#""queryID":7,"text":"a","language":"zh","confidence":101"#)),
                       .json(path: "confidence", .outOfRange))
        XCTAssertEqual(problem(query(#""queryID":1\#(String(repeating: "0", count: 5000)),"text":"a","language":"zh","confidence":1"#)),
                       .json(path: "queryID", .outOfRange))
        XCTAssertEqual(problem(query(#""queryID":7,"text":null,"language":"zh","confidence":92"#)),
                       .json(path: "text", .wrongType(expected: "a string")))
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"lead","leadID":1,"destination":"d","route":[{},{"xCentimetres":"1"}]}}"#),
                       .json(path: "route[1].xCentimetres", .wrongType(expected: "an integer")))
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"heartbeat","state":"idle","battery":50,"position":{"level":"a","level":"b"}}}"#),
                       .json(path: "position.level", .duplicate))
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"nak","sequence":1,"code":"none"}}"#),
                       .json(path: "code", .undefinedName("none")))
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"challenge","serverNonce":"0g\#(String(repeating: "0", count: 30))"}}"#),
                       .json(path: "serverNonce", .badHex(expectedBytes: 16)))
        XCTAssertEqual(problem(#"{"seq":1}"#), .json(path: "message", .missing))
        XCTAssertEqual(problem(#"{"seq":1,"message":[]}"#), .json(path: "message", .wrongType(expected: "an object")))
        XCTAssertEqual(problem(#"{"seq":1,"retransmit":0,"message":{"type":"recall"}}"#),
                       .json(path: "retransmit", .wrongType(expected: "a boolean")))
        XCTAssertEqual(problem(#"{"seq":1,"version":256,"message":{"type":"recall"}}"#), .json(path: "version", .outOfRange))
        let items = Array(repeating: "{}", count: 257).joined(separator: ",")
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"lead","leadID":1,"destination":"d","route":[\#(items)]}}"#),
                       .json(path: "route", .tooManyItems(count: 257)))
        XCTAssertEqual(JSONFrameCodec.decode(#"{"seq":3,"ackRequested":true,"message":{"type":"warp"}}"#),
                       .refused(sequence: 3, flags: .ackRequested, error: .unknownTypeName("warp")))
        XCTAssertEqual(JSONFrameCodec.decode(#"{"seq":3,"version":2,"ackRequested":true,"message":{}}"#),
                       .unsupportedVersion(version: 2, sequence: 3, flags: .ackRequested))
        XCTAssertEqual(JSONFrameCodec.decode(#"{"seq":3,"version":2,"ackRequested":true,"message":{}}"#).nak,
                       .nak(sequence: 3, code: .unsupportedVersion, detail: "version 2"))
    }

    /// Duplicate keys: known ones are malformed (nak), unknown ones ignored, and in the envelope
    /// a repeated seq or ackRequested leaves nothing to nak with.
    func testDuplicateKeys() {
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"recall","type":"recall"}}"#), .json(path: "type", .duplicate))
        XCTAssertEqual(problem(#"{"seq":1,"message":{"type":"recall"},"message":{"type":"recall"}}"#), .json(path: "message", .duplicate))
        if case .frame = JSONFrameCodec.decode(#"{"seq":1,"x":1,"x":[],"message":{"type":"recall","y":1,"y":2}}"#) {} else {
            XCTFail("unknown keys repeated must be ignored")
        }
        XCTAssertEqual(JSONFrameCodec.decode(#"{"seq":1,"seq":1,"message":{"type":"recall"}}"#), .unreadable(.envelope("seq twice")))
        XCTAssertEqual(JSONFrameCodec.decode(#"{"seq":1,"ackRequested":true,"ackRequested":true,"message":{"type":"recall"}}"#),
                       .unreadable(.envelope("ackRequested twice")))
    }

    func testNakDetailIsWithinTheStringLimit() {
        let name = String(repeating: "护", count: 2000)  // not a field: no string limit, but the nak's detail has one
        let event = JSONFrameCodec.decode(#"{"seq":3,"ackRequested":true,"message":{"type":"\#(name)"}}"#)
        guard case let .nak(_, code, detail)? = event.nak else { return XCTFail("\(event)") }
        XCTAssertEqual(code, .unknownType)
        XCTAssertLessThanOrEqual(detail.utf8.count, ProtocolLimits.maxStringBytes)
        XCTAssertNoThrow(try MessageCodec.frame(event.nak!, sequence: 0))
    }

    // MARK: - Hostile texts

    func testDeepNestingIsRefusedWhereItStarts() {
        // A megabyte of brackets, read with no size limit: refused at the 17th, without recursing further.
        let text = #"{"seq":1,"x":"# + String(repeating: "[", count: 1_000_000)
        guard case let .unreadable(.tooDeep(offset, limit)) = JSONFrameCodec.decode(text, maxBytes: .max) else {
            return XCTFail("deep nesting must be refused")
        }
        XCTAssertEqual(limit, 16)
        XCTAssertEqual(offset, 13 + 15)
        XCTAssertThrowsError(try JSONValue.parse(String(repeating: "{\"a\":", count: 100_000)))
    }

    func testHugeNumbersAndLongTokensAreHarmless() throws {
        let digits = String(repeating: "9", count: 15_000)
        for number in [digits, "-" + digits, "1e999999999", "-0.0000000001e-99999", "0." + digits] {
            guard case .frame = JSONFrameCodec.decode(#"{"seq":1,"n":\#(number),"message":{"type":"ack","sequence":4}}"#) else {
                return XCTFail("an unknown key's number must be skipped: \(number.prefix(20))")
            }
        }
        XCTAssertEqual(MessageJSON.integerValue("18446744073709551616"), .beyond64Bits)
        XCTAssertEqual(MessageJSON.integerValue("-9223372036854775808"), .value(Int64.min))
        XCTAssertEqual(MessageJSON.integerValue("-9223372036854775809"), .beyond64Bits)
        XCTAssertEqual(MessageJSON.integerValue("9223372036854775807"), .value(Int64.max))
        XCTAssertEqual(MessageJSON.integerValue("1e2"), .notAnInteger)
    }

    func testTextsThatAreNotJSON() {
        for text in ["", " ", "{", "}", "[]", "nul", "tru", "{\"seq\":1,}", "{\"seq\":01}", "{\"seq\":1.}", "{\"seq\":-}",
                     "{\"seq\":1}x", "{\"seq\":\"\\u12\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\udc00\"}",
                     "{\"a\":\"\u{1}\"}", "\u{FEFF}{}", "{\"seq\":1e}", "{'seq':1}", "{\"seq\" 1}", "[1 2]"] {
            guard case .unreadable = JSONFrameCodec.decode(text) else { return XCTFail("\(text.debugDescription) must be unreadable") }
        }
        XCTAssertEqual(JSONFrameCodec.decode(utf8: [0x7B, 0xFF, 0x7D]), .unreadable(.invalidJSON(offset: 0, reason: "not UTF-8")))
        XCTAssertEqual(JSONFrameCodec.decode(String(repeating: " ", count: 16_385)).closesConnection, true)
    }

    /// Random corruptions of valid texts: never a crash, and whatever is read as a frame reads
    /// the same again from halld's own text of it.
    func testMutatedTextsNeverCrashAndFramesAreStable() throws {
        var generator = SeededGenerator(seed: 13)
        let alphabet = Array(#"{}[]",:\"0123456789-.eE+ tfnrula\u"#.utf8) + [0x00, 0x0A, 0xE6, 0x8A, 0xA4, 0xFF]
        var frames = 0
        for round in 0..<20_000 {
            let message = RandomMessages.message(using: &generator)
            var bytes = Array(try JSONFrameCodec.encode(message, sequence: UInt16(round % 65536), flags: .ackRequested).utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
                }
            }
            if case let .frame(frame) = JSONFrameCodec.decode(utf8: bytes) {
                frames += 1
                let again = try JSONFrameCodec.encode(frame.message, sequence: frame.sequence, flags: frame.flags)
                XCTAssertEqual(JSONFrameCodec.decode(again, maxBytes: .max), .frame(frame))
            }
        }
        XCTAssertGreaterThan(frames, 100)
    }
}
