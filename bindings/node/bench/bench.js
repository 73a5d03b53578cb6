#!/usr/bin/env node
'use strict';
// npm run bench: bsonguard from Node next to what Node users run today, on
// the C benchmark's corpora (bench/corpus.c), in one run:
//
//   bsonguard validate()         one FFI call per document
//   bsonguard validateMany()     one FFI call per batch (a Buffer slice, or an
//                                array of Buffers, which adds Buffer.concat)
//   BSON.deserialize + ajv       an equivalent JSON Schema (json-schemas.js)
//   Mongoose                     new Model(raw).validateSync() on objects
//                                already deserialized (deserialize not timed)
//
// and the per-call floor: a koffi call straight into bsg_validate, and
// validate() around it, on an empty document.
//
//   node bench/bench.js [--quick] [--corpus NAME]... [--json] [--reps N]
//                       [--min-time S] [--batch N] [--bench-bin PATH]
//
// The library is BSONGUARD_LIBRARY, else build-release/ or build/ of this
// checkout; the corpora come from bsonguard-bench --write.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');

function parseArgs(argv) {
  const cfg = { quick: false, corpora: [], json: false, reps: 5, minTime: 0.3, batch: 1000, bin: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--quick') cfg.quick = true;
    else if (a === '--json') cfg.json = true;
    else if (a === '--corpus') cfg.corpora.push(value());
    else if (a === '--reps') cfg.reps = positive(a, value());
    else if (a === '--min-time') cfg.minTime = positive(a, value());
    else if (a === '--batch') cfg.batch = positive(a, value());
    else if (a === '--bench-bin') cfg.bin = value();
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (cfg.quick) {
    cfg.reps = Math.min(cfg.reps, 2);
    cfg.minTime = Math.min(cfg.minTime, 0.05);
  }
  return cfg;
}

function positive(flag, text) {
  const n = Number(text);
  if (!(n > 0)) usage(`${flag} needs a positive number, got ${text}`);
  return n;
}

function usage(problem) {
  const text = 'usage: node bench/bench.js [--quick] [--corpus NAME]... [--json] [--reps N]\n' +
    '                          [--min-time S] [--batch N] [--bench-bin PATH]\n';
  if (problem) { process.stderr.write(`bench: ${problem}\n${text}`); process.exit(2); }
  process.stdout.write(text);
  process.exit(0);
}

// The first build directory of this checkout that has `file`.
function inTree(file) {
  for (const dir of ['build-release', 'build']) {
    const p = path.join(ROOT, dir, file);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const cfg = parseArgs(process.argv.slice(2));
if (!process.env.BSONGUARD_LIBRARY && inTree('libbsonguard.so')) process.env.BSONGUARD_LIBRARY = inTree('libbsonguard.so');

const { BSON } = require('bson');
const mongoose = require('mongoose');
const bsonguard = require('..');
const ffi = require('../lib/ffi');
const { loadCorpora } = require('./corpora');
const { ajvValidator } = require('./json-schemas');
const { mongooseModel } = require('./mongoose-models');
const { mutations } = require('./mutations');

/* MARK: - Timing */

const now = () => Number(process.hrtime.bigint()) / 1e9;

// Units of work: `size` documents at a time, so that the clock is read
// rarely; each unit knows its documents and bytes.
function units(docs, size, make) {
  const out = [];
  for (let i = 0; i < docs.length; i += size) {
    const part = docs.slice(i, i + size);
    out.push({ work: make(part, i), docs: part.length, bytes: part.reduce((n, d) => n + d.length, 0) });
  }
  return out;
}

// One repetition: whole units, cycling over the corpus, for at least minTime.
function repetition(method, minTime) {
  let docs = 0;
  let bytes = 0;
  let i = 0;
  const start = now();
  let elapsed;
  do {
    const u = method.units[i++ % method.units.length];
    method.run(u.work);
    docs += u.docs;
    bytes += u.bytes;
    elapsed = now() - start;
  } while (elapsed < minTime);
  return { seconds: elapsed, docs, bytes };
}

// Best of `reps` repetitions per method, taken round-robin so that a slow
// moment of the machine does not fall on one method only.
function measure(methods, reps, minTime) {
  const best = methods.map(() => null);
  for (let r = 0; r < reps; r++) {
    methods.forEach((m, k) => {
      const t = repetition(m, minTime);
      if (best[k] === null || t.bytes / t.seconds > best[k].bytes / best[k].seconds) best[k] = t;
    });
  }
  return methods.map((m, k) => ({
    method: m.name,
    mbPerSec: best[k].bytes / best[k].seconds / 1e6,
    docsPerSec: best[k].docs / best[k].seconds,
    usPerDoc: (best[k].seconds / best[k].docs) * 1e6,
  }));
}

/* MARK: - Methods */

// Mongoose 9.12 deprecated validateSync() and warns on every call; the warning
// is not validation work, so the method it wraps is called when it exists.
function mongooseCheck(doc) {
  return typeof doc.$__validateSync === 'function' ? doc.$__validateSync() : doc.validateSync();
}

function mongooseInvalid(Model, raw) {
  try {
    return mongooseCheck(new Model(raw)) !== undefined;
  } catch {
    return true; // strict: 'throw' rejects unknown paths in the constructor
  }
}

// The slice of `bytes` that holds the documents `part` (views into it).
function contiguous(bytes, part) {
  const last = part[part.length - 1];
  return bytes.subarray(part[0].byteOffset - bytes.byteOffset, last.byteOffset - bytes.byteOffset + last.length);
}

function methodsFor(corpus, validator, ajv, Model, batch) {
  const raws = corpus.docs.map(d => BSON.deserialize(d));
  let sink = 0; // results are consumed, so that no work can be skipped
  const methods = [
    { name: 'bsonguard validateMany (Buffer slices)',
      units: units(corpus.docs, batch, part => contiguous(corpus.bytes, part)),
      run: slice => { sink += validator.validateMany(slice).invalidCount; } },
    { name: 'bsonguard validateMany (arrays of Buffers)',
      units: units(corpus.docs, batch, part => part),
      run: list => { sink += validator.validateMany(list).invalidCount; } },
    { name: 'bsonguard validate, one call per document',
      units: units(corpus.docs, 64, part => part),
      run: list => { for (const d of list) sink += validator.validate(d).valid ? 0 : 1; } },
    { name: 'BSON.deserialize + ajv',
      units: units(corpus.docs, 16, part => part),
      run: list => { for (const d of list) sink += ajv(BSON.deserialize(d)) ? 0 : 1; } },
    { name: 'Mongoose new Model(raw).validateSync()',
      units: units(corpus.docs, 4, (part, at) => raws.slice(at, at + part.length)),
      run: list => { for (const raw of list) sink += mongooseCheck(new Model(raw)) === undefined ? 0 : 1; } },
  ];
  return { methods, invalidSeen: () => sink };
}

/* MARK: - Agreement */

// Before timing: every method accepts the corpus documents (Mongoose, being
// slow, an evenly spaced sample of at most MONGOOSE_SAMPLE) and rejects each
// mutated one, so the figures compare the same verdicts.
const MONGOOSE_SAMPLE = 200;

function agreement(corpus, validator, ajv, Model) {
  const verdicts = d => [!validator.validate(d).valid, !ajv(BSON.deserialize(d)), mongooseInvalid(Model, BSON.deserialize(d))];
  const disagreements = [];
  const step = Math.ceil(corpus.docs.length / MONGOOSE_SAMPLE);
  corpus.docs.forEach((d, i) => {
    const v = i % step === 0 ? verdicts(d) : [!validator.validate(d).valid, !ajv(BSON.deserialize(d))];
    if (v.some(Boolean)) disagreements.push(`document ${i}: invalid for [bsonguard, ajv, Mongoose] = ${v}`);
  });
  const bad = mutations(corpus.model, BSON.deserialize(corpus.docs[0]));
  for (const [what, doc] of bad) {
    const bytes = BSON.serialize(doc, { ignoreUndefined: false });
    const v = verdicts(bytes);
    if (!v.every(Boolean)) disagreements.push(`mutation "${what}": invalid for [bsonguard, ajv, Mongoose] = ${v}`);
  }
  return { valid: corpus.docs.length, mongooseSample: Math.ceil(corpus.docs.length / step), mutated: bad.length,
    disagreements };
}

/* MARK: - Per-call floor */

function floor(minTime, reps) {
  const set = bsonguard.compile('schema Empty { }');
  const v = set.model('Empty');
  const empty = BSON.serialize({});
  const source = Buffer.from('schema Empty { }');
  const schema = ffi.bsg_schema_compile(source, source.length, null, null, {});
  const model = ffi.bsg_schema_model(schema, 'Empty');
  const result = ffi.bsg_result_new();
  const empties = Array(1000).fill(empty);
  const rows = measure([
    { name: 'koffi call into bsg_validate', units: units(empties, 1000, p => p),
      run: list => { for (const d of list) ffi.bsg_validate(model, d, d.length, null, result); } },
    { name: 'validate()', units: units(empties, 1000, p => p),
      run: list => { for (const d of list) v.validate(d); } },
    { name: 'validateMany() of one document', units: units(empties, 1000, p => p),
      run: list => { for (const d of list) v.validateMany(d); } },
  ], reps, minTime);
  set.close();
  ffi.bsg_result_free(result);
  ffi.bsg_schema_free(schema);
  return rows.map(r => ({ call: r.method, ns: r.usPerDoc * 1000 }));
}

/* MARK: - Output */

const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printCorpus(c) {
  console.log(`\n${c.name}: ${c.docs} documents, ${fmt(c.bytes / 1e6)} MB (${fmt(c.bytes / c.docs / 1024)} KB each), ` +
    `model ${c.model}; batches of ${c.batch}`);
  console.log(`  agreement: bsonguard and ajv accept the ${c.agreement.valid} documents, Mongoose ` +
    `${c.agreement.mongooseSample} of them; all three reject ${c.agreement.mutated} mutated ones` +
    `${c.agreement.disagreements.length ? ' — NOT SO:' : ''}`);
  for (const d of c.agreement.disagreements.slice(0, 5)) console.log(`    ${d}`);
  const w = Math.max(...c.rows.map(r => r.method.length));
  console.log(`  ${'method'.padEnd(w)}  ${'MB/s'.padStart(9)}  ${'docs/s'.padStart(11)}  ${'µs/doc'.padStart(9)}  ${'validateMany ×'.padStart(14)}`);
  const many = c.rows[0].mbPerSec;
  for (const r of c.rows) {
    console.log(`  ${r.method.padEnd(w)}  ${fmt(r.mbPerSec).padStart(9)}  ${fmt(r.docsPerSec, 0).padStart(11)}  ` +
      `${fmt(r.usPerDoc, 2).padStart(9)}  ${fmt(many / r.mbPerSec).padStart(13)}×`);
  }
  for (const t of c.targets)
    console.log(`  target: validateMany ≥ ${t.want}× ${t.against} per MB: ${fmt(t.ratio)}× ${t.ratio >= t.want ? 'PASS' : 'FAIL'}`);
}

// Some packages do not export their package.json; read it beside node_modules.
function packageVersion(name) {
  const file = path.join(__dirname, '..', 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : '?';
}

function main() {
  const bin = cfg.bin ?? process.env.BSONGUARD_BENCH ?? inTree(path.join('bench', 'bsonguard-bench'));
  if (!bin) usage('no bsonguard-bench found in build-release/ or build/; pass --bench-bin');
  if (!cfg.json) {
    console.log(`bsonguard ${bsonguard.version} (${process.env.BSONGUARD_LIBRARY}), node ${process.version}, ` +
      `koffi ${require('koffi').version}, bson ${packageVersion('bson')}, ` +
      `ajv ${packageVersion('ajv')}, mongoose ${mongoose.version}`);
    console.log(`best of ${cfg.reps} × ≥ ${cfg.minTime} s per method${cfg.quick ? ' (--quick)' : ''}`);
  }
  const out = { bsonguard: bsonguard.version, node: process.version, mongoose: mongoose.version, quick: cfg.quick, corpora: [] };
  for (const corpus of loadCorpora(bin, { quick: cfg.quick, names: cfg.corpora })) {
    const set = bsonguard.compile(corpus.bsg, { filename: `${corpus.name}.bsg` });
    const validator = set.model(corpus.model);
    const ajv = ajvValidator(corpus.model);
    const Model = mongooseModel(mongoose, corpus.bsg, corpus.model);
    const check = agreement(corpus, validator, ajv, Model);
    const { methods, invalidSeen } = methodsFor(corpus, validator, ajv, Model, cfg.batch);
    const rows = measure(methods, cfg.reps, cfg.minTime);
    if (invalidSeen() !== 0) throw new Error(`${corpus.name}: a method found invalid documents while timed`);
    const many = rows[0].mbPerSec;
    const c = {
      name: corpus.name, model: corpus.model, docs: corpus.docs.length, bytes: corpus.bytes.length,
      batch: cfg.batch, agreement: check, rows,
      targets: corpus.name === 'conversation' ? [
        { against: 'BSON.deserialize + ajv', want: 10, ratio: many / rows[3].mbPerSec },
        { against: 'Mongoose', want: 200, ratio: many / rows[4].mbPerSec },
      ] : [],
    };
    out.corpora.push(c);
    if (!cfg.json) printCorpus(c);
    set.close();
  }
  out.perCall = floor(cfg.minTime, cfg.reps);
  if (cfg.json) {
    console.log(JSON.stringify(out));
  } else {
    console.log('\nper-call cost on an empty document (the FFI floor):');
    for (const p of out.perCall) console.log(`  ${p.call.padEnd(34)} ${fmt(p.ns, 0).padStart(6)} ns`);
  }
  const disagreed = out.corpora.some(c => c.agreement.disagreements.length > 0);
  process.exitCode = disagreed ? 1 : 0;
}

main();
