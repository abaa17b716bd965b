import DeviceProtocol
import HallAnswers
import HallModel
import HallTime

/// A device as the conversation knows it: who, what, and where questions are routed from.
public struct ConversationDevice: Sendable, Hashable {
    public var id: String
    public var kind: DeviceKind
    public var station: String

    public init(id: String, kind: DeviceKind, station: String) {
        self.id = id
        self.kind = kind
        self.station = station
    }
}

/// What happened on a device's link, as far as the hall is concerned.
public enum ConversationEvent: Sendable, Hashable {
    /// The device authenticated; what it can do.
    case connected(capabilities: Capabilities)
    case heartbeat(state: RobotState, battery: UInt8, position: Position)
    case query(queryID: UInt32, text: String, language: String, newVisitor: Bool)
    case leadProgress(leadID: UInt32, status: LeadStatus, position: Position)
    /// The device refused one of our messages.
    case refused(Message, code: NakCode)
    /// One of our messages never reached the device.
    case undelivered(Message)
    case disconnected
}

/// What the conversation asks the edges to do. The daemon's executor carries these out;
/// the test kit records them.
public enum ConversationEffect: Sendable {
    /// To the device whose event this was, in order, after its acks.
    case reply(Message)
    /// To another device.
    case deliver(Message, to: String)
    /// A spoken prompt where the device stands (its own speaker, or the place's).
    case speak(Speech, at: ConversationDevice)
    /// One answered question for the query log.
    case record(AnsweredQuestion)
    case log(ConversationLog)
}

public struct Speech: Sendable, Hashable {
    /// The recorded prompt ("intent/exit-entry", "window/12", "clarify", "fallback").
    public var prompt: String
    public var language: Language
    /// What the prompt says, for synthesis when there is no recording.
    public var sentence: String
}

/// One question as it was answered, for the query log. A class: the answer is several
/// hundred bytes, and effects are passed around by value.
public final class AnsweredQuestion: Sendable {
    public let device: ConversationDevice
    /// The question as asked, ID-card and phone numbers redacted.
    public let question: String
    /// Nil when the hall could not answer at all (see `error`); the device was sent to the desk.
    public let answer: HallAnswers.Answer?
    public let error: String?
    /// The hall that answered: the log normalises the text as its matcher did.
    public let hall: Hall

    public init(device: ConversationDevice, question: String, answer: HallAnswers.Answer?, error: String?, hall: Hall) {
        self.device = device
        self.question = question
        self.answer = answer
        self.error = error
        self.hall = hall
    }
}

public struct ConversationLog: Sendable, Hashable {
    public enum Level: Sendable, Hashable { case debug, info, notice, warning, error }
    public var level: Level
    public var message: String

    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }
}

/// How many questions were answered, by outcome; how many could not be.
public struct AnswerStats: Sendable, Hashable {
    public var answered = 0
    public var byOutcome: [String: Int] = [:]
    public var failed = 0

    public init() {}
}

public struct ConversationSettings: Sendable, Hashable {
    /// How long a booked lead waits for the robot's heartbeats to show it.
    public var leadGrace: Duration = .seconds(30)
    /// How long a screen shows a route asked elsewhere.
    public var displaySeconds: UInt16 = 60
    /// A device's visitor context ends after this long without a question (halld.yaml
    /// `conversation: idle_seconds:`): the next question is a new visitor's.
    public var visitorIdle: Duration = .seconds(60)

    public init() {}
}
