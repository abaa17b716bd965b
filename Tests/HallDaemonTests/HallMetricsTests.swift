import DeviceProtocol
import DeviceSimulation
import Foundation
import HallDaemon
import XCTest

/// What Prometheus scrapes from halld: every family with its HELP line, the series the
/// alert rules in ops/ need, and the rules and the dashboard naming only metrics halld has.
final class HallMetricsTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryFamilyScrapedHasHelpAndTypeAndIsInTheCatalogue() async throws {
        var config = RunningDaemon.config(devices: [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: Array("test-key-robot-north-0123456789".utf8)),
            .init(id: "screen-west", kind: .screen, station: "screen-west", key: Array("test-key-screen-west-0123456789".utf8)),
        ])
        config.queryLog = DaemonConfig.QueryLogSettings()  // in the scratch STATE_DIRECTORY
        let running = try await RunningDaemon.start(config)
        let text: String
        do {
            let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: Array("test-key-robot-north-0123456789".utf8),
                                        transport: try TCPTransport(host: "127.0.0.1", port: running.tcpPort))
            try robot.connect()
            _ = try robot.ask("护照在哪办")
            _ = try robot.ask("我想问一个没有答案的问题")
            text = try scrape(port: XCTUnwrap(running.daemon.metricsEndpoint?.port))
            try await running.stop()
        } catch {
            try await running.stop()
            throw error
        }
        let exposition = Exposition(text)
        XCTAssertFalse(exposition.families.isEmpty, text)
        for family in exposition.families {
            XCTAssertNotNil(exposition.help[family], "no # HELP for \(family)")
            XCTAssertFalse(exposition.help[family]?.isEmpty ?? true, "empty HELP for \(family)")
        }
        let catalogued = Set(MetricCatalogue.all.map(\.name))
        XCTAssertEqual(Set(exposition.families).subtracting(catalogued), [], "scraped but not in MetricCatalogue")
        for definition in MetricCatalogue.all where exposition.type[definition.name] != nil {
            XCTAssertEqual(exposition.type[definition.name], definition.kind.rawValue, definition.name)
            XCTAssertEqual(exposition.help[definition.name], definition.help, definition.name)
        }
        // The series the alerts are written on.
        XCTAssertTrue(text.contains(#"hallguide_device_up{device="robot-north",kind="robot"} 1"#), text)
        XCTAssertTrue(text.contains(#"hallguide_device_up{device="screen-west",kind="screen"} 0"#), text)
        XCTAssertTrue(text.contains("hallguide_devices_configured 2"), text)
        XCTAssertTrue(text.contains(#"hallguide_build_info{version="\#(HallGuideVersion.string)"} 1"#), text)
        XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="fallback",intent="none"} 1"#), text)
        XCTAssertTrue(text.contains("hallguide_query_log_open 1"), text)
        XCTAssertTrue(text.contains("hallguide_query_log_failed_writes_total 0"), text)
        let started = try XCTUnwrap(exposition.value("process_start_time_seconds"), text)
        XCTAssertEqual(started, running.daemon.startTime.timeIntervalSince1970, accuracy: 0.001)
    }

    /// The writer's totals become counters that grow by what the writer added, never
    /// counting a total twice however often Prometheus scrapes.
    func testQueryLogTotalsAndWatchdogChecksAreCounters() {
        let metrics = HallMetrics(startedAt: Date(timeIntervalSince1970: 1_800_000_000), version: "9.9.9")
        metrics.update(queryLog: (open: true, recorded: 10, committed: 8, pending: 2, dropped: 0, failedWrites: 1))
        metrics.update(queryLog: (open: true, recorded: 10, committed: 10, pending: 0, dropped: 0, failedWrites: 1))
        metrics.update(queryLog: (open: false, recorded: 15, committed: 10, pending: 5, dropped: 3, failedWrites: 4))
        metrics.watchdogChecked(passed: true)
        metrics.watchdogChecked(passed: true)
        metrics.watchdogChecked(passed: false)
        let scraped = Exposition(metrics.exposition())
        XCTAssertEqual(scraped.value("hallguide_query_log_recorded_total"), 15)
        XCTAssertEqual(scraped.value("hallguide_query_log_committed_total"), 10)
        XCTAssertEqual(scraped.value("hallguide_query_log_failed_writes_total"), 4)
        XCTAssertEqual(scraped.value("hallguide_query_log_dropped_total"), 3)
        XCTAssertEqual(scraped.value("hallguide_query_log_pending"), 5)
        XCTAssertEqual(scraped.value("hallguide_query_log_open"), 0)
        XCTAssertEqual(scraped.value(#"hallguide_watchdog_checks_total{result="passed"}"#), 2)
        XCTAssertEqual(scraped.value(#"hallguide_watchdog_checks_total{result="failed"}"#), 1)
        XCTAssertEqual(scraped.value("process_start_time_seconds"), 1_800_000_000)
        XCTAssertEqual(scraped.value(#"hallguide_build_info{version="9.9.9"}"#), 1)
    }

    func testAnOutputThatIsUnavailableScrapesAsZero() {
        let metrics = HallMetrics()
        metrics.audio(output: "north", played: 3, failed: 1, state: "unavailable")
        metrics.audio(output: "south", played: 0, failed: 0, state: "idle")
        let scraped = Exposition(metrics.exposition())
        XCTAssertEqual(scraped.value(#"hallguide_audio_available{output="north"}"#), 0)
        XCTAssertEqual(scraped.value(#"hallguide_audio_available{output="south"}"#), 1)
    }

    /// The alert rules and the Grafana dashboard name only series halld exports; the
    /// dashboard is well-formed JSON whose every panel has a query.
    func testOpsFilesNameOnlyMetricsHalldExports() throws {
        let series = Set(MetricCatalogue.all.flatMap(\.seriesNames))
        let files = ["ops/prometheus/hallguide-alerts.yml", "ops/prometheus/hallguide-alerts.test.yml",
                     "ops/prometheus/federation.yml", "ops/prometheus/remote-write.yml", "ops/grafana/hallguide.json"]
        var named = 0
        for file in files {
            let text = try String(contentsOf: Self.repository.appendingPathComponent(file), encoding: .utf8)
            for name in Self.metricNames(in: text) {
                named += 1
                XCTAssertTrue(series.contains(name), "\(file) names \(name), which halld does not export")
            }
        }
        XCTAssertGreaterThan(named, 10)

        let data = try Data(contentsOf: Self.repository.appendingPathComponent("ops/grafana/hallguide.json"))
        let dashboard = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(dashboard["uid"] as? String, "hallguide")
        let panels = try XCTUnwrap(dashboard["panels"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(panels.count, 6)
        for panel in panels where panel["type"] as? String != "row" {
            let targets = try XCTUnwrap(panel["targets"] as? [[String: Any]], "\(panel["title"] ?? "?") has no targets")
            XCTAssertFalse(targets.isEmpty)
            for target in targets {
                let expr = try XCTUnwrap(target["expr"] as? String)
                XCTAssertFalse(Self.metricNames(in: expr).isEmpty, "\(panel["title"] ?? "?"): \(expr)")
                XCTAssertTrue(expr.contains("$hall") || expr.contains("hall=~"), "\(panel["title"] ?? "?") ignores the hall variable: \(expr)")
            }
        }
    }

    /// The README's table lists every metric, so ops staff find each one's meaning.
    func testTheREADMEListsEveryMetric() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "## Metrics and alerts").map { readme[$0.upperBound...] })
        let table = String(section).components(separatedBy: "\n## ").first ?? ""
        for definition in MetricCatalogue.all {
            XCTAssertTrue(table.contains("`\(definition.name)`"), "README's Metrics and alerts does not list \(definition.name)")
        }
    }

    static func metricNames(in text: String) -> [String] {
        let pattern = /\b(hallguide_[a-z_]+|process_start_time_seconds)\b/
        return text.matches(of: pattern).map { String($0.output.1) }
    }

    func scrape(port: Int) throws -> String {
        let http = try TCPTransport(host: "127.0.0.1", port: port)
        try http.write(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        var text = ""
        while let chunk = try? http.read(timeoutMilliseconds: 2000), !chunk.isEmpty { text += String(decoding: chunk, as: UTF8.self) }
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200"), text)
        // The body alone: in Swift "\r\n" is one Character, so the head would glue onto
        // the first line of the body.
        return text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }
}

/// The text exposition format, read as Prometheus would: families from # TYPE, help from
/// # HELP, and each sample's value by its series (name and labels as written).
struct Exposition {
    var families: [String] = []
    var type: [String: String] = [:]
    var help: [String: String] = [:]
    var samples: [String: Double] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                families.append(String(parts[0]))
                type[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            } else if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = rest.prefix { $0 != " " }
                help[String(name)] = String(rest.dropFirst(name.count + 1))
            } else if !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) {
                samples[String(line[..<space])] = value
            }
        }
    }

    func value(_ series: String) -> Double? { samples[series] }
}
