import HallAnswers
import HallModel

/// One line of a staff test file: `question<TAB>expected`.
public struct IntentTestCase: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var question: String
    public var expected: IntentExpectation

    public init(file: String, line: Int, question: String, expected: IntentExpectation) {
        self.file = file
        self.line = line
        self.question = question
        self.expected = expected
    }
}

/// Staff test files and running them against a hall (`hallctl check`). Pure: the caller
/// reads the files.
public enum IntentCheck {
    /// The cases of one file, and a problem for every line that is not one. Blank lines and
    /// `#` comments are skipped; a third column (score-answers' tag) is allowed and ignored.
    public static func parse(file: String, text: String) -> (cases: [IntentTestCase], problems: [Diagnostic]) {
        var cases: [IntentTestCase] = []
        var problems: [Diagnostic] = []
        // isNewline: a CRLF file's "\r\n" is one Character, so splitting on "\n" would miss it.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, raw) in lines.enumerated() {
            let line = index + 1
            if raw.allSatisfy({ $0 == " " || $0 == "\t" }) || raw.hasPrefix("#") { continue }
            let columns = raw.split(separator: "\t", omittingEmptySubsequences: false)
            let question = columns[0].description.trimmingSpaces()
            guard columns.count >= 2, !question.isEmpty else {
                problems.append(Diagnostic(file: file, line: line, "expected 'question<TAB>expected'"))
                continue
            }
            guard let expected = IntentExpectation(label: String(columns[1])) else {
                problems.append(Diagnostic(file: file, line: line,
                    "\(question): '\(columns[1])' is not an expectation (a destination id, a|b, clarify, clarify:a|b or fallback)"))
                continue
            }
            cases.append(IntentTestCase(file: file, line: line, question: question, expected: expected))
        }
        return (cases, problems)
    }

    /// What running some files found: every failure as `file:line: question: expected X, got Y`.
    public struct Report: Sendable {
        public var passed = 0
        public var failures: [Diagnostic] = []

        public var failed: Int { failures.count }
        /// The closing line: "118 passed, 0 failed".
        public var summary: String { "\(passed) passed, \(failed) failed" }
    }

    /// Parses and runs test files against a hall. A line that cannot be read, or that names a
    /// destination the hall lacks, counts as failed: it would otherwise never test anything.
    public static func run(_ files: [(path: String, text: String)], on hall: Hall) -> Report {
        var report = Report()
        for file in files {
            let (cases, problems) = parse(file: file.path, text: file.text)
            report.failures += problems
            for test in cases {
                if let problem = check(test, on: hall) {
                    report.failures.append(problem)
                } else {
                    report.passed += 1
                }
            }
        }
        report.failures.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return report
    }

    /// nil when the hall answers as the line expects; else the failure to print.
    public static func check(_ test: IntentTestCase, on hall: Hall) -> Diagnostic? {
        let unknown = test.expected.destinations.filter { hall.map.place($0) == nil }
        if !unknown.isEmpty {
            return Diagnostic(file: test.file, line: test.line,
                              "\(test.question): expected \(test.expected), but the map has no place \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
        let answer: Answer
        do {
            answer = try hall.answer(test.question)
        } catch {
            // Matched, but no route from the default start: as broken as a wrong answer.
            return Diagnostic(file: test.file, line: test.line, "\(test.question): expected \(test.expected), got an error: \(error)")
        }
        if test.expected.accepts(outcome: answer.outcome, destination: answer.destination, candidates: answer.candidates) {
            return nil
        }
        let got = IntentExpectation.label(outcome: answer.outcome, destination: answer.destination, candidates: answer.candidates)
        return Diagnostic(file: test.file, line: test.line, "\(test.question): expected \(test.expected), got \(got)")
    }
}
