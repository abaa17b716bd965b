/// Which rule of the conversation contract (SPEC "The conversation contract") decided a
/// turn from the visitor's earlier turns; shown by `hallctl explain` and kept in the query log.
public enum ContextRule: Sendable, Hashable {
    /// After a clarify: the reply named one of the destinations offered ("医保").
    case pickedByName
    /// After a clarify: the reply pointed at one by its place in the offer ("第二个", "后面那个").
    case pickedByOrdinal(Int)
    /// After a clarify: the reply described one ("看病那个", "开车的那个").
    case pickedByDescription
    /// After a clarify: the reply rejected every offer ("都不是").
    case rejectedAll
    /// After a clarify: the reply picked nothing ("嗯", "再说一遍"): asked back once more.
    case askedAgain
    /// After asking back twice, the reply still picked nothing, or after an answer said
    /// twice the visitor still did not catch it: the consultation desk.
    case gaveUp
    /// After an answer: a follow-up that names nothing new ("几号窗口", "怎么走") is about
    /// the same destination.
    case sameDestination
    /// After a window was answered: a reply correcting the number ("sorry, I meant 38",
    /// "我是说14") goes to that window.
    case correctedWindow
    /// After an answer: a reply correcting it ("不对，我是说交税", "I meant the tax one") that
    /// names the same destination among others: not that one again.
    case corrected
    /// After an answer: a reply that did not catch it ("啊？", "再说一遍", "pardon") hears it again.
    case repeated
    /// After an answer: a follow-up that names the destination just answered and a new one
    /// ("那退休以后医保咋弄" after 办退休) is about the new one.
    case newThingNamed

    /// A short stable code for the query log and metrics.
    public var code: String {
        switch self {
        case .pickedByName: "picked-by-name"
        case .pickedByOrdinal: "picked-by-ordinal"
        case .pickedByDescription: "picked-by-description"
        case .rejectedAll: "rejected-all"
        case .askedAgain: "asked-again"
        case .gaveUp: "gave-up"
        case .sameDestination: "same-destination"
        case .correctedWindow: "corrected-window"
        case .corrected: "corrected"
        case .repeated: "repeated"
        case .newThingNamed: "new-thing-named"
        }
    }

    public var summary: String {
        switch self {
        case .pickedByName: "the reply named one of the destinations offered"
        case .pickedByOrdinal(let n): "the reply pointed at offer \(n)"
        case .pickedByDescription: "the reply described one of the destinations offered"
        case .rejectedAll: "the reply rejected every destination offered"
        case .askedAgain: "the reply picked nothing: asked back once more"
        case .gaveUp: "asked back or answered twice and still nothing caught: the consultation desk"
        case .sameDestination: "a follow-up naming nothing new, about the destination just answered"
        case .correctedWindow: "after a window was answered, the reply corrected its number"
        case .corrected: "the reply corrected the answer before: the destination just answered is set aside"
        case .repeated: "the reply did not catch the answer: it is given again"
        case .newThingNamed: "a follow-up named the destination just answered and a new one: about the new one"
        }
    }
}
