import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// GET /metrics on a local HTTP port, for Prometheus to scrape. Its connections are
/// capped and each must bring a whole request within a deadline, so idle or slow peers
/// cannot hold the descriptors the devices need.
public final class MetricsEndpoint: Sendable {
    public struct Limits: Sendable {
        /// A scraper needs one or two; past the cap a new connection is closed at once.
        public var maxConnections = 32
        /// From the connection (or the last response) to the end of the next request.
        public var requestDeadline: TimeAmount = .seconds(10)
        public init() {}
    }

    private let channel: any Channel
    let connections: ScrapeConnections

    public var port: Int { channel.localAddress?.port ?? 0 }
    /// Connections open now.
    public var openConnections: Int { connections.count }

    public static func start(host: String, port: Int, metrics: HallMetrics, refresh: @escaping @Sendable () -> Void,
                             limits: Limits = Limits(),
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> MetricsEndpoint {
        let connections = ScrapeConnections(limit: limits.maxConnections)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard connections.admit(channel) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        MetricsHandler(metrics: metrics, refresh: refresh, requestDeadline: limits.requestDeadline,
                                       connections: connections))
                }
            }
            .bind(host: host, port: port).get()
        return MetricsEndpoint(channel: channel, connections: connections)
    }

    private init(channel: any Channel, connections: ScrapeConnections) {
        self.channel = channel
        self.connections = connections
    }

    public func close() async { try? await channel.close() }
}

final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: HallMetrics
    let refresh: @Sendable () -> Void
    let requestDeadline: TimeAmount
    let connections: ScrapeConnections
    private var path = ""
    private var deadline: Scheduled<Void>?

    init(metrics: HallMetrics, refresh: @escaping @Sendable () -> Void, requestDeadline: TimeAmount,
         connections: ScrapeConnections) {
        self.metrics = metrics
        self.refresh = refresh
        self.requestDeadline = requestDeadline
        self.connections = connections
    }

    /// The next request must be whole by then; a byte now and then does not extend it.
    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: requestDeadline) { channel.close(promise: nil) }
    }

    func handlerAdded(context: ChannelHandlerContext) { armDeadline(context) }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.method == .GET ? head.uri : ""
            connections.markServing(context.channel)
        case .body: break
        case .end:
            armDeadline(context)
            connections.markWaiting(context.channel)
            let found = path == "/metrics" || path.hasPrefix("/metrics?")
            if found { refresh() }
            let body = found ? metrics.exposition() : "not found: GET /metrics\n"
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// The scrape connections open now. At the cap, the connection that has waited longest
/// without sending a request makes room for the newcomer (a scraper asks at once, an idle
/// peer never does); when every one is mid-request, the newcomer is closed.
final class ScrapeConnections: Sendable {
    private struct Entry {
        var channel: any Channel
        var admitted: UInt64
        var serving = false
    }

    let limit: Int
    private let state = Mutex<(entries: [ObjectIdentifier: Entry], admissions: UInt64)>(([:], 0))

    init(limit: Int) { self.limit = limit }

    func admit(_ channel: any Channel) -> Bool {
        let (admitted, evicted): (Bool, (any Channel)?) = state.withLock { s in
            var evicted: (any Channel)?
            if s.entries.count >= limit {
                guard let oldest = s.entries.filter({ !$0.value.serving }).min(by: { $0.value.admitted < $1.value.admitted })
                else { return (false, nil) }
                evicted = s.entries.removeValue(forKey: oldest.key)?.channel
            }
            s.admissions += 1
            s.entries[ObjectIdentifier(channel)] = Entry(channel: channel, admitted: s.admissions)
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        return admitted
    }

    func remove(_ channel: any Channel) { _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) } }

    func markServing(_ channel: any Channel) { state.withLock { $0.entries[ObjectIdentifier(channel)]?.serving = true } }

    /// After a response the connection waits again, and counts as newly admitted: a
    /// scraper that keeps its connection alive is not the first to go.
    func markWaiting(_ channel: any Channel) {
        state.withLock { s in
            guard s.entries[ObjectIdentifier(channel)] != nil else { return }
            s.admissions += 1
            s.entries[ObjectIdentifier(channel)]?.serving = false
            s.entries[ObjectIdentifier(channel)]?.admitted = s.admissions
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
