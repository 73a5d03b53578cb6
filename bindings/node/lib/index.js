'use strict';
// The idiomatic layer over lib/ffi.js: compile a .bsg source into a SchemaSet,
// take a Validator for one model, validate BSON bytes or plain objects.
//
// Speed rules: one bsg_result and one bsg_batch per validator, reused (JS is
// single-threaded); options encoded into a small reused buffer, never a koffi
// struct conversion per call; errors decoded only when a document is invalid,
// from the library's own JSON rendering (one FFI call, whatever the count).

const ffi = require('./ffi');
const { makeRegistry, unregisterAll } = require('./validators');
const { BSON } = require('bson');

const { koffi } = ffi;

/* MARK: - Errors */

/** A schema that did not compile (or a usage error tied to a schema file). */
class BsonGuardError extends Error {
  constructor(diag) {
    super(diag.text || diag.message);
    this.name = 'BsonGuardError';
    this.code = diag.code;
    this.file = diag.file;
    this.line = diag.line;
    this.column = diag.column;
    this.offset = diag.offset;
    this.hint = diag.hint;
    this.sourceLine = diag.sourceLine;
    this.detail = diag.message;
  }
}

// Renders a diagnostic through bsg_diag_format, growing the buffer when the
// text does not fit (the function returns the length it needs, like snprintf).
let diagBuf = Buffer.alloc(2048);
function formatDiag(raw, severity) {
  let need = Number(ffi.bsg_diag_format(raw, severity, diagBuf, diagBuf.length));
  if (need >= diagBuf.length) {
    diagBuf = Buffer.alloc(need + 1);
    need = Number(ffi.bsg_diag_format(raw, severity, diagBuf, diagBuf.length));
  }
  return diagBuf.toString('utf8', 0, need);
}

function diagFromC(raw, severity) {
  return {
    file: raw.file,
    line: raw.line,
    column: raw.column,
    offset: raw.offset,
    code: raw.code,
    message: raw.message,
    hint: raw.hint,
    sourceLine: raw.source_line,
    text: formatDiag(raw, severity),
  };
}

/* MARK: - Options */

const STRICT = new Map([['schema', 0], [undefined, 0], [false, 1], [true, 2], ['throw', 3]]);
const OPTION_FIELDS = [
  ['maxErrors', 'max_errors'],
  ['maxDepth', 'max_depth'],
  ['maxSize', 'max_size'],
  ['maxArrayLength', 'max_array_length'],
];
const OPTION_SIZE = ffi.types.bsg_options.size;
const OPTION_OFFSETS = Object.fromEntries(
  Object.values(ffi.types.bsg_options.members).map(m => [m.name, m.offset]));

const DEFAULT_OPTIONS = {};
ffi.bsg_options_init(DEFAULT_OPTIONS);

function uint32Option(name, value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`bsonguard: option ${name} must be an integer from 0 to 4294967295, got ${value}`);
  return value;
}

// Writes bsg_options into `view` (a DataView over a buffer the size of the C
// struct): about 10 ns, where handing koffi an object costs about 500 ns.
function encodeOptions(options, view) {
  for (const [js, c] of OPTION_FIELDS) {
    const value = options[js] === undefined ? DEFAULT_OPTIONS[c] : uint32Option(js, options[js]);
    view.setUint32(OPTION_OFFSETS[c], value, true);
  }
  const strict = STRICT.get(options.strict);
  if (strict === undefined)
    throw new RangeError(`bsonguard: option strict must be true, false, 'throw' or 'schema', got ${options.strict}`);
  view.setInt32(OPTION_OFFSETS.strict, strict, true);
}

/* MARK: - Inputs */

// The MongoDB Node driver serializes with checkKeys, serializeFunctions and
// ignoreUndefined all false (mongodb/lib/bson.js resolveBSONOptions); the bson
// package alone defaults ignoreUndefined to true, so it is passed explicitly.
function serialize(doc, options) {
  return BSON.serialize(doc, { ignoreUndefined: options != null && options.ignoreUndefined === true });
}

function isBytes(input) {
  return input instanceof Uint8Array;
}

function toBytes(input, options) {
  if (isBytes(input)) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return serialize(input, options);
  throw new TypeError('bsonguard: expected a Buffer or Uint8Array of BSON, or a plain object to serialize');
}

// True when `bytes` is exactly one document by its own length prefix; only
// such documents can be laid end to end for bsg_validate_many.
function isFramed(bytes) {
  if (bytes.length < 5) return false;
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) === bytes.length;
}

/* MARK: - Results */

/** The result of every valid document: shared and frozen, so a valid call allocates nothing. */
const VALID = Object.freeze({ valid: true, errors: Object.freeze([]), truncated: false });

function invalid(errors, truncated) {
  return { valid: false, errors, truncated };
}

/* MARK: - Validator */

const JOIN_KEEP = 64 * 1024 * 1024;

const validatorCells = new FinalizationRegistry(cell => freeValidatorCell(cell));

function freeValidatorCell(cell) {
  if (cell.result !== null) ffi.bsg_result_free(cell.result);
  if (cell.batch !== null) ffi.bsg_batch_free(cell.batch);
  cell.result = null;
  cell.batch = null;
}

/** Validates documents against one model of a SchemaSet. */
class Validator {
  #set;
  #handle; // shared with the set: { schema } (null once the set is closed)
  #model;
  #cell = { result: null, batch: null };
  #options = new DataView(new ArrayBuffer(OPTION_SIZE));
  #optionBytes = new Uint8Array(this.#options.buffer);
  #json = Buffer.alloc(4096);
  #joined = Buffer.alloc(0);

  constructor(set, handle, model, name) {
    this.#set = set; // keeps the set, and so the C schema the model lives in, alive
    this.#handle = handle;
    this.#model = model;
    this.name = name;
    this.#cell.result = ffi.bsg_result_new();
    validatorCells.register(this, this.#cell, this);
  }

  /** The set this validator came from. */
  get schemaSet() { return this.#set; }

  #checkOpen() {
    if (this.#handle.schema === null) throw new Error('bsonguard: the schema set was closed');
    if (this.#cell.result === null) throw new Error(`bsonguard: the validator for ${this.name} was closed`);
  }

  // null means the library's defaults: the fastest call.
  #optionsArg(options) {
    if (options === undefined || options === null) return null;
    encodeOptions(options, this.#options);
    return this.#optionBytes;
  }

  /**
   Validate one document: a Buffer/Uint8Array holding BSON, or an object that is
   serialized first as the MongoDB driver would.
   */
  validate(input, options) {
    this.#checkOpen();
    const bytes = toBytes(input, options);
    const result = this.#cell.result;
    if (ffi.bsg_validate(this.#model, bytes, bytes.length, this.#optionsArg(options), result)) return VALID;
    return invalid(this.#errors(result), ffi.bsg_result_truncated(result));
  }

  #errors(result) {
    let need = Number(ffi.bsg_result_json(result, this.#json, this.#json.length));
    if (need >= this.#json.length) {
      this.#json = Buffer.alloc(need + 1);
      need = Number(ffi.bsg_result_json(result, this.#json, this.#json.length));
    }
    return JSON.parse(this.#json.toString('utf8', 0, need));
  }

  /**
   Validate many documents in one FFI call: one Buffer of documents laid end to
   end (a mongodump .bson file), or an array of Buffers or objects.
   */
  validateMany(input, options) {
    this.#checkOpen();
    if (isBytes(input)) return this.#batch(input, options, null);
    if (input instanceof ArrayBuffer) return this.#batch(new Uint8Array(input), options, null);
    if (!Array.isArray(input))
      throw new TypeError('bsonguard: validateMany expects a Buffer of concatenated BSON documents or an array');
    return this.#many(input, options);
  }

  // An array: documents that frame themselves go in one batch; any other entry
  // (trailing bytes, a bad length prefix) is validated alone, so that every
  // result stays at its entry's index.
  #many(input, options) {
    const parts = new Array(input.length);
    let misfits = 0;
    for (let i = 0; i < input.length; i++) {
      parts[i] = toBytes(input[i], options);
      if (!isFramed(parts[i])) misfits++;
    }
    if (misfits === 0) return this.#batch(this.#join(parts), options, input.length);

    const framed = [];
    const index = [];
    for (let i = 0; i < parts.length; i++) if (isFramed(parts[i])) { framed.push(parts[i]); index.push(i); }
    const out = this.#batch(this.#join(framed), options, framed.length, index, input.length);
    for (let i = 0; i < parts.length; i++) {
      if (isFramed(parts[i])) continue;
      const r = this.validate(parts[i], options);
      if (!r.valid) out.invalidCount++;
      out.results[i] = r;
    }
    out.valid = out.invalidCount === 0;
    return out;
  }

  // The documents laid end to end in a buffer kept for the next batch: a fresh
  // Buffer.concat() per call costs more than validating (a large allocation,
  // its page faults, its collection). Batches over JOIN_KEEP get their own.
  #join(parts) {
    let total = 0;
    for (const p of parts) total += p.length;
    if (total > JOIN_KEEP) return Buffer.concat(parts, total);
    if (this.#joined.length < total) this.#joined = Buffer.allocUnsafe(Math.max(total, 2 * this.#joined.length));
    let at = 0;
    for (const p of parts) { this.#joined.set(p, at); at += p.length; }
    return this.#joined.subarray(0, total);
  }

  // One bsg_validate_many call. `expected` is the number of documents an array
  // held (null for a raw buffer); `index` maps batch positions to array entries.
  #batch(bytes, options, expected, index = null, size = expected) {
    if (this.#cell.batch === null) this.#cell.batch = ffi.bsg_batch_new();
    const batch = this.#cell.batch;
    const count = Number(ffi.bsg_validate_many(this.#model, bytes, bytes.length, this.#optionsArg(options), batch));
    if (expected !== null && count !== expected)
      throw new Error(`bsonguard: internal error: ${expected} documents framed as ${count}`);
    const invalidCount = Number(ffi.bsg_batch_invalid_count(batch));
    const results = new Array(size ?? count).fill(VALID);
    if (invalidCount > 0) {
      const raw = ffi.bsg_batch_json(batch, null);
      for (const d of JSON.parse(raw)) {
        const r = invalid(d.errors, d.truncated);
        if (expected === null) r.offset = d.offset;
        results[index === null ? d.doc : index[d.doc]] = r;
      }
    }
    return { valid: invalidCount === 0, count: results.length, invalidCount, results };
  }

  /** Free the validator's C storage now; the finalizer does it otherwise. */
  close() {
    if (this.#cell.result === null) return;
    validatorCells.unregister(this);
    freeValidatorCell(this.#cell);
    this.#set._forget(this);
  }
}

/* MARK: - Schema sets */

const schemaCells = new FinalizationRegistry(handle => {
  if (handle.schema !== null) ffi.bsg_schema_free(handle.schema);
  handle.schema = null;
  unregisterAll(handle.callbacks);
});

/** Every schema of one compiled .bsg source. Immutable. */
class SchemaSet {
  #handle;
  #validators = new Map();
  #lint = null;

  constructor(schema, filename, callbacks = []) {
    this.#handle = { schema, callbacks }; // callbacks: JS validators the schema calls
    this.filename = filename;
    const names = [];
    const n = Number(ffi.bsg_schema_model_count(schema));
    for (let i = 0; i < n; i++) names.push(ffi.bsg_model_name(ffi.bsg_schema_model_at(schema, i)));
    this.models = Object.freeze(names);
    schemaCells.register(this, this.#handle, this);
  }

  #checkOpen() {
    if (this.#handle.schema === null) throw new Error('bsonguard: the schema set was closed');
  }

  /** The validator for model `name` (one per name, reused). */
  model(name) {
    this.#checkOpen();
    let v = this.#validators.get(name);
    if (v !== undefined) return v;
    const model = ffi.bsg_schema_model(this.#handle.schema, String(name));
    if (model === null) {
      throw new BsonGuardError({
        code: 'unknown-model', file: this.filename, line: 0, column: 0, offset: 0, hint: '', sourceLine: '',
        message: `no schema named \`${name}\`; declared: ${this.models.join(', ') || '(none)'}`,
      });
    }
    v = new Validator(this, this.#handle, model, String(name));
    this.#validators.set(String(name), v);
    return v;
  }

  /** Lint findings (hazards that compile): objects with file, line, column, code, message, hint, text. */
  get lint() {
    this.#checkOpen();
    if (this.#lint === null) {
      const schema = this.#handle.schema;
      const out = [];
      const n = Number(ffi.bsg_schema_lint_count(schema));
      for (let i = 0; i < n; i++)
        out.push(Object.freeze(diagFromC(koffi.decode(ffi.bsg_schema_lint_at(schema, i), ffi.types.bsg_diag), 'warning')));
      this.#lint = Object.freeze(out);
    }
    return this.#lint;
  }

  _forget(validator) {
    if (this.#validators.get(validator.name) === validator) this.#validators.delete(validator.name);
  }

  /** Free the compiled schema and every validator taken from it. */
  close() {
    if (this.#handle.schema === null) return;
    for (const v of [...this.#validators.values()]) v.close();
    schemaCells.unregister(this);
    ffi.bsg_schema_free(this.#handle.schema);
    this.#handle.schema = null;
    unregisterAll(this.#handle.callbacks);
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Validator.prototype[Symbol.dispose] = Validator.prototype.close;
  SchemaSet.prototype[Symbol.dispose] = SchemaSet.prototype.close;
}

/* MARK: - Compile */

const COMPILE_FIELDS = [
  ['maxSourceSize', 'max_source_size'],
  ['maxSourceDepth', 'max_source_depth'],
  ['regexMatchLimit', 'regex_match_limit'],
  ['regexDepthLimit', 'regex_depth_limit'],
];

// A limit of 0 means the library's default, as in C.
function compileOptions(options, registry) {
  const opts = {};
  ffi.bsg_compile_options_init(opts);
  for (const [js, c] of COMPILE_FIELDS)
    if (options[js] !== undefined) opts[c] = uint32Option(js, options[js]);
  if (registry) opts.registry = registry.registry;
  return opts;
}

// Compile with `options.validators` registered for the call: the registry
// is freed at once, the callbacks live as long as the schema set.
function compileWith(options, filename, call) {
  const registry = makeRegistry(options.validators);
  const diag = {};
  let schema;
  try {
    schema = call(compileOptions(options, registry), diag);
  } finally {
    if (registry) ffi.bsg_registry_free(registry.registry);
  }
  if (schema === null) {
    if (registry) unregisterAll(registry.callbacks);
    throw new BsonGuardError(diagFromC(diag, 'error'));
  }
  return new SchemaSet(schema, filename, registry ? registry.callbacks : []);
}

/**
 Compile .bsg source text (a string or UTF-8 bytes) into a SchemaSet. The
 output of fromMongoose() ({ source, warnings }) is accepted as it is.
 Throws BsonGuardError with file, line, column and the caret message.
 */
function compile(source, options = {}) {
  let warnings;
  if (source !== null && typeof source === 'object' && !isBytes(source) && typeof source.source === 'string') {
    warnings = source.warnings;
    source = source.source;
  }
  if (typeof source === 'string') source = Buffer.from(source, 'utf8');
  else if (!isBytes(source)) throw new TypeError('bsonguard: compile expects .bsg source as a string or bytes');
  const filename = options.filename ?? '<schema>';
  const set = compileWith(options, filename,
    (opts, diag) => ffi.bsg_schema_compile_opts(source, source.length, filename, opts, diag));
  if (warnings !== undefined) set.warnings = warnings;
  return set;
}

/** Read and compile a .bsg file. */
function compileFile(path, options = {}) {
  return compileWith(options, String(path),
    (opts, diag) => ffi.bsg_schema_compile_file_opts(String(path), opts, diag));
}

/* MARK: - From Mongoose */

// lib/from-mongoose.js and lib/to-bsg.js are loaded on first use: most
// programs validate with a .bsg file and never need them.
const fromMongooseModule = () => require('./from-mongoose');

/**
 Compile a live Mongoose schema or model: fromMongoose() turns it into .bsg
 text, compile() compiles that. What could not cross (function validators,
 setters, ...) is in the set's `warnings`. `name` names the declared schema
 (default: the model's name, or 'Model').
 */
function compileMongoose(schema, options = {}) {
  const { name, ...rest } = options;
  const generated = fromMongooseModule().fromMongoose(schema, { name });
  return compile(generated, { filename: '<fromMongoose>', ...rest });
}

/* MARK: - Exports */

const KINDS = [];
for (let k = 1; ; k++) {
  const name = ffi.bsg_kind_name(k);
  if (name === '') break;
  KINDS.push(name);
}

module.exports = {
  compile,
  compileFile,
  compileMongoose,
  get fromMongoose() { return fromMongooseModule().fromMongoose; },
  get fromMongooseModels() { return fromMongooseModule().fromMongooseModels; },
  get toBsg() { return require('./to-bsg').toBsg; },
  BsonGuardError,
  SchemaSet,
  Validator,
  version: ffi.bsg_version(),
  kinds: Object.freeze(KINDS),
};
