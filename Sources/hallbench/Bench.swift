import AudioPrompts
import Foundation
import HallAnswers
import HallModel
import HallTime
import IntentMatching
import Wayfinding

// hallbench: the release-mode benchmark for HallGuide's core. One run reports loading,
// matching, routing and the Python peers on the same machine, so ratios are taken in
// one sitting. usage: swift run -c release hallbench [--queries TSV] [--peers DIR] [--no-peers]
// `hallbench devices` for halld under 50 simulated devices (DeviceBench.swift), and
// `hallbench startup` for the time from starting halld to READY=1 (StartupBench.swift), and
// `hallbench audio` for an answer's prompt to the first sample written by ALSA, and
// `hallbench live [ROUNDS]` for the live answers alone (LiveBench.swift), `hallbench match
// [ROUNDS]` for the matcher alone (to profile), and
// `hallbench validate [--scale N]` for hallctl validate on a hall N times the built-in one
// (ValidateBench.swift).

@main
struct HallBench {
    /// An error ends the run with its message and exit 1 (not a crash at top level).
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("hallbench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        if CommandLine.arguments.dropFirst().first == "audio" {
            // Answer → first sample written, through a real ALSA PCM of type file.
            let samples = try await AudioLatencyProbe.measure(iterations: 200)
            let (p50, p99) = AudioLatencyProbe.summary(samples)
            let us = { (d: Duration) in String(format: "%.0f µs", Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6) }
            print("## Audio: enqueue an answer's prompt → first period written by ALSA (file PCM over null): median \(us(p50)), p99 \(us(p99)) (\(samples.count) prompts)")
            return
        }
        if CommandLine.arguments.dropFirst().first == "startup" {
            try StartupBench.run()
            return
        }
        if CommandLine.arguments.dropFirst().first == "pipeline" {
            let questions = ((try? String(contentsOfFile: "../shared/hall/queries-dev.tsv", encoding: .utf8)) ?? "护照在哪办\n厕所在哪\n")
                .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
            // `--map FILE --intents DIR`: another hall (an earlier version's, to compare like with like).
            var rounds = 20, map: String?, intents: String?
            var options = CommandLine.arguments.dropFirst(2).makeIterator()
            while let option = options.next() {
                switch option {
                case "--map": map = options.next()
                case "--intents": intents = options.next()
                default: rounds = Int(option) ?? rounds
                }
            }
            let hall = map == nil && intents == nil ? try Hall.builtIn() : try HallFiles.load(map: map, intents: intents)
            try PipelineBench.run(questions: questions, hall: hall, rounds: rounds)
            return
        }
        if CommandLine.arguments.dropFirst().first == "match" {
            // Only the matcher on the dev questions, for a profiler (callgrind, perf); with
            // HALLBENCH_SLOWEST=N set, timed per question instead.
            let questions = ((try? String(contentsOfFile: "../shared/hall/queries-dev.tsv", encoding: .utf8)) ?? "护照在哪办\n厕所在哪\n")
                .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
            let matcher = try Hall.builtIn().matcher
            var scratch = MatchScratch()
            var sink = 0
            let rounds = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 1000
            // Untimed, so that a profile shows the matcher and not the clock.
            guard ProcessInfo.processInfo.environment["HALLBENCH_SLOWEST"] != nil else {
                for _ in 0..<rounds {
                    for q in questions { sink &+= matcher.match(q, scratch: &scratch).candidates.count }
                }
                print("matched \(questions.count) questions (checksum \(sink))")
                return
            }
            // HALLBENCH_SLOWEST=N: the questions' own medians, the N slowest first (where a p99 comes from).
            var times = [[Double]](repeating: [], count: questions.count)
            for _ in 0..<rounds {
                for (i, q) in questions.enumerated() {
                    let t0 = Instant.monotonicNow()
                    sink &+= matcher.match(q, scratch: &scratch).candidates.count
                    times[i].append(Double((Instant.monotonicNow() - t0).nanosecondCount))
                }
            }
            print("matched \(questions.count) questions (checksum \(sink)); slowest by median:")
            let medians = times.map { $0.sorted()[$0.count / 2] }
            let shown = Int(ProcessInfo.processInfo.environment["HALLBENCH_SLOWEST"] ?? "") ?? medians.count
            for i in medians.indices.sorted(by: { medians[$0] > medians[$1] }).prefix(shown) {
                print("  \(us(medians[i]))  \(questions[i])")
            }
            return
        }
        if CommandLine.arguments.dropFirst().first == "live" {
            // Only the live answers (hours, closures, queue): quick to run and to profile.
            let questions = ((try? String(contentsOfFile: "../shared/hall/queries-dev.tsv", encoding: .utf8)) ?? "护照在哪办\n厕所在哪\n")
                .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
            var sink = 0
            LiveBench.run(hall: try Hall.builtIn(), queries: questions, sink: &sink, rounds: Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 50)
            return
        }
        if CommandLine.arguments.dropFirst().first == "attacks" {
            do { try AttackBench.run() } catch {
                print("hallbench attacks: \(error)")
                exit(1)
            }
            return
        }
        if CommandLine.arguments.dropFirst().first == "validate" {
            try ValidateBench.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        if CommandLine.arguments.dropFirst().first == "devices" {
            try DeviceBench.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        var queriesPath = "../shared/hall/queries-dev.tsv"
        var peersPath = "../shared/bench-peers"
        var runPeers = true
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--queries": queriesPath = arguments.next() ?? queriesPath
            case "--peers": peersPath = arguments.next() ?? peersPath
            case "--no-peers": runPeers = false
            default:
                print("usage: hallbench [--queries TSV] [--peers DIR] [--no-peers]")
                exit(2)
            }
        }
        #if DEBUG
        print("warning: a debug build; run `swift run -c release hallbench` for real figures")
        #endif
        print("HallGuide benchmark, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())")

        // 1. Load and validate the default hall.
        // The first load in a process also decodes the character tables: that is start-up.
        let heapBefore = residentBytes()
        let coldStart = now()
        var hall = try Hall.builtIn()
        let coldLoad = Double(now() - coldStart)
        let heapHeld = residentBytes() - heapBefore
        var loadTimes: [Double] = []
        for _ in 0..<30 {
            let t0 = now()
            hall = try Hall.builtIn()
            loadTimes.append(Double(now() - t0))
        }
        print("\n## Load and validate (default hall: \(hall.map.nodes.count) nodes, \(hall.intents.intents.count) intents, \(hall.matcher.keywordsByIntent().reduce(0) { $0 + $1.keywords.count }) keywords)")
        print("first load in a fresh process (YAML, validation, matcher, route tables, character tables): \(String(format: "%.2f", coldLoad / 1e6)) ms")
        print("load+validate+compile: median \(String(format: "%.2f", median(loadTimes) / 1e6)) ms, min \(String(format: "%.2f", loadTimes.min()! / 1e6)) ms (30 runs)")
        do {
            // Where the load time goes, phase by phase (median of 10).
            var phases: [String: [Double]] = [:]
            for _ in 0..<10 {
                var t = now()
                let map = try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: "map")
                phases["map YAML + validation", default: []].append(Double(now() - t)); t = now()
                let intents = try IntentsLoader.load(files: DefaultHall.intentFiles)
                phases["intents YAML", default: []].append(Double(now() - t)); t = now()
                let windows = Set(map.places.filter { $0.kind == .window }.flatMap(\.windowNumbers))
                _ = try IntentMatcher(intents: intents, knownDestinations: Set(map.placeIndex.keys), windows: windows)
                phases["matcher compile", default: []].append(Double(now() - t)); t = now()
                _ = Router(map: map)
                phases["route tables", default: []].append(Double(now() - t))
            }
            print("phases: " + phases.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", median($0.value) / 1e6)) ms" }.joined(separator: ", "))
        }
        print("resident memory added by the first load: \(mb(heapHeld)); automata \(mb(hall.matcher.automatonBytes)) (\(hall.matcher.stateCounts.exact) + \(hall.matcher.stateCounts.pinyin) states); route tables \(mb(hall.router.tableBytes))")

        // 2. The matcher on the labelled questions, single thread.
        let queries: [String] = (try? String(contentsOfFile: queriesPath, encoding: .utf8))?
            .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { String($0.split(separator: "\t", maxSplits: 1)[0]) } ?? []
        guard !queries.isEmpty else {
            print("no questions at \(queriesPath); pass --queries FILE")
            exit(1)
        }
        let matcher = hall.matcher
        var scratch = MatchScratch()
        var sink = 0
        var qpsRuns: [Double] = []
        for _ in 0..<7 {
            var done = 0
            let t0 = now()
            while now() - t0 < 300_000_000 {
                for q in queries { sink &+= matcher.match(q, scratch: &scratch).candidates.count }
                done += queries.count
            }
            qpsRuns.append(Double(done) / (Double(now() - t0) / 1e9))
        }
        let matchLatency = latencies(queries, rounds: 400) { sink &+= matcher.match($0, scratch: &scratch).candidates.count }
        let ourQPS = median(qpsRuns)
        print("\n## Matcher (\(queries.count) questions from \(queriesPath), one thread, normalise + exact + homophone + decide)")
        print("throughput: median \(String(format: "%.0f", ourQPS)) questions/s (7 runs, range \(String(format: "%.0f", qpsRuns.min()!))–\(String(format: "%.0f", qpsRuns.max()!)))")
        print("per question: p50 \(us(percentile(matchLatency, 50))), p99 \(us(percentile(matchLatency, 99))), max \(us(matchLatency.last!))")

        // Whole answers (match, nearest instance, route, directions text) for context.
        let answerLatency = latencies(queries, rounds: 50) { q in sink &+= ((try? hall.answer(q, from: "robot-north", scratch: &scratch))?.answer.utf8.count ?? 0) }
        print("whole answer with directions: p50 \(us(percentile(answerLatency, 50))), p99 \(us(percentile(answerLatency, 99)))")
        LiveBench.run(hall: hall, queries: queries, sink: &sink)

        // 3. Routes.
        func routeBench(_ router: Router, pairs: [(Int, Int)]) -> [Double] {
            latencies(pairs, rounds: 5) { pair in sink &+= router.path(from: pair.0, to: pair.1)?.nodes.count ?? 0 }
        }
        var rng = SplitMix64(seed: 42)
        func randomPairs(_ n: Int, count: Int) -> [(Int, Int)] {
            (0..<count).map { _ in (Int(rng.next() % UInt64(n)), Int(rng.next() % UInt64(n))) }
        }
        let defaultRoutes = routeBench(hall.router, pairs: randomPairs(hall.map.nodes.count, count: 20_000))
        print("\n## Routes (path lookup: precomputed table walk, node list built)")
        print("default hall (\(hall.map.nodes.count) nodes): p50 \(us(percentile(defaultRoutes, 50))), p99 \(us(percentile(defaultRoutes, 99)))")
        let bigYAML = generatedHallYAML(nodes: 2000, seed: 42)
        var t0 = now()
        let bigMap = try FloorMapLoader.load(text: bigYAML, file: "generated.yaml")
        let bigLoad = Double(now() - t0) / 1e6
        let heapBeforeRouter = residentBytes()
        t0 = now()
        let bigRouter = Router(map: bigMap)
        let precompute = Double(now() - t0) / 1e6
        let bigHeap = residentBytes() - heapBeforeRouter
        let bigRoutes = routeBench(bigRouter, pairs: randomPairs(bigMap.nodes.count, count: 20_000))
        var hops = 0
        for (a, b) in randomPairs(bigMap.nodes.count, count: 200) { hops += bigRouter.path(from: a, to: b)?.nodes.count ?? 0 }
        print("generated hall (\(bigMap.nodes.count) nodes, \(bigMap.edges.count / 2) edges): load \(String(format: "%.0f", bigLoad)) ms, all-pairs precompute \(String(format: "%.0f", precompute)) ms, tables \(mb(bigHeap))")
        print("generated hall: p50 \(us(percentile(bigRoutes, 50))), p99 \(us(percentile(bigRoutes, 99))) (mean path \(hops / 200) nodes)")
        LiveBench.bigHall(bigMap)

        // 4. Peers, same machine, same run.
        if runPeers, let peers = PeerRunner.locate(peersDirectory: peersPath) {
            print("\n## Peers (\(peers.python))")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-\(getpid())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            var export: [String: [String]] = [:]
            for (intent, keywords) in hall.matcher.keywordsByIntent() { export[intent] = keywords }
            let intentsJSON = dir.appendingPathComponent("intents.json")
            try JSONSerialization.data(withJSONObject: ["intents": export], options: [.sortedKeys]).write(to: intentsJSON)
            let queriesFile = dir.appendingPathComponent("queries.txt")
            try (queries.joined(separator: "\n") + "\n").write(to: queriesFile, atomically: true, encoding: .utf8)
            if let results = peers.run("intent_peers.py", [intentsJSON.path, queriesFile.path, "--peers", "aho_long,pinyin_aho"]) as? [[String: Any]] {
                print("| matcher | questions/s | p50 | p99 | ours ÷ peer (questions/s) |")
                print("|---|---|---|---|---|")
                print("| HallGuide (Swift) | \(String(format: "%.0f", ourQPS)) | \(us(percentile(matchLatency, 50))) | \(us(percentile(matchLatency, 99))) | 1.0 |")
                for r in results {
                    guard let name = r["peer"] as? String, let qps = r["qps_median"] as? Double,
                          let p50 = r["p50_us"] as? Double, let p99 = r["p99_us"] as? Double else { continue }
                    print("| \(name) (Python) | \(String(format: "%.0f", qps)) | \(String(format: "%.2f µs", p50)) | \(String(format: "%.2f µs", p99)) | \(String(format: "%.1f", ourQPS / qps)) |")
                }
            } else {
                print("intent peers failed to run")
            }
            if let results = peers.run("route_peers.py", ["--nodes", "2000", "--apsp-runs", "1", "--pairs", "1000", "--rounds", "1"]) as? [[String: Any]],
               let r = results.first, let astar = r["astar_path"] as? [String: Any], let dijkstra = r["bidirectional_dijkstra"] as? [String: Any],
               let lookup = r["apsp_lookup"] as? [String: Any] {
                let f = { (d: [String: Any], k: String) in String(format: "%.2f µs", d[k] as? Double ?? .nan) }
                print("networkx on 2000 nodes: A* p50 \(f(astar, "p50_us")) p99 \(f(astar, "p99_us")); bidirectional Dijkstra p50 \(f(dijkstra, "p50_us")); all-pairs lengths \(String(format: "%.1f s", r["apsp_len_s"] as? Double ?? .nan)) and \(String(format: "%.0f MB", r["apsp_len_rss_mb"] as? Double ?? .nan)), then a length lookup p50 \(f(lookup, "p50_us"))")
                if let p = astar["p50_us"] as? Double {
                    print("HallGuide route p50 on 2000 nodes is \(String(format: "%.0f", p * 1000 / percentile(bigRoutes, 50)))× faster than networkx A*")
                }
            } else {
                print("route peers failed to run")
            }
        } else if runPeers {
            print("\n## Peers: skipped (no \(peersPath)/intent_peers.py or no Python with its requirements; see README)")
        }
        print("\npeak RSS \(mb(peakRSS())) (checksum \(sink % 10))")

    }
}
