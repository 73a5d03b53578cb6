#!/usr/bin/env bash
# End-to-end tests of the bsonguard command-line tool, printed as TAP.
#
#   run.sh BSONGUARD TESTS_SOURCE_DIR
#
# Every test runs the real binary on real files: the fixtures in
# tests/cli/data/, and files made in a temporary directory (binary .bson
# inputs are written by mkbson.py from readable JSON, so each test shows what
# its input holds). Each test asserts the exact exit status and the exact
# output or a part of it.

# Single quotes hold literal `$oid` and backquotes on purpose (SC2016), and
# `pass` never fails, so `cond && pass || fail` is safe (SC2015).
# shellcheck disable=SC2016,SC2015

set -u

BG=${1:?usage: run.sh BSONGUARD TESTS_SOURCE_DIR}
SRC=${2:?usage: run.sh BSONGUARD TESTS_SOURCE_DIR}
DATA=$SRC/cli/data
T=$(mktemp -d "${TMPDIR:-/tmp}/bsonguard-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

# Debian's python3 first: the one earlier on PATH may be a pyenv shim.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
NODE=$(command -v node || true)

export LC_ALL=C
unset NO_COLOR

n=0
failed=0

# MARK: - Helpers

pass() { n=$((n + 1)); echo "ok $n - $1"; }

# fail DESC WHY: report, then show what the binary printed.
fail() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    echo "#   $2"
    sed 's/^/#   stdout: /' "$T/out" | head -n 30
    sed 's/^/#   stderr: /' "$T/err" | head -n 30
}

# run ARGS...: run the binary with stdin from /dev/null.
run() { "$BG" "$@" </dev/null >"$T/out" 2>"$T/err"; rc=$?; }

# run_in FILE ARGS...: run the binary with stdin from FILE.
run_in() {
    local input=$1
    shift
    "$BG" "$@" <"$input" >"$T/out" 2>"$T/err"
    rc=$?
}

# expect DESC STATUS CHECK...: judge the last run. Checks:
#   out=TEXT   stdout is exactly TEXT (trailing newlines aside)
#   err=TEXT   stderr is exactly TEXT
#   out~TEXT   stdout contains the line fragment TEXT
#   err~TEXT   stderr contains TEXT
#   out!TEXT   stdout does not contain TEXT
#   json       every stdout line parses as JSON (needs node)
expect() {
    local desc=$1 want=$2 why="" c
    shift 2
    [ "$rc" = "$want" ] || why="exit status $rc, wanted $want"
    for c in "$@"; do
        case $c in
        out=*) [ "$(cat "$T/out")" = "${c#out=}" ] || why="$why; stdout is not: ${c#out=}" ;;
        err=*) [ "$(cat "$T/err")" = "${c#err=}" ] || why="$why; stderr is not: ${c#err=}" ;;
        out~*) grep -qF -- "${c#out~}" "$T/out" || why="$why; stdout lacks: ${c#out~}" ;;
        err~*) grep -qF -- "${c#err~}" "$T/err" || why="$why; stderr lacks: ${c#err~}" ;;
        out!*) ! grep -qF -- "${c#out!}" "$T/out" || why="$why; stdout has: ${c#out!}" ;;
        json) json_lines_ok || why="$why; stdout is not JSON lines" ;;
        *) why="$why; bad check '$c' in the test itself" ;;
        esac
    done
    if [ -z "$why" ]; then pass "$desc"; else fail "$desc" "${why#; }"; fi
}

json_lines_ok() {
    [ -n "$NODE" ] || return 0
    "$NODE" -e '
        const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
        for (const l of lines) if (l !== "") JSON.parse(l);
    ' "$T/out" 2>/dev/null
}

# mkbson FILE: write the JSON documents on stdin to FILE as BSON.
mkbson() { "$PY" "$SRC/cli/mkbson.py" >"$1"; }

SHOP=$DATA/shop.bsg
OID1='{"$oid":"65a1b2c3d4e5f60718293a01"}'
OID2='{"$oid":"65a1b2c3d4e5f60718293a02"}'
OID3='{"$oid":"65a1b2c3d4e5f60718293a03"}'
REQ_SKU='{"path":"sku","kind":"required","expected":"String","actual":"","message":"Path `sku` is required."}'

# Three orders: valid, missing sku, valid.
mkbson "$T/orders.bson" <<EOF
{"_id":$OID1,"sku":"A-1","qty":2,"tags":["red"]}
{"_id":$OID2,"qty":3}
{"_id":$OID3,"sku":"C-3","qty":{"\$long":"4"}}
EOF
mkbson "$T/valid.bson" <<EOF
{"_id":$OID1,"sku":"A-1","qty":2,"tags":["red","small"]}
{"_id":$OID2,"sku":"B-2","qty":1.5}
EOF

# MARK: - Help, version, usage

run --version
expect "--version names bsonguard and libbson versions" 0 "err="
grep -Eq '^bsonguard 0\.1\.0 \(libbson [0-9]+\.[0-9]+\.[0-9]+\)$' "$T/out" &&
    pass "--version format" || fail "--version format" "not 'bsonguard 0.1.0 (libbson X.Y.Z)'"

run --help
expect "--help documents every flag and the exit statuses" 0 "err=" \
    "out~--schema FILE" "out~--model NAME" "out~--format text|json" "out~--max-errors N" \
    "out~--strict true|false|throw" "out~bsonguard lint FILE" "out~--version" \
    "out~Exit status" "out~  0  " "out~  1  " "out~  2  " "out~NO_COLOR"

run check --help
expect "check --help" 0 "err=" "out~--schema FILE" "out~--max-errors N" "out~Exit status"

run lint --help
expect "lint --help" 0 "err=" "out~bsonguard lint FILE" "out~findings"

run
expect "no command is a usage error" 2 "out=" "err~missing command" "err~Try 'bsonguard --help'."

run frobnicate
expect "unknown command" 2 "err~unknown command 'frobnicate'" "err~Try 'bsonguard --help'."

run check --schema "$SHOP" --frobnicate "$T/valid.bson"
expect "unknown flag" 2 "out=" "err~unknown option '--frobnicate'" "err~Try 'bsonguard --help'."

run check --schema "$SHOP" -x "$T/valid.bson"
expect "unknown short flag" 2 "err~unknown option '-x'"

run check "$T/valid.bson" --schema
expect "flag without its value" 2 "err~option '--schema' needs a value" "err~Try 'bsonguard --help'."

run check "$T/valid.bson"
expect "check without --schema" 2 "err~check needs --schema FILE"

for bad in -1 abc 1.5 "" 4294967296 " 3"; do
    run check --schema "$SHOP" --max-errors "$bad" "$T/valid.bson"
    if [ -z "$bad" ]; then
        expect "--max-errors '' is rejected" 2 "err~option '--max-errors' needs a value"
    else
        expect "--max-errors '$bad' is rejected" 2 "err~invalid value '$bad' for --max-errors" \
            "err~Try 'bsonguard --help'."
    fi
done

run check --schema "$SHOP" --strict maybe "$T/valid.bson"
expect "--strict maybe is rejected" 2 "err~invalid value 'maybe' for --strict (expected true, false or throw)"

run check --schema "$SHOP" --format xml "$T/valid.bson"
expect "--format xml is rejected" 2 "err~invalid value 'xml' for --format"

run lint
expect "lint without a file" 2 "err~lint needs a schema FILE"

run lint "$SHOP" "$SHOP"
expect "lint with two files" 2 "err~lint takes one FILE"

# MARK: - Valid inputs

run check --schema "$SHOP" "$T/valid.bson"
expect ".bson, all valid" 0 "err=" \
    "out=checked 2 documents in 1 source: 2 valid, 0 invalid, 0 errors"

run check --schema "$SHOP" "$DATA/orders-canonical.jsonl"
expect "canonical Extended JSON lines" 0 "err=" \
    "out=checked 3 documents in 1 source: 3 valid, 0 invalid, 0 errors"

run check --schema "$SHOP" "$DATA/orders-relaxed.jsonl" "$DATA/orders-canonical.jsonl"
expect "relaxed Extended JSON lines, two sources" 0 "err=" \
    "out=checked 6 documents in 2 sources: 6 valid, 0 invalid, 0 errors"

run check --schema "$SHOP" --model Order --max-errors 0 --strict true "$T/valid.bson"
expect "every flag with a valid value" 0 "err=" "out~2 valid"

run check --schema="$SHOP" --format=text --max-errors=5 "$T/valid.bson"
expect "--flag=value syntax" 0 "err=" "out~2 valid"

run_in "$T/valid.bson" check --schema "$SHOP" -
expect "stdin '-' sniffed as BSON" 0 "err=" "out~checked 2 documents in 1 source: 2 valid"

run_in "$DATA/orders-relaxed.jsonl" check --schema "$SHOP"
expect "stdin with no DATA sniffed as JSON" 0 "err=" "out~checked 3 documents in 1 source: 3 valid"

# A 123-byte document starts with the byte '{' (0x7B) but is BSON.
mkbson "$T/brace.bson" <<EOF
{"_id":$OID1,"sku":"A-1","note":"$(printf 'x%.0s' $(seq 1 77))"}
EOF
run_in "$T/brace.bson" check --schema "$SHOP" -
expect "stdin BSON whose first byte is '{' is still BSON" 0 "err=" "out~1 valid"
[ "$(head -c 1 "$T/brace.bson")" = "{" ] && pass "that BSON input does start with '{'" ||
    fail "that BSON input does start with '{'" "the test input is wrong"

printf '\xef\xbb\xbf{"sku":"A-1"}\r\n{"sku":"B-2"}\r\n' >"$T/bom.jsonl"
run check --schema "$SHOP" "$T/bom.jsonl"
expect "UTF-8 BOM and CRLF line ends" 0 "err=" "out~2 valid"

printf '{\n  "sku": "A-1",\n  "qty": 2\n}\n{"sku": "B-2"}\n' >"$T/pretty.json"
run check --schema "$SHOP" "$T/pretty.json"
expect "a document spanning several lines" 0 "err=" "out~2 valid"

: >"$T/empty.bson"
: >"$T/empty.jsonl"
run check --schema "$SHOP" "$T/empty.bson" "$T/empty.jsonl"
expect "empty files hold zero documents" 0 "err=" \
    "out=checked 0 documents in 2 sources: 0 valid, 0 invalid, 0 errors"

run_in /dev/null check --schema "$SHOP"
expect "empty stdin" 0 "err=" "out~checked 0 documents in 1 source"

printf '[]\n' >"$T/empty-array.json"
run check --schema "$SHOP" "$T/empty-array.json"
expect "empty JSON array" 0 "err=" "out~checked 0 documents"

# MARK: - Invalid documents

run check --schema "$SHOP" "$T/orders.bson"
expect "text report of an invalid .bson document" 1 "err=" \
    "out~orders.bson #1 (_id: ObjectId(\"65a1b2c3d4e5f60718293a02\")):" \
    "out~  sku  required  Path \`sku\` is required." \
    "out~checked 3 documents in 1 source: 2 valid, 1 invalid, 1 error" \
    "out!"$'\033'

run check --schema "$SHOP" --format json "$T/orders.bson"
expect "JSON report of an invalid .bson document" 1 "err=" json \
    "out={\"source\":\"$T/orders.bson\",\"index\":1,\"_id\":{ \"\$oid\" : \"65a1b2c3d4e5f60718293a02\" },\"errors\":[$REQ_SKU]}"

run check --schema "$SHOP" --format json "$DATA/orders-array.json"
expect "JSON array: index is the element position, with its line" 1 "err=" json \
    "out~\"index\":1,\"line\":3," "out~\"index\":2,\"line\":4," "out~\"path\":\"tags.1\",\"kind\":\"type\"" \
    "out~\"path\":\"qty\",\"kind\":\"min\""

run check --schema "$SHOP" "$DATA/orders-array.json"
expect "text report names array elements by index" 1 "out~orders-array.json #1, line 3 (_id: ObjectId(\"65a1b2c3d4e5f60718293a02\")):"

mkbson "$T/many.bson" <<EOF
{"qty":0,"tags":[1,2,3]}
EOF
run check --schema "$SHOP" --format json --max-errors 2 "$T/many.bson"
expect "--max-errors caps errors and marks the report truncated" 1 json \
    "out~,\"truncated\":true}"
run check --schema "$SHOP" --max-errors 2 "$T/many.bson"
expect "text notes the truncation" 1 "out~more errors not shown" "out~2 errors"

mkbson "$T/extra.bson" <<EOF
{"sku":"A-1","colour":"red"}
EOF
run check --schema "$SHOP" "$T/extra.bson"
expect "unknown path ignored by default" 0
run check --schema "$SHOP" --strict throw --format json "$T/extra.bson"
expect "--strict throw reports unknown paths" 1 json "out~\"path\":\"colour\",\"kind\":\"unknown\""

# MARK: - Models and schemas

run check --schema "$DATA/two.bsg" "$T/valid.bson"
expect "two schemas and no --model" 2 "out=" "err~declares 2 schemas (Customer, Order)" \
    "err~--model"
run check --schema "$DATA/two.bsg" --model Order "$T/valid.bson"
expect "--model picks one of two" 0 "out~2 valid"
run check --schema "$DATA/two.bsg" --model Customer --format json "$T/valid.bson"
expect "--model Customer" 1 json "out~\"path\":\"name\",\"kind\":\"required\""
run check --schema "$DATA/two.bsg" --model Nope "$T/valid.bson"
expect "--model that does not exist" 2 "out=" "err~no schema named 'Nope'" "err~Customer, Order"

run check --schema "$DATA/broken.bsg" "$T/valid.bson"
expect "schema that does not compile" 2 "out=" "err~broken.bsg:3:" "err~error"
run check --schema "$T/nope.bsg" "$T/valid.bson"
expect "schema file missing" 2 "out=" "err~nope.bsg"

# MARK: - Damaged .bson framing

head -c 120 "$T/orders.bson" >"$T/trunc.bson"
run check --schema "$SHOP" --format json "$T/trunc.bson"
expect "truncated last document" 1 json \
    "err=bsonguard: $T/trunc.bson: document 2 at byte 97: truncated (needs 48 bytes, 23 left); stopped reading this file" \
    "out~\"index\":1," \
    "out~{\"source\":\"$T/trunc.bson\",\"index\":2,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$T/trunc.bson: document 2 at byte 97: truncated (needs 48 bytes, 23 left)\"}]}"

run check --schema "$SHOP" "$T/trunc.bson"
expect "truncated: text report and summary count it" 1 \
    "out~trunc.bson #2:" "out~malformed" "out~checked 3 documents in 1 source: 1 valid, 2 invalid, 2 errors"

{ cat "$T/valid.bson"; printf '\001\002'; } >"$T/trail.bson"
run check --schema "$SHOP" "$T/trail.bson"
expect "trailing bytes after the last document" 1 \
    "err~trail.bson: document 2 at byte 127: 2 trailing bytes after the last document; stopped reading this file" \
    "out~2 valid, 1 invalid"

{ cat "$T/valid.bson"; printf '\377\377\377\177'; cat "$T/valid.bson"; } >"$T/badlen.bson"
run check --schema "$SHOP" "$T/badlen.bson"
expect "length prefix over 16 MiB stops the file" 1 \
    "err~badlen.bson: document 2 at byte 127: length prefix 2147483647 is not a document length" \
    "out~checked 3 documents in 1 source: 2 valid, 1 invalid"

{ printf '\003\000\000\000'; } >"$T/tiny.bson"
run check --schema "$SHOP" "$T/tiny.bson"
expect "length prefix under 5" 1 "err~document 0 at byte 0: length prefix 3"

mkbson "$T/utf8.bson" <<EOF
{"sku":{"\$rawstr":"41ff42"}}
{"qty":2}
EOF
run check --schema "$SHOP" --format json "$T/utf8.bson"
expect "damage inside a framed document: reported, next document still checked" 1 json \
    "out~\"index\":0,\"_id\":null,\"errors\":[{\"path\":\"" "out~\"kind\":\"malformed\"" \
    "out~\"index\":1,\"_id\":null,\"errors\":[$REQ_SKU]"

run_in "$T/trunc.bson" check --schema "$SHOP"
expect "truncated stdin" 1 "err~-: document 2 at byte 97: truncated (needs 48 bytes, 23 left)" "err~stopped reading standard input"

# MARK: - Extended JSON traps

run check --schema "$SHOP" --format json "$DATA/orders-bad.jsonl"
B=$DATA/orders-bad.jsonl
expect "bad JSON lines: each reported with its line, the rest still checked" 1 json \
    "out~{\"source\":\"$B\",\"index\":1,\"line\":2,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$B:2:56: invalid JSON: " \
    "out~{\"source\":\"$B\",\"index\":2,\"line\":3,\"_id\":{ \"\$oid\" : \"65a1b2c3d4e5f60718293a03\" },\"errors\":[$REQ_SKU]}" \
    "out~\"index\":3,\"line\":5,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$B:5:62: integer 18446744073709551616 does not fit in 64 bits" \
    "out~\"index\":4,\"line\":6,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$B:6:80: \$numberDecimal \\\"1E+99999\\\" is not a valid Decimal128" \
    "out~\"index\":5,\"line\":7,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$B:7:1: expected a JSON object, found \`42\`\"}]}" \
    "out~\"index\":6,\"line\":8,\"_id\":{ \"\$oid\" : \"65a1b2c3d4e5f60718293a06\" },\"errors\":[{\"path\":\"sku\",\"kind\":\"key\"" \
    "out!\"line\":9"
[ "$(wc -l <"$T/out")" = 6 ] && pass "bad JSON lines: six invalid documents, none more" ||
    fail "bad JSON lines: six invalid documents, none more" "$(wc -l <"$T/out") lines"

run check --schema "$SHOP" "$DATA/orders-bad.jsonl"
expect "bad JSON lines: text report" 1 "out~orders-bad.jsonl line 2:" \
    "out~checked 8 documents in 1 source: 2 valid, 6 invalid"

printf '{"n": -9223372036854775808, "sku": "ok"}\n{"n": -9223372036854775809}\n{"n": 9223372036854775807, "sku": "ok"}\n{"n": 1e400000000000000000000, "sku": "x"}\n' >"$T/ints.jsonl"
run check --schema "$SHOP" --format json "$T/ints.jsonl"
expect "int64 limits: in range parses, one past is reported" 1 json \
    "out~\"index\":1,\"line\":2," "out~:2:7: integer -9223372036854775809 does not fit in 64 bits" \
    "out!\"index\":0," "out!\"index\":2," "out~:4:1: invalid JSON: Number \\\"1e400000000000000000000\\\" is out of range"

printf '{"sku": "18446744073709551616", "n18446744073709551616": 1}\n' >"$T/instring.jsonl"
run check --schema "$SHOP" "$T/instring.jsonl"
expect "digits inside strings are not integers" 0 "out~1 valid"

printf '{"sku":"a","qty":{"$numberDecimal":"NaN"}}\n{"sku":"b","qty":{"\\u0024numberDecimal":"12x"}}\n' >"$T/dec.jsonl"
run check --schema "$SHOP" --format json "$T/dec.jsonl"
expect "\$numberDecimal: NaN spelled out is a value, garbage is reported" 1 json \
    "out~:2:41: \$numberDecimal \\\"12x\\\" is not a valid Decimal128"

printf '[{"sku":"a"}, 5, "s", [1], {"qty":2}]\n' >"$T/arr.json"
run check --schema "$SHOP" --format json "$T/arr.json"
expect "array elements that are not objects" 1 json \
    "out~\"index\":1,\"line\":1,\"_id\":null,\"errors\":[{\"path\":\"\",\"kind\":\"malformed\",\"expected\":\"\",\"actual\":\"\",\"message\":\"$T/arr.json:1:15: array element 1 is not a JSON object (found \`5\`)\"}]}" \
    "out~array element 2 is not a JSON object (found \`\\\"s\\\"\`)" \
    "out~array element 3 is not a JSON object (found \`[1]\`)" \
    "out~\"index\":4,\"line\":1,\"_id\":null,\"errors\":[$REQ_SKU]"

printf '[{"sku":"a"}] {"sku":"b"}\n' >"$T/arrtail.json"
run check --schema "$SHOP" "$T/arrtail.json"
expect "text after the top-level array" 1 "err~arrtail.json:1:15: unexpected \`{\` after the top-level array" \
    "out~arrtail.json #1, line 1:" "out~1 valid, 1 invalid"

printf '[{"sku":"a"},\n{"sku":"b"}\n' >"$T/arropen.json"
run check --schema "$SHOP" "$T/arropen.json"
expect "unclosed top-level array" 1 "err~the top-level array is not closed" "out~2 valid, 1 invalid"

printf '[{"sku":"a"} {"sku":"b"}]\n' >"$T/arrsep.json"
run check --schema "$SHOP" "$T/arrsep.json"
expect "missing comma between array elements" 1 "err~arrsep.json:1:14: invalid JSON: expected \`,\` or \`]\` after array element 0"

printf '{"sku":"a\n{"sku":"b"}\n{"sku": {"x": 1}\n{"sku":"c"}\n' >"$T/unclosed.jsonl"
run check --schema "$SHOP" --format json "$T/unclosed.jsonl"
expect "unclosed string and object: resumes at the next line" 1 json \
    "out~\"index\":0,\"line\":1,\"_id\":null" "out~a string is not closed before the end of line 1" \
    "out~\"index\":2,\"line\":3,\"_id\":null" "out~the document is not closed before line 4" \
    "out!\"index\":1," "out!\"index\":3,"

printf '{"sku":"a"}\nhello world\n}\n{"sku":"b"}garbage\n' >"$T/junk.jsonl"
run check --schema "$SHOP" "$T/junk.jsonl"
expect "non-object lines" 1 "out~junk.jsonl:2:1: expected a JSON object, found \`hello world\`" \
    "out~junk.jsonl:3:1: expected a JSON object, found \`}\`" \
    "out~junk.jsonl:4:12: expected a JSON object, found \`garbage\`" \
    "out~checked 5 documents in 1 source: 2 valid, 3 invalid"

# MARK: - Argument forms

printf '{"qty":2}\n' >"$T/-dash.jsonl"
(cd "$T" && "$BG" check --schema "$SHOP" --format json -- -dash.jsonl </dev/null >"$T/out" 2>"$T/err")
rc=$?
expect "after --, an argument starting with - is DATA" 1 json "out~{\"source\":\"-dash.jsonl\",\"index\":0,\"line\":1,"

run check "$T/valid.bson" --format json --schema "$SHOP"
expect "flags after DATA" 0 "out="

# MARK: - Terminal output

# script(1) gives the binary a pseudo-terminal as standard output.
if command -v script >/dev/null 2>&1; then
    script -qec "'$BG' check --schema '$SHOP' '$T/orders.bson'" /dev/null </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    expect "colour on a terminal: bold path, red kind" 1 "out~"$'\033[1msku\033[0m  \033[31mrequired\033[0m'
    NO_COLOR=1 script -qec "'$BG' check --schema '$SHOP' '$T/orders.bson'" /dev/null </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    expect "NO_COLOR turns colour off" 1 "out~  sku  required  Path" "out!"$'\033'
else
    n=$((n + 1)); echo "ok $n - # SKIP colour on a terminal: no script(1)"
    n=$((n + 1)); echo "ok $n - # SKIP NO_COLOR: no script(1)"
fi

# MARK: - Files that cannot be read

run check --schema "$SHOP" "$T/missing.bson" "$T/orders.bson"
expect "missing file: exit 2, other files still checked" 2 \
    "err=bsonguard: $T/missing.bson: No such file or directory" "out~orders.bson #1" \
    "out~checked 3 documents in 1 source"

mkdir "$T/dir.bson"
run check --schema "$SHOP" "$T/dir.bson" "$T/valid.bson"
expect "directory: exit 2, other files still checked" 2 \
    "err=bsonguard: $T/dir.bson: Is a directory" "out~2 valid"

# MARK: - Untrusted bytes in output

printf '{"sku":"a","x\\u0001\\u001bk":1}\n' >"$T/ctl.jsonl"
run check --schema "$SHOP" --strict throw --format json "$T/ctl.jsonl"
expect "control characters in a path are escaped in JSON" 1 json "out~\"path\":\"x\\u0001\\u001bk\""
run check --schema "$SHOP" --strict throw "$T/ctl.jsonl"
expect "control characters in a path are escaped in text" 1 "out~x\\x01\\x1bk" "out!"$'\033'

cp "$T/orders.bson" "$T/we\"ird"$'\377'".bson"
run check --schema "$SHOP" --format json "$T/we\"ird"$'\377'".bson"
expect "quote and invalid UTF-8 in a file name" 1 json "out~we\\\"ird\\ufffd.bson\",\"index\":1"

# MARK: - Limits

# Each limit flag, at its bound and one past it.
printf '%s\n' '{"sku":"A","qty":1,"tags":["a","b","c"]}' >"$T/tags3.jsonl"
run check --schema "$SHOP" --max-array-length 3 "$T/tags3.jsonl"
expect "--max-array-length: at the bound" 0 "err="
run check --schema "$SHOP" --max-array-length=2 --format json "$T/tags3.jsonl"
expect "--max-array-length: past the bound" 1 json \
    'out~{"path":"tags","kind":"limit","expected":"","actual":"array","message":"Path `tags` has more than the configured 2 array elements"'

printf '%s\n' '{"sku":"A","qty":1,"meta":{"a":{"b":1}}}' >"$T/deep.jsonl"
printf 'schema S { sku: String, qty: Number, meta: Mixed }\n' >"$T/mixed.bsg"
run check --schema "$T/mixed.bsg" --max-depth 3 "$T/deep.jsonl"
expect "--max-depth: at the bound" 0 "err="
run check --schema "$T/mixed.bsg" --max-depth 2 --format json "$T/deep.jsonl"
expect "--max-depth: past the bound" 1 'out~"path":"meta.a","kind":"limit"' \
    'out~nests deeper than the configured depth limit (2)'

size=$(( $(printf '%s' '{"sku":"A"}' | "$PY" "$SRC/cli/mkbson.py" | wc -c) ))
printf '%s\n' '{"sku":"A"}' >"$T/small.jsonl"
run check --schema "$SHOP" --max-size "$size" "$T/small.jsonl"
expect "--max-size: at the bound ($size bytes)" 0 "err="
run check --schema "$SHOP" --max-size $((size - 1)) --format json "$T/small.jsonl"
expect "--max-size: past the bound" 1 "out~\"kind\":\"limit\"" \
    "out~document is $size bytes, over the configured limit of $((size - 1)) bytes"

schema_size=$(wc -c <"$SHOP")
run check --schema "$SHOP" --max-schema-size "$schema_size" "$T/small.jsonl"
expect "--max-schema-size: at the bound" 0 "err="
run check --schema "$SHOP" --max-schema-size $((schema_size - 1)) "$T/small.jsonl"
expect "--max-schema-size: past the bound" 2 "out=" \
    "err~the schema file is larger than the limit of $((schema_size - 1)) bytes"
run lint --max-schema-size $((schema_size - 1)) "$SHOP"
expect "lint --max-schema-size" 2 "out=" "err~larger than the limit"

printf 'schema S { a: { b: { c: String } } }\n' >"$T/nest.bsg"
run lint --max-schema-depth 3 "$T/nest.bsg"
expect "--max-schema-depth: at the bound" 0
run lint --max-schema-depth 2 "$T/nest.bsg"
expect "--max-schema-depth: past the bound" 2 \
    "err~nest.bsg:1:20: error: nesting is deeper than 2 levels of objects and arrays"

printf 'schema S { s: { type: String, match: /^(a+)+$/ } }\n' >"$T/redos.bsg"
printf '{"s":"%s!"}\n' "$(printf 'a%.0s' $(seq 60))" >"$T/redos.jsonl"
run check --schema "$T/redos.bsg" --format json "$T/redos.jsonl"
expect "catastrophic backtracking ends with kind limit" 1 \
    'out~"path":"s","kind":"limit"' 'out~the regular expression gave up (match limit reached)'
printf '{"s":"aaaa"}\n' >"$T/redos-ok.jsonl"
run check --schema "$T/redos.bsg" --regex-match-limit 1000 "$T/redos-ok.jsonl"
expect "--regex-match-limit: room for a short subject" 0
run check --schema "$T/redos.bsg" --regex-match-limit 1 --format json "$T/redos-ok.jsonl"
expect "--regex-match-limit: too little room" 1 'out~"kind":"limit"'
run check --schema "$T/redos.bsg" --regex-depth-limit 5000 "$T/redos-ok.jsonl"
expect "--regex-depth-limit takes a count" 0

run check --schema "$SHOP" --max-array-length -1 "$T/small.jsonl"
expect "limit flags reject negative values" 2 "out=" \
    "err~invalid value '-1' for --max-array-length (expected an integer from 0 to 4294967295)"
run check --schema "$SHOP" --max-depth 4294967296 "$T/small.jsonl"
expect "limit flags reject values over 32 bits" 2 "out=" "err~invalid value '4294967296'"
run lint --max-array-length 3 "$SHOP"
expect "lint takes only the schema limits" 2 "out=" "err~unknown option '--max-array-length'"

run check --schema "$SHOP" --schema "$SHOP" "$T/small.jsonl"
expect "an option given twice is a usage error" 2 "out=" "err~option '--schema' is given twice"
run --schema "$SHOP" check "$T/small.jsonl"
expect "an option before the command says where it goes" 2 "out=" \
    "err~'--schema' comes after the command: bsonguard check|lint --schema ..."

# MARK: - lint

run lint "$SHOP"
expect "lint: clean schema" 0 "err=" "out=0 findings"

run lint "$DATA/hazards.bsg"
expect "lint: hazards are warnings with positions" 1 "err=" "out~hazards.bsg:4:" \
    "out~warning" "out~hazards.bsg:5:" "out~findings"

run lint --format json "$DATA/hazards.bsg"
expect "lint --format json: one object per finding" 1 "err=" json \
    "out~{\"file\":\"$DATA/hazards.bsg\",\"line\":4,\"column\":" "out~\"code\":" "out~\"hint\":" \
    "out!findings"

run lint "$DATA/broken.bsg"
expect "lint: schema that does not compile" 2 "out=" "err~broken.bsg:3:" "err~error"

run lint "$T/nope.bsg"
expect "lint: missing file" 2 "out=" "err~nope.bsg"

echo "1..$n"
[ "$failed" -eq 0 ]
