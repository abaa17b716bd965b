import Foundation

/// A test sound card that can be unplugged: an ALSA external I/O plugin (ioplug) built
/// from C at test time and loaded by ALSA itself through `pcm_type.hallgate { lib … }`.
/// ALSA's `file` plugin ignores write errors and `null` never fails, so neither can lose
/// a device mid-stream; this one answers writes and opens like a USB speaker would:
/// -ENODEV once its `present` file is gone. Control files in its folder:
///   present        the device exists (open fails with -ENODEV without it)
///   unplug-after   a frame count: after that many frames the device vanishes mid-stream
///                  (the plugin deletes `present` and this file)
///   xrun           the next pointer query reports an underrun (-EPIPE), once
///   suspend        the next transfer returns -ESTRPIPE, once
/// Every frame transferred is appended to `out.raw` (s16le); with `pace true` transfers
/// take real time, like a sound card's.
enum GatePlugin {
    static let source = #"""
    #include <errno.h>
    #include <fcntl.h>
    #include <poll.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <sys/eventfd.h>
    #include <time.h>
    #include <unistd.h>
    #include <alsa/asoundlib.h>
    #include <alsa/pcm_external.h>

    typedef struct {
        snd_pcm_ioplug_t io;
        char dir[3072];
        int pace, event_fd, out_fd, xrun_pending;
        snd_pcm_uframes_t position;
        long long total;
    } gate_t;

    static int control(gate_t *g, const char *name, char *path, size_t size) {
        snprintf(path, size, "%s/%s", g->dir, name);
        return access(path, F_OK) == 0;
    }

    static int gate_start(snd_pcm_ioplug_t *io) { (void)io; return 0; }
    static int gate_stop(snd_pcm_ioplug_t *io) { (void)io; return 0; }
    static int gate_drain(snd_pcm_ioplug_t *io) { (void)io; return 0; }
    static int gate_prepare(snd_pcm_ioplug_t *io) { ((gate_t *)io->private_data)->position = 0; return 0; }

    static snd_pcm_sframes_t gate_pointer(snd_pcm_ioplug_t *io) {
        gate_t *g = io->private_data;
        if (g->xrun_pending) { g->xrun_pending = 0; return -EPIPE; }
        return g->position;
    }

    static snd_pcm_sframes_t gate_transfer(snd_pcm_ioplug_t *io, const snd_pcm_channel_area_t *areas,
                                           snd_pcm_uframes_t offset, snd_pcm_uframes_t size) {
        gate_t *g = io->private_data;
        char path[4096];
        if (!control(g, "present", path, sizeof path)) return -ENODEV;
        if (control(g, "suspend", path, sizeof path)) { unlink(path); return -ESTRPIPE; }
        if (control(g, "xrun", path, sizeof path)) { unlink(path); g->xrun_pending = 1; }
        if (control(g, "unplug-after", path, sizeof path)) {
            long long limit = -1;
            FILE *f = fopen(path, "r");
            if (f) { if (fscanf(f, "%lld", &limit) != 1) limit = -1; fclose(f); }
            if (limit >= 0 && g->total >= limit) {
                unlink(path);
                control(g, "present", path, sizeof path);
                unlink(path);
                return -ENODEV;
            }
            if (limit >= 0 && g->total + (long long)size > limit) size = (snd_pcm_uframes_t)(limit - g->total);
        }
        const char *base = (const char *)areas[0].addr + (areas[0].first + areas[0].step * offset) / 8;
        size_t bytes = size * io->channels * 2;
        if (write(g->out_fd, base, bytes) != (ssize_t)bytes) return -EIO;
        if (g->pace) {
            /* Deliberate pacing, not synchronisation: a paced gate plays in real time,
               as a sound card does, so the pre-emption tests have a prompt to cut. */
            struct timespec t = { (time_t)(size / io->rate), (long)((size % io->rate) * 1000000000LL / io->rate) };
            nanosleep(&t, NULL);
        }
        g->position = (g->position + size) % io->buffer_size;
        g->total += size;
        return size;
    }

    static int gate_close(snd_pcm_ioplug_t *io) {
        gate_t *g = io->private_data;
        close(g->out_fd);
        close(g->event_fd);
        free(g);
        return 0;
    }

    static const snd_pcm_ioplug_callback_t gate_callbacks = {
        .start = gate_start, .stop = gate_stop, .pointer = gate_pointer, .transfer = gate_transfer,
        .close = gate_close, .prepare = gate_prepare, .drain = gate_drain,
    };

    SND_PCM_PLUGIN_DEFINE_FUNC(hallgate) {
        (void)root;
        snd_config_iterator_t i, next;
        const char *dir = NULL;
        int pace = 0;
        snd_config_for_each(i, next, conf) {
            snd_config_t *n = snd_config_iterator_entry(i);
            const char *id;
            if (snd_config_get_id(n, &id) < 0) continue;
            if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint")) continue;
            if (!strcmp(id, "dir")) { if (snd_config_get_string(n, &dir) < 0) return -EINVAL; continue; }
            if (!strcmp(id, "pace")) { pace = snd_config_get_bool(n); if (pace < 0) return -EINVAL; continue; }
            return -EINVAL;
        }
        if (!dir) return -EINVAL;
        gate_t *g = calloc(1, sizeof *g);
        if (!g) return -ENOMEM;
        snprintf(g->dir, sizeof g->dir, "%s", dir);
        char path[4096];
        if (!control(g, "present", path, sizeof path)) { free(g); return -ENODEV; }
        snprintf(path, sizeof path, "%s/out.raw", g->dir);
        g->out_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        g->event_fd = eventfd(0, EFD_NONBLOCK);
        g->pace = pace;
        g->io.version = SND_PCM_IOPLUG_VERSION;
        g->io.name = "HallGuide test gate";
        g->io.callback = &gate_callbacks;
        g->io.private_data = g;
        g->io.poll_fd = g->event_fd;
        g->io.poll_events = POLLOUT;
        int err = snd_pcm_ioplug_create(&g->io, name, stream, mode);
        if (err < 0) { close(g->out_fd); close(g->event_fd); free(g); return err; }
        static const unsigned int accesses[] = { SND_PCM_ACCESS_RW_INTERLEAVED };
        static const unsigned int formats[] = { SND_PCM_FORMAT_S16_LE };
        snd_pcm_ioplug_set_param_list(&g->io, SND_PCM_IOPLUG_HW_ACCESS, 1, accesses);
        snd_pcm_ioplug_set_param_list(&g->io, SND_PCM_IOPLUG_HW_FORMAT, 1, formats);
        snd_pcm_ioplug_set_param_minmax(&g->io, SND_PCM_IOPLUG_HW_CHANNELS, 1, 2);
        snd_pcm_ioplug_set_param_minmax(&g->io, SND_PCM_IOPLUG_HW_RATE, 8000, 48000);
        snd_pcm_ioplug_set_param_minmax(&g->io, SND_PCM_IOPLUG_HW_PERIOD_BYTES, 64, 65536);
        snd_pcm_ioplug_set_param_minmax(&g->io, SND_PCM_IOPLUG_HW_PERIODS, 2, 64);
        *pcmp = g->io.pcm;
        return 0;
    }

    SND_PCM_PLUGIN_SYMBOL(hallgate);
    """#

    private static let built = LockedValue<Result<String, BuildError>?>(nil)

    struct BuildError: Error, CustomStringConvertible {
        var description: String
    }

    /// The plugin's shared library, compiled once per test process.
    static func library() throws -> String {
        try built.withLock { cached in
            if let cached { return try cached.get() }
            let result = compile()
            cached = result
            return try result.get()
        }
    }

    private static func compile() -> Result<String, BuildError> {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hallguide-gate-\(getpid())")
        let sourceFile = folder.appendingPathComponent("hallgate.c")
        let library = folder.appendingPathComponent("libasound_module_pcm_hallgate.so")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try source.write(to: sourceFile, atomically: true, encoding: .utf8)
        } catch {
            return .failure(BuildError(description: "cannot write the plugin source: \(error)"))
        }
        for compiler in ["cc", "clang", "gcc"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [compiler, "-shared", "-fPIC", "-DPIC", "-O1", "-o", library.path, sourceFile.path, "-lasound"]
            let errors = Pipe()
            process.standardError = errors
            guard (try? process.run()) != nil else { continue }
            let message = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0 { return .success(library.path) }
            return .failure(BuildError(description: "\(compiler) failed: \(String(decoding: message, as: UTF8.self))"))
        }
        return .failure(BuildError(description: "no C compiler (cc, clang, gcc) to build the test ALSA plugin"))
    }
}
