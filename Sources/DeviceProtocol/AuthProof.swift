/// The authentication proof's input (PROTOCOL.md §6.1). The session computes
/// proof = HMAC-SHA256(pre-shared key, message) with a crypto library; this is the pure part.
public enum AuthProof {
    /// Domain separation: a MAC made for this protocol and version is never valid elsewhere.
    public static let label: [UInt8] = Array("hallguide-auth-v1".utf8)

    /// "hallguide-auth-v1" ‖ serverNonce (16) ‖ clientNonce (16) ‖ UTF-8 deviceID.
    /// The nonces are fixed-size, so the concatenation is unambiguous.
    public static func message(serverNonce: [UInt8], clientNonce: [UInt8], deviceID: String) -> [UInt8] {
        label + serverNonce + clientNonce + Array(deviceID.utf8)
    }
}
