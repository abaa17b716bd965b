import Foundation
import Logging

/// How one prompt's playback ended on the device.
private enum PlaybackEnd {
    case played
    case preempted
    case stopped
    /// `unheard`: not one sample of the prompt reached the device.
    case deviceLost(ALSAError, unheard: Bool)
}

extension AudioOutput {
    /// The player thread. It alone opens, writes and closes the PCM; it sleeps on `lock`
    /// while there is nothing to do and during reopen backoff.
    func runPlayer() {
        var device: ALSADevice?
        var backoff = initialBackoff
        var retryAt = ContinuousClock.now
        var everOpened = false
        while true {
            if device == nil {
                guard waitForRetry(until: retryAt) else { break }
                switch ALSADevice.open(name: config.pcm, extraConfigFile: alsaConfigFile, sampleRate: sampleRate, bufferTime: bufferTime) {
                case .success(let opened):
                    device = opened
                    backoff = initialBackoff
                    let reopened = everOpened
                    everOpened = true
                    update { output in
                        if reopened { output.counters.reopens += 1 }
                        output.state = .idle
                    }
                    logger.notice("audio output \(config.name): \(reopened ? "reopened" : "opened") \(config.pcm), period \(opened.periodFrames) frames, buffer \(opened.bufferFrames)")
                case .failure(let error):
                    let repeated = status().lastError == error.description
                    update { output in
                        output.counters.openFailures += 1
                        output.lastError = error.description
                        output.state = everOpened ? .reopening : .unavailable
                    }
                    if !repeated { logger.warning("audio output \(config.name): \(error); retrying with backoff") }
                    retryAt = .now + backoff
                    backoff = min(backoff * 2, maximumBackoff)
                    continue
                }
            }
            guard let prompt = nextPrompt(), let open = device else { break }
            let clip: PCMClip
            switch resolve(prompt.source) {
            case .success(let resolved): clip = resolved
            case .failure(let error):
                finish(prompt, .failed(reason: error.description))
                continue
            }
            switch play(clip, prompt: prompt, on: open) {
            case .played: finish(prompt, .played)
            case .preempted: finish(prompt, .preempted)
            case .stopped: finish(prompt, .dropped(reason: "shutting down"))
            case .deviceLost(let error, let unheard):
                device = nil
                retryAt = .now + backoff
                backoff = min(backoff * 2, maximumBackoff)
                let markLost = { (output: AudioOutput) in
                    output.lastError = error.description
                    output.state = .reopening
                }
                if unheard && prompt.unheardAttempts == 0 {
                    // Nothing of it was written (a speaker unplugged while idle is found
                    // only by the next write): play it once the device is back.
                    var retry = prompt
                    retry.unheardAttempts += 1
                    update { output in
                        output.queue.putBack(retry)
                        output.playing = nil
                        markLost(output)
                    }
                } else {
                    finish(prompt, .failed(reason: error.description), also: markLost)
                }
                logger.warning("audio output \(config.name): \(error) while playing \(prompt.label); reopening")
            }
        }
        device = nil
        update { output in
            while let left = output.queue.popNext() {
                output.reports[left.ticket]?.outcome = .dropped(reason: "shutting down")
            }
            output.finished = true
        }
    }

    /// Applies a change under the lock and wakes the waiters it satisfies.
    private func update(_ change: (AudioOutput) -> Void) {
        lock.lock()
        change(self)
        notifyLocked()
        lock.unlock()
    }

    /// Sleeps until `deadline` unless asked to stop; false when stopping.
    private func waitForRetry(until deadline: ContinuousClock.Instant) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while !stopRequested {
            let remaining = deadline - .now
            guard remaining > .zero else { return true }
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            _ = lock.wait(until: Date(timeIntervalSinceNow: seconds))
        }
        return false
    }

    /// The next prompt worth playing; nil when stopping. Stale prompts are dropped and,
    /// if quiet hours began while they waited, suppressed.
    private func nextPrompt() -> QueuedPrompt? {
        lock.lock()
        defer { lock.unlock() }
        while !stopRequested {
            guard let prompt = queue.popNext() else {
                lock.wait()
                continue
            }
            if ContinuousClock.now - prompt.enqueuedAt > config.staleAfter {
                counters.dropped += 1
                reports[prompt.ticket]?.outcome = .dropped(reason: "waited longer than \(config.staleAfter)")
            } else if prompt.priority < .announcement && isQuiet(at: now()) {
                counters.suppressed += 1
                reports[prompt.ticket]?.outcome = .suppressed
            } else {
                playing = prompt
                state = .playing
                notifyLocked()
                return prompt
            }
            notifyLocked()
        }
        return nil
    }

    private func resolve(_ source: PromptSource) -> Result<PCMClip, SynthesisError> {
        switch source {
        case .clip(let clip):
            return .success(clip.sampleRate == sampleRate ? clip : clip.resampled(to: sampleRate))
        case let .speech(text, language):
            guard let synthesizer else { return .failure(.disabled) }
            return Result { () throws(SynthesisError) in try synthesizer.synthesize(text, language: language) }
        }
    }

    private func finish(_ prompt: QueuedPrompt, _ outcome: PromptOutcome, also change: (AudioOutput) -> Void = { _ in }) {
        update { output in
            switch outcome {
            case .played: output.counters.played += 1
            case .preempted:
                output.counters.preempted += 1
                output.counters.dropped += 1
            case .dropped: output.counters.dropped += 1
            case .suppressed: output.counters.suppressed += 1
            case .failed: output.counters.failed += 1
            }
            output.reports[prompt.ticket]?.outcome = outcome
            output.playing = nil
            if output.state == .playing { output.state = .idle }
            change(output)
        }
    }

    /// Why playback should stop at this period boundary, if it should.
    private func interruption(of prompt: QueuedPrompt) -> PlaybackEnd? {
        lock.lock()
        defer { lock.unlock() }
        if stopRequested { return .stopped }
        if let waiting = queue.highestPriority, waiting > prompt.priority { return .preempted }
        return nil
    }

    /// Writes the clip period by period at the output's volume. Underruns and suspends are
    /// recovered in place; any other error means the device is gone.
    private func play(_ clip: PCMClip, prompt: QueuedPrompt, on device: ALSADevice) -> PlaybackEnd {
        let samples = clip.samples
        let volume = config.volume
        var period = [Int16](repeating: 0, count: device.periodFrames)
        var offset = 0
        while offset < samples.count {
            if let end = interruption(of: prompt) {
                _ = device.dropAndPrepare()
                return end
            }
            let count = min(period.count, samples.count - offset)
            for index in 0..<count {
                let sample = samples[offset + index]
                // Volume 1 copies exactly: the written samples equal the recording's.
                period[index] = volume >= 1 ? sample : Int16(clamping: Int((Double(sample) * volume).rounded()))
            }
            var written = 0
            while written < count {
                let result = period.withUnsafeBufferPointer { device.write(UnsafeBufferPointer(rebasing: $0[written..<count])) }
                if result > 0 {
                    written += result
                    continue
                }
                let code = result == 0 ? -EIO : Int32(result)
                let unheard = offset == 0 && written == 0
                guard code == -EPIPE || code == -ESTRPIPE || code == -EINTR else {
                    return .deviceLost(ALSAError(code: code, operation: "write"), unheard: unheard)
                }
                let recovered = device.recover(code)
                guard recovered >= 0 else { return .deviceLost(ALSAError(code: recovered, operation: "recover"), unheard: unheard) }
                if code != -EINTR { update { $0.counters.underrunsRecovered += 1 } }
            }
            if offset == 0 {
                let writtenAt = ContinuousClock.now
                update { $0.reports[prompt.ticket]?.firstPeriodWrittenAt = writtenAt }
            }
            offset += count
        }
        let drained = device.drainAndPrepare()
        if drained == -EPIPE || drained == -ESTRPIPE {
            // An underrun while draining lost nothing already written; only recover.
            if device.recover(drained) >= 0 { update { $0.counters.underrunsRecovered += 1 } }
        } else if drained < 0 {
            return .deviceLost(ALSAError(code: drained, operation: "drain"), unheard: false)
        }
        return .played
    }
}
