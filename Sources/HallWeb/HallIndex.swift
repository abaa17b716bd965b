import Foundation
import HallAnswers
import HallModel
import IntentMatching
import Synchronization

/// The hall's index as the screens show it: every service by the hall section it is in,
/// then the facilities, each with the words a visitor may type to find it (its name and
/// its intents' keywords, in Chinese, as pinyin and its initials, and in English). Built
/// once per hall data (a reload builds another).
final class HallIndex: Sendable {
    struct Entry: Sendable {
        var destination: String
        var name: LocalizedText
        var windows: [Int]
        /// The section's id (`west`, `atrium`, `east`), or `facilities`.
        var section: String
        /// Map order, for a stable listing.
        var order: Int
        var chinese: [String]
        var english: [String]
        /// Toneless pinyin of each Chinese text, run together, and its initials.
        var pinyin: [String]
        var initials: [String]
    }

    struct Section: Sendable {
        var id: String
        var name: LocalizedText
        var entries: [Entry]
    }

    enum Match: String, Sendable { case name, keyword, initials, pinyin, english, answer }

    let version: String
    let sections: [Section]
    let facilities: [Entry]
    private let byDestination: [String: Entry]
    /// The window number → the zone that has it.
    private let windowZone: [Int: String]

    init(hall: Hall) {
        let map = hall.map
        version = hall.version
        let hanzi = HanziTable.shared
        var sections: [String: Section] = [:]
        var sectionOrder: [String] = []
        var facilities: [Entry] = []
        var windowZone: [Int: String] = [:]
        for (order, place) in map.places.enumerated() {
            if place.kind == .window { continue }
            let terms = hall.intents.intents.filter { $0.destination == place.id }.flatMap(\.terms).filter { $0.strength == .keyword }
            let chinese = [place.name.zh] + terms.filter { $0.language == .zh }.map(\.text)
            let english = [Self.displayName(place.name.en).lowercased()] + terms.filter { $0.language == .en }.map { $0.text.lowercased() }
            let syllables = chinese.map { hanzi.pinyin(of: $0) }
            let area = place.area ?? place.spots.first.flatMap { spot in map.areas.firstIndex { $0.contains(spot.at) } }
            let isFacility = place.kind == .facility || place.kind == .door
            let sectionID = isFacility ? "facilities" : area.map { Self.sectionID(map.areas[$0].id) } ?? "atrium"
            var windows = place.windowNumbers.sorted()
            if place.kind == .zone {
                // A zone's windows are places of their own, each naming its zone.
                windows = map.places.filter { $0.kind == .window && $0.zone == place.id }.flatMap(\.windowNumbers).sorted()
                if windows.isEmpty { windows = place.windowNumbers.sorted() }
                for window in windows { windowZone[window] = place.id }
            }
            let entry = Entry(destination: place.id, name: LocalizedText(zh: place.name.zh, en: Self.displayName(place.name.en)),
                              windows: windows, section: sectionID, order: order, chinese: chinese, english: english,
                              pinyin: syllables.map { $0.joined() }, initials: syllables.map { $0.compactMap(\.first).map(String.init).joined() })
            if isFacility {
                facilities.append(entry)
            } else {
                if sections[sectionID] == nil {
                    let name = area.map { map.areas[$0].name } ?? LocalizedText(zh: "中庭服务区", en: "Atrium Service Area")
                    sections[sectionID] = Section(id: sectionID, name: name, entries: [])
                    sectionOrder.append(sectionID)
                }
                sections[sectionID]!.entries.append(entry)
            }
        }
        // As they lie in the hall, west to east; any other section after them.
        let known = ["west", "atrium", "east"]
        sectionOrder.sort { (known.firstIndex(of: $0) ?? known.count, $0) < (known.firstIndex(of: $1) ?? known.count, $1) }
        self.sections = sectionOrder.map { sections[$0]! }
        self.facilities = facilities
        self.windowZone = windowZone
        byDestination = Dictionary((self.sections.flatMap(\.entries) + facilities).map { ($0.destination, $0) },
                                   uniquingKeysWith: { first, _ in first })
    }

    func entry(_ destination: String) -> Entry? { byDestination[destination] }

    /// The index entry a destination of an answer stands for: itself, or a window's zone.
    func entry(forDestination destination: String, hall: Hall) -> Entry? {
        if let entry = byDestination[destination] { return entry }
        guard let place = hall.map.place(destination), place.kind == .window else { return nil }
        if let zone = place.zone, let entry = byDestination[zone] { return entry }
        return place.windowNumbers.first.flatMap { windowZone[$0] }.flatMap { byDestination[$0] }
    }

    /// Search as you type: entries whose name or keywords contain the text (Chinese), whose
    /// pinyin or initials begin with it, or whose English words do; best first.
    func search(_ query: String, limit: Int = 8) -> [(Entry, Match)] {
        let text = query.lowercased().trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        let squeezed = text.replacingOccurrences(of: " ", with: "")
        let hasHan = text.unicodeScalars.contains { $0.value >= 0x3400 && $0.value <= 0x9FFF }
        var found: [(Entry, Match, Int)] = []
        let all = sections.flatMap(\.entries) + facilities
        if let number = Int(squeezed), let zone = windowZone[number], let entry = byDestination[zone] {
            found.append((entry, .name, 0))
        }
        for entry in all {
            var best: (Match, Int)?
            func offer(_ match: Match, _ rank: Int) { if best == nil || rank < best!.1 { best = (match, rank) } }
            if hasHan {
                if entry.name.zh.contains(text) { offer(.name, 0) }
                if entry.chinese.dropFirst().contains(where: { $0.contains(text) || ($0.count >= 2 && text.contains($0)) }) {
                    offer(.keyword, 1)
                }
            } else {
                // 护照 is "hz" exactly; 婚姻登记 only begins with "hy…".
                if entry.initials.contains(squeezed) { offer(.initials, squeezed.count >= 2 ? 2 : 5) }
                if entry.initials.contains(where: { $0.hasPrefix(squeezed) }) { offer(.initials, squeezed.count >= 2 ? 3 : 5) }
                if squeezed.count >= 2, entry.pinyin.contains(where: { $0.hasPrefix(squeezed) }) { offer(.pinyin, 3) }
                if text.count >= 2, entry.english.contains(where: { Self.wordPrefix(text, of: $0) }) { offer(.english, 4) }
            }
            if let (match, rank) = best, !found.contains(where: { $0.0.destination == entry.destination }) {
                found.append((entry, match, rank))
            }
        }
        found.sort { ($0.2, $0.0.order) < ($1.2, $1.0.order) }
        return found.prefix(limit).map { ($0.0, $0.1) }
    }

    /// "passport" begins a word of "passport office", "pass" too; "port" does not.
    private static func wordPrefix(_ text: String, of phrase: String) -> Bool {
        if phrase.hasPrefix(text) { return true }
        var rest = phrase[...]
        while let space = rest.firstIndex(where: { $0 == " " || $0 == "-" }) {
            rest = rest[rest.index(after: space)...]
            if rest.hasPrefix(text) { return true }
        }
        return false
    }

    /// The map says "the Exit-Entry Administration windows" inside a sentence; a screen
    /// lists "Exit-Entry Administration".
    static func displayName(_ english: String) -> String {
        var name = english
        if name.hasPrefix("the ") { name.removeFirst(4) }
        if name.hasSuffix(" windows") { name.removeLast(8) }
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    /// `west-hall` → `west`: the section ids the page lays out.
    static func sectionID(_ areaID: String) -> String {
        areaID.hasSuffix("-hall") ? String(areaID.dropLast(5)) : areaID
    }
}

/// The index of the hall in use, rebuilt when the hall is swapped.
final class HallIndexCache: Sendable {
    private let current = Mutex<(hall: Hall, index: HallIndex)?>(nil)

    func index(for hall: Hall) -> HallIndex {
        if let cached = current.withLock({ $0 }), cached.hall === hall { return cached.index }
        let index = HallIndex(hall: hall)
        current.withLock { $0 = (hall, index) }
        return index
    }
}
