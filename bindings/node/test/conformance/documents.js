'use strict';
// Documents for a schema plan: a valid one built from the plan with the
// BSON types the schema declares, then a few mutations of it. Every
// mutation that stores a BSON type the path does not accept records a
// `mismatch` (bsonguard must say `type` there; Mongoose may cast), and every
// deliberate difference (DESIGN.md 5.1) a `design` kind. Everything else
// is left to the comparison: the verdict is always Mongoose's.

const V = require('./values');
const T = require('./types');
const { declOf } = require('./plan');

const MAP_KEYS = ['a', 'b', 'k1', 'x_y', 'Ω', 'with space', '7'];
const EXTRA_KEYS = ['zz', 'legacy', 'x9', 'extra_'];

// MARK: - Shapes of the plan, as the walker needs them

function discriminatorKey(decl) {
  return decl.options.discriminatorKey || '__t';
}

function discriminatorValue(child) {
  return child.options.discriminatorValue === undefined ? child.name : child.options.discriminatorValue;
}

// The fields in force for an object of declared schema `decl`: the base's,
// plus a child's when the object's discriminator key selects one (an
// unknown value falls back to the base, as in Mongoose). Also returns the
// set of the child's own field nodes.
function variantOf(plan, decl, obj) {
  if (!decl.children)
    return [decl.fields, new Set()];
  const v = obj && typeof obj === 'object' ? obj[discriminatorKey(decl)] : undefined;
  const child = decl.children.find(c => discriminatorValue(c) === v);
  return child ? [[...decl.fields, ...child.fields], new Set(child.fields.map(([, n]) => n))] : [decl.fields, new Set()];
}

const ID = { kind: 'scalar', type: 'ObjectId', v: {}, order: [], implicit: true };
const VERSION = { kind: 'scalar', type: 'Number', v: {}, order: [], implicit: true };
const STAMP = { kind: 'scalar', type: 'Date', v: {}, order: [], implicit: true };

// Implicit paths of the model (`_id`, version key, timestamps) or of a
// subdocument (`_id` unless `_id: false`).
function implicitFields(decl, top) {
  const out = [];
  if (!decl) // a nested path: no paths of its own
    return out;
  const o = decl.options;
  if (o._id !== false)
    out.push(['_id', ID]);
  if (top) {
    if (o.versionKey !== false)
      out.push([o.versionKey || '__v', VERSION]);
    if (o.timestamps === true)
      out.push(['createdAt', STAMP], ['updatedAt', STAMP]);
    else if (o.timestamps)
      out.push(['born', STAMP]);
  }
  return out;
}

// The fields of a subdocument node: [decl or null, fields in force, the
// child's own fields].
function subdocFields(plan, node, obj) {
  if (!node.ref)
    return [null, node.fields, new Set()];
  const decl = declOf(plan, node.ref);
  return [decl, ...variantOf(plan, decl, obj)];
}

// MARK: - Valid documents

// Mongoose wraps an array of arrays whose elements are all not arrays
// (`[null, null]` becomes `[[null, null]]`, then the inner validators run);
// bsonguard checks the bytes, where a null element is a null element. So
// elements of nested arrays are never null.
function nullable(node, element) {
  return !(element && node.kind === 'array');
}

class Maker {
  constructor(plan, rng) {
    this.plan = plan;
    this.rng = rng;
  }

  // A declared schema's object, picking a discriminator child sometimes.
  declObject(decl, top) {
    const rng = this.rng;
    const o = {};
    let fields = decl.fields;
    if (decl.children && rng.chance(0.65)) {
      const child = rng.pick(decl.children);
      o[discriminatorKey(decl)] = discriminatorValue(child);
      fields = [...decl.fields, ...child.fields];
    }
    for (const [k, node] of implicitFields(decl, top))
      if (k === '_id' ? (top || rng.chance(0.3)) : rng.chance(0.4))
        o[k] = this.value(node);
    return this.fill(o, fields, decl.options._id === false);
  }

  fill(o, fields, idOff) {
    for (const [k, node] of fields) {
      if (this.rng.chance(node.required ? 0.97 : 0.7))
        o[k] = this.value(node, { idOff });
    }
    return o;
  }

  // `element` is 'element' (of an array) or 'value' (of a map) or false;
  // `idOff` as in slots().
  value(node, { element = false, idOff = false } = {}) {
    const rng = this.rng;
    if (!node.required && !(element && node.kind === 'subdoc') && node.kind !== 'nested' && nullable(node, element) &&
      rng.chance(0.04))
      return null;
    switch (node.kind) {
    case 'scalar': return T.validScalar(node.type, node, rng);
    case 'mixed': {
      const v = V.mixed(rng);
      return node.required && v === null ? 1 : v;
    }
    case 'nested': return this.fill({}, node.fields, idOff);
    case 'subdoc': {
      if (!node.ref) {
        const off = inlineIdOff(element, idOff);
        const o = !off && rng.chance(0.3) ? { _id: V.objectId(rng) } : {};
        return this.fill(o, node.fields, off);
      }
      return this.declObject(declOf(this.plan, node.ref), false);
    }
    case 'array':
      return Array.from({ length: rng.int(0, 4) }, () => this.value(node.of, { element: 'element', idOff }));
    case 'map': {
      // Mongoose skips the element validators of a Map of arrays under a key
      // that looks like a number (`{ '7': [-1] }` passes `min: 0`): a Mongoose
      // bug (docs/mongoose-differences.md), so such maps get other keys.
      const keys = node.of && node.of.kind === 'array' ? MAP_KEYS.filter(k => !/^\d/.test(k)) : MAP_KEYS;
      const o = {};
      for (const k of rng.sample(keys, rng.int(0, 3)))
        o[k] = node.of === null ? V.mixed(rng) : this.value(node.of, { element: 'value', idOff });
      return o;
    }
    default: throw new Error(`documents: ${node.kind}`);
    }
  }
}

// MARK: - Walking a document with its plan

// Every place a mutation can touch: declared fields (present or not), array
// elements, map values, and the objects that may get unknown fields.
function slots(plan, doc) {
  const out = { values: [], objects: [], maps: [], discriminated: [] };
  const model = declOf(plan, plan.model);

  // `ctx` is what the plan alone does not say about an object level:
  //  strict   the mode for its own fields as bsonguard has it;
  //  mgOwn, mgInline  Mongoose's mode for its own fields and for inline
  //           subdocuments declared at this level. Two kinds of inline
  //           subdocuments keep the default: those a discriminator child
  //           declares (built before discriminator() merged the base's
  //           options into the child) and a Map's inline `of: {...}`;
  //           bsonguard follows (the `skip` below guards any regression
  //           as a known difference no longer: strict and mgOwn agree);
  //  idOff    the enclosing schema has `_id: false`, which Mongoose passes
  //           on to inline document arrays (see inlineId()).
  function object(obj, segs, decl, fields, top, ctx, childOwn = new Set()) {
    out.objects.push({ obj, segs, known: new Set([...fields.map(([k]) => k), ...implicitFields(decl, top).map(([k]) => k),
      ...(decl && decl.children ? [discriminatorKey(decl)] : [])]), top, strict: ctx.strict, mgStrict: ctx.mgOwn });
    if (decl && decl.children)
      out.discriminated.push({ obj, segs, decl });
    for (const [k, node] of [...implicitFields(decl, top), ...fields])
      visit(obj, k, node, [...segs, k], 'field', childOwn.has(node) ? { ...ctx, mgInline: DEFAULT_STRICT } : ctx);
  }

  function visit(parent, key, node, segs, where, ctx) {
    const value = parent[key];
    out.values.push({ parent, key, node, segs, where, present: key in parent, strict: ctx.strict, idOff: ctx.idOff });
    if (value === null || value === undefined)
      return;
    switch (node.kind) {
    case 'nested':
      if (isPlainObject(value))
        object(value, segs, null, node.fields, false, ctx);
      break;
    case 'subdoc':
      if (isPlainObject(value)) {
        const [decl, fields, own] = subdocFields(plan, node, value);
        if (decl) {
          const st = strictOf(decl);
          object(value, segs, decl, fields, false, { strict: st, mgOwn: st, mgInline: st, idOff: decl.options._id === false },
            own);
        } else {
          const idOff = inlineIdOff(where, ctx.idOff);
          object(value, segs, { options: idOff ? { _id: false } : {} }, fields, false,
            { strict: ctx.mgInline, mgOwn: ctx.mgInline, mgInline: ctx.mgInline, idOff });
        }
      }
      break;
    case 'array':
      if (Array.isArray(value))
        value.forEach((_, i) => visit(value, i, node.of, [...segs, String(i)], 'element', ctx));
      break;
    case 'map':
      if (isPlainObject(value)) {
        out.maps.push({ obj: value, segs, node });
        // A value under a key MongoDB forbids is not examined by bsonguard
        // (the key is the error, kind `key`), nor by Mongoose (the whole
        // map fails to cast).
        if (node.of !== null)
          for (const k of Object.keys(value).filter(k => k !== '' && !k.startsWith('$') && !k.includes('.')))
            visit(value, k, node.of, [...segs, k], 'value', { ...ctx, mgInline: DEFAULT_STRICT });
      }
      break;
    default:
      break;
    }
  }

  const [fields, own] = variantOf(plan, model, doc);
  const st = strictOf(model);
  object(doc, [], model, fields, true, { strict: st, mgOwn: st, mgInline: st, idOff: model.options._id === false }, own);
  return out;
}

const DEFAULT_STRICT = true;

// Whether an inline subdocument has no `_id` path. Mongoose passes a
// schema's `_id: false` on to its inline document arrays (and theirs), but
// not to inline single nested subdocuments or a Map's inline values, which
// get an `_id`; bsonguard does the same. The documents leave `_id` out of
// elements where neither has one.
function inlineIdOff(where, idOff) {
  return where === 'element' ? idOff : false;
}

function strictOf(decl) {
  return decl.options.strict === undefined ? true : decl.options.strict;
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

// MARK: - Mutations

// A value of the declared BSON type that a validator of the path may
// refuse: just past a bound, an enum miss, a regex miss, too short or too
// long, and the values Number refuses (NaN) or handles specially.
function pressing(node, rng) {
  const v = node.v;
  switch (node.type) {
  case 'String': {
    const options = [''];
    if (v.enum)
      options.push(rng.pick(v.enum.values) + 'x', rng.pick(v.enum.values).toUpperCase());
    const re = v.match || v.validate;
    if (re && rng.chance(0.5))
      return rng.pick(re.entry.bad);
    if (re)
      options.push(...re.entry.bad);
    if (v.minlength && v.minlength.n > 0)
      options.push(V.text(rng, v.minlength.n - 1, { astral: node.astral !== false }));
    if (v.maxlength)
      options.push(V.text(rng, v.maxlength.n + 1, { astral: node.astral !== false }), node.astral === false ? 'x'.repeat(v.maxlength.n + 1)
        : '😀'.repeat(Math.ceil((v.maxlength.n + 1) / 2)));
    options.push(V.text(rng, rng.int(0, 12), { astral: node.astral !== false }));
    return rng.pick(options);
  }
  case 'Number': {
    const options = [NaN, Infinity, -Infinity, -0, 0];
    if (v.min)
      options.push(v.min.n - 1, v.min.n - 0.5, v.min.n);
    if (v.max)
      options.push(v.max.n + 1, v.max.n + 0.25, v.max.n);
    if (v.enum)
      options.push(rng.pick(v.enum.values) + 1, rng.pick(v.enum.values) + 0.5);
    return T.numberAs(rng, rng.pick(options));
  }
  case 'Date': {
    const options = [new Date(0), new Date(8.64e15), new Date(-8.64e15)];
    if (v.min)
      options.push(new Date(v.min.ms - 1), new Date(v.min.ms));
    if (v.max)
      options.push(new Date(v.max.ms + 1), new Date(v.max.ms), new Date(Date.now() + 86400e3));
    return rng.pick(options);
  }
  case 'Boolean': return false;
  case 'Double': return new V.BSON.Double(rng.pick([NaN, Infinity, -0]));
  case 'Int32': return new V.BSON.Int32(rng.pick([-1, 0]));
  case 'BigInt': return V.BSON.Long.fromString(rng.pick(['-9223372036854775808', '0']));
  case 'Decimal128': return V.BSON.Decimal128.fromString(rng.pick(['NaN', '-Infinity', '-0']));
  case 'UUID': return new V.BSON.UUID('00000000-0000-0000-0000-000000000000');
  case 'Buffer': return new V.BSON.Binary(Buffer.alloc(0), 0);
  case 'ObjectId': return new V.BSON.ObjectId('000000000000000000000000');
  default: throw new Error(`documents.pressing: ${node.type}`);
  }
}

// A value of a BSON type the node refuses (for nested paths, subdocuments,
// arrays and maps: the wrong shape).
function wrongValue(node, rng) {
  switch (node.kind) {
  case 'scalar': return V.sample(rng.pick(T.wrongAliases(node.type)), rng);
  // Mongoose throws a TypeError for a falsy number or boolean on a nested
  // path in some schemas ("Cannot create property 'arr' on boolean 'false'"
  // for one holding a document array under strict: false; "val.keys is not
  // a function" for one holding a required Map): a Mongoose bug, so nested
  // paths get other shapes.
  case 'nested': return rng.pick([V.text(rng, rng.int(1, 4)), true, [1], V.date(rng), V.objectId(rng)]);
  case 'subdoc': return V.sample(rng.pick(['string', 'int', 'bool', 'array', 'date', 'objectId']), rng);
  case 'array': return V.sample(rng.pick(['string', 'int', 'object', 'bool']), rng);
  case 'map': return V.sample(rng.pick(['string', 'int', 'array', 'bool']), rng);
  default: return undefined;
  }
}

class Mutator {
  constructor(plan, doc, rng) {
    this.plan = plan;
    this.doc = doc;
    this.rng = rng;
    this.expect = []; // { segs, value, node, what: 'mismatch' | kind }
    this.log = [];
  }

  set(slot, value, note) {
    slot.parent[slot.key] = value;
    this.log.push(`${note} at ${slot.segs.join('.')}`);
  }

  run(count) {
    for (let i = 0; i < count; i++)
      this.once();
    return this;
  }

  once() {
    const rng = this.rng;
    const s = slots(this.plan, this.doc);
    const present = s.values.filter(x => x.present);
    const op = rng.weighted([[5, 'wrongType'], [3, 'remove'], [2, 'null'], [7, 'press'], [2, 'extra'], [1, 'mapKey'],
      [1, 'discriminator'], [1, 'idShape'], [2, 'addElement']]);
    switch (op) {
    case 'wrongType': {
      const c = present.filter(x => x.node.kind !== 'mixed');
      if (!c.length)
        return;
      const slot = rng.pick(c);
      const value = wrongValue(slot.node, rng);
      this.set(slot, value, 'wrong BSON type');
      // MongoDB refuses an array or regex `_id` at the top level: kind `server`,
      // which takes precedence over `type` (DESIGN.md 5.1).
      const server = slot.segs.length === 1 && slot.key === '_id' &&
        (Array.isArray(value) || value instanceof V.BSON.BSONRegExp);
      this.expect.push({ segs: slot.segs, value, node: slot.node, what: server ? 'server' : 'mismatch' });
      return;
    }
    case 'remove': {
      const c = present.filter(x => x.where === 'field');
      const req = c.filter(x => x.node.required);
      if (!c.length)
        return;
      const slot = rng.pick(req.length && rng.chance(0.6) ? req : c);
      delete slot.parent[slot.key];
      this.log.push(`removed ${slot.segs.join('.')}`);
      return;
    }
    case 'null': {
      // Under strict: 'throw', `new Model()` throws ObjectExpectedError for
      // null on a nested path (under strict: true it stores null); bsonguard
      // accepts null on any path that is not required (DESIGN.md 5.1). A
      // documented difference: no such nulls.
      const c = s.values.filter(x => nullable(x.node, x.where === 'element') &&
        !(x.node.kind === 'nested' && x.strict === 'throw'));
      if (c.length)
        this.set(rng.pick(c), null, 'null');
      return;
    }
    case 'press': {
      const c = s.values.filter(x => x.node.kind === 'scalar' && !x.node.implicit);
      const validated = c.filter(x => x.node.order.length);
      if (c.length) {
        const slot = rng.pick(validated.length && rng.chance(0.8) ? validated : c);
        this.set(slot, pressing(slot.node, rng), 'pressed');
      }
      return;
    }
    case 'extra': {
      const o = rng.pick(s.objects);
      if (o.top && rng.chance(0.2)) {
        o.obj.$extra = V.sample('int', rng);
        this.log.push('top-level $ field');
        this.expect.push({ segs: ['$extra'], value: o.obj.$extra, what: 'key' });
        return;
      }
      const k = rng.pick(EXTRA_KEYS.filter(x => !o.known.has(x)));
      o.obj[k] = V.sample(rng.pick(V.ALIASES), rng);
      this.log.push(`unknown field ${[...o.segs, k].join('.')}`);
      if ((o.strict === 'throw') !== (o.mgStrict === 'throw')) // see slots(): a known divergence
        this.expect.push({ segs: [...o.segs, k], value: o.obj[k], what: 'skip',
          reason: 'strict of an inline subdocument in a discriminator child or a Map' });
      return;
    }
    case 'mapKey': {
      if (!s.maps.length)
        return;
      const m = rng.pick(s.maps);
      const k = rng.pick(['a.b', '$k', '']);
      const value = m.node.of === null ? V.mixed(rng) : new Maker(this.plan, rng).value(m.node.of, { element: 'value' });
      m.obj[k] = value;
      this.log.push(`map key ${JSON.stringify(k)} in ${m.segs.join('.')}`);
      if (k === '') // an empty name is kind `key` (DESIGN.md 5.1); Mongoose accepts it
        this.expect.push({ segs: [...m.segs, ''], value, what: 'key' });
      return;
    }
    case 'discriminator': {
      if (!s.discriminated.length)
        return;
      const d = rng.pick(s.discriminated);
      const key = discriminatorKey(d.decl);
      const values = ['Nope', ...d.decl.children.map(discriminatorValue)].filter(v => v !== d.obj[key]);
      if (rng.chance(0.25))
        delete d.obj[key];
      else
        d.obj[key] = rng.pick(values);
      this.log.push(`discriminator ${[...d.segs, key].join('.')} = ${d.obj[key]}`);
      return;
    }
    case 'idShape': {
      // An array _id: MongoDB refuses it (kind `server`, DESIGN.md 5.1);
      // Mongoose only sees a failed ObjectId cast.
      if (rng.chance(0.5)) {
        this.doc._id = [V.objectId(rng)];
        this.expect.push({ segs: ['_id'], value: this.doc._id, what: 'server' });
        this.log.push('array _id');
      } else {
        const v = rng.pick([V.hex(rng, 24), V.hex(rng, 24).toUpperCase(), new V.BSON.Int32(5)]);
        this.doc._id = v;
        this.expect.push({ segs: ['_id'], value: v, node: ID, what: 'mismatch' });
        this.log.push('_id of another type');
      }
      return;
    }
    case 'addElement': {
      const c = present.filter(x => x.node.kind === 'array' && Array.isArray(x.parent[x.key]));
      if (!c.length)
        return;
      const slot = rng.pick(c);
      const arr = slot.parent[slot.key];
      // Appended, so that the indexes of earlier expectations hold.
      arr.push(rng.chance(0.5) || !nullable(slot.node.of, true)
        ? new Maker(this.plan, rng).value(slot.node.of, { element: 'element', idOff: slot.idOff }) : null);
      this.log.push(`element added to ${slot.segs.join('.')}`);
      return;
    }
    default:
      throw new Error(op);
    }
  }

  // Expectations whose value is still where it was put (a later mutation
  // may have replaced or removed a parent, or switched a discriminator).
  settled() {
    const s = slots(this.plan, this.doc);
    const byPath = new Map(s.values.map(x => [x.segs.join('\u0000'), x]));
    return this.expect.filter(e => {
      let o = this.doc;
      for (const k of e.segs.slice(0, -1))
        o = o !== null && typeof o === 'object' ? o[k] : undefined;
      const key = e.segs[e.segs.length - 1];
      if (o === null || typeof o !== 'object' || !(key in o))
        return false;
      if (e.what === 'key') // the name is the fault, whatever the value became
        return true;
      if (!Object.is(o[key], e.value))
        return false;
      if (e.what !== 'mismatch')
        return true;
      const slot = byPath.get(e.segs.join('\u0000'));
      return slot !== undefined && slot.node === e.node;
    }).map(e => ({ path: e.segs.join('.'), what: e.what, reason: e.reason }));
  }
}

/**
 Document number `index` of a plan: valid (about a quarter of them) or
 mutated. Returns { doc, expect: [{path, what}], log }.
 */
function makeDocument(plan, rng) {
  const model = declOf(plan, plan.model);
  const doc = new Maker(plan, rng).declObject(model, true);
  const mutations = rng.chance(0.25) ? 0 : rng.int(1, 3);
  const m = new Mutator(plan, doc, rng).run(mutations);
  return { doc, expect: m.settled(), log: m.log };
}

module.exports = { makeDocument, slots, discriminatorKey };
