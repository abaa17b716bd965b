import AudioPrompts
import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallConversation
import HallModel
import HallWeb

/// halld's configuration file (README, "Configuration"): where the hall data is, where to
/// listen, and the devices allowed to connect.
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
    /// How many device connections may wait in their handshake (`limits:` in the file).
    public var connectionLimits = ConnectionLimits()
    /// The status socket; nil picks the default (`$RUNTIME_DIRECTORY/status.sock`…).
    public var statusSocket: String?
    public var adminUIDs: [UInt32] = []
    public var adminGroups: [String] = []
    /// Speakers and prompts (`audio:`, see "Audio prompts" in the README); nil: no audio.
    public var audio: AudioConfig?
    /// The index screens' HTTP face (`http:`): the kiosk app, its API, `/ws/device`,
    /// `/metrics`, the queue feed's POST. Served only when `httpOn` (a development halld and
    /// a file without `http:` serve it on 127.0.0.1:7780; `DaemonConfig()` itself does not).
    public var http = WebSettings()
    public var httpOn = false
    /// A Prometheus-only port besides (`metrics.listen`): "host:port"; nil turns it off.
    public var metricsListen: String? = "127.0.0.1:9464"
    /// The query log (`query_log:`); nil: off. A configuration file without the key, and
    /// the built-in defaults, log to the default path; `DaemonConfig()` itself does not.
    public var queryLog: QueryLogSettings?
    /// Closures and the queue feed (`live:`, LiveSettings.swift).
    public var live = LiveSettings()
    /// The devices' conversations (`conversation:`): how long a visitor's context lasts.
    public var conversation = ConversationSettings()
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
        config.httpOn = true
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

    /// Reads a config file's text: unknown keys, wrong types and refused values are all
    /// reported at once, each as `file:line: problem`; anchors and aliases are refused.
    public static func parse(_ text: String, file: String) throws(ValidationError) -> DaemonConfig {
        try YAMLReader.read(text, file: file, as: yaml(file: file))
    }

    /// The file's sections (README, "Configuration"). A new section is a `.section(…)`
    /// (keys into DaemonConfig's own properties) or a `.field(…, .mapping(…))` (a value of
    /// its own) here.
    static func yaml(file: String) -> YAMLValue<DaemonConfig> {
        var start = DaemonConfig()
        start.source = file
        // A file without `query_log:` logs to the default path.
        start.queryLog = QueryLogSettings()
        start.httpOn = true
        let hostPort = YAMLValue<String>.text.map(expected: "host:port") { HostPort.parse($0) }
        let hostPortText = YAMLValue<String>.text.map(expected: "host:port") { HostPort.parse($0) == nil ? nil : $0 }
        let uid = YAMLValue<UInt32>.integer(in: 0...UInt32.max - 1)
            .expecting("a uid (a whole number; group names go in admin_groups)")
        let fields: [YAMLField<DaemonConfig>] = [
            .section("hall", [
                .field("map", \.mapPath, .text),
                .field("intents", \.intentsPath, .text),
            ]),
            .section("listen", [
                .field("tcp", \.tcpListen, .off(or: hostPort)),
            ]),
            .field("devices", \.devices, .list(of: Device.yaml, check: Device.checkUnique)),
            .section("limits", SessionTiming.yaml),
            .section("status", [
                .field("socket", \.statusSocket, .text),
                .field("admin_uids", \.adminUIDs, YAMLValue<[UInt32]>.list(of: uid).expecting("a list of uids, such as [0, 1000]")),
                .field("admin_groups", \.adminGroups, .list(of: .text)),
            ]),
            .section("http", [
                .field("listen", \.httpListen, .off(or: hostPort)),
                .field("public_base_url", \.http.publicBaseURL,
                       YAMLValue<String>.text.map(expected: "an http:// or https:// address") { Self.baseURL($0) }),
                .field("idle_reset_seconds", \.http.idleResetSeconds, .integer(in: 5...86_400)),
                .field("max_connections", \.http.maxConnections, .integer(in: 1...100_000)),
                .field("max_idle_connections", \.http.maxIdleConnections, .integer(in: 1...100_000)),
                .field("idle_timeout_seconds", \.http.idleTimeoutSeconds, .integer(in: 1...3600)),
                .field("max_header_bytes", \.http.maxHeaderBytes, .integer(in: 1024...1_048_576)),
                .field("max_body_bytes", \.http.maxBodyBytes, .integer(in: 1024...16_777_216)),
            ]),
            .section("metrics", [
                .field("listen", \.metricsListen, .off(or: hostPortText)),
            ]),
            .field("audio", \.audio, AudioConfig.yaml(baseDirectory: (file as NSString).deletingLastPathComponent)),
            .field("query_log", \.queryLog, QueryLogSettings.yaml),
            .field("live", \.live, LiveSettings.yaml),
            .section("conversation", [
                .field("idle_seconds", \.conversation.visitorIdle, YAMLValue<Int>.integer(in: 1...86_400).map { .seconds($0) }),
            ]),
        ]
        return .mapping(start, fields)
    }

    /// `http.listen` as one value; nil: HTTP off.
    private var httpListen: (host: String, port: Int)? {
        get { httpOn ? (http.host, http.port) : nil }
        set {
            httpOn = newValue != nil
            if let newValue {
                http.host = newValue.host
                http.port = newValue.port
            }
        }
    }

    /// A public base URL for the QR codes: http(s), a host, no query or fragment.
    static func baseURL(_ text: String) -> String? {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false,
              url.query == nil, url.fragment == nil else { return nil }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// `listen.tcp` as one value; nil: TCP off.
    private var tcpListen: (host: String, port: Int)? {
        get { tcpHost.map { ($0, tcpPort) } }
        set {
            tcpHost = newValue?.host
            if let port = newValue?.port { tcpPort = port }
        }
    }
}

extension SessionTiming {
    /// `limits:`, in the units the file uses.
    fileprivate static var yaml: [YAMLField<DaemonConfig>] {
        [
            .field("heartbeat_seconds", \.timing.heartbeatInterval, YAMLValue<Int>.integer(in: 1...3600).map { .seconds($0) }),
            .field("missed_heartbeats", \.timing.missedHeartbeats, .integer(in: 1...1000)),
            .field("ack_timeout_ms", \.timing.ackTimeout, .milliseconds(in: 1...600_000)),
            .field("query_burst", \.timing.queryBurst, .integer(in: 1...100_000)),
            .field("query_refill_seconds", \.timing.queryRefill, .seconds(in: 0.001...86_400)),
            .field("handshake_seconds", \.timing.handshakeTimeout, .seconds(in: 0.001...86_400)),
            .field("max_pending_handshakes", \.connectionLimits.pendingHandshakes, .integer(in: 1...100_000)),
            .field("max_pending_per_address", \.connectionLimits.pendingPerAddress, .integer(in: 1...100_000)),
        ]
    }
}

extension DaemonConfig.QueryLogSettings {
    /// `query_log: off`, or a mapping of `path` (a file, or off), `retention_days`,
    /// `max_records`, `flush_ms`.
    fileprivate static var yaml: YAMLValue<DaemonConfig.QueryLogSettings?> {
        let fields: [YAMLField<Entry>] = [
            .field("path", \.path, .off(or: .text)),
            .field("retention_days", \.settings.retentionDays, .integer(in: 1...36_500)),
            .field("max_records", \.settings.maxRecords, .integer(in: 1...1_000_000_000)),
            .field("flush_ms", \.settings.flushMilliseconds, .integer(in: 1...60_000)),
        ]
        let mapping = YAMLValue<DaemonConfig.QueryLogSettings?>.mapping(from: Entry(), fields) { entry, _ in
            var settings = entry.settings
            switch entry.path {
            case .some(.none): return .some(nil)
            case .some(.some(let path)): settings.path = path
            case .none: break
            }
            return .some(settings)
        }
        return YAMLValue<DaemonConfig.QueryLogSettings??>.off(or: mapping).map { $0 ?? nil }
    }

    private struct Entry {
        var settings = DaemonConfig.QueryLogSettings()
        /// nil: not given; .some(nil): `path: off`.
        var path: String??
    }
}

extension DaemonConfig.Device {
    /// One entry of `devices:`.
    fileprivate static var yaml: YAMLValue<DaemonConfig.Device> {
        let fields: [YAMLField<Entry>] = [
            .field("id", \.id, .text, required: true),
            .field("kind", \.kind, .choice(["robot": .robot, "screen": .screen]), required: true),
            .field("station", \.station, .text),
            // Kept as text and parsed in `build`, so that a refusal never prints the key.
            .field("key", \.key, .text),
            .field("key_file", \.keyFile, .text),
            .field("serial", \.serial, YAMLValue<String>.text.map { SerialPortName.path($0) }),
            .field("usb_serial", \.usbSerial, YAMLValue<String>.text.map { SerialPortName.usbSerial($0) }),
            .field("baud", \.baud, .integer(in: 50...4_000_000)),
        ]
        return .mapping(from: Entry(), fields, build: build)
    }

    private struct Entry {
        var id: String?
        var kind: DeviceKind?
        var station: String?
        var key: String?
        var keyFile: String?
        var serial: SerialPortName?
        var usbSerial: SerialPortName?
        var baud: Int32 = 115_200
    }

    private static func build(_ entry: Entry, _ check: inout YAMLCheck) -> DaemonConfig.Device? {
        var key: [UInt8]?
        switch (entry.key, entry.keyFile) {
        case (let text?, nil):
            key = DeviceKey.parse(text)
            if key == nil { check.fail("key: expected hex:…, base64:… or text:… (the key is not shown)", at: "key") }
        case (nil, let path?):
            // A key file holds the raw key; a trailing newline from an editor is not part of it.
            key = FileManager.default.contents(atPath: path).map { Array($0.reversed().drop { $0 == 10 || $0 == 13 }.reversed()) }
            if key == nil { check.fail("key_file: cannot read \(path)", at: "key_file") }
        case (.some, .some):
            check.fail("give key or key_file, not both", at: "key_file")
        case (nil, nil):
            check.fail("a key or key_file is needed")
        }
        if let bytes = key, bytes.count < 16 {
            check.fail("the key must be at least 16 bytes (it has \(bytes.count))", at: entry.key != nil ? "key" : "key_file")
            key = nil
        }
        if entry.serial != nil, entry.usbSerial != nil { check.fail("give serial or usb_serial, not both", at: "usb_serial") }
        guard let id = entry.id, let kind = entry.kind, let key else { return nil }
        return DaemonConfig.Device(id: id, kind: kind, station: entry.station ?? id, key: key,
                                   serial: entry.serial ?? entry.usbSerial, baudRate: entry.baud)
    }

    /// An id listed twice would make one device's key decide for two.
    fileprivate static func checkUnique(_ devices: [(index: Int, value: DaemonConfig.Device)], _ check: inout YAMLCheck) {
        var seen: Set<String> = []
        for (index, device) in devices where !seen.insert(device.id).inserted {
            check.fail("device '\(device.id)' is listed twice", atItem: index)
        }
    }
}
