#!/usr/bin/env bash
# Builds the fuzzers (libFuzzer + ASan, release) and runs one.
#   Fuzz/run.sh TARGET              60 seconds
#   Fuzz/run.sh TARGET 600          600 seconds
#   Fuzz/run.sh TARGET -runs=N      N executions
#   Fuzz/run.sh TARGET -seed=S …    any other arguments go to libFuzzer
#   FUZZ_NO_BUILD=1 Fuzz/run.sh …   without rebuilding first
# TARGET is one of device-protocol (the default when the first argument is not a target),
# device-json, status-request, hall-files, daemon-config. The corpus grows in
# Fuzz/corpus/TARGET (not committed); it starts from the committed seeds in Fuzz/seeds/TARGET
# and from seeds made here from the repository's vectors and default hall. A crashing input
# lands in Fuzz/artifacts/TARGET/. Memory is bounded: libFuzzer stops the run (a crash
# report) when the process passes -rss_limit_mb or one allocation passes -malloc_limit_mb.
set -euo pipefail
cd "$(dirname "$0")"

targets=(device-protocol device-json status-request hall-files daemon-config)
target=device-protocol
if [ $# -gt 0 ] && [[ " ${targets[*]} " == *" $1 "* ]]; then
    target="$1"
    shift
fi

limit=(-max_total_time=60)
if [ $# -gt 0 ]; then
    case "$1" in
        -runs=*) limit=("$1"); shift ;;
        [0-9]*) limit=(-max_total_time="$1"); shift ;;
    esac
fi

# libFuzzer's runtime without its main ships with the toolchain's clang.
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
runtime="$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -n 1)"
if [ -z "$runtime" ]; then
    echo "run.sh: libclang_rt.fuzzer_no_main not found under $toolchain/lib/clang" >&2
    exit 1
fi

# SwiftPM's -sanitize=fuzzer fails at link; coverage flags plus the no-main runtime work.
# FUZZ_NO_BUILD=1 runs the fuzzers as last built (a long run that must not pick up edits).
[ -n "${FUZZ_NO_BUILD:-}" ] || swift build -c release --scratch-path .build \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$runtime" -Xlinker -lstdc++

generated="seeds-generated/$target"
mkdir -p "corpus/$target" "artifacts/$target" "$generated" "seeds/$target"
python3 - "$target" "$generated" <<'PY'
import json, os, re, sys
target, out = sys.argv[1], sys.argv[2]
def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
if target == "device-protocol":
    # The bytes of every known-answer vector, so the fuzzer starts from valid frames.
    for case in json.load(open("../firmware-protocol/vectors.json", encoding="utf-8"))["cases"]:
        write(case["name"], bytes.fromhex(case["hex"]))
elif target == "device-json":
    for case in json.load(open("../firmware-protocol/vectors-json.json", encoding="utf-8"))["cases"]:
        if "text" in case:
            write(case["name"], case["text"])
elif target == "hall-files":
    # The first byte picks the file kind (fuzz-hall-files/main.swift): 0 map, 1 intents,
    # 2 normalisation tables, 3 calendar. The default hall's files, whole and one list
    # entry at a time (short inputs run fast and reach the same checks).
    def kind_of(path):
        if path.endswith(".calendar.yaml"): return 3
        if path.endswith("normalization.yaml"): return 2
        return 1 if path.startswith("../intents/") else 0
    for folder in ("../maps", "../intents"):
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".yaml"): continue
            path = os.path.join(folder, name)
            text = open(path, encoding="utf-8").read()
            kind = kind_of(path)
            write(f"{kind}-{name}", bytes([kind]) + text.encode())
            # Each top-level section alone, and each of its first entries alone.
            sections = re.split(r"(?m)^(?=[a-z_]+:)", text)
            for i, section in enumerate(s for s in sections if s.strip()):
                write(f"{kind}-{name}-section{i}", bytes([kind]) + section.encode())
                header, *entries = re.split(r"(?m)^(?=  - )", section)
                for j, entry in enumerate(entries[:6]):
                    write(f"{kind}-{name}-section{i}-entry{j}", bytes([kind]) + (header + entry).encode())
elif target == "daemon-config":
    readme = open("../README.md", encoding="utf-8").read()
    block = readme.split("### Configuration", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    write("readme-configuration", block)
    for i, section in enumerate(re.split(r"(?m)^(?=[a-z_]+:)", block)):
        if section.strip(): write(f"readme-section{i}", section)
elif target == "status-request":
    commands = ["status", "version", "devices", "audio", "errors", "flush", "reload", "recall",
                "audio-test", "close", "open", "closures"]
    for command in commands:
        write(command, json.dumps({"command": command}) + "\n")
    write("recall-robot", '{"command":"recall","robot":"robot-north"}\n')
    write("audio-test-place", '{"command":"audio-test","place":"toilet-east"}\n')
    write("close-full", '{"command":"close","target":"window-16","until":"2026-12-08 09:30","reason":"系统维护","reason_en":"maintenance"}\r\n')
    write("two-lines", '{"command":"status"}\n   \n{"command":"open","target":"edge:a,b"}')
PY
# A crash must not hang in Swift's backtracer.
export SWIFT_BACKTRACE=enable=no
exec ".build/release/fuzz-$target" "corpus/$target" "seeds/$target" "$generated" \
    -artifact_prefix="artifacts/$target/" -max_len=4096 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -detect_leaks=1 -print_final_stats=1 "${limit[@]}" "$@"
