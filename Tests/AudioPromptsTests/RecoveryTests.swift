import AudioPrompts
import Foundation
import XCTest
import HallModel

final class RecoveryTests: XCTestCase {
    /// The device vanishes mid-prompt (the gate plugin fails writes with -ENODEV after
    /// 4,000 frames and then refuses to open); enqueues keep returning at once and queue up;
    /// when the device returns the output reopens with backoff and plays what waited.
    func testDeviceTakenAwayMidPromptComesBack() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("usb")
        let output = try await rig.startedOutput(OutputConfig(name: "north", pcm: "usb"))
        let first = rampClip(count: 16_000)
        gate.unplug(afterFrames: 4_000)
        let firstTicket = try XCTUnwrap(output.enqueue(.clip(first), label: "intent/exit-entry", priority: .guidance).ticket)
        let firstOutcome = await output.waitUntilFinished(ticket: firstTicket)
        guard case .failed(let reason) = firstOutcome else { return XCTFail("expected a failure, got \(String(describing: firstOutcome))") }
        XCTAssertTrue(reason.contains("No such device"), reason)
        XCTAssertFalse(gate.isPlugged)

        // Gone: answers keep coming and their prompts queue without waiting for the device.
        let second = rampClip(count: 3_000, start: 50_000)
        let third = rampClip(count: 2_000, start: 90_000)
        var tickets: [UInt64] = []
        for clip in [second, third] {
            let result = output.enqueue(.clip(clip), label: "window/12", priority: .guidance)
            tickets.append(try XCTUnwrap(result.ticket))
        }
        let waiting = await output.waitForStatus { $0.state == .reopening && $0.counters.openFailures >= 2 }
        XCTAssertNotNil(waiting, "\(output.status())")
        XCTAssertEqual(waiting?.queueDepth, 2)
        XCTAssertTrue(waiting?.lastError?.contains("open 'usb'") ?? false, "\(String(describing: waiting?.lastError))")

        gate.plug()
        for ticket in tickets {
            let outcome = await output.waitUntilFinished(ticket: ticket)
            XCTAssertEqual(outcome, .played)
        }
        let status = output.status()
        XCTAssertEqual(status.state, .idle)
        XCTAssertEqual(status.counters.reopens, 1)
        XCTAssertEqual(status.counters.failed, 1)
        XCTAssertEqual(status.counters.played, 2)
        assertSamplesEqual(gate.received(), Array(first.samples.prefix(4_000)) + second.samples + third.samples)
        await output.shutdown()
    }

    /// A speaker unplugged while idle is found only by the next write; that prompt was not
    /// heard at all, so it waits for the device instead of failing.
    func testPromptNotHeardWhenDeviceVanishedWhileIdleIsKept() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("usb")
        let output = try await rig.startedOutput(OutputConfig(name: "north", pcm: "usb"))
        gate.unplug()
        let clip = rampClip(count: 2_000)
        let ticket = try XCTUnwrap(output.enqueue(.clip(clip), label: "window/5", priority: .guidance).ticket)
        let lost = await output.waitForStatus { $0.state == .reopening && $0.counters.openFailures >= 1 }
        XCTAssertEqual(lost?.queueDepth, 1, "\(output.status())")
        XCTAssertNil(output.report(ticket: ticket)?.outcome)
        gate.plug()
        let outcome = await output.waitUntilFinished(ticket: ticket)
        XCTAssertEqual(outcome, .played)
        XCTAssertEqual(output.status().counters.failed, 0)
        XCTAssertEqual(output.status().counters.reopens, 1)
        assertSamplesEqual(gate.received(), clip.samples)
        await output.shutdown()
    }

    /// An underrun (-EPIPE from the device's pointer) and a suspend (-ESTRPIPE from a
    /// write) are recovered in place with snd_pcm_recover: nothing lost, no reopen.
    func testUnderrunAndSuspendAreRecoveredInPlace() async throws {
        let rig = try ALSATestRig()
        let gate = try rig.addGatePCM("usb")
        let output = try await rig.startedOutput(OutputConfig(name: "north", pcm: "usb"))
        let clip = rampClip(count: 12_000)
        var expected: [Int16] = []
        for trouble in [gate.underrunOnce, gate.suspendOnce] {
            trouble()
            let ticket = try XCTUnwrap(output.enqueue(.clip(clip), label: "clarify", priority: .guidance).ticket)
            let outcome = await output.waitUntilFinished(ticket: ticket)
            XCTAssertEqual(outcome, .played)
            expected += clip.samples
        }
        let status = output.status()
        XCTAssertEqual(status.counters.underrunsRecovered, 2)
        XCTAssertEqual(status.counters.reopens, 0)
        XCTAssertEqual(status.counters.failed, 0)
        assertSamplesEqual(gate.received(), expected)
        await output.shutdown()
    }

    /// No sound card: the output reports `unavailable` with ALSA's error and keeps retrying;
    /// enqueue still returns at once and the queue stays bounded.
    func testNoSoundCardIsUnavailableButEnqueueReturns() async throws {
        let output = AudioOutput(config: OutputConfig(name: "north", pcm: "hw:CARD=HallGuideNoSuchCard,DEV=0", queueLimit: 3),
                                 sampleRate: 16_000, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20))
        output.start()
        let status = await output.waitForStatus { $0.state == .unavailable && $0.counters.openFailures >= 3 }
        XCTAssertNotNil(status, "\(output.status())")
        XCTAssertTrue(status?.lastError?.contains("open 'hw:CARD=HallGuideNoSuchCard,DEV=0'") ?? false, "\(String(describing: status?.lastError))")
        // Enqueueing never waits for the missing device (its cost is hallbench audio's to
        // measure, not a timed test's): five prompts are taken at once, three kept.
        var results: [EnqueueResult] = []
        for index in 0..<5 { results.append(output.enqueue(.clip(rampClip(count: 100, start: index)), label: "p\(index)", priority: .guidance)) }
        XCTAssertEqual(results.compactMap(\.ticket).count, 5)
        let after = output.status()
        XCTAssertEqual(after.queueDepth, 3)
        XCTAssertEqual(after.counters.dropped, 2)
        XCTAssertEqual(output.report(ticket: 1)?.outcome, .dropped(reason: "queue full (3)"))
        await output.shutdown()
        XCTAssertEqual(output.report(ticket: 5)?.outcome, .dropped(reason: "shutting down"))
    }

    /// The system facade with no card at all: starts, reports every output unavailable.
    func testSystemWithoutCardRunsAndReportsUnavailable() async throws {
        let config = AudioConfig(outputs: [OutputConfig(name: "a", pcm: "hw:CARD=HallGuideNoSuchCard,DEV=0", places: ["north-door"]),
                                           OutputConfig(name: "b", pcm: "hw:CARD=HallGuideNoSuchCard,DEV=1", devices: ["robot-west"])],
                                 promptsDirectory: repositoryPrompts, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20),
                                 synthesis: SynthesisConfig(enabled: false))
        let system = AudioSystem(config: config)
        system.start()
        for output in system.outputs {
            let status = await output.waitForStatus { $0.state == .unavailable && $0.lastError != nil }
            XCTAssertNotNil(status)
        }
        let result = system.play(AudioRequest(promptID: "window/7", language: .zh), at: "robot-west")
        XCTAssertNotNil(result.ticket)
        XCTAssertEqual(system.play(AudioRequest(promptID: "intent/nope", language: .zh), at: "north-door"),
                       .rejected("no recording for 'intent/nope' (zh) and synthesis is off"))
        XCTAssertEqual(system.play(AudioRequest(promptID: "clarify", language: .zh), at: "nowhere"),
                       .rejected("no audio output for 'nowhere'"))
        XCTAssertEqual(system.status().map(\.state), [.unavailable, .unavailable])
        await system.shutdown()
    }
}
