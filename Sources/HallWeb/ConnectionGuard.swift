import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// The HTTP port's connection caps. Hummingbird sets up its HTTP handlers (and their idle
/// timeout) only once a first request has come, so a connection that says nothing would
/// hold a descriptor for ever; this guard sits first in every connection's pipeline, from
/// the accept: it closes a connection quiet for `idleTimeout`, and when more than
/// `maxIdle` connections are idle (nothing asked, or the last reply sent), or more than
/// `maxConnections` are open, it closes the oldest idle one to make room — so someone
/// opening idle connections can neither hold the port nor push out a request in progress.
/// WebSocket links are not idle: their sessions' heartbeats and handshake timer bound them.
public final class ConnectionGuard: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maxConnections: Int
        public var maxIdle: Int
        public var idleTimeout: TimeAmount

        public init(maxConnections: Int = 1024, maxIdle: Int = 256, idleTimeout: TimeAmount = .seconds(30)) {
            self.maxConnections = maxConnections
            self.maxIdle = maxIdle
            self.idleTimeout = idleTimeout
        }
    }

    private struct Entry {
        var channel: any Channel
        /// Accept order, or the order the connection last became idle; nil while busy.
        var idleSince: UInt64?
        var webSocket = false
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var clock: UInt64 = 0
        var evicted = 0
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits) { self.limits = limits }

    /// Open connections (WebSocket links included).
    public var count: Int { state.withLock { $0.entries.count } }
    /// Open connections with nothing in progress.
    public var idleCount: Int { state.withLock { $0.entries.values.filter { $0.idleSince != nil }.count } }
    /// Idle connections closed to make room, since the start.
    public var evictedCount: Int { state.withLock { $0.evicted } }

    /// A new connection; closes those that must make room for it (or it, when every other
    /// connection is busy and the port is full).
    func opened(_ channel: any Channel) {
        let toClose: [any Channel] = state.withLock { s in
            var closing: [any Channel] = []
            func evictOldestIdle() -> Bool {
                guard let oldest = s.entries.filter({ $0.value.idleSince != nil })
                    .min(by: { $0.value.idleSince! < $1.value.idleSince! }) else { return false }
                closing.append(s.entries.removeValue(forKey: oldest.key)!.channel)
                s.evicted += 1
                return true
            }
            if s.entries.values.filter({ $0.idleSince != nil }).count >= limits.maxIdle { _ = evictOldestIdle() }
            if s.entries.count >= limits.maxConnections, !evictOldestIdle() { return [channel] }
            s.clock += 1
            s.entries[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: s.clock)
            return closing
        }
        for channel in toClose { channel.close(promise: nil) }
    }

    func busy(_ channel: any Channel) {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.idleSince = nil }
    }

    func idle(_ channel: any Channel) {
        state.withLock { s in
            guard s.entries[ObjectIdentifier(channel)]?.webSocket == false else { return }
            s.clock += 1
            s.entries[ObjectIdentifier(channel)]?.idleSince = s.clock
        }
    }

    /// The connection became a WebSocket device link.
    func upgraded(_ channel: any Channel) {
        state.withLock {
            $0.entries[ObjectIdentifier(channel)]?.webSocket = true
            $0.entries[ObjectIdentifier(channel)]?.idleSince = nil
        }
    }

    func isWebSocket(_ channel: any Channel) -> Bool {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.webSocket ?? false }
    }

    func closed(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Wraps a child channel builder: every connection gets the guard's handler first.
    func guarding<Base: ServerChildChannel>(_ base: Base) -> GuardedChildChannel<Base> {
        GuardedChildChannel(base: base, guard: self)
    }
}

/// A server child channel with the connection guard in front of its own pipeline.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let `guard`: ConnectionGuard

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let handler = ConnectionGuardHandler(guard: `guard`)
        do {
            try channel.pipeline.syncOperations.addHandler(handler)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Bytes in: a request under way. A flush out: its reply sent, idle again (a reply that
/// is streamed in pieces counts as idle between them, which only makes it a candidate to
/// close after every older idle connection). Quiet for the idle timeout: closed.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let `guard`: ConnectionGuard
    private var timer: Scheduled<Void>?
    private var registered = false

    init(guard: ConnectionGuard) { self.guard = `guard` }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        `guard`.opened(context.channel)
        armTimer(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        `guard`.busy(context.channel)
        armTimer(context)
        context.fireChannelRead(data)
    }

    func flush(context: ChannelHandlerContext) {
        `guard`.idle(context.channel)
        armTimer(context)
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        `guard`.closed(context.channel)
        context.fireChannelInactive()
    }

    private func armTimer(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        let connections = `guard`
        timer = context.eventLoop.scheduleTask(in: connections.limits.idleTimeout) {
            // A WebSocket link's liveness is its session's (heartbeats), not this timer's.
            if !connections.isWebSocket(channel) { channel.close(promise: nil) }
        }
    }
}

extension WebSettings {
    /// The guard's limits from `http:` (kept here so the settings stay plain data that the
    /// configuration reader and the fuzzers build without NIO).
    var connectionLimits: ConnectionGuard.Limits {
        .init(maxConnections: maxConnections, maxIdle: maxIdleConnections, idleTimeout: .seconds(Int64(idleTimeoutSeconds)))
    }
}
