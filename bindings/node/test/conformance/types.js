'use strict';
// The SchemaTypes the generator declares: how each is spelled in .bsg text
// and what that spelling is for Mongoose, which BSON types bsonguard accepts
// as stored (DESIGN.md section 4), and how to make a valid value of the
// declared BSON type.

const V = require('./values');

const { Long, Double, Int32, Decimal128 } = V.BSON;

// [text in the .bsg file, the same thing for Mongoose given the instance m].
// Texts are JavaScript a user could paste into `new Schema({...})`.
const SPELLINGS = {
  String: [['String', () => String], ["'String'", () => 'String'], ["'string'", () => 'string'],
    ['Schema.Types.String', m => m.Schema.Types.String]],
  Number: [['Number', () => Number], ["'number'", () => 'number'], ['mongoose.Schema.Types.Number', m => m.Schema.Types.Number]],
  Boolean: [['Boolean', () => Boolean], ['Schema.Types.Bool', m => m.Schema.Types.Bool], ["'bool'", () => 'bool']],
  Date: [['Date', () => Date], ["'date'", () => 'date'], ['Schema.Types.Date', m => m.Schema.Types.Date]],
  ObjectId: [['Schema.Types.ObjectId', m => m.Schema.Types.ObjectId], ['Types.ObjectId', m => m.Types.ObjectId],
    ["'objectId'", () => 'objectId'], ['Schema.Types.ObjectID', m => m.Schema.Types.ObjectID],
    ['mongoose.Schema.Types.Oid', m => m.Schema.Types.Oid], ["'ObjectId'", () => 'ObjectId']],
  Decimal128: [['Schema.Types.Decimal128', m => m.Schema.Types.Decimal128], ['Schema.Types.Decimal', m => m.Schema.Types.Decimal],
    ["'decimal128'", () => 'decimal128']],
  BigInt: [['BigInt', () => BigInt], ["'BigInt'", () => 'BigInt'], ['Schema.Types.BigInt', m => m.Schema.Types.BigInt]],
  Double: [['Schema.Types.Double', m => m.Schema.Types.Double], ["'double'", () => 'double']],
  Int32: [['Schema.Types.Int32', m => m.Schema.Types.Int32], ["'int32'", () => 'int32']],
  UUID: [['Schema.Types.UUID', m => m.Schema.Types.UUID], ["'UUID'", () => 'UUID']],
  Buffer: [['Buffer', () => Buffer], ["'buffer'", () => 'buffer'], ['Schema.Types.Buffer', m => m.Schema.Types.Buffer]],
  Mixed: [['Schema.Types.Mixed', m => m.Schema.Types.Mixed], ['Object', () => Object], ['{}', () => ({})],
    ["'mixed'", () => 'mixed'], ['MongooseSchema.Types.Mixed', m => m.Schema.Types.Mixed],
    ['mongoose.Schema.Types.Mixed', m => m.Schema.Types.Mixed]],
};

const SCALARS = Object.keys(SPELLINGS).filter(t => t !== 'Mixed');

// BSON types stored as valid for each SchemaType ($type aliases; `uuid` is
// binData subtype 4). Number also refuses a NaN double (a value check,
// made in the documents, not here).
const ACCEPTS = {
  String: ['string'],
  Number: ['int', 'long', 'double'],
  Boolean: ['bool'],
  Date: ['date'],
  ObjectId: ['objectId'],
  Decimal128: ['decimal'],
  BigInt: ['long'],
  Double: ['double'],
  Int32: ['int'],
  UUID: ['uuid'],
  Buffer: ['binData', 'uuid'],
};

/** BSON types a path of this SchemaType refuses (other than null). */
function wrongAliases(type) {
  return V.ALIASES.filter(a => !ACCEPTS[type].includes(a));
}

// A number stored as one of the BSON types Number accepts.
function numberAs(rng, n) {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 31 && rng.chance(0.2))
    return Long.fromNumber(n);
  if (Number.isInteger(n) && rng.chance(0.15))
    return new Double(n);
  return n; // int32 when integral and in range, double otherwise: the driver's choice
}

/** A valid value of a scalar type that passes the path's validators (`node.v`). */
function validScalar(type, node, rng) {
  const v = node.v || {};
  switch (type) {
  case 'String': {
    if (v.enum)
      return rng.pick(v.enum.values);
    const re = v.match || v.validate;
    if (re)
      return rng.pick(re.entry.good.filter(s => s.length >= (v.minlength ? v.minlength.n : 0) &&
        s.length <= (v.maxlength ? v.maxlength.n : Infinity)));
    const lo = v.minlength ? v.minlength.n : 0;
    const hi = v.maxlength ? v.maxlength.n : lo + 8;
    return V.text(rng, rng.int(lo, hi), { astral: node.astral !== false });
  }
  case 'Number': {
    if (v.enum)
      return numberAs(rng, rng.pick(v.enum.values));
    const lo = v.min ? v.min.n : -1000;
    const hi = v.max ? v.max.n : 1000;
    const n = rng.chance(0.7) ? rng.int(Math.ceil(lo), Math.floor(hi)) : lo + (hi - lo) * rng.next();
    return numberAs(rng, n);
  }
  case 'Boolean': return rng.chance(0.5);
  case 'Date': {
    const lo = v.min ? v.min.ms : Date.UTC(1990, 0, 1);
    const hi = v.max ? v.max.ms : Date.UTC(2040, 0, 1);
    return V.date(rng, lo, hi);
  }
  case 'ObjectId': return V.objectId(rng);
  case 'Decimal128': return Decimal128.fromString(rng.pick(['0', '1.5', '-42.125', '1E+10', '3.14159']));
  case 'BigInt': return Long.fromString(rng.pick(['0', '-5', '1234567890123', '9223372036854775807']));
  case 'Double': return new Double(rng.pick([0, 2.5, -1e-3, 1e300, 42]));
  case 'Int32': return new Int32(rng.pick([0, 1, -2147483648, 2147483647, 99]));
  case 'UUID': return V.uuid(rng);
  case 'Buffer': return V.binary(rng);
  default: throw new Error(`types.validScalar: ${type}`);
  }
}

module.exports = { SPELLINGS, SCALARS, ACCEPTS, wrongAliases, validScalar, numberAs };
