'use strict';
// compileMongoose() and the re-exports of fromMongoose()/toBsg(): a live
// Mongoose schema becomes a validator of the bytes Mongoose would store.

const test = require('node:test');
const assert = require('node:assert/strict');
const mongoose = require('mongoose');
const { BSON, ObjectId } = require('bson');
const bsonguard = require('..');

const m = new mongoose.Mongoose();
const userSchema = new m.Schema({
  name: { type: String, required: true, maxlength: 20 },
  role: { type: String, enum: ['admin', 'member'], default: 'member' },
  owner: m.Schema.Types.ObjectId,
  nickname: { type: String, validate: v => v.length > 2 },
}, { timestamps: true, strict: 'throw' });
const User = m.model('User', userSchema);

test('fromMongoose, fromMongooseModels and toBsg are re-exported', () => {
  assert.equal(typeof bsonguard.fromMongoose, 'function');
  assert.equal(typeof bsonguard.fromMongooseModels, 'function');
  assert.equal(typeof bsonguard.toBsg, 'function');
  const { source, warnings } = bsonguard.fromMongoose(User);
  assert.match(source, /^schema User \{/m);
  assert.deepEqual(warnings.map(w => w.path), ['nickname']);
  assert.match(bsonguard.toBsg(User), /schema User \{/);
});

test('compile() takes fromMongoose() output as it is', () => {
  const set = bsonguard.compile(bsonguard.fromMongoose(userSchema, { name: 'Account' }));
  assert.deepEqual(set.models, ['Account']);
  assert.equal(set.warnings.length, 1);
  set.close();
});

test('compileMongoose(): the documents Mongoose saves are valid', () => {
  const set = bsonguard.compileMongoose(User);
  assert.deepEqual(set.models, ['User']);
  assert.deepEqual(set.warnings.map(w => w.path), ['nickname']);
  const v = set.model('User');
  // What Mongoose would send to the driver: the cast document, plus the
  // timestamps and version key its save() adds.
  const stored = new User({ name: 'Ada', owner: new ObjectId().toHexString() }).toBSON();
  assert.ok(stored.owner instanceof ObjectId, 'Mongoose cast the string');
  Object.assign(stored, { createdAt: new Date(), updatedAt: new Date(), __v: 0 });
  assert.deepEqual(v.validate(stored), { valid: true, errors: [], truncated: false });
  assert.equal(v.validate(BSON.serialize(stored)).valid, true);
  set.close();
});

test('compileMongoose(): raw writes that bypass Mongoose are caught', () => {
  const set = bsonguard.compileMongoose(User);
  const v = set.model('User');
  // A 24-hex string that Mongoose would have cast, written by another service.
  const r = v.validate({ name: 'Ada', owner: '665f00000000000000000001', role: 'owner', extra: 1 });
  assert.deepEqual(r.errors.map(e => `${e.path} ${e.kind}`), ['owner type', 'role enum', 'extra unknown']);
  set.close();
});

test('compileMongoose() passes compile options through', () => {
  assert.equal(bsonguard.compileMongoose(User, { name: 'Person' }).models[0], 'Person');
  let err;
  try {
    bsonguard.compileMongoose(User, { maxSourceSize: 10 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof bsonguard.BsonGuardError);
  assert.equal(err.code, 'limit');
  assert.equal(err.file, '<fromMongoose>');
});

test('compileMongoose(): a String enum written { values } without a message fails as Mongoose words it', () => {
  const mm = new mongoose.Mongoose();
  const schema = new mm.Schema({ size: { type: String, enum: { values: ['s', 'm'] } } });
  const Shirt = mm.model('Shirt', schema);
  // Mongoose installs no message of its own there: the generic one is printed.
  const expected = new Shirt({ size: 'xl' }).validateSync().errors.size.message;
  assert.equal(expected, 'Validator failed for path `size` with value `xl`');
  const set = bsonguard.compileMongoose(Shirt);
  const r = set.model('Shirt').validate({ _id: new ObjectId(), size: 'xl', __v: 0 });
  assert.deepEqual(r.errors.map(e => [e.path, e.kind, e.message]), [['size', 'enum', expected]]);
  set.close();
});
