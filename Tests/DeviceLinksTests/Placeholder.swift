import XCTest

final class DeviceLinksTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
