'use strict';
// Reading a live Mongoose schema. Everything here is duck-typed on what
// Mongoose 9 puts on its objects, never on `require('mongoose')`: the schema
// may come from another copy of Mongoose (the application's, NestJS's).

const isSchema = x => x != null && typeof x === 'object' && x.instanceOfSchema === true &&
  x.paths != null && typeof x.paths === 'object';

const isModel = x => typeof x === 'function' && typeof x.modelName === 'string' && isSchema(x.schema);

// The kind of a SchemaType, by the flags Mongoose sets on each class.
function kindOf(st) {
  if (st.$isMongooseDocumentArray)
    return 'docarray';
  if (st.$isSingleNested)
    return 'subdoc';
  if (st.$isSchemaMap || st.instance === 'Map')
    return 'map';
  if (st.$isSchemaUnion || st.instance === 'Union')
    return 'union';
  if (st.instance === 'Array')
    return 'array';
  return 'scalar';
}

// The element SchemaType of an array (`embeddedSchemaType` in Mongoose 9,
// `caster` before it).
function elementOf(st) {
  const e = st.embeddedSchemaType || st.$embeddedSchemaType || st.caster;
  return e && typeof e === 'object' && typeof e.instance === 'string' ? e : null;
}

// The value SchemaType of a Map (`of`).
function mapValueOf(st) {
  const v = st.$__schemaType;
  return v && typeof v === 'object' && typeof v.instance === 'string' ? v : null;
}

// Which createdAt / updatedAt names `timestamps` adds (null for none).
function timestampNames(options) {
  const t = options && options.timestamps;
  if (!t)
    return { createdAt: null, updatedAt: null };
  if (t === true)
    return { createdAt: 'createdAt', updatedAt: 'updatedAt' };
  const pick = (v, dflt) => v === false ? null : typeof v === 'string' && v ? v : dflt;
  return { createdAt: pick(t.createdAt, 'createdAt'), updatedAt: pick(t.updatedAt, 'updatedAt') };
}

// The key that held the type in the user's definition: `type`, or the
// schema's `typeKey`. Neither is an option of the path.
const typeKeyOf = st => (st.parentSchema && st.parentSchema.options && st.parentSchema.options.typeKey) || 'type';

const ownOptionKeys = (st, typeKey = typeKeyOf(st)) => Object.keys(st.options || {})
  .filter(k => st.options[k] !== undefined && k !== 'type' && k !== typeKey);

// Paths Mongoose adds by itself and the DSL adds by itself too: the automatic
// `_id`, the version key, timestamps, the discriminator key it inserts.
function isImplicitPath(schema, p, st, { dropDiscriminatorKey }) {
  const o = schema.options || {};
  const keys = ownOptionKeys(st, o.typeKey || 'type');
  if (p === '_id')
    return st.instance === 'ObjectId' && st.options.auto === true && keys.every(k => k === 'auto');
  if (typeof o.versionKey === 'string' && p === o.versionKey)
    return st.instance === 'Number' && keys.length === 0;
  const ts = timestampNames(o);
  if (p === ts.createdAt || p === ts.updatedAt)
    return st.instance === 'Date' && keys.every(k => k === 'immutable');
  if (p === (o.discriminatorKey || '__t') && st.options.$skipDiscriminatorCheck)
    return dropDiscriminatorKey;
  return false;
}

// The schema's own paths as an ordered tree: Map name -> SchemaType, or
// Map name -> { nested: Map } for nested paths. Map value paths (`m.$*`)
// belong to their Map and are left out.
function fieldTree(schema, opts) {
  const root = new Map();
  for (const p of Object.keys(schema.paths)) {
    const parts = p.split('.');
    if (parts.includes('$*'))
      continue;
    const st = schema.paths[p];
    if (isImplicitPath(schema, p, st, opts))
      continue;
    let level = root;
    for (const part of parts.slice(0, -1)) {
      let next = level.get(part);
      if (!next || !(next.nested instanceof Map)) {
        next = { nested: new Map() };
        level.set(part, next);
      }
      level = next.nested;
    }
    level.set(parts[parts.length - 1], st);
  }
  return root;
}

// A discriminator: its name, the value of the key that selects it and the
// schema Mongoose validates it with (the base's paths merged in, or, for
// one not yet applied, the schema as given).
const disc = (name, value, schema) => ({ name, value: value == null ? name : String(value), schema });

function pendingValue(options) {
  if (typeof options === 'string')
    return options;
  return options && options.value != null ? options.value : undefined;
}

// Discriminators given with Schema#discriminator() that Mongoose applies
// when a model is compiled (or when the schema is embedded in a model).
function pending(schema, list) {
  const applied = new Set(list.map(d => d.name));
  const map = schema._applyDiscriminators;
  if (!(map instanceof Map))
    return list;
  for (const [name, { schema: child, options }] of map) {
    if (!applied.has(name) && isSchema(child))
      list.push(disc(name, pendingValue(options), child));
  }
  return list;
}

// Discriminators of a model or of a schema used as a model.
function rootDiscriminators(schema) {
  const list = [];
  for (const [name, child] of Object.entries(schema.discriminators || {})) {
    if (isSchema(child))
      list.push(disc(name, child.discriminatorMapping && child.discriminatorMapping.value, child));
  }
  return pending(schema, list);
}

// Discriminators of an embedded path: those applied to its constructor,
// plus those its schema declares and Mongoose applies when the model is
// compiled.
function embeddedDiscriminators(st) {
  const list = [];
  const ctor = st.Constructor || st.caster;
  for (const [name, d] of Object.entries((ctor && ctor.discriminators) || {})) {
    const s = d && d.schema;
    if (isSchema(s))
      list.push(disc(name, s.discriminatorMapping && s.discriminatorMapping.value, s));
  }
  return st.schema ? pending(st.schema, list) : list;
}

// Validation middleware the user added (`schema.pre('validate', fn)`,
// `post`); Mongoose's own hooks carry a `built-in-middleware` symbol.
function validateHooks(schema) {
  const hooks = schema.s && schema.s.hooks;
  const builtin = fn => Object.getOwnPropertySymbols(fn || {})
    .some(sym => sym.description === 'mongoose:built-in-middleware');
  let n = 0;
  for (const list of [hooks && hooks._pres, hooks && hooks._posts]) {
    const entries = list instanceof Map ? list.get('validate') || [] : [];
    n += entries.filter(h => h && typeof h.fn === 'function' && !builtin(h.fn)).length;
  }
  return n;
}

module.exports = { isSchema, isModel, kindOf, elementOf, mapValueOf, timestampNames, fieldTree,
  rootDiscriminators, embeddedDiscriminators, ownOptionKeys, typeKeyOf, validateHooks };
