'use strict';
// BSON values by type: samples of every BSON type the generators use, each
// built with the `bson` classes so that `BSON.serialize` writes exactly that
// type (a JS number alone would become int32 or double by its value).

const BSON = require('bson');

const { ObjectId, Decimal128, Long, Double, Int32, Binary, UUID, Timestamp, MinKey, BSONRegExp } = BSON;

// Characters for free text. The astral emoji counts two UTF-16 units, as
// JavaScript (and so minlength/maxlength) counts; it is left out of paths
// whose regex has no `u` flag (see regex.js, `utf16Safe`).
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.';
const WIDE = ['é', 'ß', 'Ω', '中', 'ñ'];
const ASTRAL = '😀';

function text(rng, length, { astral = true } = {}) {
  let s = '';
  while (s.length < length) {
    const r = rng.next();
    if (r < 0.08 && astral && s.length + 2 <= length)
      s += ASTRAL;
    else if (r < 0.16)
      s += rng.pick(WIDE);
    else
      s += LETTERS[rng.int(0, LETTERS.length - 1)];
  }
  return s;
}

const HEX = '0123456789abcdef';
function hex(rng, n) {
  let s = '';
  for (let i = 0; i < n; i++)
    s += HEX[rng.int(0, 15)];
  return s;
}

const objectId = rng => new ObjectId(hex(rng, 24));

// An RFC 4122 version 4 UUID: Mongoose's `required` on UUID wants the
// variant nibble 8-b (the nil UUID fails it).
function uuid(rng) {
  const h = hex(rng, 32).split('');
  h[12] = '4';
  h[16] = rng.pick(['8', '9', 'a', 'b']);
  const s = h.join('');
  return new UUID(`${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`);
}

const binary = (rng, n = rng.int(1, 6)) => new Binary(Buffer.from(hex(rng, 2 * n), 'hex'), rng.pick([0, 0, 0, 5, 128]));

// A date in JavaScript's range, mostly near the present.
function date(rng, lo = Date.UTC(1990, 0, 1), hi = Date.UTC(2040, 0, 1)) {
  return new Date(rng.int(Math.ceil(lo / 1000), Math.floor(hi / 1000)) * 1000 + rng.int(0, 999));
}

// One sample of a BSON type, named by MongoDB's $type alias; `uuid` is
// binData subtype 4 and `binData` any other subtype.
function sample(alias, rng) {
  switch (alias) {
  case 'string': return rng.pick([text(rng, rng.int(0, 6)), '42', '1.5', 'true', hex(rng, 24), '2024-01-02T03:04:05Z', '']);
  case 'int': return new Int32(rng.pick([0, 1, -7, 42, 2147483647]));
  case 'long': return Long.fromNumber(rng.pick([0, 5, -3, 1700000000000]));
  case 'double': return new Double(rng.pick([0.5, 2.0, -1.25, 1e10]));
  case 'decimal': return Decimal128.fromString(rng.pick(['1.5', '0', '-42', '1E+3']));
  case 'bool': return rng.chance(0.5);
  case 'date': return date(rng);
  case 'objectId': return objectId(rng);
  case 'binData': return binary(rng);
  case 'uuid': return uuid(rng);
  case 'array': return rng.pick([[], [1], ['a', 'b'], [{ a: 1 }]]);
  case 'object': return rng.pick([{ a: 1 }, {}, { x: 'y', n: new Int32(2) }]);
  case 'regex': return new BSONRegExp('^a', 'i');
  case 'timestamp': return new Timestamp({ t: 1700000000, i: 1 });
  case 'minKey': return new MinKey();
  default: throw new Error(`values.sample: unknown BSON type ${alias}`);
  }
}

const ALIASES = ['string', 'int', 'long', 'double', 'decimal', 'bool', 'date', 'objectId', 'binData', 'uuid', 'array',
  'object', 'regex', 'timestamp', 'minKey'];

// A Mixed value: anything, nested a little.
function mixed(rng, depth = 0) {
  const r = rng.int(0, depth > 1 ? 5 : 7);
  if (r <= 5)
    return sample(rng.pick(ALIASES.filter(a => a !== 'array' && a !== 'object')), rng);
  if (r === 6)
    return Array.from({ length: rng.int(0, 3) }, () => mixed(rng, depth + 1));
  const o = {};
  for (let i = rng.int(0, 3); i > 0; i--)
    o[rng.pick(['a', 'b', 'c', 'x.y', '$k', 'deep'])] = mixed(rng, depth + 1);
  return o;
}

module.exports = { BSON, text, hex, objectId, uuid, binary, date, sample, mixed, ALIASES, ASTRAL };
