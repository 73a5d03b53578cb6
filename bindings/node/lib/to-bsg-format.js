'use strict';
// Writing .bsg text. The converter builds a small tree of JS-like values
// (objects as ordered [key, value] pairs, names such as `String` or
// `Schema.Types.ObjectId`, regex literals) and this file prints it the way
// people write Mongoose definitions: short values on one line, longer ones
// broken over indented lines with trailing commas.

// The key that marks a leaf definition. It is a placeholder until the
// declaration is printed, because a schema with a field named `type` has to
// be written with another type key (see chooseTypeKey).
const TYPE = Symbol('typeKey');

const ident = name => ({ ident: name });
const regex = re => ({ regex: re });
const obj = pairs => ({ obj: pairs });
const arr = items => ({ arr: items });

const isObj = v => v !== null && typeof v === 'object' && Array.isArray(v.obj);
const isArr = v => v !== null && typeof v === 'object' && Array.isArray(v.arr);

const LINE = 88; // longest line we keep on one line

// Strings in single quotes with JavaScript escapes; the lexer decodes the
// same escapes, and \u keeps lone surrogates and control characters intact.
function quote(s) {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === "'" || ch === '\\')
      out += '\\' + ch;
    else if (ch === '\n')
      out += '\\n';
    else if (ch === '\r')
      out += '\\r';
    else if (ch === '\t')
      out += '\\t';
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff))
      out += '\\u' + c.toString(16).padStart(4, '0');
    else
      out += ch;
  }
  return out + "'";
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(k, typeKey) {
  if (k === TYPE)
    return typeKey;
  return IDENT.test(k) ? k : quote(k);
}

// A JS regex literal. `source` already escapes `/` and line breaks; an
// empty pattern reads `(?:)`, which is what RegExp gives too.
function regexLiteral(re) {
  return `/${re.source}/${re.flags}`;
}

function scalar(v) {
  if (v === null)
    return 'null';
  if (typeof v === 'string')
    return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new TypeError(`to-bsg: ${v} has no .bsg spelling`);
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'boolean')
    return String(v);
  if (v && v.ident)
    return v.ident;
  if (v && v.regex)
    return regexLiteral(v.regex);
  throw new TypeError(`to-bsg: cannot write ${typeof v}`);
}

// One-line form, or null when it does not fit in `room` characters.
function inline(v, typeKey, room) {
  let text;
  if (isObj(v)) {
    if (v.obj.length === 0)
      return '{}';
    const parts = [];
    for (const [k, x] of v.obj) {
      const t = inline(x, typeKey, room);
      if (t === null)
        return null;
      parts.push(`${key(k, typeKey)}: ${t}`);
    }
    text = `{ ${parts.join(', ')} }`;
  } else if (isArr(v)) {
    const parts = [];
    for (const x of v.arr) {
      const t = inline(x, typeKey, room);
      if (t === null)
        return null;
      parts.push(t);
    }
    text = `[${parts.join(', ')}]`;
  } else {
    text = scalar(v);
  }
  return text.length <= room ? text : null;
}

// `v` printed at indentation `depth` (two spaces a level), knowing that
// `used` characters of the line are already taken.
function format(v, typeKey, depth = 0, used = 0) {
  const one = inline(v, typeKey, LINE - used);
  if (one !== null)
    return one;
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (isObj(v)) {
    const lines = v.obj.map(([k, x]) => {
      const head = `${pad}${key(k, typeKey)}: `;
      return `${head}${format(x, typeKey, depth + 1, head.length)},`;
    });
    return `{\n${lines.join('\n')}\n${end}}`;
  }
  if (isArr(v)) {
    // `[{ … }]`, the usual document array, keeps its bracket on the line.
    if (v.arr.length === 1 && isObj(v.arr[0]))
      return `[${format(v.arr[0], typeKey, depth, used + 1)}]`;
    const lines = v.arr.map(x => `${pad}${format(x, typeKey, depth + 1, pad.length)},`);
    return `[\n${lines.join('\n')}\n${end}]`;
  }
  return scalar(v);
}

// Does an object below the top level have a key `type`? Then the
// declaration cannot use `type` as its type key: `{ type: { … } }` would
// read as a leaf. (A field named `type` at the top of a body is fine: a
// body is always a list of fields.)
function hasTypeField(v, top) {
  if (isObj(v))
    return v.obj.some(([k, x]) => (k === 'type' && !top) || hasTypeField(x, false));
  if (isArr(v))
    return v.arr.some(x => hasTypeField(x, false));
  return false;
}

function chooseTypeKey(body) {
  return hasTypeField(body, true) ? '$type' : 'type';
}

// `schema Name [extends Base] { … } [with { … }]`. A body is always written
// one field per line, as schemas are in the examples; `with` options stay on
// one line when they fit.
function formatDecl({ name, base, body, options, typeKey }) {
  const head = `schema ${name}${base ? ` extends ${base}` : ''} `;
  let text;
  if (body.obj.length === 0) {
    text = head + '{}';
  } else {
    const lines = body.obj.map(([k, x]) => {
      const start = `  ${key(k, typeKey)}: `;
      return `${start}${format(x, typeKey, 1, start.length)},`;
    });
    text = `${head}{\n${lines.join('\n')}\n}`;
  }
  if (options && options.obj.length)
    text += ` with ${format(options, typeKey, 0, 7)}`;
  return text;
}

module.exports = { TYPE, ident, regex, obj, arr, isObj, isArr, quote, format, formatDecl, chooseTypeKey,
  regexLiteral };
