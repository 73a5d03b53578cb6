#!/bin/sh
# The shared library exports exactly the functions the header declares.
set -eu
lib=$1 header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^BSG_API [^(]*[ *]\(bsg_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u >"$tmp/expected"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/actual"
if cmp -s "$tmp/expected" "$tmp/actual"; then
    echo "ok 1 - exports match the header ($(wc -l <"$tmp/expected") functions)"
    echo "1..1"
else
    echo "not ok 1 - exports differ from the header"
    diff "$tmp/expected" "$tmp/actual" | sed 's/^/# /' || true
    echo "1..1"
    exit 1
fi
