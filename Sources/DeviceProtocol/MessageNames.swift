extension Message {
    /// A short name for logs.
    public var typeName: String {
        switch self {
        case .hello: "hello"
        case .challenge: "challenge"
        case .authenticate: "authenticate"
        case .authResult: "authResult"
        case .heartbeat: "heartbeat"
        case .query: "query"
        case .answer: "answer"
        case .lead: "lead"
        case .leadProgress: "leadProgress"
        case .recall: "recall"
        case .display: "display"
        case .notice: "notice"
        case .ack: "ack"
        case .nak: "nak"
        }
    }
}
