'use strict';
// The schemas and documents of the differential test.
//
// Each group is one .bsg file: `decls` are its `schema` declarations, whose
// `body` (and `options`) text is pasted verbatim into the .bsg file AND
// evaluated as JavaScript for `new Schema(body, options)`, so the two sides
// cannot drift. `models` maps a model name to its documents; each document
// is built with bson's classes so its BSON types are exactly the intended
// ones.
//
// A case: { name, doc, mismatch?, setter?, todo? }
//   mismatch: paths whose BSON type the schema does not accept (rule B)
//   design:   { path: kind } a deliberate difference from DESIGN.md 5.1
//             (a setter Mongoose applies first, a key name bsonguard forbids)
//             (rule E)
//   todo:     a known divergence (reported as TODO, does not fail the run)
//   messagesTodo: the same, for the `messages` subtest only
//   patch:    bytes => bytes, for BSON that bson will not serialize
//   _id is added (a fixed ObjectId) unless the document has one.

const { BSON, clone } = require('./harness');
const { ObjectId, Decimal128, Long, Double, Int32, Binary, UUID } = BSON;

const MISSING = Symbol('missing');

// Change the BSON type byte of top-level field `key` (for values bson will
// not produce: undefined, dates outside JavaScript's range).
function retype(key, from, to) {
  return buf => {
    const needle = Buffer.from([from, ...Buffer.from(key), 0]);
    const at = buf.indexOf(needle, 4);
    if (at < 0)
      throw new Error(`retype: no field ${key} of type ${from}`);
    const out = Buffer.from(buf);
    out[at] = to;
    return out;
  };
}

function setPath(obj, p, v) {
  const parts = p.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) {
    if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object')
      o[k] = {};
    o = o[k];
  }
  const last = parts[parts.length - 1];
  if (v === MISSING)
    delete o[last];
  else
    o[last] = v;
}

// A copy of `base` with dotted paths replaced (MISSING deletes).
function mut(base, changes) {
  const o = clone(base);
  for (const [p, v] of Object.entries(changes))
    setPath(o, p, v);
  return o;
}

// Rename the first field named `from` (same length) to `to`: a name twice.
function rename(from, to) {
  return buf => {
    const at = buf.indexOf(Buffer.from(from + '\0'), 4);
    if (at < 0 || from.length !== to.length)
      throw new Error(`rename: no field ${from}`);
    const out = Buffer.from(buf);
    Buffer.from(to).copy(out, at);
    return out;
  };
}

const oid = n => new ObjectId(n.toString(16).padStart(24, '6'));
const D = s => new Date(s);
const uuid = new UUID('0f8fad5b-d9cb-469f-a165-70867728950e');
const bin = s => new Binary(Buffer.from(s), 0);
const HEX = '65a1b2c3d4e5f60718293a4b';

// MARK: - Every SchemaType, unrequired

const scalarsValid = {
  s: 'hello', n: 42, b: true, d: D('2024-01-02T03:04:05Z'), o: oid(1), dec: Decimal128.fromString('1.5'),
  big: Long.fromString('1234567890123'), dbl: new Double(2.5), i32: new Int32(7), u: uuid,
  buf: bin('abc'), mx: { a: [1, { b: 2 }] }, obj: 'anything', emp: [1, 'x'],
  o2: oid(2), o3: oid(3), dec2: Decimal128.fromString('-0.001'), b2: false, m2: null, s2: 'x', n2: 5.5,
};
const scalars = {
  name: 'scalars',
  decls: [{
    name: 'Scalars',
    body: `{
  s: String,
  n: Number,
  b: Boolean,
  d: Date,
  o: Schema.Types.ObjectId,
  dec: Schema.Types.Decimal128,
  big: BigInt,
  dbl: Schema.Types.Double,
  i32: Schema.Types.Int32,
  u: Schema.Types.UUID,
  buf: Buffer,
  mx: Schema.Types.Mixed,
  obj: Object,
  emp: {},
  o2: Types.ObjectId,
  o3: 'objectId',
  dec2: Schema.Types.Decimal,
  b2: mongoose.Schema.Types.Bool,
  m2: 'mixed',
  s2: { type: 'String' },
  n2: { type: Number },
}`,
  }],
  models: {
    Scalars: [
      { name: 'every type, valid', doc: scalarsValid },
      { name: 'every path missing', doc: {} },
      { name: 'every path null', doc: Object.fromEntries(Object.keys(scalarsValid).map(k => [k, null])) },
      { name: 'Number as int64', doc: mut(scalarsValid, { n: Long.fromNumber(5), n2: Long.fromNumber(-7) }) },
      { name: 'Number as int64 beyond 2^53', doc: mut(scalarsValid, { n: Long.fromString('9007199254740993') }) },
      { name: 'Number as double, integral', doc: mut(scalarsValid, { n: new Double(5) }) },
      { name: 'Number as double -0 and Infinity', doc: mut(scalarsValid, { n: -0, n2: Infinity }) },
      { name: 'Number NaN', doc: mut(scalarsValid, { n: NaN }) },
      { name: 'Double NaN', doc: mut(scalarsValid, { dbl: new Double(NaN) }) },
      { name: 'Double -Infinity', doc: mut(scalarsValid, { dbl: new Double(-Infinity) }) },
      { name: 'BigInt int64 min', doc: mut(scalarsValid, { big: Long.MIN_VALUE }) },
      { name: 'BigInt int64 max', doc: mut(scalarsValid, { big: Long.MAX_VALUE }) },
      { name: 'Int32 extremes', doc: mut(scalarsValid, { i32: new Int32(-2147483648) }) },
      { name: 'Decimal128 NaN and Infinity', doc: mut(scalarsValid, { dec: Decimal128.fromString('NaN'), dec2: Decimal128.fromString('-Infinity') }) },
      { name: 'Buffer of other subtypes', doc: mut(scalarsValid, { buf: new Binary(Buffer.from('xy'), 5) }) },
      { name: 'Buffer holding a UUID', doc: mut(scalarsValid, { buf: uuid }) },
      { name: 'empty Buffer', doc: mut(scalarsValid, { buf: new Binary(Buffer.alloc(0), 0) }) },
      { name: 'Date far past and future', doc: mut(scalarsValid, { d: new Date(-8.64e15) }) },
      { name: 'Date beyond JavaScript\'s range (the driver reads Invalid Date)', doc: mut(scalarsValid, { d: Long.fromNumber(8.64e15 + 1) }),
        patch: retype('d', 0x12, 0x09) },
      { name: 'BSON undefined (the driver reads null)', doc: mut(scalarsValid, { s: null }), patch: retype('s', 0x0a, 0x06), mismatch: ['s'] },
      { name: 'Mixed holds anything', doc: mut(scalarsValid, { mx: [null, D('2020-01-01'), uuid], obj: { $weird: 1 }, emp: new Int32(1) }) },
      { name: 'empty string on String', doc: mut(scalarsValid, { s: '' }) },
      // Rule B: wrong BSON type that Mongoose casts.
      { name: 'String as int32 (Mongoose casts)', doc: mut(scalarsValid, { s: new Int32(42) }), mismatch: ['s'] },
      { name: 'String as a document with _id (Mongoose takes _id)', doc: mut(scalarsValid, { s: { _id: 'x' } }), mismatch: ['s'] },
      { name: 'Number as numeric string', doc: mut(scalarsValid, { n: '42' }), mismatch: ['n'] },
      { name: 'Number as bool', doc: mut(scalarsValid, { n: true }), mismatch: ['n'] },
      { name: 'Number as date', doc: mut(scalarsValid, { n: D('2020-01-01') }), mismatch: ['n'] },
      { name: 'Number as decimal', doc: mut(scalarsValid, { n: Decimal128.fromString('2') }), mismatch: ['n'] },
      { name: 'Boolean as "true"', doc: mut(scalarsValid, { b: 'true' }), mismatch: ['b'] },
      { name: 'Boolean as int32 1', doc: mut(scalarsValid, { b: new Int32(1) }), mismatch: ['b'] },
      { name: 'Date as ISO string', doc: mut(scalarsValid, { d: '2024-01-01T00:00:00Z' }), mismatch: ['d'] },
      { name: 'Date as int64 ms', doc: mut(scalarsValid, { d: Long.fromNumber(1700000000000) }), mismatch: ['d'] },
      { name: 'ObjectId as 24-hex string', doc: mut(scalarsValid, { o: HEX, o2: HEX.toUpperCase() }), mismatch: ['o', 'o2'] },
      { name: 'Decimal128 as string and double', doc: mut(scalarsValid, { dec: '1.5', dec2: new Double(0.5) }), mismatch: ['dec', 'dec2'] },
      { name: 'BigInt as int32', doc: mut(scalarsValid, { big: new Int32(5) }), mismatch: ['big'] },
      { name: 'BigInt as integral double', doc: mut(scalarsValid, { big: new Double(5) }), mismatch: ['big'] },
      { name: 'Double as int32', doc: mut(scalarsValid, { dbl: new Int32(5) }), mismatch: ['dbl'] },
      { name: 'Double as int64', doc: mut(scalarsValid, { dbl: Long.fromNumber(5) }), mismatch: ['dbl'] },
      { name: 'Double as a document (Mongoose stores NaN)', doc: mut(scalarsValid, { dbl: { a: 'x' } }), mismatch: ['dbl'] },
      { name: 'Int32 as integral double', doc: mut(scalarsValid, { i32: new Double(5) }), mismatch: ['i32'] },
      { name: 'Int32 as int64', doc: mut(scalarsValid, { i32: Long.fromNumber(5) }), mismatch: ['i32'] },
      { name: 'UUID as string', doc: mut(scalarsValid, { u: '0f8fad5b-d9cb-469f-a165-70867728950e' }), mismatch: ['u'] },
      { name: 'Buffer as string', doc: mut(scalarsValid, { buf: 'abc' }), mismatch: ['buf'] },
      { name: 'Buffer as int32', doc: mut(scalarsValid, { buf: new Int32(7) }), mismatch: ['buf'] },
      // Rule C: wrong BSON type that Mongoose rejects (CastError).
      { name: 'Number as non-numeric string', doc: mut(scalarsValid, { n: 'abc' }) },
      { name: 'Number as array', doc: mut(scalarsValid, { n: [42] }) },
      { name: 'Boolean as "maybe"', doc: mut(scalarsValid, { b: 'maybe' }) },
      { name: 'Date as bool', doc: mut(scalarsValid, { d: true }) },
      { name: 'ObjectId as short string', doc: mut(scalarsValid, { o: 'xyz' }) },
      { name: 'Decimal128 as bool', doc: mut(scalarsValid, { dec: false }) },
      { name: 'BigInt as fractional double', doc: mut(scalarsValid, { big: new Double(4.5) }) },
      { name: 'Int32 as fractional double', doc: mut(scalarsValid, { i32: new Double(4.5) }) },
      { name: 'Int32 as 2^31 double', doc: mut(scalarsValid, { i32: new Double(2147483648) }) },
      { name: 'UUID as binary subtype 0', doc: mut(scalarsValid, { u: new Binary(Buffer.alloc(16, 1), 0) }) },
      { name: 'Buffer as bool', doc: mut(scalarsValid, { buf: true }) },
      { name: 'String as array and document', doc: mut(scalarsValid, { s: ['a'], s2: { a: 1 } }) },
      { name: 'several CastErrors at once', doc: mut(scalarsValid, { n: 'abc', o: 'xyz', b: 'maybe', d: true }) },
    ],
  },
};

// MARK: - required, per type

const requiredValid = {
  rs: 'x', rn: 0, rb: false, rd: D('2000-01-01'), ro: oid(9), rdec: Decimal128.fromString('0'), rbig: Long.ZERO,
  rdbl: new Double(0), ri32: new Int32(0), ru: uuid, rbuf: bin('\0'), rmx: {}, rarr: [], rmap: {}, rsub: {},
  rmsg: 'ok', rdef: 'given',
};
const required = {
  name: 'required',
  decls: [{
    name: 'Required',
    body: `{
  rs: { type: String, required: true },
  rn: { type: Number, required: true },
  rb: { type: Boolean, required: true },
  rd: { type: Date, required: true },
  ro: { type: Schema.Types.ObjectId, required: true },
  rdec: { type: Schema.Types.Decimal128, required: true },
  rbig: { type: BigInt, required: true },
  rdbl: { type: Schema.Types.Double, required: true },
  ri32: { type: Schema.Types.Int32, required: true },
  ru: { type: Schema.Types.UUID, required: true },
  rbuf: { type: Buffer, required: true },
  rmx: { type: Schema.Types.Mixed, required: true },
  rarr: { type: [Number], required: true },
  rmap: { type: Map, of: String, required: true },
  rsub: { type: { a: String }, required: true },
  rmsg: { type: String, required: [true, 'rmsg is mandatory'] },
  rdef: { type: String, required: true, default: 'fallback' },
}`,
  }],
  models: {
    Required: [
      { name: 'falsy but present values pass', doc: requiredValid },
      { name: 'every path missing', doc: {} },
      { name: 'every path null', doc: Object.fromEntries(Object.keys(requiredValid).map(k => [k, null])) },
      { name: 'empty string', doc: mut(requiredValid, { rs: '', rmsg: '' }) },
      { name: 'empty Buffer', doc: mut(requiredValid, { rbuf: new Binary(Buffer.alloc(0), 0) }) },
      { name: 'missing path with a default', doc: mut(requiredValid, { rdef: MISSING }) },
      { name: 'missing array (Mongoose defaults it to [])', doc: mut(requiredValid, { rarr: MISSING }) },
      { name: 'nil UUID', doc: mut(requiredValid, { ru: new UUID('00000000-0000-0000-0000-000000000000') }) },
      { name: 'non-RFC UUID bytes', doc: mut(requiredValid, { ru: new Binary(Buffer.alloc(16, 0xff), 4) }) },
      { name: 'required String as int32', doc: mut(requiredValid, { rs: new Int32(0) }), mismatch: ['rs'] },
      { name: 'required Number as empty string (Mongoose casts to null)', doc: mut(requiredValid, { rn: '' }), mismatch: ['rn'] },
    ],
  },
};

// MARK: - validators

const valValid = {
  color: 'red', size: 'M', level: 2, age: 0, score: 10, zero: 0, when: D('2020-01-01T00:00:00Z'),
  ms: D('2020-01-01T00:00:00Z'), past: D('2001-01-01'), dzero: D('2020-01-01'), code: 'ab', nick: 'abc',
  zip: '12345', word: 'Hello', uni: 'Élan', mfirst: 'abc', lfirst: 'abc', re: 'xyz', nul: 'nuts', v2: 'abc', tagsEnum: ['a', 'b'],
  scores: [0, 10, 5.5], emo: '😀a', handle: 'abc',
};
const validators = {
  name: 'validators',
  decls: [{
    name: 'Validators',
    body: `{
  color: { type: String, enum: ['red', 'green', 'blue'] },
  size: { type: String, enum: { values: ['S', 'M', 'L'], message: 'size {VALUE} is not offered' } },
  level: { type: Number, enum: [1, 2, 3] },
  age: { type: Number, min: 0, max: 150 },
  score: { type: Number, min: [10, 'score too low: {VALUE} < {MIN}'], max: [20, 'score too high'] },
  zero: { type: Number, max: 0 },
  when: { type: Date, min: '2020-01-01', max: '2030-12-31T23:59:59Z' },
  ms: { type: Date, min: 1577836800000 },
  past: { type: Date, max: Date.now },
  dzero: { type: Date, max: 0 },
  code: { type: String, minlength: 2, maxlength: 4 },
  nick: { type: String, minLength: [3, 'nick too short'], maxLength: [5, 'nick too long'] },
  zip: { type: String, match: /^\\d{5}$/ },
  word: { type: String, match: [/^[a-z]+$/i, 'word: letters only, got {VALUE}'] },
  uni: { type: String, match: /^\\p{Lu}/u },
  mfirst: { type: String, match: /^a/, minlength: 3 },
  lfirst: { type: String, minlength: 3, match: /^a/ },
  re: { type: String, validate: /^x/ },
  nul: { type: String, validate: /^nu/ },
  v2: { type: String, validate: { validator: /^a/, message: 'v2 wants an a, got {VALUE}' } },
  tagsEnum: { type: [String], enum: ['a', 'b'] },
  scores: [{ type: Number, min: 0, max: 10 }],
  emo: { type: String, maxlength: 3 },
  handle: { type: String, unique: true, index: true, lowercase: true, trim: true, enum: ['abc'] },
}`,
  }],
  models: {
    Validators: [
      { name: 'all valid, at the bounds', doc: valValid },
      { name: 'upper bounds', doc: mut(valValid, { age: 150, score: 20, when: D('2030-12-31T23:59:59Z'), code: 'abcd', nick: 'abcde', emo: 'héé' }) },
      { name: 'every path null (but validate: /re/)', doc: Object.fromEntries(Object.keys(valValid).filter(k => k !== 're' && k !== 'v2').map(k => [k, null])) },
      { name: 'validate: regexp on null', doc: mut(valValid, { re: null }) },
      { name: 'validate: regexp matching "null" on null', doc: mut(valValid, { nul: null }) },
      { name: 'validate: regexp miss', doc: mut(valValid, { nul: 'null!'.slice(1) }) },
      { name: 'enum misses', doc: mut(valValid, { color: 'Red', size: 'XL', level: 4 }) },
      { name: 'Number enum with an integral double', doc: mut(valValid, { level: new Double(3) }) },
      { name: 'Number enum with int64', doc: mut(valValid, { level: Long.fromNumber(1) }) },
      { name: 'min and max misses', doc: mut(valValid, { age: -1, score: 21, zero: 1 }) },
      { name: 'min with custom message', doc: mut(valValid, { score: 9.5 }) },
      { name: 'max as int64 and Infinity', doc: mut(valValid, { age: Long.fromNumber(151), zero: Infinity }) },
      { name: 'min -Infinity and -0', doc: mut(valValid, { age: -Infinity, zero: -0 }) },
      { name: 'Date min and max misses', doc: mut(valValid, { when: D('2019-12-31T23:59:59.999Z'), ms: D('2019-06-01') }) },
      { name: 'Date max: Date.now', doc: mut(valValid, { past: D('2999-01-01') }) },
      { name: 'Date after max', doc: mut(valValid, { when: D('2031-01-01') }) },
      { name: 'Date max: 0 is ignored (falsy bound)', doc: mut(valValid, { dzero: D('2024-05-05') }) },
      { name: 'minlength and maxlength misses', doc: mut(valValid, { code: 'a', nick: 'abcdef' }) },
      { name: 'minLength with custom message', doc: mut(valValid, { nick: 'ab', code: 'abcde' }) },
      { name: 'empty string: minlength fails, match passes', doc: mut(valValid, { code: '', zip: '', word: '' }) },
      { name: 'maxlength counts UTF-16 units', doc: mut(valValid, { emo: '😀😀' }) },
      { name: 'astral character within maxlength', doc: mut(valValid, { emo: '😀' }) },
      { name: 'match misses', doc: mut(valValid, { zip: '1234', word: 'héllo' }) },
      { name: 'match: $ does not match before a final newline', doc: mut(valValid, { zip: '12345\n' }) },
      { name: 'match with the u flag', doc: mut(valValid, { uni: 'élan' }) },
      { name: 'validator order: match before minlength', doc: mut(valValid, { mfirst: 'b', lfirst: 'b' }) },
      { name: 'validate: regexp (user defined)', doc: mut(valValid, { re: 'yes' }) },
      { name: 'validate: {validator: regexp, message}', doc: mut(valValid, { v2: 'b' }) },
      { name: 'top-level field starting with $', doc: mut(valValid, { $x: 1 }), design: { $x: 'key' } },
      { name: 'a field twice: first value invalid', doc: mut(valValid, { age: 200, zzz: 1 }), patch: rename('zzz', 'age'), design: { age: 'key' } },
      { name: 'a field twice: last value invalid', doc: mut(valValid, { age: 1, zzz: 200 }), patch: rename('zzz', 'age'), design: { age: 'key' } },
      { name: 'enum on array elements', doc: mut(valValid, { tagsEnum: ['a', 'c', 'b', 'd'] }) },
      { name: 'element min and max', doc: mut(valValid, { scores: [5, -1, 11, null, 10] }) },
      { name: 'many validators fail at once', doc: mut(valValid, { color: 'x', age: 200, code: 'abcdefg', zip: 'z', re: 'q', scores: [-5] }) },
      { name: 'unique is not a validator', doc: mut(valValid, { handle: 'abc' }) },
      { name: 'lowercase and trim are setters: Mongoose validates the changed value',
        doc: mut(valValid, { handle: ' ABC ' }), design: { handle: 'enum' } },
      { name: 'Number validator with a numeric string', doc: mut(valValid, { age: '-5' }), mismatch: ['age'] },
      { name: 'String enum with int32', doc: mut(valValid, { color: new Int32(1) }), mismatch: ['color'] },
    ],
  },
};

// MARK: - regular expressions (JavaScript semantics, DESIGN.md 5.1)

const UTF16 = 'without the u flag a JavaScript regex matches UTF-16 code units (`.` and `[^a]` do not match an astral character); PCRE2_UTF matches code points';
const reValid = {
  digit: '123', word: 'hello', bound: 'a b', dot: 'x', dotU: '😀', space: ' ', neg: 'b', kelvin: 'K', prop: null,
  named: '1-1', dollarM: 'abc\nx', glob: 'a', esc: 'é😀', any: '\n', ci: 'É', lead: null,
};
const regex = {
  name: 'regex',
  decls: [{
    name: 'Regex',
    body: String.raw`{
  digit: { type: String, match: /^\d+$/ },
  word: { type: String, match: /^\w+$/ },
  bound: { type: String, match: /\bb/ },
  dot: { type: String, match: /^.$/ },
  dotU: { type: String, match: /^.$/u },
  space: { type: String, match: /^\s$/ },
  neg: { type: String, match: /^[^a]$/ },
  kelvin: { type: String, match: /^k$/i },
  prop: { type: String, match: /^\p{L}$/ },
  named: { type: String, match: /^(?<y>\d)-\k<y>$/ },
  dollarM: { type: String, match: /c$/m },
  glob: { type: String, match: /a/g },
  esc: { type: String, match: /^\u00e9\u{1F600}$/u },
  any: { type: String, match: /^[^]$/ },
  ci: { type: String, match: /^é$/i },
  lead: { type: String, match: /^[]a]$/ },
}`,
  }],
  models: {
    Regex: [
      { name: 'valid', doc: reValid },
      { name: 'misses both agree on', doc: mut(reValid, { digit: '12a', word: 'a-b', dot: 'xy', dotU: 'xy', space: 'x', neg: 'a', kelvin: 'x', named: '1-2', dollarM: 'ab', glob: 'b', esc: 'e', any: '', ci: 'e', lead: ']' }) },
      { name: '\\d and a non-ASCII digit', doc: mut(reValid, { digit: '١٢٣' }) },
      { name: '\\w and a non-ASCII letter', doc: mut(reValid, { word: 'héllo' }) },
      { name: '\\b after a non-ASCII letter', doc: mut(reValid, { bound: 'éb' }) },
      { name: '\\s and U+FEFF', doc: mut(reValid, { space: '\uFEFF' }) },
      { name: '\\s and U+00A0', doc: mut(reValid, { space: '\u00a0' }) },
      { name: '. and an astral character', doc: mut(reValid, { dot: '😀' }), todo: UTF16 },
      { name: '[^a] and an astral character', doc: mut(reValid, { neg: '😀' }), todo: UTF16 },
      { name: '/k/i and the Kelvin sign', doc: mut(reValid, { kelvin: '\u212A' }),
        todo: 'without the u flag JavaScript case-folds with toUpperCase (K, U+212A, is not k); PCRE2 caseless UTF matching folds it to k' },
      { name: '\\p{L} without the u flag is literal in JavaScript', doc: mut(reValid, { prop: 'A' }) },
      { name: '\\p{L} without the u flag, literal text', doc: mut(reValid, { prop: 'p{L}' }) },
    ],
  },
};

// MARK: - nested paths

const nestedValid = {
  profile: { name: 'Ann', age: 30, address: { city: 'Oslo', zip: '01234' } },
  flags: { active: true, level: 1 },
  kind: { type: 'a' },
};
const nested = {
  name: 'nested',
  decls: [{
    name: 'Nested',
    body: `{
  profile: {
    name: { type: String, required: true },
    age: { type: Number, min: 0 },
    address: {
      city: String,
      zip: { type: String, match: /^\\d{5}$/, required: true },
    },
  },
  flags: { active: Boolean, level: { type: Number, enum: [1, 2] } },
  kind: { type: { type: String, enum: ['a', 'b'] } },
  wrap: { inner: { type: { a: { type: String, required: true } } } },
}`,
  }],
  models: {
    Nested: [
      { name: 'valid', doc: nestedValid },
      { name: 'nested parent missing: required children still fire', doc: mut(nestedValid, { profile: MISSING }) },
      { name: 'nested parent null', doc: mut(nestedValid, { profile: null }) },
      { name: 'nested parent empty', doc: mut(nestedValid, { profile: {} }) },
      { name: 'grandchild parent missing', doc: mut(nestedValid, { 'profile.address': MISSING }) },
      { name: 'children validators', doc: mut(nestedValid, { 'profile.age': -1, 'profile.address.zip': 'x', 'flags.level': 3 }) },
      { name: 'a field named type', doc: mut(nestedValid, { 'kind.type': 'c' }) },
      { name: 'every nested path missing', doc: {} },
      { name: 'subdocument inside a nested path: missing, empty', doc: mut(nestedValid, { wrap: {} }) },
      { name: 'subdocument inside a nested path: required child', doc: mut(nestedValid, { 'wrap.inner': {} }) },
      { name: 'nested path as a string (Mongoose drops it)', doc: mut(nestedValid, { profile: 'Ann' }), mismatch: ['profile'] },
      { name: 'nested path as an array (Mongoose drops it)', doc: mut(nestedValid, { 'profile.address': [] }), mismatch: ['profile.address'] },
    ],
  },
};

// MARK: - single nested subdocuments

const subValid = {
  name: 'Cafe', addr: { street: 'Main', city: 'Rome', zip: '00100' }, geo: { lat: 41.9, lng: 12.5 },
  home: { lat: 0, lng: 0 },
};
const subdocs = {
  name: 'subdocs',
  decls: [
    { name: 'Geo', body: `{
  lat: { type: Number, required: true, min: -90, max: 90 },
  lng: { type: Number, required: true, min: -180, max: 180 },
}`, options: `{ _id: false }` },
    { name: 'Place', body: `{
  name: { type: String, required: true },
  addr: { type: { street: String, city: { type: String, required: true }, zip: { type: String, maxlength: 5 } } },
  geo: Geo,
  home: { type: Geo, required: true },
  spec: { type: { n: { a: { type: String, required: true } } } },
}` },
  ],
  models: {
    Place: [
      { name: 'valid', doc: subValid },
      { name: 'optional subdocuments missing: children are not checked', doc: mut(subValid, { addr: MISSING, geo: MISSING }) },
      { name: 'optional subdocuments null', doc: mut(subValid, { addr: null, geo: null }) },
      { name: 'empty subdocuments: required children fire', doc: mut(subValid, { addr: {}, geo: {} }) },
      { name: 'children validators', doc: mut(subValid, { 'addr.zip': '123456', 'geo.lat': 100, 'home.lng': -181 }) },
      { name: 'required subdocument missing', doc: mut(subValid, { home: MISSING }) },
      { name: 'required subdocument null', doc: mut(subValid, { home: null }) },
      { name: 'subdocument _id present', doc: mut(subValid, { 'addr._id': oid(7) }) },
      { name: 'nested path inside a subdocument: required child fires', doc: mut(subValid, { spec: {} }) },
      { name: 'nested path inside a subdocument: valid', doc: mut(subValid, { spec: { n: { a: 'x' } } }) },
      { name: 'subdocument as a string', doc: mut(subValid, { addr: 'Main St' }) },
      { name: 'subdocument as an array', doc: mut(subValid, { geo: [1, 2] }) },
      { name: 'subdocument as a date (Mongoose makes it {})', doc: mut(subValid, { geo: D('2020-01-01') }), mismatch: ['geo'] },
      { name: 'child with a numeric string', doc: mut(subValid, { 'geo.lat': '95' }), mismatch: ['geo.lat'] },
    ],
  },
};

// MARK: - arrays of scalars

const arrValid = {
  strs: ['a', 'b'], nums: [1, 2.5, Long.fromNumber(3)], grid: [[1, 2], [], [3]], dates: [D('2020-01-01')],
  ids: [oid(1), oid(2)], any: [1, 'x', { a: 1 }], anyArr: [[1], null], mixedArr: [true],
  bounded: [0, 10], letters: ['a', 'c'], short: [['ab', 'a'], []], tags: ['x', 'y'], typed: [1],
};
const arrays = {
  name: 'arrays',
  decls: [{
    name: 'Arrays',
    body: `{
  strs: [String],
  nums: [Number],
  grid: [[Number]],
  dates: [Date],
  ids: [Schema.Types.ObjectId],
  any: [],
  anyArr: Array,
  mixedArr: [Schema.Types.Mixed],
  bounded: [{ type: Number, min: 0, max: 10 }],
  letters: [{ type: String, enum: ['a', 'b', 'c'], required: true }],
  short: [[{ type: String, maxlength: 2 }]],
  tags: { type: [String], enum: ['x', 'y'] },
  typed: { type: [Number], required: true },
  maxEach: { type: [String], maxlength: 2 },
  matchEach: { type: [String], match: /^x/ },
  minEach: { type: [Number], min: 0 },
}`,
  }],
  models: {
    Arrays: [
      { name: 'valid', doc: arrValid },
      { name: 'empty arrays', doc: Object.fromEntries(Object.keys(arrValid).map(k => [k, []])) },
      { name: 'null arrays', doc: Object.fromEntries(Object.keys(arrValid).map(k => [k, null])) },
      { name: 'every array missing', doc: {} },
      { name: 'null elements', doc: mut(arrValid, { strs: [null, 'a'], nums: [null], grid: [null, [null]], bounded: [null], tags: [null] }) },
      { name: 'null element where the element is required', doc: mut(arrValid, { letters: ['a', null] }) },
      { name: 'element validators report every element', doc: mut(arrValid, { bounded: [5, -1, 11, 3, 12], letters: ['a', 'z', 'q'], tags: ['x', 'z'] }) },
      { name: 'nested array element validators', doc: mut(arrValid, { short: [['ab', 'abc'], ['abcd']] }) },
      { name: 'maxlength, match, min given on the array path', doc: mut(arrValid, { maxEach: ['abc', 'a'], matchEach: ['y', 'x'], minEach: [-1, 1] }) },
      // Rule B
      { name: 'numeric string in [Number]', doc: mut(arrValid, { nums: [1, '42'] }), mismatch: ['nums.1'] },
      { name: 'numeric string in a validated array', doc: mut(arrValid, { bounded: [5, '-1'] }), mismatch: ['bounded.1'] },
      { name: 'hex string in [ObjectId], ISO string in [Date]', doc: mut(arrValid, { ids: [oid(1), HEX], dates: ['2020-01-01'] }), mismatch: ['ids.1', 'dates.0'] },
      { name: 'scalar where an array is expected (Mongoose wraps it)', doc: mut(arrValid, { nums: new Int32(5), strs: 'x' }), mismatch: ['nums', 'strs'] },
      { name: 'too shallow [[Number]] (Mongoose wraps it)', doc: mut(arrValid, { grid: [1, 2] }), mismatch: ['grid.0', 'grid.1'] },
      // Rule A
      { name: 'uncastable element: Mongoose reports the first only', doc: mut(arrValid, { nums: [1, 'abc', 'def', 4] }) },
      { name: 'uncastable element before a validator failure', doc: mut(arrValid, { bounded: [-1, 'abc', 20] }) },
      { name: 'NaN element', doc: mut(arrValid, { nums: [NaN] }) },
      { name: 'document in [String]', doc: mut(arrValid, { strs: ['a', { a: 1 }] }) },
      { name: 'uncastable element in [[Number]]: outer index only', doc: mut(arrValid, { grid: [[1], [2, 'x'], ['y']] }) },
      { name: 'uncastable in one array, validator misses in another', doc: mut(arrValid, { nums: ['abc'], letters: ['z'] }) },
    ],
  },
};

// MARK: - document arrays

const line = (sku, qty, note) => (note === undefined ? { sku, qty } : { sku, qty, note });
const orderValid = {
  lines: [line('ABC-1', 1), line('XYZ-22', 3, 'gift')],
  items: [{ name: 'a', price: 0, opts: [{ k: 'size', v: 'L' }] }, { name: 'b', opts: [] }],
  must: [line('MUS-1', 1)],
};
const docarrays = {
  name: 'docarrays',
  decls: [
    { name: 'Line', body: `{
  sku: { type: String, required: true, match: /^[A-Z]{3}-\\d+$/ },
  qty: { type: Number, required: true, min: 1 },
  note: String,
}`, options: `{ _id: false }` },
    { name: 'Order', body: `{
  lines: [Line],
  items: [{
    name: { type: String, required: true },
    price: { type: Number, min: 0 },
    opts: [{ k: { type: String, required: true }, v: String }],
  }],
  must: { type: [Line], required: true },
  notes: [{ meta: { a: { type: String, required: true } } }],
}` },
  ],
  models: {
    Order: [
      { name: 'valid', doc: orderValid },
      { name: 'empty arrays', doc: { lines: [], items: [], must: [] } },
      { name: 'errors in several elements', doc: mut(orderValid, { lines: [line('ABC-1', 0), line('ok', 2), { qty: 5 }, line('bad', -3)] }) },
      { name: 'nested document array', doc: mut(orderValid, { items: [{ name: 'a', opts: [{ k: 'x' }, { v: 'y' }] }, { price: -1, opts: [{}] }] }) },
      { name: 'nested path inside elements: required child fires', doc: mut(orderValid, { notes: [{}, { meta: {} }, { meta: { a: 'x' } }] }) },
      { name: 'element _id present', doc: mut(orderValid, { items: [{ _id: oid(5), name: 'a' }] }) },
      { name: 'null element', doc: mut(orderValid, { lines: [null, line('ABC-1', 1)] }) },
      { name: 'empty element', doc: mut(orderValid, { lines: [{}] }) },
      { name: 'required document array missing (Mongoose defaults it to [])', doc: mut(orderValid, { must: MISSING }) },
      { name: 'required document array null', doc: mut(orderValid, { must: null }) },
      { name: 'primitive element (Mongoose reports the array)', doc: mut(orderValid, { lines: [line('ABC-1', 1), 5] }) },
      { name: 'primitive element and a validator failure in the same array', doc: mut(orderValid, { lines: [line('ABC-1', 0), 'x'] }) },
      { name: 'date element (Mongoose makes it {})', doc: mut(orderValid, { lines: [line('ABC-1', 1), D('2020-01-01')] }), mismatch: ['lines.1'] },
      { name: 'numeric string in an element', doc: mut(orderValid, { lines: [line('ABC-1', '0')] }), mismatch: ['lines.0.qty'] },
      { name: 'single document where an array is expected (Mongoose wraps it)', doc: mut(orderValid, { lines: line('ABC-1', 1) }), mismatch: ['lines'] },
    ],
  },
};

// MARK: - maps

const bagValid = {
  counts: { a: 1, b: 2.5 }, colors: { x: 'red' }, entries: { e: { label: 'L', n: 9 } }, inlineOf: { k: { label: 'x' } },
  lists: { a: ['x', 'y'], b: [] }, anything: { a: { b: [1] } }, reqVals: { a: 0 },
};
const maps = {
  name: 'maps',
  decls: [
    { name: 'Entry', body: `{
  label: { type: String, required: true },
  n: { type: Number, max: 9 },
}`, options: `{ _id: false }` },
    { name: 'Bag', body: `{
  counts: { type: Map, of: Number },
  colors: { type: Map, of: { type: String, enum: ['red', 'green'] } },
  entries: { type: Map, of: Entry },
  inlineOf: { type: Map, of: { label: { type: String, required: true } } },
  lists: { type: Map, of: [String] },
  anything: Map,
  reqVals: { type: Map, of: { type: Number, required: true } },
}` },
  ],
  models: {
    Bag: [
      { name: 'valid', doc: bagValid },
      { name: 'empty maps', doc: Object.fromEntries(Object.keys(bagValid).map(k => [k, {}])) },
      { name: 'null maps', doc: Object.fromEntries(Object.keys(bagValid).map(k => [k, null])) },
      { name: 'null values', doc: mut(bagValid, { counts: { a: null }, colors: { x: null }, entries: { e: null }, lists: { a: null } }) },
      { name: 'null value where the value is required', doc: mut(bagValid, { reqVals: { a: null, b: 1 } }) },
      { name: 'value validators', doc: mut(bagValid, { colors: { x: 'blue', y: 'green', z: 'pink' }, entries: { e: { n: 10 }, f: {} } }) },
      { name: 'inline `of` object is a subdocument', doc: mut(bagValid, { inlineOf: { k: {}, j: { label: '' } } }) },
      { name: 'numeric string value', doc: mut(bagValid, { counts: { a: '5' } }), mismatch: ['counts.a'] },
      { name: 'uncastable values: one error each', doc: mut(bagValid, { counts: { a: 'x', b: 1, c: 'y' } }) },
      { name: 'key with a dot', doc: mut(bagValid, { counts: { 'a.b': 1 } }) },
      { name: 'key starting with $', doc: mut(bagValid, { colors: { $x: 'red' } }) },
      { name: 'empty key', doc: mut(bagValid, { counts: { '': 1, b: 2 } }), design: { 'counts.': 'key' } },
      { name: 'map as an array', doc: mut(bagValid, { counts: [1, 2] }) },
    ],
  },
};

// MARK: - strict

const tightValid = {
  name: 'n', n: { a: 'x', deep: { b: 1 } }, s: { a: 'y' }, arr: [{ a: 'z' }], loose: { a: 'l' }, looseArr: [{ a: 'm' }],
  mx: { anything: [1] },
};
const strict = {
  name: 'strict',
  decls: [
    { name: 'Loose', body: `{ a: String }` },
    { name: 'Tight', body: `{
  name: String,
  n: { a: String, deep: { b: Number } },
  s: { type: { a: String } },
  arr: [{ a: String }],
  loose: Loose,
  looseArr: [Loose],
  mx: Schema.Types.Mixed,
}`, options: `{ strict: 'throw' }` },
    { name: 'Lax', body: `{ a: { type: String, required: true } }`, options: `{ strict: false }` },
  ],
  models: {
    Tight: [
      { name: 'valid', doc: tightValid },
      { name: 'unknown top-level field', doc: mut(tightValid, { zz: 1 }) },
      { name: 'two unknown top-level fields', doc: mut(tightValid, { zz: 1, yy: 'x' }) },
      { name: 'unknown field in a nested path (inherits strict)', doc: mut(tightValid, { 'n.zz': 1, 'n.deep.yy': 2 }) },
      { name: 'unknown field in an inline subdocument (inherits strict)', doc: mut(tightValid, { 's.zz': 1 }) },
      { name: 'unknown field in an inline document array (inherits strict)', doc: mut(tightValid, { arr: [{ a: 'x' }, { zz: 1 }] }) },
      { name: 'unknown field in a declared child (keeps its own strict)', doc: mut(tightValid, { 'loose.zz': 1, looseArr: [{ zz: 1 }] }) },
      { name: 'anything inside Mixed', doc: mut(tightValid, { 'mx.zz': 1 }) },
      { name: 'unknown field and a cast error', doc: mut(tightValid, { zz: 1, 'n.deep.b': 'abc' }) },
      { name: 'primitive on a nested path under strict: throw', doc: mut(tightValid, { n: 'x' }) },
    ],
    Lax: [
      { name: 'unknown fields kept', doc: { a: 'x', zz: 1, yy: { q: 1 } } },
      { name: 'required still applies', doc: { zz: 1 } },
    ],
  },
};

// MARK: - discriminators

const at = D('2024-02-03T04:05:06Z');
const discriminators = {
  name: 'discriminators',
  decls: [
    { name: 'Event', body: `{
  at: { type: Date, required: true },
  note: { type: String, maxlength: 10 },
}` },
    { name: 'Click', extends: 'Event', body: `{
  x: { type: Number, required: true, min: 0 },
  y: Number,
}` },
    { name: 'Purchase', extends: 'Event', body: `{
  amount: { type: Schema.Types.Decimal128, required: true },
  sku: { type: String, match: /^SKU\\d+$/ },
}`, options: `{ discriminatorValue: 'buy' }` },
    { name: 'Feed', body: `{
  title: String,
  events: [Event],
  last: Event,
}` },
    { name: 'Animal', body: `{ name: String }`, options: `{ strict: 'throw' }` },
    { name: 'Dog', extends: 'Animal', body: `{ bark: { type: Boolean, required: true } }` },
    { name: 'Shape', body: `{ area: { type: Number, min: 0 } }`, options: `{ discriminatorKey: 'kind' }` },
    { name: 'Circle', extends: 'Shape', body: `{ r: { type: Number, required: true, min: 0 } }` },
  ],
  models: {
    Event: [
      { name: 'base, no key', doc: { at } },
      { name: 'base, no key, required missing', doc: { note: 'far too long a note' } },
      { name: 'child valid', doc: { __t: 'Click', at, x: 1 } },
      { name: 'child: own and inherited paths checked', doc: { __t: 'Click', note: 'far too long a note' } },
      { name: 'child validator', doc: { __t: 'Click', at, x: -1 } },
      { name: 'child with discriminatorValue', doc: { __t: 'buy', at, sku: 'nope' } },
      { name: 'child name where its value is expected', doc: { __t: 'Purchase', at },
        todo: 'Mongoose picks a discriminator by its name as well as by its value (new Model and hydrate both): `__t: "Purchase"` selects Purchase (amount required) and `new Model` reports a CastError on `__t`; bsonguard treats the name as an unknown value and validates against the base' },
      { name: 'unknown key value falls back to the base', doc: { __t: 'Nope', x: -5 } },
      { name: 'child fields on the base are not checked', doc: { at, x: -5, amount: 'x' } },
    ],
    Feed: [
      { name: 'valid embedded discriminators', doc: { events: [{ __t: 'Click', at, x: 1 }, { __t: 'buy', at, amount: Decimal128.fromString('9.99') }, { at }], last: { __t: 'Click', at, x: 0 } } },
      { name: 'each element uses its own schema', doc: { events: [{ __t: 'Click', at }, { __t: 'buy', at, sku: 'x' }, { __t: 'Nope', x: -1 }, {}] } },
      { name: 'single nested discriminator', doc: { last: { __t: 'Click', at, x: -1 } } },
    ],
    Animal: [
      { name: 'child inherits strict: throw', doc: { __t: 'Dog', bark: true, meow: 1 } },
      { name: 'child fields are unknown on the base', doc: { name: 'x', bark: true } },
      { name: 'child required', doc: { __t: 'Dog' } },
    ],
    Shape: [
      { name: 'custom discriminatorKey', doc: { kind: 'Circle', area: -1 } },
      { name: 'custom discriminatorKey, valid', doc: { kind: 'Circle', r: 2 } },
      { name: '__t is not the key here', doc: { __t: 'Circle', area: 1 } },
    ],
  },
};

// MARK: - schema options

const options = {
  name: 'options',
  decls: [
    { name: 'Stamped', body: `{ title: String }`, options: `{ timestamps: true }` },
    { name: 'Renamed', body: `{ title: String }`, options: `{ timestamps: { createdAt: 'born', updatedAt: false }, versionKey: '_ver' }` },
    { name: 'Keyed', body: `{
  a: { $type: String, required: true },
  type: { $type: String, enum: ['x'] },
  sub: { $type: { type: { $type: String, required: true } } },
}`, options: `{ typeKey: '$type' }` },
    { name: 'NoId', body: `{ a: String }`, options: `{ _id: false }` },
  ],
  models: {
    Stamped: [
      { name: 'timestamps and version key', doc: { title: 't', createdAt: at, updatedAt: at, __v: 0 } },
      { name: 'timestamps missing', doc: { title: 't' } },
      { name: 'timestamp as string', doc: { createdAt: '2020-01-01' }, mismatch: ['createdAt'] },
      { name: 'timestamp as bool', doc: { updatedAt: true } },
      { name: 'version key as string', doc: { __v: '3' }, mismatch: ['__v'] },
      { name: 'version key not a number', doc: { __v: 'x' } },
    ],
    Renamed: [
      { name: 'renamed timestamp and version key', doc: { born: at, _ver: 1 } },
      { name: 'renamed timestamp not a date', doc: { born: false, _ver: 'abc' } },
      { name: 'disabled timestamp is an unknown field', doc: { updatedAt: 5, createdAt: 'x', __v: 'x' } },
    ],
    Keyed: [
      { name: 'typeKey $type', doc: { a: 'x', type: 'x', sub: { type: 'y' } } },
      { name: 'typeKey $type: validators', doc: { type: 'y', sub: {} } },
    ],
    NoId: [
      { name: '_id: false on a model', doc: { a: 'x' } },
    ],
  },
};

// MARK: - recursive schemas

const recursive = {
  name: 'recursive',
  decls: [{ name: 'Comment', body: `{
  text: { type: String, required: true, maxlength: 20 },
  replies: [Comment],
}` }],
  models: {
    Comment: [
      { name: 'valid thread', doc: { text: 'a', replies: [{ text: 'b', replies: [{ text: 'c' }] }] } },
      { name: 'errors deep in the thread', doc: { text: 'a', replies: [{ text: 'b', replies: [{ text: 'c' }, {}, { text: 'x'.repeat(21) }] }, {}] } },
    ],
  },
};

// MARK: - the README example (examples/conversation.bsg)

const msg = { sender: oid(10), body: 'hi', sentAt: at, readBy: [oid(11)], attachments: [{ url: 'https://x/y.png', size: 10, mime: 'image/png' }] };
const convValid = {
  participants: [oid(10), oid(11)], title: 'Team', status: 'active', metadata: { a: 1 },
  settings: { muted: false, theme: 'dark' }, messages: [msg], counters: { unread: 2 },
  createdAt: at, updatedAt: at, __v: 0,
};
const conversation = {
  name: 'conversation',
  decls: [
    { name: 'Attachment', body: `{
  url:  { type: String, required: true, match: /^https?:\\/\\// },
  size: { type: Number, min: 0 },
  mime: String,
}`, options: `{ _id: false }` },
    { name: 'Message', body: `{
  sender:  { type: Schema.Types.ObjectId, ref: 'User', required: true },
  body:    { type: String, required: [true, 'a message needs a body'], maxlength: 4000 },
  sentAt:  { type: Date, default: Date.now },
  readBy:  [Schema.Types.ObjectId],
  attachments: [Attachment],
}` },
    { name: 'Conversation', body: `{
  participants: { type: [Schema.Types.ObjectId], required: true },
  title:    { type: String, trim: true, maxLength: 200 },
  status:   { type: String, enum: ['active', 'archived', 'deleted'], default: 'active' },
  metadata: { type: MongooseSchema.Types.Mixed, default: {} },
  settings: { muted: Boolean, theme: { type: String, enum: ['light', 'dark'] } },
  messages: [Message],
  counters: { type: Map, of: Number },
}`, options: `{ timestamps: true, strict: 'throw' }` },
  ],
  models: {
    Conversation: [
      { name: 'valid', doc: convValid },
      { name: 'minimal', doc: { participants: [] } },
      { name: 'participants missing (Mongoose defaults it to [])', doc: mut(convValid, { participants: MISSING }) },
      { name: 'participants null', doc: mut(convValid, { participants: null }) },
      { name: 'several mistakes', doc: mut(convValid, {
        status: 'closed', 'settings.theme': 'blue',
        messages: [mut(msg, { body: MISSING, attachments: [{ url: 'ftp://old/x.png', size: -1 }] }), { body: '' }],
      }) },
      { name: 'unknown field under strict: throw', doc: mut(convValid, { legacyFlag: true }) },
      { name: 'title trimmed by Mongoose before maxLength', doc: mut(convValid, { title: ` ${'t'.repeat(200)} ` }), design: { title: 'maxlength' } },
      { name: 'title too long', doc: mut(convValid, { title: 't'.repeat(201) }) },
      { name: 'ids stored as strings', doc: mut(convValid, { participants: [HEX], 'messages.0.sender': HEX }), mismatch: ['participants.0', 'messages.0.sender'] },
      { name: 'counter stored as string', doc: mut(convValid, { 'counters.unread': '3' }), mismatch: ['counters.unread'] },
      { name: 'createdAt stored as int64', doc: mut(convValid, { createdAt: Long.fromNumber(1717698600000) }), mismatch: ['createdAt'] },
      { name: 'map key with a dot', doc: mut(convValid, { counters: { 'reactions.like': 1 } }) },
    ],
  },
};

module.exports = {
  groups: [scalars, required, validators, regex, nested, subdocs, arrays, docarrays, maps, strict, discriminators, options,
    recursive, conversation],
  oid,
};
