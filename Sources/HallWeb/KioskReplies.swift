import HallAnswers
import HallModel

// The JSON the kiosk app reads (web/API.md), as halld writes it. Keys are camelCase here
// and snake_case on the wire (the encoder converts).

struct HallName: Encodable, Sendable {
    var id: String
    var name: LocalizedText
}

struct ScreenReply: Encodable, Sendable {
    var id: String
    var station: String
    var kind = "screen"
    var stationName: LocalizedText
    var hall: HallName
    var idleResetSeconds: Int
    var qr: Bool
    var dataVersion: String
}

struct IndexEntryReply: Encodable, Sendable {
    var destination: String
    var name: LocalizedText
    var windows: [Int]
    var open: Bool
    var closedReason: LocalizedText?
    var opensAt: String?
}

struct IndexSectionReply: Encodable, Sendable {
    var id: String
    var name: LocalizedText
    var services: [IndexEntryReply]
}

struct IndexReply: Encodable, Sendable {
    var dataVersion: String
    var hall: HallName
    var sections: [IndexSectionReply]
    var facilities: [IndexEntryReply]
}

struct SearchResultReply: Encodable, Sendable {
    var destination: String
    var name: LocalizedText
    var windows: [Int]
    var section: String
    var match: String
}

struct SearchReply: Encodable, Sendable {
    var query: String
    var results: [SearchResultReply]
    /// What a robot at the screen's station would answer (the answer contract), or null.
    var answer: Answer?

    enum CodingKeys: String, CodingKey { case query, results, answer }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(query, forKey: .query)
        try c.encode(results, forKey: .results)
        try c.encode(answer, forKey: .answer)
    }
}

struct RoutePointReply: Encodable, Sendable {
    var node: String
    var x: Double
    var y: Double
    var level: String
}

struct RouteShapeReply: Encodable, Sendable {
    var nodes: [String]
    var points: [RoutePointReply]
    var metres: Double
    var seconds: Int
    var accessible: Bool
    var window: Int?
}

struct BilingualList: Encodable, Sendable {
    var zh: [String]
    var en: [String]
}

struct LeadReply: Encodable, Sendable {
    var possible: Bool
    var robot: String?
    var why: LocalizedText
}

struct RouteReply: Encodable, Sendable {
    var destination: String
    var name: LocalizedText
    var windows: [Int]
    var section: String
    var from: String
    var sentence: LocalizedText
    var route: RouteShapeReply
    var steps: BilingualList
    var summary: LocalizedText
    var lead: LeadReply
    var open: Bool
    var closedReason: LocalizedText?
    var opensAt: String?
    var mapSvg: String
    var phoneUrl: String?
    var qrSvg: String?

    enum CodingKeys: String, CodingKey {
        case destination, name, windows, section, from, sentence, route, steps, summary, lead, open, closedReason, opensAt,
             mapSvg, phoneUrl, qrSvg
    }

    /// `phone_url` and `qr_svg` are written as null when off, as the API shows them.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(destination, forKey: .destination)
        try c.encode(name, forKey: .name)
        try c.encode(windows, forKey: .windows)
        try c.encode(section, forKey: .section)
        try c.encode(from, forKey: .from)
        try c.encode(sentence, forKey: .sentence)
        try c.encode(route, forKey: .route)
        try c.encode(steps, forKey: .steps)
        try c.encode(summary, forKey: .summary)
        try c.encode(lead, forKey: .lead)
        try c.encode(open, forKey: .open)
        try c.encodeIfPresent(closedReason, forKey: .closedReason)
        try c.encodeIfPresent(opensAt, forKey: .opensAt)
        try c.encode(mapSvg, forKey: .mapSvg)
        try c.encode(phoneUrl, forKey: .phoneUrl)
        try c.encode(qrSvg, forKey: .qrSvg)
    }
}

struct ErrorReply: Encodable, Sendable {
    var error: String
}
