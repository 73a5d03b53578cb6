'use strict';
// validator.validate(): BSON bytes and plain objects (serialized as the
// MongoDB driver does), the error records, every option, malformed input.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BSON, ObjectId, Int32, Double, Long } = require('bson');
const { compile, compileFile } = require('..');

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const conversations = compileFile(path.join(EXAMPLES, 'conversation.bsg'));
const conversation = conversations.model('Conversation');
// The example documents, typed exactly as their canonical Extended JSON says.
const docs = fs.readFileSync(path.join(EXAMPLES, 'conversations.jsonl'), 'utf8')
  .trim().split('\n').map(line => BSON.EJSON.parse(line, { relaxed: false }));

const pairs = r => r.errors.map(e => `${e.path} ${e.kind}`);

test('a valid document gives the shared, frozen valid result', () => {
  const bytes = BSON.serialize(docs[0]);
  const r = conversation.validate(bytes);
  assert.deepEqual(r, { valid: true, errors: [], truncated: false });
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.errors));
  assert.equal(conversation.validate(bytes), r);
  assert.equal(conversation.validate(docs[0]), r, 'an object validates like its bytes');
});

test('the example documents report what the CLI reports', () => {
  const got = docs.map(d => pairs(conversation.validate(d)));
  assert.deepEqual(got, [
    [],
    ['participants.0 type', 'participants.1 type', 'messages.0.sender type'],
    ['status enum', 'settings.theme enum', 'messages.0.body required',
      'messages.0.attachments.0.url regexp', 'messages.0.attachments.0.size min', 'counters.unread type'],
    ['messages.0.sentAt type', 'counters.reactions.like key', 'createdAt type', 'legacyFlag unknown'],
    [],
    ['messages.0.body type', 'messages.0.sender required', 'participants required'],
  ]);
});

test('an error has path, kind, expected, actual, message and value', () => {
  const r = conversation.validate(docs[2]);
  assert.equal(r.valid, false);
  assert.equal(r.truncated, false);
  assert.deepEqual(r.errors[0], {
    path: 'status', kind: 'enum', expected: 'String', actual: 'string',
    message: '`closed` is not a valid enum value for path `status`.', value: '"closed"',
  });
  assert.deepEqual(r.errors[4], {
    path: 'messages.0.attachments.0.size', kind: 'min', expected: 'Number', actual: 'int',
    message: 'Path `messages.0.attachments.0.size` (-1) is less than minimum allowed value (0).',
    value: '-1',
  });
  const cast = conversation.validate(docs[1]).errors[0];
  assert.equal(cast.message,
    'Cast to ObjectId failed for value "665f00000000000000000003" (type string) at path "participants.0"');
  assert.equal(cast.expected, 'ObjectId');
  assert.equal(cast.actual, 'string');
});

test('non-ASCII text survives the round trip', () => {
  const set = compile("schema A { name: { type: String, enum: ['Élodie', '日本'] } }");
  const a = set.model('A');
  assert.equal(a.validate({ name: 'Élodie' }).valid, true);
  assert.equal(a.validate({ name: '日本' }).valid, true);
  const r = a.validate({ name: 'Elodie\u00e9' });
  assert.equal(r.errors[0].value, '"Elodieé"');
  assert.equal(r.errors[0].message, '`Elodieé` is not a valid enum value for path `name`.');
  set.close();
});

const numbers = compile(`schema N {
  i: Int32, d: Double, n: Number, big: BigInt, s: String, o: Mixed,
} with { strict: 'throw' }`);
const N = numbers.model('N');

test('objects are serialized as the MongoDB driver does', () => {
  // A JS number is int32 when it is an integer in range, else a double.
  assert.equal(N.validate({ i: 7 }).valid, true);
  assert.deepEqual(N.validate({ i: 7.5 }).errors.map(e => e.actual), ['double']);
  assert.deepEqual(N.validate({ i: 2 ** 31 }).errors.map(e => e.actual), ['double']);
  assert.deepEqual(N.validate({ d: 7 }).errors.map(e => e.actual), ['int']);
  assert.equal(N.validate({ d: new Double(7) }).valid, true);
  assert.equal(N.validate({ i: new Int32(7.0) }).valid, true);
  assert.equal(N.validate({ big: Long.fromNumber(5) }).valid, true);
  assert.equal(N.validate({ big: 5n }).valid, true);
  // The driver keeps undefined as null (ignoreUndefined: false).
  assert.deepEqual(pairs(N.validate({ s: undefined, x: undefined })), ['x unknown']);
  assert.equal(N.validate({ s: undefined, x: undefined }).errors[0].actual, 'null');
  assert.equal(N.validate({ x: undefined }, { ignoreUndefined: true }).valid, true);
  // Functions are not serialized (serializeFunctions: false).
  assert.equal(N.validate({ s: 'a', f() {} }).valid, true);
  // toBSON() is honoured, as by the driver.
  assert.equal(N.validate({ toBSON: () => ({ s: 1 }) }).errors[0].path, 's');
});

test('bytes from any Uint8Array view, or an ArrayBuffer', () => {
  const bytes = BSON.serialize({ s: 'x', i: 1 });
  const padded = Buffer.alloc(bytes.length + 11, 0xee);
  bytes.copy(padded, 7);
  assert.equal(N.validate(padded.subarray(7, 7 + bytes.length)).valid, true);
  assert.equal(N.validate(new Uint8Array(bytes)).valid, true);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  assert.equal(N.validate(ab).valid, true);
});

test('inputs that are neither bytes nor objects are a TypeError', () => {
  for (const bad of [null, undefined, 'doc', 42, [1, 2]])
    assert.throws(() => N.validate(bad), TypeError);
});

test('malformed bytes are reported, not thrown', () => {
  const bytes = BSON.serialize({ s: 'abc' });
  const damaged = Buffer.from(bytes);
  damaged.writeInt32LE(bytes.length + 4, 0);
  assert.deepEqual(pairs(N.validate(damaged)), [' malformed']);
  const utf8 = Buffer.from(bytes);
  utf8[utf8.indexOf('abc')] = 0xff;
  assert.deepEqual(pairs(N.validate(utf8)), [' malformed']);
  const trailing = Buffer.concat([bytes, Buffer.from([0])]);
  assert.match(N.validate(trailing).errors[0].message, /trailing bytes/);
  assert.deepEqual(pairs(N.validate(Buffer.alloc(0))), [' malformed']);
});

test('maxErrors caps the errors and sets truncated', () => {
  const doc = { a: 1, b: 2, c: 3, d: 4 };
  assert.equal(N.validate(doc).errors.length, 4);
  const r = N.validate(doc, { maxErrors: 2 });
  assert.deepEqual(pairs(r), ['a unknown', 'b unknown']);
  assert.equal(r.truncated, true);
  assert.equal(N.validate(doc, { maxErrors: 0 }).errors.length, 4, '0 means no cap');
  assert.equal(N.validate(doc, { maxErrors: 4 }).truncated, false);
});

test('strict overrides the schema setting', () => {
  const doc = { s: 'x', extra: 1 };
  assert.deepEqual(pairs(N.validate(doc)), ['extra unknown']);
  assert.equal(N.validate(doc, { strict: false }).valid, true);
  assert.equal(N.validate(doc, { strict: true }).valid, true);
  assert.deepEqual(pairs(N.validate(doc, { strict: 'schema' })), ['extra unknown']);
  const lax = compile('schema L { s: String }').model('L');
  assert.equal(lax.validate(doc).valid, true);
  assert.deepEqual(pairs(lax.validate(doc, { strict: 'throw' })), ['extra unknown']);
});

test('maxDepth, maxSize and maxArrayLength report kind limit', () => {
  const deep = { o: { a: { b: { c: 1 } } } };
  assert.equal(N.validate(deep).valid, true);
  assert.deepEqual(pairs(N.validate(deep, { maxDepth: 2 })), ['o.a limit']);
  assert.deepEqual(pairs(N.validate({ s: 'x'.repeat(100) }, { maxSize: 64 })), [' limit']);
  const arrays = compile('schema A { tags: [String] }').model('A');
  assert.equal(arrays.validate({ tags: ['a', 'b', 'c'] }, { maxArrayLength: 3 }).valid, true);
  assert.deepEqual(pairs(arrays.validate({ tags: ['a', 'b', 'c'] }, { maxArrayLength: 2 })), ['tags limit']);
});

test('options apply to one call only', () => {
  const doc = { a: 1, b: 2 };
  assert.equal(N.validate(doc, { maxErrors: 1 }).errors.length, 1);
  assert.equal(N.validate(doc).errors.length, 2);
  assert.equal(N.validate(doc, {}).errors.length, 2);
  assert.equal(N.validate(doc, null).errors.length, 2);
  assert.equal(N.validateMany([doc], null).results[0].errors.length, 2);
});

test('bad option values are a RangeError', () => {
  for (const options of [{ maxErrors: -1 }, { maxErrors: 1.5 }, { maxDepth: 2 ** 32 },
    { maxSize: '10' }, { strict: 'yes' }, { strict: 1 }])
    assert.throws(() => N.validate({}, options), RangeError, JSON.stringify(options));
});

test('a large error list is read whole', () => {
  const doc = {};
  for (let i = 0; i < 500; i++) doc[`unknown_field_with_a_long_name_${i}`] = 'x'.repeat(40);
  const r = N.validate(doc, { maxErrors: 0 });
  assert.equal(r.errors.length, 500);
  assert.equal(r.errors[499].path, 'unknown_field_with_a_long_name_499');
  assert.equal(N.validate({ a: 1 }).errors.length, 1, 'the grown buffer is reused');
});

test('ObjectId _id and server rules', () => {
  assert.equal(N.validate({ _id: new ObjectId() }).valid, true);
  assert.deepEqual(pairs(N.validate({ _id: [1] })), ['_id server']);
  assert.deepEqual(pairs(N.validate({ $bad: 1 }, { strict: false })), ['$bad key']);
});
