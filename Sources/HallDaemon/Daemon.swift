import AudioPrompts
import DeviceLinks
import DeviceProtocol
import Foundation
import HallAnswers
import HallModel
import Logging
import NIOCore
import NIOPosix
import QueryLog
import StatusProtocol
import Synchronization

/// halld put together: the hall, the device hub and its links, the hall service, metrics.
public final class Daemon: Sendable {
    public let config: DaemonConfig
    public let hub: DeviceHub
    public let service: HallService
    public let metrics: HallMetrics
    public let group: MultiThreadedEventLoopGroup
    let logger: Logger
    private let tcp: TCPListener?
    private let metricsEndpoint: MetricsEndpoint?
    public let serialLinks: [SerialPortLink]
    public let audio: AudioSystem?
    /// The query log's writer; nil when off or when it could not be opened.
    public let queryLog: QueryLogWriter?
    /// The query log's path and, when it could not be opened, why (for the status).
    let queryLogOpening: (path: String, error: String?)?
    private let started = Date()
    private let loaded = Mutex(Date())
    private let lastReload = Mutex<(Date, DaemonStatus.Reload)?>(nil)

    public var tcpPort: Int? { tcp?.port }
    public var metricsPort: Int? { metricsEndpoint?.port }

    /// Loads the hall, checks the configuration against it, and starts every link.
    /// - Parameters:
    ///   - given: the configuration file's contents; nil serves the default hall's devices.
    ///   - listen: overrides the TCP listen address (host, port; port 0 picks one).
    public static func start(config given: DaemonConfig?, listen: (host: String, port: Int)? = nil,
                             logger: Logger) async throws -> Daemon {
        let hall = try HallFiles.load(map: given?.mapPath, intents: given?.intentsPath)
        var config = given ?? DaemonConfig.defaults(for: hall.map)
        if let listen {
            config.tcpHost = listen.host
            config.tcpPort = listen.port
        }
        var problems: [String] = []
        for device in config.devices where hall.startNode(device.station) == nil {
            problems.append("\(config.source): device '\(device.id)' stands at '\(device.station)', which the floor map does not have")
        }
        guard problems.isEmpty else { throw DaemonError.invalidConfig(problems) }

        let metrics = HallMetrics()
        let hub = DeviceHub(roster: config.roster)
        let audio: AudioSystem? = config.audio.map { AudioSystem(config: $0, logger: logger) }
        if let audio {
            audio.start()
            for missing in audio.library.missingPrompts(for: hall.intents) { logger.notice("audio: no recording for \(missing)") }
        }
        // Audio is queued, never awaited: a slow or missing speaker cannot delay an answer.
        var speak: (@Sendable (HallService.AnsweredQuestion) -> Void)?
        if let audio {
            speak = { question in
                guard let answer = question.answer else { return }
                let device = question.device
                let target = audio.output(for: device.id) != nil ? device.id : device.station
                let request = AudioRequest.answer(prompt: answer.prompt, language: answer.language, sentence: answer.answer)
                _ = audio.play(request, at: target)
            }
        }
        // The query log: record() only appends under a mutex; normalising, redacting and
        // writing happen on the log's own thread. Without it the hall still answers.
        // The normaliser is the hall's in use (a reload swaps it), found through the service.
        let serviceForLog = Mutex<HallService?>(nil)
        let (queryLog, queryLogOpening) = openQueryLog(config.queryLog, logger: logger) { text in
            serviceForLog.withLock { $0 }?.hall.matcher.normalize(text) ?? text
        }
        var running = false
        defer { if !running { queryLog?.close(timeout: .seconds(1)) } }  // start-up failed below
        var log: (@Sendable (HallService.AnsweredQuestion) -> Void)?
        if let queryLog {
            log = { question in
                let micros = Int(question.duration.nanoseconds / 1000)
                let device = question.device
                if let answer = question.answer {
                    queryLog.record(QueryRecord(answer: answer, device: device.id, place: device.station, latencyMicroseconds: micros))
                } else {
                    queryLog.record(QueryRecord(time: Date(), device: device.id, place: device.station, text: question.question,
                                                outcome: .error, intent: nil, destination: nil, candidates: [], confidence: 0,
                                                latencyMicroseconds: micros, homophoneRepair: false, rule: question.error ?? "",
                                                language: ""))
                }
            }
        }
        let onAnswer: (@Sendable (HallService.AnsweredQuestion) -> Void)? = switch (speak, log) {
        case let (speak?, log?): { question in speak(question); log(question) }
        case let (speak?, nil): speak
        case let (nil, log?): log
        case (nil, nil): nil
        }
        let service = HallService(hall: hall, robots: config.devices.filter { $0.kind == .robot }.map(\.id), logger: logger,
                                  metrics: metrics, onAnswer: onAnswer)
        serviceForLog.withLock { $0 = service }
        hub.setSink(service)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var tcp: TCPListener?
        if let host = config.tcpHost {
            tcp = try await TCPListener.start(host: host, port: config.tcpPort, hub: hub, timing: config.timing,
                                              group: group, logger: logger)
            logger.info("listening for devices on tcp \(host):\(tcp!.port)")
        }
        var serial: [SerialPortLink] = []
        for device in config.devices {
            guard let name = device.serial else { continue }
            var settings = SerialSettings()
            settings.baudRate = device.baudRate
            var timing = config.timing
            // Serial turns around slower than loopback TCP: at least the serial ack timeout.
            timing.ackTimeoutNanoseconds = max(timing.ackTimeoutNanoseconds, SessionTiming.serial.ackTimeoutNanoseconds)
            let link = SerialPortLink(name: name, settings: settings, hub: hub, timing: timing, logger: logger)
            link.start()
            serial.append(link)
        }
        var endpoint: MetricsEndpoint?
        if let listen = config.metricsListen.flatMap(HostPort.parse) {
            endpoint = try await MetricsEndpoint.start(
                host: listen.host, port: listen.port, metrics: metrics,
                refresh: {
                    metrics.update(devicesUp: hub.connectedDevices.count, badFrames: hub.badFrameCount)
                    for output in audio?.status() ?? [] {
                        metrics.audio(output: output.name, played: output.counters.played, failed: output.counters.failed,
                                      state: output.state.rawValue)
                    }
                },
                group: group)
            logger.info("metrics on http://\(listen.host):\(endpoint!.port)/metrics")
        }
        logger.info("hall '\(hall.map.hallID)' data \(hall.version): \(hall.intents.intents.count) intents, \(config.devices.count) devices")
        let daemon = Daemon(config: config, hub: hub, service: service, metrics: metrics, group: group, logger: logger, tcp: tcp,
                            metricsEndpoint: endpoint, serialLinks: serial, audio: audio, queryLog: queryLog,
                            queryLogOpening: queryLogOpening)
        running = true
        return daemon
    }

    /// Opens the query log when configured. A log that cannot be opened is reported (log
    /// and status) and halld answers on without it: visitors come first.
    private static func openQueryLog(_ settings: DaemonConfig.QueryLogSettings?, logger: Logger,
                                     normalize: @escaping @Sendable (String) -> String)
        -> (QueryLogWriter?, (path: String, error: String?)?) {
        guard let settings else {
            logger.info("query log off")
            return (nil, nil)
        }
        let path = QueryLogPath.server(environment: ProcessInfo.processInfo.environment, configured: settings.path)
        let configuration = QueryLogWriter.Configuration(
            path: path, retentionDays: settings.retentionDays, maxRecords: settings.maxRecords,
            flushInterval: .milliseconds(settings.flushMilliseconds))
        do {
            let writer = try QueryLogWriter(configuration: configuration, normalize: normalize, logger: logger)
            logger.info("query log \(path): flush every \(settings.flushMilliseconds) ms, keep \(settings.retentionDays) days, at most \(settings.maxRecords) records")
            return (writer, (path, nil))
        } catch {
            logger.error("query log \(path) cannot be opened, questions are not logged: \(error)")
            return (nil, (path, "\(error)"))
        }
    }

    /// Opens the status socket; part of start-up, before READY=1.
    public func startStatusSocket(environment: [String: String]) async throws -> StatusServer {
        let path = StatusServer.defaultPath(environment: environment, configured: config.statusSocket)
        let server = try await StatusServer.start(
            configuration: .init(path: path, adminUIDs: config.adminUIDs, adminGroups: config.adminGroups),
            provider: self, group: group, logger: logger)
        logger.info("status socket \(path)")
        return server
    }

    private init(config: DaemonConfig, hub: DeviceHub, service: HallService, metrics: HallMetrics,
                 group: MultiThreadedEventLoopGroup, logger: Logger, tcp: TCPListener?, metricsEndpoint: MetricsEndpoint?,
                 serialLinks: [SerialPortLink], audio: AudioSystem?, queryLog: QueryLogWriter?,
                 queryLogOpening: (path: String, error: String?)?) {
        self.audio = audio
        self.queryLog = queryLog
        self.queryLogOpening = queryLogOpening
        self.config = config
        self.hub = hub
        self.service = service
        self.metrics = metrics
        self.group = group
        self.logger = logger
        self.tcp = tcp
        self.metricsEndpoint = metricsEndpoint
        self.serialLinks = serialLinks
    }

    /// A one-line summary for systemd's STATUS=.
    public var statusLine: String {
        let hall = service.hall
        let up = hub.connectedDevices.count
        var line = "\(up)/\(config.devices.count) devices up, data \(hall.version.prefix(8)), \(service.answerStats.answered) answered"
        if let (_, reload) = lastReload.withLock({ $0 }), !reload.ok { line += "; last reload refused: \(reload.problems.first ?? "")" }
        return line
    }

    /// Re-reads the map and intents. Everything is validated first; a bad edit is refused
    /// with its file:line problems and the running data stays.
    public func reload() async -> DaemonStatus.Reload {
        let result: DaemonStatus.Reload
        do {
            let hall = try HallFiles.load(map: config.mapPath, intents: config.intentsPath)
            let missing = config.devices.filter { hall.startNode($0.station) == nil }.map(\.station)
            if !missing.isEmpty {
                result = .init(secondsAgo: 0, ok: false, problems: missing.map { "the new map lacks station '\($0)'" },
                               dataVersion: service.hall.version)
            } else {
                service.replaceHall(hall)
                loaded.withLock { $0 = Date() }
                result = .init(secondsAgo: 0, ok: true, problems: [], dataVersion: hall.version)
            }
        } catch {
            result = .init(secondsAgo: 0, ok: false, problems: error.diagnostics.map(\.description), dataVersion: service.hall.version)
        }
        if result.ok {
            logger.info("reloaded: data \(result.dataVersion)")
        } else {
            logger.error("reload refused, keeping data \(result.dataVersion):\n\(result.problems.joined(separator: "\n"))")
        }
        metrics.reloaded(ok: result.ok)
        lastReload.withLock { $0 = (Date(), result) }
        return result
    }

    /// True when every event loop runs a task promptly: the watchdog pings only then.
    public func isHealthy(timeout: Duration = .seconds(2)) async -> Bool {
        for loop in group.makeIterator() {
            let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
            let probe = loop.submit { true }
            let timer = loop.scheduleTask(deadline: deadline) {}
            defer { timer.cancel() }
            guard (try? await probe.get()) == true, NIODeadline.now() < deadline else { return false }
        }
        return true
    }

    /// A graceful stop: robots are told to return to their stations, then links close.
    public func stop(statusServer: StatusServer? = nil) async {
        await statusServer?.stop()
        for robot in config.devices where robot.kind == .robot {
            hub.deliver(.recall(reason: "halld is stopping"), to: robot.id)
        }
        try? await tcp?.close()
        await metricsEndpoint?.close()
        for link in serialLinks { await link.stop() }
        // No more answers can come: commit what waits, then close the log.
        if let queryLog, await !queryLog.shutdown(timeout: .seconds(5)) {
            logger.error("query log: \(queryLog.counters.pending) records were not written at stop")
        }
        await audio?.shutdown()
        try? await group.shutdownGracefully()
    }

    var reloadRecord: (Date, DaemonStatus.Reload)? { lastReload.withLock { $0 } }
    var loadedAt: Date { loaded.withLock { $0 } }
    var startedAt: Date { started }
}

public enum DaemonError: Error, CustomStringConvertible {
    case invalidConfig([String])

    public var description: String {
        switch self {
        case .invalidConfig(let problems): problems.joined(separator: "\n")
        }
    }
}
