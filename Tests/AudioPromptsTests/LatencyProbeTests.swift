import AudioPrompts
import XCTest

final class LatencyProbeTests: XCTestCase {
    /// The probe hallbench calls: enqueue → first period written on a file PCM.
    func testProbeMeasuresFirstPeriodLatency() async throws {
        let samples = try await AudioLatencyProbe.measure(iterations: 30)
        XCTAssertEqual(samples.count, 30)
        let (median, p99) = AudioLatencyProbe.summary(samples)
        XCTAssertGreaterThan(median, .zero)
        XCTAssertLessThanOrEqual(median, p99)
        XCTAssertLessThan(median, .milliseconds(20), "target: answer → first sample ≤ 20 ms")
    }
}
