import DeviceProtocol
import Logging
import NIOCore
import NIOPosix

/// Accepts device connections on a TCP port (SwiftNIO); each connection gets its own
/// session driver on its channel's event loop.
public final class TCPListener: Sendable {
    public let group: any EventLoopGroup
    let hub: DeviceHub
    let timing: SessionTiming
    let logger: Logger
    private let channel: any Channel

    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds and starts accepting. Port 0 picks a free port (see `port`).
    public static func start(host: String, port: Int, hub: DeviceHub, timing: SessionTiming = SessionTiming(),
                             group: any EventLoopGroup, logger: Logger) async throws -> TCPListener {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DeviceChannelHandler(hub: hub, timing: timing, logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
        return TCPListener(group: group, hub: hub, timing: timing, logger: logger, channel: channel)
    }

    private init(group: any EventLoopGroup, hub: DeviceHub, timing: SessionTiming, logger: Logger, channel: any Channel) {
        self.group = group
        self.hub = hub
        self.timing = timing
        self.logger = logger
        self.channel = channel
    }

    /// Stops accepting; open device links stay until closed.
    public func close() async throws {
        try await channel.close()
    }
}

/// One device connection: feeds bytes to the session driver, ticks its timers.
final class DeviceChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let hub: DeviceHub
    let timing: SessionTiming
    let logger: Logger
    private var driver: SessionDriver?
    private var link: TCPDeviceLink?
    private var ticker: RepeatedTask?

    init(hub: DeviceHub, timing: SessionTiming, logger: Logger) {
        self.hub = hub
        self.timing = timing
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let address = "tcp:" + (channel.remoteAddress?.ipAddress ?? "?")
        let peer = address + ":\(channel.remoteAddress?.port ?? 0)"
        let driver = SessionDriver(
            hub: hub, timing: timing, peer: peer, address: address, nonce: MonotonicClock.nonce(), logger: logger, clock: MonotonicClock.now,
            write: { frames in
                var buffer = channel.allocator.buffer(capacity: frames.reduce(0) { $0 + $1.count })
                for frame in frames { buffer.writeBytes(frame) }
                channel.writeAndFlush(buffer, promise: nil)
            },
            close: { channel.close(promise: nil) })
        let bound = NIOLoopBound(driver, eventLoop: channel.eventLoop)
        let link = TCPDeviceLink(peer: peer, channel: channel, driver: bound)
        driver.link = link
        self.driver = driver
        self.link = link
        ticker = channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            bound.value.tick()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        driver?.received(buffer.readableBytesView)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ticker?.cancel()
        ticker = nil
        driver?.transportClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("\(link?.peer ?? "tcp"): \(error)")
        context.close(promise: nil)
    }
}

/// The hub's handle on a TCP device link.
final class TCPDeviceLink: DeviceLink {
    let peer: String
    let transport = "tcp"
    let channel: any Channel
    let driver: NIOLoopBound<SessionDriver>

    init(peer: String, channel: any Channel, driver: NIOLoopBound<SessionDriver>) {
        self.peer = peer
        self.channel = channel
        self.driver = driver
    }

    func deliver(_ message: Message) {
        let driver = driver
        if channel.eventLoop.inEventLoop {
            driver.value.send(message)
        } else {
            channel.eventLoop.execute { driver.value.send(message) }
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}
