import AudioPrompts
import XCTest

final class LatencyProbeTests: XCTestCase {
    /// The probe hallbench calls: enqueue → first period written on a file PCM.
    func testProbeMeasuresFirstPeriodLatency() async throws {
        let samples = try await AudioLatencyProbe.measure(iterations: 200)
        XCTAssertEqual(samples.count, 200)
        let (median, p99) = AudioLatencyProbe.summary(samples)
        print("audio enqueue → first period written: median \(median), p99 \(p99), max \(samples.max() ?? .zero)")
        XCTAssertGreaterThan(median, .zero)
        XCTAssertLessThanOrEqual(median, p99)
        XCTAssertLessThan(median, .milliseconds(20), "target: answer → first sample ≤ 20 ms")
    }
}
