'use strict';
// A schema plan as live Mongoose 9 schemas and a model, built from the plan
// directly (not from the .bsg text and not through fromMongoose(), which
// would test the converter rather than the validator). Each spelling maps
// to what the same JavaScript text means to Mongoose (types.js SPELLINGS).

const mongoose = require('mongoose');
const { SPELLINGS } = require('./types');

function typeOf(node, m) {
  return SPELLINGS[node.kind === 'mixed' ? 'Mixed' : node.type][node.spell][1](m);
}

function bound(v) {
  if (v.raw === 'Date.now')
    return Date.now;
  return v.raw !== undefined ? v.raw : v.n;
}

function validatorOption(name, v) {
  const withMsg = value => (v.msg ? [value, v.msg] : value);
  switch (name) {
  case 'enum': return v.msg || v.object ? { values: v.values.slice(), ...(v.msg ? { message: v.msg } : {}) } : v.values.slice();
  case 'min': case 'max': return withMsg(bound(v));
  case 'minlength': case 'maxlength': return withMsg(v.n);
  case 'match': return withMsg(v.entry.regexp());
  case 'validate': return v.msg ? { validator: v.entry.regexp(), message: v.msg } : v.entry.regexp();
  default: throw new Error(`emit-mongoose: validator ${name}`);
  }
}

function scalarOptions(node, m) {
  const o = { type: typeOf(node, m) };
  if (node.required)
    o.required = node.required.msg ? [true, node.required.msg] : true;
  for (const k of node.order)
    o[k === 'minlength' || k === 'maxlength' ? node.v[k].spelling : k] = validatorOption(k, node.v[k]);
  return o;
}

class Builder {
  constructor(plan) {
    this.plan = plan;
    this.m = new mongoose.Mongoose();
    this.schemas = {};
    this.definitions = {};
  }

  fields(list) {
    const o = {};
    for (const [k, node] of list)
      o[k] = this.value(node);
    return o;
  }

  // A declared schema, built on first use (declarations may refer to ones
  // declared later, as in .bsg files).
  ref(name) {
    if (!this.schemas[name]) {
      const d = this.plan.decls.find(x => x.name === name);
      const opts = { ...d.options };
      delete opts.discriminatorValue; // bsonguard's spelling of discriminator()'s value argument
      this.definitions[name] = this.fields(d.fields);
      this.schemas[name] = new this.m.Schema(this.definitions[name], opts);
    }
    return this.schemas[name];
  }

  element(node) {
    switch (node.kind) {
    case 'scalar': return node.bare ? typeOf(node, this.m) : scalarOptions(node, this.m);
    case 'mixed': return node.form === '[]' ? undefined : typeOf(node, this.m);
    case 'array': return this.array(node.of);
    case 'subdoc': return node.ref ? this.ref(node.ref) : this.fields(node.fields);
    default: throw new Error(`emit-mongoose: element ${node.kind}`);
    }
  }

  array(of) {
    if (of.kind === 'mixed' && of.form === 'Array')
      return Array;
    const e = this.element(of);
    return e === undefined ? [] : [e];
  }

  value(node) {
    const m = this.m;
    switch (node.kind) {
    case 'scalar':
      return node.bare ? typeOf(node, m) : scalarOptions(node, m);
    case 'mixed':
      return node.wrapped ? { type: typeOf(node, m), ...(node.required ? { required: true } : {}) } : typeOf(node, m);
    case 'nested':
      return this.fields(node.fields);
    case 'subdoc': {
      const t = node.ref ? this.ref(node.ref) : null;
      if (node.required)
        return { type: t || this.fields(node.fields), required: true };
      return t || { type: this.fields(node.fields) };
    }
    case 'array': {
      const t = this.array(node.of);
      return node.required ? { type: t, required: true } : t;
    }
    case 'map': {
      const o = { type: Map };
      if (node.of !== null)
        o.of = this.mapOf(node.of);
      if (node.required)
        o.required = true;
      return node.of === null && !node.required ? Map : o;
    }
    default:
      throw new Error(`emit-mongoose: node ${node.kind}`);
    }
  }

  mapOf(node) {
    if (node.kind === 'subdoc')
      return node.ref ? this.ref(node.ref) : this.fields(node.fields);
    if (node.kind === 'array')
      return this.array(node.of);
    return this.value(node);
  }

  // `extends` becomes Schema#discriminator() once every schema exists, as
  // tests/mongoose does, so that it applies wherever the base is used
  // (model, single nested, document arrays).
  build() {
    for (const d of this.plan.decls)
      this.ref(d.name);
    for (const d of this.plan.decls.filter(x => x.extends)) {
      const value = d.options.discriminatorValue;
      this.schemas[d.extends].discriminator(d.name, this.schemas[d.name], value === undefined ? undefined : { value });
    }
    return this.m.model(this.plan.model, this.schemas[this.plan.model]);
  }
}

/**
 The Mongoose model of a plan, in a fresh Mongoose instance, and the
 definition objects given to `new Schema()` (for failure reports).
 */
function buildModel(plan) {
  const b = new Builder(plan);
  const Model = b.build();
  return { Model, definitions: b.definitions, schemas: b.schemas };
}

// A definition object as JavaScript text: constructors and SchemaTypes by
// name, regexes as literals, embedded schemas by their declared name.
function definitionText(value, schemas, indent = 0) {
  const pad = '  '.repeat(indent + 1);
  if (typeof value === 'function') {
    const st = Object.entries(mongoose.Schema.Types).find(([, t]) => t === value);
    return st && !['String', 'Number', 'Boolean', 'Date', 'Buffer', 'Map', 'BigInt', 'Array'].includes(value.name)
      ? `Schema.Types.${st[0]}` : value === Date.now ? 'Date.now' : value.name;
  }
  if (value instanceof RegExp)
    return String(value);
  if (value instanceof mongoose.Schema) {
    const name = Object.keys(schemas).find(k => schemas[k] === value);
    return name || '<schema>';
  }
  if (Array.isArray(value))
    return `[${value.map(v => definitionText(v, schemas, indent)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length)
      return '{}';
    return `{\n${entries.map(([k, v]) => `${pad}${k}: ${definitionText(v, schemas, indent + 1)},`).join('\n')}\n${'  '.repeat(indent)}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

module.exports = { buildModel, definitionText };
