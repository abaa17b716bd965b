#if canImport(Glibc)
import Glibc
#endif

/// A "billion laughs": `levels` lines of `width` aliases of the line before, so that a
/// reader expanding aliases sees width^levels scalars (9 and 9: 387 million) in a text
/// of a few hundred bytes. Each line is `key: &name [...]` at `indent` spaces, to put
/// the bomb in any mapping; `asKey` adds a mapping key that is the last alias (a reader
/// that hashes keys walks all of it just to look for duplicates).
public func yamlBomb(levels: Int = 9, width: Int = 9, indent: Int = 0, asKey: Bool = false) -> String {
    let pad = String(repeating: " ", count: indent)
    var text = pad + "lol0: &lol0 [" + Array(repeating: "lol", count: width).joined(separator: ", ") + "]\n"
    for level in 1..<levels {
        text += pad + "lol\(level): &lol\(level) [" + Array(repeating: "*lol\(level - 1)", count: width).joined(separator: ", ") + "]\n"
    }
    if asKey { text += pad + "? *lol\(levels - 1)\n" + pad + ": boom\n" }
    return text
}

/// The most this process has ever held (ru_maxrss), in MiB: a bomb that was expanded
/// shows here even after its memory is freed.
public func peakResidentMiB() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss / 1024
}
