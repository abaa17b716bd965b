import Foundation
import FuzzSupport
import StatusProtocol

/// One fuzz input: bytes a client sends to the status socket. Each line (as halld splits
/// them, CR before the newline dropped, at most StatusWire.maxRequestBytes) goes through
/// the parse step halld runs; a request must be read back the same from the line hallctl
/// would send for it.
func fuzzOne(_ input: [UInt8]) {
    var start = 0
    for end in input.indices where input[end] == UInt8(ascii: "\n") {
        checkLine(input[start..<end])
        start = end + 1
    }
    checkLine(input[start...])
}

func checkLine(_ received: ArraySlice<UInt8>) {
    var line = received
    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
    guard line.count <= StatusWire.maxRequestBytes else { return }
    let parsed = StatusRequestLine.parse(line)
    switch parsed {
    case .blank:
        check(line.allSatisfy(StatusRequestLine.isBlank), "a line with text taken for blank")
    case let .request(command, request):
        check(command.rawValue == request.command, "command \(command) from '\(request.command)'")
        checkRoundTrip(request, as: parsed)
    case let .unknownCommand(name):
        check(StatusCommand(rawValue: name) == nil, "known command '\(name)' called unknown")
        checkRoundTrip(StatusRequest(command: name), as: .unknownCommand(name))
    case .notARequest:
        break
    }
}

/// hallctl's line for a request is one line, and halld reads it back as the same request.
func checkRoundTrip(_ request: StatusRequest, as expected: StatusRequestLine) {
    let sent: Data
    do {
        sent = try StatusWire.line(request)
    } catch {
        fail("\(request) does not encode: \(error)")
    }
    check(sent.last == 0x0A && sent.dropLast().firstIndex(of: 0x0A) == nil, "the request line is not one line")
    let again = StatusRequestLine.parse(sent.dropLast())
    check(again == expected, "round trip changed \(expected) into \(again)")
}

runFuzzer(fuzzOne)
