'use strict';
// A random schema *plan*: the one description both sides are generated from
// (emit-bsg.js writes it as .bsg text, emit-mongoose.js as Mongoose
// schemas). It covers every SchemaType and its spellings, every built-in
// validator in its Mongoose forms, nested paths, single nested
// subdocuments (inline and declared), arrays of scalars, nested arrays,
// document arrays, maps, Mixed, discriminators (top-level and embedded) and
// the schema options strict, _id, timestamps, versionKey and
// discriminatorKey.
//
// Node shapes (all carry `required` when the path is required):
//   { kind: 'scalar', type, spell, v: {enum|min|max|minlength|maxlength|match|validate}, order, bare, def }
//   { kind: 'mixed', spell, wrapped }
//   { kind: 'nested', fields }                 fields: [[key, node], ...]
//   { kind: 'subdoc', fields } | { kind: 'subdoc', ref }   (ref names a declared schema)
//   { kind: 'array', of, form }   of: scalar | mixed | array | subdoc
//   { kind: 'map', of }           of: scalar | mixed | array | subdoc, or null (Map of Mixed)

const { SPELLINGS, SCALARS } = require('./types');
const { REGEXES } = require('./regex');

// Names that are safe on both sides: not Mongoose Document members, not
// the implicit paths, not the type key.
const NAMES = ['name', 'title', 'age', 'score', 'city', 'zip', 'email', 'tags', 'items', 'meta', 'owner', 'price',
  'qty', 'note', 'body', 'kind2', 'level', 'color', 'size', 'count', 'label', 'code', 'flag', 'when', 'until',
  'ref2', 'amount', 'ratio', 'total', 'photo', 'token', 'parts', 'lines', 'attrs', 'extra', 'stats', 'geo', 'lat',
  'lng', 'home', 'work', 'alpha', 'beta', 'gamma', 'delta', 'sigma', 'omega', 'quota', 'slug', 'bio', 'avatar'];

const MESSAGES = ['{PATH} is not allowed: {VALUE}', 'bad value', '{VALUE} fails on {PATH}'];

function fieldNames(rng, n, taken = []) {
  return rng.sample(NAMES.filter(k => !taken.includes(k)), n);
}

// `[n, 'message']` or n, for validators that take both forms.
function withMessage(rng, value) {
  return rng.chance(0.2) ? { value, msg: rng.pick(MESSAGES) } : { value };
}

function stringValidators(rng, node) {
  const v = {};
  const re = rng.chance(0.4) ? rng.pick(REGEXES) : null;
  if (re) {
    // A `validate: /re/g` keeps its lastIndex from one test to the next in
    // Mongoose (only `match` resets it), so its verdicts alternate: a
    // JavaScript trap, not a schema rule; /g regexes are used with `match`.
    const key = rng.chance(0.5) || re.flags.includes('g') ? 'match' : 'validate';
    v[key] = { entry: re, ...withMessage(rng, null) };
    if (!re.utf16Safe)
      node.astral = false;
  }
  if (rng.chance(0.25)) {
    const pool = re ? re.good : ['red', 'green', 'blue', 'Ωmega', 'a b', '😀x', 'x', ''].filter(s => s);
    const values = rng.sample(pool, rng.int(1, Math.min(4, pool.length)));
    v.enum = { values, msg: rng.chance(0.25) ? rng.pick(MESSAGES) : undefined, object: rng.chance(0.3) };
  }
  const lengths = re ? re.good : v.enum ? v.enum.values : null;
  const shortest = lengths ? Math.min(...lengths.map(s => s.length)) : rng.int(0, 4);
  const longest = lengths ? Math.max(...lengths.map(s => s.length)) : shortest + rng.int(0, 6);
  if (rng.chance(0.3))
    v.minlength = { n: rng.int(0, shortest), spelling: rng.pick(['minlength', 'minLength']), ...withMessage(rng) };
  if (rng.chance(0.3))
    v.maxlength = { n: longest + rng.int(0, 3), spelling: rng.pick(['maxlength', 'maxLength']), ...withMessage(rng) };
  return v;
}

function numberValidators(rng) {
  const v = {};
  const pickN = () => rng.chance(0.7) ? rng.int(-50, 100) : Math.round(rng.next() * 2000 - 1000) / 8;
  let lo = rng.chance(0.4) ? pickN() : null;
  let hi = rng.chance(0.4) ? pickN() : null;
  if (lo !== null && hi !== null && lo > hi)
    [lo, hi] = [hi, lo];
  if (lo !== null && hi !== null && Math.ceil(lo) > Math.floor(hi))
    hi = Math.ceil(lo) + 3;
  if (lo !== null)
    v.min = { n: lo, ...withMessage(rng) };
  if (hi !== null)
    v.max = { n: hi, ...withMessage(rng) };
  if (rng.chance(0.2)) {
    const a = lo === null ? -5 : Math.ceil(lo);
    const b = hi === null ? a + 20 : Math.floor(hi);
    const values = [...new Set(Array.from({ length: rng.int(1, 4) }, () => rng.int(a, b)))];
    v.enum = { values, msg: rng.chance(0.25) ? rng.pick(MESSAGES) : undefined };
  }
  return v;
}

// Date bounds in the forms Mongoose takes: an ISO string, milliseconds,
// `Date.now` (a function, evaluated at check time); `max: 0` is falsy and
// so ignored by Mongoose (bsonguard follows, and lints it).
function dateValidators(rng) {
  const v = {};
  const bound = () => {
    const ms = Date.UTC(rng.int(1995, 2030), rng.int(0, 11), rng.int(1, 28));
    return rng.pick([{ raw: new Date(ms).toISOString(), ms }, { raw: ms, ms },
      { raw: new Date(ms).toISOString().slice(0, 10), ms }]);
  };
  let lo = rng.chance(0.35) ? bound() : null;
  let hi = rng.chance(0.35) ? (rng.chance(0.2) ? { raw: 'Date.now', ms: Date.now() - 86400e3 } : bound()) : null;
  if (lo && hi && lo.ms > hi.ms)
    [lo, hi] = hi.raw === 'Date.now' ? [null, hi] : [hi, lo];
  if (lo && lo.raw === 'Date.now')
    lo = null;
  if (lo)
    v.min = { ...lo, ...withMessage(rng, lo.raw) };
  if (hi)
    v.max = { ...hi, ...withMessage(rng, hi.raw) };
  if (!hi && rng.chance(0.05))
    v.max = { raw: 0, ms: Date.UTC(2040, 0, 1), value: 0, ignored: true };
  return v;
}

function scalar(rng, type, { element = false } = {}) {
  const node = { kind: 'scalar', type, spell: rng.int(0, SPELLINGS[type].length - 1), v: {} };
  if (type === 'String')
    node.v = stringValidators(rng, node);
  else if (type === 'Number')
    node.v = numberValidators(rng);
  else if (type === 'Date')
    node.v = dateValidators(rng);
  node.order = rng.sample(Object.keys(node.v), Object.keys(node.v).length);
  if (rng.chance(0.5))
    node.order.reverse();
  // validateSync() forgets a failing `validate: /re/` when any validator
  // after it runs (mongoose lib/schemaType.js doValidateSync: a RegExp
  // validator sets `err` without stopping the loop); validate() and save()
  // report it, as bsonguard does. Written last, all three agree.
  if (node.v.validate)
    node.order = [...node.order.filter(k => k !== 'validate'), 'validate'];
  if (rng.chance(element ? 0.1 : 0.3))
    node.required = { msg: rng.chance(0.2) ? 'this one is needed' : undefined };
  node.bare = !node.required && node.order.length === 0 && rng.chance(0.6);
  // Mongoose refuses a lower-case type name in an array element's options
  // object (`[{ type: 'number', min: 0 }]`: "not a valid type within the
  // array"); bsonguard accepts it (docs/mongoose-differences.md).
  if (element && !node.bare && /^'[a-z]/.test(SPELLINGS[type][node.spell][0]))
    node.spell = 0;
  return node;
}

function mixed(rng) {
  const node = { kind: 'mixed', spell: rng.int(0, SPELLINGS.Mixed.length - 1) };
  if (rng.chance(0.2))
    node.required = {};
  node.wrapped = !!node.required || rng.chance(0.3);
  return node;
}

class Planner {
  constructor(rng) {
    this.rng = rng;
    this.decls = [];
    this.count = 0;
    this.nested = 0; // depth of nested paths in the schema being planned
  }

  fields(depth, taken = []) {
    const rng = this.rng;
    const n = rng.int(1, depth === 0 ? 7 : 4);
    return fieldNames(rng, n, taken).map(k => [k, this.node(depth)]);
  }

  node(depth) {
    const rng = this.rng;
    this.count++;
    const deep = depth >= 3 || this.count > 40;
    const kind = deep ? rng.weighted([[8, 'scalar'], [1, 'mixed']])
      : rng.weighted([[12, 'scalar'], [1, 'mixed'], [2, 'nested'], [2, 'subdoc'], [3, 'array'], [2, 'map']]);
    switch (kind) {
    case 'scalar': return scalar(rng, rng.pick(SCALARS));
    case 'mixed': return mixed(rng);
    case 'nested': {
      this.nested++;
      const fields = this.fields(depth + 1);
      this.nested--;
      return { kind: 'nested', fields };
    }
    case 'subdoc': return this.subdoc(depth, rng.chance(0.25));
    case 'array': return this.array(depth);
    case 'map': return this.map(depth);
    default: throw new Error(kind);
    }
  }

  subdoc(depth, required) {
    const node = { kind: 'subdoc' };
    const nested = this.nested; // a subdocument is a schema of its own
    this.nested = 0;
    if (this.rng.chance(0.4))
      node.ref = this.declare(depth + 1);
    else
      node.fields = this.fields(depth + 1);
    this.nested = nested;
    if (required)
      node.required = {};
    return node;
  }

  array(depth) {
    const rng = this.rng;
    const of = rng.weighted([[6, 'scalar'], [1, 'mixed'], [1, 'array'], [4, 'subdoc']]);
    const node = { kind: 'array' };
    if (of === 'scalar')
      node.of = scalar(rng, rng.pick(SCALARS), { element: true });
    else if (of === 'mixed')
      node.of = { kind: 'mixed', spell: rng.int(0, SPELLINGS.Mixed.length - 1), form: rng.pick(['[]', '[T]', 'Array']) };
    else if (of === 'array')
      node.of = { kind: 'array', of: scalar(rng, rng.pick(['Number', 'String']), { element: true }) };
    else
      node.of = this.subdoc(depth, false);
    if (rng.chance(0.2))
      node.required = {};
    return node;
  }

  map(depth) {
    const rng = this.rng;
    // validateSync() throws a TypeError ("val.keys is not a function") for
    // a Map of arrays declared in a nested path whenever the nested path is
    // there and the map is not: a Mongoose bug, so none are declared there.
    const of = rng.weighted([[6, 'scalar'], [1, 'mixed'], [this.nested ? 0 : 1, 'array'], [2, 'subdoc'], [1, 'none']]);
    const node = { kind: 'map' };
    if (of === 'scalar')
      node.of = scalar(rng, rng.pick(SCALARS), { element: true });
    else if (of === 'mixed')
      node.of = { kind: 'mixed', spell: rng.int(0, SPELLINGS.Mixed.length - 1) };
    else if (of === 'array')
      node.of = { kind: 'array', of: scalar(rng, rng.pick(['Number', 'String']), { element: true }) };
    else if (of === 'subdoc')
      node.of = this.subdoc(depth, false);
    else
      node.of = null;
    if (rng.chance(0.15))
      node.required = {};
    return node;
  }

  // A declared schema (for `Name` references); sometimes a discriminator
  // base with children, which then applies wherever it is embedded.
  declare(depth) {
    const rng = this.rng;
    const name = `S${this.decls.length}`;
    const decl = { name, fields: null, options: {} };
    this.decls.push(decl);
    decl.fields = this.fields(depth);
    if (rng.chance(0.4))
      decl.options._id = false;
    if (rng.chance(0.25))
      decl.options.strict = rng.pick(['throw', false, true]);
    if (rng.chance(0.2))
      this.discriminate(decl, depth);
    return name;
  }

  // Children get field names of their own, distinct from the base's and
  // from each other's, so that switching the discriminator value never
  // turns a stored value into another type's.
  discriminate(base, depth) {
    const rng = this.rng;
    // In a discriminator child, Mongoose does not validate the values of
    // the Maps the base declares (directly or in its nested paths):
    // `{ sc: { type: Map, of: { type: Number, min: 0 } } }` lets `sc.k: -1`
    // pass once `__t` selects a child. A Mongoose bug
    // (docs/mongoose-differences.md): such bases get no children.
    if (mapsInSchema(base.fields))
      return;
    if (rng.chance(0.3))
      base.options.discriminatorKey = rng.pick(['kind', 'type_']);
    base.children = [];
    const taken = base.fields.map(([k]) => k);
    for (let i = rng.int(1, 2); i > 0; i--) {
      const name = `${base.name}c${base.children.length}`;
      const child = { name, extends: base.name, options: {}, fields: this.fields(Math.max(depth, 2), taken) };
      taken.push(...child.fields.map(([k]) => k));
      if (rng.chance(0.3))
        child.options.discriminatorValue = `${name.toLowerCase()}-v`;
      base.children.push(child);
      this.decls.push(child);
    }
  }
}

function mapsInSchema(fields) {
  return fields.some(([, n]) => n.kind === 'map' || (n.kind === 'nested' && mapsInSchema(n.fields)));
}

/** A schema plan: declared schemas (the model is decls[0]). */
function planSchema(rng) {
  const p = new Planner(rng);
  const model = { name: 'M', fields: null, options: {} };
  p.decls.push(model);
  model.fields = p.fields(0);
  const o = model.options;
  if (rng.chance(0.35))
    o.strict = rng.pick(['throw', 'throw', false]);
  if (rng.chance(0.2))
    o.timestamps = rng.chance(0.7) ? true : { createdAt: 'born', updatedAt: false };
  if (rng.chance(0.15))
    o.versionKey = rng.pick([false, '_ver']);
  if (rng.chance(0.15))
    p.discriminate(model, 1);
  return { decls: p.decls, model: 'M' };
}

/** The declared schema named `name`. */
function declOf(plan, name) {
  return plan.decls.find(d => d.name === name);
}

module.exports = { planSchema, declOf, NAMES };
