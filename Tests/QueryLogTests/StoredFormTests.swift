import Foundation
import GRDB
import HallAnswers
@testable import QueryLog
import XCTest

/// The writer's own fast forms are what GRDB and the slow path would store.
final class StoredFormTests: XCTestCase {
    func testStoredTimeIsGRDBsDateText() {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_795_000_000.999),
                     Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: -1.25), Date()]
        dates += (0..<500).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator)) }
        for date in dates {
            XCTAssertEqual(QueryLogSchema.storedTime(date).databaseValue, date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }

    func testMarksSurviveNormalisationWithAndWithoutNumbers() {
        // Like the hall's normaliser: case folded, full-width digits made ASCII.
        let fold: (String) -> String = { $0.lowercased().replacing("１", with: "1") }
        XCTAssertEqual(StoredText.make("Where is the TOILET", normalize: fold), "where is the toilet")
        XCTAssertEqual(StoredText.make("Call 139-1234-5678 OK", normalize: fold), "call \(Redaction.phoneMark) ok")
        XCTAssertEqual(StoredText.make("身份证１１０１０１１９９００３０７１２３４", normalize: fold), "身份证\(Redaction.idCardMark)")
    }
}
