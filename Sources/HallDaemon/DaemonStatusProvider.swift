import AudioPrompts
import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallConversation
import HallModel
import HallTime
import QueryLog
import StatusProtocol

extension HallDaemon: StatusProvider {
    public func status() -> DaemonStatus {
        let now = clock.now()
        let wall = clock.wallClock()
        let hall = conversation.hall
        let robots = Dictionary(uniqueKeysWithValues: conversation.robots.map { ($0.id, $0) })
        let ports = Dictionary(serial.links.map { ($0.deviceID, $0) }, uniquingKeysWith: { first, _ in first })
        let devices = hub.statuses.map { d -> DaemonStatus.Device in
            let robot = robots[d.id]
            return .init(id: d.id, kind: d.kind == .robot ? "robot" : "screen", station: d.station, connected: d.connected,
                         transport: d.transport, peer: d.peer,
                         lastSeenSecondsAgo: d.lastSeen.map { (now - $0).seconds }, firmware: d.firmware,
                         linkErrors: d.linkErrors, reconnects: d.reconnects, activity: robot?.lead.activity,
                         battery: robot.flatMap { $0.battery == 255 ? nil : Int($0.battery) }, leadDestination: robot?.lead.destination,
                         serial: ports[d.id].map { link in
                             let s = link.status
                             return .init(port: link.name.description, open: s.open, opens: s.opens, openFailures: s.failures,
                                          lastError: s.lastError.isEmpty ? nil : s.lastError)
                         },
                         counters: .init(framesIn: d.counters.framesIn, framesOut: d.counters.framesOut, naksSent: d.counters.naksSent,
                                         duplicates: d.counters.duplicates, retransmits: d.counters.retransmits,
                                         rateLimited: d.counters.rateLimited, malformed: d.counters.malformed,
                                         authFailures: d.counters.authFailures))
        }
        let malformed = hub.recentMalformed.reversed().map {
            DaemonStatus.MalformedFrame(peer: $0.peer, device: $0.device, secondsAgo: (now - $0.at).seconds, reason: $0.reason,
                                        hex: $0.bytes.map { String(format: "%02x", $0) }.joined(), offset: $0.offset)
        }
        let stats = conversation.stats
        var reload: DaemonStatus.Reload?
        if let (at, r) = reloadRecord {
            reload = r
            reload?.secondsAgo = wall.timeIntervalSince(at)
        }
        let queryLogStatus = queryLogState()
        return DaemonStatus(
            version: HallGuideVersion.string, pid: getpid(), uptimeSeconds: wall.timeIntervalSince(startedAt),
            hall: .init(id: hall.map.hallID, dataVersion: hall.version, map: config.mapPath ?? "built-in",
                        intents: config.intentsPath ?? "built-in", intentCount: hall.intents.intents.count,
                        nodeCount: hall.map.nodes.count, loadedSecondsAgo: wall.timeIntervalSince(loadedTime)),
            lastReload: reload, devices: devices,
            answers: .init(answered: stats.answered, byOutcome: stats.byOutcome, failed: stats.failed),
            badFrames: hub.badFrameCount, malformed: Array(malformed),
            audio: (audio?.system.status() ?? []).map {
                .init(name: $0.name, pcm: $0.pcm, state: $0.state.rawValue, queued: $0.queueDepth, played: $0.counters.played,
                      failed: $0.counters.failed, lastError: $0.lastError ?? "", dropped: $0.counters.dropped,
                      suppressed: $0.counters.suppressed, reopens: $0.counters.reopens, openFailures: $0.counters.openFailures)
            },
            queryLog: queryLogStatus, live: liveStatus(at: wall))
    }

    func queryLogState() -> DaemonStatus.QueryLog? {
        guard let queryLog else { return nil }
        let (c, error, missed) = queryLog.state
        return .init(path: queryLog.path, recorded: c.recorded, committed: c.committed, pending: c.pending,
                     dropped: c.dropped + missed, failedWrites: c.failedWrites, pruned: c.pruned, error: error)
    }

    public func flushQueryLog() async -> DaemonStatus.QueryLog? {
        guard let queryLog else { return nil }
        // The writer's flush blocks: off the cooperative threads.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                queryLog.flush(timeout: .seconds(5))
                done.resume()
            }
        }
        return queryLogState()
    }

    public func reload() async -> DaemonStatus.Reload { await reloads.request() }

    public func recall(robot: String) -> Bool {
        conversation.recall(robot: robot, reason: "recalled by an operator")
    }

    /// Says what really happened: an output that is down is reported as down (with ALSA's
    /// error), and a prompt that was queued is followed until it played or failed.
    public func audioTest(place: String) async -> String {
        let place = LogText.escaped(place)
        guard let audio = audio?.system else { return "no audio outputs are configured" }
        guard let output = audio.output(for: place) else { return "no audio output serves '\(place)'" }
        let before = output.status()
        switch before.state {
        case .unavailable, .reopening:
            return "\(place): not played: output '\(before.name)' (\(before.pcm)) is \(before.state.rawValue): \(before.lastError ?? "no error given")"
        case .idle, .playing, .quiet:
            break
        }
        let result = audio.play(AudioRequest(promptID: "greeting", language: .zh, priority: .announcement), at: place)
        guard let ticket = result.ticket else { return "\(place): not played: \(result)" }
        switch await output.waitUntilFinished(ticket: ticket, timeout: .seconds(10)) {
        case .played?: return "\(place): played the greeting on '\(before.name)' (\(before.pcm))"
        case .failed(let reason)?: return "\(place): failed on '\(before.name)': \(reason)"
        case let other?: return "\(place): not played on '\(before.name)': \(other)"
        case nil: return "\(place): queued on '\(before.name)' but not played within 10 s (state now \(output.status().state.rawValue))"
        }
    }
}
