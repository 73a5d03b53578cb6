'use strict';
// One Mongoose path -> its .bsg definition: the type (scalar, [T], document
// array, subdocument, Map, Union), its validators and the options the DSL
// takes. What only JavaScript can do (setters, getters, function defaults…)
// is reported through ctx.warn with the path.

const { TYPE, ident, regex, obj, arr, isObj } = require('./to-bsg-format');
const { kindOf, elementOf, mapValueOf, embeddedDiscriminators, ownOptionKeys, typeKeyOf } =
  require('./from-mongoose-schema');
const { validatorOptions } = require('./from-mongoose-validators');

const TYPE_NAMES = {
  String: 'String', Number: 'Number', Boolean: 'Boolean', Date: 'Date', Buffer: 'Buffer',
  ObjectId: 'Schema.Types.ObjectId', Decimal128: 'Schema.Types.Decimal128', Mixed: 'Schema.Types.Mixed',
  UUID: 'Schema.Types.UUID', BigInt: 'BigInt', Double: 'Schema.Types.Double', Int32: 'Schema.Types.Int32',
};

// Options that only shape indexes, population or setters the DSL knows
// (accepted there, not validators). Carried when their value is plain.
const CARRIED = new Set(['ref', 'refPath', 'unique', 'index', 'sparse', 'text', 'expires', 'immutable', 'trim',
  'lowercase', 'uppercase', 'alias', 'select', 'subtype', 'castNonArrays', 'description', 'comment', 'cast',
  'autopopulate', 'populate', 'excludeIndexes']);

// Options handled elsewhere: the type, validators (read from
// schematype.validators), `of`, `default`, JavaScript-only ones.
const HANDLED = new Set(['type', 'of', 'default', 'required', 'enum', 'min', 'max', 'minlength', 'minLength',
  'maxlength', 'maxLength', 'match', 'validate', 'allowNull', 'get', 'set', 'transform', 'auto', '_id',
  'discriminators', 'validateAll', 'schemaName', 'Constructor']);

// The source text of the setters Mongoose installs itself (trim,
// lowercase, uppercase, immutable, the automatic _id), learnt once per
// copy of Mongoose by building a scratch path with those options.
const builtinSetters = new WeakMap();

function builtinSetterSources(SchemaCtor) {
  let set = builtinSetters.get(SchemaCtor);
  if (set)
    return set;
  set = new Set();
  try {
    const s = new SchemaCtor({
      s: { type: String, trim: true, lowercase: true, uppercase: true, immutable: true },
      d: { type: Date, immutable: true },
    }, { timestamps: true });
    for (const p of ['s', 'd', '_id', 'createdAt', 'updatedAt'])
      for (const fn of (s.path(p) && s.path(p).setters) || [])
        set.add(String(fn));
  } catch {
    // An unusual Mongoose: every setter then counts as the user's.
  }
  builtinSetters.set(SchemaCtor, set);
  return set;
}

const isPlainObject = v => v !== null && typeof v === 'object' &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

// A default or option value as a .bsg value, or undefined when it has none
// (a function, a class instance, a structure deeper than any schema needs).
function literal(v, depth = 0) {
  if (depth > 32)
    return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'boolean')
    return v;
  if (typeof v === 'number')
    return Number.isFinite(v) ? v : undefined;
  if (v instanceof Date)
    return isNaN(v.valueOf()) ? undefined : v.toISOString();
  if (v instanceof RegExp)
    return regex(v);
  if (Array.isArray(v)) {
    const items = v.map(x => literal(x, depth + 1));
    return items.includes(undefined) ? undefined : arr(items);
  }
  if (isPlainObject(v)) {
    const pairs = Object.entries(v).map(([k, x]) => [k, literal(x, depth + 1)]);
    return pairs.some(([, x]) => x === undefined) ? undefined : obj(pairs);
  }
  if (v && typeof v.toHexString === 'function')
    return v.toHexString(); // ObjectId: the string Mongoose casts from
  if (v && v._bsontype === 'Decimal128')
    return v.toString();
  return undefined;
}

// `() => ({})` and friends, including the factory SchemaMixed puts in place
// of a `{}` default: the DSL spells them `{}` and `[]`.
const EMPTY_OBJECT_FN = /^(?:function\w*\(\)\{return\{\};?\}|\(\)=>\(\{\}\)|\(\)=>\{return\{\};?\})$/;
const EMPTY_ARRAY_FN = /^(?:function\w*\(\)\{return\[\];?\}|\(\)=>\[\]|\(\)=>\{return\[\];?\})$/;

function defaultOption(ctx, st) {
  if (!st.options || !Object.hasOwn(st.options, 'default') || st.options.default === undefined)
    return [];
  const d = st.options.default;
  if (typeof d === 'function') {
    if (d === Date.now)
      return [['default', ident('Date.now')]];
    if (d === Array)
      return [['default', arr([])]];
    const src = Function.prototype.toString.call(d).replace(/\s+/g, '');
    if (EMPTY_OBJECT_FN.test(src))
      return [['default', obj([])]];
    if (EMPTY_ARRAY_FN.test(src))
      return [['default', arr([])]];
    ctx.warn('`default` is a function and is not carried (bsonguard checks stored bytes and applies no defaults)');
    return [];
  }
  const v = literal(d);
  if (v === undefined) {
    ctx.warn(`\`default\` ${String(d)} has no .bsg form and is not carried (bsonguard applies no defaults)`);
    return [];
  }
  return [['default', v]];
}

function jsOnlyWarnings(ctx, st) {
  const builtin = builtinSetterSources(ctx.SchemaCtor);
  if ((st.setters || []).some(fn => !builtin.has(String(fn))))
    ctx.warn('`set` (a setter) is JavaScript and is not carried: bsonguard checks the stored bytes as they are');
  if ((st.getters || []).length)
    ctx.warn('`get` (a getter) is JavaScript and is not carried (getters only change what reads return)');
  if (st.options && typeof st.options.transform === 'function')
    ctx.warn('`transform` is JavaScript and is not carried (it only shapes toJSON/toObject output)');
}

function carriedOptions(ctx, st) {
  const out = [];
  for (const k of ownOptionKeys(st)) {
    const v = st.options[k];
    if (HANDLED.has(k) || k.startsWith('$'))
      continue;
    if (k === 'select' && st.options.$skipDiscriminatorCheck)
      continue; // Mongoose's own option on the discriminator key it adds
    if (k === 'ref' && typeof v === 'function' && typeof v.modelName === 'string') {
      out.push([k, v.modelName]);
    } else if (typeof v === 'function') {
      ctx.warn(`\`${k}\` is a function and is not carried`);
    } else if (!CARRIED.has(k)) {
      ctx.warn(`option \`${k}\` is not a bsonguard option and is not carried`);
    } else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) {
      out.push([k, v]);
    }
    // An object value (index options, populate options) only concerns
    // indexes or queries: nothing to validate.
  }
  return out;
}

// The options of a path other than its type: validators, default, carried
// options; plus the warnings for what cannot cross.
function pathOptions(ctx, st) {
  jsOnlyWarnings(ctx, st);
  return [...validatorOptions(ctx, st), ...defaultOption(ctx, st), ...carriedOptions(ctx, st)];
}

const leaf = (type, opts) => opts.length ? obj([[TYPE, type], ...opts]) : type;

function scalar(ctx, st) {
  let name = TYPE_NAMES[st.instance];
  if (!name) {
    ctx.warn(`SchemaType \`${st.instance}\` has no bsonguard equivalent; declared Mixed (any value passes)`);
    name = TYPE_NAMES.Mixed;
  }
  return leaf(ident(name), pathOptions(ctx, st));
}

function array(ctx, st) {
  const e = elementOf(st);
  const elem = e ? definition(ctx.at(ctx.path + '.$'), e) : ident(TYPE_NAMES.Mixed);
  return leaf(arr([elem]), pathOptions(ctx, st));
}

function docArray(ctx, st) {
  const sub = ctx.plan.use(ctx, st.schema, embeddedDiscriminators(st));
  // `[{ type: Sub, required: true }]`: options of the elements themselves.
  const e = elementOf(st);
  const own = e && e !== st ? pathOptions(ctx.at(ctx.path + '.$'), e) : [];
  const elem = own.length ? obj([[TYPE, sub], ...own]) : sub;
  return leaf(arr([elem]), pathOptions(ctx, st));
}

function subdoc(ctx, st, { inlineOf } = {}) {
  const sub = ctx.plan.use(ctx, st.schema, embeddedDiscriminators(st), { implicit: inlineOf });
  const opts = pathOptions(ctx, st);
  // An inline body must sit under the type key, or it reads as a nested path.
  return sub.ident ? leaf(sub, opts) : obj([[TYPE, sub], ...opts]);
}

function map(ctx, st) {
  const v = mapValueOf(st);
  const opts = pathOptions(ctx, st);
  const plainMixed = !v || (v.instance === 'Mixed' && !(v.validators || []).length && !ownOptionKeys(v).length);
  if (plainMixed)
    return leaf(ident('Map'), opts);
  // `of: { label: String }` gives Mongoose a schema it does not mark as
  // implicitly created; only a Schema the user passed is declared apart.
  const given = st.options && st.options.of;
  const inlineOf = kindOf(v) === 'subdoc' && given !== v.schema && !(given && given[typeKeyOf(v)] === v.schema) &&
    !(given && given.type === v.schema);
  let of = definition(ctx.at(ctx.path + '.$*'), v, { inlineOf });
  if (isObj(of) && of.obj.length === 1 && of.obj[0][0] === TYPE && isObj(of.obj[0][1]))
    of = of.obj[0][1]; // `of: { label: String }`, as people write it
  return obj([[TYPE, ident('Map')], ['of', of], ...opts]);
}

function union(ctx, st) {
  const members = (st.schemaTypes || []).map(m => definition(ctx, m));
  return obj([[TYPE, ident('Schema.Types.Union')], ['of', arr(members)], ...pathOptions(ctx, st)]);
}

const BY_KIND = { scalar, array, docarray: docArray, subdoc, map, union };

function definition(ctx, st, hints) {
  return BY_KIND[kindOf(st)](ctx, st, hints);
}

module.exports = { definition };
