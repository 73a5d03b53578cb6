'use strict';
// Custom validators written in JavaScript, for `validate: 'name'` in a
// schema: each function is registered with libbsonguard as a C callback
// (koffi) in a bsg_registry, and called synchronously while a document is
// validated. The value it receives is what the MongoDB driver would give
// (the element's bytes deserialized by the `bson` package).

const ffi = require('./ffi');
const { BSON } = require('bson');

const { koffi } = ffi;
const VALUE = ffi.types.bsg_value;
const CALLBACK = koffi.pointer(ffi.types.bsg_validator_fn);

// One element `{"v": value}` around the stored bytes, so that the bson
// package decodes every type exactly as the driver does.
function decodeValue(v) {
  const data = v.len > 0 ? Buffer.from(koffi.view(v.data, v.len)) : Buffer.alloc(0);
  const doc = Buffer.alloc(4 + 1 + 2 + data.length + 1);
  doc.writeInt32LE(doc.length, 0);
  doc[4] = v.type;
  doc.write('v\0', 5, 'latin1');
  data.copy(doc, 7);
  return BSON.deserialize(doc, { promoteBuffers: true }).v;
}

// The C side's contract: true passes; false fails, with the message written
// into `message` (NUL-terminated, at most `cap` bytes) or the default one.
function wrap(name, fn) {
  return (valuePtr, _ctx, messagePtr, cap) => {
    let verdict;
    try {
      verdict = fn(decodeValue(koffi.decode(valuePtr, VALUE)));
    } catch (err) {
      verdict = `Validator \`${name}\` threw: ${err && err.message ? err.message : String(err)}`;
    }
    if (verdict === true) return true;
    if (typeof verdict === 'string' && verdict !== '' && cap > 0) {
      let bytes = Buffer.from(verdict, 'utf8');
      if (bytes.length > cap - 1) { // room for the NUL; cut between characters
        let end = cap - 1;
        while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
        bytes = bytes.subarray(0, end);
      }
      koffi.encode(messagePtr, 'uint8_t', [...bytes, 0], bytes.length + 1);
    }
    return false;
  };
}

/**
 Compile-time registry for `validators` ({ name: fn }): fn(value) returns true
 to pass, false to fail with the default message, or a string to fail with
 that message. Returns { registry, callbacks }, or null when there are no
 validators. Free the registry once compiled (bsg_registry_free; schemas keep
 their own copy of the table); the callbacks must stay registered until every
 schema compiled with them is freed (unregisterAll).
 */
function makeRegistry(validators) {
  if (validators === undefined || validators === null) return null;
  if (typeof validators !== 'object')
    throw new TypeError('bsonguard: `validators` must be an object of name: function');
  const entries = Object.entries(validators);
  for (const [name, fn] of entries)
    if (typeof fn !== 'function') throw new TypeError(`bsonguard: validator \`${name}\` is not a function`);
  if (entries.length === 0) return null;
  const registry = ffi.bsg_registry_new();
  const callbacks = entries.map(([name, fn]) => {
    const cb = koffi.register(wrap(name, fn), CALLBACK);
    ffi.bsg_registry_add(registry, name, cb, null);
    return cb;
  });
  return { registry, callbacks };
}

function unregisterAll(callbacks) {
  for (const cb of callbacks.splice(0)) koffi.unregister(cb);
}

module.exports = { makeRegistry, unregisterAll };
