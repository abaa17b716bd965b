#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import NIOCore
import NIOPosix
import StatusProtocol
import Synchronization

/// halld's status socket: a Unix stream socket speaking line-delimited JSON (see
/// StatusProtocol and README "Status socket"). Reads for whoever can connect, which the
/// socket's mode (0660, the hallguide group) decides; admin commands for the peers
/// `AdminPolicy` allows, by SO_PEERCRED.
public final class StatusServer: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        public var admin: AdminPolicy
        public var maxConnections = 16
        /// A connection that neither sends nor receives for this long is closed, so that
        /// forgotten `socat` sessions do not hold the connection slots.
        public var idleTimeout: TimeAmount = .seconds(60)
        public var maxRequestBytes = StatusWire.maxRequestBytes

        public init(path: String, admin: AdminPolicy) {
            self.path = path
            self.admin = admin
        }

        /// From halld.yaml's `status:` (socket, admin_uids, admin_groups); group names are
        /// resolved to ids here, once.
        public init(path: String, adminUIDs: [UInt32], adminGroups: [String]) {
            self.init(path: path, admin: AdminPolicy(uids: adminUIDs, groups: adminGroups))
        }
    }

    /// Where the daemon puts the socket: see `StatusSocketPath.server`.
    public static func defaultPath(environment: [String: String], configured: String? = nil) -> String {
        StatusSocketPath.server(environment: environment, configured: configured)
    }

    public let path: String
    private let serverChannel: any Channel
    private let acceptLoop: Task<Void, Never>

    /// Binds (replacing a stale socket file a previous halld left), sets the mode to 0660
    /// and starts accepting. Throws when the path cannot be bound, so that halld fails
    /// at start rather than running without its status socket.
    public static func start(configuration: Configuration, provider: any StatusProvider,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             logger: Logger) async throws -> StatusServer {
        let idle = configuration.idleTimeout
        let maxBytes = configuration.maxRequestBytes
        // A stale socket file (a halld that died) is replaced; a live one belongs to a
        // running halld, and taking it over would leave that one unreachable.
        if StatusSocketProbe.isServed(configuration.path) { throw StatusServerError.inUse(configuration.path) }
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 32)
            // Clients such as `socat` shut down their sending side after the request and
            // still read the reply: half-closed input must not close the connection.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: configuration.path, cleanupExistingSocketFile: true) { channel in
                peerCredentials(of: channel).flatMapThrowing { peer in
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(BoundedLineDecoder(maxBytes: maxBytes)))
                    try pipeline.addHandler(CloseWithoutRequests(timeout: idle))
                    let connection = try NIOAsyncChannel<StatusInput, ByteBuffer>(wrappingChannelSynchronously: channel)
                    return AcceptedConnection(channel: connection, peer: peer)
                }
            }
        // bind() made the socket with the process umask (0750 under the unit's
        // UMask=0027, too narrow for the ops group). chmod is all halld may do: chown is
        // outside its system call filter, and the group is already hallguide. The window
        // before chmod is narrower than the final mode, never wider.
        if chmod(configuration.path, 0o660) != 0 {
            let code = errno
            try? await server.channel.close()
            unlink(configuration.path)
            throw StatusServerError.chmod(configuration.path, code)
        }
        for name in configuration.admin.unknownGroups {
            logger.warning("status socket: admin group '\(name)' does not exist; it grants nothing")
        }
        let handler = RequestHandler(provider: provider, admin: configuration.admin, logger: logger)
        let slots = ConnectionSlots(limit: configuration.maxConnections)
        let acceptLoop = Task {
            await acceptConnections(server, handler: handler, slots: slots, logger: logger)
        }
        logger.info("status socket \(configuration.path)")
        return StatusServer(path: configuration.path, serverChannel: server.channel, acceptLoop: acceptLoop)
    }

    private init(path: String, serverChannel: any Channel, acceptLoop: Task<Void, Never>) {
        self.path = path
        self.serverChannel = serverChannel
        self.acceptLoop = acceptLoop
    }

    /// Stops accepting, closes open connections and removes the socket file. Call it
    /// before the event loop group shuts down: the connections run on its loops.
    public func stop() async {
        acceptLoop.cancel()
        try? await serverChannel.close()
        await acceptLoop.value
        unlink(path)
    }

    private static func acceptConnections(_ server: NIOAsyncChannel<AcceptedConnection, Never>, handler: RequestHandler,
                                          slots: ConnectionSlots, logger: Logger) async {
        do {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { connections in
                    for try await connection in inbound {
                        guard slots.acquire() else {
                            logger.notice("status socket: refused a connection from \(connection.peerDescription): \(slots.limit) already open")
                            connections.addTask { await refuse(connection, "too many connections (at most \(slots.limit))") }
                            continue
                        }
                        connections.addTask {
                            defer { slots.release() }
                            await serve(connection, handler: handler, logger: logger)
                        }
                    }
                }
            }
        } catch is CancellationError {
            // stop(): not a failure.
        } catch {
            logger.error("status socket: stopped accepting: \(error)")
        }
    }

    /// One connection: requests are answered one after another, so replies come in the
    /// order of the requests however many a client sends at once.
    private static func serve(_ connection: AcceptedConnection, handler: RequestHandler, logger: Logger) async {
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                for try await input in inbound {
                    switch input {
                    case .line(let line):
                        if let reply = await handler.reply(to: line, peer: connection.peer) {
                            try await outbound.write(reply)
                        }
                    case .tooLong(let limit):
                        logger.notice("status socket: request line over \(limit) bytes from \(connection.peerDescription); closing")
                        try await outbound.write(RequestHandler.failure("request line longer than \(limit) bytes"))
                        return
                    }
                }
            }
        } catch {
            logger.debug("status socket: connection from \(connection.peerDescription): \(error)")
        }
    }

    private static func refuse(_ connection: AcceptedConnection, _ reason: String) async {
        try? await connection.channel.executeThenClose { _, outbound in
            try await outbound.write(RequestHandler.failure(reason))
        }
    }

    /// SO_PEERCRED on the accepted socket. Nil when the platform or the kernel does not
    /// say, which leaves the peer with read commands only.
    private static func peerCredentials(of channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }. Glibc hides it behind
        // _GNU_SOURCE, so it is read as a tuple: Swift lays tuples out like C structs.
        let future: EventLoopFuture<(Int32, UInt32, UInt32)> = provider.unsafeGetSocketOption(
            level: NIOBSDSocket.OptionLevel(rawValue: SOL_SOCKET), name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        return future.map { Optional(PeerCredentials(pid: $0.0, uid: $0.1, gid: $0.2)) }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}

public enum StatusServerError: Error, CustomStringConvertible {
    case chmod(String, Int32)
    case inUse(String)

    public var description: String {
        switch self {
        case .chmod(let path, let code): "status socket \(path): chmod 0660: \(String(cString: strerror(code)))"
        case .inUse(let path): "another halld is serving the status socket \(path); stop it first, or give this one its own status.socket"
        }
    }
}

/// Whether something accepts connections on a Unix socket path right now.
enum StatusSocketProbe {
    static func isServed(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0
    }
}

/// An accepted connection and who is at the other end.
struct AcceptedConnection: Sendable {
    let channel: NIOAsyncChannel<StatusInput, ByteBuffer>
    let peer: PeerCredentials?

    var peerDescription: String { peer.map(\.description) ?? "an unknown peer" }
}

/// At most `limit` connections at once; the 17th is told so and closed.
final class ConnectionSlots: Sendable {
    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) { self.limit = limit }

    func acquire() -> Bool {
        open.withLock { open in
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    func release() { open.withLock { $0 -= 1 } }
}

/// Closes a connection that has sent no request (a non-blank line) and been sent no reply
/// for `timeout`: blank lines do not count, so nobody holds a connection slot for ever by
/// pressing Enter now and then. While a request waits for its reply (a long reload) the
/// clock does not run: the client is waiting on halld, not idling.
final class CloseWithoutRequests: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = StatusInput
    typealias InboundOut = StatusInput
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Requests read whose reply has not been written yet.
    private var awaitingReplies = 0

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) { restart(context) }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let line) where !line.readableBytesView.allSatisfy(StatusRequestLine.isBlank):
            awaitingReplies += 1
            timer?.cancel()
            timer = nil
        case .line, .tooLong: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        awaitingReplies = max(0, awaitingReplies - 1)
        if awaitingReplies == 0 { restart(context) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    private func restart(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}

/// What the line splitter passes on: a request line, or the news that one was too long.
enum StatusInput: Sendable {
    case line(ByteBuffer)
    case tooLong(Int)
}

/// Splits input at newlines, never holding more than one request's worth: a line longer
/// than `maxBytes` is reported as soon as that many bytes have come without a newline,
/// and everything after it is dropped (the connection is closing).
struct BoundedLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = StatusInput

    let maxBytes: Int
    private var refused = false

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if refused {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        // Look no further than a longest line and its newline.
        let window = buffer.readableBytesView.prefix(maxBytes + 1)
        guard let newline = window.firstIndex(of: UInt8(ascii: "\n")) else {
            if window.count > maxBytes { refuse(context: context, buffer: &buffer) }
            return .needMoreData
        }
        var line = buffer.readSlice(length: newline - window.startIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return .continue
    }

    /// At end of input, a last request without its newline is still a request
    /// (`printf '{"command":"status"}' | socat …`).
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if !refused, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(rest)))
        }
        return .needMoreData
    }

    private mutating func refuse(context: ChannelHandlerContext, buffer: inout ByteBuffer) {
        refused = true
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(wrapInboundOut(.tooLong(maxBytes)))
    }
}
