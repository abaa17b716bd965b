/// Messages as JSON objects (firmware-protocol/JSON.md §3): `type` by name, fields by the names
/// of PROTOCOL.md §5 and vectors.json, enumerations by name, bytes as hex, points as objects,
/// lists as arrays. Reading checks what the binary decoder checks (sizes, ranges, enumerations,
/// string and list limits) and what only JSON can get wrong (types, fractions, duplicate keys).
public enum MessageJSON {
    /// The message's JSON object: `type` first, then every field in the order of its table,
    /// defaults included. This is what halld writes.
    public static func object(_ message: Message) -> JSONValue {
        var o = ObjectWriter(type: message.type)
        switch message {
        case let .hello(deviceID, kind, firmware, capabilities, clientNonce):
            o.add("deviceID", .string(deviceID))
            o.add("kind", .string(kind.jsonName))
            o.add("firmware", .string(firmware))
            o.add("capabilities", integer(capabilities.rawValue))
            o.add("clientNonce", hex(clientNonce))
        case let .challenge(serverNonce):
            o.add("serverNonce", hex(serverNonce))
        case let .authenticate(proof):
            o.add("proof", hex(proof))
        case let .authResult(accepted, heartbeatSeconds, reason, code):
            o.add("accepted", .bool(accepted))
            o.add("heartbeatSeconds", integer(heartbeatSeconds))
            o.add("reason", .string(reason))
            o.add("code", .string(code?.jsonName ?? noCode))
        case let .heartbeat(state, battery, position):
            o.add("state", .string(state.jsonName))
            o.add("battery", integer(battery))
            o.add("position", point(position.node, position.xCentimetres, position.yCentimetres, position.level))
        case let .query(queryID, text, language, confidence, newVisitor):
            o.add("queryID", integer(queryID))
            o.add("text", .string(text))
            o.add("language", .string(language))
            o.add("confidence", integer(confidence))
            o.add("newVisitor", .bool(newVisitor))
        case let .answer(answer):
            o.add("queryID", integer(answer.queryID))
            o.add("outcome", .string(answer.outcome.jsonName))
            o.add("destination", .string(answer.destination))
            o.add("candidates", .array(answer.candidates.map(JSONValue.string)))
            o.add("text", .string(answer.text))
            o.add("language", .string(answer.language))
            o.add("prompt", .string(answer.prompt))
            o.add("route", route(answer.route))
            o.add("steps", .array(answer.steps.map(JSONValue.string)))
            o.add("decimetres", integer(answer.decimetres))
            o.add("seconds", integer(answer.seconds))
            o.add("lead", .string(answer.lead.jsonName))
        case let .lead(leadID, destination, route):
            o.add("leadID", integer(leadID))
            o.add("destination", .string(destination))
            o.add("route", self.route(route))
        case let .leadProgress(leadID, status, position):
            o.add("leadID", integer(leadID))
            o.add("status", .string(status.jsonName))
            o.add("position", point(position.node, position.xCentimetres, position.yCentimetres, position.level))
        case let .recall(reason):
            o.add("reason", .string(reason))
        case let .display(displayID, destination, title, text, route, ttlSeconds):
            o.add("displayID", integer(displayID))
            o.add("destination", .string(destination))
            o.add("title", .string(title))
            o.add("text", .string(text))
            o.add("route", self.route(route))
            o.add("ttlSeconds", integer(ttlSeconds))
        case let .notice(topic, dataVersion):
            o.add("topic", .string(topic.jsonName))
            o.add("dataVersion", .string(dataVersion))
        case let .ack(sequence):
            o.add("sequence", integer(sequence))
        case let .nak(sequence, code, detail):
            o.add("sequence", integer(sequence))
            o.add("code", .string(code.jsonName))
            o.add("detail", .string(detail))
        }
        return .object(JSONObject(o.members))
    }

    /// The message a JSON object is. Unknown keys are ignored; a missing required key, a
    /// value of the wrong type or out of range, an undefined name, a string or list over
    /// its limit or a known key twice is `malformedPayload`; an undefined `type`,
    /// `unknownTypeName` (nak `unknownType`).
    public static func message(from value: JSONValue) throws(MessageDecodeError) -> Message {
        guard case let .object(object) = value else { throw malformed("message", .wrongType(expected: "an object")) }
        let f = Fields(object, "")
        // The type is no field: a name of any length that is not one of §5's is an unknown type.
        let name = try f.required("type") { (value, path) throws(MessageDecodeError) in
            guard case let .string(name) = value else { throw malformed(path, .wrongType(expected: "a string")) }
            return name
        }
        guard let type = MessageType(jsonName: name) else { throw .unknownTypeName(name) }
        switch type {
        case .hello:
            return .hello(deviceID: try f.required("deviceID", string), kind: try f.required("kind", named(DeviceKind.self)),
                          firmware: try f.required("firmware", string),
                          capabilities: Capabilities(rawValue: try f.required("capabilities", integer(UInt32.self))),
                          clientNonce: try f.required("clientNonce", bytes(ProtocolLimits.nonceBytes)))
        case .challenge:
            return .challenge(serverNonce: try f.required("serverNonce", bytes(ProtocolLimits.nonceBytes)))
        case .authenticate:
            return .authenticate(proof: try f.required("proof", bytes(ProtocolLimits.proofBytes)))
        case .authResult:
            return .authResult(accepted: try f.required("accepted", bool),
                               heartbeatSeconds: try f.required("heartbeatSeconds", integer(UInt16.self)),
                               reason: try f.optional("reason", "", string),
                               code: try f.optional("code", nil, authCode))
        case .heartbeat:
            return .heartbeat(state: try f.required("state", named(RobotState.self)), battery: try f.required("battery", battery),
                              position: try f.optional("position", Position(), position))
        case .query:
            return .query(queryID: try f.required("queryID", integer(UInt32.self)), text: try f.required("text", string),
                          language: try f.required("language", string), confidence: try f.required("confidence", percent),
                          newVisitor: try f.optional("newVisitor", false, bool))
        case .answer:
            return .answer(Answer(
                queryID: try f.required("queryID", integer(UInt32.self)), outcome: try f.required("outcome", named(Outcome.self)),
                destination: try f.optional("destination", "", string), candidates: try f.optional("candidates", [], list(string)),
                text: try f.required("text", string), language: try f.required("language", string),
                prompt: try f.required("prompt", string), route: try f.optional("route", [], list(routePoint)),
                steps: try f.optional("steps", [], list(string)), decimetres: try f.optional("decimetres", 0, integer(UInt32.self)),
                seconds: try f.optional("seconds", 0, integer(UInt16.self)),
                lead: try f.optional("lead", .notApplicable, named(LeadOffer.self))))
        case .lead:
            return .lead(leadID: try f.required("leadID", integer(UInt32.self)), destination: try f.required("destination", string),
                         route: try f.optional("route", [], list(routePoint)))
        case .leadProgress:
            return .leadProgress(leadID: try f.required("leadID", integer(UInt32.self)),
                                 status: try f.required("status", named(LeadStatus.self)),
                                 position: try f.optional("position", Position(), position))
        case .recall:
            return .recall(reason: try f.optional("reason", "", string))
        case .display:
            return .display(displayID: try f.required("displayID", integer(UInt32.self)),
                            destination: try f.optional("destination", "", string), title: try f.optional("title", "", string),
                            text: try f.optional("text", "", string), route: try f.optional("route", [], list(routePoint)),
                            ttlSeconds: try f.required("ttlSeconds", integer(UInt16.self)))
        case .notice:
            return .notice(topic: try f.required("topic", named(NoticeTopic.self)),
                           dataVersion: try f.optional("dataVersion", "", string))
        case .ack:
            return .ack(sequence: try f.required("sequence", integer(UInt16.self)))
        case .nak:
            return .nak(sequence: try f.required("sequence", integer(UInt16.self)), code: try f.required("code", named(NakCode.self)),
                        detail: try f.optional("detail", "", string))
        }
    }

    /// authResult's `code` 0.
    static let noCode = "none"

    // MARK: - Writing

    private struct ObjectWriter {
        var members: [JSONObject.Member]

        init(type: MessageType) { members = [JSONObject.Member("type", .string(type.jsonName))] }

        mutating func add(_ key: String, _ value: JSONValue) { members.append(JSONObject.Member(key, value)) }
    }

    static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    static func hex(_ bytes: [UInt8]) -> JSONValue {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return .string(String(decoding: text, as: UTF8.self))
    }

    static func point(_ node: String, _ x: Int32, _ y: Int32, _ level: String) -> JSONValue {
        .object(JSONObject([JSONObject.Member("node", .string(node)), JSONObject.Member("xCentimetres", integer(x)),
                            JSONObject.Member("yCentimetres", integer(y)), JSONObject.Member("level", .string(level))]))
    }

    static func route(_ route: [RoutePoint]) -> JSONValue {
        .array(route.map { point($0.node, $0.xCentimetres, $0.yCentimetres, $0.level) })
    }

    // MARK: - Reading

    typealias Reader<T> = (JSONValue, String) throws(MessageDecodeError) -> T

    static func malformed(_ path: String, _ problem: JSONFieldProblem) -> MessageDecodeError {
        .malformedPayload(.json(path: path, problem))
    }

    /// The keys of one object, read by name; `prefix` places them in the message for errors.
    struct Fields {
        let object: JSONObject
        let prefix: String

        init(_ object: JSONObject, _ prefix: String) {
            self.object = object
            self.prefix = prefix
        }

        func required<T>(_ key: String, _ read: Reader<T>) throws(MessageDecodeError) -> T {
            switch object.lookup(key) {
            case .absent: throw malformed(prefix + key, .missing)
            case .duplicate: throw malformed(prefix + key, .duplicate)
            case .value(let value): return try read(value, prefix + key)
            }
        }

        func optional<T>(_ key: String, _ defaultValue: T, _ read: Reader<T>) throws(MessageDecodeError) -> T {
            switch object.lookup(key) {
            case .absent: return defaultValue
            case .duplicate: throw malformed(prefix + key, .duplicate)
            case .value(let value): return try read(value, prefix + key)
            }
        }
    }

    static func string(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> String {
        guard case let .string(text) = value else { throw malformed(path, .wrongType(expected: "a string")) }
        let bytes = text.utf8.count
        guard bytes <= ProtocolLimits.maxStringBytes else { throw malformed(path, .tooLong(bytes: bytes)) }
        return text
    }

    static func bool(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> Bool {
        guard case let .bool(flag) = value else { throw malformed(path, .wrongType(expected: "a boolean")) }
        return flag
    }

    /// An integer of type `T`: digits with an optional minus, no fraction or exponent, in range.
    static func integer<T: FixedWidthInteger>(_: T.Type) -> Reader<T> {
        { (value, path) throws(MessageDecodeError) in
            guard case let .number(text) = value else { throw malformed(path, .wrongType(expected: "an integer")) }
            switch integerValue(text) {
            case .notAnInteger: throw malformed(path, .notAnInteger)
            case .beyond64Bits: throw malformed(path, .outOfRange)
            case .value(let parsed):
                guard let exact = T(exactly: parsed) else { throw malformed(path, .outOfRange) }
                return exact
            }
        }
    }

    enum IntegerText: Equatable {
        /// A fraction or an exponent.
        case notAnInteger
        /// An integer, but of more than 64 bits.
        case beyond64Bits
        case value(Int64)
    }

    /// What a JSON number's text (its grammar already checked) is as an integer. Work is
    /// linear in its digits, which are bounded by the text's size.
    static func integerValue(_ text: String) -> IntegerText {
        var negative = false
        var magnitude: UInt64 = 0
        var overflow = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = plus
            default: return .notAnInteger
            }
        }
        if overflow { return .beyond64Bits }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? .value(Int64(truncatingIfNeeded: 0 &- magnitude)) : .beyond64Bits
        }
        return magnitude <= UInt64(Int64.max) ? .value(Int64(magnitude)) : .beyond64Bits
    }

    static func battery(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> UInt8 {
        let battery = try integer(UInt8.self)(value, path)
        guard battery <= 100 || battery == 255 else { throw malformed(path, .outOfRange) }
        return battery
    }

    static func percent(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> UInt8 {
        let percent = try integer(UInt8.self)(value, path)
        guard percent <= 100 else { throw malformed(path, .outOfRange) }
        return percent
    }

    /// Exactly `count` bytes as hex digits, either case.
    static func bytes(_ count: Int) -> Reader<[UInt8]> {
        { (value, path) throws(MessageDecodeError) in
            guard case let .string(text) = value else { throw malformed(path, .wrongType(expected: "a hex string")) }
            let digits = Array(text.utf8)
            guard digits.count == 2 * count else { throw malformed(path, .badHex(expectedBytes: count)) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            for index in stride(from: 0, to: digits.count, by: 2) {
                guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
                    throw malformed(path, .badHex(expectedBytes: count))
                }
                bytes.append(high << 4 | low)
            }
            return bytes
        }
    }

    static func named<E: JSONNamed>(_: E.Type) -> Reader<E> {
        { (value, path) throws(MessageDecodeError) in
            guard case let .string(name) = value else { throw malformed(path, .wrongType(expected: "a name")) }
            guard let found = E(jsonName: name) else { throw malformed(path, .undefinedName(name)) }
            return found
        }
    }

    /// authResult's code: `none`, or a nak code's name.
    static func authCode(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> NakCode? {
        if case .string(noCode) = value { return nil }
        return try named(NakCode.self)(value, path)
    }

    static func pointFields(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> (String, Int32, Int32, String) {
        guard case let .object(object) = value else { throw malformed(path, .wrongType(expected: "an object")) }
        let f = Fields(object, path + ".")
        return (try f.optional("node", "", string), try f.optional("xCentimetres", 0, integer(Int32.self)),
                try f.optional("yCentimetres", 0, integer(Int32.self)), try f.optional("level", "", string))
    }

    static func position(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> Position {
        let (node, x, y, level) = try pointFields(value, path)
        return Position(node: node, xCentimetres: x, yCentimetres: y, level: level)
    }

    static func routePoint(_ value: JSONValue, _ path: String) throws(MessageDecodeError) -> RoutePoint {
        let (node, x, y, level) = try pointFields(value, path)
        return RoutePoint(node: node, xCentimetres: x, yCentimetres: y, level: level)
    }

    /// An array of at most `ProtocolLimits.maxListItems` items, each read by `item`.
    static func list<T>(_ item: @escaping Reader<T>) -> Reader<[T]> {
        { (value, path) throws(MessageDecodeError) in
            guard case let .array(items) = value else { throw malformed(path, .wrongType(expected: "an array")) }
            guard items.count <= ProtocolLimits.maxListItems else { throw malformed(path, .tooManyItems(count: items.count)) }
            var result: [T] = []
            result.reserveCapacity(items.count)
            for (index, element) in items.enumerated() { result.append(try item(element, "\(path)[\(index)]")) }
            return result
        }
    }
}

// MARK: - Names

/// An enumeration written by name in the JSON form (JSON.md §3).
public protocol JSONNamed: CaseIterable {
    var jsonName: String { get }
}

extension JSONNamed {
    public init?(jsonName: String) {
        guard let found = Self.allCases.first(where: { $0.jsonName == jsonName }) else { return nil }
        self = found
    }
}

extension MessageType: JSONNamed {
    public var jsonName: String {
        switch self {
        case .hello: "hello"
        case .challenge: "challenge"
        case .authenticate: "authenticate"
        case .authResult: "authResult"
        case .heartbeat: "heartbeat"
        case .query: "query"
        case .answer: "answer"
        case .lead: "lead"
        case .leadProgress: "leadProgress"
        case .recall: "recall"
        case .display: "display"
        case .notice: "notice"
        case .ack: "ack"
        case .nak: "nak"
        }
    }
}

extension DeviceKind: JSONNamed {
    public var jsonName: String {
        switch self {
        case .robot: "robot"
        case .screen: "screen"
        }
    }
}

extension RobotState: JSONNamed {
    public var jsonName: String {
        switch self {
        case .idle: "idle"
        case .leading: "leading"
        case .returning: "returning"
        case .charging: "charging"
        case .fault: "fault"
        }
    }
}

extension Outcome: JSONNamed {
    public var jsonName: String {
        switch self {
        case .route: "route"
        case .clarify: "clarify"
        case .fallback: "fallback"
        }
    }
}

extension LeadOffer: JSONNamed {
    public var jsonName: String {
        switch self {
        case .notApplicable: "notApplicable"
        case .willLead: "willLead"
        case .busy: "busy"
        case .unavailable: "unavailable"
        }
    }
}

extension LeadStatus: JSONNamed {
    public var jsonName: String {
        switch self {
        case .accepted: "accepted"
        case .arrived: "arrived"
        case .aborted: "aborted"
        case .blocked: "blocked"
        case .returning: "returning"
        case .docked: "docked"
        }
    }
}

extension NoticeTopic: JSONNamed {
    public var jsonName: String {
        switch self {
        case .hall: "hall"
        case .fleet: "fleet"
        case .live: "live"
        }
    }
}

extension NakCode: JSONNamed {
    public var jsonName: String {
        switch self {
        case .unknownType: "unknownType"
        case .malformedPayload: "malformedPayload"
        case .notAuthenticated: "notAuthenticated"
        case .rateLimited: "rateLimited"
        case .busy: "busy"
        case .unsupportedVersion: "unsupportedVersion"
        case .tooLarge: "tooLarge"
        case .authenticationFailed: "authenticationFailed"
        case .unknownDevice: "unknownDevice"
        case .internalError: "internalError"
        }
    }
}
