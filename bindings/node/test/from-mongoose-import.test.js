'use strict';
// bin/bsonguard-import.js on real modules: the shop fixture against its
// golden output (fixtures/shop-models.bsg, warnings on stderr), --model,
// exit statuses, and modules that hide their models in other ways: models
// only registered with mongoose, a private copy of mongoose, an exported
// `new Mongoose()`, an ES module, one that keeps the event loop busy.
//
// Regenerate the golden file after a deliberate change:
//   node bin/bsonguard-import.js test/fixtures/shop-models.js > test/fixtures/shop-models.bsg
// BSONGUARD_CLI: the bsonguard binary (default ../../build/tools/bsonguard).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PKG = path.resolve(__dirname, '..');
const BIN = path.join(PKG, 'bin/bsonguard-import.js');
const CLI = process.env.BSONGUARD_CLI || path.resolve(PKG, '../../build/tools/bsonguard');
const noCli = fs.existsSync(CLI) ? false : `no bsonguard CLI at ${CLI}: build it (ninja -C build) or set BSONGUARD_CLI`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsonguard-import-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function runImport(args, options = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PKG, encoding: 'utf8', timeout: 60000, ...options });
  if (r.error)
    throw r.error;
  return r;
}

const declared = text => [...text.matchAll(/^schema (\w+)/gm)].map(m => m[1]);

function assertCompiles(source) {
  const file = path.join(tmp, `out${Math.random().toString(16).slice(2)}.bsg`);
  fs.writeFileSync(file, source);
  const r = spawnSync(CLI, ['lint', file], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `bsonguard lint exited ${r.status}:\n${r.stderr}`);
}

// A module in the temporary folder; `mongoosePath` is the copy it requires.
function writeModule(name, text) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}
const ourMongoose = require.resolve('mongoose');

test('the shop fixture prints its golden .bsg, with warnings on stderr', { skip: noCli }, () => {
  const r = runImport(['test/fixtures/shop-models.js']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, fs.readFileSync(path.join(__dirname, 'fixtures/shop-models.bsg'), 'utf8'));
  assert.deepEqual(r.stderr.trim().split('\n').map(l => l.slice(0, l.indexOf(': '))), [
    'User.passwordHash', 'Product.sku', 'Product.releasedAt', 'Order.items', 'Order.note',
  ]);
  assert.match(r.stderr, /^Product\.sku: `validate` function `isSku` is JavaScript/m);
  assert.match(r.stderr, /^User\.passwordHash: `set` \(a setter\)/m);
  // Exported and registered-only models, Address declared once for all.
  assert.deepEqual(declared(r.stdout), ['Address', 'User', 'Product', 'Payment', 'card', 'transfer', 'Order', 'Event',
    'PageView', 'AddToCart', 'Review']);
  assertCompiles(r.stdout);
});

test('--model picks models; a discriminator\'s name picks its base', { skip: noCli }, () => {
  const order = runImport(['test/fixtures/shop-models.js', '--model', 'Order']);
  assert.equal(order.status, 0, order.stderr);
  assert.deepEqual(declared(order.stdout), ['Address', 'Payment', 'card', 'transfer', 'Order']);
  assert.deepEqual(order.stderr.trim().split('\n').map(l => l.split(':')[0]), ['Order.items', 'Order.note']);
  assertCompiles(order.stdout);
  const two = runImport(['test/fixtures/shop-models.js', '--model=Review', '-m', 'PageView']);
  assert.equal(two.status, 0, two.stderr);
  assert.deepEqual(declared(two.stdout), ['Review', 'Event', 'PageView', 'AddToCart']);
  assert.equal(two.stderr, '');
});

test('exit statuses: nothing found is 1, usage and load errors are 2', () => {
  const missing = runImport(['test/fixtures/shop-models.js', '--model', 'Invoice']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no model named Invoice .*\(found: User, Product, Order, Event, Review, Address\)/);
  const none = runImport(['lib/to-bsg-format.js']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no Mongoose model or schema found in lib\/to-bsg-format\.js/);
  assert.equal(none.stdout, '');
  const help = runImport(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: bsonguard-import MODULE \[--model NAME\]\.\.\./);
  assert.equal(runImport([]).status, 2);
  assert.equal(runImport(['a.js', 'b.js']).status, 2);
  assert.equal(runImport(['test/fixtures/shop-models.js', '--modle', 'X']).status, 2);
  assert.equal(runImport(['test/fixtures/shop-models.js', '--model']).status, 2);
  const broken = writeModule('broken.js', "throw new Error('config missing: MONGO_URL');\n");
  const r = runImport([broken]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot load .*broken\.js: config missing: MONGO_URL/);
});

test('models registered on the module\'s own copy of mongoose and on an exported new Mongoose()', { skip: noCli }, () => {
  const copy = path.resolve(PKG, '../../tests/mongoose/node_modules/mongoose');
  // A second install of mongoose, if tests/mongoose has one; else ours
  // (the bin loads none itself, so it is the module's own either way).
  const theirs = fs.existsSync(path.join(copy, 'package.json')) ? copy : path.dirname(ourMongoose);
  const file = writeModule('own-copy.js', `'use strict';
const mongoose = require(${JSON.stringify(theirs)});
const Tag = new mongoose.Schema({ label: { type: String, required: true } }, { _id: false });
mongoose.model('Post', new mongoose.Schema({ title: { type: String, maxlength: 80 }, tags: [Tag] }));
const db = new mongoose.Mongoose();
db.model('Audit', new db.Schema({ at: { type: Date, required: true }, tags: [Tag] }));
module.exports = { db };
setInterval(() => {}, 1000); // a pool or a timer the module leaves running
`);
  const r = runImport([file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `// Generated by bsonguard-import from ${file}\n\n` +
    'schema Tag {\n  label: { type: String, required: true },\n} with { _id: false }\n\n' +
    'schema Audit {\n  at: { type: Date, required: true },\n  tags: [Tag],\n}\n\n' +
    'schema Post {\n  title: { type: String, maxlength: 80 },\n  tags: [Tag],\n}\n');
  assertCompiles(r.stdout);
});

test('an ES module: an exported model, a NestJS-style `…Schema`, a model only registered', { skip: noCli }, () => {
  const file = writeModule('models.mjs', `import mongoose from ${JSON.stringify(ourMongoose)};
export const PriceSchema = new mongoose.Schema({ amount: { type: Number, min: 0 }, currency: String }, { _id: false });
export const Item = mongoose.model('Item', new mongoose.Schema({ name: String, price: PriceSchema }));
mongoose.model('Stock', new mongoose.Schema({ item: mongoose.Schema.Types.ObjectId, count: { type: Number, min: 0 } }));
`);
  const r = runImport([file]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(declared(r.stdout), ['Price', 'Item', 'Stock']);
  assert.match(r.stdout, /^schema Item \{\n {2}name: String,\n {2}price: Price,\n\}$/m);
  assertCompiles(r.stdout);
});
