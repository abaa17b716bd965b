/// Frames of the WebSocket device API: one JSON text each (firmware-protocol/JSON.md),
///
///     {"seq": 4, "ackRequested": true, "retransmit": false, "message": {"type": "query", …}}
///
/// `decode` reads a text the way JSON.md §5 orders it and says what the session does with it:
/// act on a frame, nak a refused one (when it asked for an ack), or drop an unreadable text.

/// A frame read from a JSON text: what a binary frame carries, less the framing.
public struct JSONFrame: Sendable, Hashable {
    public var sequence: UInt16
    /// ackRequested and retransmit; the JSON form has no reserved bits.
    public var flags: FrameFlags
    public var message: Message

    public init(sequence: UInt16, flags: FrameFlags, message: Message) {
        self.sequence = sequence
        self.flags = flags
        self.message = message
    }
}

/// What one JSON text is.
public enum JSONFrameEvent: Sendable, Hashable {
    /// A frame, to be handled as a binary frame with this sequence and flags would be.
    case frame(JSONFrame)
    /// The envelope was readable but the message was not: nak `error.nakCode` if `flags`
    /// asks for an ack, and do not act on it.
    case refused(sequence: UInt16, flags: FrameFlags, error: MessageDecodeError)
    /// An envelope of another protocol version: nak `unsupportedVersion` if it asked for an ack.
    case unsupportedVersion(version: UInt8, sequence: UInt16, flags: FrameFlags)
    /// Not a text this API reads: drop it without a reply (a text over the size limit also
    /// closes the connection, `closesConnection`).
    case unreadable(JSONTextProblem)

    /// The nak the receiver owes, if any: for a refused frame or another version that asked
    /// for an ack.
    public var nak: Message? {
        switch self {
        case let .refused(sequence, flags, error) where flags.contains(.ackRequested):
            .nak(sequence: sequence, code: error.nakCode, detail: String(describing: error).prefixUTF8(ProtocolLimits.maxStringBytes))
        case let .unsupportedVersion(version, sequence, flags) where flags.contains(.ackRequested):
            .nak(sequence: sequence, code: .unsupportedVersion, detail: "version \(version)")
        default:
            nil
        }
    }

    /// A text over the size limit: the receiver closes the connection (WebSocket status 1009).
    public var closesConnection: Bool {
        if case .unreadable(.tooLarge) = self { return true }
        return false
    }
}

public enum JSONFrameCodec {
    /// The longest text halld reads from a device, in UTF-8 bytes (JSON.md §4).
    public static let maxTextFromDevice = 16 * 1024
    /// The longest text halld sends (and a device must read).
    public static let maxTextFromHalld = 64 * 1024

    /// The text of a frame carrying `message`, as halld writes it: `seq`, `ackRequested`,
    /// `retransmit`, `message`, compact. Checks the message as the binary encoder does (string
    /// and list limits, sizes, ranges) and the text against `maxBytes`; the binary payload's
    /// 1024 bytes do not apply.
    public static func encode(_ message: Message, sequence: UInt16, flags: FrameFlags = [],
                              maxBytes: Int = maxTextFromHalld) throws(MessageEncodeError) -> String {
        try MessageCodec.validate(message)
        let text = envelope(MessageJSON.object(message), sequence: sequence, flags: flags).jsonText
        let bytes = text.utf8.count
        guard bytes <= maxBytes else { throw .textTooLarge(bytes: bytes, limit: maxBytes) }
        return text
    }

    /// The envelope object around a message object.
    public static func envelope(_ message: JSONValue, sequence: UInt16, flags: FrameFlags) -> JSONValue {
        .object(JSONObject([
            JSONObject.Member("seq", MessageJSON.integer(sequence)),
            JSONObject.Member("ackRequested", .bool(flags.contains(.ackRequested))),
            JSONObject.Member("retransmit", .bool(flags.contains(.retransmit))),
            JSONObject.Member("message", message),
        ]))
    }

    /// Reads one text received from the other end (from a device, with halld's limit by default).
    public static func decode(_ text: String, maxBytes: Int = maxTextFromDevice) -> JSONFrameEvent {
        let bytes = text.utf8.count
        guard bytes <= maxBytes else { return .unreadable(.tooLarge(bytes: bytes, limit: maxBytes)) }
        let root: JSONValue
        do throws(JSONTextProblem) {
            root = try JSONValue.parse(text)
        } catch {
            return .unreadable(error)
        }
        return decode(root)
    }

    /// Reads one text given as UTF-8 bytes (not UTF-8: unreadable).
    public static func decode(utf8 bytes: some Collection<UInt8>, maxBytes: Int = maxTextFromDevice) -> JSONFrameEvent {
        guard bytes.count <= maxBytes else { return .unreadable(.tooLarge(bytes: bytes.count, limit: maxBytes)) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { return .unreadable(.invalidJSON(offset: 0, reason: "not UTF-8")) }
        return decode(text, maxBytes: maxBytes)
    }

    /// JSON.md §5 steps 3 and 4, on a parsed text.
    static func decode(_ root: JSONValue) -> JSONFrameEvent {
        guard case let .object(envelope) = root else { return .unreadable(.envelope("not an object")) }
        let sequence: UInt16
        switch envelope.lookup("seq") {
        case .absent: return .unreadable(.envelope("no seq"))
        case .duplicate: return .unreadable(.envelope("seq twice"))
        case .value(let value):
            guard case let .number(text) = value, case let .value(number) = MessageJSON.integerValue(text),
                  let exact = UInt16(exactly: number) else { return .unreadable(.envelope("seq is not an integer 0…65535")) }
            sequence = exact
        }
        var flags: FrameFlags = []
        switch envelope.lookup("ackRequested") {
        case .absent: break
        case .duplicate: return .unreadable(.envelope("ackRequested twice"))
        case .value(.bool(let flag)): if flag { flags.insert(.ackRequested) }
        case .value: return .unreadable(.envelope("ackRequested is not a boolean"))
        }
        // From here there is a sequence to nak.
        let envelopeFields = MessageJSON.Fields(envelope, "")
        do throws(MessageDecodeError) {
            if try envelopeFields.optional("retransmit", false, MessageJSON.bool) { flags.insert(.retransmit) }
        } catch {
            return .refused(sequence: sequence, flags: flags, error: error)
        }
        do throws(MessageDecodeError) {
            let version = try envelopeFields.optional("version", FrameLayout.version, MessageJSON.integer(UInt8.self))
            guard version == FrameLayout.version else {
                return .unsupportedVersion(version: version, sequence: sequence, flags: flags)
            }
            let message = try MessageJSON.message(from: try envelopeFields.required("message") { value, _ in value })
            return .frame(JSONFrame(sequence: sequence, flags: flags, message: message))
        } catch {
            return .refused(sequence: sequence, flags: flags, error: error)
        }
    }
}

extension String {
    /// At most `limit` UTF-8 bytes of this string, cut at a character boundary.
    func prefixUTF8(_ limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var end = startIndex
        var bytes = 0
        for index in indices {
            let size = self[index].utf8.count
            if bytes + size > limit { break }
            bytes += size
            end = self.index(after: index)
        }
        return String(self[..<end])
    }
}
