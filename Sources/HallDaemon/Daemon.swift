import DeviceLinks
import DeviceProtocol
import HallAnswers
import HallModel
import Logging
import NIOCore
import NIOPosix

/// halld put together: the hall, the device hub and its links, the hall service.
public final class Daemon: Sendable {
    public let config: DaemonConfig
    public let hub: DeviceHub
    public let service: HallService
    public let group: MultiThreadedEventLoopGroup
    let logger: Logger
    private let tcp: TCPListener?
    public let serialLinks: [SerialPortLink]

    public var tcpPort: Int? { tcp?.port }

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

        let hub = DeviceHub(roster: config.roster)
        let service = HallService(hall: hall, robots: config.devices.filter { $0.kind == .robot }.map(\.id), logger: logger)
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
        logger.info("hall '\(hall.map.hallID)' data \(hall.version): \(hall.intents.intents.count) intents, \(config.devices.count) devices")
        return Daemon(config: config, hub: hub, service: service, group: group, logger: logger, tcp: tcp, serialLinks: serial)
    }

    private init(config: DaemonConfig, hub: DeviceHub, service: HallService, group: MultiThreadedEventLoopGroup,
                 logger: Logger, tcp: TCPListener?, serialLinks: [SerialPortLink]) {
        self.config = config
        self.hub = hub
        self.service = service
        self.group = group
        self.logger = logger
        self.tcp = tcp
        self.serialLinks = serialLinks
    }

    /// A graceful stop: robots are told to return to their stations, then links close.
    public func stop() async {
        for robot in config.devices where robot.kind == .robot {
            hub.deliver(.recall(reason: "halld is stopping"), to: robot.id)
        }
        try? await tcp?.close()
        for link in serialLinks { await link.stop() }
        try? await group.shutdownGracefully()
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
