import Foundation

/// Monotonic time in nanoseconds.
@inline(__always)
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Nearest-rank percentile of sorted samples.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let i = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count - 1)).rounded())))
    return sorted[i]
}

func median(_ values: [Double]) -> Double { percentile(values.sorted(), 50) }

/// Resident memory of this process now, in bytes (from /proc/self/statm).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// Peak resident set of this process, in bytes.
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
func us(_ ns: Double) -> String { String(format: "%.2f µs", ns / 1000) }

/// Times `body` once per element and returns the sorted per-call nanoseconds (after a warm-up pass).
func latencies<T>(_ items: [T], rounds: Int, _ body: (T) -> Void) -> [Double] {
    for item in items { body(item) }
    var samples: [Double] = []
    samples.reserveCapacity(items.count * rounds)
    for _ in 0..<rounds {
        for item in items {
            let t0 = now()
            body(item)
            samples.append(Double(now() - t0))
        }
    }
    return samples.sorted()
}
