import Foundation
import XCTest
@testable import IntentMatching

final class HanziTableTests: XCTestCase {
    private let table = HanziTable.shared

    private func simplify(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(Unicode.Scalar(table.simplified(scalar.value)) ?? scalar)
        }
        return String(out)
    }

    /// Syllable id of a character after simplification, as the matcher will use it.
    private func syllable(_ character: Character) -> UInt16 {
        let scalar = character.unicodeScalars.first!.value
        return table.syllable(table.simplified(scalar))
    }

    private func assertSameSyllable(_ characters: String, file: StaticString = #filePath, line: UInt = #line) {
        let ids = characters.map(syllable)
        XCTAssertNotEqual(ids.first, 0, "\(characters) has no reading", file: file, line: line)
        XCTAssertEqual(Set(ids).count, 1, "\(characters) -> \(table.pinyin(of: characters))", file: file, line: line)
    }

    func testSimplifiesATraditionalQuestion() {
        XCTAssertEqual(simplify("護照在哪裡辦理"), "护照在哪里办理")
    }

    func testHomophonesShareASyllable() {
        assertSameSyllable("驾假架")
        assertSameSyllable("社设")
        assertSameSyllable("照找")
        assertSameSyllable("证証")  // 証 only after simplification
    }

    func testPinyinIsTonelessASCIIWithV() {
        XCTAssertEqual(table.pinyin(of: "绿"), ["lv"])
        XCTAssertEqual(table.pinyin(of: "女"), ["nv"])
        XCTAssertEqual(table.pinyin(of: "護照 A1"), ["hu", "zhao"])
        XCTAssertEqual(table.syllables.first, "")
        XCTAssertTrue(table.syllables.dropFirst().allSatisfy { !$0.isEmpty && $0.allSatisfy { ("a"..."z").contains($0) } })
    }

    func testNonHanScalarsPassThrough() {
        // ASCII, just outside both ends of the range, emoji, Extension B, fullwidth "!".
        for scalar: UInt32 in [0x41, 0x20, 0x33FF, 0xA000, 0x1F600, 0x20000, 0xFF01] {
            XCTAssertEqual(table.syllable(scalar), 0, String(scalar, radix: 16))
            XCTAssertEqual(table.simplified(scalar), scalar, String(scalar, radix: 16))
        }
    }

    func testSimplifiedIsIdempotent() {
        for scalar: UInt32 in 0x3400...0x9FFF {
            let once = table.simplified(scalar)
            XCTAssertEqual(table.simplified(once), once, String(scalar, radix: 16))
        }
    }

    /// ICU's Han-Latin knows one reading per character too, so common characters should
    /// mostly agree; polyphones (似 shì/sì, 著 zhe/zhù, ...) may not.
    func testPinyinAgreesWithICUForCommonCharacters() {
        let sentences = """
            请问护照在哪里办理？我想去洗手间。身份证丢了怎么办？医院东门在什么地方？
            这个窗口可以交社保吗？排队要等多久？今天下午几点关门？电梯、楼梯、出口和入口。
            你们的工作人员帮我看一下，没有带表格。打印复印机动车驾驶证换领业务。
            老人孩子请走无障碍通道，小心地滑。谢谢您，再见。
            """
        var seen = Set<Character>()
        let characters = sentences.filter { $0.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) } }
            .filter { seen.insert($0).inserted }
        XCTAssertGreaterThanOrEqual(characters.count, 100)

        var disagreements: [String] = []
        for character in characters {
            let icu = String(character).applyingTransform(StringTransform("Han-Latin; Latin-ASCII"), reverse: false)?
                .lowercased().replacingOccurrences(of: " ", with: "") ?? "?"
            // Latin-ASCII folds ü to u, where the table writes v.
            let ours = table.pinyin(of: String(character)).joined().replacingOccurrences(of: "v", with: "u")
            if icu != ours { disagreements.append("\(character) icu=\(icu) table=\(ours)") }
        }
        XCTAssertLessThanOrEqual(disagreements.count * 10, characters.count, disagreements.joined(separator: ", "))
    }

    func testSimplificationAgreesWithICU() {
        for character in "護照證書機動車駕駛證醫療保險辦理東門廁所衛生間" {
            let icu = String(character).applyingTransform(StringTransform("Traditional-Simplified"), reverse: false)
            XCTAssertEqual(simplify(String(character)), icu, String(character))
        }
    }
}
