import HallWeb
import Logging
import ServiceLifecycle
import Synchronization

/// An HTTP listener as a service: the index screens' face on `http.listen` (the kiosk app,
/// its API, `/ws/device`, `/metrics`, the queue feed's POST), or the Prometheus-only port
/// on `metrics.listen`. Bound at start (a port in use fails the start at once), closed at
/// a stop, its WebSocket device links told first.
public final class HTTPService: Service {
    public let server: WebServer
    /// What the start-up error names: "the HTTP listener", "the metrics endpoint".
    let part: String
    let name: String
    let gate: StartupGate
    let logger: Logger
    static let webName = "http"
    static let metricsName = "metrics"

    init(server: WebServer, part: String, name: String, gate: StartupGate, logger: Logger) {
        self.server = server
        self.part = part
        self.name = name
        self.gate = gate
        self.logger = logger
    }

    /// The port bound, once listening.
    public var port: Int? { server.port }

    public func run() async throws {
        let settings = server.settings
        let isBound = Mutex(false)
        do {
            try await server.run { [gate, name, logger, part] port in
                isBound.withLock { $0 = true }
                logger.info("\(part) on http://\(settings.host):\(port)/")
                gate.ready(name)
            }
        } catch {
            guard !isBound.withLock({ $0 }) else { throw error }
            // Fail the gate at once: nothing waits for a READY=1 that will not come.
            throw gate.failed(StartupError(part: part, address: "\(settings.host):\(settings.port)", underlying: error))
        }
    }
}
