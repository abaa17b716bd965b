/// One problem found in a staff-edited file, printed as `file:line: problem`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Thrown when hall data is refused; holds every problem found, in file and line order.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { ($0.file, $0.line, $0.message) < ($1.file, $1.line, $1.message) }
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics while a loader keeps going, so staff see every problem at once.
struct DiagnosticLog {
    let file: String
    private(set) var items: [Diagnostic] = []
    /// The file's last line, once its text is known. libyaml puts the marks of what ends
    /// the stream (an empty document after `---`, a syntax error at the end) on the line
    /// after the last when the file has no final line break: a problem never names a line
    /// the file does not have.
    var lastLine = Int.max

    init(file: String) { self.file = file }

    mutating func add(_ line: Int, _ message: String) {
        items.append(Diagnostic(file: file, line: min(max(line, 1), lastLine), message))
    }

    mutating func append(contentsOf other: [Diagnostic]) { items += other }
}
