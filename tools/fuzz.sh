#!/usr/bin/env bash
# libFuzzer runs of the harnesses in tests/fuzz (docs/fuzzing.md).
#   bash tools/fuzz.sh ci [SECONDS]              every harness for SECONDS (default 40) each;
#                                                fails on any crash, leak, timeout or OOM
#   bash tools/fuzz.sh run HARNESS [SECONDS] [libFuzzer flags...]
#                                                one harness, e.g. for hours (default 3600 s);
#                                                add -jobs=N -workers=N for parallel runs
#   bash tools/fuzz.sh replay [HARNESS...]       the seed corpora and regression inputs only
#   bash tools/fuzz.sh list                      the harness names
# Build: CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined
# -Db_lundef=false (done here when build-fuzz/ does not exist). `run` grows its corpus in
# build-fuzz/corpus/HARNESS; `ci` starts each time from the checked-in seeds (a grown
# corpus would spend the whole budget loading). Findings land in
# build-fuzz/findings/HARNESS/, logs in build-fuzz/logs/. Every harness ends with its
# total executions.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BSG_FUZZ_BUILD:-build-fuzz}
HARNESSES=(compile validate validate_many json wellformed)
SRC=tests/fuzz

# Halt on the first UBSan report, so that it counts as a finding.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}

die() { echo "fuzz.sh: $*" >&2; exit 2; }

known() {
    local h
    for h in "${HARNESSES[@]}"; do [ "$h" = "$1" ] && return 0; done
    return 1
}

build() {
    if [ ! -f "$BUILD/build.ninja" ]; then
        # libFuzzer's runtime is only a Recommends of Debian's clang.
        echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return !d + (int)n; }' |
            clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null ||
            die "clang cannot link -fsanitize=fuzzer: install libclang-rt-14-dev"
        CC=clang meson setup "$BUILD" -Dfuzzing=true -Db_sanitize=address,undefined \
            -Db_lundef=false -Dbench=false -Dtools=false -Dtests=disabled >/dev/null
    fi
    local targets=() name
    for name in "${HARNESSES[@]}"; do targets+=("tests/fuzz/fuzz_$name"); done
    ninja -C "$BUILD" "${targets[@]}" >/dev/null
}

# Per-harness flags: the DSL dictionary for text inputs, room for deep BSON.
flags_for() {
    case "$1" in
        compile) echo "-dict=$SRC/bsg.dict -max_len=8192" ;;
        json) echo "-dict=$SRC/json.dict -max_len=16384" ;;
        *) echo "-max_len=16384" ;;
    esac
}

# The checked-in inputs of a harness: seeds, and regression inputs if any.
inputs_for() {
    local d
    for d in "$SRC/corpus/$1" "$SRC/regressions/$1"; do [ -d "$d" ] && echo "$d"; done
}

count_files() { find "$1" -type f 2>/dev/null | wc -l; }

# Run harness $1 for $2 seconds with working corpus $3; prints its executions;
# nonzero on a finding.
fuzz_one() {
    local h=$1 secs=$2 corpus=$3; shift 3
    local findings="$BUILD/findings/$h" log="$BUILD/logs/$h.log"
    mkdir -p "$corpus" "$findings" "$BUILD/logs"
    local before status=0
    before=$(count_files "$findings")
    # shellcheck disable=SC2046
    "$BUILD/tests/fuzz/fuzz_$h" $(flags_for "$h") -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" "$@" \
        "$corpus" $(inputs_for "$h") >"$log" 2>&1 || status=$?
    local execs found
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    found=$(( $(count_files "$findings") - before ))
    printf '%-14s %10s executions in %ss, corpus %s files' "$h" "${execs:-?}" "$secs" \
        "$(count_files "$corpus")"
    echo "${execs:-0}" >"$BUILD/logs/$h.execs"
    if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
        printf '  FINDING (exit %s), see %s and %s\n' "$status" "$log" "$findings"
        grep -m5 -E 'ERROR|SUMMARY|fuzz_[a-z_]+:|DISAGREE|differ' "$log" >&2 || true
        return 1
    fi
    printf '\n'
}

# Inputs in the source tree must pass before fuzzing starts (-runs=0 replays).
replay() {
    local h failed=0
    for h in "$@"; do
        mkdir -p "$BUILD/logs"
        # shellcheck disable=SC2046
        if ! "$BUILD/tests/fuzz/fuzz_$h" $(flags_for "$h") -runs=0 -timeout=10 \
            -rss_limit_mb=2048 $(inputs_for "$h") >"$BUILD/logs/$h.replay.log" 2>&1; then
            echo "replay of $h failed: $BUILD/logs/$h.replay.log" >&2
            failed=1
        fi
    done
    return $failed
}

run_all() {
    local secs=${1:-40} failed=0 total=0 h
    build
    replay "${HARNESSES[@]}" || exit 1
    echo "== fuzzing every harness for ${secs}s each"
    for h in "${HARNESSES[@]}"; do
        rm -rf "$BUILD/ci-corpus/$h"
        fuzz_one "$h" "$secs" "$BUILD/ci-corpus/$h" || failed=1
        total=$((total + $(cat "$BUILD/logs/$h.execs")))
    done
    echo "== total executions: $total"
    [ "$failed" -eq 0 ] || { echo "fuzz.sh: findings above; reproduce with $BUILD/tests/fuzz/fuzz_HARNESS FILE" >&2; exit 1; }
}

case "${1:-}" in
    ci) shift; run_all "${1:-40}" ;;
    run)
        [ $# -ge 2 ] || die "usage: bash tools/fuzz.sh run HARNESS [SECONDS] [libFuzzer flags...]"
        known "$2" || die "unknown harness '$2' (${HARNESSES[*]})"
        h=$2 secs=${3:-3600}
        shift $(( $# >= 3 ? 3 : 2 ))
        build
        fuzz_one "$h" "$secs" "$BUILD/corpus/$h" "$@" ;;
    replay)
        shift
        build
        if [ $# -eq 0 ]; then set -- "${HARNESSES[@]}"; fi
        for h in "$@"; do known "$h" || die "unknown harness '$h'"; done
        replay "$@" && echo "replayed: $*" ;;
    list) printf '%s\n' "${HARNESSES[@]}" ;;
    *) die "usage: bash tools/fuzz.sh ci [SECONDS] | run HARNESS [SECONDS] [flags...] | replay [HARNESS...] | list" ;;
esac
