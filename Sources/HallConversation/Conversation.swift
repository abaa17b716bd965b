import DeviceProtocol
import Foundation
import HallAnswers
import HallModel
import HallTime
import IntentMatching

/// The hall's side of every device conversation, as one pure state: a question becomes
/// an answer, a lead for the asking robot when it is free, the route on the other
/// screens, a spoken prompt and a query-log record. It holds what the hall knows of its
/// devices (who is online, what each robot is doing) and the hall data in use. Nothing
/// here does I/O or reads a clock: `handle` returns effects, which the daemon's executor
/// (or the test kit) carries out.
public struct Conversation: Sendable {
    public private(set) var hall: Hall
    public let settings: ConversationSettings
    private var devices: [String: DeviceRecord]
    public private(set) var robots: [String: RobotRecord]
    public private(set) var stats = AnswerStats()
    private var nextDisplayID: UInt32 = 1
    private var nextLeadID: UInt32 = 1
    /// The live hall: closures in force (with their plan) and the latest queue snapshot.
    public private(set) var live = LiveState()
    /// Matching buffers, reused across questions.
    private var scratch = MatchScratch()
    /// Per device: the visitor now asking there and when they last asked.
    private var visitors: [String: VisitorTurns] = [:]

    /// One visitor's context at one device (SPEC "The conversation contract").
    struct VisitorTurns: Sendable {
        var context = VisitorContext()
        var lastAsked: Instant
    }

    struct DeviceRecord: Sendable {
        var device: ConversationDevice
        var online = false
        var capabilities = Capabilities()
        /// A device written against revision 1.0 naks notices as an unknown type: it gets
        /// no more on this link (PROTOCOL.md §6.2).
        var refusesNotices = false

        /// Routes asked elsewhere are shown here: screens, and robots with a screen.
        var showsRoutes: Bool { online && (device.kind == .screen || capabilities.contains(.display)) }
        var takesNotices: Bool { showsRoutes && !refusesNotices }
    }

    public init(hall: Hall, devices: [ConversationDevice], settings: ConversationSettings = ConversationSettings()) {
        self.hall = hall
        self.settings = settings
        self.devices = Dictionary(devices.map { ($0.id, DeviceRecord(device: $0)) }, uniquingKeysWith: { first, _ in first })
        robots = Dictionary(devices.filter { $0.kind == .robot }.map { ($0.id, RobotRecord(id: $0.id)) },
                            uniquingKeysWith: { first, _ in first })
    }

    /// What of the live hall the conversation keeps.
    public struct LiveState: Sendable {
        public var closures = HallClosures()
        /// The closures applied to the hall in use; nil when there are none.
        public var plan: ClosurePlan?
        public var queue: QueueSnapshot?
        public var queueMaxAge = LiveConditions.defaultQueueMaxAge
    }

    // MARK: - The entry point

    /// One event on `device`'s link at `now` (monotonic) and `date` (the wall clock, for the
    /// hall's hours): what to do about it.
    public mutating func handle(_ event: ConversationEvent, from device: ConversationDevice, now: Instant,
                                date: Date) -> [ConversationEffect] {
        var effects: [ConversationEffect] = []
        let robotWasFree = robots[device.id]?.lead.isFree
        switch event {
        case .connected(let capabilities):
            devices[device.id, default: DeviceRecord(device: device)].online = true
            devices[device.id]?.capabilities = capabilities
            devices[device.id]?.refusesNotices = false
            robots[device.id]?.connected()
        case let .heartbeat(state, battery, position):
            if device.kind == .robot {
                Self.apply(robots[device.id]?.heartbeat(state, battery: battery, position: position, now: now, grace: settings.leadGrace),
                      robot: device.id, &effects)
            }
        case let .query(queryID, text, _, newVisitor):
            answer(queryID: queryID, text: text, newVisitor: newVisitor, from: device, now: now, date: date, &effects)
        case let .leadProgress(leadID, status, position):
            Self.apply(robots[device.id]?.progress(leadID: leadID, status: status, position: position), robot: device.id, &effects)
        case let .refused(message, code):
            if case let .lead(leadID, _, _) = message {
                Self.apply(robots[device.id]?.refusedLead(leadID, code: code, now: now), robot: device.id, &effects)
            } else if case .notice = message, code == .unknownType {
                devices[device.id]?.refusesNotices = true
                effects.append(.log(.init(.info, "\(device.id): does not take notices (revision 1.0 firmware)")))
            } else {
                effects.append(.log(.init(.warning, "\(device.id): refused our \(message.typeName): \(code)")))
            }
        case .undelivered(let message):
            if case let .lead(leadID, _, _) = message {
                Self.apply(robots[device.id]?.leadUndelivered(leadID), robot: device.id, &effects)
            }
        case .disconnected:
            devices[device.id]?.online = false
            // Whoever was asking is gone with the link: a reconnected device starts afresh.
            visitors[device.id] = nil
            Self.apply(robots[device.id]?.disconnected(), robot: device.id, &effects)
        }
        if let robotWasFree, robots[device.id]?.lead.isFree != robotWasFree {
            notice(.fleet, &effects)
        }
        return effects
    }

    /// New hall data: answers use it from the next question on; screens are told.
    public mutating func replaceHall(_ hall: Hall, date: Date) -> [ConversationEffect] {
        self.hall = hall
        // An offer made from the old data may name destinations the new data lacks.
        visitors.removeAll()
        live.plan = live.closures.isEmpty ? nil : ClosurePlan(hall: hall, closures: live.closures, at: date)
        var effects: [ConversationEffect] = []
        notice(.hall, &effects)
        return effects
    }

    /// An operator sends a robot back to its station; nil when it is not online.
    public mutating func recall(robot id: String, reason: String) -> [ConversationEffect]? {
        guard devices[id]?.online == true, robots[id] != nil else { return nil }
        let wasFree = robots[id]!.lead.isFree
        robots[id]!.recall()
        var effects: [ConversationEffect] = [.deliver(.recall(reason: reason), to: id)]
        if robots[id]!.lead.isFree != wasFree { notice(.fleet, &effects) }
        return effects
    }

    public func isOnline(_ id: String) -> Bool { devices[id]?.online == true }

    /// Closures as staff set them now; their plan (route tables that avoid them) is built
    /// here, once, not per question. Screens that take notices are told.
    public mutating func setClosures(_ closures: HallClosures, date: Date) -> [ConversationEffect] {
        live.closures = closures
        live.plan = closures.isEmpty ? nil : ClosurePlan(hall: hall, closures: closures, at: date)
        var effects: [ConversationEffect] = []
        notice(.live, &effects)
        return effects
    }

    /// The queue system's latest snapshot (nil: none); one older than `maxAge` is ignored.
    public mutating func setQueue(_ snapshot: QueueSnapshot?, maxAge: Double) {
        live.queue = snapshot
        live.queueMaxAge = maxAge
    }

    /// The live conditions at `date`; a plan one of whose closures has ended is rebuilt.
    private mutating func conditions(at date: Date) -> LiveConditions {
        if let plan = live.plan, plan.isStale(at: date) {
            let active = live.closures.active(at: date)
            live.closures = active
            live.plan = active.isEmpty ? nil : ClosurePlan(hall: hall, closures: active, at: date)
        }
        return LiveConditions(now: date, closures: live.plan, queue: live.queue, queueMaxAge: live.queueMaxAge)
    }

    // MARK: - Questions

    /// The context a question at `device` is understood in: none for a new visitor (the
    /// robot said so, or nobody asked there for the idle time).
    private mutating func visitorContext(at device: String, newVisitor: Bool, now: Instant) -> VisitorContext {
        guard !newVisitor, let turns = visitors[device], now - turns.lastAsked < settings.visitorIdle else { return VisitorContext() }
        return turns.context
    }

    /// The visitor context at a device, for the status and tests.
    public func visitorContext(at device: String) -> VisitorContext? { visitors[device]?.context }

    private mutating func answer(queryID: UInt32, text: String, newVisitor: Bool, from device: ConversationDevice, now: Instant,
                                 date: Date, _ effects: inout [ConversationEffect]) {
        let answer: HallAnswers.Answer
        let live = conditions(at: date)
        var context = visitorContext(at: device.id, newVisitor: newVisitor, now: now)
        do {
            answer = try hall.answer(text, in: &context, from: device.station, live: live, scratch: &scratch)
            visitors[device.id] = VisitorTurns(context: context, lastAsked: now)
        } catch {
            stats.failed += 1
            effects.append(.log(.init(.error, "\(device.id): cannot answer from '\(device.station)': \(error)")))
            effects.append(.reply(.answer(DeviceProtocol.Answer(queryID: queryID, outcome: .fallback, text: "请到咨询导服台。",
                                                                language: "zh", prompt: "fallback"))))
            effects.append(.record(AnsweredQuestion(device: device, question: Redaction.redact(text), answer: nil,
                                                    error: "\(error)", hall: hall)))
            return
        }
        stats.answered += 1
        stats.byOutcome[answer.outcome.rawValue, default: 0] += 1
        // The answer, a lead, the speech and the record, at least: grown once, not at 1, 2 and 4.
        effects.reserveCapacity(effects.count + 5)

        var offer = LeadOffer.notApplicable
        var leadID: UInt32?
        // Only where the destination serves now: a robot does not walk a visitor to a
        // window that is closed (the answer says when it opens).
        if answer.lead, let route = answer.route, device.kind == .robot,
           let offered = robots[device.id]?.offer(leadID: nextLeadID, destination: route.to, now: now) {
            let id = nextLeadID
            offer = offered
            if offer == .willLead {
                leadID = id
                nextLeadID = nextLeadID == .max ? 1 : nextLeadID + 1
            }
        }
        // Built afresh each time (cheap: the hall's answer memo already holds the route and
        // its words), so the hall keeps one cache of answers, not a second of wire forms.
        let wire = WireAnswer.make(answer, queryID: queryID, lead: offer, asker: device.kind)
        let destination = wire.destination, route = wire.route
        // The answer itself goes into its message (a copy would retain all its fields).
        effects.append(.reply(.answer(consume wire)))
        if let leadID {
            effects.append(.reply(.lead(leadID: leadID, destination: destination, route: route)))
        }
        // A screen shows an open destination's route; a closed one's answer says why.
        if answer.outcome == .route { display(answer, destination: destination, route: route, except: device.id, &effects) }
        effects.append(.speak(Speech(prompt: answer.prompt, language: answer.language, sentence: answer.answer), at: device))
        // The record takes the answer itself (its last use), not a copy of its fields.
        let question = answer.query
        effects.append(.record(AnsweredQuestion(device: device, question: question, answer: consume answer, error: nil, hall: hall)))
    }

    /// The route on every other screen (and robot with a screen) that is online.
    private mutating func display(_ answer: HallAnswers.Answer, destination: String, route: [RoutePoint], except asker: String,
                                  _ effects: inout [ConversationEffect]) {
        let targets = devices.values.filter { $0.showsRoutes && $0.device.id != asker }
        guard !targets.isEmpty else { return }
        let id = nextDisplayID
        nextDisplayID = nextDisplayID == .max ? 1 : nextDisplayID + 1
        let title = hall.map.place(answer.destination ?? "")?.name[answer.language] ?? ""
        let message = Message.display(displayID: id, destination: destination, title: title, text: answer.answer,
                                      route: route, ttlSeconds: settings.displaySeconds)
        for target in targets.sorted(by: { $0.device.id < $1.device.id }) { effects.append(.deliver(message, to: target.device.id)) }
    }

    private func notice(_ topic: NoticeTopic, _ effects: inout [ConversationEffect]) {
        // Only the screens that take notices are sorted (a robot's lead changes the fleet on
        // every answer it walks, and often no screen is listening).
        let takers = devices.values.filter(\.takesNotices)
        guard !takers.isEmpty else { return }
        for record in takers.sorted(by: { $0.device.id < $1.device.id }) {
            effects.append(.deliver(.notice(topic: topic, dataVersion: hall.version), to: record.device.id))
        }
    }

    /// Static: called with a robot's record being changed in place as its argument, a
    /// method would hold a copy of the whole conversation meanwhile, and the change would
    /// copy the robots' dictionary.
    private static func apply(_ actions: [RobotRecord.Action]?, robot id: String, _ effects: inout [ConversationEffect]) {
        for action in actions ?? [] {
            switch action {
            case .recall(let reason): effects.append(.reply(.recall(reason: reason)))
            case .log(let line): effects.append(.log(line))
            }
        }
    }
}
