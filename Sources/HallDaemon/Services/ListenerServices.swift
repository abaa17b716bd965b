import AudioPrompts
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The Prometheus endpoint as a service: bound at start, closed at a stop.
public final class MetricsService: Service {
    let host: String
    let requestedPort: Int
    let metrics: HallMetrics
    let refresh: @Sendable () -> Void
    let gate: StartupGate
    let logger: Logger
    private let endpoint = Mutex<MetricsEndpoint?>(nil)
    static let name = "metrics"

    public init(host: String, port: Int, metrics: HallMetrics, refresh: @escaping @Sendable () -> Void, gate: StartupGate,
                logger: Logger) {
        self.host = host
        requestedPort = port
        self.metrics = metrics
        self.refresh = refresh
        self.gate = gate
        self.logger = logger
    }

    public var port: Int? { endpoint.withLock { $0 }?.port }
    /// Scrape connections open now (nil before the endpoint is up).
    public var openConnections: Int? { endpoint.withLock { $0 }?.openConnections }

    public func run() async throws {
        let bound: MetricsEndpoint
        do {
            bound = try await MetricsEndpoint.start(host: host, port: requestedPort, metrics: metrics, refresh: refresh)
        } catch {
            // Fail the gate at once: nothing waits for a READY=1 that will not come.
            throw gate.failed(StartupError(part: "the metrics endpoint", address: "\(host):\(requestedPort)", underlying: error))
        }
        endpoint.withLock { $0 = bound }
        logger.info("metrics on http://\(host):\(bound.port)/metrics")
        gate.ready(Self.name)
        try? await gracefulShutdown()
        await bound.close()
    }
}

/// The status socket as a service: bound at start (its file removed at a stop).
public final class StatusSocketService: Service {
    let configuration: StatusServer.Configuration
    let provider: @Sendable () -> any StatusProvider
    let gate: StartupGate
    let logger: Logger
    static let name = "status socket"

    public init(configuration: StatusServer.Configuration, provider: @escaping @Sendable () -> any StatusProvider,
                gate: StartupGate, logger: Logger) {
        self.configuration = configuration
        self.provider = provider
        self.gate = gate
        self.logger = logger
    }

    public var path: String { configuration.path }

    public func run() async throws {
        let server: StatusServer
        do {
            server = try await StatusServer.start(configuration: configuration, provider: provider(), logger: logger)
        } catch {
            // Fail the gate at once: nothing waits for a READY=1 that will not come.
            throw gate.failed(StartupError(part: "the status socket", address: configuration.path, underlying: error))
        }
        gate.ready(Self.name)
        try? await gracefulShutdown()
        await server.stop()
    }
}

/// The speakers as a service: outputs opened on their threads at start, drained at a stop.
public final class AudioService: Service {
    public let system: AudioSystem

    public init(system: AudioSystem) { self.system = system }

    public func run() async throws {
        system.start()
        try? await gracefulShutdown()
        await system.shutdown()
    }
}
