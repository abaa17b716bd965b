import CQREncode

/// A QR code of a text (libqrencode, Debian's libqrencode-dev), drawn as an SVG of one
/// path: a phone reads it off the screen to take the route along.
struct QRCode: Sendable {
    /// Modules a side.
    let size: Int
    /// Row by row, true for a dark module.
    let modules: [Bool]

    /// Error correction M (15 %): a smudged screen still reads. nil when the text does not
    /// fit any version.
    init?(encoding text: String) {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        // Bit 0 of each byte is the module's colour; the others say what part it is.
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    func isDark(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }

    /// The code with the quiet zone of 4 modules the standard asks for, one unit a module.
    func svg() -> String {
        let side = size + 8
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x, y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x + run, y) { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img">\
            <rect width="\(side)" height="\(side)" fill="#ffffff"/><path fill="#000000" d="\(path)"/></svg>

            """
    }
}
