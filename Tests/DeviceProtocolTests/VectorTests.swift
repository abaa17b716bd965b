@testable import DeviceProtocol
import XCTest

/// Every case of firmware-protocol/vectors.json, in several chunkings.
final class VectorTests: XCTestCase {
    var vectors: Vectors!

    override func setUpWithError() throws {
        vectors = try Vectors.load()
        XCTAssertGreaterThan(vectors.cases.count, 40)
    }

    func testCRCCheckValue() {
        XCTAssertEqual(CRC32.checksum(Array(vectors.crcCheckInput.utf8)), vectors.crcCheck)
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testAuthMessageMatchesVector() {
        let auth = vectors.auth
        let message = AuthProof.message(serverNonce: Vectors.hex(auth["serverNonce"] as! String),
                                        clientNonce: Vectors.hex(auth["clientNonce"] as! String),
                                        deviceID: auth["deviceID"] as! String)
        XCTAssertEqual(message, Vectors.hex(auth["macInput"] as! String))
    }

    func testEveryCaseWholeInput() {
        for vector in vectors.cases {
            check(vector, chunks: [vector.bytes[...]], how: "whole")
        }
    }

    func testEveryCaseByteAtATime() {
        for vector in vectors.cases {
            check(vector, chunks: vector.bytes.indices.map { vector.bytes[$0...$0] }, how: "byte at a time")
        }
    }

    func testEveryCaseRandomChunks() {
        var generator = SeededGenerator(seed: 7)
        for vector in vectors.cases {
            for _ in 0..<5 {
                var chunks: [ArraySlice<UInt8>] = []
                var start = 0
                while start < vector.bytes.count {
                    let end = min(vector.bytes.count, start + Int.random(in: 1...40, using: &generator))
                    chunks.append(vector.bytes[start..<end])
                    start = end
                }
                check(vector, chunks: chunks, how: "random chunks")
            }
        }
    }

    func testCanonicalCasesReencodeToTheirBytes() throws {
        var checked = 0
        for vector in vectors.cases where vector.canonical {
            guard case let .frame(frame, .success(message))? = vector.events.first else {
                XCTFail("\(vector.name): canonical case without a message"); continue
            }
            let encoded = MessageCodec.encode(message)
            XCTAssertEqual(encoded.type, frame.type, vector.name)
            XCTAssertEqual(encoded.payload, frame.payload, vector.name)
            XCTAssertEqual(try MessageCodec.frame(message, sequence: frame.sequence, flags: frame.flags), vector.bytes, vector.name)
            XCTAssertEqual(FrameCodec.encode(frame), vector.bytes, vector.name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 25)
    }

    func testUnsupportedVersionCarriesWhatANakNeeds() throws {
        let vector = try XCTUnwrap(vectors.cases.first { $0.name == "version-2" })
        var decoder = FrameDecoder()
        decoder.append(vector.bytes)
        guard case let .discarded(bytes, .unsupportedVersion(version, type, sequence, flags), _, _)? = decoder.next() else {
            return XCTFail("expected an unsupportedVersion discard")
        }
        let ackFrame = try MessageCodec.frame(.ack(sequence: 4), sequence: 0)
        XCTAssertEqual(bytes, vector.bytes.count - ackFrame.count)
        XCTAssertEqual(version, 2)
        XCTAssertEqual(type, MessageType.query.rawValue)
        XCTAssertEqual(sequence, 21)
        XCTAssertTrue(flags.contains(.ackRequested))
        XCTAssertEqual(decoder.counters.unsupportedVersion, 1)
    }

    private func check(_ vector: Vectors.Case, chunks: [ArraySlice<UInt8>], how: String) {
        var decoder = FrameDecoder()
        var events: [DecodeEvent] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let event = decoder.next() { events.append(event) }
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, FrameLayout.maxFrameSize)
        }
        XCTAssertEqual(Vectors.meaning(of: events), vector.events, "\(vector.name) (\(how))")
        decoder.abandonPartialFrame()
        var after: [DecodeEvent] = []
        while let event = decoder.next() { after.append(event) }
        XCTAssertEqual(Vectors.meaning(of: after), vector.afterAbandon, "\(vector.name) (\(how), after abandon)")
        XCTAssertEqual(decoder.bufferedByteCount, 0, vector.name)
        // Every byte is accounted for: in a frame, skipped with its version, or discarded.
        let accounted = (events + after).reduce(0) { sum, event in
            switch event {
            case let .frame(frame): sum + frame.payload.count + FrameLayout.headerSize + FrameLayout.trailerSize
            case let .discarded(bytes, _, _, _): sum + bytes
            }
        }
        XCTAssertEqual(accounted, vector.bytes.count, "\(vector.name) (\(how)): bytes accounted for")
    }
}
