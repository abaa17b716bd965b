import Foundation

/// What one request line received on the status socket is, before anything is carried
/// out: the parse step of halld's request handler, pure and apart from the socket so that
/// it can be tested and fuzzed alone (Fuzz/).
public enum StatusRequestLine: Sendable, Hashable {
    /// Only blanks (spaces, tabs, carriage returns) or nothing: not a request (an
    /// operator pressing Enter in `socat`); it gets no reply.
    case blank
    /// A request with a known command.
    case request(StatusCommand, StatusRequest)
    /// A JSON object with a `command` string that names no command.
    case unknownCommand(String)
    /// Anything else: not JSON, not an object, no `command` string, a field of the wrong type.
    case notARequest

    /// Parses one line, its newline already removed.
    public static func parse(_ bytes: some Collection<UInt8>) -> StatusRequestLine {
        guard bytes.contains(where: { !isBlank($0) }) else { return .blank }
        guard let request = try? StatusWire.decoder().decode(StatusRequest.self, from: Data(bytes)) else {
            return .notARequest
        }
        guard let command = StatusCommand(rawValue: request.command) else { return .unknownCommand(request.command) }
        return .request(command, request)
    }

    /// What a blank line may hold: a client's line ending may be CRLF.
    public static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
