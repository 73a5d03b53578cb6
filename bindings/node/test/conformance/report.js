'use strict';
// What a failing case prints: enough to understand it without rerunning,
// and the one command that replays exactly that case.

const { EJSON } = require('bson');
const { DOCS } = require('./run');
const { definitionText } = require('./emit-mongoose');

// The definitions given to `new Schema()`, and how discriminators attach.
function mongooseDefinition(run) {
  const side = run.mongooseSide;
  if (!side)
    return '(not built)';
  return run.plan.decls.map(d => {
    const opts = { ...d.options };
    delete opts.discriminatorValue;
    const schema = `new Schema(${definitionText(side.definitions[d.name], side.schemas)}` +
      `${Object.keys(opts).length ? `, ${JSON.stringify(opts)}` : ''})`;
    const value = d.options.discriminatorValue === undefined ? '' : `, { value: ${JSON.stringify(d.options.discriminatorValue)} }`;
    return d.extends ? `${d.extends}.discriminator('${d.name}', ${schema}${value})` : `const ${d.name} = ${schema}`;
  }).join('\n');
}

function replayCommand(seed, index) {
  return `cd bindings/node && BSONGUARD_LIBRARY=../../build/libbsonguard.so BSONGUARD_SEED=${seed} ` +
    `BSONGUARD_CASE=${index} node --test test/conformance.test.js`;
}

function describeCase(seed, run, c) {
  const raw = list => JSON.stringify(list.map(e => `${e.path}:${e.kind}${e.cast ? ` (CastError ${e.cast})` : ''}`));
  const r = c.result;
  return [
    `seed ${seed}, case ${c.index} (schema ${Math.floor(c.index / DOCS)}, document ${c.index % DOCS})`,
    `replay: ${replayCommand(seed, c.index)}`,
    '--- .bsg (bodies are the Mongoose definitions, spelled the same)',
    run.text.trimEnd(),
    '--- Mongoose schemas',
    mongooseDefinition(run),
    '--- document (relaxed Extended JSON)',
    EJSON.stringify(c.doc, { relaxed: true }),
    `mutations: ${c.log.length ? c.log.join('; ') : 'none (a valid document)'}`,
    `expected of bsonguard: ${c.expect.length ? c.expect.map(e => `${e.path}: ${e.what === 'mismatch' ? 'type' : e.what}`).join(', ') : 'nothing beyond agreement'}`,
    '--- verdicts',
    `bsonguard (raw): ${c.bsg.length ? 'invalid' : 'valid'} ${raw(c.bsg)}`,
    `mongoose  (raw): ${c.mongoose && c.mongoose.errors.length ? 'invalid' : 'valid'} ${raw(c.mongoose ? c.mongoose.errors : [])}`,
    `bsonguard (compared): ${JSON.stringify(r.bsonguard)}`,
    `mongoose  (compared): ${JSON.stringify(r.mongoose)}`,
    ...r.problems.map(p => `problem: ${p}`),
    ...r.messages.map(m => `message at ${m.path}:\n  bsonguard: ${m.bsonguard}\n  mongoose:  ${m.mongoose}`),
  ].join('\n');
}

module.exports = { describeCase, replayCommand };
