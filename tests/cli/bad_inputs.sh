#!/usr/bin/env bash
# The catalogue of bad inputs (docs/bad-inputs.md), run as TAP.
#
#   bad_inputs.sh BSONGUARD TESTS_SOURCE_DIR [--update] [ID ...]
#
# The catalogue is the single source of truth: each entry is a `#### `ID``
# heading, a ```sh block that makes the input and runs `bsonguard`, and a
# result region between `<!-- result -->` and `<!-- /result -->` that holds
# the exit status, standard output and standard error. This script runs every
# entry's block in an empty directory (after the `## Fixtures` block), renders
# what really happened in the same form, and fails each entry whose region
# differs. With --update it writes the real results into the catalogue
# instead, for a reviewed change of messages. IDs restrict the run.
#
# Entries run with `bsonguard` on PATH, a few at a time. An entry marked
# `<!-- skip-unless: mode-bits -->` needs file modes to stop reads. As root
# it runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), so its
# `chmod 000` tests what a normal user sees; where that is not possible it
# is skipped.

set -u

BG=${1:?usage: bad_inputs.sh BSONGUARD TESTS_SOURCE_DIR [--update] [ID ...]}
SRC=${2:?usage: bad_inputs.sh BSONGUARD TESTS_SOURCE_DIR [--update] [ID ...]}
shift 2
UPDATE=false
if [ "${1:-}" = --update ]; then
    UPDATE=true
    shift
fi
ONLY=" $* "
case $BG in /*) ;; *) BG=$PWD/$BG ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
DOC=$SRC/../docs/bad-inputs.md

T=$(mktemp -d "${TMPDIR:-/tmp}/bsonguard-bad.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

export LC_ALL=C
unset NO_COLOR
# Debian's python3 first: the one earlier on PATH may be a pyenv shim.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
export PYTHON MKBSON=$SRC/cli/mkbson.py

# MARK: - The bsonguard the entries call

mkdir "$T/bin"
ln -s "$BG" "$T/bin/bsonguard"
# As root, mode-bits entries run without the capabilities that bypass file
# modes.
WRAP=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
    setpriv --bounding-set -dac_override,-dac_read_search true 2>/dev/null; then
    WRAP=(setpriv --bounding-set "-dac_override,-dac_read_search")
fi

# Does `chmod 000` keep an entry from reading a file?
echo x >"$T/locked"
chmod 000 "$T/locked"
if "${WRAP[@]}" head -c 1 "$T/locked" >/dev/null 2>&1; then MODE_BITS=false; else MODE_BITS=true; fi

# MARK: - Reading the catalogue

# Split the catalogue into $T/cases/NNN.{id,title,script,region,skip,problem}
# and $T/fixtures.sh. A malformed entry gets a `problem` file, so it fails
# instead of passing silently.
split_doc() {
    mkdir "$T/cases"
    awk -v dir="$T/cases" -v fixtures="$T/fixtures.sh" '
        function note(file, text) { print text > (cur "." file); close(cur "." file) }
        /^#### `[a-z0-9-]+`/ && !inblock {
            id = $0; sub(/^#### `/, "", id); sub(/`.*/, "", id)
            title = $0; sub(/^#### `[a-z0-9-]+`:? */, "", title)
            cur = sprintf("%s/%03d", dir, ++n)
            note("id", id); note("title", title)
            incase = 1; scripts = 0; inregion = 0
            next
        }
        /^#+ / && !inblock { incase = 0; next_fixture = ($0 == "## Fixtures"); next }
        /^```sh$/ && !inblock {
            inblock = 1
            if (next_fixture && !incase) { target = fixtures; next_fixture = 0 }
            else if (incase) { target = cur ".script"; scripts++ }
            else target = ""
            if (incase && scripts > 1) note("problem", "more than one sh block")
            next
        }
        /^```/ && inblock && target != "" { inblock = 0; close(target); target = ""; next }
        inblock && target != "" { print > target; next }
        /^```/ { inblock = !inblock }
        incase && $0 == "<!-- result -->" { inregion = 1; region = cur ".region"; printf "" > region; next }
        incase && $0 == "<!-- /result -->" { inregion = 0; close(region); next }
        incase && inregion { print > region; next }
        incase && /^<!-- skip-unless: [a-z-]+ -->$/ {
            s = $0; sub(/^<!-- skip-unless: /, "", s); sub(/ -->$/, "", s); note("skip", s)
        }
    ' "$DOC"
}

# MARK: - Running one entry

# slurp VAR FILE: the file's text without its trailing newlines (no fork).
slurp() {
    local _s=""
    IFS= read -r -d '' _s <"$2"
    _s=${_s%"${_s##*[!$'\n']}"}
    printf -v "$1" '%s' "$_s"
}

# show NAME FILE: one stream, as the catalogue shows it.
show() {
    local text
    slurp text "$2"
    if [ -n "$text" ]; then
        # (the backquotes are a Markdown fence, not a command: SC2016)
        # shellcheck disable=SC2016
        printf '\n%s:\n\n```text\n%s\n```\n' "$1" "$text"
    else
        printf '\n%s: nothing.\n' "$1"
    fi
}

# run_case BASE [WRAPPER...]: run the entry in BASE.work; leaves
# BASE.actual, the result region for what happened.
run_case() {
    local c=$1 rc script=""
    shift
    IFS= read -r -d '' script <"$c.script"
    mkdir "$c.work"
    cd "$c.work" || return
    PATH="$T/bin:$PATH" "$@" bash -c "$FIXTURES"$'\n'"$script" \
        </dev/null >"$c.out" 2>"$c.err"
    rc=$?
    cd "$T" || return
    {
        printf 'Exit status **%s**.\n' "$rc"
        show "Standard output" "$c.out"
        show "Standard error" "$c.err"
    } >"$c.actual"
    # Inputs can be large (16 MiB and more): free the space at once.
    rm -rf "$c.work"
}

skip_reason() {
    case $1 in
    mode-bits) $MODE_BITS || echo "file modes do not stop this user from reading" ;;
    *) echo "unknown skip condition '$1'" ;;
    esac
}

# MARK: - Main

[ -r "$DOC" ] || { echo "Bail out! no catalogue at $DOC"; exit 1; }
split_doc
[ -s "$T/fixtures.sh" ] || { echo "Bail out! no sh block under ## Fixtures in $DOC"; exit 1; }
FIXTURES=$(<"$T/fixtures.sh")

# Decide about each entry, and run the runnable ones a few at a time (a
# sanitizer build pays a startup cost on every run).
JOBS=$(($(nproc 2>/dev/null || echo 1) + 1))
CASES=() DESCS=() VERDICTS=()
running=0
seen=" "
for c in "$T"/cases/*.id; do
    c=${c%.id}
    read -r id <"$c.id"
    read -r title <"$c.title"
    if [ "$ONLY" != "  " ] && [[ $ONLY != *" $id "* ]]; then
        continue
    fi
    why=""
    [[ $seen == *" $id "* ]] && why="the id $id is used twice"
    seen="$seen$id "
    [ -f "$c.problem" ] && read -r why <"$c.problem"
    [ -f "$c.script" ] || why="no sh block"
    [ -f "$c.region" ] || why="no <!-- result --> region"
    reason="" cond=""
    if [ -z "$why" ] && [ -f "$c.skip" ]; then
        read -r cond <"$c.skip"
        reason=$(skip_reason "$cond")
    fi
    CASES+=("$c")
    DESCS+=("$id: $title")
    if [ -n "$why" ]; then
        VERDICTS+=("malformed: $why")
    elif [ -n "$reason" ]; then
        VERDICTS+=("skip: $reason")
    else
        VERDICTS+=(run)
        if [ "$running" -ge "$JOBS" ]; then
            wait -n
            running=$((running - 1))
        fi
        if [ "$cond" = mode-bits ]; then
            run_case "$c" "${WRAP[@]}" &
        else
            run_case "$c" &
        fi
        running=$((running + 1))
    fi
done
wait

# Report in catalogue order.
n=0
failed=0
for i in "${!CASES[@]}"; do
    c=${CASES[i]} desc=${DESCS[i]} verdict=${VERDICTS[i]}
    n=$((n + 1))
    case $verdict in
    skip:*)
        echo "ok $n - $desc # SKIP ${verdict#skip: }"
        ;;
    malformed:*)
        failed=$((failed + 1))
        echo "not ok $n - $desc"
        echo "#   the entry is $verdict"
        ;;
    *)
        if $UPDATE || [ "$(<"$c.region")" = "$(<"$c.actual")" ]; then
            echo "ok $n - $desc"
        else
            failed=$((failed + 1))
            echo "not ok $n - $desc"
            echo "#   the catalogue says (-) and bsonguard did (+):"
            diff -u "$c.region" "$c.actual" | tail -n +3 | sed 's/^/#   /' | head -n 60
        fi
        ;;
    esac
done

# --update: put each entry's actual result in its region.
if $UPDATE; then
    awk -v dir="$T/cases" '
        /^#### `[a-z0-9-]+`/ { cur = sprintf("%s/%03d.actual", dir, ++n) }
        $0 == "<!-- result -->" {
            print
            if ((getline line < cur) > 0) {
                print line
                while ((getline line < cur) > 0) print line
                close(cur)
                skipping = 1
            }
            next
        }
        $0 == "<!-- /result -->" { skipping = 0 }
        !skipping { print }
    ' "$DOC" >"$T/doc.new" && cat "$T/doc.new" >"$DOC"
    echo "# updated $DOC"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
