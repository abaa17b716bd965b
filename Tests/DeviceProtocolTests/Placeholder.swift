import XCTest

final class DeviceProtocolTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
