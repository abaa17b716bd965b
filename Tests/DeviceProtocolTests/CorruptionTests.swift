@testable import DeviceProtocol
import XCTest

/// Corrupted, truncated and oversized frames, garbage floods, and the decoder's memory bound.
final class CorruptionTests: XCTestCase {
    let query = Message.query(queryID: 7, text: "护照在哪里办", language: "zh", confidence: 92)
    let ack = Message.ack(sequence: 7)

    func frameBytes(_ message: Message, sequence: UInt16 = 1) -> [UInt8] {
        try! MessageCodec.frame(message, sequence: sequence, flags: message.requiresAck ? .ackRequested : [])
    }

    func drain(_ decoder: inout FrameDecoder) -> [DecodeEvent] {
        var events: [DecodeEvent] = []
        while let event = decoder.next() {
            events.append(event)
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, FrameLayout.maxFrameSize)
        }
        return events
    }

    func frames(_ events: [DecodeEvent]) -> [Frame] {
        events.compactMap { if case let .frame(frame) = $0 { frame } else { nil } }
    }

    func testTruncatedFrameCompletesWhenTheRestArrives() {
        let bytes = frameBytes(query)
        var decoder = FrameDecoder()
        for split in [1, 2, 8, 9, 10, bytes.count - 4, bytes.count - 1] {
            decoder.append(bytes[..<split])
            XCTAssertTrue(drain(&decoder).isEmpty, "nothing yet after \(split) bytes")
            decoder.append(bytes[split...])
            XCTAssertEqual(frames(drain(&decoder)).count, 1, "split at \(split)")
        }
        XCTAssertEqual(decoder.counters.frames, 7)
        XCTAssertEqual(decoder.counters.resyncBytes, 0)
    }

    func testBadCRCAtEveryByteIsRejectedAndTheNextFrameFound() {
        let bytes = frameBytes(query)
        let next = frameBytes(ack, sequence: 0)
        for index in 2..<bytes.count {
            var corrupt = bytes
            corrupt[index] ^= 0x10
            var decoder = FrameDecoder()
            decoder.append(corrupt + next)
            decoder.abandonPartialFrame()
            let events = drain(&decoder)
            let decoded = frames(events).map { try? MessageCodec.decode(type: $0.type, payload: $0.payload) }
            // A flipped length may make the corrupt frame swallow the ack, to be rescanned on abandon.
            XCTAssertEqual(decoded.last, ack, "flip at byte \(index)")
            XCTAssertFalse(decoded.contains(query), "flip at byte \(index) must not pass")
        }
    }

    func testBadCRCEventDescribesTheFault() throws {
        var bytes = frameBytes(query)
        bytes[bytes.count - 1] ^= 0xFF
        var decoder = FrameDecoder()
        decoder.append(bytes)
        guard case let .discarded(count, .badCRC(received, computed), sample, offset)? = decoder.next() else {
            return XCTFail("expected a bad CRC")
        }
        XCTAssertEqual(count, 1)
        XCTAssertNotEqual(received, computed)
        XCTAssertEqual(sample, Array(bytes.prefix(64)))
        XCTAssertEqual(offset, bytes.count - 4, "the CRC field")
        XCTAssertEqual(decoder.counters.badCRC, 1)
    }

    func testOversizedLengthResyncsWithoutWaiting() {
        // Length 0xFFFF: a receiver must not wait for 64 KiB that will never be a frame.
        let header: [UInt8] = [0xA5, 0x5A, 1, 0, 0x10, 1, 0, 0xFF, 0xFF]
        var decoder = FrameDecoder()
        decoder.append(header + frameBytes(ack, sequence: 0))
        let events = drain(&decoder)
        guard case let .discarded(1, .oversizedLength(length), _, offset)? = events.first else {
            return XCTFail("expected oversized first, got \(events)")
        }
        XCTAssertEqual(length, 65535)
        XCTAssertEqual(offset, 7)
        XCTAssertEqual(frames(events).count, 1)
        XCTAssertEqual(decoder.counters.oversized, 1)
    }

    func testSmallerMaximumPayloadIsHonoured() {
        var decoder = FrameDecoder(maxPayload: 16)
        decoder.append(frameBytes(query))
        guard case .discarded(1, .oversizedLength, _, _)? = decoder.next() else { return XCTFail("expected oversized") }
    }

    func testSyncPairInsidePayloadIsData() throws {
        let message = Message.lead(leadID: 0x5AA5, destination: "x",
                                   route: [RoutePoint(node: "", xCentimetres: 0x5AA5_5AA5, yCentimetres: -0x5AA6, level: "")])
        let bytes = frameBytes(message)
        XCTAssertGreaterThan(bytes.indices.dropFirst().filter { bytes[$0] == 0xA5 && bytes[$0 + 1] == 0x5A }.count, 2)
        var decoder = FrameDecoder()
        for byte in bytes { decoder.append(CollectionOfOne(byte)) }
        let events = drain(&decoder)
        XCTAssertEqual(events.count, 1)
        let frame = try XCTUnwrap(frames(events).first)
        XCTAssertEqual(try MessageCodec.decode(type: frame.type, payload: frame.payload), message)
    }

    func testByteAtATimeFeedingKeepsStorageBounded() {
        var generator = SeededGenerator(seed: 3)
        var decoder = FrameDecoder()
        for _ in 0..<50_000 {
            decoder.append(CollectionOfOne(Bool.random(using: &generator) ? 0xA5 : UInt8.random(in: 0...255, using: &generator)))
            while decoder.next() != nil {}
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, FrameLayout.maxFrameSize)
            XCTAssertLessThan(decoder.windowStorageCount, 2 * FrameLayout.maxFrameSize)
        }
    }

    func testByteAtATimeStreamOfManyFrames() throws {
        var generator = SeededGenerator(seed: 11)
        let messages = (0..<200).map { _ in RandomMessages.message(using: &generator) }
        var stream: [UInt8] = []
        for (index, message) in messages.enumerated() { stream += frameBytes(message, sequence: UInt16(index + 1)) }
        var decoder = FrameDecoder()
        var decoded: [Message] = []
        for byte in stream {
            decoder.append(CollectionOfOne(byte))
            for frame in frames(drain(&decoder)) { decoded.append(try MessageCodec.decode(type: frame.type, payload: frame.payload)) }
        }
        XCTAssertEqual(decoded, messages)
        XCTAssertEqual(decoder.counters.resyncBytes, 0)
    }

    /// 1 MiB of random bytes with valid frames at random places: every frame is recovered,
    /// and the decoder never holds more than one maximum frame.
    func testGarbageFloodRecoversEveryFrameWithBoundedMemory() throws {
        var generator = SeededGenerator(seed: 2026)
        var stream: [UInt8] = []
        var embedded: [Message] = []
        for index in 0..<64 {
            let garbage = (0..<16_384).map { _ in UInt8.random(in: 0...255, using: &generator) }
            stream += garbage
            // False sync pairs in the noise, with plausible lengths, to make resync work.
            stream += [0xA5, 0x5A, 1, 0, 0x10, 0, 0, UInt8.random(in: 0...255, using: &generator), 0x02]
            let message = RandomMessages.message(using: &generator)
            embedded.append(message)
            stream += frameBytes(message, sequence: UInt16(index + 1))
        }
        // A frame's garbage neighbour can, by chance, complete a false header that swallows it;
        // the decoder then finds it on the rescan after that false frame's CRC fails.
        var decoder = FrameDecoder()
        var decoded: [Message] = []
        var offset = 0
        var maxHeld = 0
        var maxStorage = 0
        while offset < stream.count {
            let end = min(stream.count, offset + Int.random(in: 1...4096, using: &generator))
            decoder.append(stream[offset..<end])
            offset = end
            while let event = decoder.next() {
                maxHeld = max(maxHeld, decoder.bufferedByteCount)
                maxStorage = max(maxStorage, decoder.windowStorageCount)
                if case let .frame(frame) = event, let message = try? MessageCodec.decode(type: frame.type, payload: frame.payload) {
                    decoded.append(message)
                }
            }
            XCTAssertEqual(decoder.pendingByteCount, 0)
        }
        decoder.abandonPartialFrame()
        while let event = decoder.next() {
            if case let .frame(frame) = event, let message = try? MessageCodec.decode(type: frame.type, payload: frame.payload) {
                decoded.append(message)
            }
        }
        XCTAssertLessThanOrEqual(maxHeld, FrameLayout.maxFrameSize)
        XCTAssertLessThan(maxStorage, 2 * FrameLayout.maxFrameSize)
        // Random noise can hold a frame with a valid CRC only by a 2^-32 chance: exactly ours come out.
        XCTAssertEqual(decoded, embedded)
        XCTAssertGreaterThan(decoder.counters.resyncBytes, 1_000_000)
        XCTAssertEqual(decoder.counters.frames, embedded.count)
    }

    func testOneHugeAppendIsDrawnInOneFrameAtATime() {
        var decoder = FrameDecoder()
        var generator = SeededGenerator(seed: 5)
        decoder.append((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        var events = 0
        while decoder.next() != nil {
            events += 1
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, FrameLayout.maxFrameSize)
        }
        XCTAssertGreaterThan(events, 0)
        XCTAssertEqual(decoder.pendingByteCount, 0)
    }

    func testAllSyncBytesFlood() {
        // A5 5A A5 5A …: every position looks like a frame start, none is one.
        var decoder = FrameDecoder()
        decoder.append((0..<20_000).map { $0 % 2 == 0 ? UInt8(0xA5) : UInt8(0x5A) })
        let events = drain(&decoder)
        XCTAssertTrue(frames(events).isEmpty)
        decoder.append(frameBytes(ack, sequence: 0))
        decoder.abandonPartialFrame()
        XCTAssertEqual(frames(drain(&decoder)).count, 1)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testNoSyncSampleAndCounters() {
        var decoder = FrameDecoder()
        decoder.append(Array(repeating: UInt8(0x11), count: 100))
        guard case let .discarded(100, .noSync, sample, 0)? = decoder.next() else { return XCTFail("expected noise") }
        XCTAssertEqual(sample.count, 64)
        XCTAssertEqual(decoder.counters.resyncBytes, 100)
        XCTAssertNil(decoder.next())
    }

    func testTruncatedFrameReportedOnAbandonThenNewInputWorks() {
        let bytes = frameBytes(query)
        var decoder = FrameDecoder()
        decoder.append(bytes.prefix(12))
        XCTAssertNil(decoder.next())
        decoder.abandonPartialFrame()
        guard case .discarded(1, .truncated, _, 12)? = decoder.next() else { return XCTFail("expected truncated") }
        _ = drain(&decoder)
        XCTAssertEqual(decoder.counters.truncated, 1)
        decoder.append(bytes)
        XCTAssertEqual(frames(drain(&decoder)).count, 1)
    }
}

/// Work per received byte is O(1) amortised, whatever the bytes (issue 12): garbage with
/// a sync pair every 9 bytes, each claiming a 1,024-byte frame, once made the decoder
/// checksum ~1,033 bytes per pair. Now every byte goes through the CRC register once.
final class DecoderWorkBoundTests: XCTestCase {
    func testFalseHeadersEveryNineBytesCostOneCRCStepPerByte() {
        var garbage: [UInt8] = []
        while garbage.count < 128 * 1024 {
            // A5 5A, version 1, flags, type, sequence, length 1024: a plausible header.
            garbage += [0xA5, 0x5A, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x04]
        }
        var decoder = FrameDecoder()
        var frames = 0, dropped = 0
        for start in stride(from: 0, to: garbage.count, by: 4096) {
            decoder.append(garbage[start..<min(start + 4096, garbage.count)])
            while let event = decoder.next() {
                switch event {
                case .frame: frames += 1
                case .discarded(let bytes, _, _, _): dropped += bytes
                }
            }
        }
        decoder.abandonPartialFrame()
        while let event = decoder.next() { if case .discarded(let bytes, _, _, _) = event { dropped += bytes } }
        XCTAssertEqual(frames, 0)
        XCTAssertEqual(dropped, garbage.count, "every byte accounted for")
        XCTAssertGreaterThan(decoder.counters.badCRC, 10_000, "thousands of false headers were checked")
        XCTAssertLessThanOrEqual(decoder.counters.crcBytes, garbage.count, "at most one CRC step per byte received")
    }

    /// The prefix registers give the same checksum as running the bytes through.
    func testTheChecksumOfAnyRangeMatchesTheDirectOne() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var decoder = FrameDecoder()
        decoder.append(bytes)
        for _ in 0..<200 {
            let a = Int.random(in: 0..<1000, using: &generator)
            let frame = try? MessageCodec.frame(.recall(reason: String(repeating: "x", count: Int.random(in: 0...400, using: &generator))),
                                               sequence: 7)
            guard let frame else { continue }
            // A valid frame after `a` bytes of noise is found, its CRC checked through the prefixes.
            var d = FrameDecoder()
            d.append(Array(bytes.prefix(a)) + frame)
            var found = false
            while let event = d.next() { if case .frame = event { found = true } }
            XCTAssertTrue(found, "a frame after \(a) noise bytes")
        }
    }
}
