/// Type numbers, tag tables and limits of protocol version 1 (PROTOCOL.md §5 and §8).

/// The frame `type` of each message.
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
    case hello = 0x01
    case challenge = 0x02
    case authenticate = 0x03
    case authResult = 0x04
    case heartbeat = 0x05
    case query = 0x10
    case answer = 0x11
    case lead = 0x20
    case leadProgress = 0x21
    case recall = 0x22
    case display = 0x30
    case notice = 0x31
    case ack = 0x7E
    case nak = 0x7F
}

public enum ProtocolLimits {
    /// Longest string field value, in UTF-8 bytes.
    public static let maxStringBytes = 512
    /// Most items in one repeated field.
    public static let maxListItems = 256
    public static let nonceBytes = 16
    /// HMAC-SHA256.
    public static let proofBytes = 32
}

extension Message {
    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .challenge: .challenge
        case .authenticate: .authenticate
        case .authResult: .authResult
        case .heartbeat: .heartbeat
        case .query: .query
        case .answer: .answer
        case .lead: .lead
        case .leadProgress: .leadProgress
        case .recall: .recall
        case .display: .display
        case .notice: .notice
        case .ack: .ack
        case .nak: .nak
        }
    }

    /// Whether the sender sets ACK_REQUESTED and retransmits until acked. Heartbeats are
    /// periodic anyway, the handshake is its own request and response, and acks and naks are
    /// never acknowledged.
    public var requiresAck: Bool {
        switch self {
        case .query, .answer, .lead, .leadProgress, .recall, .display, .notice: true
        case .hello, .challenge, .authenticate, .authResult, .heartbeat, .ack, .nak: false
        }
    }
}

/// Field tags per message. A point (route point or position) is a nested field with `PointTag`.
enum Tag {
    enum Hello { static let deviceID: UInt8 = 1, kind: UInt8 = 2, firmware: UInt8 = 3, capabilities: UInt8 = 4, clientNonce: UInt8 = 5 }
    enum Challenge { static let serverNonce: UInt8 = 1 }
    enum Authenticate { static let proof: UInt8 = 1 }
    enum AuthResult { static let accepted: UInt8 = 1, heartbeatSeconds: UInt8 = 2, reason: UInt8 = 3, code: UInt8 = 4 }
    enum Heartbeat { static let state: UInt8 = 1, battery: UInt8 = 2, position: UInt8 = 3 }
    enum Query { static let queryID: UInt8 = 1, text: UInt8 = 2, language: UInt8 = 3, confidence: UInt8 = 4, newVisitor: UInt8 = 5 }
    enum Answer {
        static let queryID: UInt8 = 1, outcome: UInt8 = 2, destination: UInt8 = 3, candidate: UInt8 = 4
        static let text: UInt8 = 5, language: UInt8 = 6, prompt: UInt8 = 7, routePoint: UInt8 = 8, step: UInt8 = 9
        static let decimetres: UInt8 = 10, seconds: UInt8 = 11, lead: UInt8 = 12
    }
    enum Lead { static let leadID: UInt8 = 1, destination: UInt8 = 2, routePoint: UInt8 = 3 }
    enum LeadProgress { static let leadID: UInt8 = 1, status: UInt8 = 2, position: UInt8 = 3 }
    enum Recall { static let reason: UInt8 = 1 }
    enum Display {
        static let displayID: UInt8 = 1, destination: UInt8 = 2, title: UInt8 = 3, text: UInt8 = 4
        static let routePoint: UInt8 = 5, ttlSeconds: UInt8 = 6
    }
    enum Notice { static let topic: UInt8 = 1, dataVersion: UInt8 = 2 }
    enum Ack { static let sequence: UInt8 = 1 }
    enum Nak { static let sequence: UInt8 = 1, code: UInt8 = 2, detail: UInt8 = 3 }
    enum Point { static let node: UInt8 = 1, x: UInt8 = 2, y: UInt8 = 3, level: UInt8 = 4 }
}

/// Why a payload could not be read as its message.
public enum MessageDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A frame type version 1 does not define.
    case unknownType(UInt8)
    /// The JSON form: a message `type` name version 1 does not define.
    case unknownTypeName(String)
    case malformedPayload(PayloadProblem)

    /// The nak a receiver sends for this error when the frame asked for an ack.
    public var nakCode: NakCode {
        switch self {
        case .unknownType, .unknownTypeName: .unknownType
        case .malformedPayload: .malformedPayload
        }
    }

    public var description: String {
        switch self {
        case .unknownType(let type): "unknown message type 0x\(String(type, radix: 16))"
        case .unknownTypeName(let name): "unknown message type \"\(name)\""
        case .malformedPayload(let problem): "malformed payload: \(problem)"
        }
    }
}

public enum PayloadProblem: Sendable, Hashable, CustomStringConvertible {
    /// A field header or value runs past the end of the payload (or of its nested field).
    case truncatedField(offset: Int)
    case missingField(tag: UInt8)
    /// A field that is not a list appears twice.
    case duplicateField(tag: UInt8)
    /// An integer or byte string of the wrong size.
    case wrongSize(tag: UInt8, size: Int)
    case invalidUTF8(tag: UInt8)
    /// An enumeration or range value version 1 does not define.
    case invalidValue(tag: UInt8, value: UInt32)
    /// A string above `ProtocolLimits.maxStringBytes`.
    case tooLong(tag: UInt8, size: Int)
    /// A list above `ProtocolLimits.maxListItems`.
    case tooManyItems(tag: UInt8)
    /// The JSON form: what is wrong with the value at `path` (`confidence`, `route[2].xCentimetres`,
    /// `message` for the envelope's message itself).
    case json(path: String, JSONFieldProblem)

    public var description: String {
        switch self {
        case .truncatedField(let offset): "field at offset \(offset) runs past the end"
        case .missingField(let tag): "required field \(tag) missing"
        case .duplicateField(let tag): "field \(tag) appears twice"
        case .wrongSize(let tag, let size): "field \(tag) has the wrong size (\(size) bytes)"
        case .invalidUTF8(let tag): "field \(tag) is not UTF-8"
        case .invalidValue(let tag, let value): "field \(tag) has the undefined value \(value)"
        case .tooLong(let tag, let size): "field \(tag) is \(size) bytes, above the limit"
        case .tooManyItems(let tag): "field \(tag) repeats more than the limit"
        case let .json(path, problem): "\(path): \(problem)"
        }
    }
}

/// What is wrong with one value of a message in the JSON form (firmware-protocol/JSON.md §5).
public enum JSONFieldProblem: Sendable, Hashable, CustomStringConvertible {
    /// A required key is absent.
    case missing
    /// A known key appears twice in one object.
    case duplicate
    /// A value of another JSON type (`null` included): `expected` says which was due.
    case wrongType(expected: String)
    /// A number with a fraction or an exponent where an integer belongs.
    case notAnInteger
    /// An integer beyond the field's type or range (confidence 101, battery 101, a u8 of 256).
    case outOfRange
    /// An enumeration name version 1 does not define.
    case undefinedName(String)
    /// A string above `ProtocolLimits.maxStringBytes` UTF-8 bytes.
    case tooLong(bytes: Int)
    /// A list above `ProtocolLimits.maxListItems`.
    case tooManyItems(count: Int)
    /// Bytes that are not hex digits, or not the field's size.
    case badHex(expectedBytes: Int)

    public var description: String {
        switch self {
        case .missing: "missing"
        case .duplicate: "appears twice"
        case .wrongType(let expected): "not \(expected)"
        case .notAnInteger: "not an integer (no fraction or exponent)"
        case .outOfRange: "out of range"
        case .undefinedName(let name): "\"\(name)\" is not defined"
        case .tooLong(let bytes): "\(bytes) bytes, above the limit"
        case .tooManyItems(let count): "\(count) items, above the limit"
        case .badHex(let expectedBytes): "not \(expectedBytes) bytes of hex"
        }
    }
}

/// Why a message cannot be sent as it is.
public enum MessageEncodeError: Error, Sendable, Hashable {
    /// The payload would exceed `FrameLayout.maxPayload`: shorten the message (fewer steps…).
    case payloadTooLarge(bytes: Int)
    /// A string above `ProtocolLimits.maxStringBytes` UTF-8 bytes; tag as in the tag table.
    case stringTooLong(tag: UInt8, bytes: Int)
    case tooManyItems(tag: UInt8, count: Int)
    /// A nonce or proof of the wrong length.
    case wrongSize(tag: UInt8, bytes: Int)
    /// Battery 101…254 or confidence above 100.
    case outOfRange(tag: UInt8)
    /// The JSON form: the text would exceed the limit (`JSONFrameCodec.maxTextFromHalld`).
    case textTooLarge(bytes: Int, limit: Int)
}
