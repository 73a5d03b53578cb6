'use strict';
// fromMongoose() / toBsg(): what a live Mongoose 9 schema becomes in .bsg,
// that the text compiles (`bsonguard lint`, exit 0 or 1: findings are
// fine, 2 is a schema the compiler refuses), and which paths the warnings
// name. Each test builds its schemas on a fresh Mongoose instance.
//
// BSONGUARD_CLI: the bsonguard binary (default ../../build/tools/bsonguard).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const mongoose = require('mongoose');
const { fromMongoose } = require('../lib/from-mongoose');
const { toBsg } = require('../lib/to-bsg');

const CLI = process.env.BSONGUARD_CLI || path.resolve(__dirname, '../../../build/tools/bsonguard');
const noCli = fs.existsSync(CLI) ? false : `no bsonguard CLI at ${CLI}: build it (ninja -C build) or set BSONGUARD_CLI`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsonguard-from-mongoose-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

let files = 0;
function lint(source) {
  const file = path.join(tmp, `schema${++files}.bsg`);
  fs.writeFileSync(file, source);
  const r = spawnSync(CLI, ['lint', file], { encoding: 'utf8' });
  if (r.error)
    throw r.error;
  return r;
}

// The compiler takes the text (exit 0: clean, 1: lint findings).
function assertCompiles(source) {
  if (noCli)
    return;
  const r = lint(source);
  assert.ok(r.status === 0 || r.status === 1, `bsonguard lint exited ${r.status}:\n${r.stderr}\n--- schema:\n${source}`);
}

const fresh = () => new mongoose.Mongoose();
const body = lines => lines.map(l => `  ${l}`).join('\n');
const warned = r => r.warnings.map(w => `${w.path}: ${w.reason.split(' ')[0]} ${w.reason.split(' ')[1]}`);

test('every SchemaType, by its canonical .bsg spelling', { skip: noCli }, () => {
  const m = fresh();
  const { Schema } = m;
  const s = new Schema({
    s: String, n: Number, b: Boolean, d: Date, buf: Buffer, o: Schema.Types.ObjectId, dec: Schema.Types.Decimal128,
    mx: Schema.Types.Mixed, obj: Object, emp: {}, u: Schema.Types.UUID, big: BigInt, dbl: Schema.Types.Double,
    i32: Schema.Types.Int32, bin: { type: Buffer, subtype: 4 }, o2: 'ObjectId', oid: m.Types.ObjectId,
    counts: { type: Map, of: Number }, anyMap: Map, strs: [String], grid: [[Number]], anyArr: [], arr2: Array,
    union: { type: Schema.Types.Union, of: [Number, String] },
  });
  const r = fromMongoose(s, { name: 'Every' });
  assert.equal(r.source, `schema Every {\n${body([
    's: String,', 'n: Number,', 'b: Boolean,', 'd: Date,', 'buf: Buffer,', 'o: Schema.Types.ObjectId,',
    'dec: Schema.Types.Decimal128,', 'mx: Schema.Types.Mixed,', 'obj: Schema.Types.Mixed,', 'emp: Schema.Types.Mixed,',
    'u: Schema.Types.UUID,', 'big: BigInt,', 'dbl: Schema.Types.Double,', 'i32: Schema.Types.Int32,',
    'bin: { type: Buffer, subtype: 4 },', 'o2: Schema.Types.ObjectId,', 'oid: Schema.Types.ObjectId,',
    'counts: { type: Map, of: Number },', 'anyMap: Map,', 'strs: [String],', 'grid: [[Number]],',
    'anyArr: [Schema.Types.Mixed],', 'arr2: [Schema.Types.Mixed],',
    'union: { type: Schema.Types.Union, of: [Number, String] },',
  ])}\n}\n`);
  assert.deepEqual(r.warnings, []);
  assertCompiles(r.source);
});

test('validators in every form, with custom messages and without the default ones', { skip: noCli }, () => {
  const { Schema } = fresh();
  const s = new Schema({
    a: { type: String, required: true, minlength: 2, maxlength: 10, match: /^[a-z]+$/i },
    b: { type: String, required: [true, 'b is needed'], minLength: [3, 'short {VALUE}'], maxLength: [5, 'long'] },
    c: { type: String, enum: ['x', 'y'], match: [/^x/u, 'starts with x: {VALUE}'] },
    d: { type: String, enum: { values: ['p', 'q'], message: '{VALUE} is no letter of ours' } },
    e: { type: Number, min: 0, max: [10, 'at most {MAX}'], enum: [1, 2, 3] },
    f: { type: Date, min: new Date('2020-01-01T00:00:00Z'), max: Date.now },
    g: { type: Date, min: '2021-06-01', max: 1893456000000 },
    h: { type: String, validate: /^h/ },
    i: { type: String, validate: { validator: /^i/, message: 'i first' } },
    j: { type: String, validate: [{ validator: /a/ }, { validator: /b/, message: 'needs b' }] },
    k: { type: [String], required: true, enum: ['k1', 'k2'] },
    l: [{ type: Number, min: 1, required: true }],
    m: { type: Boolean, required: { isRequired: true, message: 'm please' } },
    n: { type: String, allowNull: false },
  });
  s.path('a').validate(/z/); // added after the definition: read from the validators
  const r = fromMongoose(s, { name: 'V' });
  assert.equal(r.source, `schema V {\n${body([
    'a: {', '  type: String,', '  required: true,', '  minlength: 2,', '  maxlength: 10,', '  match: /^[a-z]+$/i,',
    '  validate: /z/,', '},',
    'b: {', '  type: String,', "  required: [true, 'b is needed'],", "  minlength: [3, 'short {VALUE}'],",
    "  maxlength: [5, 'long'],", '},',
    "c: { type: String, enum: ['x', 'y'], match: [/^x/u, 'starts with x: {VALUE}'] },",
    'd: {', '  type: String,', "  enum: { values: ['p', 'q'], message: '{VALUE} is no letter of ours' },", '},',
    "e: { type: Number, min: 0, max: [10, 'at most 10'], enum: [1, 2, 3] },",
    "f: { type: Date, min: '2020-01-01T00:00:00.000Z', max: Date.now },",
    "g: { type: Date, min: '2021-06-01', max: 1893456000000 },",
    'h: { type: String, validate: /^h/ },',
    "i: { type: String, validate: { validator: /^i/, message: 'i first' } },",
    "j: { type: String, validate: [/a/, { validator: /b/, message: 'needs b' }] },",
    "k: { type: [{ type: String, enum: ['k1', 'k2'] }], required: true },",
    'l: [{ type: Number, required: true, min: 1 }],',
    "m: { type: Boolean, required: [true, 'm please'] },",
    'n: { type: String, allowNull: false },',
  ])}\n}\n`);
  assert.deepEqual(r.warnings, []);
  assertCompiles(r.source);
});

test('what only JavaScript can do is a warning naming the path, never dropped silently', { skip: noCli }, () => {
  const m = fresh();
  const { Schema } = m;
  class Email extends m.SchemaType {
    constructor(key, options) { super(key, options, 'Email'); }
    cast(v) { return String(v); }
  }
  Email.schemaName = 'Email';
  m.Schema.Types.Email = Email;
  const Item = new Schema({ sku: { type: String, validate: function isSku(v) { return v.length === 7; } } });
  const s = new Schema({
    slug: { type: String, validate: { validator: async v => v !== 'taken', message: 'taken' } },
    code: { type: String, set: v => String(v).toUpperCase(), get: v => v },
    when: { type: Date, default: () => new Date() },
    onlyIfPaid: { type: Number, required: function () { return this.paid; } },
    profile: { bio: { type: String, maxlength: [10, p => `too long: ${p.value}`] } },
    items: [Item],
    lines: [{ qty: { type: Number, validate: v => v > 0 } }],
    tags: [{ type: String, set: v => v.trim() }],
    scores: { type: Map, of: { type: Number, validate: Number.isInteger } },
    wrapped: { type: String, transform: v => v, foo: 'bar' },
    contact: { type: Email, required: true },
    owner: { type: Schema.Types.ObjectId, ref: () => 'User' },
    seed: { type: Buffer, default: Buffer.from('ab') },
  });
  s.pre('validate', function () { if (this.code === 'X') this.invalidate('code', 'no X'); });
  const r = fromMongoose(s, { name: 'W' });
  assert.deepEqual(warned(r), [
    'items.sku: `validate` function', // Item is declared first, and so are its warnings
    'slug: async `validate`',
    'code: `set` (a',
    'code: `get` (a',
    'when: `default` is',
    'onlyIfPaid: `required` is',
    'profile.bio: the message',
    'lines.qty: `validate` function',
    'tags.$: `set` (a',
    'scores.$*: `validate` function',
    'wrapped: `transform` is',
    'wrapped: option `foo`',
    'contact: SchemaType `Email`',
    'owner: `ref` is',
    'seed: `default` ab',
    ': `validate` middleware',
  ]);
  assert.match(r.source, /^ {2}contact: \{ type: Schema\.Types\.Mixed, required: true \},$/m);
  assert.match(r.warnings.find(w => w.path === 'items.sku').reason, /`isSku`/);
  // The paths stay, with whatever does cross.
  assert.match(r.source, /^ {2}slug: String,$/m);
  assert.match(r.source, /^ {2}profile: \{ bio: \{ type: String, maxlength: 10 \} \},$/m);
  assert.match(r.source, /^ {2}scores: \{ type: Map, of: Number \},$/m);
  assertCompiles(r.source);
});

test('toBsg() keeps the warnings as comments above the schema', { skip: noCli }, () => {
  const { Schema } = fresh();
  const s = new Schema({ name: { type: String, required: true, validate: v => v.length > 1 } });
  const text = toBsg(s, { name: 'Named' });
  assert.match(text, /^\/\/ Not carried over from Mongoose \(JavaScript only\):\n\/\/ {3}name: `validate` function/);
  assert.match(text, /\nschema Named \{\n {2}name: \{ type: String, required: true \},\n\}\n$/);
  assertCompiles(text);
  assert.equal(toBsg(new Schema({ a: String }), { name: 'Plain' }), 'schema Plain {\n  a: String,\n}\n');
});

test('schema options: strict, _id, versionKey, timestamps, minimize, discriminatorKey', { skip: noCli }, () => {
  const { Schema } = fresh();
  const cases = [
    [{ strict: 'throw' }, "{ strict: 'throw' }"],
    [{ strict: false, minimize: false }, '{ strict: false, minimize: false }'],
    [{ _id: false, versionKey: false }, '{ _id: false, versionKey: false }'],
    [{ versionKey: '_rev' }, "{ versionKey: '_rev' }"],
    [{ timestamps: true }, '{ timestamps: true }'],
    [{ timestamps: { createdAt: 'born', updatedAt: false } }, "{ timestamps: { createdAt: 'born', updatedAt: false } }"],
    [{ timestamps: { createdAt: true, updatedAt: 'touched' } }, "{ timestamps: { updatedAt: 'touched' } }"],
    [{ discriminatorKey: 'kind' }, "{ discriminatorKey: 'kind' }"],
    [{ strict: true, _id: true, versionKey: '__v', minimize: true, timestamps: false }, ''],
  ];
  for (const [options, expected] of cases) {
    const r = fromMongoose(new Schema({ title: String }, options), { name: 'O' });
    assert.equal(r.source, `schema O {\n  title: String,\n}${expected ? ` with ${expected}` : ''}\n`, JSON.stringify(options));
    assertCompiles(r.source);
  }
});

test('a field named `type`, and a schema written with another typeKey', { skip: noCli }, () => {
  const { Schema } = fresh();
  // Top-level `type` fields need nothing special in a body.
  const top = fromMongoose(new Schema({ type: { type: String, enum: ['a', 'b'] }, n: Number }), { name: 'T' });
  assert.equal(top.source, "schema T {\n  type: { type: String, enum: ['a', 'b'] },\n  n: Number,\n}\n");
  // Below the top, `{ type: … }` would read as a leaf: the DSL's typeKey.
  const deep = new Schema({
    asset: { type: { $type: String }, value: Number },
    item: { $type: { type: { $type: String, required: true } } },
  }, { typeKey: '$type' });
  const r = fromMongoose(deep, { name: 'K' });
  assert.equal(r.source, `schema K {\n${body([
    'asset: { type: String, value: Number },',
    'item: { $type: { type: { $type: String, required: true } } },',
  ])}\n} with { typeKey: '$type' }\n`);
  assertCompiles(r.source);
});

test('nested paths, single nested, document arrays, [T] and [[T]]; inline unless the user named the schema', { skip: noCli }, () => {
  const { Schema } = fresh();
  const Geo = new Schema({ lat: { type: Number, min: -90, max: 90 }, lng: Number }, { _id: false });
  const s = new Schema({
    nested: { a: String, deep: { b: { type: Number, required: true } } },
    single: { type: { a: String, n: Number } },
    geo: Geo,
    home: { type: Geo, required: true },
    docs: [{ name: { type: String, required: true }, opts: [{ k: String }] }],
    geos: [Geo],
    someGeos: [{ type: Geo, required: true }],
    nums: [Number],
    grid: [[{ type: String, maxlength: 2 }]],
    withDefault: { type: [String], default: undefined },
  });
  const r = fromMongoose(s, { name: 'Shapes' });
  assert.equal(r.source, `schema Geo {\n${body([
    'lat: { type: Number, min: -90, max: 90 },', 'lng: Number,',
  ])}\n} with { _id: false }\n\nschema Shapes {\n${body([
    'nested: { a: String, deep: { b: { type: Number, required: true } } },',
    'single: { type: { a: String, n: Number } },',
    'geo: Geo,',
    'home: { type: Geo, required: true },',
    'docs: [{ name: { type: String, required: true }, opts: [{ k: String }] }],',
    'geos: [Geo],',
    'someGeos: [{ type: Geo, required: true }],',
    'nums: [Number],',
    'grid: [[{ type: String, maxlength: 2 }]],',
    'withDefault: [String],',
  ])}\n}\n`);
  assertCompiles(r.source);
});

test('inline children keep the parent\'s _id and strict; a child that differs is declared apart', { skip: noCli }, () => {
  const { Schema } = fresh();
  const noIds = new Schema({ items: [{ a: String }] }, { _id: false });
  assert.equal(fromMongoose(noIds, { name: 'N' }).source,
    'schema N {\n  items: [{ a: String, _id: false }],\n} with { _id: false }\n');
  const s = new Schema({ loose: { type: new Schema({ a: String }, { strict: false }) } }, { strict: 'throw' });
  s.path('loose').schema.$implicitlyCreated = true; // as if written inline, yet with its own strict
  const r = fromMongoose(s, { name: 'P' });
  assert.equal(r.source, "schema Loose {\n  a: String,\n} with { strict: false }\n\n" +
    "schema P {\n  loose: Loose,\n} with { strict: 'throw' }\n");
  assertCompiles(r.source);
});

test('recursive schemas: schema.add() of itself, a comment tree', { skip: noCli }, () => {
  const { Schema } = fresh();
  const Comment = new Schema({ text: { type: String, required: true }, score: Number });
  Comment.add({ replies: [Comment], parent: Comment });
  const Post = new Schema({ title: String, comments: [Comment] });
  const r = fromMongoose(Post, { name: 'Post' });
  assert.equal(r.source, `schema Comment {\n${body([
    'text: { type: String, required: true },', 'score: Number,', 'replies: [Comment],', 'parent: Comment,',
  ])}\n}\n\nschema Post {\n  title: String,\n  comments: [Comment],\n}\n`);
  const self = fromMongoose(Comment, { name: 'Comment' });
  assert.match(self.source, /^schema Comment \{\n[^]*\n {2}replies: \[Comment\],\n {2}parent: Comment,\n\}\n$/);
  assertCompiles(r.source);
  assertCompiles(self.source);
});

test('root discriminators (Model.discriminator, Schema#discriminator) become `extends`', { skip: noCli }, () => {
  const m = fresh();
  const { Schema } = m;
  const Event = new Schema({ at: { type: Date, required: true } }, { discriminatorKey: 'kind' });
  const E = m.model('Event', Event);
  E.discriminator('Click', new Schema({ x: { type: Number, required: true } }));
  E.discriminator('Buy', new Schema({ amount: Schema.Types.Decimal128, at: { type: Date } }), 'purchase');
  const r = fromMongoose(E);
  assert.equal(r.source, `schema Event {\n  at: { type: Date, required: true },\n} with { discriminatorKey: 'kind' }\n\n` +
    'schema Click extends Event {\n  x: { type: Number, required: true },\n}\n\n' +
    'schema Buy extends Event {\n  amount: Schema.Types.Decimal128,\n  at: Date,\n} with { discriminatorValue: \'purchase\' }\n');
  assertCompiles(r.source);

  // Declared on the schema, applied when a model is made: also counted.
  const Shape = new Schema({ area: Number });
  Shape.discriminator('Circle', new Schema({ r: Number }));
  assert.equal(fromMongoose(Shape, { name: 'Shape' }).source,
    'schema Shape {\n  area: Number,\n}\n\nschema Circle extends Shape {\n  r: Number,\n}\n');
});

test('embedded discriminators; a schema used with different discriminators is declared once per set', { skip: noCli }, () => {
  const { Schema } = fresh();
  const Block = new Schema({ order: Number }, { discriminatorKey: 'kind', _id: false });
  const Page = new Schema({ blocks: [Block], hero: Block, plain: [Block] });
  Page.path('blocks').discriminator('text', new Schema({ text: { type: String, required: true } }, { _id: false }));
  Page.path('blocks').discriminator('image', new Schema({ src: String }, { _id: false }), 'img');
  Page.path('hero').discriminator('video', new Schema({ url: String }, { _id: false }));
  const r = fromMongoose(Page, { name: 'Page' });
  assert.equal(r.source, [
    "schema Block {\n  order: Number,\n} with { _id: false, discriminatorKey: 'kind' }",
    'schema text extends Block {\n  text: { type: String, required: true },\n} with { _id: false }',
    "schema image extends Block {\n  src: String,\n} with { _id: false, discriminatorValue: 'img' }",
    "schema Hero {\n  order: Number,\n} with { _id: false, discriminatorKey: 'kind' }",
    'schema video extends Hero {\n  url: String,\n} with { _id: false }',
    // The key Mongoose added to the shared schema is a plain path where no
    // discriminator applies.
    "schema Plain {\n  order: Number,\n  kind: String,\n} with { _id: false, discriminatorKey: 'kind' }",
    'schema Page {\n  blocks: [Block],\n  hero: Hero,\n  plain: [Plain],\n}',
  ].join('\n\n') + '\n');
  assertCompiles(r.source);
});

test('defaults that matter to bsonguard: `{}` on Mixed (minimize lint), an enum default', { skip: noCli }, () => {
  const { Schema } = fresh();
  const s = new Schema({
    meta: { type: Object, default: {} },
    list: { type: Schema.Types.Mixed, default: [] },
    status: { type: String, enum: ['a', 'b'], default: 'c' },
    at: { type: Date, default: Date.now },
    n: { type: Number, default: null },
  });
  const r = fromMongoose(s, { name: 'D' });
  assert.equal(r.source, `schema D {\n${body([
    'meta: { type: Schema.Types.Mixed, default: {} },',
    'list: { type: Schema.Types.Mixed, default: [] },',
    "status: { type: String, enum: ['a', 'b'], default: 'c' },",
    'at: { type: Date, default: Date.now },',
    'n: { type: Number, default: null },',
  ])}\n}\n`);
  const l = lint(r.source);
  assert.equal(l.status, 1, l.stderr);
  assert.match(l.stdout, /the `\{\}` default of `meta` is never stored/);
  assert.match(l.stdout, /the default of `status` is not one of its enum values/);
});

test('a Model gives its name; names that would shadow a type or are not identifiers are changed', () => {
  const m = fresh();
  const M = m.model('Order', new m.Schema({ n: Number }));
  assert.match(fromMongoose(M).source, /^schema Order \{/);
  assert.match(fromMongoose(M, { name: 'Renamed' }).source, /^schema Renamed \{/);
  assert.match(fromMongoose(new m.Schema({ n: Number })).source, /^schema Model \{/);
  assert.match(fromMongoose(new m.Schema({ n: Number }), { name: 'Date' }).source, /^schema DateSchema \{/);
  assert.match(fromMongoose(new m.Schema({ n: Number }), { name: 'line-item' }).source, /^schema line_item \{/);
  assert.throws(() => fromMongoose({ paths: {} }), /expected a Mongoose Schema or Model/);
});

test('NestJS: SchemaFactory.createForClass() output', { skip: noCli }, t => {
  let nest;
  try {
    require('reflect-metadata');
    nest = require('@nestjs/mongoose');
  } catch {
    t.skip('@nestjs/mongoose and reflect-metadata are not installed');
    return;
  }
  const { Prop, Schema: NestSchema, SchemaFactory } = nest;
  const m = require(require.resolve('mongoose', { paths: [require.resolve('@nestjs/mongoose')] }));
  const prop = (cls, key, designType, options) => {
    Reflect.defineMetadata('design:type', designType, cls.prototype, key);
    Prop(options)(cls.prototype, key);
  };
  class Owner {}
  prop(Owner, 'name', String, { required: true });
  NestSchema({ _id: false })(Owner);
  class Cat {}
  prop(Cat, 'name', String, { required: true, maxlength: 40 });
  prop(Cat, 'age', Number, { min: 0 });
  prop(Cat, 'tags', Array, { type: [String] });
  prop(Cat, 'metadata', Object, { type: Object, default: {} });
  prop(Cat, 'ownerId', Object, { type: m.Types.ObjectId }); // NestJS turns the bson class into Mixed
  prop(Cat, 'breeder', Object, { type: m.Schema.Types.ObjectId, ref: 'Breeder' });
  prop(Cat, 'owner', Owner, { type: SchemaFactory.createForClass(Owner) });
  NestSchema({ timestamps: true })(Cat);
  const r = fromMongoose(SchemaFactory.createForClass(Cat), { name: 'Cat' });
  assert.equal(r.source, `schema Owner {\n  name: { type: String, required: true },\n} with { _id: false }\n\n` +
    `schema Cat {\n${body([
      'name: { type: String, required: true, maxlength: 40 },',
      'age: { type: Number, min: 0 },',
      'tags: [String],',
      'metadata: { type: Schema.Types.Mixed, default: {} },',
      'ownerId: Schema.Types.Mixed,',
      "breeder: { type: Schema.Types.ObjectId, ref: 'Breeder' },",
      'owner: Owner,',
    ])}\n} with { timestamps: true }\n`);
  assertCompiles(r.source);
});
