import DeviceProtocol
import DeviceSessions
import HallTime
import XCTest

/// halld's session state machine, driven frame by frame with instants handed in: no
/// sockets, no clock. `Link` plays the link's part: it carries admissions to a ledger.
final class DeviceSessionTests: XCTestCase {
    let key = Array("0123456789abcdef-robot-key".utf8)
    let t0 = Instant(nanoseconds: 1_000_000_000_000)
    var roster: DeviceRoster { DeviceRoster([DeviceCredentials(id: "robot-1", kind: .robot, station: "north-door", key: key)]) }

    /// The session and what a link would do with its output: admissions go to the ledger
    /// (answered at once), frames are collected.
    struct Link {
        var session: DeviceSession
        var ledger: AuthLedger
        var written: [OutgoingFrame] = []
        var events: [SessionEvent] = []
        var closed: CloseReason?

        mutating func take(_ output: SessionOutput, now: Instant) {
            written += output.writes
            events += output.events
            for report in output.reports { ledger.record(report, now: now) }
            if let request = output.admission { take(session.admit(ledger.admit(request, now: now), now: now), now: now) }
            if let close = output.close { closed = close }
        }

        mutating func receive(_ bytes: [UInt8], now: Instant) {
            for frame in Self.frames(bytes) { take(session.receive(IncomingFrame(frame), now: now), now: now) }
        }

        mutating func drain() -> [UInt8] {
            defer { written = [] }
            return written.flatMap { (try? MessageCodec.frame($0.message, sequence: $0.sequence, flags: $0.flags)) ?? [] }
        }

        var messages: [Message] { written.map(\.message) }

        static func frames(_ bytes: [UInt8]) -> [Frame] {
            var decoder = FrameDecoder()
            decoder.append(bytes)
            var out: [Frame] = []
            while let e = decoder.next() { if case .frame(let f) = e { out.append(f) } }
            return out
        }
    }

    func makeLink(timing: SessionTiming = SessionTiming(), ledger: AuthLedger = AuthLedger(), nonce: UInt8 = 7,
                  source: String = "tcp:10.0.0.9", at now: Instant? = nil) -> Link {
        Link(session: DeviceSession(roster: roster, timing: timing, peer: source + ":4000", source: source,
                                    nonces: { Array(repeating: nonce, count: 16) }, now: now ?? t0),
             ledger: ledger)
    }

    func client(key: [UInt8]? = nil, id: String = "robot-1", kind: DeviceKind = .robot) -> DeviceClientSession {
        DeviceClientSession(deviceID: id, kind: kind, key: key ?? self.key, clientNonce: Array(repeating: 3, count: 16))
    }

    /// Runs the handshake at `now`.
    func handshake(_ link: inout Link, _ client: inout DeviceClientSession, now: Instant? = nil) throws {
        let now = now ?? t0
        var toServer = try client.hello(firmware: "t1", capabilities: [.lead], now: now)
        for _ in 0..<3 {
            link.receive(toServer, now: now)
            toServer = []
            for frame in Link.frames(link.drain()) { toServer += client.receive(frame, now: now).writes.flatMap { $0 } }
        }
    }

    func authenticated(timing: SessionTiming = SessionTiming()) throws -> (Link, DeviceClientSession) {
        var link = makeLink(timing: timing)
        var client = client()
        try handshake(&link, &client)
        XCTAssertNotNil(link.session.authenticatedDevice)
        link.events = []
        return (link, client)
    }

    // MARK: - Handshake

    func testHandshakeAuthenticatesWithoutSendingTheKey() throws {
        var link = makeLink()
        var client = client()
        let hello = try client.hello(firmware: "t1", capabilities: [.lead], now: t0)
        XCTAssertNil(hello.firstRange(of: key))
        try handshake(&link, &client)
        XCTAssertEqual(link.session.authenticatedDevice?.device.id, "robot-1")
        XCTAssertEqual(client.phase, .ready)
        XCTAssertEqual(link.events, [.authenticated(roster["robot-1"]!, firmware: "t1", capabilities: [.lead])])
    }

    func testRefusalsSayWhyWithTheirCode() throws {
        for (id, kind, k, code) in [("robot-1", DeviceKind.robot, Array("another-key-of-16-bytes".utf8), NakCode.authenticationFailed),
                                    ("robot-9", .robot, key, .unknownDevice), ("robot-1", .screen, key, .unknownDevice)] {
            var link = makeLink()
            var device = client(key: k, id: id, kind: kind)
            var refusal: (String, NakCode?)?
            var toServer = try device.hello(firmware: "t1", capabilities: [], now: t0)
            while !toServer.isEmpty {
                link.receive(toServer, now: t0)
                toServer = []
                for frame in Link.frames(link.drain()) {
                    let (writes, events) = device.receive(frame, now: t0)
                    toServer += writes.flatMap { $0 }
                    for case let .refused(reason, code) in events { refusal = (reason, code) }
                }
            }
            XCTAssertTrue(link.session.isClosed, "\(id) \(kind)")
            XCTAssertEqual(device.phase, .refused, "\(id) \(kind)")
            XCTAssertEqual(refusal?.1, code, "\(id) \(kind): the code says why, on the wire")
        }
    }

    func testAReplayedProofFailsAgainstAFreshChallenge() throws {
        var first = makeLink(nonce: 1)
        var device = client()
        let hello = try device.hello(firmware: "t1", capabilities: [], now: t0)
        first.receive(hello, now: t0)
        let proof = Link.frames(first.drain()).flatMap { device.receive($0, now: t0).writes.flatMap { $0 } }
        first.receive(proof, now: t0)
        XCTAssertNotNil(first.session.authenticatedDevice)
        // The same bytes on a new link: its challenge differs, the proof fails.
        var replay = makeLink(nonce: 2)
        replay.receive(hello, now: t0)
        replay.receive(proof, now: t0)
        XCTAssertEqual(replay.closed, .authenticationFailed("robot-1"))
    }

    func testAnUnknownTypeBeforeHelloClosesTheLink() throws {
        var link = makeLink()
        link.receive(try MessageCodec.frame(.ack(sequence: 1), sequence: 0) , now: t0)
        XCTAssertEqual(link.closed, .protocolViolation("ack instead of hello"))
        var other = makeLink()
        let unknown = Frame(flags: [.ackRequested], type: 0x66, sequence: 5, payload: [])
        other.take(other.session.receive(IncomingFrame(unknown), now: t0), now: t0)
        XCTAssertTrue(other.session.isClosed)
        XCTAssertEqual(other.messages.count, 1, "a nak (hello first) before the close")
    }

    func testAQueryBeforeAuthenticationClosesTheLink() throws {
        var link = makeLink()
        var device = client()
        link.receive(try device.query("护照", now: t0).bytes, now: t0)
        XCTAssertEqual(link.closed, .protocolViolation("query instead of hello"))
        XCTAssertEqual(link.messages.count, 1, "a nak: hello first")
    }

    /// A rebooted serial device says hello on a link halld still thinks authenticated: the
    /// session starts again with it, the link stays open, nothing is lost.
    func testHelloOnAnAuthenticatedLinkStartsANewSession() throws {
        var (link, _) = try authenticated()
        var rebooted = DeviceClientSession(deviceID: "robot-1", kind: .robot, key: key, clientNonce: Array(repeating: 4, count: 16))
        let later = t0 + .seconds(3)
        try handshake(&link, &rebooted, now: later)
        XCTAssertNil(link.closed)
        XCTAssertEqual(link.events.first, .ended(.restarted))
        XCTAssertEqual(link.events.last, .authenticated(roster["robot-1"]!, firmware: "t1", capabilities: [.lead]))
        XCTAssertEqual(rebooted.phase, .ready)
    }

    /// The serial handshake clock starts at the first byte: an open port may wait for its
    /// device as long as it takes, without a close and reopen every 10 s.
    func testASerialHandshakeClockStartsAtTheFirstByte() throws {
        var link = makeLink(timing: .serial)
        link.take(link.session.tick(now: t0 + .seconds(60)), now: t0 + .seconds(60))
        XCTAssertNil(link.closed, "an idle port stays open")
        link.session.inputArrived(now: t0 + .seconds(61))
        link.take(link.session.tick(now: t0 + .seconds(70)), now: t0 + .seconds(70))
        XCTAssertNil(link.closed)
        link.take(link.session.tick(now: t0 + .seconds(71)), now: t0 + .seconds(71))
        XCTAssertEqual(link.closed, .handshakeTimeout)
    }

    func testSilenceEndsTheSessionAndAHandshakeMustFinishInTime() throws {
        var (link, _) = try authenticated()
        link.take(link.session.tick(now: t0 + .seconds(14)), now: t0 + .seconds(14))
        XCTAssertNil(link.closed)
        link.take(link.session.tick(now: t0 + .seconds(15)), now: t0 + .seconds(15))
        XCTAssertEqual(link.closed, .heartbeatTimeout)
        XCTAssertEqual(link.events.last, .ended(.heartbeatTimeout))

        var idle = makeLink()
        idle.take(idle.session.tick(now: t0 + .seconds(9)), now: t0 + .seconds(9))
        XCTAssertNil(idle.closed)
        idle.take(idle.session.tick(now: t0 + .seconds(10)), now: t0 + .seconds(10))
        XCTAssertEqual(idle.closed, .handshakeTimeout)
    }

    // MARK: - Admission: no lockout without the key

    /// A source with recent failures is challenged after a short pause, never refused: the
    /// key's holder behind the same gateway gets in, at most `maxPenalty` later.
    func testFailuresDelayTheChallengeOfTheirSourceButNeverRefuseIt() throws {
        var ledger = AuthLedger()
        for i in 0..<20 {
            var link = makeLink(ledger: ledger, source: "tcp:10.0.0.9", at: t0 + .milliseconds(i))
            var attacker = client(key: Array("not-the-key-not-the-key".utf8))
            try handshake(&link, &attacker, now: t0 + .milliseconds(i))
            ledger = link.ledger
        }
        var owner = makeLink(ledger: ledger, source: "tcp:10.0.0.9", at: t0 + .milliseconds(30))
        var device = client()
        owner.receive(try device.hello(firmware: "t1", capabilities: [], now: t0), now: t0 + .milliseconds(30))
        XCTAssertTrue(owner.messages.isEmpty, "the challenge waits")
        XCTAssertNil(owner.closed)
        // At most 2 s after the last failure the challenge goes out, and the key is accepted.
        let later = t0 + .milliseconds(19) + ledger.settings.maxPenalty
        owner.take(owner.session.tick(now: later), now: later)
        let proof = Link.frames(owner.drain()).flatMap { device.receive($0, now: later).writes.flatMap { $0 } }
        owner.receive(proof, now: later)
        XCTAssertNotNil(owner.session.authenticatedDevice)
        // Another address was never affected.
        var elsewhere = makeLink(ledger: ledger, source: "tcp:10.0.0.77", at: t0 + .milliseconds(30))
        var other = client()
        try handshake(&elsewhere, &other, now: t0 + .milliseconds(30))
        XCTAssertNotNil(elsewhere.session.authenticatedDevice)
    }

    // MARK: - Working

    func testAckedDeliveryRetransmitsWithTheSameSequenceThenGivesUp() throws {
        var (link, _) = try authenticated()
        link.take(link.session.send(.recall(reason: "test"), now: t0), now: t0)
        let sent = link.written
        link.written = []
        XCTAssertEqual(sent.count, 1)
        XCTAssertTrue(sent[0].flags.contains(.ackRequested))
        link.take(link.session.tick(now: t0 + .milliseconds(100)), now: t0 + .milliseconds(100))
        XCTAssertTrue(link.written.isEmpty, "not overdue yet")
        for step in 1...4 { link.take(link.session.tick(now: t0 + .milliseconds(400 * step)), now: t0 + .milliseconds(400 * step)) }
        let retransmits = link.written.filter { if case .recall = $0.message { true } else { false } }
        XCTAssertEqual(retransmits.count, 3)
        XCTAssertTrue(retransmits.allSatisfy { $0.sequence == sent[0].sequence && $0.flags.contains(.retransmit) })
        XCTAssertEqual(link.events, [.undelivered(.recall(reason: "test"), .notAcknowledged)])
        XCTAssertEqual(link.session.pendingCount, 0)
    }

    func testAnAckStopsRetransmits() throws {
        var (link, device) = try authenticated()
        link.take(link.session.send(.recall(reason: "test"), now: t0), now: t0)
        let reply = Link.frames(link.drain()).map { device.receive($0, now: t0) }
        XCTAssertEqual(reply.flatMap(\.events), [.recall(reason: "test")])
        link.receive(reply.flatMap { $0.writes.flatMap { $0 } }, now: t0)
        XCTAssertEqual(link.session.pendingCount, 0)
    }

    /// A query is acked on receipt, in its own write, before the hall answers.
    func testAQueryIsAckedOnReceiptAndADuplicateOnlyReacked() throws {
        var (link, device) = try authenticated()
        let bytes = try device.query("护照", now: t0).bytes
        let query = Link.frames(bytes)[0]
        var retransmit = query
        retransmit.flags.insert(.retransmit)
        let first = link.session.receive(IncomingFrame(query), now: t0)
        XCTAssertEqual(first.writes.map(\.message), [.ack(sequence: query.sequence)])
        XCTAssertEqual(first.events, [.query(queryID: 1, text: "护照", language: "", confidence: 90, newVisitor: false)])
        let again = link.session.receive(IncomingFrame(retransmit), now: t0)
        XCTAssertEqual(again.events, [])
        XCTAssertEqual(again.writes.map(\.message), [.ack(sequence: query.sequence)])
        XCTAssertEqual(link.session.counters.duplicates, 1)
    }

    /// Sequence 0 is for acks and naks; an acked frame with it is refused, not left hanging.
    func testAnAckedFrameWithSequenceZeroIsNaked() throws {
        var (link, _) = try authenticated()
        let frame = Frame(flags: [.ackRequested], type: MessageType.query.rawValue, sequence: 0,
                          payload: MessageCodec.encode(.query(queryID: 5, text: "护照", language: "zh", confidence: 90)).payload)
        let out = link.session.receive(IncomingFrame(frame), now: t0)
        XCTAssertEqual(out.events, [])
        guard case .nak(0, .malformedPayload, _)? = out.writes.first?.message else { return XCTFail("\(out.writes)") }
    }

    func testQueryRateLimit() throws {
        var timing = SessionTiming()
        timing.queryBurst = 3
        timing.queryRefill = .seconds(2)
        var (link, device) = try authenticated(timing: timing)
        var answered = 0, limited = 0
        for _ in 0..<5 {
            let out = link.session.receive(IncomingFrame(Link.frames(try device.query("厕所", now: t0).bytes)[0]), now: t0)
            answered += out.events.count
            limited += out.writes.filter { if case .nak(_, .rateLimited, _) = $0.message { true } else { false } }.count
        }
        XCTAssertEqual(answered, 3)
        XCTAssertEqual(limited, 2)
        let later = link.session.receive(IncomingFrame(Link.frames(try device.query("厕所", now: t0).bytes)[0]),
                                         now: t0 + .seconds(2) + .nanoseconds(1))
        XCTAssertEqual(later.events.count, 1, "one token back after the refill interval")
    }

    func testMalformedPayloadIsNakedAndTheSessionGoesOn() throws {
        var (link, _) = try authenticated()
        let bad = link.session.receive(IncomingFrame(Frame(flags: [.ackRequested], type: 0x10, sequence: 99, payload: [0x01, 0xFF, 0xFF])), now: t0)
        XCTAssertNil(bad.close)
        guard case .nak(99, .malformedPayload, _)? = bad.writes.first?.message else { return XCTFail("\(bad.writes)") }
        let unknown = link.session.receive(IncomingFrame(Frame(flags: [.ackRequested], type: 0x66, sequence: 100, payload: [])), now: t0)
        guard case .nak(100, .unknownType, _)? = unknown.writes.first?.message else { return XCTFail("\(unknown.writes)") }
        XCTAssertNotNil(link.session.authenticatedDevice)
        XCTAssertEqual(link.session.counters.malformed, 2)
    }

    /// Liveness both ways: halld sends a heartbeat on a link it has said nothing on for a
    /// heartbeat interval, so a device that follows §9 never reconnects needlessly.
    func testAnIdleLinkHearsAHeartbeatFromHalldEveryInterval() throws {
        var (link, device) = try authenticated()
        var heard = 0
        for second in 1...30 {
            let now = t0 + .seconds(second)
            // The device keeps sending its own heartbeats.
            link.receive(try device.send(.heartbeat(state: .idle, battery: 80, position: Position()), now: now).bytes, now: now)
            link.take(link.session.tick(now: now), now: now)
            heard += link.written.filter { if case .heartbeat = $0.message { true } else { false } }.count
            XCTAssertTrue(link.written.allSatisfy { !$0.flags.contains(.ackRequested) }, "halld's heartbeats are not acked")
            link.written = []
        }
        XCTAssertEqual(heard, 6, "one every 5 s of saying nothing")
        XCTAssertNil(link.closed)
    }

    /// A new route on a screen supersedes the older one still waiting for its ack.
    func testANewerDisplayWithdrawsTheOlderFromRetransmission() throws {
        var (link, _) = try authenticated()
        for id in 1...100 as ClosedRange<UInt32> {
            link.take(link.session.send(.display(displayID: id, destination: "x", title: "", text: "", route: [], ttlSeconds: 60), now: t0), now: t0)
        }
        XCTAssertEqual(link.session.pendingCount, 1)
        XCTAssertFalse(link.events.contains { if case .undelivered = $0 { true } else { false } }, "nothing given up as undelivered")
    }
}
