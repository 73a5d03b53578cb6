'use strict';
// Property-based conformance against Mongoose 9: seeded random schemas
// (every SchemaType and spelling, every built-in validator in its forms,
// nesting, subdocuments, arrays, document arrays, maps, Mixed,
// discriminators, schema options) written both as .bsg text and as live
// Mongoose schemas from one plan; documents built valid from the plan,
// then mutated (wrong BSON types, missing and null values, values past
// bounds, enum and regex misses, unknown fields, bad map keys,
// discriminator values, array _id). Each document is serialized once and
// judged on the same bytes by bsonguard (validateMany) and by Mongoose
// (`new Model(BSON.deserialize(bytes)).validateSync()`), then compared
// under the differential test's rule (conformance/compare.js,
// tests/mongoose/README.md).
//
// Environment:
//   BSONGUARD_SEED   the run's seed (default: a fresh one, printed)
//   BSONGUARD_CASES  number of cases (default 10000: 100 schemas x 100 documents)
//   BSONGUARD_CASE   replay one case of the seed (printed on failure)
//   BSONGUARD_LIBRARY  the libbsonguard to load (meson sets it)
//
// A second, smaller pass converts the first schemas' Mongoose models back
// with fromMongoose() and checks that the converted .bsg judges the same
// documents exactly as the generated one (the converter's conformance).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const bsonguard = require('..');
const { EJSON } = require('bson');
const { runSchema, runRoundTrip, DOCS } = require('./conformance/run');
const { describeCase } = require('./conformance/report');

function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '')
    return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

const seed = envInt('BSONGUARD_SEED', Math.floor(Math.random() * 2 ** 32)) >>> 0;
const only = envInt('BSONGUARD_CASE', -1);
const total = envInt('BSONGUARD_CASES', 10000);
const SHOWN = 3; // failing cases printed per schema

// Which schemas, and which documents of each, this run checks.
const batches = only >= 0
  ? [[Math.floor(only / DOCS), [only % DOCS]]]
  : Array.from({ length: Math.ceil(total / DOCS) }, (_, s) =>
    [s, Array.from({ length: Math.min(DOCS, total - s * DOCS) }, (_, d) => d)]);

// Kinds bsonguard reported in cases where it agreed with Mongoose, over the
// run: the mutations must reach each.
const agreed = new Map();
let compared = 0;
// Known divergences (conformance/compare.js KNOWN_*), counted by reason.
const known = new Map();

describe(`conformance with Mongoose 9, seed ${seed}`, () => {
  for (const [s, docs] of batches) {
    const first = s * DOCS + docs[0];
    test(`schema ${s}: cases ${first}..${first + docs.length - 1}`, t => {
      const run = runSchema(bsonguard, seed, s, docs);
      if (run.schemaError)
        assert.fail(`seed ${seed}, schema ${s} does not build: ${run.schemaError.message}\n${run.text}`);
      const failed = run.cases.filter(c => !c.result.ok);
      for (const c of run.cases) {
        compared++;
        for (const r of c.result.known)
          known.set(r, (known.get(r) || 0) + 1);
        if (c.result.ok)
          for (const k of new Set(c.bsg.map(e => e.kind)))
            agreed.set(k, (agreed.get(k) || 0) + 1);
      }
      if (only >= 0)
        process.stderr.write(`${describeCase(seed, run, run.cases[0])}\n`);
      if (failed.length) {
        const text = failed.slice(0, SHOWN).map(c => describeCase(seed, run, c)).join('\n\n');
        assert.fail(`${failed.length} of ${run.cases.length} cases diverge from Mongoose\n\n${text}`);
      }
    });
  }

  if (only < 0 && total >= 5000) {
    test('the mutations reached every kind of error', t => {
      t.diagnostic(`cases with each kind, both sides agreeing: ${JSON.stringify(Object.fromEntries(agreed))}`);
      for (const [reason, n] of known)
        t.diagnostic(`known divergence, ${n}x: ${reason} (docs/mongoose-differences.md)`);
      const kinds = ['required', 'type', 'enum', 'min', 'max', 'minlength', 'maxlength', 'regexp', 'user defined',
        'unknown', 'key', 'server'];
      const missing = kinds.filter(k => !agreed.has(k));
      assert.deepEqual(missing, [], `kinds never compared in ${compared} cases: ` +
        `${JSON.stringify(Object.fromEntries(agreed))}`);
    });
  }
});

// The round trip: ROUND_TRIP_SCHEMAS schemas x ROUND_TRIP_DOCS documents.
const ROUND_TRIP_SCHEMAS = 20;
const ROUND_TRIP_DOCS = 50;

describe(`fromMongoose() round trip, seed ${seed}`, () => {
  const schemas = only >= 0 ? [Math.floor(only / DOCS)] : batches.slice(0, ROUND_TRIP_SCHEMAS).map(([s]) => s);
  for (const s of schemas) {
    test(`schema ${s}`, () => {
      const docs = only >= 0 ? [only % DOCS] : Array.from({ length: ROUND_TRIP_DOCS }, (_, d) => d);
      const run = runRoundTrip(bsonguard, seed, s, docs);
      if (run.cases.length) {
        const c = run.cases[0];
        assert.fail(`${run.cases.length} of ${docs.length} documents judged differently after fromMongoose()\n` +
          `seed ${seed}, case ${c.index}\n--- generated .bsg\n${run.text}\n--- fromMongoose()\n${run.converted}\n` +
          `--- document\n${EJSON.stringify(c.doc, { relaxed: true })}\nmutations: ${c.log.join('; ') || 'none'}\n` +
          `generated: ${JSON.stringify(c.original)}\nconverted: ${JSON.stringify(c.roundTrip)}`);
      }
    });
  }
});
