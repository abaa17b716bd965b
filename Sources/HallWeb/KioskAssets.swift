/// The kiosk app's files (web/kiosk/), embedded at build time by the EmbedKioskAssets
/// plugin: halld serves them from its binary, so a screen needs no CDN and no files beside
/// halld, and a page is always the one of the halld that serves it.
struct KioskAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        /// A strong validator: the page revalidates, and a 304 costs no body.
        var etag: String
    }

    private let files: [String: Asset]

    init() {
        var files: [String: Asset] = [:]
        for (path, text) in KioskAssetFiles.all {
            let name = String(path.split(separator: "/").last ?? "")
            files[name] = Asset(bytes: Array(text.utf8), contentType: Self.contentType(name), etag: Self.etag(text))
        }
        self.files = files
    }

    /// A file by its name under /kiosk/ (`app.js`); nil for anything else.
    func asset(_ name: String) -> Asset? { files[name] }

    var names: [String] { files.keys.sorted() }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// FNV-1a over the text: a validator, not a checksum against tampering.
    static func etag(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "\""
    }
}
