/// What a `FrameDecoder` hands out, one at a time.
public enum DecodeEvent: Sendable, Hashable {
    /// A frame of version 1 with a good CRC. Its type and payload are not checked yet:
    /// that is `MessageCodec.decode`'s job.
    case frame(Frame)
    /// Bytes dropped from the stream.
    /// - bytes: how many were dropped (for a bad CRC, oversized length or truncated frame,
    ///   only its first sync byte: the rest is scanned again, PROTOCOL.md §2.4).
    /// - sample: up to 64 bytes of the input starting at the first dropped byte, for
    ///   "show errors" (it may run on past the dropped bytes, into what is scanned again).
    /// - offset: where the fault was found, counted from the start of the sample (the length
    ///   field, the CRC field, …); it can lie past the end of the sample for a long frame.
    case discarded(bytes: Int, reason: DecodeError, sample: [UInt8], offset: Int)
}

/// Why bytes were dropped.
public enum DecodeError: Error, Sendable, Hashable {
    /// Bytes before a sync pair: line noise, or the tail of a corrupt frame.
    case noSync
    /// A header whose payload length is above the maximum: not a real header.
    case oversizedLength(Int)
    /// A frame whose CRC does not match.
    case badCRC(received: UInt32, computed: UInt32)
    /// A whole, intact frame of a version this decoder does not speak. Its header fields are
    /// given so the receiver can nak it (unsupportedVersion) when it asked for an ack.
    case unsupportedVersion(version: UInt8, type: UInt8, sequence: UInt16, flags: FrameFlags)
    /// A frame that never completed: the link went quiet or closed (`abandonPartialFrame`).
    case truncated
}

/// Running totals, for the status socket.
public struct DecoderCounters: Sendable, Hashable {
    public var frames = 0
    public var badCRC = 0
    public var oversized = 0
    public var unsupportedVersion = 0
    public var truncated = 0
    /// Bytes dropped while looking for the next frame: garbage, and the sync bytes of
    /// frames rejected above. Whole frames of another version are not counted here.
    public var resyncBytes = 0
    /// Bytes run through the CRC register: at most one per byte that entered the window,
    /// whatever the input (the work bound the fuzz harness and the attack test check).
    public var crcBytes = 0

    public init() {}
}

/// A streaming frame decoder: feed it bytes as they arrive in any pieces, then call `next()`
/// until it returns nil. It never holds more than one maximum frame of unparsed input
/// (`bufferedByteCount` ≤ `FrameLayout.maxFrameSize`); bytes appended and not yet examined
/// wait in `append`'s order and are drawn in as the window has room, so call `next()` until
/// nil after each `append`.
public struct FrameDecoder: Sendable {
    public let maxPayload: Int
    public private(set) var counters = DecoderCounters()

    /// The bytes under examination, from `windowStart`: at most one maximum frame (and a
    /// consumed prefix shorter than one, not yet compacted away).
    private var window: [UInt8] = []
    private var windowStart = 0
    /// Appended bytes not yet moved into the window.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Set by `abandonPartialFrame`: an incomplete frame will never complete.
    private var inputIsStale = false
    /// CRC registers of the window's prefixes (`CRC32.PrefixRegisters`): every candidate
    /// frame's CRC from two of them in constant time, so that garbage full of false headers
    /// costs O(1) per byte however many frames each byte could start (PROTOCOL.md §2.4
    /// rescans after every rejected sync byte).
    private var prefixes = CRC32.PrefixRegisters()

    private var maxFrameSize: Int { FrameLayout.headerSize + maxPayload + FrameLayout.trailerSize }

    public init(maxPayload: Int = FrameLayout.maxPayload) {
        self.maxPayload = min(max(maxPayload, 0), FrameLayout.maxPayload)
        window.reserveCapacity(2 * maxFrameSize)
    }

    /// Bytes held in the window, not yet decided on. Never above one maximum frame.
    public var bufferedByteCount: Int { window.count - windowStart }
    /// Bytes of window storage in use, consumed prefix included: under two maximum frames.
    var windowStorageCount: Int { window.count }
    /// Bytes appended and not yet drawn into the window.
    public var pendingByteCount: Int { pending.count - pendingStart }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if let done = bytes.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) { return done }
        compactPending()
        pending.append(contentsOf: bytes)
        inputIsStale = false
    }

    /// The fast path: bytes in memory (a socket's read, a slice of an array), copied once.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactPending()
        pending.append(contentsOf: bytes)
        inputIsStale = false
    }

    private mutating func compactPending() {
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        } else if pendingStart > 0 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }

    /// The link has gone quiet mid-frame (or closed): no more bytes will complete what is held.
    /// The following `next()` calls drop a held partial frame's first sync byte (`truncated`)
    /// and scan the rest again, so a whole frame hidden behind a false header is still found.
    /// Appending new bytes ends this state.
    public mutating func abandonPartialFrame() {
        inputIsStale = true
    }

    /// The next frame or discard, or nil when more bytes are needed.
    public mutating func next() -> DecodeEvent? {
        refillWindow()
        let held = bufferedByteCount
        guard held > 0 else { return nil }

        // Find a sync pair; everything before it is garbage.
        if let syncIndex = findSync() {
            if syncIndex > windowStart { return dropGarbage(upTo: syncIndex) }
        } else {
            // No pair. A last byte of A5 may be the first half of one still to come.
            let keepLast = window[window.count - 1] == FrameLayout.syncFirst && !inputIsStale
            let end = keepLast ? window.count - 1 : window.count
            return end > windowStart ? dropGarbage(upTo: end) : nil
        }

        // A sync pair at windowStart.
        guard held >= FrameLayout.headerSize else { return waitOrTruncate() }
        let length = Int(window.littleEndian(UInt16.self, at: windowStart + FrameLayout.lengthOffset))
        if length > maxPayload {
            counters.oversized += 1
            return dropFirstSyncByte(reason: .oversizedLength(length), faultOffset: FrameLayout.lengthOffset)
        }
        let frameSize = FrameLayout.headerSize + length + FrameLayout.trailerSize
        guard held >= frameSize else { return waitOrTruncate() }

        let crcOffset = windowStart + FrameLayout.headerSize + length
        let received = window.littleEndian(UInt32.self, at: crcOffset)
        let computed = prefixes.checksum(window, in: (windowStart + FrameLayout.versionOffset)..<crcOffset,
                                         stepped: &counters.crcBytes)
        if received != computed {
            counters.badCRC += 1
            return dropFirstSyncByte(reason: .badCRC(received: received, computed: computed),
                                     faultOffset: FrameLayout.headerSize + length)
        }

        let start = windowStart
        let version = window[start + FrameLayout.versionOffset]
        let flags = FrameFlags(rawValue: window[start + FrameLayout.flagsOffset])
        let type = window[start + FrameLayout.typeOffset]
        let sequence = window.littleEndian(UInt16.self, at: start + FrameLayout.sequenceOffset)
        if version != FrameLayout.version {
            counters.unsupportedVersion += 1
            let sample = sampleBytes(from: start)
            windowStart += frameSize
            return .discarded(bytes: frameSize,
                              reason: .unsupportedVersion(version: version, type: type, sequence: sequence, flags: flags),
                              sample: sample, offset: FrameLayout.versionOffset)
        }
        let payload = Array(window[(start + FrameLayout.headerSize)..<crcOffset])
        windowStart += frameSize
        counters.frames += 1
        return .frame(Frame(version: version, flags: flags, type: type, sequence: sequence, payload: payload))
    }

    // MARK: - Steps

    /// Moves pending bytes into the window, up to one maximum frame held.
    private mutating func refillWindow() {
        let room = maxFrameSize - bufferedByteCount
        let available = pendingByteCount
        guard room > 0, available > 0 else { return }
        // Compact only once a whole frame's worth is dead, so feeding a byte at a time does not
        // move the held bytes on every byte; storage stays under two maximum frames.
        if windowStart == window.count {
            window.removeAll(keepingCapacity: true)
            prefixes.removeAll()
            windowStart = 0
        } else if windowStart >= maxFrameSize {
            window.removeFirst(windowStart)
            prefixes.removeFirst(windowStart)
            windowStart = 0
        }
        let take = min(room, available)
        window.append(contentsOf: pending[pendingStart..<(pendingStart + take)])
        pendingStart += take
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
    }

    private func findSync() -> Int? {
        var index = windowStart
        let last = window.count - 1
        while index < last {
            if window[index] == FrameLayout.syncFirst && window[index + 1] == FrameLayout.syncSecond { return index }
            index += 1
        }
        return nil
    }

    /// A frame has begun but is incomplete: wait for more bytes, or give it up when stale.
    private mutating func waitOrTruncate() -> DecodeEvent? {
        // The window only stops short of a whole frame when no input is pending.
        guard inputIsStale else { return nil }
        counters.truncated += 1
        return dropFirstSyncByte(reason: .truncated, faultOffset: bufferedByteCount)
    }

    private mutating func dropGarbage(upTo end: Int) -> DecodeEvent {
        let count = end - windowStart
        let sample = Array(window[windowStart..<min(end, windowStart + Self.sampleLimit)])
        windowStart = end
        counters.resyncBytes += count
        return .discarded(bytes: count, reason: .noSync, sample: sample, offset: 0)
    }

    /// The resync rule: drop only the first sync byte, so a frame starting anywhere inside
    /// the rejected bytes is still found.
    private mutating func dropFirstSyncByte(reason: DecodeError, faultOffset: Int) -> DecodeEvent {
        let sample = sampleBytes(from: windowStart)
        windowStart += 1
        counters.resyncBytes += 1
        return .discarded(bytes: 1, reason: reason, sample: sample, offset: faultOffset)
    }

    private func sampleBytes(from start: Int) -> [UInt8] {
        Array(window[start..<min(window.count, start + Self.sampleLimit)])
    }

    static let sampleLimit = 64
}
