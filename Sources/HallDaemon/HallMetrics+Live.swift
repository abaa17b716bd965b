import Foundation
import HallModel
import Prometheus
import StatusProtocol

extension HallMetrics {
    /// The live hall, at each scrape: closures by kind, windows serving and closed, the
    /// queue feed's age and counts.
    func live(_ live: DaemonStatus.Live, feed: (updates: [String: Int], rejected: [String: Int], snapshot: QueueSnapshot?)?) {
        for kind in ["window", "zone", "place", "edge", "area"] {
            registry.gauge(MetricCatalogue.closures, [("kind", kind)]).record(Int64(live.closures.filter { $0.kind == kind }.count))
        }
        registry.gauge(MetricCatalogue.windowsOpen).record(Int64(live.windowsOpen))
        registry.gauge(MetricCatalogue.windowsClosed).record(Int64(live.windowsClosed))
        guard let feed, let queue = live.queue else { return }
        for source in ["file", "post"] {
            registry.gauge(MetricCatalogue.queueFeedUpdates, [("source", source)]).record(Int64(feed.updates[source] ?? 0))
            registry.gauge(MetricCatalogue.queueFeedRejected, [("source", source)]).record(Int64(feed.rejected[source] ?? 0))
        }
        // Absent until the first snapshot: an age of "never" is no number.
        if let age = queue.ageSeconds {
            registry.gauge(MetricCatalogue.queueFeedAge).set(to: Double(age))
            registry.gauge(MetricCatalogue.queueFeedFresh).set(to: queue.fresh ? 1 : 0)
        }
    }
}
