'use strict';
// A SchemaType's validators as .bsg options. We read `schematype.validators`
// (what Mongoose will actually run, in its order) rather than the options
// the user wrote, so validators added later with `.validate()`, `.min()`…
// are not missed and options Mongoose ignores are not invented.

const { ident, regex, obj, arr } = require('./to-bsg-format');

// The option that installs each kind of validator.
const OPTION = {
  required: 'required', enum: 'enum', min: 'min', max: 'max', minlength: 'minlength',
  maxlength: 'maxlength', regexp: 'match',
};

const isAsync = fn => typeof fn === 'function' &&
  (fn.constructor && fn.constructor.name === 'AsyncFunction');

// A validator's own name, not the one an anonymous function takes from the
// key it is written under.
function fnName(fn) {
  const named = typeof fn === 'function' && fn.name && fn.name !== 'validator' && fn.name !== 'validate';
  return named ? ` \`${fn.name}\`` : '';
}

// The message Mongoose would give this validator had the user written none:
// build the same validator on a scratch path and read its message. (Mongoose
// fills `{MIN}` and friends in when the validator is made, and the maxlength
// message is a function, so comparing with the templates would not do.)
function defaultMessage(ctx, st, v) {
  const option = OPTION[v.type] || 'validate';
  let bound;
  if (v.type === 'enum')
    bound = v.enumValues;
  else if (v.type === 'regexp')
    bound = v.regexp;
  else if (v.type === 'required')
    bound = true;
  else if (option === 'validate')
    bound = /./;
  else
    bound = v[v.type];
  try {
    const type = v.type === 'required' ? String : st.constructor;
    const scratch = new ctx.SchemaCtor({ x: { type, [option]: bound } });
    const w = scratch.path('x').validators.find(x => x.type === (option === 'validate' ? 'user defined' : v.type));
    return w ? w.message : undefined;
  } catch {
    return undefined;
  }
}

// A message as template text. Mongoose wraps every maxlength message in a
// function (to cut long values); calling it with placeholder-valued props
// gives the template back. A function the user wrote: undefined.
const PLACEHOLDER_KEYS = ['path', 'value', 'fullPath', 'type', 'maxlength'];

function messageTemplate(m) {
  if (typeof m === 'string')
    return m;
  if (typeof m !== 'function' || !/formatMessage/.test(Function.prototype.toString.call(m)))
    return undefined;
  const props = Object.fromEntries(PLACEHOLDER_KEYS.map(k => [k, `\u0001${k.toUpperCase()}\u0001`]));
  try {
    const text = m(props);
    const template = typeof text === 'string' ? text.replace(/\u0001([A-Z]+)\u0001/g, '{$1}') : undefined;
    // A template wrapped by Mongoose ignores empty props; a user function
    // wrapped the same way does not (it reads them).
    return template !== undefined && m({}) === template ? template : undefined;
  } catch {
    return undefined;
  }
}

// The message to write, or undefined for Mongoose's default one.
function customMessage(ctx, st, v, what) {
  const m = v.message;
  if (m == null)
    return undefined;
  const text = messageTemplate(m);
  if (text !== undefined && text === messageTemplate(defaultMessage(ctx, st, v)))
    return undefined;
  if (text !== undefined)
    return text;
  ctx.warn(`the message of \`${what}\` is ${typeof m === 'function' ? 'a function' : 'not a string'} and is not ` +
    'carried; bsonguard uses the default message');
  return undefined;
}

const withMessage = (value, msg) => msg === undefined ? value : arr([value, msg]);

function required(ctx, st, v) {
  if (typeof st.originalRequiredValue === 'function') {
    ctx.warn('`required` is a function (a condition evaluated in JavaScript) and is not carried: ' +
      'bsonguard treats the path as optional');
    return null;
  }
  return withMessage(true, customMessage(ctx, st, v, 'required'));
}

function enumValues(ctx, st, v) {
  const numeric = st.instance === 'Number';
  const values = [];
  for (const x of v.enumValues || []) {
    if (x === null || (numeric ? typeof x === 'number' && Number.isFinite(x) : typeof x === 'string'))
      values.push(x);
    else if (x !== undefined)
      ctx.warn(`enum value ${String(x)} is not a ${numeric ? 'finite number' : 'string'}; ` +
        'no stored value can equal it, so it is left out');
  }
  // A String enum written `{ values }` without a message has none at all:
  // Mongoose then prints the generic validator message, which .bsg spells
  // the same way.
  if (v.message == null && !numeric)
    return obj([['values', arr(values)]]);
  const msg = customMessage(ctx, st, v, 'enum');
  return msg === undefined ? arr(values) : obj([['values', arr(values)], ['message', msg]]);
}

// A Date bound in a form the compiler reads: an ISO-8601 string,
// milliseconds or Date.now. A string is kept when JavaScript and the
// compiler read it alike (a date alone, or a time with its zone); any other
// is read the way Mongoose casts it (new Date: local time) and written in UTC.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function dateBound(ctx, b, what) {
  if (typeof b === 'function') {
    if (b === Date.now || b.name === 'now')
      return ident('Date.now');
    ctx.warn(`\`${what}\` is a function and is not carried (only Date.now is)`);
    return undefined;
  }
  if (typeof b === 'number' && Number.isFinite(b))
    return b;
  if (typeof b === 'string' && ISO_DATE.test(b))
    return b;
  const d = b instanceof Date ? b : new Date(b);
  if (!isNaN(d.valueOf()))
    return d.toISOString();
  ctx.warn(`\`${what}\` bound ${String(b)} is not a date and is not carried`);
  return undefined;
}

function bound(ctx, st, v) {
  const what = v.type;
  const b = v[what];
  let value;
  if (st.instance === 'Date') {
    value = dateBound(ctx, b, what);
  } else if (typeof b === 'number' && Number.isFinite(b)) {
    value = b;
  } else {
    ctx.warn(`\`${what}\` ${String(b)} on a ${st.instance} path has no .bsg form and is not carried`);
  }
  return value === undefined ? null : withMessage(value, customMessage(ctx, st, v, what));
}

function length(ctx, st, v) {
  const n = v[v.type];
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    ctx.warn(`\`${v.type}\` ${String(n)} is not a number and is not carried`);
    return null;
  }
  return withMessage(n, customMessage(ctx, st, v, v.type));
}

function match(ctx, st, v) {
  if (!(v.regexp instanceof RegExp))
    return null;
  return withMessage(regex(v.regexp), customMessage(ctx, st, v, 'match'));
}

// A `validate` entry: a RegExp crosses (bsonguard runs it against strings);
// a function cannot.
function user(ctx, st, v) {
  const fn = v.validator;
  if (fn instanceof RegExp) {
    const msg = customMessage(ctx, st, v, 'validate');
    if (v.type !== 'user defined')
      ctx.warn(`validator kind \`${v.type}\` is reported as \`user defined\` by bsonguard`);
    return msg === undefined ? regex(fn) : obj([['validator', regex(fn)], ['message', msg]]);
  }
  const kind = v.type && v.type !== 'user defined' ? ` (kind \`${v.type}\`)` : '';
  if (isAsync(fn) || v.isAsync)
    ctx.warn(`async \`validate\` function${fnName(fn)}${kind} is JavaScript and is not carried ` +
      '(bsonguard validates synchronously, in C)');
  else
    ctx.warn(`\`validate\` function${fnName(fn)}${kind} is JavaScript and is not carried: register a C ` +
      'validator with bsg_registry_add() and write `validate: \'name\'`, or keep checking it in Mongoose');
  return null;
}

const CONVERT = { required, enum: enumValues, min: bound, max: bound, minlength: length, maxlength: length,
  regexp: match };

// [key, value] pairs for the validators of `st`, in Mongoose's order
// (required first). Several user validators become one `validate: [...]`.
function validatorOptions(ctx, st) {
  const out = [];
  const validate = []; // its values; the pair is written where the first one was
  for (const v of st.validators || []) {
    if (v.type === 'allowNull') {
      out.push(['allowNull', false]);
      continue;
    }
    const convert = CONVERT[v.type];
    if (!convert) {
      const value = user(ctx, st, v);
      if (value === null)
        continue;
      if (validate.length === 0)
        out.push(['validate', validate]);
      validate.push(value);
      continue;
    }
    const value = convert(ctx, st, v);
    if (value === null)
      continue;
    const key = OPTION[v.type];
    if (out.some(([k]) => k === key)) {
      ctx.warn(`a second \`${key}\` validator has no .bsg form (an option is written once) and is not carried`);
      continue;
    }
    out.push([key, value]);
  }
  return out.map(([k, v]) => k === 'validate' ? [k, v.length === 1 ? v[0] : arr(v)] : [k, v]);
}

module.exports = { validatorOptions };
