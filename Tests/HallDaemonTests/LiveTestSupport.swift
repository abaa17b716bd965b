import Foundation
@testable import HallDaemon
import HallTime
import Logging
import XCTest

/// Waits on the calling thread until `event` returns (an EventCount reaching a count, a
/// timer armed on a TestClock): a test that drives a TestHall stays on its one thread.
/// `timeout` (real time) only keeps a broken test from hanging.
func block(timeout: TimeInterval = 30, _ what: String = "the event", _ event: @escaping @Sendable () async -> Void,
           file: StaticString = #filePath, line: UInt = #line) {
    let done = DispatchSemaphore(value: 0)
    let task = Task {
        await event()
        done.signal()
    }
    if done.wait(timeout: .now() + timeout) == .timedOut {
        task.cancel()
        XCTFail("timed out waiting for \(what)", file: file, line: line)
    }
}

var quietLogger: Logger {
    var logger = Logger(label: "live-test")
    logger.logLevel = .critical
    return logger
}

/// A queue feed snapshot as the queue system sends it.
func feedText(at time: Date, exitEntry waiting: Int = 12, extraZone: String? = nil) -> String {
    let zone = HallTimeZoneText.iso8601(time)
    return """
        {"format": 1, "time": "\(zone)",
         "zones": {"exit-entry": {"waiting": \(waiting)}, \(extraZone.map { "\"\($0)\": {\"waiting\": 1}, " } ?? "")"social-insurance": {"waiting": 3}},
         "calling": [{"window": 3, "ticket": "A029"}, {"window": 16, "ticket": "E101"}]}

        """
}

/// The hall's offset, for the feeds tests write.
enum HallTimeZoneText {
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return formatter.string(from: date)
    }
}

/// The HTTP route the queue feed POST will have on halld's HTTP server, as a test
/// stand-in: a blocking loopback server that hands each POST's body and bearer token to
/// `handler` (QueueFeedService.post) and answers with what it returns.
final class FeedRouteShim: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let handler: @Sendable ([UInt8], String?) -> QueueFeedPostResult

    init(handler: @escaping @Sendable ([UInt8], String?) -> QueueFeedPostResult) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else { throw XCTSkip("cannot listen on loopback") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let server = self
        Thread.detachNewThread { server.serve() }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            answer(client)
            close(client)
        }
    }

    private func answer(_ client: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let end = headerEnd, data.count >= end + contentLength { break }
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { return }
            data += buffer[0..<n]
            if headerEnd == nil, let range = String(decoding: data, as: UTF8.self).range(of: "\r\n\r\n") {
                let head = String(decoding: data, as: UTF8.self)[..<range.lowerBound]
                headerEnd = head.utf8.count + 4
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let head = String(decoding: data[..<headerEnd!], as: UTF8.self)
        let authorization = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("authorization:") }
            .map { String($0.dropFirst("authorization:".count)).trimmingCharacters(in: .whitespaces) }
        let result = handler(Array(data[headerEnd!...]), QueueFeedService.bearerToken(fromAuthorization: authorization))
        let body = Array(result.body.utf8)
        let reply = "HTTP/1.1 \(result.status) \(result.status == 200 ? "OK" : "Refused")\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(reply.utf8) + body
        _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
    }
}
