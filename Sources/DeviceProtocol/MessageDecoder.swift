/// Payloads to messages. Fields may come in any order; unknown tags are skipped; missing
/// required fields, wrong sizes, invalid UTF-8, undefined enumeration values and values over
/// the limits are a malformed payload (PROTOCOL.md §4).
extension MessageCodec {
    public static func decode(type: UInt8, payload: [UInt8]) throws(MessageDecodeError) -> Message {
        guard let messageType = MessageType(rawValue: type) else { throw .unknownType(type) }
        switch messageType {
        case .hello:
            typealias T = Tag.Hello
            let fields = try TLVFields(payload, known: [T.deviceID, T.kind, T.firmware, T.capabilities, T.clientNonce])
            return .hello(deviceID: try fields.string(T.deviceID),
                          kind: try enumeration(fields, T.kind, DeviceKind.init(rawValue:)),
                          firmware: try fields.string(T.firmware),
                          capabilities: Capabilities(rawValue: try fields.u32(T.capabilities)),
                          clientNonce: try fields.bytes(T.clientNonce, size: ProtocolLimits.nonceBytes))
        case .challenge:
            let fields = try TLVFields(payload, known: [Tag.Challenge.serverNonce])
            return .challenge(serverNonce: try fields.bytes(Tag.Challenge.serverNonce, size: ProtocolLimits.nonceBytes))
        case .authenticate:
            let fields = try TLVFields(payload, known: [Tag.Authenticate.proof])
            return .authenticate(proof: try fields.bytes(Tag.Authenticate.proof, size: ProtocolLimits.proofBytes))
        case .authResult:
            typealias T = Tag.AuthResult
            let fields = try TLVFields(payload, known: [T.accepted, T.heartbeatSeconds, T.reason, T.code])
            let accepted = try fields.u8(T.accepted)
            guard accepted <= 1 else { throw .malformedPayload(.invalidValue(tag: T.accepted, value: UInt32(accepted))) }
            // 0, or the field left out: no code.
            let code = fields.has(T.code) ? try fields.u8(T.code) : 0
            guard code == 0 || NakCode(rawValue: code) != nil else { throw .malformedPayload(.invalidValue(tag: T.code, value: UInt32(code))) }
            return .authResult(accepted: accepted == 1, heartbeatSeconds: try fields.u16(T.heartbeatSeconds),
                               reason: try fields.optionalString(T.reason), code: NakCode(rawValue: code))
        case .heartbeat:
            typealias T = Tag.Heartbeat
            let fields = try TLVFields(payload, known: [T.state, T.battery, T.position])
            let battery = try fields.u8(T.battery)
            guard battery <= 100 || battery == 255 else { throw .malformedPayload(.invalidValue(tag: T.battery, value: UInt32(battery))) }
            return .heartbeat(state: try enumeration(fields, T.state, RobotState.init(rawValue:)), battery: battery,
                              position: try position(fields, T.position))
        case .query:
            typealias T = Tag.Query
            let fields = try TLVFields(payload, known: [T.queryID, T.text, T.language, T.confidence, T.newVisitor])
            let confidence = try fields.u8(T.confidence)
            guard confidence <= 100 else { throw .malformedPayload(.invalidValue(tag: T.confidence, value: UInt32(confidence))) }
            let newVisitor = fields.has(T.newVisitor) ? try fields.u8(T.newVisitor) : 0
            guard newVisitor <= 1 else { throw .malformedPayload(.invalidValue(tag: T.newVisitor, value: UInt32(newVisitor))) }
            return .query(queryID: try fields.u32(T.queryID), text: try fields.string(T.text),
                          language: try fields.string(T.language), confidence: confidence, newVisitor: newVisitor == 1)
        case .answer:
            return .answer(try answer(payload))
        case .lead:
            typealias T = Tag.Lead
            let fields = try TLVFields(payload, repeatable: [T.routePoint], known: [T.leadID, T.destination, T.routePoint])
            return .lead(leadID: try fields.u32(T.leadID), destination: try fields.string(T.destination),
                         route: try route(fields, T.routePoint))
        case .leadProgress:
            typealias T = Tag.LeadProgress
            let fields = try TLVFields(payload, known: [T.leadID, T.status, T.position])
            return .leadProgress(leadID: try fields.u32(T.leadID),
                                 status: try enumeration(fields, T.status, LeadStatus.init(rawValue:)),
                                 position: try position(fields, T.position))
        case .recall:
            let fields = try TLVFields(payload, known: [Tag.Recall.reason])
            return .recall(reason: try fields.optionalString(Tag.Recall.reason))
        case .display:
            typealias T = Tag.Display
            let fields = try TLVFields(payload, repeatable: [T.routePoint],
                                       known: [T.displayID, T.destination, T.title, T.text, T.routePoint, T.ttlSeconds])
            return .display(displayID: try fields.u32(T.displayID), destination: try fields.optionalString(T.destination),
                            title: try fields.optionalString(T.title), text: try fields.optionalString(T.text),
                            route: try route(fields, T.routePoint), ttlSeconds: try fields.u16(T.ttlSeconds))
        case .notice:
            typealias T = Tag.Notice
            let fields = try TLVFields(payload, known: [T.topic, T.dataVersion])
            return .notice(topic: try enumeration(fields, T.topic, NoticeTopic.init(rawValue:)),
                           dataVersion: try fields.optionalString(T.dataVersion))
        case .ack:
            let fields = try TLVFields(payload, known: [Tag.Ack.sequence])
            return .ack(sequence: try fields.u16(Tag.Ack.sequence))
        case .nak:
            typealias T = Tag.Nak
            let fields = try TLVFields(payload, known: [T.sequence, T.code, T.detail])
            return .nak(sequence: try fields.u16(T.sequence), code: try enumeration(fields, T.code, NakCode.init(rawValue:)),
                        detail: try fields.optionalString(T.detail))
        }
    }

    private static func answer(_ payload: [UInt8]) throws(MessageDecodeError) -> Answer {
        typealias T = Tag.Answer
        let fields = try TLVFields(
            payload, repeatable: [T.candidate, T.routePoint, T.step],
            known: [T.queryID, T.outcome, T.destination, T.candidate, T.text, T.language, T.prompt,
                    T.routePoint, T.step, T.decimetres, T.seconds, T.lead])
        return Answer(
            queryID: try fields.u32(T.queryID),
            outcome: try enumeration(fields, T.outcome, Outcome.init(rawValue:)),
            destination: try fields.optionalString(T.destination),
            candidates: try fields.strings(T.candidate),
            text: try fields.string(T.text),
            language: try fields.string(T.language),
            prompt: try fields.string(T.prompt),
            route: try route(fields, T.routePoint),
            steps: try fields.strings(T.step),
            decimetres: fields.has(T.decimetres) ? try fields.u32(T.decimetres) : 0,
            seconds: fields.has(T.seconds) ? try fields.u16(T.seconds) : 0,
            lead: fields.has(T.lead) ? try enumeration(fields, T.lead, LeadOffer.init(rawValue:)) : .notApplicable)
    }

    private static func enumeration<E>(_ fields: TLVFields, _ tag: UInt8, _ make: (UInt8) -> E?) throws(MessageDecodeError) -> E {
        let raw = try fields.u8(tag)
        guard let value = make(raw) else { throw .malformedPayload(.invalidValue(tag: tag, value: UInt32(raw))) }
        return value
    }

    private static let pointTags: TagSet = [Tag.Point.node, Tag.Point.x, Tag.Point.y, Tag.Point.level]

    /// A point's fields are all optional: an unknown position is an empty one. Parsed in
    /// place: a route has dozens of points, and each would otherwise cost a field table.
    private static func point(_ bytes: [UInt8], _ range: Range<Int>) throws(MessageDecodeError) -> (String, Int32, Int32, String) {
        var counts = InlineArray<64, UInt16>(repeating: 0)
        var node: Range<Int>?, x: Range<Int>?, y: Range<Int>?, level: Range<Int>?
        try TLVFields.walk(bytes, range, repeatable: [], known: pointTags, counts: &counts) { tag, value in
            switch tag {
            case Tag.Point.node: node = value
            case Tag.Point.x: x = value
            case Tag.Point.y: y = value
            default: level = value
            }
        }
        func coordinate(_ tag: UInt8, _ value: Range<Int>?) throws(MessageDecodeError) -> Int32 {
            guard let value else { return 0 }
            guard value.count == 4 else { throw .malformedPayload(.wrongSize(tag: tag, size: value.count)) }
            return bytes.littleEndian(Int32.self, at: value.lowerBound)
        }
        return (try node.map { r throws(MessageDecodeError) in try TLVFields.string(bytes, Tag.Point.node, r) } ?? "",
                try coordinate(Tag.Point.x, x), try coordinate(Tag.Point.y, y),
                try level.map { r throws(MessageDecodeError) in try TLVFields.string(bytes, Tag.Point.level, r) } ?? "")
    }

    private static func position(_ fields: TLVFields, _ tag: UInt8) throws(MessageDecodeError) -> Position {
        var found: Range<Int>?
        try fields.forEach(tag) { range throws(MessageDecodeError) in if found == nil { found = range } }
        guard let found else { return Position() }
        let (node, x, y, level) = try point(fields.payload, found)
        return Position(node: node, xCentimetres: x, yCentimetres: y, level: level)
    }

    private static func route(_ fields: TLVFields, _ tag: UInt8) throws(MessageDecodeError) -> [RoutePoint] {
        var route: [RoutePoint] = []
        try fields.forEach(tag) { range throws(MessageDecodeError) in
            let (node, x, y, level) = try point(fields.payload, range)
            route.append(RoutePoint(node: node, xCentimetres: x, yCentimetres: y, level: level))
        }
        return route
    }
}
