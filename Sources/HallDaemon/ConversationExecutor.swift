import AudioPrompts
import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallConversation
import HallModel
import HallTime
import IntentMatching
import Logging
import Synchronization

/// Where answered questions go (the query log).
public protocol AnswerRecorder: Sendable {
    /// Must only queue the record, never wait: it is on the answer path.
    func record(_ question: AnsweredQuestion, latency: Duration, at time: Date)
}

/// Carries out the conversation's effects at the edges: replies go back to the link,
/// deliveries through the hub, prompts to the audio outputs, records to the query log,
/// log lines to the logger. The conversation itself is pure and lives under one lock;
/// effects run after the lock is let go.
public final class ConversationExecutor: DeviceEventHandler, Sendable {
    private let conversation: Mutex<Conversation>
    let hub: DeviceHub
    let audio: AudioSystem?
    let recorder: (any AnswerRecorder)?
    let metrics: HallMetrics?
    let clock: any HallClock
    let logger: Logger

    public init(conversation: Conversation, hub: DeviceHub, audio: AudioSystem?, recorder: (any AnswerRecorder)?,
                metrics: HallMetrics?, clock: any HallClock, logger: Logger) {
        self.conversation = Mutex(conversation)
        self.hub = hub
        self.audio = audio
        self.recorder = recorder
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    public func handle(_ sessionEvent: SessionEvent, from device: LinkedDevice, now: Instant) -> [Message] {
        let event: ConversationEvent
        switch sessionEvent {
        case .authenticated(_, _, let capabilities): event = .connected(capabilities: capabilities)
        case let .heartbeat(state, battery, position): event = .heartbeat(state: state, battery: battery, position: position)
        case let .query(queryID, text, language, _, newVisitor):
            event = .query(queryID: queryID, text: text, language: language, newVisitor: newVisitor)
        case let .leadProgress(leadID, status, position): event = .leadProgress(leadID: leadID, status: status, position: position)
        case let .refused(message, code, _): event = .refused(message, code: code)
        case let .undelivered(message, _): event = .undelivered(message)
        case .ended: event = .disconnected
        }
        let asker = ConversationDevice(id: device.id, kind: device.kind, station: device.station)
        let date = clock.wallClock()
        let (effects, duration) = conversation.withLock { conversation in
            let started = clock.now()
            let effects = conversation.handle(event, from: asker, now: now, date: date)
            return (effects, clock.now() - started)
        }
        return carryOut(effects, duration: duration)
    }

    /// The hall in use.
    public var hall: Hall { conversation.withLock { $0.hall } }

    /// Swaps in new hall data (a validated reload); screens that take notices are told.
    public func replaceHall(_ hall: Hall) {
        let date = clock.wallClock()
        let effects = conversation.withLock { $0.replaceHall(hall, date: date) }
        _ = carryOut(effects, duration: .zero)
    }

    /// Sends a robot back to its station; false when it is not online.
    public func recall(robot id: String, reason: String) -> Bool {
        guard let effects = conversation.withLock({ $0.recall(robot: id, reason: reason) }) else { return false }
        _ = carryOut(effects, duration: .zero)
        return true
    }

    /// Staff closed or opened something: answers follow from the next question on.
    public func setClosures(_ closures: HallClosures) {
        let date = clock.wallClock()
        let effects = conversation.withLock { $0.setClosures(closures, date: date) }
        _ = carryOut(effects, duration: .zero)
    }

    public func setQueue(_ snapshot: QueueSnapshot?, maxAge: Double) {
        conversation.withLock { $0.setQueue(snapshot, maxAge: maxAge) }
    }

    public var closures: HallClosures { conversation.withLock { $0.live.closures } }

    /// The live hall as the conversation answers by it: the closures, their plan, the queue.
    public var live: Conversation.LiveState { conversation.withLock { $0.live } }

    public var robots: [RobotRecord] { conversation.withLock { $0.robots.values.sorted { $0.id < $1.id } } }

    public var stats: AnswerStats { conversation.withLock { $0.stats } }

    /// Runs the effects; returns the replies for the asking device, in order.
    private func carryOut(_ effects: [ConversationEffect], duration: Duration) -> [Message] {
        var replies: [Message] = []
        for effect in effects {
            switch effect {
            case .reply(let message):
                replies.append(message)
            case let .deliver(message, to: id):
                hub.deliver(message, to: id)
            case let .speak(speech, at: device):
                // Queued, never awaited: a slow or missing speaker cannot delay an answer.
                guard let audio else { continue }
                let target = audio.output(for: device.id) != nil ? device.id : device.station
                _ = audio.play(.answer(prompt: speech.prompt, language: speech.language, sentence: speech.sentence), at: target)
            case .record(let question):
                if let answer = question.answer {
                    metrics?.answered(outcome: answer.outcome.rawValue, intent: answer.intent ?? answer.destination, duration: duration)
                } else {
                    metrics?.failedAnswer()
                }
                recorder?.record(question, latency: duration, at: clock.wallClock())
            case .log(let line):
                switch line.level {
                case .debug: logger.debug("\(line.message)")
                case .info: logger.info("\(line.message)")
                case .notice: logger.notice("\(line.message)")
                case .warning: logger.warning("\(line.message)")
                case .error: logger.error("\(line.message)")
                }
            }
        }
        return replies
    }
}
