import Crypto
import DeviceProtocol
import Foundation

/// A device's link to halld's `/ws/device` (firmware-protocol/JSON.md): a WebSocket client
/// (RFC 6455, over the blocking TCPTransport) that carries each frame as one JSON text.
/// It stands in for a binary link: what SimulatedDevice writes as binary frames leaves as
/// JSON texts, and the texts halld sends arrive as binary frames, so the simulated device
/// and its client session are the same ones TCP and serial use — only the framing differs.
public final class WebSocketTransport: ByteTransport {
    private let tcp: TCPTransport
    private var outgoing = FrameDecoder()
    private var input: [UInt8] = []
    /// A text arriving in pieces (continuation frames).
    private var fragments: [UInt8] = []
    /// halld closed after texts that came in the same read: they are handed over first,
    /// the close on the next read (a refusal's authResult must not be lost to its close).
    private var closedAfterTexts = false

    /// Connects and upgrades: `GET path`, 101 and the Sec-WebSocket-Accept of our key.
    public init(host: String, port: Int, path: String = "/ws/device", timeoutMilliseconds: Int32 = 3000) throws(TransportError) {
        tcp = try TCPTransport(host: host, port: port)
        var nonce = [UInt8](repeating: 0, count: 16)
        for i in nonce.indices { nonce[i] = UInt8.random(in: 0...255) }
        let key = Data(nonce).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try tcp.write(Array(request.utf8))
        var head: [UInt8] = []
        let end: [UInt8] = [13, 10, 13, 10]
        while true {
            let bytes = try tcp.read(timeoutMilliseconds: timeoutMilliseconds)
            guard !bytes.isEmpty else { throw .timeout("the WebSocket upgrade") }
            head += bytes
            if let range = head.firstRange(of: end) {
                input = Array(head[range.upperBound...])
                head = Array(head[..<range.lowerBound])
                break
            }
            if head.count > 16 * 1024 { throw .io("the upgrade reply's head is too long") }
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = lines.first, status.hasPrefix("HTTP/1.1 101") else {
            throw .io("no WebSocket upgrade: \(lines.first ?? "no reply")")
        }
        let accept = Data(Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        let given = lines.dropFirst().first { $0.lowercased().hasPrefix("sec-websocket-accept:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        guard given == accept else { throw .io("a wrong Sec-WebSocket-Accept") }
    }

    /// Binary frames from the device's session: each leaves as its JSON text.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        outgoing.append(bytes)
        while let event = outgoing.next() {
            guard case .frame(let frame) = event else { continue }
            let message: Message
            do { message = try MessageCodec.decode(type: frame.type, payload: frame.payload) } catch { throw .io("unsendable: \(error)") }
            let text: String
            do {
                text = try JSONFrameCodec.encode(message, sequence: frame.sequence, flags: frame.flags,
                                                 maxBytes: JSONFrameCodec.maxTextFromDevice)
            } catch {
                throw .io("unsendable: \(error)")
            }
            try send(opcode: 0x1, payload: Array(text.utf8))
        }
    }

    /// The binary frames of the texts that came (none when nothing did in time).
    public func read(timeoutMilliseconds: Int32) throws(TransportError) -> [UInt8] {
        if closedAfterTexts { throw .closed }
        var frames: [UInt8] = []
        do {
            if let first = try nextMessageBytes() { frames += first }
            if frames.isEmpty {
                let bytes = try tcp.read(timeoutMilliseconds: timeoutMilliseconds)
                input += bytes
            }
            while let text = try nextMessageBytes() { frames += text }
        } catch {
            guard !frames.isEmpty, error == .closed else { throw error }
            closedAfterTexts = true
        }
        return frames
    }

    public func close() {
        try? send(opcode: 0x8, payload: [0x03, 0xE8])
        tcp.close()
    }

    /// The next whole text in the input, as binary frame bytes; nil when none is complete.
    private func nextMessageBytes() throws(TransportError) -> [UInt8]? {
        while let (opcode, fin, payload, used) = Self.parseFrame(input) {
            input.removeFirst(used)
            switch opcode {
            case 0x1, 0x0:
                fragments += payload
                guard fin else { continue }
                defer { fragments = [] }
                return Self.binary(fromText: fragments)
            case 0x8:
                try? send(opcode: 0x8, payload: Array(payload.prefix(2)))
                throw .closed
            case 0x9:
                try send(opcode: 0xA, payload: payload)
            default:
                continue  // pong, or a binary message halld never sends
            }
        }
        return nil
    }

    /// A text of halld's as the binary frame a binary link would have carried.
    private static func binary(fromText bytes: [UInt8]) -> [UInt8] {
        switch JSONFrameCodec.decode(utf8: bytes, maxBytes: JSONFrameCodec.maxTextFromHalld) {
        case .frame(let frame):
            return (try? MessageCodec.frame(frame.message, sequence: frame.sequence, flags: frame.flags)) ?? []
        default:
            return []
        }
    }

    /// One server frame (unmasked) at the start of `bytes`: opcode, FIN, payload, bytes used.
    private static func parseFrame(_ bytes: [UInt8]) -> (UInt8, Bool, [UInt8], Int)? {
        guard bytes.count >= 2 else { return nil }
        let fin = bytes[0] & 0x80 != 0, opcode = bytes[0] & 0x0F
        var length = Int(bytes[1] & 0x7F), offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        let masked = bytes[1] & 0x80 != 0
        let mask = masked ? Array(bytes[offset..<min(bytes.count, offset + 4)]) : []
        if masked { offset += 4 }
        guard bytes.count >= offset + length else { return nil }
        var payload = Array(bytes[offset..<(offset + length)])
        if masked { for i in payload.indices { payload[i] ^= mask[i % 4] } }
        return (opcode, fin, payload, offset + length)
    }

    /// A client frame: FIN, masked with a fresh key as RFC 6455 §5.3 requires.
    private func send(opcode: UInt8, payload: [UInt8]) throws(TransportError) {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try tcp.write(frame)
    }
}
