import CoreMetrics
import Foundation
import HallModel
import Metrics
import StatusProtocol

extension HallMetrics {
    /// The live hall, at each scrape: closures by kind, windows serving and closed, the
    /// queue feed's age and counts.
    func live(_ live: DaemonStatus.Live, feed: (updates: [String: Int], rejected: [String: Int], snapshot: QueueSnapshot?)?) {
        for kind in ["window", "zone", "place", "edge", "area"] {
            CoreMetrics.Gauge(label: "hallguide_closures", dimensions: [("kind", kind)], factory: factory)
                .record(live.closures.filter { $0.kind == kind }.count)
        }
        CoreMetrics.Gauge(label: "hallguide_windows_open", factory: factory).record(live.windowsOpen)
        CoreMetrics.Gauge(label: "hallguide_windows_closed", factory: factory).record(live.windowsClosed)
        guard let feed, let queue = live.queue else { return }
        for source in ["file", "post"] {
            CoreMetrics.Gauge(label: "hallguide_queue_feed_updates", dimensions: [("source", source)], factory: factory)
                .record(feed.updates[source] ?? 0)
            CoreMetrics.Gauge(label: "hallguide_queue_feed_rejected", dimensions: [("source", source)], factory: factory)
                .record(feed.rejected[source] ?? 0)
        }
        // Absent until the first snapshot: an age of "never" is no number.
        if let age = queue.ageSeconds {
            CoreMetrics.Gauge(label: "hallguide_queue_feed_age_seconds", factory: factory).record(age)
            CoreMetrics.Gauge(label: "hallguide_queue_feed_fresh", factory: factory).record(queue.fresh ? 1 : 0)
        }
    }
}
