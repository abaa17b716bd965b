import DeviceProtocol
import DeviceSessions
import HallTime
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Accepts device connections on a TCP port (SwiftNIO); each connection gets its own link
/// session on its channel's event loop.
public final class TCPDeviceListener: Sendable {
    private let channel: any Channel
    private let connections: ConnectionRegistry

    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds and starts accepting. Port 0 picks a free port (see `port`).
    public static func bind(host: String, port: Int, hub: DeviceHub, handler: any DeviceEventHandler,
                            timing: SessionTiming = SessionTiming(), limits: ConnectionLimits = ConnectionLimits(),
                            clock: any HallClock = SystemClock(),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            logger: Logger) async throws -> TCPDeviceListener {
        let connections = ConnectionRegistry(limits: limits)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DeviceChannelHandler(hub: hub, handler: handler, timing: timing, clock: clock, connections: connections,
                                             logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
        return TCPDeviceListener(channel: channel, connections: connections)
    }

    private init(channel: any Channel, connections: ConnectionRegistry) {
        self.channel = channel
        self.connections = connections
    }

    /// How many device connections are open (authenticated or not).
    public var connectionCount: Int { connections.count }

    /// How many of them have not authenticated yet.
    public var pendingCount: Int { connections.pendingCount }

    /// Stops accepting; open links stay until `closeLinks`.
    public func stopAccepting() async {
        try? await channel.close()
    }

    /// Ends every open connection (robots are recalled first) and returns once all are
    /// closed, so that no answer can follow.
    public func closeLinks(_ reason: CloseReason = .shutdown) async {
        let open = connections.all
        for link in open { link.close(reason) }
        for link in open { try? await link.channel.closeFuture.get() }
    }
}

/// The open connections: for closing them all at a stop, and for the handshake caps.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var link: TCPDeviceLink
        var source: String
        /// Accept order, while the link has not authenticated; nil once it has.
        var pendingSince: UInt64?
        /// Whether any byte came (a hello under way) while pending.
        var started = false
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var accepted: UInt64 = 0
    }

    let limits: ConnectionLimits
    private let state = Mutex(State())

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Registers a new connection; returns the waiting ones to close to keep within the caps.
    func add(_ link: TCPDeviceLink, source: String) -> [TCPDeviceLink] {
        state.withLock { s in
            var evicted: [TCPDeviceLink] = []
            func oldestPending(from source: String?) -> ObjectIdentifier? {
                let waiting = s.entries.filter { $0.value.pendingSince != nil && (source == nil || $0.value.source == source) }
                let silent = waiting.filter { !$0.value.started }
                return (silent.isEmpty ? waiting : silent).min { $0.value.pendingSince! < $1.value.pendingSince! }?.key
            }
            let fromSource = s.entries.values.filter { $0.pendingSince != nil && $0.source == source }.count
            if fromSource >= limits.pendingPerAddress, let oldest = oldestPending(from: source) {
                evicted.append(s.entries.removeValue(forKey: oldest)!.link)
            }
            if s.entries.values.filter({ $0.pendingSince != nil }).count >= limits.pendingHandshakes, let oldest = oldestPending(from: nil) {
                evicted.append(s.entries.removeValue(forKey: oldest)!.link)
            }
            s.accepted += 1
            s.entries[ObjectIdentifier(link)] = Entry(link: link, source: source, pendingSince: s.accepted)
            return evicted
        }
    }

    /// The first bytes came: a handshake is under way.
    func started(_ link: TCPDeviceLink) {
        state.withLock { $0.entries[ObjectIdentifier(link)]?.started = true }
    }

    /// The link's device authenticated: it no longer counts against the handshake caps.
    func authenticated(_ link: TCPDeviceLink) {
        state.withLock { $0.entries[ObjectIdentifier(link)]?.pendingSince = nil }
    }

    func remove(_ link: TCPDeviceLink) { _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(link)) } }
    var all: [TCPDeviceLink] { state.withLock { $0.entries.values.map(\.link) } }
    var count: Int { state.withLock { $0.entries.count } }
    var pendingCount: Int { state.withLock { $0.entries.values.filter { $0.pendingSince != nil }.count } }
}

/// One device connection: feeds bytes to the link session and ticks its timers.
final class DeviceChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let hub: DeviceHub
    let handler: any DeviceEventHandler
    let timing: SessionTiming
    let clock: any HallClock
    let connections: ConnectionRegistry
    let logger: Logger
    private var session: LinkSession?
    private var link: TCPDeviceLink?
    private var ticker: RepeatedTask?
    private var reportedAuthenticated = false
    private var reportedStarted = false

    init(hub: DeviceHub, handler: any DeviceEventHandler, timing: SessionTiming, clock: any HallClock,
         connections: ConnectionRegistry, logger: Logger) {
        self.hub = hub
        self.handler = handler
        self.timing = timing
        self.clock = clock
        self.connections = connections
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let source = "tcp:" + (channel.remoteAddress?.ipAddress ?? "?")
        let peer = source + ":\(channel.remoteAddress?.port ?? 0)"
        let session = LinkSession(hub: hub, handler: handler, timing: timing, peer: peer, source: source, clock: clock,
                                  logger: logger, transport: ChannelTransport(channel: channel))
        let bound = NIOLoopBound(session, eventLoop: channel.eventLoop)
        let link = TCPDeviceLink(peer: peer, channel: channel, session: bound)
        session.link = link
        self.session = session
        self.link = link
        for waiting in connections.add(link, source: source) { waiting.close(.evicted) }
        ticker = channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            bound.value.tick()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        if !reportedStarted, let link {
            reportedStarted = true
            connections.started(link)
        }
        unwrapInboundIn(data).withUnsafeReadableBytes { session.received($0) }
        if !reportedAuthenticated, session.session.authenticatedDevice != nil, let link {
            reportedAuthenticated = true
            connections.authenticated(link)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        ticker?.cancel()
        ticker = nil
        session?.transportClosed()
        if let link { connections.remove(link) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("\(link?.peer ?? "tcp"): \(error)")
        context.close(promise: nil)
    }
}

/// Writes a link session's frames to its channel.
final class ChannelTransport: LinkTransport {
    let channel: any Channel

    init(channel: any Channel) { self.channel = channel }

    func write(_ frames: [OutgoingFrame]) {
        let bytes = BinaryFraming.bytes(frames)
        guard !bytes.isEmpty else { return }
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    func close() { channel.close(promise: nil) }
}

/// The hub's handle on a TCP device link.
final class TCPDeviceLink: DeviceLink {
    let peer: String
    let transport = "tcp"
    let channel: any Channel
    let session: NIOLoopBound<LinkSession>

    init(peer: String, channel: any Channel, session: NIOLoopBound<LinkSession>) {
        self.peer = peer
        self.channel = channel
        self.session = session
    }

    func deliver(_ message: Message) {
        let session = session
        if channel.eventLoop.inEventLoop {
            session.value.send(message)
        } else {
            channel.eventLoop.execute { session.value.send(message) }
        }
    }

    func close(_ reason: CloseReason) {
        let session = session
        channel.eventLoop.execute { session.value.close(reason) }
    }
}
