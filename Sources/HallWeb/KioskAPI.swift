import Foundation
import HallAnswers
import HallModel
import HallViews
import IntentMatching
import Wayfinding

/// The kiosk's read-only JSON API (web/API.md) over the hall in use and its live state.
/// Nothing here changes anything: a screen sees what a visitor standing at it may see.
struct KioskAPI: Sendable {
    let backend: any WebBackend
    let settings: WebSettings
    let indexes = HallIndexCache()

    enum Failure: Error {
        case notFound(String)
        case badRequest(String)
    }

    private var hallName: HallName {
        let map = backend.hall.map
        return HallName(id: map.hallID, name: map.hallName)
    }

    func screen(_ id: String) throws(Failure) -> ScreenReply {
        guard let screen = backend.screens.first(where: { $0.id == id }) else { throw .notFound("no screen '\(id)' in halld's configuration") }
        let hall = backend.hall
        return ScreenReply(id: screen.id, station: screen.station, stationName: stationName(screen.station, hall: hall), hall: hallName,
                           idleResetSeconds: settings.idleResetSeconds, qr: settings.publicBaseURL != nil, dataVersion: hall.version)
    }

    /// Where a station stands, in words: the place at its node or a landmark there.
    private func stationName(_ station: String, hall: Hall) -> LocalizedText {
        let map = hall.map
        guard let node = hall.startNode(station) else { return LocalizedText(zh: station, en: station) }
        if let landmark = map.nodes[node].landmark { return landmark }
        let here = map.nodes[node].at
        // The nearest named area or door: "北门入口" is the north door's.
        if let door = map.places.filter({ $0.kind == .door }).min(by: { Self.distance($0.spots.first?.at, here) < Self.distance($1.spots.first?.at, here) }),
           Self.distance(door.spots.first?.at, here) < 8 {
            return LocalizedText(zh: door.name.zh + "入口", en: "By " + door.name.en)
        }
        if let area = map.areas.first(where: { $0.contains(here) }) { return area.name }
        return LocalizedText(zh: station, en: station)
    }

    private static func distance(_ a: Point?, _ b: Point) -> Double {
        guard let a else { return .infinity }
        return ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }

    func index() -> IndexReply {
        let hall = backend.hall
        let index = indexes.index(for: hall)
        let live = backend.liveConditions()
        let entry = { (e: HallIndex.Entry) in self.entryReply(e, hall: hall, live: live) }
        return IndexReply(dataVersion: hall.version, hall: hallName,
                          sections: index.sections.map { IndexSectionReply(id: $0.id, name: $0.name, services: $0.entries.map(entry)) },
                          facilities: index.facilities.map(entry))
    }

    private func entryReply(_ e: HallIndex.Entry, hall: Hall, live: LiveConditions) -> IndexEntryReply {
        let state = status(e.destination, hall: hall, live: live)
        return IndexEntryReply(destination: e.destination, name: e.name, windows: e.windows, open: state.open,
                               closedReason: state.reason, opensAt: state.opensAt)
    }

    private func status(_ destination: String, hall: Hall, live: LiveConditions) -> (open: Bool, reason: LocalizedText?, opensAt: String?) {
        guard let zh = hall.status(of: destination, at: live.now, closures: live.closures, language: .zh) else { return (true, nil, nil) }
        guard !zh.open else { return (true, nil, nil) }
        let en = hall.status(of: destination, at: live.now, closures: live.closures, language: .en)
        return (false, LocalizedText(zh: zh.closedReason ?? "暂停服务", en: en?.closedReason ?? "Not serving now"),
                zh.opensAt.map { hall.timetable.timeZone.iso8601($0) })
    }

    func search(_ query: String, from: String, language: Language) throws(Failure) -> SearchReply {
        let hall = backend.hall
        guard hall.startNode(from) != nil else { throw .badRequest("from: '\(from)' is no station or place of the map") }
        let text = String(query.prefix(64))
        let index = indexes.index(for: hall)
        var results = index.search(text).map { entry, match in
            SearchResultReply(destination: entry.destination, name: entry.name, windows: entry.windows, section: entry.section,
                              match: match.rawValue)
        }
        var answer: Answer?
        if text.count >= 2 {
            var scratch = MatchScratch()
            answer = try? hall.answer(text, from: from, live: backend.liveConditions(), scratch: &scratch)
            // What the robot would say leads the list: the screen says what the robot says.
            if let answer, answer.outcome == .route, let destination = answer.destination,
               let entry = index.entry(forDestination: destination, hall: hall) {
                let at = results.firstIndex { $0.destination == entry.destination }
                let best = at.map { results.remove(at: $0) }
                    ?? SearchResultReply(destination: entry.destination, name: entry.name, windows: entry.windows,
                                         section: entry.section, match: HallIndex.Match.answer.rawValue)
                results.insert(best, at: 0)
                if results.count > 8 { results.removeLast() }
            }
        }
        _ = language
        return SearchReply(query: text, results: results, answer: answer)
    }

    func route(from: String, to destination: String) throws(Failure) -> RouteReply {
        let hall = backend.hall
        guard hall.startNode(from) != nil else { throw .badRequest("from: '\(from)' is no station or place of the map") }
        let index = indexes.index(for: hall)
        guard let entry = index.entry(destination) ?? index.entry(forDestination: destination, hall: hall) else {
            throw .notFound("no destination '\(destination)' in the index")
        }
        let zh: Answer.Route, en: Answer.Route
        do {
            zh = try hall.route(from: from, to: destination, language: .zh)
            en = try hall.route(from: from, to: destination, language: .en)
        } catch {
            throw .notFound("\(error)")
        }
        let live = backend.liveConditions()
        let state = status(destination, hall: hall, live: live)
        let intent = hall.intents.intents.first { $0.destination == destination }
        func sentence(_ route: Answer.Route, _ language: Language) -> String {
            let lead = intent?.answer[language] ?? ""
            let parts = ([lead] + route.steps.map(\.text) + [route.summary]).filter { !$0.isEmpty }
            return parts.joined(separator: language == .zh ? "" : " ")
        }
        let query = "from=\(Self.escaped(from))&to=\(Self.escaped(destination))"
        let phone = settings.publicBaseURL.map { base in
            (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/phone/route?\(query)&lang=zh"
        }
        return RouteReply(
            destination: entry.destination, name: entry.name, windows: entry.windows, section: entry.section, from: from,
            sentence: LocalizedText(zh: sentence(zh, .zh), en: sentence(en, .en)),
            route: RouteShapeReply(nodes: zh.nodes, points: zh.points.map { RoutePointReply(node: $0.node, x: $0.x, y: $0.y, level: $0.level) },
                                   metres: zh.metres, seconds: zh.seconds, accessible: zh.accessible, window: zh.window),
            steps: BilingualList(zh: zh.steps.map(\.text), en: en.steps.map(\.text)),
            summary: LocalizedText(zh: zh.summary, en: en.summary),
            lead: lead(from: from, open: state.open, hall: hall),
            open: state.open, closedReason: state.reason, opensAt: state.opensAt,
            mapSvg: "/api/v1/map.svg?\(query)", phoneUrl: phone, qrSvg: phone == nil ? nil : "/api/v1/qr.svg?\(query)")
    }

    /// Whether a robot near the screen is free to lead now: the nearest free one, and only to
    /// a destination that serves now (halld leads only then).
    private func lead(from: String, open: Bool, hall: Hall) -> LeadReply {
        guard open else {
            return LeadReply(possible: false, robot: nil, why: LocalizedText(
                zh: "该处现在不办理业务，机器人暂不带路。", en: "It is not serving now, so no robot leads there."))
        }
        let here = hall.startNode(from).map { hall.map.nodes[$0].at }
        let free = backend.robots.filter(\.free).min { a, b in
            Self.distance(hall.startNode(a.station).map { hall.map.nodes[$0].at }, here ?? Point(x: 0, y: 0))
                < Self.distance(hall.startNode(b.station).map { hall.map.nodes[$0].at }, here ?? Point(x: 0, y: 0))
        }
        guard let robot = free else {
            return LeadReply(possible: false, robot: nil, why: LocalizedText(
                zh: "机器人现在都在忙，请按路线前往。", en: "The robots are busy now; please follow the route."))
        }
        return LeadReply(possible: true, robot: robot.id, why: LocalizedText(
            zh: "可以请机器人 \(robot.id) 带您去：对它说出要去的地方。", en: "Robot \(robot.id) can take you there: tell it where you want to go."))
    }

    /// The floor map with "you are here" and, given a destination, the route.
    func mapSVG(from: String, to destination: String?) throws(Failure) -> String {
        let hall = backend.hall
        guard hall.startNode(from) != nil else { throw .badRequest("from: '\(from)' is no station or place of the map") }
        var route: Answer.Route?
        if let destination {
            do { route = try hall.route(from: from, to: destination, language: .zh) } catch { throw .notFound("\(error)") }
        }
        let level = route.flatMap { r in hall.map.levels.firstIndex { $0.id == r.points.first?.level } } ?? 0
        return FloorMapSVG(map: hall.map, level: level, route: route, youAreHere: hall.map.station(from) != nil ? from : nil).render()
    }

    /// The QR code of a route's phone page, when a public base URL is configured.
    func qrSVG(from: String, to destination: String) throws(Failure) -> String {
        let reply = try route(from: from, to: destination)
        guard let url = reply.phoneUrl else { throw .notFound("no public base URL is configured (http.public_base_url)") }
        guard let code = QRCode(encoding: url) else { throw .badRequest("the address is too long for a QR code") }
        return code.svg()
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#"))) ?? text
    }
}
