import AudioPrompts
import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallModel
import Yams

/// halld's configuration file (README, "halld configuration"): where the hall data is,
/// where to listen, and the devices allowed to connect.
public struct DaemonConfig: Sendable {
    public struct Device: Sendable, Hashable {
        public var id: String
        public var kind: DeviceKind
        /// A station or place of the floor map: questions are routed from here.
        public var station: String
        public var key: [UInt8]
        /// nil: the device connects over TCP.
        public var serial: SerialPortName?
        public var baudRate: Int32

        public init(id: String, kind: DeviceKind, station: String, key: [UInt8], serial: SerialPortName? = nil, baudRate: Int32 = 115_200) {
            self.id = id
            self.kind = kind
            self.station = station
            self.key = key
            self.serial = serial
            self.baudRate = baudRate
        }
    }

    public var mapPath: String?
    public var intentsPath: String?
    /// "host:port"; nil disables TCP.
    public var tcpHost: String? = "127.0.0.1"
    public var tcpPort = 7700
    public var devices: [Device] = []
    /// Session timers and the query rate limit (`limits:` in the file).
    public var timing = SessionTiming()
    /// The status socket; nil picks the default (`$RUNTIME_DIRECTORY/status.sock`…).
    public var statusSocket: String?
    public var adminUIDs: [UInt32] = []
    public var adminGroups: [String] = []
    /// Speakers and prompts (`audio:`, see "Audio prompts" in the README); nil: no audio.
    public var audio: AudioConfig?
    /// Where Prometheus scrapes: "host:port"; nil turns the endpoint off.
    public var metricsListen: String? = "127.0.0.1:9464"
    /// The query log (`query_log:`); nil: off. A configuration file without the key, and
    /// the built-in defaults, log to the default path; `DaemonConfig()` itself does not.
    public var queryLog: QueryLogSettings?
    public var source: String = "built-in defaults"

    public init() {}

    /// `query_log:` in the file (README, "Query log").
    public struct QueryLogSettings: Sendable, Hashable {
        /// nil: `$STATE_DIRECTORY/queries.sqlite`, else `./halld-queries.sqlite`.
        public var path: String?
        public var retentionDays = 90
        public var maxRecords = 2_000_000
        /// The longest a record waits before its batch is committed (what a crash can lose).
        public var flushMilliseconds = 50

        public init(path: String? = nil) { self.path = path }
    }

    /// A development key for the built-in hall's devices, derived from the id. Only for
    /// the default loopback setup; a real hall configures its own keys.
    public static func developmentKey(for id: String) -> [UInt8] { DeviceKey.development(for: id) }

    /// With no file: the default hall's six devices on loopback TCP, with development keys.
    public static func defaults(for map: FloorMap) -> DaemonConfig {
        var config = DaemonConfig()
        config.queryLog = QueryLogSettings()
        config.devices = map.stations.map {
            Device(id: $0.id, kind: $0.kind == .robot ? .robot : .screen, station: $0.id,
                   key: developmentKey(for: $0.id), serial: nil, baudRate: 115_200)
        }
        return config
    }

    public var roster: DeviceRoster {
        DeviceRoster(devices.map { DeviceCredentials(id: $0.id, kind: $0.kind, station: $0.station, key: $0.key) })
    }

    /// Reads a config file; every problem is reported as `file:line: problem`.
    public static func load(path: String) throws(ValidationError) -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError([Diagnostic(file: path, line: 1, "cannot read the file")])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ValidationError) -> DaemonConfig {
        var problems: [Diagnostic] = []
        func problem(_ node: Yams.Node?, _ message: String) {
            problems.append(Diagnostic(file: file, line: node?.mark?.line ?? 1, message))
        }
        let root: Yams.Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { return DaemonConfig() }
            root = composed
        } catch {
            throw ValidationError([Diagnostic(file: file, line: 1, "YAML syntax error: \(error)")])
        }
        var config = DaemonConfig()
        config.source = file
        config.queryLog = QueryLogSettings()
        guard let top = root.mapping else { throw ValidationError([Diagnostic(file: file, line: 1, "the config must be a mapping")]) }
        for (key, value) in top {
            switch key.string ?? "" {
            case "hall":
                config.mapPath = value["map"]?.string
                config.intentsPath = value["intents"]?.string
            case "listen":
                if let tcp = value["tcp"] {
                    if tcp.null != nil || tcp.string == "" || tcp.string == "off" {
                        config.tcpHost = nil
                    } else if let address = tcp.string.flatMap(HostPort.parse) {
                        config.tcpHost = address.host
                        config.tcpPort = address.port
                    } else {
                        problem(tcp, "listen.tcp must be host:port (or off)")
                    }
                }
            case "devices":
                for item in value.sequence ?? [] {
                    if let device = parseDevice(item, file: file, problem: problem) { config.devices.append(device) }
                }
            case "limits":
                parseLimits(value, into: &config.timing, problem: problem)
            case "status":
                config.statusSocket = value["socket"]?.string
                config.adminUIDs = (value["admin_uids"]?.sequence ?? []).compactMap { $0.int.map(UInt32.init) }
                config.adminGroups = (value["admin_groups"]?.sequence ?? []).compactMap(\.string)
            case "metrics":
                if let listen = value["listen"] {
                    config.metricsListen = (listen.string == "off" || listen.null != nil) ? nil : listen.string
                    // A typo would silently turn the endpoint off: refuse it instead.
                    if let text = config.metricsListen, HostPort.parse(text) == nil {
                        problem(listen, "metrics.listen must be host:port (or off)")
                    }
                }
            case "audio":
                do {
                    let base = (file as NSString).deletingLastPathComponent
                    config.audio = try AudioConfig(dictionary: value.any as? [String: Any] ?? [:], baseDirectory: base)
                } catch {
                    for p in error.problems { problem(value, "audio: \(p)") }
                }
            case "query_log":
                config.queryLog = parseQueryLog(value, problem: problem)
            default:
                problem(key, "unknown key '\(key.string ?? "")' (expected hall, listen, devices, limits, audio, status, metrics, query_log)")
            }
        }
        var seen: Set<String> = []
        for device in config.devices where !seen.insert(device.id).inserted {
            problems.append(Diagnostic(file: file, line: 1, "device '\(device.id)' is listed twice"))
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        return config
    }

    private static func parseLimits(_ node: Yams.Node, into timing: inout SessionTiming, problem: (Yams.Node?, String) -> Void) {
        for (key, value) in node.mapping ?? [:] {
            let name = key.string ?? ""
            guard let number = value.float ?? value.int.map(Double.init), number > 0 else {
                problem(value, "limits.\(name) must be a positive number")
                continue
            }
            switch name {
            case "heartbeat_seconds": timing.heartbeatInterval = .seconds(max(1, Int(number)))
            case "missed_heartbeats": timing.missedHeartbeats = max(1, Int(number))
            case "query_burst": timing.queryBurst = Int(number)
            case "query_refill_seconds": timing.queryRefill = .milliseconds(Int64(number * 1e3))
            case "ack_timeout_ms": timing.ackTimeout = .microseconds(Int64(number * 1e3))
            case "handshake_seconds": timing.handshakeTimeout = .milliseconds(Int64(number * 1e3))
            default:
                problem(key, "unknown limit '\(name)' (heartbeat_seconds, missed_heartbeats, query_burst, query_refill_seconds, ack_timeout_ms, handshake_seconds)")
            }
        }
    }

    /// `query_log: off`, or a mapping of `path` (a file, or off), `retention_days`,
    /// `max_records`, `flush_ms`.
    private static func parseQueryLog(_ node: Yams.Node, problem: (Yams.Node?, String) -> Void) -> QueryLogSettings? {
        if node.null != nil || node.string == "off" { return nil }
        guard let mapping = node.mapping else {
            problem(node, "query_log must be a mapping (path, retention_days, max_records, flush_ms) or off")
            return QueryLogSettings()
        }
        var settings = QueryLogSettings()
        var off = false
        func integer(_ value: Yams.Node, _ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let n = value.int, range.contains(n) else {
                problem(value, "query_log.\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return n
        }
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "path":
                if value.null != nil || value.string == "off" {
                    off = true
                } else if let path = value.string, !path.isEmpty {
                    settings.path = path
                } else {
                    problem(value, "query_log.path must be a file path (or off)")
                }
            case "retention_days": settings.retentionDays = integer(value, "retention_days", 1...36_500) ?? settings.retentionDays
            case "max_records": settings.maxRecords = integer(value, "max_records", 1...1_000_000_000) ?? settings.maxRecords
            case "flush_ms": settings.flushMilliseconds = integer(value, "flush_ms", 1...60_000) ?? settings.flushMilliseconds
            default:
                problem(key, "unknown key '\(key.string ?? "")' in query_log (expected path, retention_days, max_records, flush_ms)")
            }
        }
        return off ? nil : settings
    }

    private static func parseDevice(_ node: Yams.Node, file: String, problem: (Yams.Node?, String) -> Void) -> Device? {
        let allowed: Set = ["id", "kind", "station", "key", "key_file", "serial", "usb_serial", "baud"]
        for (key, _) in node.mapping ?? [:] where !allowed.contains(key.string ?? "") {
            problem(key, "unknown key '\(key.string ?? "")' in a device (expected \(allowed.sorted().joined(separator: ", ")))")
        }
        guard let id = node["id"]?.string, !id.isEmpty else { problem(node, "a device needs an id"); return nil }
        guard let kindName = node["kind"]?.string, let kind = ["robot": DeviceKind.robot, "screen": .screen][kindName] else {
            problem(node["kind"] ?? node, "device '\(id)' needs kind: robot or screen")
            return nil
        }
        var key: [UInt8]?
        if let text = node["key"]?.string {
            key = DeviceKey.parse(text)
            if key == nil { problem(node["key"], "device '\(id)': key must be hex:..., base64:... or text:...") }
        } else if let path = node["key_file"]?.string {
            key = FileManager.default.contents(atPath: path).map { Array($0) }.map { bytes in
                Array(bytes.reversed().drop { $0 == 10 || $0 == 13 }.reversed())
            }
            if key == nil { problem(node["key_file"], "device '\(id)': cannot read key file \(path)") }
        } else {
            problem(node, "device '\(id)' needs a key or key_file")
        }
        if let k = key, k.count < 16 { problem(node["key"] ?? node["key_file"], "device '\(id)': the key must be at least 16 bytes") }
        var serial: SerialPortName?
        if let path = node["serial"]?.string { serial = .path(path) }
        if let usb = node["usb_serial"]?.string { serial = .usbSerial(usb) }
        let baud = node["baud"]?.int ?? 115_200
        guard let key else { return nil }
        return Device(id: id, kind: kind, station: node["station"]?.string ?? id, key: key, serial: serial, baudRate: Int32(baud))
    }
}
