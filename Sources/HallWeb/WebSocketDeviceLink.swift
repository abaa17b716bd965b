import DeviceLinks
import DeviceProtocol
import DeviceSessions
import HallTime
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// One `/ws/device` connection as a device link: the JSON texts of
/// firmware-protocol/JSON.md go through the same LinkSession (hello, HMAC challenge and
/// proof, acks, heartbeats, rate limits, per-source penalties) and the same hub as a TCP
/// link; only the framing differs. The session is confined to the connection's event
/// loop, as a TCP link's is; texts out go through a stream the socket's writer drains.
final class WebSocketDeviceLink: DeviceLink {
    enum Outbound: Sendable {
        case text(String)
        case close(WebSocketErrorCode)
    }

    let peer: String
    let transport = "websocket"
    let eventLoop: any EventLoop
    private let session: NIOLoopBound<LinkSession>
    private let outbound: AsyncStream<Outbound>.Continuation
    private let ticker: NIOLoopBoundBox<RepeatedTask?>

    /// Runs one connection: the session's texts out, the device's texts in, until either
    /// side closes. Returns when the link is over.
    static func serve(inbound: WebSocketInboundStream, outbound writer: WebSocketOutboundWriter, channel: any Channel,
                      backend: any WebBackend, logger: Logger,
                      opened: @Sendable (WebSocketDeviceLink) -> Void, closed: @Sendable (WebSocketDeviceLink) -> Void) async {
        let (texts, continuation) = AsyncStream<Outbound>.makeStream()
        let source = "ws:" + (channel.remoteAddress?.ipAddress ?? "?")
        let peer = source + ":\(channel.remoteAddress?.port ?? 0)"
        let link = channel.eventLoop.submit {
            WebSocketDeviceLink(peer: peer, source: source, eventLoop: channel.eventLoop, backend: backend, outbound: continuation,
                                logger: logger)
        }
        guard let link = try? await link.get() else { return }
        opened(link)
        defer { closed(link) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in texts {
                    switch item {
                    case .text(let text):
                        do { try await writer.write(.text(text)) } catch { return }
                    case .close(let code):
                        try? await writer.close(code, reason: nil)
                        return
                    }
                }
            }
            do {
                for try await message in inbound.messages(maxSize: WebSettings.maxWebSocketMessageBytes) {
                    switch message {
                    case .text(let text): link.received(text)
                    case .binary:
                        // JSON.md §1: texts only.
                        continuation.yield(.close(.unacceptableData))
                    }
                }
            } catch {
                logger.debug("\(peer): \(error)")
            }
            link.transportClosed()
            continuation.finish()
        }
    }

    /// On the event loop.
    private init(peer: String, source: String, eventLoop: any EventLoop, backend: any WebBackend,
                 outbound: AsyncStream<Outbound>.Continuation, logger: Logger) {
        self.peer = peer
        self.eventLoop = eventLoop
        self.outbound = outbound
        let transport = StreamTransport(outbound: outbound)
        let session = LinkSession(hub: backend.hub, handler: backend.deviceHandler, timing: backend.timing, peer: peer,
                                  source: source, clock: backend.clock, logger: logger, transport: transport)
        let bound = NIOLoopBound(session, eventLoop: eventLoop)
        self.session = bound
        ticker = NIOLoopBoundBox(nil, eventLoop: eventLoop)
        session.link = self
        ticker.value = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            bound.value.tick()
        }
    }

    /// A text from the device, read as JSON.md §5 says (a text over the limit never gets
    /// here: the WebSocket layer closes with 1009).
    func received(_ text: String) {
        let session = session
        eventLoop.execute {
            let event = JSONFrameCodec.decode(text)
            session.value.received(event, sample: Array(text.utf8.prefix(64)))
        }
    }

    func transportClosed() {
        let session = session, ticker = ticker
        eventLoop.execute {
            ticker.value?.cancel()
            ticker.value = nil
            session.value.transportClosed()
        }
    }

    func deliver(_ message: Message) {
        let session = session
        if eventLoop.inEventLoop {
            session.value.send(message)
        } else {
            eventLoop.execute { session.value.send(message) }
        }
    }

    func close(_ reason: CloseReason) {
        let session = session
        eventLoop.execute { session.value.close(reason) }
    }
}

/// The session's frames as JSON texts onto the socket's writer; its close as 1008 (the
/// session rules closed the link: a refusal, a timeout) or 1001 at halld's stop.
final class StreamTransport: LinkTransport {
    let outbound: AsyncStream<WebSocketDeviceLink.Outbound>.Continuation

    init(outbound: AsyncStream<WebSocketDeviceLink.Outbound>.Continuation) { self.outbound = outbound }

    func write(_ frames: [OutgoingFrame]) {
        for text in JSONFraming.texts(frames) { outbound.yield(.text(text)) }
    }

    func close() {
        outbound.yield(.close(.policyViolation))
    }
}
