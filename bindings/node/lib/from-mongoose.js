'use strict';
// fromMongoose(): a live Mongoose 9 schema (or model, or the schema NestJS's
// SchemaFactory.createForClass returns) as .bsg text, with a list of what
// could not cross (function validators, setters, getters…), each with the
// path it affects. Nothing is dropped without a warning.

const { formatDecl } = require('./to-bsg-format');
const { isSchema, isModel } = require('./from-mongoose-schema');
const { Plan } = require('./from-mongoose-plan');

// Declarations in print order: each after the ones it refers to (where a
// cycle allows), a discriminator right after its base, models in the order
// given. Declarations no model reaches are left out.
function printOrder(roots) {
  const out = [];
  const state = new Map(); // decl -> 'visiting' | 'done'
  const visit = decl => {
    if (state.has(decl))
      return;
    state.set(decl, 'visiting');
    for (const dep of decl.deps)
      if (dep !== decl && !(decl.base && dep === decl.base))
        visit(dep.base || dep);
    if (decl.base)
      visit(decl.base);
    if (!out.includes(decl))
      out.push(decl);
    state.set(decl, 'done');
    for (const child of decl.children)
      visit(child);
  };
  roots.forEach(visit);
  return out;
}

function render(plan) {
  const decls = printOrder(plan.roots);
  const source = decls.map(d => formatDecl({
    name: d.name, base: d.base && d.base.name, body: d.body, options: d.options, typeKey: d.typeKey,
  })).join('\n\n') + '\n';
  const warnings = decls.flatMap(d => d.warnings);
  return { source, warnings, models: plan.roots.map(d => d.name) };
}

function schemaAndName(x, name) {
  if (isModel(x))
    return { schema: x.schema, name: name || x.modelName };
  if (isSchema(x))
    return { schema: x, name: name || 'Model' };
  throw new TypeError('fromMongoose: expected a Mongoose Schema or Model');
}

// Several models in one file, sub-schemas shared between them declared
// once. `models` is a list of { name, schema | model }; `names` maps
// sub-schemas to the names they should be declared under.
function fromMongooseModels(models, { names = new Map() } = {}) {
  const list = models.map(m => schemaAndName(m.model || m.schema, m.name));
  const known = new Map(names);
  for (const { schema, name } of list)
    if (!known.has(schema))
      known.set(schema, name);
  const plan = new Plan({ names: known });
  for (const { schema, name } of list)
    plan.model(name, schema);
  plan.renderModels();
  return render(plan);
}

/**
 * Convert a Mongoose schema or model to bsonguard's .bsg DSL.
 * @param {Schema|Model} schema  a Mongoose 9 Schema, a Model, or SchemaFactory.createForClass() output
 * @param {{name?: string}} [options]  name of the declared schema (default: the model's name, or 'Model')
 * @returns {{source: string, warnings: {path: string, reason: string}[]}}
 */
function fromMongoose(schema, { name } = {}) {
  const { source, warnings } = fromMongooseModels([{ schema, name }]);
  return { source, warnings: warnings.map(({ path, reason }) => ({ path, reason })) };
}

module.exports = { fromMongoose, fromMongooseModels };
