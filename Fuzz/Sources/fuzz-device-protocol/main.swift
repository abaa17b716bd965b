import CLibFuzzer
import DeviceProtocol
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz input: arbitrary bytes as a stream, fed to a FrameDecoder in pieces whose sizes
/// come from the input's first bytes, and as a payload of every message type. Any broken
/// invariant stops the run with a message (libFuzzer saves the input that did it).
func fuzzOne(_ input: [UInt8]) {
    checkStream(input)
    checkPayloads(input)
}

/// The decoder: never holds more than one maximum frame, accounts for every byte, and every
/// frame's message survives re-encoding.
func checkStream(_ input: [UInt8]) {
    var decoder = FrameDecoder()
    var chunkSeed = UInt32(input.first ?? 1) | UInt32(input.count > 1 ? input[1] : 0) << 8
    var offset = 0
    var accounted = 0
    while offset < input.count {
        // Piece sizes 1…4096, varying along the input: byte-at-a-time, big bursts, in between.
        chunkSeed = chunkSeed &* 1_103_515_245 &+ 12345
        let size = 1 + Int((chunkSeed >> 16) % (chunkSeed & 0x8000 != 0 ? 4096 : 16))
        let end = min(input.count, offset + size)
        decoder.append(input[offset..<end])
        offset = end
        accounted += drain(&decoder)
        check(decoder.pendingByteCount == 0, "pending input left after draining")
    }
    decoder.abandonPartialFrame()
    accounted += drain(&decoder)
    check(decoder.bufferedByteCount == 0, "bytes held after abandoning")
    check(accounted == input.count, "\(accounted) of \(input.count) bytes accounted for")
}

/// Drains the decoder; returns how many input bytes its events covered.
func drain(_ decoder: inout FrameDecoder) -> Int {
    var covered = 0
    while let event = decoder.next() {
        check(decoder.bufferedByteCount <= FrameLayout.maxFrameSize, "decoder holds \(decoder.bufferedByteCount) bytes")
        switch event {
        case let .frame(frame):
            check(frame.payload.count <= FrameLayout.maxPayload, "oversized frame delivered")
            covered += FrameLayout.headerSize + frame.payload.count + FrameLayout.trailerSize
            checkMessage(type: frame.type, payload: frame.payload)
        case let .discarded(bytes, _, sample, _):
            check(bytes > 0 && sample.count <= 64 && !sample.isEmpty, "bad discard: \(bytes) bytes, sample \(sample.count)")
            covered += bytes
        }
    }
    return covered
}

func checkPayloads(_ input: [UInt8]) {
    let payload = Array(input.prefix(FrameLayout.maxPayload))
    for type in MessageType.allCases { checkMessage(type: type.rawValue, payload: payload) }
    checkMessage(type: 0x55, payload: payload)
}

/// A payload that decodes must re-encode (canonically) to one that decodes to the same message,
/// and whose canonical form is a fixed point.
func checkMessage(type: UInt8, payload: [UInt8]) {
    let message: Message
    do {
        message = try MessageCodec.decode(type: type, payload: payload)
    } catch {
        return
    }
    check(message.type.rawValue == type, "decoded \(message.type) from type \(type)")
    do {
        try MessageCodec.validate(message)
    } catch {
        fail("decoded message fails validation: \(error)")
    }
    let encoded = MessageCodec.encode(message)
    let again: Message
    do {
        again = try MessageCodec.decode(type: encoded.type, payload: encoded.payload)
    } catch {
        fail("re-encoded \(message) does not decode: \(error)")
    }
    check(again == message, "round trip changed \(message) into \(again)")
    check(MessageCodec.encode(again).payload == encoded.payload, "canonical form is not stable")
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    fatalError("fuzz invariant: \(message)")
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
exit(status)
