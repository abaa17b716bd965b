#!/bin/sh
# Regenerates the prompt library from prompts/script.tsv with espeak-ng and sox:
# <language>/<prompt id>.wav, 16-bit mono PCM at $RATE Hz (default 16000), leading and
# trailing silence trimmed, peaks normalised to -1 dBFS. Deterministic (no dither).
#
#   prompts/generate.sh            # every recording in script.tsv
#   prompts/generate.sh --script   # first rewrite script.tsv from intents/ (needs pypinyin)
#   RATE=22050 prompts/generate.sh
#
# Needs: apt-get install espeak-ng sox. Real recordings may replace any file, as long as
# the whole library keeps one format (hallctl audio check reports any mismatch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rate=${RATE:-16000}
if [ "${1:-}" = "--script" ]; then
    python3 "$here/make-script.py"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=0
tab=$(printf '\t')
while IFS="$tab" read -r language id text spoken; do
    case "$language" in ''|'#'*) continue ;; esac
    case "$language" in
        zh) voice=cmn-latn-pinyin ;;   # Mandarin phonemes from tone-numbered pinyin
        en) voice=en ;;
        *) echo "script.tsv: unknown language '$language' for $id" >&2; exit 1 ;;
    esac
    out="$here/$language/$id.wav"
    mkdir -p "$(dirname "$out")"
    espeak-ng -v "$voice" -w "$tmp/raw.wav" -- "$spoken"
    sox -q -D "$tmp/raw.wav" -b 16 -c 1 -e signed-integer "$out" \
        gain -3 silence 1 0.01 0.3% reverse silence 1 0.01 0.3% reverse rate -h "$rate" gain -n -1
    count=$((count + 1))
done < "$here/script.tsv"
echo "generated $count recordings at $rate Hz in $here"
