@testable import IntentMatching
import XCTest

final class NormalizationTests: XCTestCase {
    let normalizer = TextNormalizer()

    func testFullWidthCasePunctuationAndTraditional() {
        XCTAssertEqual(normalizer.normalizedString("護照在哪裡辦理？"), "护照在哪里办理")
        XCTAssertEqual(normalizer.normalizedString("ＩＤ　Ｃａｒｄ！！"), "id card")
        // English articles go: "pay the tax" is "pay tax".
        XCTAssertEqual(normalizer.normalizedString("  Where's   the TOILET?? "), "wheres toilet")
        // Sentence punctuation ends a clause (shown as |); other punctuation separates words.
        XCTAssertEqual(normalizer.normalizedString("社保，医保、公积金……"), "社保|医保|公积金")
        XCTAssertEqual(normalizer.normalizedString("not the toilet, the waiting-room"), "not toilet|waiting room")
        XCTAssertEqual(normalizer.normalizedString("身份証"), "身份证")
    }

    /// Invisible format characters inside a word (pasted text, some ASR engines) are
    /// dropped, not turned into a space that would split the word.
    func testFormatCharactersInsideAWordAreDropped() {
        XCTAssertEqual(normalizer.normalizedString("护\u{200B}照在哪"), "护照在哪")
        XCTAssertEqual(normalizer.normalizedString("\u{FEFF}社\u{200D}保\u{00AD}卡\u{2060}"), "社保卡")
        XCTAssertEqual(normalizer.normalizedString("身\u{200E}份\u{202E}证\u{FE0F}"), "身份证")
        // A real space still separates words.
        XCTAssertEqual(normalizer.normalizedString("护\u{3000}照"), "护 照")
    }

    func testChineseNumeralsInWindowReferences() {
        XCTAssertEqual(normalizer.normalizedString("三十号窗口怎么走"), "30号窗口怎么走")
        XCTAssertEqual(normalizer.normalizedString("四十五号窗口"), "45号窗口")
        XCTAssertEqual(normalizer.normalizedString("十八号"), "18号")
        XCTAssertEqual(normalizer.normalizedString("第十二个窗口"), "第12个窗口")
        XCTAssertEqual(normalizer.normalizedString("幺八号窗口"), "18号窗口")
        XCTAssertEqual(normalizer.normalizedString("１８号窗口"), "18号窗口")
        XCTAssertEqual(normalizer.normalizedString("一百零二号"), "102号")
        XCTAssertEqual(normalizer.normalizedString("叁拾號窗口"), "30号窗口")
        // Numerals that are not window numbers stay as they are.
        XCTAssertEqual(normalizer.normalizedString("一个人办三件事"), "一个人办三件事")
    }

    func testWindowReferences() {
        func window(_ q: String) -> Int? { WindowReference.find(in: normalizer.normalize(q)) }
        XCTAssertEqual(window("三十号窗口怎么走"), 30)
        XCTAssertEqual(window("去33号窗口"), 33)
        XCTAssertEqual(window("8号"), 8)
        XCTAssertEqual(window("窗口12在哪"), 12)
        XCTAssertEqual(window("第十二个窗口"), 12)
        XCTAssertEqual(window("Where is window 40?"), 40)
        XCTAssertEqual(window("counter no. 7"), 7)
        XCTAssertEqual(window("window #9"), 9)
        XCTAssertNil(window("3号楼怎么走"))
        XCTAssertNil(window("2号门"))
        XCTAssertNil(window("我有3个问题"))
        XCTAssertNil(window("护照"))
    }
}
