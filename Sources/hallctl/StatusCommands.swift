import ArgumentParser
import Foundation
import StatusProtocol

// hallctl's commands that talk to a running halld over its status socket. Exit codes:
// 0 done; 1 halld refused (a bad edit on reload, not authorised, robot not connected);
// 2 halld could not be asked (no socket, no permission, a reply hallctl cannot read).

struct SocketOptions: ParsableArguments {
    @Option(help: ArgumentHelp("halld's status socket.", discussion:
        "Default: $HALLGUIDE_STATUS_SOCKET, else \(StatusSocketPath.system), else \(StatusSocketPath.development) when it exists."))
    var socket: String?

    var path: String { StatusSocketPath.client(explicit: socket, environment: ProcessInfo.processInfo.environment) }

    /// Sends one request and returns the raw reply line and its header; exits 2 when
    /// halld cannot be reached or answers something that is not a reply.
    func ask(_ request: StatusRequest) throws -> (raw: [UInt8], header: StatusReplyHeader) {
        do {
            let raw = try StatusConnection(path: path).request(request)
            return (raw, try StatusWire.decoder().decode(StatusReplyHeader.self, from: Data(raw)))
        } catch let error as StatusClientError {
            fail(error.description, code: 2)
        } catch {
            fail("\(path): not a status reply: \(error)", code: 2)
        }
    }

    /// The reply's `result`, decoded as StatusProtocol's type (fields a newer halld adds
    /// are ignored; ones an older halld lacks are optional there).
    func result<T: Decodable>(_ type: T.Type, in raw: [UInt8]) -> T {
        do {
            return try StatusWire.decoder().decode(ResultEnvelope<T>.self, from: Data(raw)).result
        } catch {
            fail("\(path): unexpected reply: \(error)", code: 2)
        }
    }
}

private struct ResultEnvelope<T: Decodable>: Decodable {
    var result: T
}

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("hallctl: \(message)\n".utf8))
    exit(code)
}

func printRaw(_ raw: [UInt8]) {
    FileHandle.standardOutput.write(Data(raw) + Data("\n".utf8))
}

/// A refused request: the reply's error on stderr, exit 1.
func refused(_ header: StatusReplyHeader) -> Never {
    fail(header.error ?? "refused", code: 1)
}

struct HalldStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running halld: data version, last reload, answers, closures, the queue feed, devices, audio, malformed frames.")

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.status))
        if json { printRaw(raw); return }
        guard header.ok else { refused(header) }
        print(StatusText.render(socket.result(DaemonStatus.self, in: raw)))
    }
}

struct HalldErrors: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "Show the last malformed frames halld dropped, in hex with the error offset marked.")

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.errors))
        if json { printRaw(raw); return }
        guard header.ok else { refused(header) }
        let errors = socket.result(StatusResults.Errors.self, in: raw)
        print(StatusText.frames(badFrames: errors.badFrames, errors.malformed).joined(separator: "\n"))
    }
}

struct HalldReload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make halld re-read the map and intents; exit 0 when applied, 1 when refused.",
        discussion: """
            halld validates the files before it swaps them in. A bad edit is refused: its \
            problems are printed as file:line: problem (on stderr, like `hallctl validate`) \
            and halld keeps answering with the data it had. Needs an admin (status.admin_uids \
            or status.admin_groups in halld.yaml).
            """)

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Print halld's reply as it is (one JSON line), for scripts.")
    var json = false

    func run() throws {
        let (raw, header) = try socket.ask(StatusRequest(.reload))
        guard header.ok else {
            if json { printRaw(raw) }
            refused(header)
        }
        let reload = socket.result(DaemonStatus.Reload.self, in: raw)
        if json {
            printRaw(raw)
        } else if reload.ok {
            print("reload applied: data \(reload.dataVersion)")
        } else {
            let problems = reload.problems
            let text = problems.map { $0 + "\n" }.joined()
                + "reload refused: \(problems.count) problem\(problems.count == 1 ? "" : "s"); halld keeps data \(reload.dataVersion)\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        if !reload.ok { throw ExitCode(1) }
    }
}

struct HalldRecall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Send a robot back to its station; exit 1 when it is not connected or you are not an admin.")

    @OptionGroup var socket: SocketOptions

    @Argument(help: "The robot's device id, e.g. robot-north.")
    var robot: String

    func run() throws {
        let (_, header) = try socket.ask(StatusRequest(.recall, robot: robot))
        guard header.ok else { refused(header) }
        print("recalled \(robot)")
    }
}
