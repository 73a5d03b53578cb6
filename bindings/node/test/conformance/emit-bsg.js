'use strict';
// A schema plan as .bsg text: Mongoose definitions as a user would write
// them in JavaScript, in the forms the plan picked (bare types, option
// objects, `[value, message]`, `{values, message}`, ...).

const { SPELLINGS } = require('./types');

const str = s => JSON.stringify(s);

function literal(raw) {
  if (raw === 'Date.now')
    return 'Date.now';
  return typeof raw === 'string' ? str(raw) : String(raw);
}

function spelling(node) {
  return SPELLINGS[node.kind === 'mixed' ? 'Mixed' : node.type][node.spell][0];
}

// One validator option `key: value` of a scalar path.
function validator(name, v) {
  const withMsg = (value, key = name) => (v.msg ? `${key}: [${value}, ${str(v.msg)}]` : `${key}: ${value}`);
  switch (name) {
  case 'enum': {
    const list = `[${v.values.map(x => (typeof x === 'string' ? str(x) : String(x))).join(', ')}]`;
    return v.msg || v.object ? `enum: { values: ${list}${v.msg ? `, message: ${str(v.msg)}` : ''} }` : `enum: ${list}`;
  }
  case 'min': case 'max':
    return withMsg(v.raw !== undefined ? literal(v.raw) : String(v.n));
  case 'minlength': case 'maxlength':
    return withMsg(String(v.n), v.spelling);
  case 'match':
    return withMsg(v.entry.literal);
  case 'validate':
    return v.msg ? `validate: { validator: ${v.entry.literal}, message: ${str(v.msg)} }` : `validate: ${v.entry.literal}`;
  default:
    throw new Error(`emit-bsg: validator ${name}`);
  }
}

function required(node) {
  if (!node.required)
    return [];
  return [node.required.msg ? `required: [true, ${str(node.required.msg)}]` : 'required: true'];
}

function scalarOptions(node) {
  return [`type: ${spelling(node)}`, ...required(node), ...node.order.map(k => validator(k, node.v[k]))];
}

function object(entries, indent) {
  if (entries.length === 0)
    return '{}';
  const pad = '  '.repeat(indent + 1);
  return `{\n${entries.map(e => `${pad}${e},`).join('\n')}\n${'  '.repeat(indent)}}`;
}

function inline(options) {
  return `{ ${options.join(', ')} }`;
}

function fields(list, indent) {
  return object(list.map(([k, node]) => `${k}: ${value(node, indent + 1)}`), indent);
}

// The declaration of an array element (inside `[...]`).
function element(node, indent) {
  switch (node.kind) {
  case 'scalar': return node.bare ? spelling(node) : inline(scalarOptions(node));
  case 'mixed': return node.form === '[]' ? '' : spelling(node);
  case 'array': return `[${element(node.of, indent)}]`;
  case 'subdoc': return node.ref || fields(node.fields, indent);
  default: throw new Error(`emit-bsg: element ${node.kind}`);
  }
}

function value(node, indent) {
  switch (node.kind) {
  case 'scalar':
    return node.bare ? spelling(node) : inline(scalarOptions(node));
  case 'mixed':
    return node.wrapped ? inline([`type: ${spelling(node)}`, ...required(node)]) : spelling(node);
  case 'nested':
    return fields(node.fields, indent);
  case 'subdoc': {
    const t = node.ref || `{ type: ${fields(node.fields, indent)} }`;
    if (!node.required)
      return t;
    return node.ref ? inline([`type: ${node.ref}`, 'required: true'])
      : `{ type: ${fields(node.fields, indent)}, required: true }`;
  }
  case 'array': {
    const t = node.of.kind === 'mixed' && node.of.form === 'Array' ? 'Array' : `[${element(node.of, indent)}]`;
    return node.required ? `{ type: ${t}, required: true }` : t;
  }
  case 'map': {
    if (node.of === null)
      return node.required ? '{ type: Map, required: true }' : 'Map';
    return inline(['type: Map', `of: ${mapOf(node.of, indent)}`, ...required(node)]);
  }
  default:
    throw new Error(`emit-bsg: node ${node.kind}`);
  }
}

function mapOf(node, indent) {
  if (node.kind === 'subdoc')
    return node.ref || fields(node.fields, indent);
  if (node.kind === 'array')
    return `[${element(node.of, indent)}]`;
  return value(node, indent);
}

function options(o) {
  const out = [];
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object')
      out.push(`${k}: { ${Object.entries(v).map(([a, b]) => `${a}: ${typeof b === 'string' ? str(b) : b}`).join(', ')} }`);
    else
      out.push(`${k}: ${typeof v === 'string' ? str(v) : v}`);
  }
  return out.length ? ` with { ${out.join(', ')} }` : '';
}

/** The .bsg source of a plan. */
function emitBsg(plan) {
  return plan.decls.map(d => `schema ${d.name}${d.extends ? ` extends ${d.extends}` : ''} ${fields(d.fields, 0)}` +
    `${options(d.options)}\n`).join('\n');
}

module.exports = { emitBsg };
