import ArgumentParser
import DeviceProtocol
import DeviceSessions
import DeviceSimulation
import Foundation

/// hallsim: simulated robots and index screens speaking the real protocol to halld.
@main
struct HallSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallsim",
        abstract: "Simulated HallGuide robots and screens, for tests, demos and load.",
        subcommands: [Robot.self, Screen.self, Load.self, Queue.self])
}

/// How to reach halld and who to be.
struct DeviceOptions: ParsableArguments {
    @Option(help: "Device id (as in halld's configuration).") var id: String
    @Option(help: "Connect over TCP to HOST:PORT.") var tcp: String?
    @Option(help: "Connect over halld's WebSocket device link at HOST:PORT (its HTTP listener; JSON frames on /ws/device).") var ws: String?
    @Option(help: "Connect over a serial port (a path; a pty as /dev/../../../ABSOLUTE/PATH).") var serial: String?
    @Option(help: "Pre-shared key (hex:…, base64:…, text:…); default: the development key of the id.") var key: String?

    func device(kind: DeviceKind) throws -> SimulatedDevice {
        let transport: any ByteTransport
        if let tcp {
            guard let address = HostPort.parse(tcp) else { throw ValidationError("--tcp must be HOST:PORT") }
            transport = try TCPTransport(host: address.host, port: address.port)
        } else if let ws {
            guard let address = HostPort.parse(ws) else { throw ValidationError("--ws must be HOST:PORT") }
            transport = try WebSocketTransport(host: address.host, port: address.port)
        } else if let serial {
            transport = try SerialTransport(path: serial)
        } else {
            throw ValidationError("give --tcp HOST:PORT, --ws HOST:PORT or --serial PATH")
        }
        let keyBytes = try key.map { text -> [UInt8] in
            guard let bytes = DeviceKey.parse(text) else { throw ValidationError("--key must be hex:…, base64:… or text:…") }
            return bytes
        } ?? DeviceKey.development(for: id)
        return SimulatedDevice(id: id, kind: kind, key: keyBytes, transport: transport)
    }
}


func printAnswer(_ answer: Answer, json: Bool) {
    if json {
        let object: [String: Any] = [
            "query_id": answer.queryID, "outcome": ["", "route", "clarify", "fallback"][Int(answer.outcome.rawValue)],
            "destination": answer.destination, "candidates": answer.candidates, "answer": answer.text,
            "prompt": answer.prompt, "route": answer.route.map(\.node), "metres": Double(answer.decimetres) / 10,
            "seconds": answer.seconds, "lead": ["n/a", "will lead", "busy", "unavailable"][Int(answer.lead.rawValue)],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    } else {
        let target = answer.destination.isEmpty ? answer.candidates.joined(separator: "|") : answer.destination
        print("\(["", "route", "clarify", "fallback"][Int(answer.outcome.rawValue)]) \(target): \(answer.text)")
    }
}

/// Connects, asks, prints; shared by robot and screen.
func askOnce(_ options: DeviceOptions, kind: DeviceKind, questions: [String], json: Bool, follow: Bool,
             newVisitor: Bool = false) throws {
    let device = try options.device(kind: kind)
    do {
        try device.connect()
        for (index, q) in questions.enumerated() {
            // The questions of one run are one visitor's turns; --new-visitor says the first
            // starts afresh (a robot's "new person in front of me" signal).
            let answer = try device.ask(q, newVisitor: newVisitor && index == 0)
            printAnswer(answer, json: json)
            if follow, answer.lead == .willLead {
                // Walk the lead like a robot would: accept, arrive, return, dock.
                try device.listen(milliseconds: 200)
                for case let .lead(leadID, destination, _) in device.received {
                    for status in [LeadStatus.accepted, .arrived, .returning, .docked] {
                        try device.send(.leadProgress(leadID: leadID, status: status, position: Position(node: destination)))
                    }
                }
            }
        }
        device.close()
    } catch {
        device.close()
        FileHandle.standardError.write(Data("hallsim: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct Robot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A welcome robot: ask questions, follow leads.")
    @OptionGroup var options: DeviceOptions
    @Option(help: "A question to ask (repeatable).") var ask: [String] = []
    @Flag(help: "Print answers as JSON.") var json = false
    @Flag(help: "Report lead progress (accepted, arrived, returning, docked) for leads received.") var followLeads = false
    @Flag(help: "Signal a new visitor with the first question: nothing carries over from earlier turns.") var newVisitor = false

    func run() throws {
        try askOnce(options, kind: .robot, questions: ask, json: json, follow: followLeads, newVisitor: newVisitor)
    }
}

struct Screen: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An index screen: ask questions, show routes.")
    @OptionGroup var options: DeviceOptions
    @Option(help: "A question to ask (repeatable).") var ask: [String] = []
    @Flag(help: "Print answers as JSON.") var json = false
    @Flag(help: "Signal a new visitor with the first question: nothing carries over from earlier turns.") var newVisitor = false

    func run() throws { try askOnce(options, kind: .screen, questions: ask, json: json, follow: false, newVisitor: newVisitor) }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Many devices asking at a fixed rate; prints latency percentiles.")
    @Option(help: "halld's TCP address.") var tcp: String
    @Option(help: "Device ids: PREFIX-1 … PREFIX-N (configured in halld with development keys).") var prefix = "load-robot"
    @Option(help: "Number of devices.") var devices = 50
    @Option(help: "Questions per second in total.") var rate = 5000.0
    @Option(help: "Seconds to run.") var seconds = 10.0
    @Option(help: "A file with one question per line (a TAB ends the question).") var questions: String?

    func run() throws {
        guard let address = HostPort.parse(tcp) else { throw ValidationError("--tcp must be HOST:PORT") }
        let list = try questions.map { path in
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
        } ?? ["护照在哪办", "厕所在哪", "社保在哪办", "where is the toilet", "三十号窗口怎么走", "办证"]
        let runner = LoadRunner(host: address.host, port: address.port,
                                devices: (1...devices).map { .init(id: "\(prefix)-\($0)", kind: .robot, key: DeviceKey.development(for: "\(prefix)-\($0)")) },
                                rate: rate, seconds: seconds, questions: list)
        let r = runner.run()
        print(String(format: "%d answers in %.1f s: %.0f answers/s, p50 %.0f µs, p99 %.0f µs, max %.0f µs, %d failures",
                     r.answers, r.seconds, r.answersPerSecond, r.percentile(50) / 1000, r.percentile(99) / 1000,
                     (r.latencies.last ?? .nan) / 1000, r.failures))
        for e in r.errors.prefix(5) { print("error: \(e)") }
        if r.failures > 0 || !r.errors.isEmpty { throw ExitCode(1) }
    }
}
