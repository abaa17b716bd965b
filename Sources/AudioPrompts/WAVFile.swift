import Foundation

/// Audio as every output plays it: signed 16-bit mono samples at one rate.
public struct PCMClip: Sendable, Hashable {
    public var sampleRate: Int
    public var samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    public var seconds: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }

    /// A sine tone, for `hallctl audio test` and for probes that need no recordings.
    public static func tone(hertz: Double = 880, seconds: Double = 0.5, sampleRate: Int = 16_000,
                            amplitude: Double = 0.3) -> PCMClip {
        let count = Int(seconds * Double(sampleRate))
        let samples = (0..<count).map { index in
            Int16(clamping: Int((sin(2 * .pi * hertz * Double(index) / Double(sampleRate)) * amplitude * 32_767).rounded()))
        }
        return PCMClip(sampleRate: sampleRate, samples: samples)
    }

    /// Silence of a given length, for the gaps between composed fragments.
    public static func silence(seconds: Double, sampleRate: Int) -> PCMClip {
        PCMClip(sampleRate: sampleRate, samples: Array(repeating: 0, count: Int(seconds * Double(sampleRate))))
    }
}

/// Why a file is not a WAV file HallGuide can play.
public enum WAVFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    case notRIFFWAVE
    case missingChunk(String)
    case notPCM(formatTag: Int)
    case bitsPerSample(Int)
    case channels(Int)
    case truncated

    public var description: String {
        switch self {
        case .notRIFFWAVE: "not a RIFF WAVE file"
        case .missingChunk(let id): "no '\(id)' chunk"
        case .notPCM(let tag): "not PCM (format tag \(tag)); record as 16-bit PCM"
        case .bitsPerSample(let bits): "\(bits)-bit samples; prompts must be 16-bit"
        case .channels(let count): "\(count) channels; prompts must be mono"
        case .truncated: "file is truncated"
        }
    }
}

/// Reading and writing RIFF WAVE files of 16-bit mono PCM.
public enum WAVFile {
    /// Decodes 16-bit mono PCM. `lenient` accepts a data chunk whose declared size is
    /// wrong (0 or past the end), as in a file a writer has not closed yet, such as the
    /// output of ALSA's `file` plugin before the PCM is closed.
    public static func decode(_ data: Data, lenient: Bool = false) throws(WAVFormatError) -> PCMClip {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notRIFFWAVE
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let declared = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard declared >= 16, body + 16 <= bytes.count else { throw .truncated }
                format = (u16(body), u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let format else { throw .missingChunk("fmt ") }
                // WAVE_FORMAT_EXTENSIBLE (0xFFFE) may carry plain PCM too; its subformat
                // is not checked here because HallGuide's own tools never write it.
                guard format.tag == 1 || format.tag == 0xFFFE else { throw .notPCM(formatTag: format.tag) }
                guard format.bits == 16 else { throw .bitsPerSample(format.bits) }
                guard format.channels == 1 else { throw .channels(format.channels) }
                var size = declared
                if body + size > bytes.count || (lenient && size == 0) {
                    guard lenient else { throw .truncated }
                    size = bytes.count - body
                }
                let count = size / 2
                var samples = [Int16](repeating: 0, count: count)
                samples.withUnsafeMutableBytes { target in
                    bytes.withUnsafeBytes { source in
                        target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[body..<body + count * 2]))
                    }
                }
                // WAV is little-endian; this is a no-op on every machine HallGuide runs on.
                return PCMClip(sampleRate: format.rate, samples: samples.map { Int16(littleEndian: $0) })
            }
            offset = body + declared + (declared & 1)
        }
        throw format == nil ? .missingChunk("fmt ") : .missingChunk("data")
    }

    public static func read(path: String, lenient: Bool = false) throws -> PCMClip {
        try decode(Data(contentsOf: URL(fileURLWithPath: path)), lenient: lenient)
    }

    /// A canonical 44-byte-header WAV file of the clip.
    public static func encode(_ clip: PCMClip) -> Data {
        var out = Data()
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { out.append(contentsOf: $0) } }
        let dataBytes = clip.samples.count * 2
        out.append(contentsOf: "RIFF".utf8); u32(36 + dataBytes); out.append(contentsOf: "WAVE".utf8)
        out.append(contentsOf: "fmt ".utf8); u32(16); u16(1); u16(1); u32(clip.sampleRate); u32(clip.sampleRate * 2); u16(2); u16(16)
        out.append(contentsOf: "data".utf8); u32(dataBytes)
        clip.samples.withUnsafeBufferPointer { buffer in
            for sample in buffer { withUnsafeBytes(of: sample.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }
}
