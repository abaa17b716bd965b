import ArgumentParser
import DeviceSimulation
import Foundation
import HallModel

/// hallsim queue: a queue system (排队叫号系统) feeding halld, for tests and demos. Every
/// ticketed zone of the map issues tickets with its prefix as visitors arrive, and its
/// windows call them in turn; each interval the feed (README "The queue feed") goes to
/// the file halld watches or to its POST URL.
struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A queue system: feeds halld changing waiting counts and calling windows (a file or a POST).")

    @Option(help: "Write each snapshot to this file (a new file renamed over it), as halld's live.queue_feed.")
    var file: String?

    @Option(help: "POST each snapshot to this URL (http://HOST:PORT/PATH).")
    var post: String?

    @Option(help: "The POST's key (halld's live.queue_feed_key).")
    var key: String?

    @Option(help: "A file holding the POST's key (a trailing newline is dropped).")
    var keyFile: String?

    @Option(help: "Seconds between snapshots.")
    var interval: Double = 5

    @Option(help: "Snapshots to send; 0: until stopped.")
    var count = 0

    @Option(help: "Seed of the simulated arrivals: the same seed gives the same feed.")
    var seed: UInt64 = 1

    @Option(help: "Floor map YAML (default: the built-in hall): its ticketed zones and their windows.")
    var map: String?

    @Option(help: "Date each snapshot this many seconds in the past (to show halld ignoring a stale feed).")
    var age: Double = 0

    @Option(help: ArgumentHelp("The queue system's clock starts at this time (ISO 8601 with an offset) and runs from there.",
                               discussion: "For a halld whose clock is shifted (tests, demos); default: the wall clock."))
    var clockStart: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard (file == nil) != (post == nil) else { throw ValidationError("give --file PATH or --post URL") }
        if post != nil, key == nil, keyFile == nil { throw ValidationError("--post needs --key or --key-file") }
        guard interval > 0 else { throw ValidationError("--interval must be more than 0") }
        if let clockStart, HallTimeZone.parseISO8601(clockStart) == nil {
            throw ValidationError("--clock-start '\(clockStart)': expected ISO 8601 with an offset, e.g. 2026-12-07T10:00:00+08:00")
        }
    }

    func run() throws {
        let floor = try loadMap()
        var simulation = QueueSimulation(map: floor, seed: seed)
        guard !simulation.zones.isEmpty else { throw ValidationError("the map has no ticketed zones (tickets.prefixes)") }
        let token = try keyFile.map { path -> String in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        } ?? key
        let started = Date()
        let origin = clockStart.flatMap(HallTimeZone.parseISO8601) ?? started
        var sent = 0
        while count == 0 || sent < count {
            if sent > 0 { Thread.sleep(forTimeInterval: interval) }
            simulation.step()
            let now = origin.addingTimeInterval(Date().timeIntervalSince(started))
            let feed = simulation.feed(at: now.addingTimeInterval(-age), timeZone: floor.timeZone)
            do {
                if let file {
                    try writeAtomically(feed, to: file)
                } else if let post, let token {
                    let (status, body) = try HTTPPost.send(feed, to: post, key: token)
                    guard status == 200 else { throw HTTPPost.Failure("\(post): HTTP \(status): \(body)") }
                }
            } catch {
                FileHandle.standardError.write(Data("hallsim: \(error)\n".utf8))
                throw ExitCode(1)
            }
            sent += 1
            if !quiet { print(simulation.summary) }
        }
    }

    func loadMap() throws -> FloorMap {
        let source: (path: String, text: String)
        if let map {
            guard let data = FileManager.default.contents(atPath: map) else { throw ValidationError("cannot read \(map)") }
            source = (map, String(decoding: data, as: UTF8.self))
        } else {
            source = DefaultHall.mapFile
        }
        do {
            return try FloorMapLoader.load(text: source.text, file: source.path)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".hallsim-tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw HTTPPost.Failure("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))") }
    }
}

/// The queue: each ticketed zone issues numbers as visitors arrive; its windows call
/// them in turn. Deterministic for a seed (SplitMix64).
struct QueueSimulation {
    struct Zone {
        var id: String
        var prefix: String
        var windows: [Int]
        var issued: Int
        var called: Int
        var calling: [Int: Int] = [:]
    }

    var zones: [Zone]
    var rng: UInt64
    var steps = 0

    init(map: FloorMap, seed: UInt64) {
        rng = seed
        zones = map.tickets.zoneByPrefix.sorted { $0.key < $1.key }.compactMap { prefix, id in
            guard let windows = map.place(id)?.windowNumbers, !windows.isEmpty else { return nil }
            return Zone(id: id, prefix: prefix, windows: windows.sorted(), issued: 0, called: 0)
        }
        for i in zones.indices {
            zones[i].issued = random(20)
            zones[i].called = zones[i].issued / 3
        }
    }

    mutating func random(_ below: Int) -> Int {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(below))
    }

    /// One interval: a few visitors arrive per zone; about half the windows call the next.
    mutating func step() {
        steps += 1
        for i in zones.indices {
            zones[i].issued += random(4)
            for window in zones[i].windows where random(2) == 0 && zones[i].called < zones[i].issued {
                zones[i].called += 1
                zones[i].calling[window] = zones[i].called
            }
        }
    }

    /// The feed: `{"format": 1, "time": …, "zones": {…}, "calling": […]}`.
    func feed(at time: Date, timeZone: HallTimeZone) -> String {
        let waiting = zones.map { "\"\($0.id)\": {\"waiting\": \($0.issued - $0.called)}" }.joined(separator: ", ")
        let calling = zones.flatMap { zone in
            zone.calling.sorted { $0.key < $1.key }.map { "{\"window\": \($0.key), \"ticket\": \"\(ticket(zone, $0.value))\"}" }
        }.joined(separator: ", ")
        return "{\"format\": 1, \"time\": \"\(timeZone.iso8601(time))\",\n \"zones\": {\(waiting)},\n \"calling\": [\(calling)]}\n"
    }

    func ticket(_ zone: Zone, _ number: Int) -> String {
        let digits = String(number % 1000)
        return zone.prefix + String(repeating: "0", count: 3 - digits.count) + digits
    }

    var summary: String {
        let waiting = zones.map { $0.issued - $0.called }.reduce(0, +)
        let calling = zones.map(\.calling.count).reduce(0, +)
        let busiest = zones.max { $0.issued - $0.called < $1.issued - $1.called }
        return "snapshot \(steps): \(waiting) waiting in \(zones.count) zones, \(calling) windows calling"
            + (busiest.map { "; most at \($0.id) (\($0.issued - $0.called))" } ?? "")
    }
}

/// A POST over plain HTTP/1.1 (halld's API on the hall's LAN or loopback), no TLS.
enum HTTPPost {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The status code and the body of the reply.
    static func send(_ body: String, to url: String, key: String) throws -> (Int, String) {
        guard url.hasPrefix("http://") else { throw Failure("\(url): only http://HOST:PORT/PATH") }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash]), path = slash == rest.endIndex ? "/" : String(rest[slash...])
        let colon = authority.lastIndex(of: ":")
        let host = colon.map { String(authority[..<$0]) } ?? authority
        let port = colon.flatMap { Int(authority[authority.index(after: $0)...]) } ?? 80
        let payload = Array(body.utf8)
        let head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer \(key)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        let link = try TCPTransport(host: host, port: port)
        defer { link.close() }
        try link.write(Array(head.utf8) + payload)
        var reply: [UInt8] = []
        while true {
            do {
                let chunk = try link.read(timeoutMilliseconds: 5000)
                if chunk.isEmpty { throw Failure("\(url): no reply within 5 s") }
                reply += chunk
            } catch TransportError.closed {
                break
            }
        }
        let text = String(decoding: reply, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure("\(url): not an HTTP reply") }
        let replyBody = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, replyBody)
    }
}
