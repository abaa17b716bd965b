import Foundation
import StatusProtocol
import XCTest

/// The parse step of the status socket: what a received line is, before halld acts on it.
final class StatusRequestLineTests: XCTestCase {
    func parse(_ text: String) -> StatusRequestLine { StatusRequestLine.parse(Array(text.utf8)) }

    func testBlankLinesAreNotRequests() {
        XCTAssertEqual(parse(""), .blank)
        XCTAssertEqual(parse(" \t\r"), .blank)
        XCTAssertNotEqual(parse(" x "), .blank)
    }

    func testAKnownCommandWithItsArguments() {
        XCTAssertEqual(parse(#"{"command":"recall","robot":"robot-north"}"#),
                       .request(.recall, StatusRequest(.recall, robot: "robot-north")))
        XCTAssertEqual(parse(#"{"command":"close","target":"window-16","reason_en":"maintenance"}"#),
                       .request(.close, StatusRequest(.close, target: "window-16", reasonEn: "maintenance")))
    }

    func testAnUnknownCommandIsNamed() {
        XCTAssertEqual(parse(#"{"command":"shutdown"}"#), .unknownCommand("shutdown"))
    }

    func testWhatIsNotARequest() {
        for line in ["status", "[]", "{}", #"{"command":7}"#, #"{"command":"recall","robot":1}"#, "{\"command\":\"status\"", "\u{FF}"] {
            XCTAssertEqual(parse(line), .notARequest, line)
        }
    }

    func testHallctlsLineIsReadBackAsTheSameRequest() throws {
        let request = StatusRequest(.close, target: "edge:a,b", until: "+30m", reason: "维修\n换行", reasonEn: "a \"quote\"")
        let line = try StatusWire.line(request)
        XCTAssertEqual(line.filter { $0 == 0x0A }.count, 1, "one line, the newline at its end")
        XCTAssertEqual(StatusRequestLine.parse(line.dropLast()), .request(.close, request))
    }
}
