@testable import DeviceProtocol
import Foundation
import XCTest

/// Every case of firmware-protocol/vectors-json.json: the JSON text is the frame its binary
/// payload is, or earns the nak it says, or is dropped for the reason it gives.
final class JSONVectorTests: XCTestCase {
    struct Case {
        let name: String
        let text: String
        let limit: Int
        let canonical: Bool
        let expect: [String: Any]
    }

    static let fileURL = Vectors.fileURL.deletingLastPathComponent().appendingPathComponent("vectors-json.json")

    var cases: [Case] = []

    override func setUpWithError() throws {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fileURL)) as! [String: Any]
        let limits = root["limits"] as! [String: Any]
        XCTAssertEqual(limits["fromDevice"] as? Int, JSONFrameCodec.maxTextFromDevice)
        XCTAssertEqual(limits["fromHalld"] as? Int, JSONFrameCodec.maxTextFromHalld)
        XCTAssertEqual(limits["maxDepth"] as? Int, JSONValue.maxDepth)
        XCTAssertEqual(limits["maxStringBytes"] as? Int, ProtocolLimits.maxStringBytes)
        XCTAssertEqual(limits["maxListItems"] as? Int, ProtocolLimits.maxListItems)
        cases = (root["cases"] as! [[String: Any]]).map { item in
            // Foundation drops a leading U+FEFF from strings it reads: such a case gives its bytes too.
            let text = (item["utf8"] as? String).map { String(decoding: Vectors.hex($0), as: UTF8.self) } ?? item["text"] as! String
            return Case(name: item["name"] as! String, text: text,
                 limit: limits[item["direction"] as! String] as! Int, canonical: item["canonical"] as? Bool ?? false,
                 expect: item["expect"] as! [String: Any])
        }
        XCTAssertGreaterThan(cases.count, 100)
    }

    func testEveryCase() throws {
        var frames = 0, refusals = 0, unreadable = 0
        for vector in cases {
            let event = JSONFrameCodec.decode(vector.text, maxBytes: vector.limit)
            // The same outcome from the text's bytes.
            XCTAssertEqual(JSONFrameCodec.decode(utf8: Array(vector.text.utf8), maxBytes: vector.limit), event, vector.name)
            if let reason = vector.expect["unreadable"] as? String {
                guard case let .unreadable(problem) = event else { XCTFail("\(vector.name): \(event)"); continue }
                XCTAssertEqual(problem.reason, reason, vector.name)
                XCTAssertEqual(event.closesConnection, reason == "tooLarge", vector.name)
                XCTAssertNil(event.nak, vector.name)
                unreadable += 1
                continue
            }
            let sequence = UInt16(vector.expect["sequence"] as! Int)
            let flags = FrameFlags(rawValue: UInt8(vector.expect["flags"] as! Int))
            if let error = vector.expect["error"] as? String {
                switch event {
                case let .refused(gotSequence, gotFlags, gotError):
                    XCTAssertEqual(gotError.nakCode.jsonName, error, "\(vector.name): \(gotError)")
                    XCTAssertEqual(gotSequence, sequence, vector.name)
                    XCTAssertEqual(gotFlags, flags, vector.name)
                case let .unsupportedVersion(_, gotSequence, gotFlags):
                    XCTAssertEqual(error, "unsupportedVersion", vector.name)
                    XCTAssertEqual(gotSequence, sequence, vector.name)
                    XCTAssertEqual(gotFlags, flags, vector.name)
                default:
                    XCTFail("\(vector.name): expected \(error), got \(event)")
                }
                // The nak is owed exactly when an ack was asked for.
                if flags.contains(.ackRequested) {
                    guard case let .nak(nakSequence, code, detail)? = event.nak else { XCTFail("\(vector.name): no nak"); continue }
                    XCTAssertEqual(nakSequence, sequence, vector.name)
                    XCTAssertEqual(code.jsonName, error, vector.name)
                    XCTAssertLessThanOrEqual(detail.utf8.count, ProtocolLimits.maxStringBytes, vector.name)
                } else {
                    XCTAssertNil(event.nak, vector.name)
                }
                refusals += 1
                continue
            }
            guard case let .frame(frame) = event else { XCTFail("\(vector.name): \(event)"); continue }
            let expected = Vectors.message(vector.expect["message"] as! [String: Any])
            XCTAssertEqual(frame.message, expected, vector.name)
            XCTAssertEqual(frame.sequence, sequence, vector.name)
            XCTAssertEqual(frame.flags, flags, vector.name)
            // The text is the binary frame's message: the same payload both ways.
            let payload = Vectors.hex(vector.expect["payload"] as! String)
            let encoded = MessageCodec.encode(frame.message)
            XCTAssertEqual(Int(encoded.type), vector.expect["type"] as? Int, vector.name)
            XCTAssertEqual(encoded.payload, payload, vector.name)
            XCTAssertEqual(try MessageCodec.decode(type: encoded.type, payload: payload), expected, vector.name)
            if vector.canonical {
                XCTAssertEqual(try JSONFrameCodec.encode(expected, sequence: sequence, flags: flags), vector.text, vector.name)
            }
            frames += 1
        }
        XCTAssertGreaterThan(frames, 40)
        XCTAssertGreaterThan(refusals, 40)
        XCTAssertGreaterThan(unreadable, 20)
    }

    /// Every message type has a canonical case.
    func testEveryMessageTypeIsCovered() {
        var seen = Set<String>()
        for vector in cases where vector.canonical {
            if let message = vector.expect["message"] as? [String: Any] { seen.insert(message["type"] as! String) }
        }
        XCTAssertEqual(seen, Set(MessageType.allCases.map(\.jsonName)))
    }
}
