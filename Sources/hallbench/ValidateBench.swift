import Foundation
import HallAnswers
import HallModel
import HallTestFixtures
import IntentMatching
import Wayfinding

/// `hallbench validate [--scale N] [--rounds R]`: `hallctl validate`'s path (read the files,
/// load, check, build the matcher and the route tables: HallFiles.load) on the built-in
/// hall made N times larger (ScaledHall: N× windows, places, nodes, stations, intents and
/// keywords), written to a temporary directory. Prints the median and the spread of R
/// runs, in wall-clock and in this thread's CPU time (on a shared machine the wall clock
/// also counts the time other processes ran), and each step's median alone, so a step
/// that grows faster than the hall shows.
enum ValidateBench {
    static func run(arguments: [String]) throws {
        var scale = 10
        var rounds = 15
        var options = arguments.makeIterator()
        while let option = options.next() {
            switch option {
            case "--scale": scale = options.next().flatMap(Int.init) ?? scale
            case "--rounds": rounds = options.next().flatMap(Int.init) ?? rounds
            default:
                print("usage: hallbench validate [--scale N] [--rounds R]")
                exit(2)
            }
        }
        let files = ScaledHall.files(DefaultHall.files, scale: scale)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-validate-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in files {
            let url = directory.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.text.write(to: url, atomically: true, encoding: .utf8)
        }
        let mapFile = files.first { $0.path == DefaultHall.mapFile.path }!
        let mapPath = directory.appendingPathComponent(mapFile.path).path
        let intentsPath = directory.appendingPathComponent("intents").path
        let intentFiles = files.filter { $0.path.hasPrefix("intents/") && $0.path.hasSuffix(".yaml") }

        var whole: [Double] = [], wholeCPU: [Double] = [], mapLoad: [Double] = [], intentsLoad: [Double] = [], matcherBuild: [Double] = [], routerBuild: [Double] = []
        var hall: Hall?
        for _ in 0..<(rounds + 1) {  // the first is a warm-up
            var t0 = now()
            let cpu0 = threadCPUTime()
            hall = try HallFiles.load(map: mapPath, intents: intentsPath)
            whole.append(Double(now() - t0))
            wholeCPU.append(Double(threadCPUTime() - cpu0))
            t0 = now()
            let map = try FloorMapLoader.load(text: mapFile.text, file: mapFile.path)
            mapLoad.append(Double(now() - t0))
            t0 = now()
            let intents = try IntentsLoader.load(files: intentFiles)
            intentsLoad.append(Double(now() - t0))
            t0 = now()
            let windows = Set(map.places.filter { $0.kind == .window }.flatMap(\.windowNumbers))
            _ = try IntentMatcher(intents: intents, knownDestinations: Set(map.placeIndex.keys), windows: windows)
            matcherBuild.append(Double(now() - t0))
            t0 = now()
            _ = Router(map: map)
            routerBuild.append(Double(now() - t0))
        }
        let ms = { (samples: [Double]) in String(format: "%.1f ms", median(Array(samples.dropFirst())) / 1e6) }
        let sorted = whole.dropFirst().sorted()
        let map = hall!.map
        let windows = map.places.filter { $0.kind == .window }.count
        let bytes = files.reduce(0) { $0 + $1.text.utf8.count }
        print("## Validate (hallctl validate's path: HallFiles.load), the built-in hall ×\(scale): \(map.nodes.count) nodes, \(map.edges.count) directed edges, \(map.places.count - windows) places, \(windows) windows, \(map.stations.count) stations, \(hall!.intents.intents.count) intents, \(hall!.intents.intents.reduce(0) { $0 + $1.terms.count }) words; \(bytes / 1024) KB of files")
        let withoutRoutes = median(Array(mapLoad.dropFirst())) + median(Array(intentsLoad.dropFirst())) + median(Array(matcherBuild.dropFirst()))
        print("median \(ms(whole)) wall, \(ms(wholeCPU)) of this thread's CPU time (the figure a busy machine does not inflate); load, checks and matcher without the route tables: \(String(format: "%.1f ms", withoutRoutes / 1e6))")
        print("wall: (min \(String(format: "%.1f", sorted.first! / 1e6)), max \(String(format: "%.1f", sorted.last! / 1e6)) ms, \(rounds) runs); steps alone: map \(ms(mapLoad)), intents \(ms(intentsLoad)), matcher \(ms(matcherBuild)), route tables \(ms(routerBuild)); peak RSS \(mb(peakRSS()))")
    }
}

/// This thread's CPU time in nanoseconds.
func threadCPUTime() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
