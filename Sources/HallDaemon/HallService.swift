import DeviceLinks
import DeviceProtocol
import HallAnswers
import HallModel
import IntentMatching
import Logging
import Synchronization
import Wayfinding

/// The hall's side of every device conversation: a question becomes an answer, a lead
/// for the asking robot when it is free, and the route on the index screens.
/// Data flows one way: link → session → here (match → route → answer) → links.
public final class HallService: DeviceEventSink {
    /// The hall in use, with its device-form answers; a reload swaps both whole.
    private let current: Mutex<HallBox>

    final class HallBox: Sendable {
        let hall: Hall
        /// Routed answers in device form, by start, destination and wording: building and
        /// fitting the wire form is a good part of an answer's cost, and devices stand at a
        /// few stations. New with each hall, so a reload never serves old words.
        let wireAnswers = Mutex<[WireKey: DeviceProtocol.Answer]>([:])
        init(_ hall: Hall) { self.hall = hall }

        func wire(for answer: HallAnswers.Answer, from station: String, queryID: UInt32) -> DeviceProtocol.Answer {
            guard answer.outcome == .route, let destination = answer.destination else {
                return HallService.fitted(HallService.wireAnswer(answer, queryID: queryID))
            }
            let key = WireKey(from: station, destination: destination, intent: answer.intent, language: answer.language)
            var wire: DeviceProtocol.Answer
            if let known = wireAnswers.withLock({ $0[key] }) {
                wire = known
            } else {
                wire = HallService.fitted(HallService.wireAnswer(answer, queryID: 0))
                wireAnswers.withLock { if $0.count < 16_384 { $0[key] = wire } }
            }
            wire.queryID = queryID
            return wire
        }
    }

    struct WireKey: Hashable, Sendable {
        var from: String
        var destination: String
        var intent: String?
        var language: Language
    }
    public let fleet: Fleet
    let logger: Logger
    private let displayCounter = Mutex<UInt32>(1)
    /// Matching buffers, reused across questions (one per event loop in use at a time).
    private let scratchPool = Mutex<[MatchScratch]>([])
    private let stats = Mutex(AnswerStats())
    /// Called after each question with what became of it, once the replies are built
    /// (audio, query log); it must only queue work, never wait.
    let onAnswer: (@Sendable (AnsweredQuestion) -> Void)?

    /// One question as it was answered, for what follows an answer (audio, the query log).
    public struct AnsweredQuestion: Sendable {
        public var device: DeviceCredentials
        /// The question as asked, ID-card and phone numbers redacted.
        public var question: String
        /// Nil when the hall could not answer at all (see `error`); the device was sent to the desk.
        public var answer: HallAnswers.Answer?
        public var error: String?
        /// Matching, routing and wording.
        public var duration: Duration
    }

    public struct AnswerStats: Sendable, Hashable {
        public var answered = 0
        public var byOutcome: [String: Int] = [:]
        public var failed = 0
    }

    let metrics: HallMetrics?

    public init(hall: Hall, robots: [String], logger: Logger, metrics: HallMetrics? = nil,
                onAnswer: (@Sendable (AnsweredQuestion) -> Void)? = nil) {
        current = Mutex(HallBox(hall))
        self.metrics = metrics
        fleet = Fleet(robotIDs: robots)
        self.logger = logger
        self.onAnswer = onAnswer
    }

    /// How long a booked lead waits for the robot's heartbeats to show it.
    static let leadGraceNanoseconds: UInt64 = 30_000_000_000

    public var hall: Hall { current.withLock { $0 }.hall }

    public func replaceHall(_ hall: Hall) {
        let box = HallBox(hall)
        current.withLock { $0 = box }
    }

    public var answerStats: AnswerStats { stats.withLock { $0 } }

    public func handle(_ event: SessionEvent, from device: DeviceCredentials, hub: DeviceHub) -> [Message] {
        switch event {
        case .authenticated:
            if device.kind == .robot { fleet.update(device.id) { if $0.activity == .offline { $0.activity = .idle } } }
            return []
        case let .heartbeat(_, state, battery, position):
            guard device.kind == .robot else { return [] }
            fleet.update(device.id) { r in
                r.battery = battery
                r.position = position
                switch state {
                case .charging, .fault: r.activity = .charging
                case .leading: r.activity = .leading
                case .returning: r.activity = .returning
                case .idle:
                    // The robot's own word wins, except right after a lead was sent, while
                    // its heartbeat may not yet reflect it.
                    if r.activity != .idle && (r.leadID == nil || MonotonicClock.now() - r.leadSince > Self.leadGraceNanoseconds) {
                        r.activity = .idle
                        r.leadID = nil
                        r.leadDestination = nil
                    }
                }
            }
            return []
        case let .query(_, queryID, text, language, _):
            return answer(queryID: queryID, text: text, language: language, from: device, hub: hub)
        case let .leadProgress(_, leadID, status, position):
            return progress(leadID: leadID, status: status, position: position, robot: device)
        case let .deliveryFailed(id, sequence):
            logger.warning("\(id): message #\(sequence) was never acknowledged")
            return []
        case let .refused(id, sequence, code, detail):
            logger.warning("\(id): refused our #\(sequence): \(code) \(detail)")
            return []
        }
    }

    public func deviceDown(_ device: DeviceCredentials, reason: CloseReason, hub: DeviceHub) {
        logger.info("\(device.id): offline (\(reason))")
        if device.kind == .robot {
            fleet.update(device.id) { $0.activity = .offline; $0.leadID = nil; $0.leadDestination = nil }
        }
    }

    private func answer(queryID: UInt32, text: String, language: String, from device: DeviceCredentials, hub: DeviceHub) -> [Message] {
        let box = current.withLock { $0 }
        let answer: HallAnswers.Answer
        let clock = ContinuousClock()
        let started = clock.now
        do {
            var scratch = scratchPool.withLock { $0.popLast() } ?? MatchScratch()
            defer { scratchPool.withLock { if $0.count < 16 { $0.append(scratch) } } }
            answer = try box.hall.answer(text, from: device.station, scratch: &scratch)
        } catch {
            stats.withLock { $0.failed += 1 }
            logger.error("\(device.id): cannot answer from '\(device.station)': \(error)")
            onAnswer?(AnsweredQuestion(device: device, question: Redaction.redact(text), answer: nil, error: "\(error)",
                                       duration: clock.now - started))
            return [.answer(DeviceProtocol.Answer(queryID: queryID, outcome: .fallback, text: "请到咨询导服台。", language: "zh", prompt: "fallback"))]
        }
        let duration = clock.now - started
        metrics?.answered(outcome: answer.outcome.rawValue, intent: answer.intent ?? answer.destination, duration: duration)
        stats.withLock { $0.answered += 1; $0.byOutcome[answer.outcome.rawValue, default: 0] += 1 }
        var wire = box.wire(for: answer, from: device.station, queryID: queryID)
        var replies: [Message] = []
        var lead: Message?
        if answer.outcome == .route, let route = answer.route, device.kind == .robot {
            let (offer, leadID) = fleet.offerLead(robot: device.id, destination: route.to)
            wire.lead = offer
            if let leadID { lead = .lead(leadID: leadID, destination: route.to, route: wire.route) }
        }
        replies.append(.answer(wire))
        if let lead { replies.append(lead) }
        if answer.outcome == .route {
            let id = displayCounter.withLock { n -> UInt32 in defer { n &+= 1 }; return n }
            let title = box.hall.map.place(answer.destination ?? "")?.name[answer.language] ?? ""
            let display = Message.display(displayID: id, destination: wire.destination, title: title, text: wire.text,
                                          route: wire.route, ttlSeconds: 60)
            for screen in hub.roster.devices.values where screen.kind == .screen && screen.id != device.id {
                hub.deliver(display, to: screen.id)
            }
        }
        onAnswer?(AnsweredQuestion(device: device, question: answer.query, answer: answer, error: nil, duration: duration))
        return replies
    }

    private func progress(leadID: UInt32, status: LeadStatus, position: Position, robot: DeviceCredentials) -> [Message] {
        var recall = false
        fleet.update(robot.id) { r in
            r.position = position
            switch status {
            case .accepted: r.activity = .leading
            case .arrived:
                r.leadsCompleted += 1
                recall = true
            case .aborted, .blocked:
                r.leadsAborted += 1
                recall = true
            case .returning: r.activity = .returning
            case .docked:
                r.activity = .idle
                r.leadID = nil
                r.leadDestination = nil
            }
        }
        // After a lead ends, the robot goes back to its station to greet the next visitor.
        return recall ? [.recall(reason: status == .arrived ? "lead finished" : "lead ended: \(status)")] : []
    }

    /// An answer within the protocol's frame limit: a long English answer first loses its
    /// separate steps (the text says them too), then route points between turns, then text.
    static func fitted(_ answer: DeviceProtocol.Answer) -> DeviceProtocol.Answer {
        // Sized, not built: the session frames the answer once, after this.
        func fits(_ a: DeviceProtocol.Answer) -> Bool {
            (try? MessageCodec.validate(.answer(a))) != nil && MessageCodec.payloadSize(.answer(a)) <= FrameLayout.maxPayload
        }
        var a = answer
        if fits(a) { return a }
        a.steps = []
        if fits(a) { return a }
        if a.route.count > 2 {
            // Keep the ends and every point where the heading changes.
            var kept = [a.route[0]]
            for i in 1..<(a.route.count - 1) {
                let p = a.route[i - 1], q = a.route[i], r = a.route[i + 1]
                let cross = Int64(q.xCentimetres - p.xCentimetres) * Int64(r.yCentimetres - q.yCentimetres)
                    - Int64(q.yCentimetres - p.yCentimetres) * Int64(r.xCentimetres - q.xCentimetres)
                if cross != 0 || q.level != p.level || q.level != r.level { kept.append(q) }
            }
            kept.append(a.route[a.route.count - 1])
            a.route = kept
        }
        while !fits(a) && a.text.count > 40 { a.text = String(a.text.prefix(a.text.count * 3 / 4)) + "…" }
        return a
    }

    /// The device form of an answer: coordinates in centimetres, distance in decimetres.
    static func wireAnswer(_ answer: HallAnswers.Answer, queryID: UInt32) -> DeviceProtocol.Answer {
        let outcome: Outcome = switch answer.outcome {
        case .route: .route
        case .clarify: .clarify
        case .fallback: .fallback
        }
        let route = answer.route
        return DeviceProtocol.Answer(
            queryID: queryID, outcome: outcome, destination: answer.destination ?? "", candidates: answer.candidates,
            text: answer.answer, language: answer.language.rawValue, prompt: answer.prompt,
            route: route?.points.map {
                RoutePoint(node: $0.node, xCentimetres: Int32(($0.x * 100).rounded()), yCentimetres: Int32(($0.y * 100).rounded()), level: $0.level)
            } ?? [],
            steps: route?.steps.map(\.text) ?? [],
            decimetres: UInt32(((route?.metres ?? 0) * 10).rounded()),
            seconds: UInt16(clamping: route?.seconds ?? 0))
    }
}
