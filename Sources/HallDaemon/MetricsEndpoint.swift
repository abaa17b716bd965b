import NIOCore
import NIOHTTP1
import NIOPosix

/// GET /metrics on a local HTTP port, for Prometheus to scrape.
public final class MetricsEndpoint: Sendable {
    private let channel: any Channel

    public var port: Int { channel.localAddress?.port ?? 0 }

    public static func start(host: String, port: Int, metrics: HallMetrics, refresh: @escaping @Sendable () -> Void,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(metrics: metrics, refresh: refresh))
                }
            }
            .bind(host: host, port: port).get()
        return MetricsEndpoint(channel: channel)
    }

    private init(channel: any Channel) { self.channel = channel }

    public func close() async { try? await channel.close() }
}

final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: HallMetrics
    let refresh: @Sendable () -> Void
    private var path = ""

    init(metrics: HallMetrics, refresh: @escaping @Sendable () -> Void) {
        self.metrics = metrics
        self.refresh = refresh
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = head.method == .GET ? head.uri : ""
        case .body: break
        case .end:
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
