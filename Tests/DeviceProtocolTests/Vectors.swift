import DeviceProtocol
import Foundation

/// firmware-protocol/vectors.json, read into expected events.
struct Vectors {
    struct Case {
        let name: String
        let bytes: [UInt8]
        let canonical: Bool
        let events: [ExpectedEvent]
        let afterAbandon: [ExpectedEvent]
    }

    enum ExpectedEvent: Equatable, CustomStringConvertible {
        /// A frame and what its payload decodes to: the message, or the nak code it earns.
        case frame(Frame, Result<Message, NakCodeError>)
        case discarded(bytes: Int, reason: String)

        var description: String {
            switch self {
            case let .frame(frame, result): "frame(type \(frame.type), seq \(frame.sequence), \(result))"
            case let .discarded(bytes, reason): "discarded(\(bytes), \(reason))"
            }
        }
    }

    struct NakCodeError: Error, Equatable { let code: NakCode }

    let crcCheckInput: String
    let crcCheck: UInt32
    let auth: [String: Any]
    let cases: [Case]

    static let fileURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("firmware-protocol/vectors.json")

    static func load() throws -> Vectors {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: fileURL)) as! [String: Any]
        let crc = root["crc32"] as! [String: Any]
        let cases = (root["cases"] as! [[String: Any]]).map { item in
            Case(name: item["name"] as! String,
                 bytes: hex(item["hex"] as! String),
                 canonical: item["canonical"] as? Bool ?? false,
                 events: (item["events"] as! [[String: Any]]).map(event),
                 afterAbandon: (item["afterAbandon"] as! [[String: Any]]).map(event))
        }
        return Vectors(crcCheckInput: crc["input"] as! String, crcCheck: UInt32(crc["check"] as! String, radix: 16)!,
                       auth: root["auth"] as! [String: Any], cases: cases)
    }

    private static func event(_ json: [String: Any]) -> ExpectedEvent {
        if let discarded = json["discarded"] as? [String: Any] {
            return .discarded(bytes: discarded["bytes"] as! Int, reason: discarded["reason"] as! String)
        }
        let header = json["frame"] as! [String: Any]
        let frame = Frame(version: UInt8(header["version"] as! Int), flags: FrameFlags(rawValue: UInt8(header["flags"] as! Int)),
                          type: UInt8(header["type"] as! Int), sequence: UInt16(header["sequence"] as! Int),
                          payload: hex(header["payload"] as! String))
        if let error = json["messageError"] as? String {
            return .frame(frame, .failure(NakCodeError(code: nakCode(error))))
        }
        return .frame(frame, .success(message(json["message"] as! [String: Any])))
    }

    /// What a decoder's events mean, in the vectors' terms; adjacent noSync discards merged.
    static func meaning(of events: [DecodeEvent]) -> [ExpectedEvent] {
        var result: [ExpectedEvent] = []
        for event in events {
            switch event {
            case let .frame(frame):
                let decoded: Result<Message, NakCodeError>
                do {
                    decoded = .success(try MessageCodec.decode(type: frame.type, payload: frame.payload))
                } catch {
                    decoded = .failure(NakCodeError(code: error.nakCode))
                }
                result.append(.frame(frame, decoded))
            case let .discarded(bytes, reason, _, _):
                let name = switch reason {
                case .noSync: "noSync"
                case .oversizedLength: "oversizedLength"
                case .badCRC: "badCRC"
                case .unsupportedVersion: "unsupportedVersion"
                case .truncated: "truncated"
                }
                if name == "noSync", case let .discarded(previous, "noSync")? = result.last {
                    result[result.count - 1] = .discarded(bytes: previous + bytes, reason: name)
                } else {
                    result.append(.discarded(bytes: bytes, reason: name))
                }
            }
        }
        return result
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    // MARK: - Messages from their JSON meaning

    static func message(_ json: [String: Any]) -> Message {
        let int = { (key: String) in json[key] as! Int }
        let string = { (key: String) in json[key] as! String }
        switch string("type") {
        case "hello":
            return .hello(deviceID: string("deviceID"), kind: DeviceKind(rawValue: ["robot": 1, "screen": 2][string("kind")]!)!,
                          firmware: string("firmware"), capabilities: Capabilities(rawValue: UInt32(int("capabilities"))),
                          clientNonce: hex(string("clientNonce")))
        case "challenge": return .challenge(serverNonce: hex(string("serverNonce")))
        case "authenticate": return .authenticate(proof: hex(string("proof")))
        case "authResult":
            return .authResult(accepted: json["accepted"] as! Bool, heartbeatSeconds: UInt16(int("heartbeatSeconds")), reason: string("reason"),
                               code: string("code") == "none" ? nil : nakCode(string("code")))
        case "heartbeat":
            return .heartbeat(state: named(RobotState.self, string("state")), battery: UInt8(int("battery")),
                              position: position(json["position"] as! [String: Any]))
        case "query":
            return .query(queryID: UInt32(int("queryID")), text: string("text"), language: string("language"),
                          confidence: UInt8(int("confidence")), newVisitor: json["newVisitor"] as! Bool)
        case "answer":
            return .answer(Answer(
                queryID: UInt32(int("queryID")), outcome: named(Outcome.self, string("outcome")), destination: string("destination"),
                candidates: json["candidates"] as! [String], text: string("text"), language: string("language"),
                prompt: string("prompt"), route: route(json["route"]), steps: json["steps"] as! [String],
                decimetres: UInt32(int("decimetres")), seconds: UInt16(int("seconds")), lead: named(LeadOffer.self, string("lead"))))
        case "lead":
            return .lead(leadID: UInt32(int("leadID")), destination: string("destination"), route: route(json["route"]))
        case "leadProgress":
            return .leadProgress(leadID: UInt32(int("leadID")), status: named(LeadStatus.self, string("status")),
                                 position: position(json["position"] as! [String: Any]))
        case "recall": return .recall(reason: string("reason"))
        case "display":
            return .display(displayID: UInt32(int("displayID")), destination: string("destination"), title: string("title"),
                            text: string("text"), route: route(json["route"]), ttlSeconds: UInt16(int("ttlSeconds")))
        case "notice": return .notice(topic: named(NoticeTopic.self, string("topic")), dataVersion: string("dataVersion"))
        case "ack": return .ack(sequence: UInt16(int("sequence")))
        case "nak": return .nak(sequence: UInt16(int("sequence")), code: nakCode(string("code")), detail: string("detail"))
        default: fatalError("unknown message type in vectors.json: \(string("type"))")
        }
    }

    private static func position(_ json: [String: Any]) -> Position {
        Position(node: json["node"] as! String, xCentimetres: Int32(json["xCentimetres"] as! Int),
                 yCentimetres: Int32(json["yCentimetres"] as! Int), level: json["level"] as! String)
    }

    private static func route(_ json: Any?) -> [RoutePoint] {
        (json as! [[String: Any]]).map { point in
            let position = position(point)
            return RoutePoint(node: position.node, xCentimetres: position.xCentimetres, yCentimetres: position.yCentimetres,
                              level: position.level)
        }
    }

    /// Enumeration cases by their Swift names, as the vectors spell them.
    private static func named<E: CaseIterable>(_: E.Type, _ name: String) -> E {
        E.allCases.first { "\($0)" == name }!
    }

    private static func nakCode(_ name: String) -> NakCode { named(NakCode.self, name) }
}
