import AudioPrompts
import Logging
import NIOCore
import ServiceLifecycle

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
