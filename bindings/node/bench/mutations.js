'use strict';
// Broken copies of a corpus document, one rule each, for the benchmark's
// agreement check: bsonguard, ajv and Mongoose must all reject every one.

const clone = doc => structuredCloneBson(doc);

// structuredClone() drops the classes of ObjectId and friends; a BSON round
// trip keeps them.
const { BSON } = require('bson');
function structuredCloneBson(doc) {
  return BSON.deserialize(BSON.serialize(doc, { ignoreUndefined: false }));
}

function firstKey(obj) {
  return Object.keys(obj)[0];
}

const BY_MODEL = {
  Conversation: [
    ['status not in the enum', d => { d.status = 'closed'; }],
    ['a participant that is not an ObjectId', d => { d.participants[0] = 'nobody'; }],
    ['a message body over 4000 characters', d => { d.messages[0].body = 'x'.repeat(4001); }],
    ['a required message sender missing', d => { delete d.messages[0].sender; }],
    ['an unknown top-level field (strict: throw)', d => { d.legacyFlag = true; }],
    ['a Map key with a dot', d => { d.counters = { 'a.b': 1 }; }],
  ],
  Event: [
    ['kind not in the enum', d => { d.kind = 'hover'; }],
    ['n below its minimum', d => { d.n = -1; }],
    ['a required date missing', d => { delete d.at; }],
    ['an unknown field (strict: throw)', d => { d.extra = 1; }],
  ],
  Forest: [
    ['an empty required name', d => { d.name = ''; }],
    ['a node label over 64 characters', d => { d.nodes[firstKey(d.nodes)].label = 'x'.repeat(65); }],
    ['a node score below its minimum', d => { d.nodes[firstKey(d.nodes)].score = -5; }],
    ['a stats value that is a string', d => { d.stats[firstKey(d.stats)] = 'many'; }],
  ],
};

/** [description, document] pairs, each `doc` with one rule of `model` broken. */
function mutations(model, doc) {
  return (BY_MODEL[model] ?? []).map(([what, change]) => {
    const copy = clone(doc);
    change(copy);
    return [what, copy];
  });
}

module.exports = { mutations };
