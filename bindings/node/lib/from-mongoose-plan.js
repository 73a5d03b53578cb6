'use strict';
// Which `schema` declarations the .bsg file gets, and their bodies.
//
// Every model is a declaration. A sub-schema the user built with
// `new Schema()` (or one that is recursive, discriminated, or whose options
// an inline body cannot carry) is declared once and referred to by name;
// one Mongoose made from an inline object (`[{ … }]`, `{ type: { … } }`)
// is written inline, as the user wrote it. Discriminators become
// `schema Child extends Base`: the DSL applies a base's children wherever
// the base is used, so a schema used with different sets of discriminators
// (or with and without) gets one declaration per set.

const { ident, obj, format, chooseTypeKey } = require('./to-bsg-format');
const S = require('./from-mongoose-schema');
const { definition } = require('./from-mongoose-paths');

// Names a declaration may not take: they would shadow the DSL's types.
const RESERVED = new Set(['String', 'Number', 'Boolean', 'Bool', 'Date', 'ObjectId', 'ObjectID', 'Oid', 'Decimal128',
  'Decimal', 'BigInt', 'Double', 'Int32', 'UUID', 'Buffer', 'Mixed', 'Object', 'Map', 'Array', 'Union', 'Schema',
  'Types', 'mongoose', 'MongooseSchema', 'schema', 'extends', 'with', 'true', 'false', 'null']);

function pascal(word) {
  const parts = String(word).split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts.map(p => p[0].toUpperCase() + p.slice(1)).join('');
}

// `attachments` -> `Attachment`, `replies` -> `Reply`, `address` -> `Address`.
function singular(word) {
  if (/ies$/.test(word) && word.length > 4)
    return word.slice(0, -3) + 'y';
  if (/(?:ss|us|is|xes|ches|shes)$/.test(word))
    return /(?:xes|ches|shes)$/.test(word) ? word.slice(0, -2) : word;
  return /s$/.test(word) && word.length > 2 ? word.slice(0, -1) : word;
}

// A name for a sub-schema first met at `path` (`messages.$*` -> `Message`).
function nameFromPath(path) {
  const segs = path.split('.').filter(s => s !== '$' && s !== '$*');
  return pascal(singular(segs[segs.length - 1] || 'Sub')) || 'Sub';
}

const strictOf = schema => schema.options && schema.options.strict !== undefined ? schema.options.strict : true;

// What is rendered for one declaration.
class Decl {
  constructor({ name, schema, discs, base, value, model, prefix }) {
    Object.assign(this, { name, schema, discs, base, value, model, prefix });
    this.deps = new Set();   // declarations its body refers to
    this.children = [];      // its discriminators
    this.warnings = [];
    this.body = obj([]);
    this.options = obj([]);
    this.typeKey = 'type';
  }

  get strict() {
    return strictOf(this.schema);
  }
}

// Where a definition is being written: the declaration, the path within
// it (Mongoose's spelling: `tags.$`, `items.name`, `counts.$*`), and where
// warnings go.
class Ctx {
  constructor(plan, decl, path, sink) {
    Object.assign(this, { plan, decl, path, sink });
    this.SchemaCtor = decl.schema.constructor;
  }

  at(path) {
    return new Ctx(this.plan, this.decl, path, this.sink);
  }

  warn(reason) {
    const path = [this.decl.prefix, this.path].filter(Boolean).join('.');
    this.sink.push({ path, reason, model: this.decl.model });
  }
}

class Plan {
  constructor({ names = new Map() } = {}) {
    this.names = names;           // schema -> preferred name (exported schemas)
    this.byKey = new Map();       // schema id + discriminators -> Decl
    this.ids = new WeakMap();
    this.nextId = 0;
    this.used = new Set();
    this.roots = [];
    this.inlining = new Set();
  }

  idOf(schema) {
    if (!this.ids.has(schema))
      this.ids.set(schema, `s${++this.nextId}`);
    return this.ids.get(schema);
  }

  unique(wanted) {
    let base = String(wanted).replace(/[^A-Za-z0-9_$]/g, '_');
    if (!/^[A-Za-z_$]/.test(base))
      base = '_' + base;
    if (RESERVED.has(base))
      base += 'Schema';
    let name = base;
    for (let i = 2; this.used.has(name); i++)
      name = base + i;
    this.used.add(name);
    return name;
  }

  // A model: its own declaration, under its own name. Models are all
  // registered before any is rendered, so that a model's schema embedded in
  // another model is referred to by the model's name.
  model(name, schema) {
    const discs = S.rootDiscriminators(schema);
    const key = this.keyOf(schema, discs);
    const decl = new Decl({ name: this.unique(name), schema, discs, base: null, value: null, model: name,
      prefix: '' });
    if (!this.byKey.has(key))
      this.byKey.set(key, decl);
    this.roots.push(decl);
    return decl;
  }

  renderModels() {
    for (const decl of this.roots)
      this.renderWithChildren(decl);
  }

  // A sub-schema at ctx.path: an inline body, or the name of its declaration.
  use(ctx, schema, discs, { implicit } = {}) {
    if (this.inlinable(ctx, schema, discs, implicit)) {
      this.inlining.add(schema);
      try {
        const body = this.fields(ctx, schema, ctx.path, { inline: true, dropDiscriminatorKey: false });
        if (body.obj.length)
          return body;
      } finally {
        this.inlining.delete(schema);
      }
    }
    const decl = this.declare(schema, discs, {
      name: this.names.get(schema) || nameFromPath(ctx.path),
      model: ctx.decl.model,
      prefix: [ctx.decl.prefix, ctx.path].filter(Boolean).join('.'),
    });
    ctx.decl.deps.add(decl);
    return ident(decl.name);
  }

  inlinable(ctx, schema, discs, implicit) {
    const o = schema.options || {};
    return (schema.$implicitlyCreated === true || implicit === true) && discs.length === 0 && !this.names.has(schema) &&
      !this.inlining.has(schema) && strictOf(schema) === ctx.decl.strict && !o.timestamps;
  }

  // A cheap description of a discriminator's schema that is equal for the
  // copies Mongoose makes of one child (a model's and each embedded path's).
  fingerprint(schema) {
    const describe = st => {
      const e = S.elementOf(st);
      const v = (st.validators || []).map(x => `${x.type}:${String(x[x.type] ?? x.enumValues ?? x.regexp ?? '')}:` +
        `${typeof x.message === 'string' ? x.message : ''}`);
      return [st.instance, st.schema ? this.idOf(st.schema) : '', v.join(','), Object.keys(st.options || {}).join(','),
        e && e !== st ? `[${describe(e)}]` : ''].join('|');
    };
    return Object.keys(schema.paths).map(p => `${p}=${describe(schema.paths[p])}`).join('\n');
  }

  keyOf(schema, discs) {
    return this.idOf(schema) + '\u0000' +
      discs.map(d => `${d.name}\u0001${d.value}\u0001${this.fingerprint(d.schema)}`).join('\u0002');
  }

  // The declaration of a sub-schema with these discriminators: an existing
  // one (a model's, or one met before), or a new one, rendered now.
  declare(schema, discs, { name, model, prefix }) {
    const key = this.keyOf(schema, discs);
    if (this.byKey.has(key))
      return this.byKey.get(key);
    const decl = new Decl({ name: this.unique(name), schema, discs, base: null, value: null, model, prefix });
    this.byKey.set(key, decl);
    this.renderWithChildren(decl);
    return decl;
  }

  renderWithChildren(decl) {
    if (decl.rendered)
      return;
    decl.rendered = true;
    this.render(decl);
    for (const d of decl.discs) {
      const child = new Decl({ name: this.unique(d.name), schema: d.schema, discs: [], base: decl,
        value: d.value, model: decl.prefix ? decl.model : d.name, prefix: decl.prefix });
      decl.children.push(child);
      this.render(child);
    }
  }

  // The fields of `schema` as [key, value] pairs, each with the warnings
  // found in it (kept apart so that a discriminator can drop the fields it
  // shares with its base, and their warnings with them).
  fieldList(ctx, schema, prefix, opts) {
    const out = [];
    for (const [name, node] of S.fieldTree(schema, opts)) {
      const sink = [];
      const value = this.value(new Ctx(this, ctx.decl, prefix, sink), node, prefix ? `${prefix}.${name}` : name);
      if (value)
        out.push({ pair: [name, value], warnings: sink });
    }
    return out;
  }

  // A field: a path's definition, or a nested path's object of fields.
  value(ctx, node, path) {
    if (!(node.nested instanceof Map))
      return definition(ctx.at(path), node);
    const inner = [];
    for (const [k, n] of node.nested) {
      const v = this.value(ctx, n, `${path}.${k}`);
      if (v)
        inner.push([k, v]);
    }
    return inner.length ? obj(inner) : null;
  }

  // An inline body: its fields, plus `_id: false` where the schema has none
  // (the DSL gives inline schemas an _id, as Mongoose does by default).
  fields(ctx, schema, prefix, opts) {
    const list = this.fieldList(ctx, schema, prefix, opts);
    for (const f of list)
      ctx.sink.push(...f.warnings);
    const pairs = list.map(f => f.pair);
    if (opts.inline && !schema.paths._id && pairs.length)
      pairs.push(['_id', false]);
    return obj(pairs);
  }

  render(decl) {
    const ctx = new Ctx(this, decl, '', decl.warnings);
    const list = this.fieldList(ctx, decl.schema, '', { dropDiscriminatorKey: decl.discs.length > 0 || !!decl.base });
    let kept = list;
    if (decl.base) {
      // A child writes only what it adds to or changes in its base.
      const baseText = new Map(decl.base.body.obj.map(([k, v]) => [k, format(v, 'type')]));
      kept = list.filter(f => baseText.get(f.pair[0]) !== format(f.pair[1], 'type'));
    }
    for (const f of kept)
      decl.warnings.push(...f.warnings);
    const hooks = S.validateHooks(decl.schema) - (decl.base ? S.validateHooks(decl.base.schema) : 0);
    if (hooks > 0)
      ctx.warn(`\`validate\` middleware (schema.pre/post('validate'), ${hooks} hook${hooks === 1 ? '' : 's'}) is ` +
        'JavaScript and is not carried: bsonguard does not check what it checks');
    decl.body = obj(kept.map(f => f.pair));
    decl.typeKey = chooseTypeKey(decl.body);
    decl.options = obj(this.options(decl));
  }

  // `with { … }`: the schema options that differ from Mongoose's defaults
  // (for a discriminator, from its base's).
  options(decl) {
    const o = decl.schema.options || {};
    const out = [];
    if (decl.base) {
      if (decl.strict !== decl.base.strict)
        out.push(['strict', decl.strict]);
      if (!decl.schema.paths._id) // the DSL gives a child an _id unless told
        out.push(['_id', false]);
      if (decl.value !== decl.name)
        out.push(['discriminatorValue', decl.value]);
    } else {
      if (decl.strict !== true)
        out.push(['strict', decl.strict]);
      if (!decl.schema.paths._id)
        out.push(['_id', false]);
      if (o.versionKey === false || (typeof o.versionKey === 'string' && o.versionKey !== '__v'))
        out.push(['versionKey', o.versionKey]);
      const ts = timestamps(decl, o.timestamps);
      if (ts !== undefined)
        out.push(['timestamps', ts]);
      if (o.minimize === false)
        out.push(['minimize', false]);
      if (o.discriminatorKey && o.discriminatorKey !== '__t')
        out.push(['discriminatorKey', o.discriminatorKey]);
    }
    if (decl.typeKey !== 'type')
      out.push(['typeKey', decl.typeKey]);
    return out;
  }
}

function timestamps(decl, t) {
  if (!t)
    return undefined;
  if (t === true)
    return true;
  if (typeof t.currentTime === 'function')
    decl.warnings.push({ path: decl.prefix, model: decl.model,
      reason: '`timestamps.currentTime` is a function and is not carried (it only picks the time written)' });
  const names = S.timestampNames({ timestamps: t });
  const pairs = [];
  if (names.createdAt !== 'createdAt')
    pairs.push(['createdAt', names.createdAt || false]);
  if (names.updatedAt !== 'updatedAt')
    pairs.push(['updatedAt', names.updatedAt || false]);
  return pairs.length ? obj(pairs) : true;
}

module.exports = { Plan };
