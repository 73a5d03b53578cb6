'use strict';
// One conformance run: schemas from the seed, documents per schema, both
// judges on the same bytes, the comparison. Case number c is document
// c % DOCS of schema floor(c / DOCS); each has its own PRNG stream, so a
// case replays alone (BSONGUARD_SEED + BSONGUARD_CASE).

const BSON = require('bson');
const { Random, deriveSeed } = require('./random');
const { planSchema } = require('./plan');
const { emitBsg } = require('./emit-bsg');
const { buildModel } = require('./emit-mongoose');
const { makeDocument } = require('./documents');
const { mongooseVerdict } = require('./mongoose-verdict');
const { compare } = require('./compare');

const DOCS = 100; // documents per schema: part of the case numbering, keep fixed

const SCHEMA = 1;
const DOCUMENT = 2;

function schemaCase(seed, s) {
  const plan = planSchema(new Random(deriveSeed(seed, SCHEMA, s)));
  return { plan, text: emitBsg(plan) };
}

function documentCase(seed, s, d, plan) {
  const gen = makeDocument(plan, new Random(deriveSeed(seed, DOCUMENT, s, d)));
  return { ...gen, bytes: BSON.serialize(gen.doc) };
}

/**
 Runs schema `s` with documents `docs` (indexes) through both judges.
 `bsonguard` is the binding (lib/index.js). Returns { text, plan, cases,
 schemaError } with one entry per document: { index, doc, bytes, expect,
 log, bsg, mongoose, result }.
 */
function runSchema(bsonguard, seed, s, docs) {
  const { plan, text } = schemaCase(seed, s);
  let set;
  let mongooseSide;
  try {
    set = bsonguard.compile(text, { filename: `conformance-${seed}-${s}.bsg` });
    mongooseSide = buildModel(plan);
  } catch (e) {
    return { plan, text, cases: [], schemaError: e, mongooseSide };
  }
  try {
    const validator = set.model(plan.model);
    const cases = docs.map(d => ({ index: s * DOCS + d, ...documentCase(seed, s, d, plan) }));
    const batch = validator.validateMany(cases.map(c => c.bytes), { maxErrors: 0 });
    for (const [i, c] of cases.entries()) {
      c.bsg = batch.results[i].errors;
      try {
        c.mongoose = mongooseVerdict(mongooseSide.Model, c.bytes);
        c.result = compare(c.bsg, c.mongoose, c.expect);
      } catch (e) {
        c.result = { ok: false, problems: [`Mongoose threw: ${e.stack}`], bsonguard: [], mongoose: [], messages: [],
          known: [] };
      }
    }
    return { plan, text, cases, mongooseSide };
  } finally {
    set.close();
  }
}

// One error as the round trip compares it: a cast message names the
// declared schema, which fromMongoose() names after the path.
const roundTripKey = e => `${e.path}:${e.kind}:${e.kind === 'type' ? '' : e.message}`;

/**
 The second pass: schema `s` built as Mongoose models, converted back with
 fromMongoose() (compileMongoose), must judge documents `docs` exactly as
 the generated .bsg does. This tests the converter, not the validator.
 Returns { text, converted, cases: [{ index, doc, log, original, roundTrip }] }
 listing only the documents on which the two differ.
 */
function runRoundTrip(bsonguard, seed, s, docs) {
  const { plan, text } = schemaCase(seed, s);
  const { Model } = buildModel(plan);
  const original = bsonguard.compile(text);
  const converted = bsonguard.compileMongoose(Model, { name: plan.model });
  try {
    const a = original.model(plan.model);
    const b = converted.model(plan.model);
    const out = [];
    for (const d of docs) {
      const c = documentCase(seed, s, d, plan);
      const skip = c.expect.filter(e => e.what === 'skip').map(e => e.path);
      const keys = r => r.errors.filter(e => !skip.some(p => e.path === p || e.path.startsWith(p + '.')))
        .map(roundTripKey).sort();
      const ka = keys(a.validate(c.bytes, { maxErrors: 0 }));
      const kb = keys(b.validate(c.bytes, { maxErrors: 0 }));
      if (JSON.stringify(ka) !== JSON.stringify(kb))
        out.push({ index: s * DOCS + d, doc: c.doc, log: c.log, original: ka, roundTrip: kb });
    }
    return { text, converted: bsonguard.toBsg(Model, { name: plan.model }), cases: out };
  } finally {
    original.close();
    converted.close();
  }
}

module.exports = { runSchema, runRoundTrip, schemaCase, documentCase, DOCS };
