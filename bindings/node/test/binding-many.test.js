'use strict';
// validator.validateMany(): one concatenated buffer (mongodump layout) or an
// array, in one batch call; every result must equal validate() on its own.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BSON, ObjectId } = require('bson');
const { compile, compileFile } = require('..');

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const set = compileFile(path.join(EXAMPLES, 'conversation.bsg'));
const conversation = set.model('Conversation');
const docs = fs.readFileSync(path.join(EXAMPLES, 'conversations.jsonl'), 'utf8')
  .trim().split('\n').map(line => BSON.EJSON.parse(line, { relaxed: false }));
const buffers = docs.map(d => BSON.serialize(d));

function offsets(list) {
  const out = [];
  let at = 0;
  for (const b of list) { out.push(at); at += b.length; }
  return out;
}

test('an array of objects: per-document results, as validate() gives them', () => {
  const many = conversation.validateMany(docs);
  assert.equal(many.count, 6);
  assert.equal(many.invalidCount, 4);
  assert.equal(many.valid, false);
  assert.deepEqual(many.results.map(r => r.valid), [true, false, false, false, true, false]);
  assert.deepEqual(many.results, docs.map(d => conversation.validate(d)));
});

test('one concatenated buffer: results carry each document\'s offset', () => {
  const many = conversation.validateMany(Buffer.concat(buffers));
  assert.equal(many.count, 6);
  assert.equal(many.invalidCount, 4);
  const starts = offsets(buffers);
  many.results.forEach((r, i) => {
    const alone = conversation.validate(buffers[i]);
    if (alone.valid) {
      assert.equal(r, alone);
    } else {
      assert.deepEqual(r, { ...alone, offset: starts[i] });
    }
  });
});

test('an array of buffers and Uint8Arrays', () => {
  const mixed = buffers.map((b, i) => (i % 2 ? new Uint8Array(b) : b));
  assert.deepEqual(conversation.validateMany(mixed).results, conversation.validateMany(docs).results);
});

test('all valid: one shared valid result per document', () => {
  const good = [docs[0], docs[4], docs[0]];
  const many = conversation.validateMany(good);
  assert.deepEqual(many, { valid: true, count: 3, invalidCount: 0, results: [many.results[0], many.results[0], many.results[0]] });
  assert.equal(many.results[0], conversation.validate(docs[0]));
});

test('empty input is an empty, valid batch', () => {
  for (const empty of [[], Buffer.alloc(0), new Uint8Array(0)])
    assert.deepEqual(conversation.validateMany(empty), { valid: true, count: 0, invalidCount: 0, results: [] });
});

test('array entries that do not frame themselves keep their index', () => {
  const trailing = Buffer.concat([buffers[0], Buffer.from([0])]);
  const short = Buffer.from([3, 0, 0]);
  const input = [buffers[0], trailing, docs[4], short, buffers[1]];
  const many = conversation.validateMany(input);
  assert.equal(many.count, 5);
  assert.equal(many.invalidCount, 3);
  assert.deepEqual(many.results.map(r => r.valid), [true, false, true, false, false]);
  assert.match(many.results[1].errors[0].message, /trailing bytes/);
  assert.equal(many.results[3].errors[0].kind, 'malformed');
  assert.deepEqual(many.results[4], conversation.validate(buffers[1]));
});

test('a damaged stream: the unframeable rest is one last malformed document', () => {
  const all = Buffer.concat(buffers);
  const truncated = all.subarray(0, all.length - 10);
  const many = conversation.validateMany(truncated);
  assert.equal(many.count, 6);
  const last = many.results[5];
  assert.equal(last.valid, false);
  assert.equal(last.offset, offsets(buffers)[5]);
  assert.deepEqual(last.errors.map(e => e.kind), ['malformed']);
  assert.deepEqual(many.results.slice(0, 5).map(r => r.valid), [true, false, false, false, true]);
});

test('damage inside a well-framed document does not stop the batch', () => {
  const bad = Buffer.from(buffers[0]);
  bad[bad.indexOf('Launch')] = 0xc3; // a lead byte without its continuation
  const many = conversation.validateMany(Buffer.concat([bad, buffers[4], buffers[0]]));
  assert.deepEqual(many.results.map(r => r.valid), [false, true, true]);
  assert.equal(many.results[0].errors[0].kind, 'malformed');
});

test('options apply to every document of the batch', () => {
  const strict = compile('schema S { a: Number } with { strict: "throw" }').model('S');
  const input = [{ a: 1, x: 1, y: 2 }, { a: 'no', z: 3 }, { a: 2 }];
  const capped = strict.validateMany(input, { maxErrors: 1 });
  assert.deepEqual(capped.results.map(r => r.errors.length), [1, 1, 0]);
  assert.deepEqual(capped.results.map(r => r.truncated), [true, true, false]);
  assert.equal(strict.validateMany(input, { strict: false }).invalidCount, 1);
  assert.equal(strict.validateMany(input).invalidCount, 2);
  assert.deepEqual(strict.validateMany(input, { maxErrors: 1 }).results,
    input.map(d => strict.validate(d, { maxErrors: 1 })));
});

test('a large mixed batch matches validate() document by document', () => {
  const users = compile(`schema User {
    email: { type: String, required: true, match: /^[^@\\s]+@[^@\\s]+$/ },
    age: { type: Number, min: 0, max: 150 },
    role: { type: String, enum: ['admin', 'member'] },
    tags: [String],
  }`).model('User');
  // A deterministic generator: about a quarter of the documents break a rule.
  let seed = 12345;
  const rand = n => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 16) % n; };
  const input = [];
  for (let i = 0; i < 5000; i++) {
    const doc = { _id: new ObjectId(), email: `user${i}@example.com`, age: rand(100), role: 'member', tags: ['a', 'b'] };
    switch (rand(16)) {
      case 0: delete doc.email; break;
      case 1: doc.age = -rand(10) - 1; break;
      case 2: doc.role = 'owner'; break;
      case 3: doc.tags = ['a', rand(5)]; break;
      default: break;
    }
    input.push(doc);
  }
  const each = input.map(d => users.validate(d));
  const many = users.validateMany(input);
  assert.equal(many.count, 5000);
  assert.equal(many.invalidCount, each.filter(r => !r.valid).length);
  assert.ok(many.invalidCount > 800 && many.invalidCount < 1700, `${many.invalidCount} invalid`);
  assert.deepEqual(many.results, each);
  const concatenated = users.validateMany(Buffer.concat(input.map(d => BSON.serialize(d))));
  assert.deepEqual(concatenated.results.map(r => r.errors), each.map(r => r.errors));
});

test('arrays of different sizes in turn reuse the joined buffer safely', () => {
  const big = conversation.validateMany([...docs, ...docs]);
  assert.equal(big.count, 12);
  const one = conversation.validateMany([docs[2]]);
  assert.equal(one.count, 1);
  assert.deepEqual(one.results[0], conversation.validate(docs[2]));
  const again = conversation.validateMany([docs[0], docs[5]]);
  assert.deepEqual(again.results, [conversation.validate(docs[0]), conversation.validate(docs[5])]);
});

test('what is neither bytes nor an array is a TypeError', () => {
  for (const bad of [null, undefined, 'docs', 5, { a: 1 }])
    assert.throws(() => conversation.validateMany(bad), TypeError);
  assert.throws(() => conversation.validateMany([{ a: 1 }, 'x']), TypeError);
});
