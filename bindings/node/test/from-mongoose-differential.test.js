'use strict';
// Does the converted schema judge documents the way Mongoose does?
//
// 1. The shop models (fixtures/shop-models.js) go through fromMongoose();
//    documents serialized with `bson` are checked by `bsonguard check`
//    against the .bsg text and by Mongoose's `new Model(doc).validateSync()`.
//    Both must report the same (path, kind) errors, and the same message
//    for validator errors. Tolerated, as in tests/mongoose (see its
//    README): a Mongoose CastError at K is bsonguard's `type` at or under K;
//    a `required` at a path Mongoose filled with a default (bsonguard
//    applies none); and, per case, `jsOnly` paths: a JavaScript validator
//    Mongoose runs, which must be among fromMongoose()'s warnings.
// 2. Every schema of the differential corpus (tests/mongoose/cases.js),
//    built as Mongoose objects and converted back to .bsg, must give
//    exactly the errors its hand-written .bsg gives, document by document.
//
// BSONGUARD_CLI: the bsonguard binary (default ../../build/tools/bsonguard).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const BSON = require('bson');
const mongoose = require('mongoose');
const { fromMongoose, fromMongooseModels } = require('../lib/from-mongoose');
const { findModels } = require('../lib/from-mongoose-module');

const CLI = process.env.BSONGUARD_CLI || path.resolve(__dirname, '../../../build/tools/bsonguard');
const noCli = fs.existsSync(CLI) ? false : `no bsonguard CLI at ${CLI}: build it (ninja -C build) or set BSONGUARD_CLI`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsonguard-from-mongoose-diff-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// validateSync() is deprecated in Mongoose 9 and says so on every call.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (/validateSync\(\)` is deprecated/.test(String((warning && warning.message) || warning)))
    return;
  return emitWarning.call(this, warning, ...rest);
};

const { ObjectId, Decimal128, Int32, Double } = BSON;
const oid = n => new ObjectId(n.toString(16).padStart(24, '0'));
const D = s => new Date(s);

// `bsonguard check` over one .bson file: Map index -> [{path, kind, message}].
function check(bsgFile, model, docs) {
  const bsonFile = path.join(tmp, `${path.basename(bsgFile)}.${model}.bson`);
  fs.writeFileSync(bsonFile, Buffer.concat(docs.map(d => BSON.serialize(d))));
  const r = spawnSync(CLI, ['check', '--schema', bsgFile, '--model', model, '--format', 'json', '--max-errors', '0',
    bsonFile], { encoding: 'utf8' });
  if (r.error || (r.status !== 0 && r.status !== 1))
    throw new Error(`bsonguard check exited ${r.status}: ${r.stderr || r.error}`);
  const out = new Map();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line);
    out.set(rec.index, rec.errors.map(e => ({ path: e.path, kind: e.kind, message: e.message })));
  }
  return out;
}

function deletePath(obj, p) {
  const parts = p.split('.');
  const last = parts.pop();
  let o = obj;
  for (const k of parts)
    o = o == null ? o : o[k];
  if (o != null && typeof o === 'object')
    delete o[last];
}

function getPath(obj, p) {
  let o = obj;
  for (const k of p.split('.'))
    o = o == null || typeof o !== 'object' ? undefined : o[k];
  return o;
}

// Mongoose's errors for the bytes, as `path: kind` plus messages.
// strict:'throw' throws at the first unknown key: record it, drop the key,
// construct again, so every unknown key is seen.
function mongooseErrors(Model, doc) {
  const input = BSON.deserialize(BSON.serialize(doc));
  const obj = BSON.deserialize(BSON.serialize(doc));
  const errors = [];
  let built;
  for (let tries = 0; !built; tries++) {
    assert.ok(tries < 50, 'Mongoose keeps throwing');
    try {
      built = new Model(obj);
    } catch (e) {
      if (e.name !== 'StrictModeError')
        throw e;
      errors.push({ path: e.path, kind: 'unknown' });
      deletePath(obj, e.path);
    }
  }
  const err = built.validateSync();
  for (const [key, e] of Object.entries(err ? err.errors : {})) {
    const message = e.path && e.path !== key ? e.message.replace('`' + e.path + '`', '`' + key + '`') : e.message;
    errors.push({ path: key, kind: e.name === 'CastError' ? 'type' : e.kind, message, validator: e.name === 'ValidatorError' });
  }
  return { errors, input, built };
}

const under = (p, root) => p === root || p.startsWith(root + '.');

// The normalisations of the header, then both sides as sorted `path:kind`.
function compare(bsg, mg, { jsOnly = [] }, warnedPaths) {
  let B = bsg.slice();
  let G = mg.errors.slice();
  for (const p of jsOnly) {
    assert.ok(warnedPaths.has(p), `\`${p}\` is JavaScript-only but fromMongoose() did not warn about it`);
    assert.ok(G.some(e => e.path === p), `Mongoose should fail the JavaScript validator at ${p}`);
    assert.ok(!B.some(e => e.path === p), `bsonguard cannot run the JavaScript validator at ${p}`);
    G = G.filter(e => e.path !== p);
  }
  for (const g of G.filter(e => e.kind === 'type')) {
    assert.ok(B.some(e => e.kind === 'type' && under(e.path, g.path)),
      `Mongoose CastError at ${g.path}; bsonguard should report \`type\` at or under it`);
    B = B.filter(e => !under(e.path, g.path));
    G = G.filter(e => e !== g);
  }
  B = B.filter(e => !(e.kind === 'required' && getPath(mg.input, e.path) === undefined &&
    mg.built.get(e.path) != null));
  const fmt = list => list.map(e => `${e.path}:${e.kind}`).sort();
  assert.deepEqual(fmt(B), fmt(G));
  for (const g of G.filter(e => e.validator && !(mg.built.get(e.path) instanceof Date))) {
    const b = B.find(e => e.path === g.path && e.kind === g.kind);
    assert.equal(b.message, g.message, `message at ${g.path}`);
  }
}

// MARK: - 1. The shop models against Mongoose

const shop = require('./fixtures/shop-models');
const address = { line1: '1 rue de la Paix', city: 'Paris', postcode: '75002', country: 'FR' };
const stamps = { createdAt: D('2024-03-01T10:00:00Z'), updatedAt: D('2024-03-02T10:00:00Z'), __v: new Int32(0) };

const user = {
  _id: oid(1), email: 'ann@example.com', name: { first: 'Ann', last: 'Lee' }, role: 'staff',
  addresses: [address], birthday: D('1990-05-01'), preferences: { newsletter: true }, metadata: { source: 'ads' },
  ...stamps,
};
const product = {
  _id: oid(2), sku: 'ABC-1234', title: 'Linen shirt', price: Decimal128.fromString('49.90'), stock: new Int32(12),
  tags: ['linen', 'summer'], variants: [{ _id: oid(3), color: 'blue', size: 'M', extraCost: new Double(2.5) }],
  attributes: { material: 'linen' }, dimensions: [[30, 40], [2.5]], releasedAt: D('2024-01-15'), __v: new Int32(0),
};
const order = {
  _id: oid(4), customer: oid(1),
  items: [{ _id: oid(5), product: oid(2), qty: new Int32(2), unitPrice: Decimal128.fromString('49.90') }],
  status: 'paid', shipping: address, billing: address,
  payment: { method: 'card', at: D('2024-03-01T10:05:00Z'), last4: '4242', brand: 'visa' },
  note: 'leave at the door', ...stamps,
};
const with_ = (base, changes) => ({ ...base, ...changes });
const dropUndefined = doc => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));

const SHOP = {
  User: [
    { name: 'valid', doc: user },
    { name: 'every validator failing', doc: with_(user, {
      email: 'not-an-email', name: { last: 'Lee' }, role: 'root',
      addresses: [{ line1: 'x', postcode: '!!', country: 'ES' }], birthday: D('1850-01-01'),
      preferences: { newsletter: 'maybe' },
    }) },
    { name: 'birthday in the future (max: Date.now)', doc: with_(user, { birthday: D('2999-01-01') }) },
  ],
  Product: [
    { name: 'valid', doc: product },
    { name: 'JavaScript validator on sku', doc: with_(product, { sku: 'abc' }), jsOnly: ['sku'] },
    { name: 'required, maxlength, enum, min in a document array', doc: with_(product, {
      title: undefined, price: null, tags: ['a-tag-well-over-twenty-chars'],
      variants: [{ _id: oid(6), size: 'XXL', extraCost: -1 }],
    }) },
    { name: 'a Map value and a nested array element of the wrong type', doc: with_(product, {
      attributes: { material: ['linen'] }, dimensions: [[30, 'wide']],
    }) },
  ],
  Order: [
    { name: 'valid, card payment', doc: order },
    { name: 'valid, transfer payment', doc: with_(order, { payment: { method: 'transfer', at: D('2024-03-01'),
      iban: 'FR7630006000011234567890189' } }) },
    { name: 'JavaScript validator on items (empty order)', doc: with_(order, { items: [] }), jsOnly: ['items'] },
    { name: 'item errors, enum, missing shipping, unknown field under strict throw', doc: with_(order, {
      items: [{ _id: oid(7), qty: new Int32(0) }], status: 'lost', shipping: undefined, coupon: 'SPRING',
    }) },
    { name: 'embedded discriminator on a single nested path: card', doc: with_(order, {
      payment: { method: 'card', at: D('2024-03-01'), last4: '42', brand: 'discover' } }) },
    { name: 'embedded discriminator on a single nested path: transfer', doc: with_(order, {
      payment: { method: 'transfer', at: D('2024-03-01'), iban: 'FR76' } }) },
    { name: 'unknown discriminator value falls back to the base', doc: with_(order, {
      payment: { method: 'cash', at: D('2024-03-01') } }) },
    { name: 'note too long', doc: with_(order, { note: 'x'.repeat(501) }) },
  ],
  Event: [
    { name: 'PageView, valid', doc: { _id: oid(8), kind: 'PageView', at: D('2024-03-01'), url: '/home', __v: 0 } },
    { name: 'PageView without its url', doc: { _id: oid(9), kind: 'PageView', at: D('2024-03-01'), __v: 0 } },
    { name: 'add_to_cart selects AddToCart', doc: { _id: oid(10), kind: 'add_to_cart', qty: 0, __v: 0 } },
    { name: 'unknown kind falls back to Event', doc: { _id: oid(11), kind: 'Scroll', at: D('2024-03-01') } },
  ],
  Review: [
    { name: 'a valid thread', doc: { _id: oid(12), author: oid(1), rating: 5, body: 'great', replies: [
      { _id: oid(13), author: oid(2), rating: 4, replies: [] }] } },
    { name: 'errors two levels down the thread', doc: { _id: oid(14), author: oid(1), rating: 6, replies: [
      { _id: oid(15), author: oid(2), replies: [{ _id: oid(16), rating: 7, body: 'y'.repeat(2001) }] }] } },
  ],
};

describe('shop models: bsonguard on the converted schema vs Mongoose', { skip: noCli }, () => {
  const found = findModels(shop);
  const { source, warnings } = fromMongooseModels(found.models, { names: found.names });
  const bsgFile = path.join(tmp, 'shop.bsg');
  fs.writeFileSync(bsgFile, source);
  const warnedPaths = new Map(); // model -> paths fromMongoose() warned about
  for (const w of warnings)
    warnedPaths.set(w.model, (warnedPaths.get(w.model) || new Set()).add(w.path));

  for (const [modelName, cases] of Object.entries(SHOP)) {
    describe(modelName, () => {
      const Model = mongoose.model(modelName);
      const docs = cases.map(c => dropUndefined(c.doc));
      let results;
      cases.forEach((c, i) => {
        test(c.name, () => {
          results = results || check(bsgFile, modelName, docs);
          compare(results.get(i) || [], mongooseErrors(Model, docs[i]), c, warnedPaths.get(modelName) || new Set());
        });
      });
    });
  }
});

// MARK: - 2. The differential corpus, converted back

const corpus = path.resolve(__dirname, '../../../tests/mongoose');
const noCorpus = fs.existsSync(path.join(corpus, 'node_modules/mongoose/package.json')) ? false
  : 'tests/mongoose has no node_modules (npm ci --prefix tests/mongoose)';

describe('tests/mongoose corpus: converted schemas give the hand-written schemas\' errors', { skip: noCli || noCorpus }, () => {
  if (noCli || noCorpus)
    return;
  const H = require(path.join(corpus, 'harness'));
  const { groups, oid: caseOid } = require(path.join(corpus, 'cases'));
  for (const group of groups) {
    test(group.name, () => {
      const hand = path.join(tmp, `${group.name}.bsg`);
      fs.writeFileSync(hand, H.bsgText(group));
      for (const [modelName, cases] of Object.entries(group.models)) {
        const { source, warnings } = fromMongoose(H.buildModel(group, modelName));
        assert.deepEqual(warnings, [], `${modelName}: nothing in the corpus is JavaScript-only`);
        const converted = path.join(tmp, `${group.name}.${modelName}.converted.bsg`);
        fs.writeFileSync(converted, source);
        const docs = cases.map((c, i) => ('_id' in c.doc ? c.doc : { _id: caseOid(0x1000 + i), ...c.doc }));
        const bytes = docs.map((d, i) => (cases[i].patch ? cases[i].patch(H.BSON.serialize(d)) : H.BSON.serialize(d)));
        const bsonFile = path.join(tmp, `${group.name}.${modelName}.bson`);
        fs.writeFileSync(bsonFile, Buffer.concat(bytes));
        const want = H.runBsonguard(hand, modelName, bsonFile);
        const got = H.runBsonguard(converted, modelName, bsonFile);
        cases.forEach((c, i) => assert.deepEqual(got.get(i) || [], want.get(i) || [],
          `${modelName} / ${c.name}\n--- converted schema:\n${source}`));
      }
    });
  }
});
