import FuzzSupport
import HallModel
import IntentMatching

/// One fuzz input: a staff file. Its first byte picks which (a map, an intents file, the
/// normalisation tables, a calendar); the rest is the file's text, lossily decoded as
/// UTF-8 the way a reader would hand it over. Each goes through its loader's public
/// entry point; intents that load are compiled into a matcher (as `hallctl validate`
/// does) and asked the file's own words. A refusal must name the file and a line that
/// exists, and carry a message.
enum StaffFile: UInt8, CaseIterable {
    case map, intents, normalization, calendar

    var path: String {
        switch self {
        case .map: "maps/fuzz.yaml"
        case .intents: "intents/fuzz.yaml"
        case .normalization: "intents/normalization.yaml"
        case .calendar: "maps/fuzz.calendar.yaml"
        }
    }
}

func fuzzOne(_ input: [UInt8]) {
    guard let first = input.first else { return }
    let kind = StaffFile.allCases[Int(first) % StaffFile.allCases.count]
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    do throws(ValidationError) {
        switch kind {
        case .map:
            _ = try FloorMapLoader.load(text: text, file: kind.path)
        case .calendar:
            _ = try CalendarLoader.load(text: text, file: kind.path)
        case .intents, .normalization:
            let intents = try IntentsLoader.load(files: [(kind.path, text)])
            checkMatcher(intents, text: text)
        }
    } catch {
        checkRefusal(error, file: kind.path, text: text)
    }
}

/// The matcher builds from whatever loaded (or refuses with file:line), and answers.
func checkMatcher(_ intents: IntentSet, text: String) {
    let matcher: IntentMatcher
    do {
        matcher = try IntentMatcher(intents: intents, knownDestinations: nil, windows: [1, 2, 3])
    } catch {
        for diagnostic in error.diagnostics {
            check(diagnostic.line >= 1 && !diagnostic.message.isEmpty, "matcher refusal without a line: \(diagnostic)")
        }
        return
    }
    check(matcher.intentCount == intents.intents.count, "\(matcher.intentCount) of \(intents.intents.count) intents compiled")
    for intent in intents.intents.prefix(4) {
        for term in intent.terms.prefix(4) { _ = matcher.match(term.text) }
    }
    _ = matcher.match(String(text.prefix(256)))
}

func checkRefusal(_ error: ValidationError, file: String, text: String) {
    check(!error.diagnostics.isEmpty, "a refusal without a problem")
    let lines = yamlLineCount(text)
    for diagnostic in error.diagnostics {
        check(diagnostic.file == file, "a problem of \(file) names \(diagnostic.file)")
        check((1...lines).contains(diagnostic.line), "line \(diagnostic.line) of a \(lines)-line file: \(diagnostic)")
        check(!diagnostic.message.isEmpty, "a problem without a message at line \(diagnostic.line)")
    }
}

runFuzzer(fuzzOne)
