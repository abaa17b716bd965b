import DeviceSessions
import HallTime
import XCTest

/// The ledger of failed handshakes: per-source penalties, capped and forgiven; logs of
/// refusals rate-limited per source; a bounded table that forgets the stalest source.
final class AuthLedgerTests: XCTestCase {
    let t0 = Instant(nanoseconds: 5_000_000_000_000)

    func request(_ source: String) -> AdmissionRequest { AdmissionRequest(deviceID: "robot-north", source: source) }

    func fail(_ ledger: inout AuthLedger, _ source: String, at now: Instant) -> AuthLedger.LogDecision {
        ledger.record(.failed(source: source, deviceID: "robot-north", reason: "wrong proof"), now: now)
    }

    func testPenaltiesDoubleUpToTheCapAndOnlyForTheirSource() {
        var ledger = AuthLedger()
        XCTAssertEqual(ledger.admit(request("a"), now: t0), .challenge)
        _ = fail(&ledger, "a", at: t0)
        XCTAssertEqual(ledger.admit(request("a"), now: t0), .challengeAt(t0 + .milliseconds(100)))
        _ = fail(&ledger, "a", at: t0)
        XCTAssertEqual(ledger.admit(request("a"), now: t0), .challengeAt(t0 + .milliseconds(200)))
        for _ in 0..<50 { _ = fail(&ledger, "a", at: t0) }
        XCTAssertEqual(ledger.admit(request("a"), now: t0), .challengeAt(t0 + .seconds(2)), "capped at 2 s")
        XCTAssertEqual(ledger.admit(request("a"), now: t0 + .seconds(2)), .challenge)
        XCTAssertEqual(ledger.admit(request("b"), now: t0), .challenge, "another source is unaffected")
    }

    func testFailuresAreForgivenOverTimeAndBySuccess() {
        var ledger = AuthLedger()
        for _ in 0..<8 { _ = fail(&ledger, "a", at: t0) }
        // Quiet for two forgiveness periods: the count is a quarter (8 → 2): a 200 ms pause.
        let later = t0 + .seconds(60)
        _ = fail(&ledger, "a", at: later)
        XCTAssertEqual(ledger.admit(request("a"), now: later), .challengeAt(later + .milliseconds(400)), "3 failures left")
        ledger.record(.succeeded(source: "a", deviceID: "robot-north"), now: later)
        XCTAssertEqual(ledger.admit(request("a"), now: later), .challenge)
    }

    func testRefusalsAreLoggedAtMostOncePerIntervalPerSource() {
        var ledger = AuthLedger()
        var logged = 0, suppressedReported = 0
        for i in 0..<100 {
            if case .log(let suppressed) = fail(&ledger, "a", at: t0 + .milliseconds(100 * i)) {
                logged += 1
                suppressedReported += suppressed
            }
        }
        XCTAssertEqual(logged, 1, "10 s of failures, one line")
        XCTAssertEqual(fail(&ledger, "b", at: t0).shouldLog, true, "another source has its own budget")
        if case .log(let suppressed) = fail(&ledger, "a", at: t0 + .seconds(11)) {
            XCTAssertEqual(suppressed, 99)
        } else {
            XCTFail("the next interval logs again, with the count kept quiet")
        }
    }

    func testTheTableIsBoundedAndForgetsTheStalestSource() {
        var settings = AuthLedger.Settings()
        settings.capacity = 100
        var ledger = AuthLedger(settings: settings)
        _ = fail(&ledger, "old", at: t0)
        for i in 0..<200 { _ = fail(&ledger, "s\(i)", at: t0 + .milliseconds(i + 1)) }
        XCTAssertLessThanOrEqual(ledger.count, 100)
        XCTAssertEqual(ledger.admit(request("old"), now: t0 + .milliseconds(300)), .challenge, "the stalest went first")
        XCTAssertNotEqual(ledger.admit(request("s199"), now: t0 + .milliseconds(201)), .challenge, "a recent one is kept")
    }
}
