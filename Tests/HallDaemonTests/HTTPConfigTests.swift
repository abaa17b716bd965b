import DeviceSimulation
import Foundation
import HallDaemon
import HallModel
import XCTest
import DeviceProtocol
import HallWeb

/// `http:` in halld.yaml: every key read, the defaults, refusals with their lines; and the
/// QR code a public base URL turns on.
final class HTTPConfigTests: XCTestCase {
    func testEveryHTTPKeyIsRead() throws {
        let config = try DaemonConfig.parse("""
            http:
              listen: 0.0.0.0:8080
              public_base_url: https://guide.example.gov.cn/
              idle_reset_seconds: 60
              max_connections: 500
              max_idle_connections: 100
              idle_timeout_seconds: 15
              max_header_bytes: 8192
              max_body_bytes: 32768
            """, file: "halld.yaml")
        XCTAssertTrue(config.httpOn)
        XCTAssertEqual(config.http.host, "0.0.0.0")
        XCTAssertEqual(config.http.port, 8080)
        XCTAssertEqual(config.http.publicBaseURL, "https://guide.example.gov.cn", "without the trailing slash")
        XCTAssertEqual(config.http.idleResetSeconds, 60)
        XCTAssertEqual(config.http.maxConnections, 500)
        XCTAssertEqual(config.http.maxIdleConnections, 100)
        XCTAssertEqual(config.http.idleTimeoutSeconds, 15)
        XCTAssertEqual(config.http.maxHeaderBytes, 8192)
        XCTAssertEqual(config.http.maxBodyBytes, 32768)
    }

    func testDefaultsAndOff() throws {
        let absent = try DaemonConfig.parse("listen:\n  tcp: off\n", file: "halld.yaml")
        XCTAssertTrue(absent.httpOn, "a file without http: serves the screens on loopback")
        XCTAssertEqual("\(absent.http.host):\(absent.http.port)", "127.0.0.1:7780")
        XCTAssertNil(absent.http.publicBaseURL, "no QR code unless a public base URL is set")
        XCTAssertFalse(try DaemonConfig.parse("http:\n  listen: off\n", file: "halld.yaml").httpOn)
        XCTAssertFalse(DaemonConfig().httpOn)
    }

    func testRefusals() {
        do {
            _ = try DaemonConfig.parse("http:\n  listen: everywhere\n  public_base_url: ftp://x\n  max_idle_connections: 0\n  lisen: 1\n",
                                       file: "halld.yaml")
            XCTFail("accepted")
        } catch {
            let lines = error.diagnostics.map(\.description)
            XCTAssertEqual(lines.count, 4, "\(lines)")
            XCTAssertTrue(lines.contains { $0.hasPrefix("halld.yaml:2: http.listen") }, "\(lines)")
            XCTAssertTrue(lines.contains { $0.hasPrefix("halld.yaml:3: http.public_base_url") }, "\(lines)")
            XCTAssertTrue(lines.contains { $0.hasPrefix("halld.yaml:4: http.max_idle_connections") }, "\(lines)")
            XCTAssertTrue(lines.contains { $0.contains("unknown key 'lisen' in http") }, "\(lines)")
        }
    }

    /// With a public base URL, a route carries its phone page and a QR code of it (libqrencode).
    func testAPublicBaseURLTurnsTheQRCodeOn() async throws {
        var config = RunningDaemon.config(devices: [.init(id: "screen-north", kind: .screen, station: "screen-north",
                                                          key: Array("qr-test-key-0123456789".utf8))])
        config.http.publicBaseURL = "https://guide.example.gov.cn"
        let running = try await RunningDaemon.start(config)
        do {
            try checkQRCode(port: try XCTUnwrap(running.daemon.web?.port))
        } catch {
            XCTFail("\(error)")
        }
        try await running.stop()
    }

    private func checkQRCode(port: Int) throws {
        func get(_ path: String) throws -> String {
            let http = try TCPTransport(host: "127.0.0.1", port: port)
            try http.write(Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            var bytes: [UInt8] = []
            while let chunk = try? http.read(timeoutMilliseconds: 3000), !chunk.isEmpty { bytes += chunk }
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 200"), text)
            return text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        }
        let route = try get("/api/v1/route?from=screen-north&to=exit-entry")
        XCTAssertTrue(route.contains(#""phone_url":"https://guide.example.gov.cn/phone/route?from=screen-north&to=exit-entry&lang=zh""#), route)
        XCTAssertTrue(route.contains(#""qr_svg":"/api/v1/qr.svg?from=screen-north&to=exit-entry""#), route)
        XCTAssertTrue(try get("/api/v1/screens/screen-north").contains(#""qr":true"#))
        let svg = try get("/api/v1/qr.svg?from=screen-north&to=exit-entry")
        XCTAssertTrue(svg.hasPrefix("<svg"), svg)
        // A version-4 or larger code (33+ modules and the quiet zone) for a URL this long.
        let side = try XCTUnwrap(svg.firstRange(of: "viewBox=\"0 0 ").map { svg[$0.upperBound...].prefix { $0.isNumber } }.flatMap { Int($0) })
        XCTAssertGreaterThanOrEqual(side, 33 + 8)
        XCTAssertGreaterThan(svg.components(separatedBy: "h").count, side, "dark modules drawn")
    }
}
