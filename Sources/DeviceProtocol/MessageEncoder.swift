/// Messages to payloads. The encoding is canonical: every field of the message is written, in
/// tag-table order, list items in order; so a decoded canonical payload re-encodes to itself.
public enum MessageCodec {
    public static func encode(_ message: Message) -> (type: UInt8, payload: [UInt8]) {
        var writer = TLVWriter()
        write(message, into: &writer)
        return (message.type.rawValue, writer.bytes)
    }

    /// The payload size of `message`, without building it.
    public static func payloadSize(_ message: Message) -> Int {
        var counter = TLVCounter()
        write(message, into: &counter)
        return counter.size
    }

    static func write<Writer: PayloadWriter>(_ message: Message, into writer: inout Writer) {
        switch message {
        case let .hello(deviceID, kind, firmware, capabilities, clientNonce):
            writer.string(Tag.Hello.deviceID, deviceID)
            writer.u8(Tag.Hello.kind, kind.rawValue)
            writer.string(Tag.Hello.firmware, firmware)
            writer.u32(Tag.Hello.capabilities, capabilities.rawValue)
            writer.field(Tag.Hello.clientNonce, clientNonce)
        case let .challenge(serverNonce):
            writer.field(Tag.Challenge.serverNonce, serverNonce)
        case let .authenticate(proof):
            writer.field(Tag.Authenticate.proof, proof)
        case let .authResult(accepted, heartbeatSeconds, reason, code):
            writer.u8(Tag.AuthResult.accepted, accepted ? 1 : 0)
            writer.u16(Tag.AuthResult.heartbeatSeconds, heartbeatSeconds)
            writer.string(Tag.AuthResult.reason, reason)
            writer.u8(Tag.AuthResult.code, code?.rawValue ?? 0)
        case let .heartbeat(state, battery, position):
            writer.u8(Tag.Heartbeat.state, state.rawValue)
            writer.u8(Tag.Heartbeat.battery, battery)
            point(Tag.Heartbeat.position, position.node, position.xCentimetres, position.yCentimetres, position.level, &writer)
        case let .query(queryID, text, language, confidence, newVisitor):
            writer.u32(Tag.Query.queryID, queryID)
            writer.string(Tag.Query.text, text)
            writer.string(Tag.Query.language, language)
            writer.u8(Tag.Query.confidence, confidence)
            writer.u8(Tag.Query.newVisitor, newVisitor ? 1 : 0)
        case let .answer(answer):
            write(answer, into: &writer)
        case let .lead(leadID, destination, route):
            writer.u32(Tag.Lead.leadID, leadID)
            writer.string(Tag.Lead.destination, destination)
            for routePoint in route { point(Tag.Lead.routePoint, routePoint, &writer) }
        case let .leadProgress(leadID, status, position):
            writer.u32(Tag.LeadProgress.leadID, leadID)
            writer.u8(Tag.LeadProgress.status, status.rawValue)
            point(Tag.LeadProgress.position, position.node, position.xCentimetres, position.yCentimetres, position.level, &writer)
        case let .recall(reason):
            writer.string(Tag.Recall.reason, reason)
        case let .display(displayID, destination, title, text, route, ttlSeconds):
            writer.u32(Tag.Display.displayID, displayID)
            writer.string(Tag.Display.destination, destination)
            writer.string(Tag.Display.title, title)
            writer.string(Tag.Display.text, text)
            for routePoint in route { point(Tag.Display.routePoint, routePoint, &writer) }
            writer.u16(Tag.Display.ttlSeconds, ttlSeconds)
        case let .notice(topic, dataVersion):
            writer.u8(Tag.Notice.topic, topic.rawValue)
            writer.string(Tag.Notice.dataVersion, dataVersion)
        case let .ack(sequence):
            writer.u16(Tag.Ack.sequence, sequence)
        case let .nak(sequence, code, detail):
            writer.u16(Tag.Nak.sequence, sequence)
            writer.u8(Tag.Nak.code, code.rawValue)
            writer.string(Tag.Nak.detail, detail)
        }
    }

    static func write<Writer: PayloadWriter>(_ answer: Answer, into writer: inout Writer) {
        writer.u32(Tag.Answer.queryID, answer.queryID)
        writer.u8(Tag.Answer.outcome, answer.outcome.rawValue)
        writer.string(Tag.Answer.destination, answer.destination)
        for candidate in answer.candidates { writer.string(Tag.Answer.candidate, candidate) }
        writer.string(Tag.Answer.text, answer.text)
        writer.string(Tag.Answer.language, answer.language)
        writer.string(Tag.Answer.prompt, answer.prompt)
        for routePoint in answer.route { point(Tag.Answer.routePoint, routePoint, &writer) }
        for step in answer.steps { writer.string(Tag.Answer.step, step) }
        writer.u32(Tag.Answer.decimetres, answer.decimetres)
        writer.u16(Tag.Answer.seconds, answer.seconds)
        writer.u8(Tag.Answer.lead, answer.lead.rawValue)
    }

    /// The bytes a string field holding `value` takes in a payload (tag, length, value), or
    /// nil when a receiver would refuse the string: an answer's steps are sized this way
    /// before they are built, since they are the first thing a long answer loses.
    public static func checkedFieldSize(_ value: String) -> Int? {
        let bytes = value.utf8.count
        return bytes <= ProtocolLimits.maxStringBytes ? 3 + bytes : nil
    }

    /// `checkedPayloadSize` of `.answer(answer)`, without wrapping the answer in a message
    /// (a copy of all its fields): the conversation fits every answer to a frame.
    public static func checkedPayloadSize(_ answer: Answer) throws(MessageEncodeError) -> Int {
        try validate(answer)
        var counter = TLVCounter()
        write(answer, into: &counter)
        guard counter.size <= FrameLayout.maxPayload else { throw .payloadTooLarge(bytes: counter.size) }
        return counter.size
    }

    /// The whole frame for `message`, after checking it against the protocol's limits.
    /// Ack and nak frames use sequence 0 by convention (PROTOCOL.md §6.3).
    public static func frame(_ message: Message, sequence: UInt16, flags: FrameFlags = []) throws(MessageEncodeError) -> [UInt8] {
        // Sized first, then built in place behind the header: one buffer, no copies.
        frame(validated: message, payloadSize: try checkedPayloadSize(message), sequence: sequence, flags: flags)
    }

    /// The payload size of `message` after checking it against the protocol's limits
    /// (`validate`, and the frame's payload limit).
    public static func checkedPayloadSize(_ message: Message) throws(MessageEncodeError) -> Int {
        try validate(message)
        let size = payloadSize(message)
        guard size <= FrameLayout.maxPayload else { throw .payloadTooLarge(bytes: size) }
        return size
    }

    /// The frame of a message already checked by `validate` whose payload size is known
    /// (a session checks each message once, when it gives it a sequence).
    public static func frame(validated message: Message, payloadSize size: Int, sequence: UInt16, flags: FrameFlags) -> [UInt8] {
        let frameSize = FrameLayout.headerSize + size + FrameLayout.trailerSize
        return [UInt8](unsafeUninitializedCapacity: frameSize) { buffer, count in
            writeFrame(validated: message, payloadSize: size, sequence: sequence, flags: flags, into: buffer.baseAddress!)
            count = frameSize
        }
    }

    /// Builds the frame in place at `destination`, which has room for its
    /// `FrameLayout.headerSize + size + FrameLayout.trailerSize` bytes: several frames for
    /// one write go into one buffer, each byte written once.
    public static func writeFrame(validated message: Message, payloadSize size: Int, sequence: UInt16, flags: FrameFlags,
                                  into destination: UnsafeMutablePointer<UInt8>) {
        precondition(size <= FrameLayout.maxPayload, "a frame's payload is at most \(FrameLayout.maxPayload) bytes")
        destination[0] = FrameLayout.syncFirst
        destination[1] = FrameLayout.syncSecond
        destination[2] = FrameLayout.version
        destination[3] = flags.rawValue
        destination[4] = message.type.rawValue
        destination[5] = UInt8(truncatingIfNeeded: sequence)
        destination[6] = UInt8(truncatingIfNeeded: sequence >> 8)
        destination[7] = UInt8(truncatingIfNeeded: size)
        destination[8] = UInt8(truncatingIfNeeded: size >> 8)
        var writer = TLVBufferWriter(destination + FrameLayout.headerSize, capacity: size)
        write(message, into: &writer)
        precondition(writer.size == size, "a payload of \(writer.size) bytes was sized as \(size)")
        let covered = UnsafeBufferPointer(start: destination + FrameLayout.versionOffset,
                                          count: FrameLayout.headerSize - FrameLayout.versionOffset + size)
        let crc = CRC32.update(0xFFFF_FFFF, covered) ^ 0xFFFF_FFFF
        let trailer = destination + FrameLayout.headerSize + size
        for index in 0..<FrameLayout.trailerSize { trailer[index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
    }

    /// Checks what a receiver would refuse: strings, lists, nonce sizes and value ranges.
    /// (The payload size is checked by `frame`, which has the payload at hand.)
    public static func validate(_ message: Message) throws(MessageEncodeError) {
        let check = LimitCheck()
        switch message {
        case let .hello(deviceID, _, firmware, _, clientNonce):
            try check.string(Tag.Hello.deviceID, deviceID)
            try check.string(Tag.Hello.firmware, firmware)
            try check.size(Tag.Hello.clientNonce, clientNonce, ProtocolLimits.nonceBytes)
        case let .challenge(serverNonce):
            try check.size(Tag.Challenge.serverNonce, serverNonce, ProtocolLimits.nonceBytes)
        case let .authenticate(proof):
            try check.size(Tag.Authenticate.proof, proof, ProtocolLimits.proofBytes)
        case let .authResult(_, _, reason, _):
            try check.string(Tag.AuthResult.reason, reason)
        case let .heartbeat(_, battery, position):
            if battery > 100 && battery != 255 { throw .outOfRange(tag: Tag.Heartbeat.battery) }
            try check.position(Tag.Heartbeat.position, position)
        case let .query(_, text, language, confidence, _):
            try check.string(Tag.Query.text, text)
            try check.string(Tag.Query.language, language)
            if confidence > 100 { throw .outOfRange(tag: Tag.Query.confidence) }
        case let .answer(answer):
            try validate(answer)
        case let .lead(_, destination, route):
            try check.string(Tag.Lead.destination, destination)
            try check.route(Tag.Lead.routePoint, route)
        case let .leadProgress(_, _, position):
            try check.position(Tag.LeadProgress.position, position)
        case let .recall(reason):
            try check.string(Tag.Recall.reason, reason)
        case let .display(_, destination, title, text, route, _):
            try check.string(Tag.Display.destination, destination)
            try check.string(Tag.Display.title, title)
            try check.string(Tag.Display.text, text)
            try check.route(Tag.Display.routePoint, route)
        case let .notice(_, dataVersion):
            try check.string(Tag.Notice.dataVersion, dataVersion)
        case .ack:
            break
        case let .nak(_, _, detail):
            try check.string(Tag.Nak.detail, detail)
        }
    }

    static func validate(_ answer: Answer) throws(MessageEncodeError) {
        let check = LimitCheck()
        try check.string(Tag.Answer.destination, answer.destination)
        try check.strings(Tag.Answer.candidate, answer.candidates)
        try check.string(Tag.Answer.text, answer.text)
        try check.string(Tag.Answer.language, answer.language)
        try check.string(Tag.Answer.prompt, answer.prompt)
        try check.route(Tag.Answer.routePoint, answer.route)
        try check.strings(Tag.Answer.step, answer.steps)
    }

    static func point<Writer: PayloadWriter>(_ tag: UInt8, _ routePoint: RoutePoint, _ writer: inout Writer) {
        point(tag, routePoint.node, routePoint.xCentimetres, routePoint.yCentimetres, routePoint.level, &writer)
    }

    static func point<Writer: PayloadWriter>(_ tag: UInt8, _ node: String, _ x: Int32, _ y: Int32, _ level: String,
                                             _ writer: inout Writer) {
        writer.nested(tag) { point in
            point.string(Tag.Point.node, node)
            point.i32(Tag.Point.x, x)
            point.i32(Tag.Point.y, y)
            point.string(Tag.Point.level, level)
        }
    }
}

/// The limit checks of `MessageCodec.validate`.
private struct LimitCheck {
    func string(_ tag: UInt8, _ value: String) throws(MessageEncodeError) {
        let bytes = value.utf8.count
        if bytes > ProtocolLimits.maxStringBytes { throw .stringTooLong(tag: tag, bytes: bytes) }
    }

    func strings(_ tag: UInt8, _ values: [String]) throws(MessageEncodeError) {
        if values.count > ProtocolLimits.maxListItems { throw .tooManyItems(tag: tag, count: values.count) }
        for value in values { try string(tag, value) }
    }

    func size(_ tag: UInt8, _ value: [UInt8], _ expected: Int) throws(MessageEncodeError) {
        if value.count != expected { throw .wrongSize(tag: tag, bytes: value.count) }
    }

    /// Strings inside a point are reported under the point's own tag.
    func position(_ tag: UInt8, _ position: Position) throws(MessageEncodeError) {
        try string(tag, position.node)
        try string(tag, position.level)
    }

    func route(_ tag: UInt8, _ route: [RoutePoint]) throws(MessageEncodeError) {
        if route.count > ProtocolLimits.maxListItems { throw .tooManyItems(tag: tag, count: route.count) }
        for routePoint in route {
            try string(tag, routePoint.node)
            try string(tag, routePoint.level)
        }
    }
}
