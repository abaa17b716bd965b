import CALSA
import Foundation

/// An ALSA error code with the call that returned it.
struct ALSAError: Error, Sendable, Hashable, CustomStringConvertible {
    var code: Int32
    var operation: String

    var description: String {
        let reason = String(cString: snd_strerror(code))
        return "\(operation): \(reason) (\(code))"
    }
}

/// One open playback PCM: signed 16-bit mono interleaved at the library's rate. Not
/// Sendable: created, used and closed on its output's player thread only, because the
/// `snd_pcm_t *` (an OpaquePointer) must never be shared between threads.
final class ALSADevice {
    private var pcm: OpaquePointer?
    /// The configuration tree the PCM was opened from (with the extra file loaded); kept
    /// until the PCM closes because plugins may refer to it while open.
    private var localConfig: OpaquePointer?
    let sampleRate: Int
    let periodFrames: Int
    let bufferFrames: Int

    private init(pcm: OpaquePointer, localConfig: OpaquePointer?, sampleRate: Int, periodFrames: Int, bufferFrames: Int) {
        self.pcm = pcm
        self.localConfig = localConfig
        self.sampleRate = sampleRate
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
    }

    deinit {
        if let pcm { snd_pcm_close(pcm) }
        if let localConfig { snd_config_delete(localConfig) }
    }

    /// Opens `name`, from the system configuration plus `extraConfigFile` when given
    /// (snd_config_update_ref + snd_config_load on a copy + snd_pcm_open_lconf, so the
    /// process-wide tree is untouched). Opens non-blocking so a busy device fails with
    /// -EBUSY instead of hanging, then switches to blocking writes: this thread exists to block.
    static func open(name: String, extraConfigFile: String?, sampleRate: Int, bufferTime: Duration) -> Result<ALSADevice, ALSAError> {
        var localConfig: OpaquePointer?
        if let extraConfigFile {
            switch loadConfig(extraConfigFile) {
            case .success(let tree): localConfig = tree
            case .failure(let error): return .failure(error)
            }
        }
        var handle: OpaquePointer?
        let opened = localConfig.map { snd_pcm_open_lconf(&handle, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK, $0) }
            ?? snd_pcm_open(&handle, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
        guard opened >= 0, let handle else {
            if let localConfig { snd_config_delete(localConfig) }
            return .failure(ALSAError(code: opened, operation: "open '\(name)'"))
        }
        func fail(_ code: Int32, _ operation: String) -> Result<ALSADevice, ALSAError> {
            snd_pcm_close(handle)
            if let localConfig { snd_config_delete(localConfig) }
            return .failure(ALSAError(code: code, operation: "\(operation) '\(name)'"))
        }
        var result = snd_pcm_nonblock(handle, 0)
        guard result >= 0 else { return fail(result, "blocking mode") }
        let latency = UInt32(clamping: bufferTime.components.seconds * 1_000_000 + bufferTime.components.attoseconds / 1_000_000_000_000)
        result = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, UInt32(sampleRate), 1, latency)
        guard result >= 0 else { return fail(result, "set 16-bit mono \(sampleRate) Hz") }
        var buffer: snd_pcm_uframes_t = 0
        var period: snd_pcm_uframes_t = 0
        result = snd_pcm_get_params(handle, &buffer, &period)
        guard result >= 0, period > 0 else { return fail(result < 0 ? result : -EINVAL, "read parameters of") }
        return .success(ALSADevice(pcm: handle, localConfig: localConfig, sampleRate: sampleRate,
                                   periodFrames: Int(period), bufferFrames: Int(buffer)))
    }

    /// A private copy of the system configuration with `file` loaded on top.
    private static func loadConfig(_ file: String) -> Result<OpaquePointer, ALSAError> {
        var top: OpaquePointer?
        var result = snd_config_update_ref(&top)
        guard result >= 0, let top else { return .failure(ALSAError(code: result, operation: "read the ALSA configuration")) }
        defer { snd_config_unref(top) }
        var copy: OpaquePointer?
        result = snd_config_copy(&copy, top)
        guard result >= 0, let copy else { return .failure(ALSAError(code: result, operation: "copy the ALSA configuration")) }
        var input: OpaquePointer?
        result = snd_input_stdio_open(&input, file, "r")
        guard result >= 0, let input else {
            snd_config_delete(copy)
            return .failure(ALSAError(code: result, operation: "open ALSA configuration \(file)"))
        }
        result = snd_config_load(copy, input)
        snd_input_close(input)
        guard result >= 0 else {
            snd_config_delete(copy)
            return .failure(ALSAError(code: result, operation: "load ALSA configuration \(file)"))
        }
        return .success(copy)
    }

    /// snd_pcm_writei: frames written, or a negative error code.
    func write(_ samples: UnsafeBufferPointer<Int16>) -> Int {
        guard let pcm, let base = samples.baseAddress else { return Int(-EBADFD) }
        return snd_pcm_writei(pcm, base, snd_pcm_uframes_t(samples.count))
    }

    /// snd_pcm_recover after -EPIPE, -ESTRPIPE or -EINTR; 0 when the stream is usable again.
    func recover(_ error: Int32) -> Int32 {
        guard let pcm else { return -EBADFD }
        return snd_pcm_recover(pcm, error, 1)
    }

    /// Plays out what is buffered, then readies the stream for the next prompt.
    func drainAndPrepare() -> Int32 {
        guard let pcm else { return -EBADFD }
        let drained = snd_pcm_drain(pcm)
        let prepared = snd_pcm_prepare(pcm)
        return drained < 0 ? drained : prepared
    }

    /// Discards what is buffered (pre-emption), then readies the stream.
    func dropAndPrepare() -> Int32 {
        guard let pcm else { return -EBADFD }
        let dropped = snd_pcm_drop(pcm)
        let prepared = snd_pcm_prepare(pcm)
        return dropped < 0 ? dropped : prepared
    }
}
