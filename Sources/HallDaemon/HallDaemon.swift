import AudioPrompts
import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallConversation
import HallModel
import HallTime
import HallWeb
import Logging
import ServiceLifecycle
import StatusProtocol
import Synchronization
import UnixSignals

/// halld put together: the hall and its conversation, the device hub and every
/// long-running part as a service of one ServiceGroup. Start order is the list order
/// (the query log first, READY=1 last); a stop runs it backwards: STOPPING=1, reloads
/// refused, the device links end (robots recalled), then the HTTP and status sockets
/// close, the speakers drain, and the query log commits last. A part that fails to
/// start (a port in use) stops everything already started, in the same order.
public final class HallDaemon: Sendable {
    public let config: DaemonConfig
    public let hub: DeviceHub
    public let conversation: ConversationExecutor
    public let metrics: HallMetrics
    public let clock: any HallClock
    public let queryLog: QueryLogService?
    public let audio: AudioService?
    public let devices: DeviceListenerService?
    public let serial: SerialLinksService
    /// The index screens' HTTP face (`http.listen`), when on.
    public let web: HTTPService?
    /// The Prometheus-only port (`metrics.listen`), when on.
    public let metricsEndpoint: HTTPService?
    public let statusSocket: StatusSocketService
    public let reloads: ReloadService
    /// What staff closed, kept in the state directory (README "Closures").
    public let closures: ClosuresService
    /// The queue feed, when configured (`live.queue_feed`, `live.queue_feed_key_file`).
    public let queueFeed: QueueFeedService?
    let systemd: SystemdService
    let gate: StartupGate
    let logger: Logger
    let trapSignals: Bool
    let startedAt: Date
    private let loadedAt: Mutex<Date>
    private let lastReload = Mutex<(Date, DaemonStatus.Reload)?>(nil)
    private let group = Mutex<ServiceGroup?>(nil)
    private let runFailure = Mutex<(any Error)?>(nil)

    /// Loads the hall, checks the configuration against it and builds every part; nothing
    /// listens until `run`.
    /// - Parameters:
    ///   - given: the configuration file's contents; nil serves the default hall's devices.
    ///   - listen: overrides the TCP listen address (host, port; port 0 picks one).
    ///   - trapSignals: SIGTERM/SIGINT stop, SIGHUP reloads (halld itself; not tests).
    public init(config given: DaemonConfig?, listen: (host: String, port: Int)? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, clock: any HallClock = SystemClock(),
                trapSignals: Bool = false, logger: Logger) throws {
        let hall = try HallFiles.load(map: given?.mapPath, intents: given?.intentsPath)
        var config = given ?? DaemonConfig.defaults(for: hall.map)
        if let listen {
            config.tcpHost = listen.host
            config.tcpPort = listen.port
        }
        let missing = config.devices.filter { hall.startNode($0.station) == nil }
        guard missing.isEmpty else {
            throw DaemonError.invalidConfig(missing.map {
                "\(config.source): device '\($0.id)' stands at '\($0.station)', which the floor map does not have"
            })
        }
        self.config = config
        self.clock = clock
        self.logger = logger
        self.trapSignals = trapSignals
        startedAt = clock.wallClock()
        loadedAt = Mutex(clock.wallClock())
        let metrics = HallMetrics(startedAt: startedAt)
        self.metrics = metrics
        let hub = DeviceHub(roster: config.roster)
        self.hub = hub
        var expected: Set<String> = [StatusSocketService.name]
        if config.tcpHost != nil { expected.insert(DeviceListenerService.name) }
        if config.metricsListen != nil { expected.insert(HTTPService.metricsName) }
        if config.httpOn { expected.insert(HTTPService.webName) }
        let gate = StartupGate(expecting: expected)
        self.gate = gate

        queryLog = config.queryLog.map { QueryLogService(settings: $0, environment: environment, clock: clock, logger: logger) }
        if config.queryLog == nil { logger.info("query log off") }
        let audioSystem = config.audio.map { AudioSystem(config: $0, logger: logger) }
        audio = audioSystem.map(AudioService.init(system:))
        if let audioSystem {
            for missing in audioSystem.library.missingPrompts(for: hall.intents) { logger.notice("audio: no recording for \(missing)") }
        }
        let devices = config.devices.map { ConversationDevice(id: $0.id, kind: $0.kind, station: $0.station) }
        conversation = ConversationExecutor(conversation: Conversation(hall: hall, devices: devices, settings: config.conversation), hub: hub, audio: audioSystem,
                                            recorder: queryLog, metrics: metrics, clock: clock, logger: logger)
        let conversation = conversation
        closures = ClosuresService(
            path: DaemonConfig.closuresPath(configured: config.live.closuresPath, environment: environment, queryLog: config.queryLog),
            conversation: conversation, clock: clock, logger: logger)
        queueFeed = config.live.hasQueueFeed
            ? QueueFeedService(settings: .init(file: config.live.queueFeedFile, key: config.live.queueFeedKey,
                                               maxAge: config.live.queueMaxAgeSeconds),
                               conversation: conversation, clock: clock, logger: logger)
            : nil

        self.devices = config.tcpHost.map {
            DeviceListenerService(host: $0, port: config.tcpPort, hub: hub, handler: conversation, timing: config.timing,
                                  limits: config.connectionLimits, clock: clock, gate: gate, logger: logger)
        }
        serial = SerialLinksService(links: config.devices.compactMap { device in
            guard let name = device.serial else { return nil }
            var settings = SerialSettings()
            settings.baudRate = device.baudRate
            var timing = config.timing
            // Serial turns around slower than loopback TCP, and waits for its device.
            timing.ackTimeout = max(timing.ackTimeout, SessionTiming.serial.ackTimeout)
            timing.handshakeStartsAtFirstByte = true
            return SerialPortLink(name: name, device: device.id, settings: settings, hub: hub, handler: conversation,
                                  timing: timing, clock: clock, logger: logger)
        })
        let self_ = WeakReference<HallDaemon>()
        let backend = DaemonWebBackend(config: config, conversation: conversation, hub: hub, clock: clock, metrics: metrics,
                                       queueFeed: queueFeed, refreshMetrics: { self_.value?.refreshMetrics() })
        web = config.httpOn
            ? HTTPService(server: WebServer(settings: config.http, backend: backend, logger: logger), part: "the HTTP listener",
                          name: HTTPService.webName, gate: gate, logger: logger)
            : nil
        metricsEndpoint = config.metricsListen.flatMap(HostPort.parse).map { listen in
            var settings = config.http
            settings.host = listen.host
            settings.port = listen.port
            return HTTPService(server: WebServer(settings: settings, routes: .metricsOnly, backend: backend, logger: logger),
                               part: "the metrics endpoint", name: HTTPService.metricsName, gate: gate, logger: logger)
        }
        let socket = StatusServer.defaultPath(environment: environment, configured: config.statusSocket)
        statusSocket = StatusSocketService(
            configuration: .init(path: socket, adminUIDs: config.adminUIDs, adminGroups: config.adminGroups),
            provider: {
                // The socket runs inside the daemon's own `run`: the daemon is there.
                guard let daemon = self_.value else { preconditionFailure("the status socket outlived its daemon") }
                return daemon
            }, gate: gate, logger: logger)
        let notifier = SystemdNotifier()
        reloads = ReloadService(
            trapSIGHUP: trapSignals, logger: logger,
            work: { self_.value?.reloadNow() ?? .init(secondsAgo: 0, ok: false, problems: ["halld is stopping"], dataVersion: "") },
            started: { notifier.reloading() },
            finished: { result in
                let line = result.ok ? (self_.value?.statusLine ?? "")
                    : "reload refused, running data \(result.dataVersion.prefix(8)): \(result.problems.first ?? "")"
                notifier.ready(status: line)
            },
            stopping: { .init(secondsAgo: 0, ok: false, problems: ["halld is stopping"], dataVersion: self_.value?.conversation.hall.version ?? "") })
        systemd = SystemdService(notifier: notifier, gate: gate, clock: clock, logger: logger,
                                 statusLine: { self_.value?.statusLine ?? "" },
                                 watchdogChecked: { metrics.watchdogChecked(passed: $0) })
        self_.value = self
        logger.info("hall '\(hall.map.hallID)' data \(hall.version): \(hall.intents.intents.count) intents, \(config.devices.count) devices")
    }

    /// The services in start order.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        var list: [(any Service, String)] = []
        if let queryLog { list.append((queryLog, "query log")) }
        if let audio { list.append((audio, "audio")) }
        list.append((closures, "closures"))
        if let queueFeed { list.append((queueFeed, "queue feed")) }
        list.append((statusSocket, StatusSocketService.name))
        if let metricsEndpoint { list.append((metricsEndpoint, HTTPService.metricsName)) }
        if let web { list.append((web, HTTPService.webName)) }
        list.append((serial, "serial links"))
        if let devices { list.append((devices, DeviceListenerService.name)) }
        list.append((reloads, "reloads"))
        list.append((systemd, "systemd"))
        return list.map { .init(service: $0.0, successTerminationBehavior: .gracefullyShutdownGroup,
                                failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: $0.1) }
    }

    /// Runs every part until a stop (SIGTERM, `stop()`), or until one fails; then stops
    /// them all in order. Throws what made it fail.
    public func run() async throws {
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: trapSignals ? [.sigterm, .sigint] : [], logger: logger))
        self.group.withLock { $0 = group }
        do {
            try await group.run()
        } catch {
            gate.fail(error)
            runFailure.withLock { $0 = error }
            throw error
        }
        gate.fail(CancellationError())  // anyone still waiting for readiness: it will not come
    }

    /// Returns once every listener is bound, or throws why start-up failed.
    public func ready() async throws { try await gate.wait() }

    /// A graceful stop, as SIGTERM does; `run` returns when it is complete.
    public func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// What was loaded, for `halld --check`: the hall, its data version, the devices.
    public var loadedSummary: String {
        let hall = conversation.hall
        return "hall '\(hall.map.hallID)' data \(hall.version), \(hall.intents.intents.count) intents, \(config.devices.count) devices"
    }

    /// When halld started, on its wall clock (the metrics' process_start_time_seconds).
    public var startTime: Date { startedAt }

    // MARK: - What the parts ask of the daemon

    /// A one-line summary for systemd's STATUS=.
    public var statusLine: String {
        let hall = conversation.hall
        var line = "\(hub.connectedDevices.count)/\(config.devices.count) devices up, data \(hall.version.prefix(8)), \(conversation.stats.answered) answered"
        if let (_, reload) = lastReload.withLock({ $0 }), !reload.ok { line += "; last reload refused: \(reload.problems.first ?? "")" }
        return line
    }

    /// Re-reads the map and intents (on the reload thread). Everything is validated first;
    /// a bad edit is refused with its file:line problems and the running data stays.
    func reloadNow() -> DaemonStatus.Reload {
        let running = conversation.hall.version
        let result: DaemonStatus.Reload
        do {
            let hall = try HallFiles.load(map: config.mapPath, intents: config.intentsPath)
            let missing = config.devices.filter { hall.startNode($0.station) == nil }.map(\.station)
            if !missing.isEmpty {
                result = .init(secondsAgo: 0, ok: false, problems: missing.map { "the new map lacks station '\($0)'" }, dataVersion: running)
            } else {
                conversation.replaceHall(hall)
                closures.hallReplaced()
                loadedAt.withLock { $0 = clock.wallClock() }
                result = .init(secondsAgo: 0, ok: true, problems: [], dataVersion: hall.version)
            }
        } catch {
            result = .init(secondsAgo: 0, ok: false, problems: error.diagnostics.map(\.description), dataVersion: running)
        }
        if result.ok {
            logger.info("reloaded: data \(result.dataVersion)")
        } else {
            logger.error("reload refused, keeping data \(result.dataVersion):\n\(result.problems.joined(separator: "\n"))")
        }
        metrics.reloaded(ok: result.ok)
        lastReload.withLock { $0 = (clock.wallClock(), result) }
        return result
    }

    func refreshMetrics() {
        metrics.update(devices: hub.statuses.map { (id: $0.id, kind: $0.kind == .robot ? "robot" : "screen", connected: $0.connected) },
                       badFrames: hub.badFrameCount)
        if let log = queryLogState() {
            metrics.update(queryLog: (open: log.error == nil, recorded: log.recorded, committed: log.committed, pending: log.pending,
                                      dropped: log.dropped, failedWrites: log.failedWrites))
        }
        refreshLiveMetrics()
        for output in audio?.system.status() ?? [] {
            metrics.audio(output: output.name, played: output.counters.played, failed: output.counters.failed, state: output.state.rawValue)
        }
    }

    var reloadRecord: (Date, DaemonStatus.Reload)? { lastReload.withLock { $0 } }
    var loadedTime: Date { loadedAt.withLock { $0 } }
}

/// A reference that does not keep its object alive: the services the daemon owns ask it
/// for things through one of these, so there is no cycle.
final class WeakReference<Object: AnyObject & Sendable>: Sendable {
    private let box = Mutex<WeakBox?>(nil)
    private struct WeakBox: @unchecked Sendable { weak var object: Object? }

    var value: Object? {
        get { box.withLock { $0?.object } }
        set { box.withLock { $0 = WeakBox(object: newValue) } }
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case invalidConfig([String])

    public var description: String {
        switch self {
        case .invalidConfig(let problems): problems.joined(separator: "\n")
        }
    }
}
