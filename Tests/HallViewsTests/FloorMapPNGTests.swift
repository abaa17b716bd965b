import Foundation
import HallAnswers
import HallViews
import XCTest

/// Renders the default hall to PNG the way staff would print it, with rsvg-convert
/// (Debian: librsvg2-bin), and checks the picture has the size the SVG promises.
final class FloorMapPNGTests: XCTestCase {
    func rsvgConvert() throws -> URL {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in path {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("rsvg-convert")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XCTSkip("rsvg-convert is not installed (apt-get install librsvg2-bin)")
    }

    func testTheDefaultHallWithARouteRendersToAPNGOfTheExpectedSize() throws {
        let tool = try rsvgConvert()
        let hall = try Hall.builtIn()
        let picture = FloorMapSVG(map: hall.map, route: try hall.route(from: "robot-south", to: "window-30"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallviews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("hall.svg"), png = dir.appendingPathComponent("hall.png")
        try Data(picture.render().utf8).write(to: svg)

        let process = Process()
        process.executableURL = tool
        process.arguments = ["-o", png.path, svg.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: message, as: UTF8.self))

        // PNG: 8-byte signature, then the IHDR chunk with width and height (big-endian).
        let bytes = [UInt8](try Data(contentsOf: png))
        XCTAssertGreaterThan(bytes.count, 10_000, "a real picture, not an empty canvas")
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(String(decoding: bytes[12..<16], as: UTF8.self), "IHDR")
        let be32 = { (i: Int) in bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(16), Int(picture.width))
        XCTAssertEqual(be32(20), Int(picture.height))
    }
}
