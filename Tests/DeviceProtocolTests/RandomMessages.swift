import DeviceProtocol

/// Random messages of every case, within the protocol's limits, from a seeded generator.
enum RandomMessages {
    static func message(using generator: inout SeededGenerator) -> Message {
        message(of: MessageType.allCases.randomElement(using: &generator)!, using: &generator)
    }

    static func message(of type: MessageType, using g: inout SeededGenerator) -> Message {
        switch type {
        case .hello:
            return .hello(deviceID: string(&g), kind: DeviceKind.allCases.randomElement(using: &g)!, firmware: string(&g),
                          capabilities: Capabilities(rawValue: UInt32.random(in: 0...UInt32.max, using: &g)),
                          clientNonce: bytes(16, &g))
        case .challenge: return .challenge(serverNonce: bytes(16, &g))
        case .authenticate: return .authenticate(proof: bytes(32, &g))
        case .authResult:
            return .authResult(accepted: Bool.random(using: &g), heartbeatSeconds: UInt16.random(in: 0...UInt16.max, using: &g),
                               reason: string(&g), code: Bool.random(using: &g) ? nil : NakCode.allCases.randomElement(using: &g)!)
        case .heartbeat:
            let battery: UInt8 = Bool.random(using: &g) ? 255 : UInt8.random(in: 0...100, using: &g)
            return .heartbeat(state: RobotState.allCases.randomElement(using: &g)!, battery: battery, position: position(&g))
        case .query:
            return .query(queryID: UInt32.random(in: 0...UInt32.max, using: &g), text: string(&g), language: string(&g),
                          confidence: UInt8.random(in: 0...100, using: &g), newVisitor: Bool.random(using: &g))
        case .answer:
            return .answer(Answer(
                queryID: UInt32.random(in: 0...UInt32.max, using: &g), outcome: Outcome.allCases.randomElement(using: &g)!,
                destination: string(&g), candidates: list(&g) { string(&$0) }, text: string(&g), language: string(&g),
                prompt: string(&g), route: list(&g) { routePoint(&$0) }, steps: list(&g) { string(&$0) },
                decimetres: UInt32.random(in: 0...UInt32.max, using: &g), seconds: UInt16.random(in: 0...UInt16.max, using: &g),
                lead: LeadOffer.allCases.randomElement(using: &g)!))
        case .lead:
            return .lead(leadID: UInt32.random(in: 0...UInt32.max, using: &g), destination: string(&g), route: list(&g) { routePoint(&$0) })
        case .leadProgress:
            return .leadProgress(leadID: UInt32.random(in: 0...UInt32.max, using: &g),
                                 status: LeadStatus.allCases.randomElement(using: &g)!, position: position(&g))
        case .recall: return .recall(reason: string(&g))
        case .display:
            return .display(displayID: UInt32.random(in: 0...UInt32.max, using: &g), destination: string(&g), title: string(&g),
                            text: string(&g), route: list(&g) { routePoint(&$0) }, ttlSeconds: UInt16.random(in: 0...UInt16.max, using: &g))
        case .notice: return .notice(topic: NoticeTopic.allCases.randomElement(using: &g)!, dataVersion: string(&g))
        case .ack: return .ack(sequence: UInt16.random(in: 0...UInt16.max, using: &g))
        case .nak:
            return .nak(sequence: UInt16.random(in: 0...UInt16.max, using: &g), code: NakCode.allCases.randomElement(using: &g)!,
                        detail: string(&g))
        }
    }

    /// Short strings mixing ASCII, Chinese, an emoji and the empty string.
    static func string(_ g: inout SeededGenerator) -> String {
        let pieces = ["", "a", "robot-north", "护照", "在哪里办", "窗口12", "→", "🙂", " ", "L1", "\u{0}", "é"]
        return (0..<Int.random(in: 0...4, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    static func bytes(_ count: Int, _ g: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    static func list<T>(_ g: inout SeededGenerator, _ item: (inout SeededGenerator) -> T) -> [T] {
        (0..<Int.random(in: 0...5, using: &g)).map { _ in item(&g) }
    }

    static func position(_ g: inout SeededGenerator) -> Position {
        Position(node: string(&g), xCentimetres: Int32.random(in: Int32.min...Int32.max, using: &g),
                 yCentimetres: Int32.random(in: Int32.min...Int32.max, using: &g), level: string(&g))
    }

    static func routePoint(_ g: inout SeededGenerator) -> RoutePoint {
        let position = position(&g)
        return RoutePoint(node: position.node, xCentimetres: position.xCentimetres, yCentimetres: position.yCentimetres,
                          level: position.level)
    }
}
