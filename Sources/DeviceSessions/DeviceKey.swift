import Foundation

/// A pre-shared key as written in configuration and on command lines:
/// `hex:8f3a…`, `base64:…` or `text:…`.
public enum DeviceKey {
    public static func parse(_ text: String) -> [UInt8]? {
        if text.hasPrefix("text:") { return Array(text.dropFirst(5).utf8) }
        if text.hasPrefix("base64:") { return Data(base64Encoded: String(text.dropFirst(7))).map { Array($0) } }
        if text.hasPrefix("hex:") {
            let hex = Array(text.dropFirst(4).utf8)
            guard hex.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            for i in stride(from: 0, to: hex.count, by: 2) {
                guard let b = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(b)
            }
            return bytes
        }
        return nil
    }

    /// The development key of a device id: for the built-in loopback setup only.
    public static func development(for id: String) -> [UInt8] { Array("hallguide-dev-key:\(id)".utf8) }

    /// Keys shorter than this are refused: an HMAC key should be at least as long as the
    /// security it is to give (128 bits).
    public static let minimumBytes = 16
}

/// A listen or connect address written as `HOST:PORT` (the last colon splits, so an
/// IPv6 host without brackets still parses).
public enum HostPort {
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }
}
