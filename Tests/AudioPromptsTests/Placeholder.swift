import XCTest

final class AudioPromptsTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
