import HallModel
import Synchronization
import Wayfinding

/// Routed answers already worded, by where the visitor stands and where they go. Devices
/// stand at a handful of stations and the hall has a few dozen destinations, so the same
/// route and sentence are asked for again and again; the wording (directions text) is
/// most of an answer's cost. Belongs to one `Hall`: a reload starts a new, empty one.
final class AnswerMemo: Sendable {
    struct Key: Hashable, Sendable {
        var from: String
        var destination: String
        var intent: String?
        var profile: RouteProfile
        var language: Language
        /// What the entry holds: the whole sentence (answers without a time), or the
        /// directions alone, with or without the ticket machine (live answers add the
        /// lead and the notices around them).
        var wording: Wording = .whole
    }

    enum Wording: Hashable, Sendable {
        case whole, directions, directionsViaTicketMachine
    }

    struct Entry: Sendable {
        var route: Answer.Route
        var sentence: String
        var prompt: String
        /// Live entries: the lead sentence and the rules the route itself brings (the
        /// ticket machine, a detour round a closure), so a remembered answer builds neither.
        var lead = ""
        var rules: [LiveRule] = []
    }

    /// Enough for every station and place to every destination in both languages and
    /// profiles of a large hall; past it, answers are worded afresh (and still right).
    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int = 16_384) { self.capacity = capacity }

    func entry(_ key: Key) -> Entry? { entries.withLock { $0[key] } }

    func remember(_ entry: Entry, for key: Key) {
        entries.withLock { if $0.count < capacity { $0[key] = entry } }
    }

    var count: Int { entries.withLock { $0.count } }
}
