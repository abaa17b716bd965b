import XCTest

final class HallDaemonTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
