import DeviceProtocol
import DeviceSimulation
import Foundation
import HallAnswers
import QueryLog
import HallModel

/// `hallbench devices`: halld (the real binary, a child process) serving simulated robots
/// over loopback TCP (or its WebSocket device link, `--transport ws`; `both` runs each in
/// turn against the same halld, so the two round trips are measured side by side) at a
/// fixed rate; answers/s, latency from query sent to answer
/// received, halld's memory over the run, and the asyncio JSON floor from the peers.
enum DeviceBench {
    static func run(arguments: [String]) throws {
        var devices = 50, rate = 5000.0, seconds = 10.0, queryLog = true
        var links: [LoadRunner.Link] = [.tcp]
        var queriesPath = "../shared/hall/queries-dev.tsv", peersPath = "../shared/bench-peers"
        var it = arguments.makeIterator()
        while let a = it.next() {
            switch a {
            case "--devices": devices = Int(it.next() ?? "") ?? devices
            case "--rate": rate = Double(it.next() ?? "") ?? rate
            case "--seconds": seconds = Double(it.next() ?? "") ?? seconds
            case "--queries": queriesPath = it.next() ?? queriesPath
            case "--peers": peersPath = it.next() ?? peersPath
            case "--no-query-log": queryLog = false
            case "--transport":
                switch it.next() {
                case "tcp": links = [.tcp]
                case "ws": links = [.ws]
                case "both": links = [.tcp, .ws]
                default: print("--transport: tcp, ws or both"); exit(2)
                }
            default:
                print("usage: hallbench devices [--devices N] [--rate Q/S] [--seconds S] [--queries TSV] [--peers DIR] [--no-query-log] [--transport tcp|ws|both]")
                exit(2)
            }
        }
        let hall = try Hall.builtIn()
        let stations = hall.map.stations.map(\.id)
        let ids = (1...devices).map { "load-robot-\($0)" }
        var config = "listen:\n  tcp: 127.0.0.1:0\nhttp:\n  listen: 127.0.0.1:0\nmetrics:\n  listen: off\nlimits:\n  query_burst: 100000\n  query_refill_seconds: 0.001\ndevices:\n"
        for (i, id) in ids.enumerated() {
            config += "  - {id: \(id), kind: robot, station: \(stations[i % stations.count]), key: \"text:hallguide-dev-key:\(id)\"}\n"
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-devices-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // As in production, every answer is logged (SQLite, synchronous=FULL), off the answer path.
        let logFile = dir.appendingPathComponent("queries.sqlite").path
        config += queryLog ? "query_log:\n  path: \(logFile)\n" : "query_log: {path: off}\n"
        let configFile = dir.appendingPathComponent("halld.yaml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)

        let halldPath = try HalldBinary.path()
        let halld = Process()
        halld.executableURL = URL(fileURLWithPath: halldPath)
        halld.arguments = ["--config", configFile.path, "--log-level", "warning"]
        let out = Pipe()
        halld.standardOutput = out
        try halld.run()
        defer { halld.terminate(); halld.waitUntilExit() }
        guard let line = readLine(from: out.fileHandleForReading), let tcpPort = Int(line.split(separator: ":").last ?? ""),
              let httpLine = readLine(from: out.fileHandleForReading), let httpPort = Int(httpLine.split(separator: ":").last ?? "") else {
            print("halld did not start (\(halldPath))")
            exit(1)
        }
        let questions = ((try? String(contentsOfFile: queriesPath, encoding: .utf8)) ?? "护照在哪办\n厕所在哪\n")
            .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
        var answered = 0
        var firstP50 = Double.nan
        for link in links {
            let port = link == .tcp ? tcpPort : httpPort
            let over = link == .tcp ? "loopback TCP" : "loopback WebSocket (/ws/device, JSON texts)"
            print("## Devices: \(devices) simulated robots on \(over), \(Int(rate)) questions/s in total, \(Int(seconds)) s (halld pid \(halld.processIdentifier))")
            // A short warm-up, then the measured run; halld's memory is read before and after.
            let keys = ids.map { LoadRunner.Device(id: $0, kind: .robot, key: Array("hallguide-dev-key:\($0)".utf8)) }
            var warmUpRunner = LoadRunner(host: "127.0.0.1", port: port, devices: keys, rate: rate, seconds: 1, questions: questions)
            warmUpRunner.link = link
            let warmUp = warmUpRunner.run()
            let rssBefore = rss(of: halld.processIdentifier)
            var runner = LoadRunner(host: "127.0.0.1", port: port, devices: keys, rate: rate, seconds: seconds, questions: questions)
            runner.link = link
            let r = runner.run()
            let rssAfter = rss(of: halld.processIdentifier)
            answered += r.answers + warmUp.answers
            if firstP50.isNaN { firstP50 = r.percentile(50) }
            print(String(format: "answers: %d in %.1f s = %.0f answers/s; failures %d", r.answers, r.seconds, r.answersPerSecond, r.failures))
            print(String(format: "[\(link.rawValue)] query written → answer read (before the device's ack): p50 %.0f µs, p90 %.0f µs, p99 %.0f µs, max %.0f µs",
                         r.percentile(50) / 1000, r.percentile(90) / 1000, r.percentile(99) / 1000, (r.latencies.last ?? .nan) / 1000))
            print("halld resident memory: \(rssBefore / 1024) KB after warm-up, \(rssAfter / 1024) KB after \(r.answers) answers")
            for e in r.errors.prefix(3) { print("error: \(e)") }
        }
        if queryLog {
            // Everything answered is in the log once halld has stopped (it commits at stop).
            halld.terminate()
            halld.waitUntilExit()
            let logged = (try? QueryLogReader.records(path: logFile, since: nil).count) ?? 0
            print("query log: \(logged) records for \(answered) answers (SQLite WAL, synchronous=FULL, group commit off the answer path)")
        } else {
            print("query log: off")
        }

        if let peers = PeerRunner.locate(peersDirectory: peersPath),
           let results = peers.run("tcp_json_echo.py", ["--modes", "process", "--requests", "10000", "--rounds", "3"]) as? [[String: Any]],
           let p = results.first, let p50 = p["p50_us"] as? Double, let p99 = p["p99_us"] as? Double, let rps = p["rps"] as? Double {
            print(String(format: "asyncio JSON floor (one connection, one request in flight): %.0f req/s, p50 %.0f µs, p99 %.0f µs", rps, p50, p99))
            let ratio = p50 * 1000 / firstP50
            print(ratio >= 1
                ? String(format: "HallGuide's p50 is %.1f× lower than the floor's, with matching, routing, directions and acked delivery", ratio)
                : String(format: "HallGuide's p50 is %.1f× the floor's", 1 / ratio))
        } else {
            print("asyncio peer: skipped (no Python with the peers' requirements)")
        }
        // What of that time is halld's own work, and what is the kernel's and the scheduler's.
        try PipelineBench.run(questions: questions, hall: hall)
    }

    static func readLine(from handle: FileHandle) -> String? {
        var data = Data()
        while let byte = try? handle.read(upToCount: 1), !byte.isEmpty {
            if byte[0] == 10 { break }
            data.append(byte)
        }
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }

    /// Resident set of a process in bytes, from /proc.
    static func rss(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
