import Foundation
import HTTPTypes
import HallAnswers
import HallModel
import Hummingbird
import NIOCore

/// The paths halld answers on HTTP (web/API.md). Every one is a read, except the queue
/// feed's POST, which carries its own key; none changes the hall.
struct WebRoutes: Sendable {
    let api: KioskAPI
    let backend: any WebBackend
    let settings: WebSettings
    let assets: KioskAssets

    func add(to router: Router<WebRequestContext>, routes: WebServer.Routes) {
        router.get("/metrics") { _, _ in
            Self.reply(.ok, "text/plain; version=0.0.4; charset=utf-8", backend.metricsExposition())
        }
        guard routes == .all else { return }
        router.get("/") { _, _ in Self.reply(.ok, "text/html; charset=utf-8", screensPage()) }
        router.get("/screens/:id") { request, context in
            guard let id = context.parameters.get("id"), backend.screens.contains(where: { $0.id == id }) else {
                return Self.reply(.notFound, "text/plain; charset=utf-8", "no such screen\n")
            }
            return asset("index.html", request)
        }
        router.get("/phone/route") { request, _ in asset("index.html", request) }
        router.get("/kiosk/:file") { request, context in asset(context.parameters.get("file") ?? "", request) }
        router.get("/api/v1/screens/:id") { _, context in
            json { () throws(KioskAPI.Failure) in try api.screen(context.parameters.get("id") ?? "") }
        }
        router.get("/api/v1/index") { _, _ in json { () throws(KioskAPI.Failure) in api.index() } }
        router.get("/api/v1/search") { request, _ in
            let q = request.uri.queryParameters
            return json { () throws(KioskAPI.Failure) in
                try api.search(q.get("q") ?? "", from: try Self.required(q.get("from"), "from"),
                               language: q.get("lang") == "en" ? .en : .zh)
            }
        }
        router.get("/api/v1/route") { request, _ in
            let q = request.uri.queryParameters
            return json { () throws(KioskAPI.Failure) in
                try api.route(from: try Self.required(q.get("from"), "from"), to: try Self.required(q.get("to"), "to"))
            }
        }
        router.get("/api/v1/map.svg") { request, _ in
            let q = request.uri.queryParameters
            return svg { () throws(KioskAPI.Failure) in try api.mapSVG(from: try Self.required(q.get("from"), "from"), to: q.get("to")) }
        }
        router.get("/api/v1/qr.svg") { request, _ in
            let q = request.uri.queryParameters
            return svg { () throws(KioskAPI.Failure) in
                try api.qrSVG(from: try Self.required(q.get("from"), "from"), to: try Self.required(q.get("to"), "to"))
            }
        }
        router.post("/api/v1/queue") { request, context in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: settings.maxBodyBytes)
            } catch {
                return Self.reply(.contentTooLarge, "application/json; charset=utf-8",
                                  #"{"error":"the body is larger than \#(settings.maxBodyBytes) bytes"}"#)
            }
            guard let (status, reply) = backend.postQueueFeed(body: Array(buffer: body), authorization: request.headers[.authorization],
                                                              peer: context.peer) else {
                return Self.reply(.notFound, "application/json; charset=utf-8", #"{"error":"halld has no queue feed"}"#)
            }
            return Self.reply(HTTPResponse.Status(code: status), "application/json; charset=utf-8", reply)
        }
    }

    private func asset(_ name: String, _ request: Request) -> Response {
        guard let file = assets.asset(name) else { return Self.reply(.notFound, "text/plain; charset=utf-8", "not found\n") }
        var headers: HTTPFields = [.contentType: file.contentType, .eTag: file.etag, .cacheControl: "no-cache"]
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    /// `/`: the hall's screens, each a link to its kiosk page.
    private func screensPage() -> String {
        let hall = backend.hall.map.hallName
        let items = backend.screens.map { screen in
            let id = Self.html(screen.id)
            return "<li><a href=\"/screens/\(id)\">\(id)</a> — \(Self.html(screen.station))</li>"
        }.joined(separator: "\n")
        return """
            <!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>\(Self.html(hall.zh))</title>
            <h1>\(Self.html(hall.zh)) <small lang="en">\(Self.html(hall.en))</small></h1>
            <p>指路屏 Index screens:</p><ul>\(items)</ul></html>

            """
    }

    private func svg(_ make: () throws(KioskAPI.Failure) -> String) -> Response {
        do {
            return Self.reply(.ok, "image/svg+xml", try make())
        } catch {
            return Self.failure(error)
        }
    }

    private func json<T: Encodable>(_ make: () throws(KioskAPI.Failure) -> T) -> Response {
        do {
            let value = try make()
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.withoutEscapingSlashes]
            guard let data = try? encoder.encode(value) else {
                return Self.reply(.internalServerError, "application/json; charset=utf-8", #"{"error":"encoding"}"#)
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return Self.failure(error)
        }
    }

    static func required(_ value: String?, _ name: String) throws(KioskAPI.Failure) -> String {
        guard let value, !value.isEmpty else { throw .badRequest("\(name) is missing") }
        return value
    }

    static func failure(_ error: KioskAPI.Failure) -> Response {
        let (status, message): (HTTPResponse.Status, String) = switch error {
        case .notFound(let text): (.notFound, text)
        case .badRequest(let text): (.badRequest, text)
        }
        let body = (try? JSONEncoder().encode(ErrorReply(error: message))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return reply(status, "application/json; charset=utf-8", body)
    }

    static func reply(_ status: HTTPResponse.Status, _ type: String, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
