#ifndef HALLGUIDE_CALSASHIM_H
#define HALLGUIDE_CALSASHIM_H

/// Replaces ALSA's default error handler (which prints to stderr) with one that stays
/// silent: HallGuide reports audio problems through its own logs and status.
void hallguide_alsa_silence_errors(void);

#endif
