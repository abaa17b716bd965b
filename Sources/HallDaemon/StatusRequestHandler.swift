import DeviceSessions
import Foundation
import Logging
import NIOCore
import StatusProtocol

/// Turns one request line into one reply line: parses, checks the peer for admin
/// commands, asks the provider.
struct RequestHandler: Sendable {
    let provider: any StatusProvider
    let admin: AdminPolicy
    let logger: Logger

    /// The reply to a request line; nil for a blank line, which is not a request (an
    /// operator pressing Enter in `socat`).
    func reply(to line: ByteBuffer, peer: PeerCredentials?) async -> ByteBuffer? {
        let command: StatusCommand
        let request: StatusRequest
        switch StatusRequestLine.parse(line.readableBytesView) {
        case .blank:
            return nil
        case .notARequest:
            return Self.failure("not a request: one JSON object with a \"command\" string per line")
        case .unknownCommand(let name):
            let known = StatusCommand.allCases.map(\.rawValue).joined(separator: ", ")
            return Self.failure("unknown command '\(LogText.escaped(name))' (known: \(known))")
        case .request(let known, let parsed):
            (command, request) = (known, parsed)
        }
        if command.isAdmin {
            // Every admin request is logged with who asked: refused ones for the security
            // log, carried-out ones so that a reload or a recall can be traced to a person.
            let who = peer.map(\.description) ?? "an unknown peer"
            if let reason = admin.refusal(for: peer) {
                logger.warning("status socket: refused \(command.rawValue) from \(who): \(reason)")
                return Self.failure("not authorised: \(reason)")
            }
            logger.notice("status socket: \(command.rawValue)\(Self.details(request)) by \(who)")
        }
        return await run(command, request, by: peer.map(\.description) ?? "an unknown peer")
    }

    /// The request's arguments for the log line, client text escaped (a reason cannot
    /// forge a line or move a terminal's cursor).
    static func details(_ request: StatusRequest) -> String {
        [request.robot, request.place, request.target].compactMap { $0 }.map { " " + LogText.escaped($0) }.joined()
            + (request.until.map { " until " + LogText.escaped($0) } ?? "")
            + (request.reason.map { " reason " + LogText.escaped($0) } ?? "")
            + (request.reasonEn.map { " reason_en " + LogText.escaped($0) } ?? "")
    }

    private func run(_ command: StatusCommand, _ request: StatusRequest, by who: String) async -> ByteBuffer {
        switch command {
        case .status:
            return Self.success(provider.status())
        case .version:
            let status = provider.status()
            return Self.success(StatusResults.Version(version: status.version, pid: status.pid,
                                                      uptimeSeconds: status.uptimeSeconds, hall: status.hall))
        case .devices:
            return Self.success(StatusResults.Devices(devices: provider.status().devices))
        case .audio:
            return Self.success(StatusResults.Audio(outputs: provider.status().audio))
        case .errors:
            let status = provider.status()
            return Self.success(StatusResults.Errors(badFrames: status.badFrames, malformed: status.malformed))
        case .flush:
            guard let log = await provider.flushQueryLog() else { return Self.failure("the query log is off") }
            return Self.success(StatusResults.Flush(queryLog: log))
        case .reload:
            return Self.success(await provider.reload())
        case .recall:
            guard let robot = request.robot, !robot.isEmpty else { return Self.failure("recall needs \"robot\"") }
            guard provider.recall(robot: robot) else { return Self.failure("robot '\(LogText.escaped(robot))' is not connected") }
            return Self.success(StatusResults.Recall(robot: robot, recalled: true))
        case .audioTest:
            guard let place = request.place, !place.isEmpty else { return Self.failure("audio-test needs \"place\"") }
            return Self.success(StatusResults.AudioTest(place: place, outcome: await provider.audioTest(place: place)))
        case .closures:
            guard let list = provider.closureList() else { return Self.failure("this halld keeps no closures") }
            return Self.success(list)
        case .close:
            return Self.reply(await provider.close(request, by: who))
        case .open:
            return Self.reply(await provider.reopen(request, by: who))
        }
    }

    static func reply<R: Codable & Sendable>(_ result: Result<R, StatusRefusal>) -> ByteBuffer {
        switch result {
        case .success(let value): success(value)
        case .failure(let refusal): failure(refusal.message)
        }
    }

    static func success<R: Codable & Sendable>(_ result: R) -> ByteBuffer {
        encode(StatusReply<R>.success(result))
    }

    static func failure(_ error: String) -> ByteBuffer {
        encode(StatusReply<Never>.failure(error))
    }

    private static func encode<R>(_ reply: StatusReply<R>) -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try StatusWire.line(reply))
        } catch {
            // Only a non-finite number (an uptime of NaN) can get here; say so rather than
            // leave the client waiting for a line.
            return ByteBuffer(string: "{\"error\":\"halld could not encode the reply\",\"ok\":false}\n")
        }
    }
}
