import AudioPrompts
import Foundation
import XCTest

final class QuietHoursTests: XCTestCase {
    private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    private func date(_ hour: Int, _ minute: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        return calendar.date(from: DateComponents(year: 2026, month: 11, day: 26, hour: hour, minute: minute))!
    }

    func testRangesWrapPastMidnight() throws {
        let night = try XCTUnwrap(LocalTimeRange(parsing: "22:00-07:00"))
        XCTAssertTrue(night.contains(date(23, 30), timeZone: shanghai))
        XCTAssertTrue(night.contains(date(6, 59), timeZone: shanghai))
        XCTAssertFalse(night.contains(date(7, 0), timeZone: shanghai))
        XCTAssertFalse(night.contains(date(12, 0), timeZone: shanghai))
        let lunch = try XCTUnwrap(LocalTimeRange(parsing: "12:00 - 13:30"))
        XCTAssertTrue(lunch.contains(minuteOfDay: 12 * 60))
        XCTAssertFalse(lunch.contains(minuteOfDay: 13 * 60 + 30))
        XCTAssertEqual(lunch.description, "12:00-13:30")
        XCTAssertNil(LocalTimeRange(parsing: "25:00-07:00"))
        XCTAssertNil(LocalTimeRange(parsing: "22:00"))
    }

    /// Inside quiet hours guidance and greetings are suppressed and counted; announcements
    /// still play; the idle output reports `quiet`.
    func testQuietHoursSuppressAllButAnnouncements() async throws {
        let rig = try ALSATestRig()
        let file = rig.addFilePCM("lobby")
        let night = date(23, 30)
        let output = try await rig.startedOutput(OutputConfig(name: "lobby", pcm: "lobby", quietHours: LocalTimeRange(parsing: "22:00-07:00")),
                                                 now: { night })
        XCTAssertEqual(output.status().state, .quiet)
        XCTAssertEqual(output.enqueue(.clip(rampClip(count: 800)), label: "intent/tax", priority: .guidance), .suppressed)
        XCTAssertEqual(output.enqueue(.clip(rampClip(count: 800)), label: "greeting", priority: .greeting), .suppressed)
        let announcement = rampClip(count: 2_000, start: 5)
        let ticket = try XCTUnwrap(output.enqueue(.clip(announcement), label: "closing", priority: .announcement).ticket)
        let outcome = await output.waitUntilFinished(ticket: ticket)
        XCTAssertEqual(outcome, .played)
        assertSamplesEqual(try samplesWritten(to: file), announcement.samples)
        let status = output.status()
        XCTAssertEqual(status.counters.suppressed, 2)
        XCTAssertEqual(status.counters.played, 1)
        XCTAssertEqual(status.state, .quiet)
        await output.shutdown()
    }

    /// A prompt that was queued before quiet hours began is suppressed when its turn comes.
    func testPromptWaitingWhenQuietHoursBeginIsSuppressed() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("lobby", paced: true)
        let clock = LockedValue(date(21, 59))
        let output = try await rig.startedOutput(OutputConfig(name: "lobby", pcm: "lobby", quietHours: LocalTimeRange(parsing: "22:00-07:00")),
                                                 now: { clock.withLock { $0 } })
        let playing = rampClip(count: 9_600)
        let first = try XCTUnwrap(output.enqueue(.clip(playing), label: "intent/tax", priority: .guidance).ticket)
        let waiting = try XCTUnwrap(output.enqueue(.clip(rampClip(count: 800)), label: "window/3", priority: .guidance).ticket)
        _ = await output.waitForReport(ticket: first) { $0.firstPeriodWrittenAt != nil }
        clock.withLock { $0 = self.date(22, 0) }
        let firstOutcome = await output.waitUntilFinished(ticket: first)
        let waitingOutcome = await output.waitUntilFinished(ticket: waiting)
        XCTAssertEqual(firstOutcome, .played, "a prompt already playing finishes")
        XCTAssertEqual(waitingOutcome, .suppressed)
        assertSamplesEqual(gate.received(), playing.samples)
        await output.shutdown()
    }
}
