import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallConversation
import HallTime
import HallWeb

/// What halld's HTTP face sees of the daemon (HallWeb's WebBackend): the conversation's
/// hall and live state, the hub, the metrics and the queue feed. It holds the parts, not
/// the daemon, so the daemon owns its services without a cycle.
struct DaemonWebBackend: WebBackend {
    let conversation: ConversationExecutor
    let hub: DeviceHub
    let timing: SessionTiming
    let clock: any HallClock
    let screens: [WebScreen]
    let robotStations: [(id: String, station: String)]
    let metrics: HallMetrics
    let queueFeed: QueueFeedService?
    /// HallDaemon.refreshMetrics, called before every exposition.
    let refreshMetrics: @Sendable () -> Void

    init(config: DaemonConfig, conversation: ConversationExecutor, hub: DeviceHub, clock: any HallClock, metrics: HallMetrics,
         queueFeed: QueueFeedService?, refreshMetrics: @escaping @Sendable () -> Void) {
        self.conversation = conversation
        self.hub = hub
        timing = config.timing
        self.clock = clock
        screens = config.devices.filter { $0.kind == .screen }.map { WebScreen(id: $0.id, station: $0.station) }
        robotStations = config.devices.filter { $0.kind == .robot }.map { ($0.id, $0.station) }
        self.metrics = metrics
        self.queueFeed = queueFeed
        self.refreshMetrics = refreshMetrics
    }

    var hall: Hall { conversation.hall }

    var robots: [WebRobot] {
        let records = Dictionary(conversation.robots.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return robotStations.map { WebRobot(id: $0.id, station: $0.station, free: records[$0.id]?.lead.isFree ?? false) }
    }

    func liveConditions() -> LiveConditions {
        let live = conversation.live
        return LiveConditions(now: clock.wallClock(), closures: live.plan, queue: live.queue, queueMaxAge: live.queueMaxAge)
    }

    func metricsExposition() -> String {
        refreshMetrics()
        return metrics.exposition()
    }

    func postQueueFeed(body: [UInt8], authorization: String?, peer: String) -> (status: Int, json: String)? {
        guard let queueFeed else { return nil }
        let result = queueFeed.post(body: body, key: QueueFeedService.bearerToken(fromAuthorization: authorization), peer: peer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(result.reply)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"ok":false}"#
        return (result.status, json)
    }

    var deviceHandler: any DeviceEventHandler { conversation }
}
