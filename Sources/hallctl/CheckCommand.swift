import ArgumentParser
import Foundation
import HallAnswers
import HallModel
import HallViews

/// `hallctl check`: validation (including a keyword claimed by two intents) and then the
/// staff's intent tests, so an edit that breaks an answer is caught before it goes live.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the hall and run its intent tests; exit 0 when all pass, 1 on any failure.",
        discussion: """
            Test files hold 'question<TAB>expected' lines (expected: a destination id, a|b, clarify, \
            clarify:a|b or fallback) and # comments. Without --tests: the *.tsv files in --intents DIR, \
            or the built-in hall's tests.
            """)

    @OptionGroup var hall: HallOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Test files to run instead of the *.tsv files beside the intents.")
    var tests: [String] = []

    func run() throws {
        let loaded = try hall.load()
        let files: [(path: String, text: String)]
        do throws(HallModel.ValidationError) {
            if !tests.isEmpty {
                files = try tests.map { path throws(HallModel.ValidationError) in try HallFiles.read(path) }
            } else if let dir = hall.intents {
                files = try HallFiles.readDirectory(dir, suffix: ".tsv")
            } else {
                files = DefaultHall.testFiles
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        // No test files at all is a failure too: a check that tests nothing must not pass.
        if files.isEmpty {
            FileHandle.standardError.write(Data("hallctl: no intent tests: add question<TAB>expected lines in a .tsv file\n".utf8))
            throw ExitCode(1)
        }
        let report = IntentCheck.run(files, on: loaded)
        for failure in report.failures { print(failure) }
        print(report.summary)
        if report.failed > 0 { throw ExitCode(1) }
    }
}
