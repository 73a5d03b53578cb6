#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root or with sudo):
#   bash tools/dev.sh example   install, build, check the bundled example
#   bash tools/dev.sh test      install, build (normal + ASan/UBSan + TSan + clang), run
#                               every test (and the unit tests under valgrind)
#   bash tools/dev.sh bench     install, build (release), run the benchmark
set -euo pipefail
cd "$(dirname "$0")/.."

# libclang-rt-14-dev: clang's sanitizer and libFuzzer runtimes (the TSan build
# and the fuzzers); Debian's clang only recommends it.
PACKAGES=(build-essential clang libclang-rt-14-dev meson ninja-build pkg-config libbson-dev
          libmongoc-dev check libpcre2-dev valgrind)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
}

# configure DIR [meson options...]: set up once, reconfigure if it exists.
configure() {
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
    ninja -C "$dir"
}

example() {
    configure build
    local bg=build/tools/bsonguard
    echo "== bsonguard lint examples/conversation.bsg"
    "$bg" lint examples/conversation.bsg || true
    echo
    echo "== bsonguard check --schema examples/conversation.bsg --model Conversation examples/conversations.jsonl"
    "$bg" check --schema examples/conversation.bsg --model Conversation examples/conversations.jsonl || true
    echo
    echo "== the same documents as a mongodump .bson file"
    build/examples/jsonl-to-bson examples/conversations.jsonl build/conversations.bson
    "$bg" check --schema examples/conversation.bsg --model Conversation build/conversations.bson || true
    echo
    echo "== the C API example (examples/validate.c)"
    build/examples/validate-example examples/conversation.bsg
}

# The Node packages: real Mongoose 9 for the differential test, and the
# binding's (koffi, bson; Mongoose and ajv for its tests and benchmark).
node_deps() {
    local dir
    for dir in tests/mongoose bindings/node; do
        echo "== npm ci ($dir)"
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    done
}

run_tests() {
    node_deps
    echo "== gcc build, -Dwerror=true"
    configure build -Dwerror=true
    meson test -C build --print-errorlogs
    echo "== the unit tests under valgrind"
    meson test -C build --setup valgrind --suite c --print-errorlogs
    echo "== ASan+UBSan build (the Node tests are skipped here: an ASan library cannot load into node)"
    configure build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C build-asan --print-errorlogs
    echo "== ThreadSanitizer build: many threads validating through one schema"
    CC=clang configure build-tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false \
        -Dbench=false -Dtools=false
    TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --print-errorlogs api
    echo "== clang build, -Dwerror=true"
    CC=clang configure build-clang -Dwerror=true
    meson test -C build-clang --print-errorlogs --suite c
    echo "== libFuzzer: every harness for 40 s (docs/fuzzing.md)"
    bash tools/fuzz.sh ci
}

bench() {
    configure build-release --buildtype=release
    build-release/bench/bsonguard-bench "$@"
}

install_deps
case "${1:-}" in
    example) example ;;
    test) run_tests ;;
    bench) shift; bench "$@" ;;
    *) echo "usage: bash tools/dev.sh example|test|bench" >&2; exit 2 ;;
esac
