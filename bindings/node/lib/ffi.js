'use strict';
// The C API of include/bsonguard.h, declared for koffi in the header's order,
// one declaration per C declaration, so that a review can diff the two.
// Nothing here is idiomatic JavaScript: lib/index.js wraps it.

const koffi = require('koffi');

// BSONGUARD_LIBRARY names the shared object (meson tests point it at the fresh
// build); otherwise the dynamic loader looks for the installed soname.
function libraryPath() {
  if (process.env.BSONGUARD_LIBRARY) return process.env.BSONGUARD_LIBRARY;
  if (process.platform === 'darwin') return 'libbsonguard.0.dylib';
  if (process.platform === 'win32') return 'bsonguard.dll';
  return 'libbsonguard.so.0';
}

function loadLibrary(path) {
  try {
    return koffi.load(path);
  } catch (err) {
    throw new Error(`bsonguard: cannot load ${path} (${err.message}); install libbsonguard ` +
      '(meson install) or set BSONGUARD_LIBRARY to the path of libbsonguard.so', { cause: err });
  }
}

const lib = loadLibrary(libraryPath());

/* MARK: - Version */

const bsg_version = lib.func('const char *bsg_version(void)');

/* MARK: - Error kinds */

koffi.alias('bsg_kind', 'int');

const bsg_kind_name = lib.func('const char *bsg_kind_name(bsg_kind kind)');

/* MARK: - Compile diagnostics */

const bsg_diag = koffi.struct('bsg_diag', {
  file: 'char[256]',
  line: 'uint32_t',
  column: 'uint32_t',
  offset: 'uint32_t',
  code: 'char[32]',
  message: 'char[512]',
  hint: 'char[256]',
  source_line: 'char[256]',
});

const bsg_diag_format = lib.func(
  'size_t bsg_diag_format(const bsg_diag *diag, const char *severity, char *buf, size_t cap)');

/* MARK: - Custom validators */

const bsg_value = koffi.struct('bsg_value', {
  type: 'uint8_t',
  data: 'const uint8_t *',
  len: 'uint32_t',
  str: 'const char *',
  str_len: 'uint32_t',
  number: 'double',
});

// `message` is `char *` in C; declared as bytes here because koffi hands a
// callback's `char *` to JavaScript as a string copy, and the validator must
// write into the buffer (lib/validators.js).
const bsg_validator_fn = koffi.proto(
  'bool bsg_validator_fn(const bsg_value *value, void *ctx, uint8_t *message, size_t cap)');

koffi.opaque('bsg_registry');

const bsg_registry_new = lib.func('bsg_registry *bsg_registry_new(void)');
const bsg_registry_add = lib.func(
  'bool bsg_registry_add(bsg_registry *reg, const char *name, bsg_validator_fn *fn, void *ctx)');
const bsg_registry_free = lib.func('void bsg_registry_free(bsg_registry *reg)');

/* MARK: - Compile */

koffi.opaque('bsg_schema');
koffi.opaque('bsg_model');

const bsg_schema_compile = lib.func(
  'bsg_schema *bsg_schema_compile(const char *src, size_t len, const char *source_name, ' +
  'const bsg_registry *reg, _Out_ bsg_diag *diag)');
const bsg_schema_compile_file = lib.func(
  'bsg_schema *bsg_schema_compile_file(const char *path, const bsg_registry *reg, _Out_ bsg_diag *diag)');

const bsg_compile_options = koffi.struct('bsg_compile_options', {
  registry: 'const bsg_registry *',
  max_source_size: 'uint32_t',
  max_source_depth: 'uint32_t',
  regex_match_limit: 'uint32_t',
  regex_depth_limit: 'uint32_t',
});

const bsg_compile_options_init = lib.func(
  'void bsg_compile_options_init(_Out_ bsg_compile_options *opts)');
const bsg_schema_compile_opts = lib.func(
  'bsg_schema *bsg_schema_compile_opts(const char *src, size_t len, const char *source_name, ' +
  'const bsg_compile_options *opts, _Out_ bsg_diag *diag)');
const bsg_schema_compile_file_opts = lib.func(
  'bsg_schema *bsg_schema_compile_file_opts(const char *path, const bsg_compile_options *opts, ' +
  '_Out_ bsg_diag *diag)');

const bsg_schema_free = lib.func('void bsg_schema_free(bsg_schema *schema)');
const bsg_schema_model_count = lib.func('size_t bsg_schema_model_count(const bsg_schema *schema)');
const bsg_schema_model_at = lib.func('const bsg_model *bsg_schema_model_at(const bsg_schema *schema, size_t i)');
const bsg_schema_model = lib.func(
  'const bsg_model *bsg_schema_model(const bsg_schema *schema, const char *name)');
const bsg_model_name = lib.func('const char *bsg_model_name(const bsg_model *model)');

const bsg_schema_lint_count = lib.func('size_t bsg_schema_lint_count(const bsg_schema *schema)');
const bsg_schema_lint_at = lib.func('const bsg_diag *bsg_schema_lint_at(const bsg_schema *schema, size_t i)');

/* MARK: - Validate */

koffi.alias('bsg_strict', 'int');

const bsg_options = koffi.struct('bsg_options', {
  max_errors: 'uint32_t',
  strict: 'bsg_strict',
  max_depth: 'uint32_t',
  max_size: 'uint32_t',
  max_array_length: 'uint32_t',
});

const bsg_options_init = lib.func('void bsg_options_init(_Out_ bsg_options *opts)');

const bsg_error = koffi.struct('bsg_error', {
  kind: 'bsg_kind',
  path: 'const char *',
  expected: 'const char *',
  actual: 'const char *',
  value: 'const char *',
  message: 'const char *',
  offset: 'uint32_t',
});

koffi.opaque('bsg_result');

const bsg_result_new = lib.func('bsg_result *bsg_result_new(void)');
const bsg_result_free = lib.func('void bsg_result_free(bsg_result *result)');
const bsg_validate = lib.func(
  'bool bsg_validate(const bsg_model *model, const uint8_t *data, size_t len, ' +
  'const bsg_options *opts, bsg_result *result)');
const bsg_result_count = lib.func('size_t bsg_result_count(const bsg_result *result)');
const bsg_result_truncated = lib.func('bool bsg_result_truncated(const bsg_result *result)');
const bsg_result_error = lib.func('const bsg_error *bsg_result_error(const bsg_result *result, size_t i)');
const bsg_result_json = lib.func(
  'size_t bsg_result_json(const bsg_result *result, char *buf, size_t cap)');

/* MARK: - Batches */

koffi.opaque('bsg_batch');

const bsg_batch_new = lib.func('bsg_batch *bsg_batch_new(void)');
const bsg_batch_free = lib.func('void bsg_batch_free(bsg_batch *batch)');
const bsg_validate_many = lib.func(
  'size_t bsg_validate_many(const bsg_model *model, const uint8_t *data, size_t len, ' +
  'const bsg_options *opts, bsg_batch *batch)');
const bsg_batch_count = lib.func('size_t bsg_batch_count(const bsg_batch *batch)');
const bsg_batch_invalid_count = lib.func('size_t bsg_batch_invalid_count(const bsg_batch *batch)');
const bsg_batch_verdicts = lib.func('const uint8_t *bsg_batch_verdicts(const bsg_batch *batch)');
const bsg_batch_json = lib.func('const char *bsg_batch_json(const bsg_batch *batch, _Out_ size_t *len)');

module.exports = {
  koffi,
  types: { bsg_diag, bsg_value, bsg_validator_fn, bsg_compile_options, bsg_options, bsg_error },
  bsg_version,
  bsg_kind_name,
  bsg_diag_format,
  bsg_registry_new, bsg_registry_add, bsg_registry_free,
  bsg_schema_compile, bsg_schema_compile_file,
  bsg_compile_options_init, bsg_schema_compile_opts, bsg_schema_compile_file_opts,
  bsg_schema_free, bsg_schema_model_count, bsg_schema_model_at, bsg_schema_model, bsg_model_name,
  bsg_schema_lint_count, bsg_schema_lint_at,
  bsg_options_init,
  bsg_result_new, bsg_result_free, bsg_validate,
  bsg_result_count, bsg_result_truncated, bsg_result_error, bsg_result_json,
  bsg_batch_new, bsg_batch_free, bsg_validate_many,
  bsg_batch_count, bsg_batch_invalid_count, bsg_batch_verdicts, bsg_batch_json,
};
