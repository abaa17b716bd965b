import AudioPrompts
import XCTest

final class LatencyProbeTests: XCTestCase {
    /// The probe hallbench calls: enqueue → first period written on a file PCM. It measures;
    /// whether the figure meets its target (≤ 20 ms) is `hallbench audio`'s to say.
    func testProbeMeasuresFirstPeriodLatency() async throws {
        let samples = try await AudioLatencyProbe.measure(iterations: 50)
        XCTAssertEqual(samples.count, 50)
        let (median, p99) = AudioLatencyProbe.summary(samples)
        print("audio enqueue → first period written: median \(median), p99 \(p99), max \(samples.max() ?? .zero)")
        XCTAssertGreaterThan(median, .zero)
        XCTAssertLessThanOrEqual(median, p99)
    }
}
