import DeviceLinks
import DeviceProtocol
import Foundation
import AudioPrompts
import HallAnswers
import StatusProtocol

extension Daemon: StatusProvider {
    public func status() -> DaemonStatus {
        let now = MonotonicClock.now()
        let hall = service.hall
        let robots = Dictionary(uniqueKeysWithValues: service.fleet.records.map { ($0.id, $0) })
        let devices = hub.statuses.map { d -> DaemonStatus.Device in
            let robot = robots[d.id]
            return .init(id: d.id, kind: d.kind == .robot ? "robot" : "screen", station: d.station, connected: d.connected,
                         transport: d.transport, peer: d.peer,
                         lastSeenSecondsAgo: d.lastSeen.map { Double(now &- $0) / 1e9 }, firmware: d.firmware,
                         linkErrors: d.linkErrors, reconnects: d.reconnects, activity: robot?.activity.rawValue,
                         battery: robot.flatMap { $0.battery == 255 ? nil : Int($0.battery) }, leadDestination: robot?.leadDestination)
        }
        let malformed = hub.recentMalformed.reversed().map {
            DaemonStatus.MalformedFrame(peer: $0.peer, device: $0.device, secondsAgo: Double(now &- $0.at) / 1e9, reason: $0.reason,
                                        hex: $0.bytes.map { String(format: "%02x", $0) }.joined(), offset: $0.offset)
        }
        let stats = service.answerStats
        var reload: DaemonStatus.Reload?
        if let (at, r) = reloadRecord {
            reload = r
            reload?.secondsAgo = Date().timeIntervalSince(at)
        }
        var queryLog: DaemonStatus.QueryLog?
        if let (path, error) = queryLogOpening {
            let c = self.queryLog?.counters ?? .init()
            queryLog = .init(path: path, recorded: c.recorded, committed: c.committed, pending: c.pending, dropped: c.dropped,
                             failedWrites: c.failedWrites, pruned: c.pruned, error: error)
        }
        return DaemonStatus(
            version: HallGuideVersion.string, pid: getpid(), uptimeSeconds: Date().timeIntervalSince(startedAt),
            hall: .init(id: hall.map.hallID, dataVersion: hall.version, map: config.mapPath ?? "built-in",
                        intents: config.intentsPath ?? "built-in", intentCount: hall.intents.intents.count,
                        nodeCount: hall.map.nodes.count, loadedSecondsAgo: Date().timeIntervalSince(loadedAt)),
            lastReload: reload, devices: devices,
            answers: .init(answered: stats.answered, byOutcome: stats.byOutcome, failed: stats.failed),
            badFrames: hub.badFrameCount, malformed: Array(malformed),
            audio: (audio?.status() ?? []).map {
                .init(name: $0.name, pcm: $0.pcm, state: $0.state.rawValue, queued: $0.queueDepth, played: $0.counters.played,
                      failed: $0.counters.failed, lastError: $0.lastError ?? "")
            },
            queryLog: queryLog)
    }

    public func recall(robot: String) -> Bool {
        hub.deliver(.recall(reason: "recalled by an operator"), to: robot)
    }

    public func audioTest(place: String) async -> String {
        guard let audio else { return "no audio outputs are configured" }
        guard audio.output(for: place) != nil else { return "no audio output serves '\(place)'" }
        let result = audio.play(AudioRequest(promptID: "greeting", language: .zh, priority: .announcement), at: place)
        return "\(place): \(result)"
    }
}
