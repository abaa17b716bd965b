import HallAnswers
import HallModel
import HallTestFixtures
import XCTest
import IntentMatching

/// A hall ten times the built-in one (ScaledHall, what `hallbench validate --scale 10`
/// times) validates, and answers in each copy by that copy's words. Its size is checked,
/// not its speed (that is hallbench's).
final class LargeHallTests: XCTestCase {
    func testAHallTenTimesTheBuiltInOneLoadsAndAnswers() throws {
        let builtIn = try Hall.builtIn()
        let files = ScaledHall.files(DefaultHall.files, scale: 10)
        let mapFile = try XCTUnwrap(files.first { $0.path == DefaultHall.mapFile.path })
        let intentFiles = files.filter { $0.path.hasPrefix("intents/") && $0.path.hasSuffix(".yaml") }
        let hall = try Hall(mapFile: mapFile, intentFiles: intentFiles) { name throws(ValidationError) in
            guard let file = files.first(where: { $0.path == "maps/" + name }) else {
                throw ValidationError([Diagnostic(file: name, line: 1, "not among the files")])
            }
            return file
        }
        XCTAssertEqual(hall.map.places.count, builtIn.map.places.count * 10)
        XCTAssertEqual(hall.map.nodes.count, builtIn.map.nodes.count * 10)
        XCTAssertEqual(hall.map.stations.count, builtIn.map.stations.count * 10)
        XCTAssertEqual(hall.intents.intents.count, builtIn.intents.intents.count * 10)
        XCTAssertEqual(hall.intents.intents.reduce(0) { $0 + $1.terms.count },
                       builtIn.intents.intents.reduce(0) { $0 + $1.terms.count } * 10)
        // 护照 is the first copy's; 护照乙 the second's, 护照癸 the tenth's.
        XCTAssertEqual(hall.matcher.match("护照在哪办").intent, "exit-entry")
        XCTAssertEqual(hall.matcher.match("护照乙在哪办").intent, "exit-entry-c1")
        XCTAssertEqual(hall.matcher.match("护照癸在哪办").intent, "exit-entry-c9")
    }
}
