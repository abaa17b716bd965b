#!/usr/bin/env bash
# Builds the DeviceProtocol fuzzer (libFuzzer + ASan, release) and runs it.
#   Fuzz/run.sh              60 seconds
#   Fuzz/run.sh 600          600 seconds
#   Fuzz/run.sh -runs=N      N executions
# Any other arguments go to libFuzzer. The corpus grows in Fuzz/corpus and the seeds are
# made from firmware-protocol/vectors.json (neither committed); a crashing input lands in
# Fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"

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
swift build -c release --scratch-path .build \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$runtime" -Xlinker -lstdc++

mkdir -p corpus artifacts seeds
# Seeds: the bytes of every known-answer vector, so the fuzzer starts from valid frames.
python3 - <<'PY'
import json
for case in json.load(open("../firmware-protocol/vectors.json", encoding="utf-8"))["cases"]:
    with open("seeds/" + case["name"], "wb") as f:
        f.write(bytes.fromhex(case["hex"]))
PY
# A crash must not hang in Swift's backtracer.
export SWIFT_BACKTRACE=enable=no
exec .build/release/fuzz-device-protocol corpus seeds \
    -artifact_prefix=artifacts/ -max_len=4096 -print_final_stats=1 "${limit[@]}" "$@"
