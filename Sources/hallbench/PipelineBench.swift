import DeviceLinks
import DeviceProtocol
import Foundation
import HallAnswers
import HallDaemon
import Logging

/// `hallbench pipeline`: one device conversation in one process, no sockets: the client
/// frames a question, halld's session decodes it, the hall service answers, the reply is
/// framed and decoded by the client, and the client's acks go back. What is left of the
/// device latency in `hallbench devices` beyond this is the kernel and the scheduler.
enum PipelineBench {
    static func run(questions: [String], rounds: Int = 20) throws {
        let hall = try Hall.builtIn()
        let robot = DeviceCredentials(id: "bench-robot", kind: .robot, station: "robot-north", key: Array("bench-key".utf8))
        let hub = DeviceHub(roster: DeviceRoster([robot]))
        var logger = Logger(label: "hallbench")
        logger.logLevel = .critical
        let service = HallService(hall: hall, robots: [robot.id], logger: logger, metrics: HallMetrics())
        hub.setSink(service)
        var timing = SessionTiming()
        timing.queryBurst = 1_000_000  // as in `hallbench devices`: the load is the point, not the rate limit
        var server = DeviceSession(roster: hub.roster, authGuard: hub.authGuard, timing: timing, peer: "bench",
                                   serverNonce: Array(repeating: 7, count: 16), now: now())
        var client = DeviceClientSession(deviceID: robot.id, kind: .robot, key: robot.key, clientNonce: Array(repeating: 9, count: 16))
        var toServer = FrameDecoder(), toClient = FrameDecoder()
        var answers = 0

        // The server's side of bytes arriving: what halld does per read.
        func serverReceive(_ bytes: [UInt8]) -> [UInt8] {
            toServer.append(bytes)
            var out: [UInt8] = []
            while case .frame(let frame)? = toServer.next() {
                let output = server.receive(frame, now: now())
                for w in output.writes { out += w }
                if let device = server.device {
                    for event in output.events {
                        for reply in service.handle(event, from: device, hub: hub) {
                            for w in server.send(reply, now: now()).writes { out += w }
                        }
                    }
                }
            }
            return out
        }
        func clientReceive(_ bytes: [UInt8]) -> [UInt8] {
            toClient.append(bytes)
            var out: [UInt8] = []
            while case .frame(let frame)? = toClient.next() {
                let (writes, events) = client.receive(frame, now: now())
                for w in writes { out += w }
                for event in events { if case .answer = event { answers += 1 } }
            }
            return out
        }

        // Handshake.
        var bytes = try client.hello(firmware: "bench", capabilities: [.lead, .voice], now: now())
        while !bytes.isEmpty {
            let reply = serverReceive(bytes)
            bytes = reply.isEmpty ? [] : clientReceive(reply)
        }
        guard server.phase == .authenticated else { print("pipeline: handshake failed"); return }

        var serverSide: [Double] = [], clientSide: [Double] = [], whole: [Double] = []
        for round in 0...rounds {
            for q in questions {
                let t0 = now()
                let (query, _) = try client.query(q, now: t0)
                let t1 = now()
                let reply = serverReceive(query)
                let t2 = now()
                let acks = clientReceive(reply)
                let t3 = now()
                _ = serverReceive(acks)
                let t4 = now()
                guard answers > 0 || round == 0 else { print("pipeline: no answers"); return }
                if round > 0 {  // the first round warms up
                    serverSide.append(Double(t2 - t1 + t4 - t3))
                    clientSide.append(Double(t1 - t0 + t3 - t2))
                    whole.append(Double(t4 - t0))
                }
                // The robot finishes each lead at once, so every answer offers a new one.
                _ = service.handle(.leadProgress(deviceID: robot.id, leadID: 0, status: .docked, position: Position()), from: robot, hub: hub)
            }
        }
        serverSide.sort(); clientSide.sort(); whole.sort()
        print("## Pipeline: one device conversation in one process, no sockets (\(whole.count) questions, \(answers) answers)")
        print("halld's part (decode, session, match, route, directions, lead, encode, ack): p50 \(us(percentile(serverSide, 50))), p99 \(us(percentile(serverSide, 99)))")
        print("device's part (frame the question, decode the answer, ack): p50 \(us(percentile(clientSide, 50))), p99 \(us(percentile(clientSide, 99)))")
        print("whole conversation: p50 \(us(percentile(whole, 50))), p99 \(us(percentile(whole, 99)))")
    }
}
