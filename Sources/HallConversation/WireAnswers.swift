import DeviceProtocol
import HallAnswers
import HallModel
import IntentMatching
import Wayfinding

/// The device form of an answer: coordinates in centimetres, distance in decimetres, and
/// what the robot says about walking with the visitor; fitted to one frame.
enum WireAnswer {
    static func make(_ answer: HallAnswers.Answer, queryID: UInt32, lead: LeadOffer, asker: DeviceKind) -> DeviceProtocol.Answer {
        let outcome: Outcome = switch answer.outcome {
        case .route: .route
        case .clarify: .clarify
        case .fallback: .fallback
        }
        let route = answer.route
        var text = answer.answer
        if asker == .robot, let sentence = LeadWording.sentence(lead, answer.language) {
            let separator = answer.language == .zh ? "" : " "
            text.reserveCapacity(text.utf8.count + separator.utf8.count + sentence.utf8.count)
            text += separator
            text += sentence
        }
        return fitted(DeviceProtocol.Answer(
            queryID: queryID, outcome: outcome, destination: answer.destination ?? "", candidates: answer.candidates,
            text: text, language: answer.language.rawValue, prompt: answer.prompt,
            route: route?.points.map(routePoint) ?? [],
            steps: [],
            decimetres: UInt32(((route?.metres ?? 0) * 10).rounded()),
            seconds: UInt16(clamping: route?.seconds ?? 0), lead: lead), steps: route?.steps ?? [])
    }

    static func routePoint(_ point: HallAnswers.Answer.Route.Point) -> RoutePoint {
        RoutePoint(node: point.node, xCentimetres: Int32((point.x * 100).rounded()), yCentimetres: Int32((point.y * 100).rounded()),
                   level: point.level)
    }

    /// What the steps add to the payload, or nil when a receiver would refuse them.
    private static func checkedSize(of steps: [Directions.Step]) -> Int? {
        guard steps.count <= ProtocolLimits.maxListItems else { return nil }
        var total = 0
        for step in steps {
            guard let size = MessageCodec.checkedFieldSize(step.text) else { return nil }
            total += size
        }
        return total
    }

    /// An answer within the protocol's frame limit: a long English answer first loses its
    /// separate steps (the text says them too), then route points between turns, then text.
    static func fitted(_ answer: consuming DeviceProtocol.Answer, steps: [Directions.Step]) -> DeviceProtocol.Answer {
        // Sized, not built: the session frames the answer once, after this.
        var a = consume answer
        // The steps are sized on top of the rest before they are built: they are the first
        // to go, and often do. (The rest refused: so is it with them.)
        if let rest = try? MessageCodec.checkedPayloadSize(a) {
            if !steps.isEmpty, let stepBytes = checkedSize(of: steps), rest + stepBytes <= FrameLayout.maxPayload {
                a.steps = steps.map { $0.text }
            }
            return a
        }
        if a.route.count > 2 {
            // Keep the ends and every point where the heading changes.
            var kept: [RoutePoint] = []
            kept.reserveCapacity(a.route.count)
            kept.append(a.route[0])
            for i in 1..<(a.route.count - 1) {
                let p = a.route[i - 1], q = a.route[i], r = a.route[i + 1]
                let cross = Int64(q.xCentimetres - p.xCentimetres) * Int64(r.yCentimetres - q.yCentimetres)
                    - Int64(q.yCentimetres - p.yCentimetres) * Int64(r.xCentimetres - q.xCentimetres)
                if cross != 0 || q.level != p.level || q.level != r.level { kept.append(q) }
            }
            kept.append(a.route[a.route.count - 1])
            a.route = kept
        }
        // Only the text changes from here on: the rest is sized once (nil: the rest is refused
        // anyway, and the text is cut as far as it goes, as before), then each cut by its bytes.
        var text = a.text
        a.text = ""
        let rest = try? MessageCodec.checkedPayloadSize(a)
        func textFits(_ text: String) -> Bool {
            guard let rest else { return false }
            let bytes = text.utf8.count
            return bytes <= ProtocolLimits.maxStringBytes && rest + bytes <= FrameLayout.maxPayload
        }
        // Characters are counted (a walk over the text) only when it has to be cut.
        while !textFits(text) {
            let characters = text.count
            guard characters > 40 else { break }
            text = String(text.prefix(characters * 3 / 4)) + "…"
        }
        a.text = text
        return a
    }
}

/// What a robot says about walking with the visitor, after the directions. The hall's
/// answers never promise it themselves: only the robot knows whether it is free.
enum LeadWording {
    static func sentence(_ offer: LeadOffer, _ language: Language) -> String? {
        switch (offer, language) {
        case (.willLead, .zh): "请跟我来，我带您过去。"
        case (.willLead, .en): "Please follow me; I'll take you there."
        case (.busy, .zh), (.unavailable, .zh): "我现在不能带您过去，请按屏幕上的路线前往。"
        case (.busy, .en), (.unavailable, .en): "I can't walk there with you right now; please follow the route on the screen."
        case (.notApplicable, _): nil
        }
    }
}
