'use strict';
// JSON Schemas for ajv that check what the benchmark's .bsg models check
// (bench/corpus.c), on the JavaScript values BSON.deserialize() returns:
//
// - every field and its type, with null accepted where the path is not
//   required (Mongoose stores null); `required` strings must be non-empty,
//   as Mongoose's required validator says;
// - enum, min, maxlength and match validators;
// - strict 'throw' (additionalProperties: false) on the schemas that set it,
//   inherited by nested paths, not by declared child schemas;
// - the implicit _id, __v and timestamp paths;
// - Map keys: not empty, no leading `$`, no `.`.
//
// ObjectId and Date are classes, not JSON types, so a `bsonType` keyword (as
// MongoDB's $jsonSchema spells it) tests them with instanceof.

const Ajv = require('ajv');
const { ObjectId } = require('bson');

const CLASSES = { objectId: ObjectId, date: Date };

function bsonTypeKeyword(types) {
  const list = [].concat(types);
  const classes = list.filter(t => t !== 'null').map(t => CLASSES[t]);
  const nullable = list.includes('null');
  if (classes.length !== 1) throw new Error(`bsonType: one class expected in ${list}`);
  const cls = classes[0];
  return data => data instanceof cls || (nullable && data === null);
}

const nullable = type => ({ type: [type, 'null'] });
const oid = { bsonType: 'objectId' };
const oidOrNull = { bsonType: ['objectId', 'null'] };
const date = { bsonType: 'date' };
const dateOrNull = { bsonType: ['date', 'null'] };
const num = nullable('number');
const str = nullable('string');
const requiredString = extra => ({ type: 'string', minLength: 1, ...extra });
const arrayOf = items => ({ type: ['array', 'null'], items });
const mapOf = value => ({
  type: ['object', 'null'],
  propertyNames: { pattern: '^[^$.][^.]*$' },
  additionalProperties: value,
});
const modelPaths = { _id: oidOrNull, __v: num };

const attachment = {
  type: 'object',
  required: ['url'],
  properties: {
    url: requiredString({ pattern: '^https?:\\/\\/' }),
    size: { ...num, minimum: 0 },
    mime: str,
  },
};

const message = {
  type: 'object',
  required: ['sender', 'body'],
  properties: {
    _id: oidOrNull,
    sender: oid,
    body: requiredString({ maxLength: 4000 }),
    sentAt: dateOrNull,
    readBy: arrayOf(oidOrNull),
    attachments: arrayOf(attachment),
  },
};

const conversation = {
  type: 'object',
  additionalProperties: false,
  required: ['participants'],
  properties: {
    ...modelPaths,
    participants: { type: 'array', items: oidOrNull },
    title: { ...str, maxLength: 200 },
    status: { enum: ['active', 'archived', 'deleted', null] },
    metadata: {},
    settings: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { muted: nullable('boolean'), theme: { enum: ['light', 'dark', null] } },
    },
    messages: arrayOf(message),
    counters: mapOf(num),
    createdAt: dateOrNull,
    updatedAt: dateOrNull,
  },
};

const event = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'user', 'at'],
  properties: {
    ...modelPaths,
    kind: { type: 'string', enum: ['page_view', 'click', 'login', 'logout', 'purchase', 'search'] },
    user: oid,
    at: date,
    n: { ...num, minimum: 0 },
    ok: nullable('boolean'),
    tag: { ...str, maxLength: 40 },
    page: str,
  },
};

const forest = {
  $defs: {
    node: {
      type: 'object',
      required: ['label'],
      properties: {
        label: requiredString({ maxLength: 64 }),
        score: { ...num, minimum: 0 },
        flags: mapOf(num),
        children: arrayOf({ $ref: '#/$defs/node' }),
      },
    },
  },
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    ...modelPaths,
    name: requiredString(),
    nodes: mapOf({ $ref: '#/$defs/node' }),
    stats: mapOf(num),
  },
};

const SCHEMAS = { Conversation: conversation, Event: event, Forest: forest };

/** A compiled ajv validator for the model, reporting every error as bsonguard does. */
function ajvValidator(modelName) {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'bsonType', compile: bsonTypeKeyword, errors: false });
  return ajv.compile(SCHEMAS[modelName]);
}

module.exports = { ajvValidator };
