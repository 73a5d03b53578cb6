'use strict';
// Machinery of the differential test (see differential.test.js for the
// rules). One schema description (cases.js) becomes both a .bsg file for
// bsonguard and `new Schema(...)` objects for Mongoose; documents are
// serialized once and both sides judge the same bytes.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const BSON = require('bson');
const mongoose = require('mongoose');

// validateSync() is what the issue names; Mongoose 9 warns that it is
// deprecated on every call. Keep that one warning out of the TAP stream.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (/validateSync\(\)` is deprecated/.test(String(warning && warning.message || warning)))
    return;
  return emitWarning.call(this, warning, ...rest);
};

// Mongoose must see the very classes `bson` builds our documents with.
if (mongoose.Types.ObjectId !== BSON.ObjectId || mongoose.mongo.BSON.Decimal128 !== BSON.Decimal128)
  throw new Error('tests/mongoose: `bson` and Mongoose\'s bson differ; align the bson major in package.json');

const HERE = __dirname;

function cliPath() {
  return process.env.BSONGUARD_CLI || path.resolve(HERE, '../../build/tools/bsonguard');
}

// MARK: - Schema text for both sides

function bsgText(group) {
  const out = [`// Generated from tests/mongoose/cases.js (group \`${group.name}\`); do not edit.`,
    '// Regenerate: BSG_UPDATE=1 node --test tests/mongoose/', ''];
  for (const d of group.decls) {
    out.push(`schema ${d.name}${d.extends ? ` extends ${d.extends}` : ''} ${d.body.trim()}` +
      `${d.options ? ` with ${d.options.trim()}` : ''}`, '');
  }
  return out.join('\n');
}

// Evaluate DSL text as JavaScript: the DSL body *is* a Mongoose definition,
// so the same characters give Mongoose its schema. Identifiers the DSL
// resolves (Schema.Types.X, MongooseSchema.Types.X, mongoose.Schema.Types.X,
// Types.ObjectId, declared schema names) are bound here.
function evalJs(text, m, scope) {
  const names = ['mongoose', 'Schema', 'MongooseSchema', 'Types', ...Object.keys(scope)];
  const values = [m, m.Schema, m.Schema, m.Types, ...Object.values(scope)];
  // eslint-disable-next-line no-new-func
  return new Function(...names, `'use strict'; return (${text});`)(...values);
}

// A fresh Mongoose instance with every declared schema of the group and
// the model `modelName`. `extends` becomes Schema#discriminator(), Mongoose's
// way of declaring a discriminator that applies wherever the base schema is
// used: as a model (Model.discriminator) and embedded (single nested and
// document arrays), which is what bsonguard's `extends` means.
function buildModel(group, modelName) {
  const m = new mongoose.Mongoose();
  const scope = {};
  const pending = [];
  for (const d of group.decls) {
    const opts = d.options ? evalJs(d.options, m, scope) : {};
    const value = opts.discriminatorValue;
    delete opts.discriminatorValue; // bsonguard's spelling of discriminator()'s value argument
    let s;
    if (new RegExp(`\\b${d.name}\\b`).test(d.body)) { // recursive: the schema must exist first
      s = new m.Schema({}, opts);
      scope[d.name] = s;
      s.add(evalJs(d.body, m, scope));
    } else {
      s = new m.Schema(evalJs(d.body, m, scope), opts);
      scope[d.name] = s;
    }
    if (d.extends)
      pending.push([d.extends, d.name, s, value]);
  }
  for (const [base, name, s, value] of pending)
    scope[base].discriminator(name, s, value === undefined ? undefined : { value });
  return m.model(modelName, scope[modelName]);
}

// MARK: - bsonguard

// Run `bsonguard check` once over a .bson file; returns Map index -> errors
// (documents that are valid have no entry).
function runBsonguard(bsgFile, modelName, bsonFile) {
  const cli = cliPath();
  const r = spawnSync(cli, ['check', '--schema', bsgFile, '--model', modelName, '--format', 'json',
    '--max-errors', '0', bsonFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error)
    throw new Error(`cannot run ${cli}: ${r.error.message} (set BSONGUARD_CLI)`);
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`bsonguard check exited ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}: ${r.stderr}`);
  const byIndex = new Map();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim())
      continue;
    const rec = JSON.parse(line);
    byIndex.set(rec.index, rec.errors.map(e => ({ path: e.path, kind: e.kind, message: e.message,
      expected: e.expected, actual: e.actual })));
  }
  const invalid = r.status === 1;
  if (invalid !== byIndex.size > 0)
    throw new Error(`bsonguard exit status ${r.status} disagrees with its ${byIndex.size} error lines`);
  return byIndex;
}

// MARK: - Mongoose

function deletePath(obj, p) {
  const parts = p.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) {
    if (o == null || typeof o !== 'object')
      return;
    o = o[k];
  }
  if (o != null && typeof o === 'object')
    delete o[parts[parts.length - 1]];
}

function getPath(obj, p) {
  let o = obj;
  for (const k of p.split('.')) {
    if (o == null || typeof o !== 'object')
      return undefined;
    o = o instanceof Map ? o.get(k) : o[k];
  }
  return o;
}

// Mongoose's verdict on the bytes of one document.
//
// Why `new Model(BSON.deserialize(bytes))` and not `Model.hydrate(...)`:
// deserializing the very bytes bsonguard reads gives Mongoose exactly the JS
// values the driver would hand it for what is stored (int32/int64/double ->
// number, subtype-4 binData -> UUID, ...). `new Model()` then applies the
// schema the way a write does, which is what bsonguard checks the bytes
// against: it enforces `strict` (hydrate ignores strict, so strict:'throw'
// could not be compared) and reports cast failures as CastErrors with their
// type (hydrate turns them into ValidatorError kind 'cast'). Both apply
// defaults to missing paths, so neither is closer there (see rule D).
//
// strict:'throw' makes the constructor throw at the first unknown key; we
// record it, delete the key and construct again, so every unknown key is
// collected (bsonguard reports them all).
function mongooseVerdict(Model, bytes) {
  const input = BSON.deserialize(bytes);
  const obj = BSON.deserialize(bytes);
  const errors = [];
  let doc;
  for (let tries = 0; ; tries++) {
    if (tries > 100)
      throw new Error('Mongoose keeps throwing at construction');
    try {
      doc = new Model(obj);
      break;
    } catch (e) {
      if (e.name === 'StrictModeError') {
        errors.push({ path: e.path, kind: 'unknown', name: e.name, message: e.message });
      } else if (e.name === 'ObjectExpectedError') { // primitive on a nested path, strict:'throw'
        errors.push({ path: e.path, kind: 'type', cast: 'Object', name: e.name, message: e.message });
      } else {
        throw e;
      }
      deletePath(obj, e.path);
    }
  }
  const err = doc.validateSync();
  for (const [key, e] of Object.entries(err ? err.errors : {})) {
    if (e.name === 'CastError') {
      const strict = e.reason && e.reason.name === 'StrictModeError' ? e.reason.path : undefined;
      errors.push({ path: key, kind: 'type', cast: e.kind, strict, reason: e.reason && e.reason.message,
        name: e.name, message: e.message });
    } else {
      errors.push({ path: key, kind: e.kind === 'cast' ? 'type' : e.kind, name: e.name, message: e.message,
        relPath: e.path });
    }
  }
  return { errors, input, doc };
}

// MARK: - Comparison

const under = (p, root) => p === root || p.startsWith(root + '.');
const fmt = list => list.map(e => `${e.path}:${e.kind}`).sort();

// Apply the documented normalisations and compare. Returns
// { bsonguard, mongoose, problems } where the first two are the normalised
// (path:kind) lists that must be equal and `problems` lists rule violations.
function compare(bsg, mg, c, doc, input) {
  let B = bsg.slice();
  let G = mg.slice();
  const problems = [];

  // Rule E: a deliberate difference (DESIGN.md 5.1): bsonguard must report
  // the given kind there; neither side is compared at or under the path.
  for (const [p, kind] of Object.entries(c.design || {})) {
    if (!B.some(e => e.path === p && e.kind === kind))
      problems.push(`rule E: bsonguard should report \`${kind}\` at \`${p}\` (DESIGN.md 5.1)`);
    B = B.filter(e => !under(e.path, p));
    G = G.filter(e => !under(e.path, p));
  }

  // Rule B: a declared type mismatch. bsonguard must say `type` there;
  // whatever Mongoose made of the value (a cast, a drop) is not compared.
  for (const p of c.mismatch || []) {
    if (!B.some(e => e.path === p && e.kind === 'type'))
      problems.push(`rule B: bsonguard should report kind \`type\` at \`${p}\` (a BSON type the schema does not accept)`);
    B = B.filter(e => !under(e.path, p));
    G = G.filter(e => !under(e.path, p));
  }

  // Rules A and C: a Mongoose cast failure at key K stands for bsonguard's
  // first `type` error in the subtree Mongoose gave up on (K itself; for an
  // element of an array, K = arr.i or the outer index of a nested array, the
  // whole array), which must be at or under K. (`unknown` instead of `type`
  // when the CastError wraps a StrictModeError; `key` for a Map that
  // rejected a key.) bsonguard's other errors in that subtree are dropped:
  // Mongoose discarded the value, so it checked nothing there.
  for (const g of G.filter(e => e.cast !== undefined)) {
    const parts = g.path.split('.');
    const elem = /^\[/.test(g.cast) && /^\d+$/.test(parts[parts.length - 1]);
    const root = elem ? parts.slice(0, -1).join('.') : g.path;
    const want = g.strict !== undefined ? 'unknown'
      : g.cast === 'Map' && /maps do not support keys/.test(g.reason || '') ? 'key' : 'type';
    const first = B.find(e => under(e.path, root) && e.kind === want);
    if (!first || !under(first.path, g.path)) {
      problems.push(`rule A/C: Mongoose ${g.name} (${g.cast}) at \`${g.path}\`; bsonguard's first \`${want}\` error under ` +
        `\`${root}\` should be at/under it, got ${first ? first.path : 'none'}`);
    } else {
      B = B.filter(e => !under(e.path, root));
      G = G.filter(e => e !== g);
    }
  }

  // Rule D: bsonguard checks bytes, Mongoose applies defaults. A `required`
  // at a path absent from the stored document that Mongoose filled with a
  // default (explicit `default`, `[]` for arrays) is expected.
  B = B.filter(e => !(e.kind === 'required' && getPath(input, e.path) === undefined &&
    doc.get(e.path) != null));

  return { bsonguard: fmt(B), mongoose: fmt(G), problems };
}

// MARK: - Files

function clone(v) {
  if (Array.isArray(v))
    return v.map(clone);
  if (v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const o = {};
    for (const [k, x] of Object.entries(v))
      o[k] = clone(x);
    return o;
  }
  return v; // bson values and Dates are not mutated by the cases
}

function tmpDir() {
  if (process.env.BSONGUARD_DIFF_DIR) {
    fs.mkdirSync(process.env.BSONGUARD_DIFF_DIR, { recursive: true });
    return process.env.BSONGUARD_DIFF_DIR;
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bsonguard-mongoose-'));
}

// Mongoose's message for a ValidatorError, in bsonguard's conventions:
// rule F (a Date {VALUE} in ISO 8601, not Date#toString(), which depends on
// the time zone) and rule G (the absolute path where Mongoose writes the
// path relative to the subdocument: `Path \`name\`` for `arr.3.name`).
function expectedMessage(g, doc) {
  let msg = g.message;
  if (g.relPath && g.relPath !== g.path)
    msg = msg.replace('`' + g.relPath + '`', '`' + g.path + '`');
  const v = doc.get(g.path);
  if (v instanceof Date && !isNaN(v))
    msg = msg.replace(String(v), v.toISOString());
  return msg;
}

module.exports = { BSON, mongoose, bsgText, buildModel, runBsonguard, mongooseVerdict, compare, clone,
  getPath, tmpDir, cliPath, HERE, expectedMessage };
