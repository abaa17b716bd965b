import DeviceProtocol
import FuzzSupport

/// One fuzz input: a WebSocket text from a device (firmware-protocol/JSON.md), as the bytes
/// arrive. JSONFrameCodec.decode must say what the text is without crashing, and whatever
/// it reads must survive halld's own encoding: the JSON form round-trips and its canonical
/// text is a fixed point, and the message means the same in the binary form.
func fuzzOne(_ input: [UInt8]) {
    let event = JSONFrameCodec.decode(utf8: input)
    if input.count > JSONFrameCodec.maxTextFromDevice {
        check(event.closesConnection, "a \(input.count)-byte text did not close the connection")
        return
    }
    check(!event.closesConnection, "a text within the limit closes the connection: \(event)")
    switch event {
    case let .frame(frame):
        checkRoundTrip(frame)
    case let .refused(sequence, flags, _), let .unsupportedVersion(_, sequence, flags):
        // A nak is owed exactly when the frame asked for an ack, and it must be sendable.
        guard let nak = event.nak else {
            check(!flags.contains(.ackRequested), "no nak for a refused frame that asked for an ack")
            return
        }
        check(flags.contains(.ackRequested), "a nak for a frame that asked for no ack")
        guard case let .nak(nakSequence, _, _) = nak else { fail("the nak is \(nak)") }
        check(nakSequence == sequence, "nak of \(nakSequence) for frame \(sequence)")
        do {
            try MessageCodec.validate(nak)
        } catch {
            fail("the nak \(nak) fails validation: \(error)")
        }
    case .unreadable:
        check(event.nak == nil, "a nak for an unreadable text")
    }
}

func checkRoundTrip(_ frame: JSONFrame) {
    let text: String
    do {
        text = try JSONFrameCodec.encode(frame.message, sequence: frame.sequence, flags: frame.flags, maxBytes: .max)
    } catch {
        fail("decoded \(frame.message) does not encode: \(error)")
    }
    guard case let .frame(again) = JSONFrameCodec.decode(text, maxBytes: .max) else {
        fail("halld's own text does not decode: \(text)")
    }
    check(again == frame, "round trip changed \(frame) into \(again)")
    do {
        let canonical = try JSONFrameCodec.encode(again.message, sequence: again.sequence, flags: again.flags, maxBytes: .max)
        check(canonical == text, "canonical text is not stable: \(text) then \(canonical)")
    } catch {
        fail("re-decoded \(again.message) does not encode: \(error)")
    }
    // The same message in the binary form, where it fits a binary frame.
    let binary = MessageCodec.encode(frame.message)
    guard binary.payload.count <= FrameLayout.maxPayload else { return }
    do {
        let decoded = try MessageCodec.decode(type: binary.type, payload: binary.payload)
        check(decoded == frame.message, "binary form changed \(frame.message) into \(decoded)")
    } catch {
        fail("binary form of \(frame.message) does not decode: \(error)")
    }
}

runFuzzer(fuzzOne)
