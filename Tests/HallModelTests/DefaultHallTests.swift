import Foundation
import HallModel
import XCTest

/// The built-in hall is the SPEC's Changchun hall, and the binary carries exactly the
/// repository's files.
final class DefaultHallTests: XCTestCase {
    func testDefaultMapHasEverySpecDestinationAndWindow() throws {
        let map = try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: DefaultHall.mapFile.path)
        let spec: [(String, ClosedRange<Int>)] = [
            ("exit-entry", 1...4), ("vehicle-admin", 5...8), ("police-general", 9...11), ("medical-insurance", 12...14),
            ("social-insurance", 15...18), ("employment", 19...20), ("barcode", 21...21), ("notary", 22...24),
            ("municipal-general", 25...30), ("housing-trade", 31...33), ("real-estate", 34...37), ("tax", 38...41),
            ("construction-approval", 42...43), ("business-setup", 44...46), ("utilities", 47...47),
            ("certificate-issuance", 48...48),
        ]
        for (zone, windows) in spec {
            XCTAssertEqual(map.place(zone)?.windowNumbers.sorted(), Array(windows), zone)
        }
        for id in ["info-desk", "self-service", "credit-service", "gov-disclosure", "mother-baby", "pickup-lockers",
                   "reading-area", "waiting-area", "restroom", "north-door", "south-door"] {
            XCTAssertNotNil(map.place(id), id)
        }
        XCTAssertEqual(map.place("self-service")?.spots.count, 3)
        XCTAssertEqual(map.place("restroom")?.spots.count, 2)
        XCTAssertEqual(map.place("waiting-area")?.spots.count, 2)
        XCTAssertEqual((1...48).filter { map.place("window-\($0)") != nil }.count, 48)
        XCTAssertEqual(map.windowCount, 48)
        XCTAssertEqual(Set(map.stations.map(\.id)),
                       ["robot-north", "robot-south", "screen-north", "screen-south", "screen-west", "screen-east"])
        // Windows 1-24 in the west hall, 25-48 in the east hall.
        let west = map.areas.firstIndex { $0.id == "west-hall" }
        let east = map.areas.firstIndex { $0.id == "east-hall" }
        XCTAssertTrue((1...24).allSatisfy { map.place("window-\($0)")?.area == west })
        XCTAssertTrue((25...48).allSatisfy { map.place("window-\($0)")?.area == east })
    }

    func testEmbeddedFilesMatchTheRepository() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        XCTAssertFalse(DefaultHall.intentFiles.isEmpty)
        for file in DefaultHall.files {
            let onDisk = try String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            XCTAssertEqual(onDisk, file.text, "\(file.path) differs from the embedded copy: rebuild")
        }
    }
}
