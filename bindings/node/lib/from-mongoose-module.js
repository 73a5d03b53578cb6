'use strict';
// What a JavaScript module offers to bsonguard-import: the Mongoose models
// and schemas it exports, and the models registered with the Mongoose it
// uses. The module may use its own copy of Mongoose (its own node_modules)
// or its own `new Mongoose()`, so registries are found through what it
// exports and through the copies it loaded -- never by loading ours, whose
// registry would be empty.

const { isSchema, isModel } = require('./from-mongoose-schema');

const isMongoose = x => x != null && typeof x === 'object' && typeof x.model === 'function' &&
  x.models != null && typeof x.models === 'object' && typeof x.Schema === 'function';

const isConnection = x => x != null && typeof x === 'object' && typeof x.model === 'function' &&
  x.models != null && typeof x.models === 'object' && !isMongoose(x);

// `CatSchema` -> `Cat` (NestJS's convention), anything else unchanged.
const schemaName = key => (/^.+Schema$/.test(key) ? key.slice(0, -'Schema'.length) : key);

// The exported values worth a look, with the names they are exported under:
// module.exports itself, its properties, and those of a `default` export.
function exportedValues(exp) {
  const out = [];
  if (exp == null)
    return out;
  out.push(['default', exp]);
  if (typeof exp === 'object' && !isSchema(exp) && !isMongoose(exp) && !isConnection(exp)) {
    for (const [k, v] of Object.entries(exp)) {
      out.push([k, v]);
      if (k === 'default' && v && typeof v === 'object' && !isSchema(v) && !isMongoose(v))
        for (const [k2, v2] of Object.entries(v))
          out.push([k2, v2]);
    }
  }
  return out;
}

// Every copy of Mongoose loaded so far. bsonguard-import loads none
// itself, so these are the module's (or its dependencies'): its own copy
// in its own node_modules included.
function loadedMongooses() {
  const out = [];
  for (const m of Object.values(require.cache))
    if (m && isMongoose(m.exports) && !out.includes(m.exports))
      out.push(m.exports);
  return out;
}

function registriesOf(instance) {
  const out = [instance.models];
  for (const conn of instance.connections || [])
    if (conn && conn.models)
      out.push(conn.models);
  return out;
}

/**
 * Models and schemas found in a loaded module.
 * @returns {{ models: {name, schema}[], names: Map<Schema, string> }}
 *   `models` in the order found (exports first, then registries);
 *   `names`: every exported schema under the name it is exported as.
 */
function findModels(exp) {
  const models = [];
  const names = new Map();
  const seenSchemas = new Set();
  const seenNames = new Set();
  const registries = [];
  const addModel = (name, schema) => {
    if (seenNames.has(name))
      return;
    seenNames.add(name);
    seenSchemas.add(schema);
    models.push({ name, schema });
  };
  const addRegistry = reg => {
    if (reg && !registries.includes(reg))
      registries.push(reg);
  };
  const exportedSchemas = [];
  for (const [key, v] of exportedValues(exp)) {
    if (isModel(v)) {
      if (!v.baseModelName) // a discriminator comes with its base
        addModel(v.modelName, v.schema);
      addRegistry(v.db && v.db.models);
      if (v.base && isMongoose(v.base))
        registriesOf(v.base).forEach(addRegistry);
    } else if (isSchema(v)) {
      exportedSchemas.push([key === 'default' ? 'Model' : schemaName(key), v]);
    } else if (isMongoose(v)) {
      registriesOf(v).forEach(addRegistry);
    } else if (isConnection(v)) {
      addRegistry(v.models);
    }
  }
  for (const instance of loadedMongooses())
    registriesOf(instance).forEach(addRegistry);
  for (const reg of registries)
    for (const [name, model] of Object.entries(reg))
      if (isModel(model) && !model.baseModelName)
        addModel(name, model.schema);
  // An exported schema that is no model's is declared as a model of its
  // own, under its export name; a model embedding it refers to that name.
  for (const [name, schema] of exportedSchemas) {
    if (!names.has(schema))
      names.set(schema, name);
    if (!seenSchemas.has(schema))
      addModel(name, schema);
  }
  return { models, names };
}

module.exports = { findModels, isMongoose };
