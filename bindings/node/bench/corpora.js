'use strict';
// The C benchmark's corpora (bench/corpus.c), byte for byte: the C program
// writes them with `bsonguard-bench --write DIR`, this reads them back and
// splits each .bson file into its documents.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

// The model each corpus is generated for (bench/corpus.c, bench_specs).
const MODELS = { conversation: 'Conversation', small: 'Event', deepwide: 'Forest' };

// Views into `bytes`, one per document, by each document's length prefix.
function split(bytes) {
  const docs = [];
  for (let at = 0; at < bytes.length;) {
    const len = bytes.readInt32LE(at);
    if (len < 5 || at + len > bytes.length) throw new Error(`corpus: bad length prefix at byte ${at}`);
    docs.push(bytes.subarray(at, at + len));
    at += len;
  }
  return docs;
}

/**
 Run the C generator and load every corpus named in `names` (all when empty).
 @param bin   Path of bsonguard-bench.
 @param quick The generator's small corpora (its --quick sizes).
 */
function loadCorpora(bin, { quick = false, names = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsonguard-bench-'));
  try {
    const args = [...(quick ? ['--quick'] : []), ...names.flatMap(n => ['--corpus', n]), '--write', dir];
    const run = spawnSync(bin, args, { encoding: 'utf8' });
    if (run.error) throw new Error(`cannot run ${bin}: ${run.error.message} (build it, or pass --bench-bin)`);
    if (run.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return Object.keys(MODELS).filter(n => names.length === 0 || names.includes(n)).map(name => {
      const bytes = fs.readFileSync(path.join(dir, `${name}.bson`));
      const bsg = fs.readFileSync(path.join(dir, `${name}.bsg`), 'utf8');
      return { name, model: MODELS[name], bsg, bytes, docs: split(bytes) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { loadCorpora, MODELS };
