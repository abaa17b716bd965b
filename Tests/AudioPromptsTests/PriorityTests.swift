@testable import AudioPrompts
import Foundation
import XCTest

final class PriorityTests: XCTestCase {
    private func queued(_ ticket: UInt64, _ priority: PromptPriority) -> QueuedPrompt {
        QueuedPrompt(ticket: ticket, label: "p\(ticket)", source: .clip(rampClip(count: 1)), priority: priority, enqueuedAt: .now)
    }

    func testQueuePlaysHighestPriorityFirstThenInOrder() {
        var queue = PromptQueue(limit: 8)
        for (ticket, priority) in [(1, PromptPriority.greeting), (2, .guidance), (3, .announcement), (4, .guidance), (5, .announcement)] {
            XCTAssertNil(queue.push(queued(UInt64(ticket), priority)))
        }
        var order: [UInt64] = []
        while let next = queue.popNext() { order.append(next.ticket) }
        XCTAssertEqual(order, [3, 5, 2, 4, 1])
    }

    /// Full: the oldest prompt of the lowest priority not above the newcomer goes; an
    /// announcement is never pushed out by guidance, which is refused instead.
    func testFullQueueDropsOldestLowestPriority() {
        var queue = PromptQueue(limit: 3)
        _ = queue.push(queued(1, .guidance))
        _ = queue.push(queued(2, .greeting))
        _ = queue.push(queued(3, .guidance))
        XCTAssertEqual(queue.push(queued(4, .guidance))?.ticket, 2, "the greeting goes first")
        XCTAssertEqual(queue.push(queued(5, .guidance))?.ticket, 1, "then the oldest guidance")
        XCTAssertEqual(queue.push(queued(6, .announcement))?.ticket, 3)
        XCTAssertEqual(queue.push(queued(7, .announcement))?.ticket, 4)
        XCTAssertEqual(queue.push(queued(8, .announcement))?.ticket, 5)
        XCTAssertEqual(queue.push(queued(9, .guidance))?.ticket, 9, "guidance cannot push out announcements")
        XCTAssertEqual(queue.items.map(\.ticket), [6, 7, 8])
    }

    /// On a device that plays in real time, an announcement stops the guidance playing at
    /// the next period boundary; what was written is a prefix of the guidance, followed
    /// by the whole announcement, never both at once.
    func testAnnouncementPreemptsPlayingGuidance() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("speaker", paced: true)
        let output = try await rig.startedOutput(OutputConfig(name: "atrium", pcm: "speaker"))
        let guidance = rampClip(count: 32_000)
        let announcement = rampClip(count: 1_600, start: 123_456)
        let guidanceTicket = try XCTUnwrap(output.enqueue(.clip(guidance), label: "intent/tax", priority: .guidance).ticket)
        let started = await output.waitForReport(ticket: guidanceTicket) { $0.firstPeriodWrittenAt != nil }
        XCTAssertNotNil(started)
        XCTAssertEqual(output.status().state, .playing)
        XCTAssertEqual(output.status().playing, "intent/tax")
        let announcementTicket = try XCTUnwrap(output.enqueue(.clip(announcement), label: "announcement", priority: .announcement).ticket)
        let guidanceOutcome = await output.waitUntilFinished(ticket: guidanceTicket)
        XCTAssertEqual(guidanceOutcome, .preempted)
        let announcementOutcome = await output.waitUntilFinished(ticket: announcementTicket)
        XCTAssertEqual(announcementOutcome, .played)

        let received = gate.received()
        let cut = received.count - announcement.samples.count
        XCTAssertGreaterThan(cut, 0)
        XCTAssertLessThan(cut, guidance.samples.count, "the guidance was cut short")
        assertSamplesEqual(Array(received.prefix(cut)), Array(guidance.samples.prefix(cut)), "guidance prefix")
        assertSamplesEqual(Array(received.suffix(announcement.samples.count)), announcement.samples, "announcement")
        let counters = output.status().counters
        XCTAssertEqual(counters.preempted, 1)
        XCTAssertEqual(counters.dropped, 1)
        XCTAssertEqual(counters.played, 1)
        await output.shutdown()
    }

    /// No overlap: a second answer waits for the first to finish, and both play whole.
    func testPromptsOfEqualPriorityNeverOverlap() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("speaker", paced: true)
        let output = try await rig.startedOutput(OutputConfig(name: "atrium", pcm: "speaker"))
        let first = rampClip(count: 3_200)
        let second = rampClip(count: 3_200, start: 777)
        let firstTicket = try XCTUnwrap(output.enqueue(.clip(first), label: "first", priority: .guidance).ticket)
        let secondTicket = try XCTUnwrap(output.enqueue(.clip(second), label: "second", priority: .guidance).ticket)
        let firstOutcome = await output.waitUntilFinished(ticket: firstTicket)
        let secondOutcome = await output.waitUntilFinished(ticket: secondTicket)
        XCTAssertEqual(firstOutcome, .played)
        XCTAssertEqual(secondOutcome, .played)
        let firstStarted = try XCTUnwrap(output.report(ticket: firstTicket)?.firstPeriodWrittenAt)
        let secondStarted = try XCTUnwrap(output.report(ticket: secondTicket)?.firstPeriodWrittenAt)
        XCTAssertGreaterThanOrEqual(secondStarted - firstStarted, .milliseconds(150), "the second began after the first's 200 ms")
        assertSamplesEqual(gate.received(), first.samples + second.samples)
        await output.shutdown()
    }
}
