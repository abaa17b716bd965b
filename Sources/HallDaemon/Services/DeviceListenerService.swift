import DeviceLinks
import DeviceSessions
import HallTime
import Logging
import ServiceLifecycle
import Synchronization

/// The TCP device port as a service: bound at start (a port in use fails the start),
/// and at a stop it stops accepting, recalls the robots on its links and closes them,
/// returning only once every link is closed, so that no answer follows.
public final class DeviceListenerService: Service {
    let host: String
    let requestedPort: Int
    let hub: DeviceHub
    let handler: any DeviceEventHandler
    let timing: SessionTiming
    let limits: ConnectionLimits
    let clock: any HallClock
    let gate: StartupGate
    let logger: Logger
    private let listener = Mutex<TCPDeviceListener?>(nil)

    public init(host: String, port: Int, hub: DeviceHub, handler: any DeviceEventHandler, timing: SessionTiming,
                limits: ConnectionLimits = ConnectionLimits(), clock: any HallClock, gate: StartupGate, logger: Logger) {
        self.host = host
        requestedPort = port
        self.hub = hub
        self.handler = handler
        self.timing = timing
        self.limits = limits
        self.clock = clock
        self.gate = gate
        self.logger = logger
    }

    static let name = "device listener"

    /// The bound port, once up.
    public var port: Int? { listener.withLock { $0 }?.port }

    public var connectionCount: Int { listener.withLock { $0 }?.connectionCount ?? 0 }

    public var pendingCount: Int { listener.withLock { $0 }?.pendingCount ?? 0 }

    public func run() async throws {
        let bound: TCPDeviceListener
        do {
            bound = try await TCPDeviceListener.bind(host: host, port: requestedPort, hub: hub, handler: handler, timing: timing,
                                                    limits: limits, clock: clock, logger: logger)
        } catch {
            // Fail the gate at once: nothing waits for a READY=1 that will not come.
            throw gate.failed(StartupError(part: "the device listener", address: "tcp \(host):\(requestedPort)", underlying: error))
        }
        listener.withLock { $0 = bound }
        logger.info("listening for devices on tcp \(host):\(bound.port)")
        gate.ready(Self.name)
        try? await gracefulShutdown()
        await bound.stopAccepting()
        await bound.closeLinks(.shutdown)
    }
}

/// Every serial device's port, each on its own thread, as one service: started with the
/// group, stopped (robots recalled, ports closed) before the query log drains.
public final class SerialLinksService: Service {
    public let links: [SerialPortLink]

    public init(links: [SerialPortLink]) { self.links = links }

    public func run() async throws {
        for link in links { link.start() }
        try? await gracefulShutdown()
        await withTaskGroup(of: Void.self) { group in
            for link in links { group.addTask { await link.stop() } }
        }
    }
}
