import DeviceSessions
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// halld's HTTP listener (Hummingbird): the kiosk pages and assets, their JSON API, the
/// WebSocket device link, /metrics and the queue feed's POST — or, for the Prometheus-only
/// port (`metrics.listen`), /metrics alone. Every connection passes the ConnectionGuard
/// first; request heads, bodies and WebSocket texts have their limits. Nothing here is an
/// admin action: the status socket stays the admin path.
public final class WebServer: Sendable {
    public enum Routes: Sendable { case all, metricsOnly }

    public let settings: WebSettings
    public let routes: Routes
    let backend: any WebBackend
    let logger: Logger
    public let connections: ConnectionGuard
    private let bound = Mutex<Int?>(nil)
    private let links = Mutex<[ObjectIdentifier: WebSocketDeviceLink]>([:])

    public init(settings: WebSettings, routes: Routes = .all, backend: any WebBackend, logger: Logger) {
        self.settings = settings
        self.routes = routes
        self.backend = backend
        self.logger = logger
        connections = ConnectionGuard(limits: settings.connectionLimits)
    }

    /// The port bound (port 0 picks one), once listening.
    public var port: Int? { bound.withLock { $0 } }

    /// Open WebSocket device links.
    public var webSocketLinkCount: Int { links.withLock { $0.count } }

    /// Binds and serves until a graceful shutdown; `onBound` is told the port once listening.
    /// Throws when it cannot bind.
    public func run(onBound: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router(context: WebRequestContext.self)
        let api = KioskAPI(backend: backend, settings: settings)
        WebRoutes(api: api, backend: backend, settings: settings, assets: KioskAssets()).add(to: router, routes: routes)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: settings.maxHeaderBytes, maxHeaderListSize: settings.maxHeaderBytes,
                                            maxHeaderFieldCount: 100))
        let ws = WebSocketServerConfiguration(maxFrameSize: WebSettings.maxWebSocketMessageBytes)
        let connections = connections
        let serveWebSockets = routes == .all
        let server = HTTPServerBuilder { [self] responder in
            connections.guarding(HTTP1WebSocketUpgradeChannel(
                responder: responder, configuration: .init(http1: http1, ws: ws),
                shouldUpgrade: { request, channel, _ -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> in
                    guard serveWebSockets, request.path == "/ws/device" else { return .dontUpgrade }
                    connections.upgraded(channel)
                    return .upgrade([:]) { inbound, outbound, context in
                        await self.serveDeviceLink(inbound: inbound, outbound: outbound, channel: channel, logger: context.logger)
                    }
                }))
        }
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil, backlog: 256, reuseAddress: true),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? 0
                self.bound.withLock { $0 = port }
                onBound(port)
            },
            logger: logger)
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: { [self] in
            // Open pages and app robots are told halld is going, as TCP devices are.
            for link in self.links.withLock({ Array($0.values) }) { link.close(.shutdown) }
        }
    }

    private func serveDeviceLink(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
                                 logger: Logger) async {
        await WebSocketDeviceLink.serve(inbound: inbound, outbound: outbound, channel: channel, backend: backend, logger: logger,
                                        opened: { [self] link in self.links.withLock { $0[ObjectIdentifier(link)] = link } },
                                        closed: { [self] link in _ = self.links.withLock { $0.removeValue(forKey: ObjectIdentifier(link)) } })
    }
}

/// A request's context: Hummingbird's core storage and the peer's address (for the log).
struct WebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? ""
    }
}
