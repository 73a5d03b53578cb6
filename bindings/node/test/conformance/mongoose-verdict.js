'use strict';
// Mongoose's verdict on the bytes of one document, mapped to (path, kind),
// the way tests/mongoose/harness.js does it: `new Model(BSON.deserialize(
// bytes)).validateSync()`. `new Model()` (not `Model.hydrate()`) is the
// write path: it enforces `strict` and reports cast failures as CastErrors
// with their type. strict:'throw' makes the constructor throw at the first
// unknown key; it is recorded, the key deleted and the document built again,
// so that every unknown key is compared.

const BSON = require('bson');

// validateSync() is what the issue names; Mongoose 9 warns on every call that
// it is deprecated. Keep that one warning out of the test output.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (/validateSync\(\)` is deprecated/.test(String((warning && warning.message) || warning)))
    return;
  return emitWarning.call(this, warning, ...rest);
};

function deletePath(obj, p) {
  const parts = p.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) {
    if (o == null || typeof o !== 'object')
      return;
    o = o[k];
  }
  if (o != null && typeof o === 'object')
    delete o[parts[parts.length - 1]];
}

function mongooseVerdict(Model, bytes) {
  const input = BSON.deserialize(bytes);
  const obj = BSON.deserialize(bytes);
  const errors = [];
  let doc;
  for (let tries = 0; ; tries++) {
    if (tries > 100)
      throw new Error('Mongoose keeps throwing at construction');
    try {
      doc = new Model(obj);
      break;
    } catch (e) {
      if (e.name === 'StrictModeError')
        errors.push({ path: e.path, kind: 'unknown', name: e.name, message: e.message });
      else if (e.name === 'ObjectExpectedError') // a primitive on a nested path under strict: 'throw'
        errors.push({ path: e.path, kind: 'type', cast: 'Object', name: e.name, message: e.message });
      else
        throw e;
      deletePath(obj, e.path);
    }
  }
  const err = doc.validateSync();
  for (const [key, e] of Object.entries(err ? err.errors : {})) {
    if (e.name === 'StrictModeError') {
      // An unknown field in a Map's subdocument value under strict: 'throw':
      // keyed by the map value, `path` relative to it. Mongoose gave up on
      // that value at its first unknown field, as for a CastError.
      errors.push({ path: key, kind: 'unknown', cast: 'Map value', strict: `${key}.${e.path}`, name: e.name,
        message: e.message });
    } else if (e.name === 'ObjectExpectedError') {
      // A primitive on a nested path of a Map's subdocument value under
      // strict: 'throw': keyed by the map value, which Mongoose gave up on.
      errors.push({ path: key, kind: 'type', cast: 'Map value', name: e.name, message: e.message });
    } else if (e.name === 'CastError') {
      const strict = e.reason && e.reason.name === 'StrictModeError' ? e.reason.path : undefined;
      errors.push({ path: key, kind: 'type', cast: e.kind, strict, reason: e.reason && e.reason.message,
        name: e.name, message: e.message });
    } else {
      errors.push({ path: key, kind: e.kind === 'cast' ? 'type' : e.kind, name: e.name, message: e.message,
        relPath: e.path });
    }
  }
  return { errors, input, doc };
}

module.exports = { mongooseVerdict };
