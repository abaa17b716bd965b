import DeviceLinks
import DeviceProtocol
import XCTest

/// The session state machines, driven frame by frame with a fake clock: no sockets.
final class DeviceSessionTests: XCTestCase {
    let key = Array("0123456789abcdef-robot-key".utf8)
    let second: UInt64 = 1_000_000_000
    var roster: DeviceRoster { DeviceRoster([DeviceCredentials(id: "robot-1", kind: .robot, station: "north-door", key: key)]) }

    /// Decodes every frame in a batch of writes.
    func frames(_ writes: [[UInt8]]) -> [Frame] {
        var decoder = FrameDecoder()
        for w in writes { decoder.append(w) }
        var out: [Frame] = []
        while let e = decoder.next() { if case .frame(let f) = e { out.append(f) } }
        return out
    }

    func messages(_ writes: [[UInt8]]) -> [Message] {
        frames(writes).compactMap { try? MessageCodec.decode(type: $0.type, payload: $0.payload) }
    }

    func makeServer(_ guardian: AuthGuard = AuthGuard(), timing: SessionTiming = SessionTiming(), nonce: UInt8 = 7) -> DeviceSession {
        DeviceSession(roster: roster, authGuard: guardian, timing: timing, peer: "test", serverNonce: Array(repeating: nonce, count: 16), now: 0)
    }

    /// Runs the handshake; returns both sides ready.
    func handshake(_ server: inout DeviceSession, _ client: inout DeviceClientSession, now: UInt64 = 0) throws -> [SessionEvent] {
        var events: [SessionEvent] = []
        var toServer = [try client.hello(firmware: "t1", capabilities: [.lead], now: now)]
        for _ in 0..<3 {
            var toClient: [[UInt8]] = []
            for frame in frames(toServer) {
                let out = server.receive(frame, now: now)
                toClient += out.writes
                events += out.events
            }
            toServer = []
            for frame in frames(toClient) { toServer += client.receive(frame, now: now).writes }
        }
        return events
    }

    func testHandshakeAuthenticatesWithoutSendingTheKey() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        let hello = try client.hello(firmware: "t1", capabilities: [.lead], now: 0)
        XCTAssertNil(hello.firstRange(of: key))
        let events = try handshake(&server, &client)
        XCTAssertEqual(server.phase, .authenticated)
        XCTAssertEqual(client.phase, .ready)
        XCTAssertEqual(events, [.authenticated(deviceID: "robot-1", kind: .robot, firmware: "t1", capabilities: [.lead])])
    }

    func testWrongKeyUnknownDeviceAndWrongKindAreRefused() throws {
        for (id, kind, k) in [("robot-1", DeviceKind.robot, Array("another-key-of-16-bytes".utf8)),
                              ("robot-9", .robot, key), ("robot-1", .screen, key)] {
            var server = makeServer()
            var client = DeviceClientSession(deviceID: id, kind: kind, key: k, clientNonce: Array(repeating: 3, count: 16))
            _ = try handshake(&server, &client)
            XCTAssertEqual(server.phase, .closed, "\(id) \(kind)")
            XCTAssertEqual(client.phase, .refused, "\(id) \(kind)")
        }
    }

    func testAReplayedProofFailsAgainstAFreshChallenge() throws {
        // Record a successful device's authenticate frame...
        var first = makeServer(nonce: 1)
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        let hello = try client.hello(firmware: "t1", capabilities: [], now: 0)
        let challenge = first.receive(frames([hello])[0], now: 0).writes
        let proof = client.receive(frames(challenge)[0], now: 0).writes
        XCTAssertEqual(first.receive(frames(proof)[0], now: 0).events.count, 1)
        // ...and replay the same bytes to a new link: its challenge differs, the proof fails.
        var replay = makeServer(nonce: 2)
        _ = replay.receive(frames([hello])[0], now: 0)
        let out = replay.receive(frames(proof)[0], now: 0)
        XCTAssertEqual(out.close, .authenticationFailed("robot-1"))
        XCTAssertEqual(replay.phase, .closed)
    }

    func testRepeatedFailuresLockTheDeviceOutAndLogsAreRateLimited() throws {
        let guardian = AuthGuard(baseLockoutNanoseconds: 10 * second, logIntervalNanoseconds: 60 * second)
        var logged = 0
        for attempt in 0..<5 {
            var server = makeServer(guardian)
            var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: Array("bad-key-bad-key-bad".utf8),
                                             clientNonce: Array(repeating: 3, count: 16))
            let hello = try client.hello(firmware: "", capabilities: [], now: 0)
            let out = server.receive(frames([hello])[0], now: UInt64(attempt))
            logged += out.logs.count
            if attempt == 0 {
                XCTAssertNil(out.close)
                let proof = client.receive(frames(out.writes)[0], now: 0).writes
                let refused = server.receive(frames(proof)[0], now: 0)
                logged += refused.logs.filter { $0.level == .warning }.count
            } else {
                // Locked out: refused at hello, before any key is tried.
                XCTAssertEqual(out.close, .lockedOut("device:robot-1"))
            }
        }
        XCTAssertEqual(logged, 1, "one refusal logged, the rest counted quietly")
        // The correct key works once the lockout has passed.
        var server = DeviceSession(roster: roster, authGuard: guardian, timing: SessionTiming(), peer: "other",
                                   serverNonce: Array(repeating: 9, count: 16), now: 0)
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client, now: 20 * second)
        XCTAssertEqual(server.phase, .authenticated)
    }

    func testAckedDeliveryRetransmitsWithTheSameSequenceThenGivesUp() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        let sent = frames(server.send(.recall(reason: "test"), now: 0).writes)
        XCTAssertEqual(sent.count, 1)
        XCTAssertTrue(sent[0].flags.contains(.ackRequested))
        XCTAssertTrue(frames(server.tick(now: 100_000_000).writes).isEmpty, "not overdue yet")
        var retransmits: [Frame] = []
        var failed: [SessionEvent] = []
        for step in 1...4 {
            let out = server.tick(now: UInt64(step) * 400_000_000)
            retransmits += frames(out.writes)
            failed += out.events
        }
        XCTAssertEqual(retransmits.count, 3)
        XCTAssertTrue(retransmits.allSatisfy { $0.sequence == sent[0].sequence && $0.flags.contains(.retransmit) })
        XCTAssertEqual(failed, [.deliveryFailed(deviceID: "robot-1", sequence: sent[0].sequence)])
        XCTAssertEqual(server.pendingCount, 0)
    }

    func testAnAckStopsRetransmits() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        let sent = frames(server.send(.recall(reason: "test"), now: 0).writes)
        let reply = client.receive(sent[0], now: 0)
        XCTAssertEqual(reply.events, [.recall(reason: "test")])
        for f in frames(reply.writes) { _ = server.receive(f, now: 0) }
        XCTAssertEqual(server.pendingCount, 0)
        XCTAssertTrue(server.tick(now: 10 * second).writes.isEmpty)
    }

    func testADuplicateQueryIsAckedButAnsweredOnce() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        let query = frames([try client.query("护照", now: 0).bytes])[0]
        var retransmit = query
        retransmit.flags.insert(.retransmit)
        let first = server.receive(query, now: 0)
        let again = server.receive(retransmit, now: 0)
        XCTAssertEqual(first.events.count, 1)
        XCTAssertEqual(again.events.count, 0)
        XCTAssertEqual(messages(first.writes), [.ack(sequence: query.sequence)])
        XCTAssertEqual(messages(again.writes), [.ack(sequence: query.sequence)])
        XCTAssertEqual(server.counters.duplicates, 1)
    }

    func testQueryRateLimit() throws {
        var timing = SessionTiming()
        timing.queryBurst = 3
        timing.queryRefillNanoseconds = 2 * second
        var server = makeServer(timing: timing)
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        var answered = 0
        var limited = 0
        for _ in 0..<5 {
            let out = server.receive(frames([try client.query("厕所", now: 0).bytes])[0], now: 0)
            answered += out.events.count
            limited += messages(out.writes).filter { if case .nak(_, .rateLimited, _) = $0 { true } else { false } }.count
        }
        XCTAssertEqual(answered, 3)
        XCTAssertEqual(limited, 2)
        // One token back after the refill interval.
        let later = server.receive(frames([try client.query("厕所", now: 0).bytes])[0], now: 2 * second + 1)
        XCTAssertEqual(later.events.count, 1)
    }

    func testSilenceEndsTheSessionAndAHandshakeMustFinishInTime() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        XCTAssertNil(server.tick(now: 14 * second).close)
        XCTAssertEqual(server.tick(now: 15 * second).close, .heartbeatTimeout)

        var idle = makeServer()
        XCTAssertNil(idle.tick(now: 9 * second).close)
        XCTAssertEqual(idle.tick(now: 10 * second).close, .handshakeTimeout)
    }

    func testMalformedPayloadIsNakedAndTheSessionGoesOn() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        _ = try handshake(&server, &client)
        // A query frame whose payload is not valid TLV.
        let bad = Frame(flags: [.ackRequested], type: 0x10, sequence: 99, payload: [0x01, 0xFF, 0xFF])
        let out = server.receive(bad, now: 0)
        XCTAssertNil(out.close)
        XCTAssertEqual(messages(out.writes).first.map { if case .nak(99, .malformedPayload, _) = $0 { true } else { false } }, true)
        // Unknown message type.
        let unknown = server.receive(Frame(flags: [.ackRequested], type: 0x66, sequence: 100, payload: []), now: 0)
        XCTAssertEqual(messages(unknown.writes).first.map { if case .nak(100, .unknownType, _) = $0 { true } else { false } }, true)
        XCTAssertEqual(server.phase, .authenticated)
        XCTAssertEqual(server.counters.malformed, 2)
    }

    func testAQueryBeforeAuthenticationClosesTheLink() throws {
        var server = makeServer()
        var client = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 3, count: 16))
        let query = frames([try client.query("护照", now: 0).bytes])[0]
        let out = server.receive(query, now: 0)
        XCTAssertEqual(out.close, .protocolViolation("query before hello"))
        XCTAssertEqual(messages(out.writes).count, 1, "a nak: hello first")
    }
}
