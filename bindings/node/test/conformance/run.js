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

module.exports = { runSchema, schemaCase, documentCase, DOCS };
