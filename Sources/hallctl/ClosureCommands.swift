import ArgumentParser
import Foundation
import StatusProtocol

// hallctl close, open and closures: the live hall's closures on a running halld, over
// its status socket. halld checks the target against its map and reads --until by its
// own clock in the hall's time zone; it keeps the closures in its state directory.

struct HalldClose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a window, a zone's windows, a place, a walkway or an area on the running halld.",
        discussion: """
            TARGET is window-16, a zone (social-insurance), a place (restroom) or one of its \
            instances (restroom@west-restroom), a walkway (edge:west-corridor-3,west-corridor-4) \
            or an area (area:east-hall). Answers send visitors to the nearest open window and \
            say why; a zone with nothing open says when it reopens. Closing a closed target \
            again replaces its reason and end. Needs an admin (status.admin_uids or \
            status.admin_groups in halld.yaml).
            """)

    @OptionGroup var socket: SocketOptions

    @Argument(help: "What to close: window-N, a zone or place id, PLACE@NODE, edge:NODE,NODE or area:ID.")
    var target: String

    @Option(help: ArgumentHelp("When it reopens by itself: HH:MM today, 'YYYY-MM-DD HH:MM' (hall time), ISO 8601 with an offset, or +30m / +2h.",
                               discussion: "Without it, it stays closed until `hallctl open`."))
    var until: String?

    @Option(help: "Why, said to visitors (e.g. 暂停服务, 系统维护; at most 40 characters). Default: 暂停服务.")
    var reason: String?

    @Option(name: .customLong("reason-en"), help: "The reason for English answers (default: temporarily closed).")
    var reasonEnglish: String?

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.close, target: target, until: until, reason: reason, reasonEn: reasonEnglish))
        if json { printRaw(raw) }
        guard header.ok else { refused(header) }
        let change = socket.result(StatusResults.ClosureChange.self, in: raw)
        if !json {
            let c = change.closure
            let end = c.until.map { "until \(StatusText.hallTime($0, now: change.now))" } ?? "until reopened"
            print("closed \(c.target) \(end) (\(c.reason ?? "暂停服务"))\(change.replaced ? "; it was closed already: reason and end replaced" : "")")
        }
        warnUnsaved(change)
    }
}

struct HalldOpen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Reopen what `hallctl close` closed on the running halld.",
        discussion: "The same TARGET as it was closed with (hallctl closures lists them). Needs an admin.")

    @OptionGroup var socket: SocketOptions

    @Argument(help: "What to reopen, as it was closed: window-16, social-insurance, edge:…, area:….")
    var target: String

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.open, target: target))
        if json { printRaw(raw) }
        guard header.ok else { refused(header) }
        let change = socket.result(StatusResults.ClosureChange.self, in: raw)
        if !json {
            let c = change.closure
            let was = c.until.map { "closed until \(StatusText.hallTime($0, now: change.now))" } ?? "closed until reopened"
            print("reopened \(c.target) (was \(was): \(c.reason ?? "暂停服务"))")
        }
        warnUnsaved(change)
    }
}

struct HalldClosures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closures",
        abstract: "List what is closed on the running halld: target, reason, since, until (hall time).")

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.closures))
        if json { printRaw(raw); return }
        guard header.ok else { refused(header) }
        let list = socket.result(StatusResults.Closures.self, in: raw)
        print(StatusText.closures(list).joined(separator: "\n"))
    }
}

/// A change halld could not write holds until it restarts: say so, on stderr.
func warnUnsaved(_ change: StatusResults.ClosureChange) {
    guard !change.saved else { return }
    FileHandle.standardError.write(Data("hallctl: warning: halld could not save the closures (\(change.saveError ?? "unknown error")): the change holds until halld restarts\n".utf8))
}
