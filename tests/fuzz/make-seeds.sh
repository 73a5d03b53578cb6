#!/usr/bin/env bash
# Regenerate the seed corpora of tests/fuzz/corpus/ from the project's own
# examples: the .bsg files, examples/conversations.jsonl, the CLI test data
# and tests/fuzz/seeds.jsonl (documents for the other fuzzed schemas).
# Usage: bash tests/fuzz/make-seeds.sh [BUILD_DIR]   (needs examples/jsonl-to-bson built)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
j2b="$build/examples/jsonl-to-bson"
out=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"/{compile,validate,validate_many,json,wellformed}

# The DSL: every schema file in the tree.
cp examples/conversation.bsg "$out/compile/conversation.bsg"
for f in tests/cli/data/*.bsg; do cp "$f" "$out/compile/cli-$(basename "$f")"; done
cp tests/fuzz/seed-schemas/*.bsg "$out/compile/"

# Documents: one .bson stream per JSON-lines file.
"$j2b" examples/conversations.jsonl "$tmp/conversations.bson"
"$j2b" tests/cli/data/orders-canonical.jsonl "$tmp/orders.bson"
"$j2b" tests/cli/data/orders-relaxed.jsonl "$tmp/orders-relaxed.bson"
"$j2b" tests/fuzz/seeds.jsonl "$tmp/seeds.bson"

# Split streams into documents, and write the harness inputs: a model byte
# and an options byte (tests/fuzz/schemas.c) before the BSON. Models:
# 2 Conversation, 3 Order, 4 Kitchen, 5 Event, 8 Comment, 9 Shape.
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import struct, sys, os
tmp, out = sys.argv[1], sys.argv[2]
def docs(path):
    data = open(path, 'rb').read()
    at = 0
    while at < len(data):
        n = struct.unpack_from('<i', data, at)[0]
        yield data[at:at + n]
        at += n
def write(sub, name, data):
    with open(os.path.join(out, sub, name), 'wb') as f:
        f.write(data)
seed_models = [4, 4, 5, 5, 5, 8, 9, 9, 2, 2, 4, 4]
sources = {
    'conversations': [2] * 6,
    'orders': [3] * 3,
    'orders-relaxed': [3] * 3,
    'seeds': seed_models,
}
extra_opts = [0x03, 0x05, 0x30, 0xE0, 0x0C, 0x12]
for src, models in sources.items():
    stream = list(docs(os.path.join(tmp, src + '.bson')))
    for i, (doc, model) in enumerate(zip(stream, models)):
        write('wellformed', f'{src}-{i}.bson', doc)
        write('validate', f'{src}-{i}.bin', bytes([model, 0]) + doc)
        opts = extra_opts[i % len(extra_opts)]
        write('validate', f'{src}-{i}-opts{opts:02x}.bin', bytes([model, opts]) + doc)
    joined = b''.join(stream)
    write('validate_many', f'{src}.bin', bytes([models[0], 0]) + joined)
    write('validate_many', f'{src}-cut.bin', bytes([models[0], 0x01]) + joined[:-3])
PY

# Extended JSON: the files the CLI tests read, and a dump the sniffer sends
# to the BSON reader.
cp examples/conversations.jsonl "$out/json/conversations.jsonl"
for f in tests/cli/data/*.json tests/cli/data/*.jsonl; do cp "$f" "$out/json/cli-$(basename "$f")"; done
cp tests/fuzz/seeds.jsonl "$out/json/seeds.jsonl"
cp "$tmp/orders.bson" "$out/json/orders.bson"
printf '[{"a":1},\n {"b":[2,{"c":3}]}]\n' > "$out/json/array.json"
printf '{"n":99999999999999999999}\n{"d":{"$numberDecimal":"1e9999"}}\n{"ok":"\\u00e9"}\n' > "$out/json/traps.jsonl"
echo "seeds written to $out: $(find "$out" -type f | wc -l) files"
