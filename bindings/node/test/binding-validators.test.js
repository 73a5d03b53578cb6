'use strict';
// Custom validators in JavaScript: `validate: 'name'` in a schema, the
// function given to compile() in `validators`.

const test = require('node:test');
const assert = require('node:assert/strict');
const { BSON, ObjectId, Long, Decimal128 } = require('bson');
const { compile, BsonGuardError } = require('..');

const SOURCE = `
schema Post {
  slug:   { type: String, validate: 'isSlug' },
  votes:  { type: Number, validate: 'even' },
  at:     { type: Date, validate: 'past' },
  author: { type: Schema.Types.ObjectId, validate: 'seen' },
  tags:   [{ type: String, validate: 'short' }],
  meta:   { type: Schema.Types.Mixed },
}`;

test('a validator passes with true, fails with false or its own message', () => {
  const set = compile(SOURCE, {
    validators: {
      isSlug: v => /^[a-z0-9-]+$/.test(v) || `\`${v}\` is not a slug`,
      even: v => v % 2 === 0,
      past: v => v instanceof Date && v.getTime() < Date.now(),
      seen: v => v instanceof ObjectId && v.toHexString().startsWith('65'),
      short: v => v.length <= 3 || 'tag too long',
    },
  });
  const post = set.model('Post');
  assert.deepEqual(post.validate({
    slug: 'hello-1', votes: 4, at: new Date(0), author: new ObjectId('65a1b2c3d4e5f60718293a01'),
    tags: ['a', 'bcd'],
  }).errors, []);
  const r = post.validate({
    slug: 'Hello World', votes: 3, at: new Date(Date.now() + 1e9),
    author: new ObjectId('75a1b2c3d4e5f60718293a01'), tags: ['ok', 'toolong'],
  });
  const shown = r.errors.map(e => [e.path, e.kind, e.message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, 'DATE')]);
  assert.deepEqual(shown, [
    ['slug', 'user defined', '`Hello World` is not a slug'],
    ['votes', 'user defined', 'Validator failed for path `votes` with value `3`'],
    ['at', 'user defined', 'Validator failed for path `at` with value `DATE`'],
    ['author', 'user defined', 'Validator failed for path `author` with value `75a1b2c3d4e5f60718293a01`'],
    ['tags.1', 'user defined', 'tag too long'],
  ]);
  set.close();
});

test('values arrive as the driver decodes them', () => {
  const seen = [];
  const set = compile(`schema T {
    s: { type: String, validate: 'spy' }, i: { type: Number, validate: 'spy' },
    l: { type: Schema.Types.BigInt, validate: 'spy' }, d: { type: Decimal128, validate: 'spy' },
    b: { type: Boolean, validate: 'spy' }, bin: { type: Buffer, validate: 'spy' } }`,
  { validators: { spy: v => { seen.push(v); return true; } } });
  const doc = { s: 'héllo', i: 7.5, l: Long.fromString('9007199254740993'), d: Decimal128.fromString('1.10'),
    b: true, bin: Buffer.from([1, 2, 3]) };
  assert.equal(set.model('T').validate(doc).valid, true);
  assert.equal(seen[0], 'héllo');
  assert.equal(seen[1], 7.5);
  assert.equal(String(seen[2]), '9007199254740993'); // exact, not a rounded double
  assert.equal(seen[3].toString(), '1.10');
  assert.equal(seen[4], true);
  assert.deepEqual([...seen[5]], [1, 2, 3]);
  set.close();
});

test('a validator on an array or subdocument path gets the whole value, as in Mongoose', () => {
  const got = [];
  const set = compile(`schema T { tags: { type: [String], validate: 'few' }, o: { type: { x: Number }, validate: 'hasX' } }`,
    { validators: { few: v => { got.push(v); return v.length <= 2; }, hasX: v => { got.push(v); return 'x' in v; } } });
  const t = set.model('T');
  assert.equal(t.validate({ tags: ['a', 'b'], o: { x: 1 } }).valid, true);
  assert.deepEqual(got, [['a', 'b'], { x: 1 }]);
  assert.deepEqual(t.validate({ tags: ['a', 'b', 'c'], o: { y: 1 } }).errors.map(e => [e.path, e.kind]),
    [['tags', 'user defined'], ['o', 'user defined']]);
  set.close();
});

test('a validator that throws fails with the exception in its message', () => {
  const set = compile(`schema T { s: { type: String, validate: 'boom' } }`,
    { validators: { boom: () => { throw new Error('kaput'); } } });
  const r = set.model('T').validate({ s: 'x' });
  assert.deepEqual(r.errors.map(e => [e.path, e.kind, e.message]),
    [['s', 'user defined', 'Validator `boom` threw: kaput']]);
  set.close();
});

test('a long message is cut to fit, between characters', () => {
  const set = compile(`schema T { s: { type: String, validate: 'long' } }`,
    { validators: { long: () => 'é'.repeat(1000) } });
  const msg = set.model('T').validate({ s: 'x' }).errors[0].message;
  assert.ok(msg.length > 100 && msg.length < 1000, `${msg.length} characters`);
  assert.match(msg, /^é+$/); // no broken character at the cut
  set.close();
});

test('validators run inside validateMany, once per document', () => {
  let calls = 0;
  const set = compile(`schema T { n: { type: Number, validate: 'pos' } }`,
    { validators: { pos: v => { calls++; return v > 0; } } });
  const docs = [1, -1, 2, -2, 3].map(n => BSON.serialize({ n }));
  const r = set.model('T').validateMany(docs);
  assert.equal(calls, 5);
  assert.deepEqual(r.results.map(x => x.valid), [true, false, true, false, true]);
  set.close();
});

test('an unregistered name is a compile error; bad `validators` are type errors', () => {
  assert.throws(() => compile(`schema T { s: { type: String, validate: 'nope' } }`, { validators: { other: () => true } }),
    e => e instanceof BsonGuardError && e.code === 'unknown-validator' && e.line === 1);
  assert.throws(() => compile(`schema T { s: String }`, { validators: { x: 'not a function' } }), TypeError);
  assert.throws(() => compile(`schema T { s: String }`, { validators: 5 }), TypeError);
});

test('many schemas with validators, compiled and closed, leave no callbacks behind', () => {
  // koffi has a fixed number of callback slots: a leak would run out.
  for (let i = 0; i < 20000; i++) {
    const set = compile(`schema T { s: { type: String, validate: 'ok' } }`, { validators: { ok: () => true } });
    if (i % 1000 === 0) assert.equal(set.model('T').validate({ s: 'x' }).valid, true);
    set.close();
  }
  for (let i = 0; i < 2000; i++) // failing compiles release theirs too
    assert.throws(() => compile(`schema T { s: { type: String, validate: 'missing' } }`, { validators: { ok: () => true } }));
});
