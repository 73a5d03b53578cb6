/*
 * bsonguard — compile Mongoose-style schemas into validator tables and check
 * BSON documents against them before they reach MongoDB.
 *
 * Copyright 2026 the bsonguard authors. Licensed under the Apache License 2.0.
 *
 * This header is the whole public API. It depends only on the C standard
 * headers: documents cross as `const uint8_t *data, size_t len`, so neither the
 * ABI nor the Node binding depends on libbson's types.
 *
 * Lifecycle, in the spirit of SQLite's prepare/step/finalize:
 *
 *     bsg_diag diag;
 *     bsg_schema *set = bsg_schema_compile(src, len, "app.bsg", NULL, &diag);
 *     const bsg_model *conv = bsg_schema_model(set, "Conversation");
 *     bsg_result *res = bsg_result_new();
 *     if (!bsg_validate(conv, bytes, n, NULL, res)) { ...bsg_result_error(res, i)... }
 *     bsg_result_free(res);
 *     bsg_schema_free(set);
 *
 * Thread-safety: a compiled bsg_schema (and every bsg_model in it) is
 * immutable and may be used from any number of threads at once, each with
 * its own bsg_result or bsg_batch: bsg_validate() and bsg_validate_many() are
 * thread-safe on that footing, and so is compiling (no global state). A
 * bsg_result, a bsg_batch and a bsg_registry belong to one thread at a time.
 * Custom validators run on the validating thread. The test suite checks this
 * under ThreadSanitizer.
 *
 * Memory: bsonguard allocates through libbson (bson_malloc and friends), so
 * a host's bson_mem_set_vtable() governs it too.
 */
#ifndef BSONGUARD_H
#define BSONGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define BSG_API __declspec(dllexport)
#elif defined(__GNUC__)
#define BSG_API __attribute__((visibility("default")))
#else
#define BSG_API
#endif

/* MARK: - Version */

#define BSG_VERSION_MAJOR 0
#define BSG_VERSION_MINOR 1
#define BSG_VERSION_PATCH 0
#define BSG_VERSION_STRING "0.1.0"

/** The library's version string, e.g. "0.1.0". Never NULL; static storage. */
BSG_API const char *bsg_version(void);

/* MARK: - Error kinds */

/**
 The kinds of validation error: the single list used by the validator, the
 CLI, the binding and the docs. X(ENUM_SUFFIX, "name as printed").
 Names follow Mongoose's `kind` where Mongoose has one.
 */
#define BSG_KIND_MAP(X)                                                        \
    X(REQUIRED, "required")                                                    \
    X(TYPE, "type")                                                            \
    X(ENUM, "enum")                                                            \
    X(MIN, "min")                                                              \
    X(MAX, "max")                                                              \
    X(MINLENGTH, "minlength")                                                  \
    X(MAXLENGTH, "maxlength")                                                  \
    X(REGEXP, "regexp")                                                        \
    X(USER_DEFINED, "user defined")                                            \
    X(ALLOW_NULL, "allowNull")                                                 \
    X(UNKNOWN, "unknown")                                                      \
    X(KEY, "key")                                                              \
    X(SERVER, "server")                                                        \
    X(LIMIT, "limit")                                                          \
    X(MALFORMED, "malformed")

typedef enum bsg_kind {
    BSG_KIND_NONE = 0,
#define BSG_KIND_ENUM_(name, text) BSG_KIND_##name,
    BSG_KIND_MAP(BSG_KIND_ENUM_)
#undef BSG_KIND_ENUM_
    BSG_KIND_COUNT
} bsg_kind;

/** The printed name of a kind ("required", "user defined", ...); "" for
    BSG_KIND_NONE or an out-of-range value. Static storage. */
BSG_API const char *bsg_kind_name(bsg_kind kind);

/* MARK: - Compile diagnostics */

/**
 Why a schema did not compile, or one lint finding. Caller-owned and
 fixed-size, so reporting never allocates. Strings are NUL-terminated and
 truncated to fit.
 */
typedef struct bsg_diag {
    char file[256];        /**< Source name given to the compiler, or the path. */
    uint32_t line;         /**< 1-based line; 0 when not tied to a position. */
    uint32_t column;       /**< 1-based column, in bytes. */
    uint32_t offset;       /**< Byte offset into the schema text. */
    char code[32];         /**< Stable short id, e.g. "unknown-option", "mixed-path". */
    char message[512];     /**< One sentence: what is wrong. */
    char hint[256];        /**< Suggestion ("did you mean `required`?"), or "". */
    char source_line[256]; /**< The offending source line, without newline. */
} bsg_diag;

/**
 Render a diagnostic the way compilers do:
 `file:line:col: error: message`, the source line, a caret under the column,
 and `hint: ...` when there is one.
 @param diag     The diagnostic. NULL renders "".
 @param severity "error", "warning" or "note"; NULL means "error".
 @param buf      Output buffer; may be NULL when cap is 0.
 @param cap      Size of buf in bytes.
 @return The length the full text needs (excluding NUL), like snprintf.
 */
BSG_API size_t bsg_diag_format(const bsg_diag *diag, const char *severity,
                               char *buf, size_t cap);

/* MARK: - Custom validators */

/** A BSON value handed to a custom validator: borrowed, valid during the call. */
typedef struct bsg_value {
    uint8_t type;        /**< BSON type byte (0x02 string, 0x10 int32, ...). */
    const uint8_t *data; /**< The value's bytes as stored (after the key). */
    uint32_t len;        /**< Length of data in bytes. */
    const char *str;     /**< For strings: the text (not NUL-terminated), else NULL. */
    uint32_t str_len;    /**< For strings: its length in bytes. */
    double number;       /**< For int32, int64, double, date, bool: the value as double. */
} bsg_value;

/**
 A custom validator, named in a schema with `validate: 'name'`.
 @param value   The stored value (never a missing path; null values are not
                passed unless the path is required).
 @param ctx     The context given at registration.
 @param message Where a failing validator may write its own message
                (NUL-terminated, at most cap bytes); left empty, the default
                "Validator failed for path `{PATH}` with value `{VALUE}`" is used.
 @param cap     Size of message.
 @return true if the value passes.
 Called from whichever thread validates: it must be thread-safe if the schema is
 shared between threads.
 */
typedef bool (*bsg_validator_fn)(const bsg_value *value, void *ctx,
                                 char *message, size_t cap);

/** A set of named custom validators, consulted at compile time. */
typedef struct bsg_registry bsg_registry;

/** A new, empty registry. Free with bsg_registry_free(). Memory comes from
    libbson's allocator (bson_mem_set_vtable), which aborts when it fails. */
BSG_API bsg_registry *bsg_registry_new(void);

/**
 Register `fn` under `name`. A later registration of the same name replaces it.
 @param reg  The registry; NULL returns false.
 @param name NUL-terminated name, copied.
 @param fn   The callback; NULL returns false.
 @param ctx  Passed to fn unchanged; borrowed, must outlive every schema compiled
             with this registry.
 @return false on NULL arguments.
 */
BSG_API bool bsg_registry_add(bsg_registry *reg, const char *name,
                              bsg_validator_fn fn, void *ctx);

/** Free a registry. NULL is a no-op. Schemas compiled with it stay valid. */
BSG_API void bsg_registry_free(bsg_registry *reg);

/* MARK: - Compile */

/** A compiled schema file: every `schema Name { ... }` in it. Immutable. */
typedef struct bsg_schema bsg_schema;
/** One named schema (a model) inside a compiled bsg_schema; borrowed from it. */
typedef struct bsg_model bsg_model;

/**
 Compile schema text into validator tables.
 @param src         UTF-8 schema text; need not be NUL-terminated. NULL with len 0
                    is an empty file (which fails: no schema declared).
 @param len         Length of src in bytes.
 @param source_name Name used in diagnostics (e.g. the file path); NULL means "<schema>".
 @param reg         Custom validators for `validate: 'name'`; may be NULL.
 @param diag        Receives the first error on failure; may be NULL.
 @return A new schema, or NULL on error. Free it with bsg_schema_free().
         Thread-safe: compiling never touches global state.
 */
BSG_API bsg_schema *bsg_schema_compile(const char *src, size_t len,
                                       const char *source_name,
                                       const bsg_registry *reg, bsg_diag *diag);

/**
 Read and compile a schema file. As bsg_schema_compile(), with the path as
 source name; an unreadable file fills diag with line 0 and the OS error.
 */
BSG_API bsg_schema *bsg_schema_compile_file(const char *path,
                                            const bsg_registry *reg,
                                            bsg_diag *diag);

/**
 Compile-time settings: custom validators and the limits that bound what a
 schema can cost. Initialise with bsg_compile_options_init(); a limit of 0
 means its default.
 */
typedef struct bsg_compile_options {
    const bsg_registry *registry; /**< Custom validators for `validate: 'name'`; NULL for none. */
    uint32_t max_source_size;     /**< Schema text cap in bytes; default and ceiling 16 MiB. */
    uint32_t max_source_depth;    /**< Nesting of `{}` and `[]` in the text; default and ceiling 64. */
    uint32_t regex_match_limit;   /**< PCRE2 match limit for each `match` test (backtracking
                                       steps); default 1,000,000. Reaching it is an error of
                                       kind `limit`, never a hang. */
    uint32_t regex_depth_limit;   /**< PCRE2 depth limit for each `match` test; default 10,000. */
} bsg_compile_options;

/** Fill `opts` with the defaults. NULL is a no-op. */
BSG_API void bsg_compile_options_init(bsg_compile_options *opts);

/** As bsg_schema_compile(), with options (NULL means the defaults). A source
    over its size or nesting limit fails with code "limit". */
BSG_API bsg_schema *bsg_schema_compile_opts(const char *src, size_t len,
                                            const char *source_name,
                                            const bsg_compile_options *opts,
                                            bsg_diag *diag);

/** As bsg_schema_compile_file(), with options (NULL means the defaults). */
BSG_API bsg_schema *bsg_schema_compile_file_opts(const char *path,
                                                 const bsg_compile_options *opts,
                                                 bsg_diag *diag);

/** Free a compiled schema and every model in it. NULL is a no-op. */
BSG_API void bsg_schema_free(bsg_schema *schema);

/** Number of models declared in the file (0 for NULL). */
BSG_API size_t bsg_schema_model_count(const bsg_schema *schema);

/** The i-th model in declaration order, or NULL when out of range. Borrowed. */
BSG_API const bsg_model *bsg_schema_model_at(const bsg_schema *schema, size_t i);

/** The model called `name`, or NULL (also for NULL arguments). Borrowed. */
BSG_API const bsg_model *bsg_schema_model(const bsg_schema *schema,
                                          const char *name);

/** A model's declared name. Borrowed from its schema. */
BSG_API const char *bsg_model_name(const bsg_model *model);

/**
 Lint findings: hazards that compile fine but bite Mongoose and NestJS users
 (Mixed paths, `{}` defaults dropped by minimize, a field named `type`, ...).
 Collected while compiling; borrowed from the schema.
 */
BSG_API size_t bsg_schema_lint_count(const bsg_schema *schema);
BSG_API const bsg_diag *bsg_schema_lint_at(const bsg_schema *schema, size_t i);

/* MARK: - Validate */

/** How unknown paths are treated; BSG_STRICT_SCHEMA keeps each schema's own setting. */
typedef enum bsg_strict {
    BSG_STRICT_SCHEMA = 0, /**< As declared (`with { strict: ... }`, default true). */
    BSG_STRICT_FALSE,      /**< Unknown paths are ignored (Mongoose keeps them). */
    BSG_STRICT_TRUE,       /**< Unknown paths are ignored (Mongoose drops them). */
    BSG_STRICT_THROW       /**< Unknown paths are errors of kind `unknown`. */
} bsg_strict;

/** Options for one validate call. Initialise with bsg_options_init(). */
typedef struct bsg_options {
    uint32_t max_errors; /**< Errors kept per document; 0 = no cap. Default 100. */
    bsg_strict strict;   /**< Override for every schema; default BSG_STRICT_SCHEMA. */
    uint32_t max_depth;  /**< Nesting cap; default 180 (MongoDB's). A lower cap
                              reports kind `limit`, the server's reports `server`. */
    uint32_t max_size;   /**< Document size cap in bytes; default 16 MiB. */
    uint32_t max_array_length; /**< Elements checked per array; 0 = no cap (default).
                                    A longer array gets one error of kind `limit` at
                                    its path and its elements are not checked. */
} bsg_options;

/** Fill `opts` with the defaults. NULL is a no-op. */
BSG_API void bsg_options_init(bsg_options *opts);

/** One validation error. Every string is owned by the result and valid until
    the result is reused or freed. */
typedef struct bsg_error {
    bsg_kind kind;        /**< What failed. */
    const char *path;     /**< Absolute dotted path, "messages.3.body"; "" for the document. */
    const char *expected; /**< The SchemaType expected ("String", "ObjectId", ...), or "". */
    const char *actual;   /**< The stored BSON type by $type alias ("int", "string", ...), or "". */
    const char *value;    /**< The value, printed as relaxed Extended JSON; "" if not printable. */
    const char *message;  /**< Human-readable, with Mongoose's default templates. */
    uint32_t offset;      /**< Byte offset of the element in the document. */
} bsg_error;

/** Reusable storage for a validation's errors. One thread at a time. */
typedef struct bsg_result bsg_result;

/** A new, empty result, to reuse across calls. Memory comes from libbson's
    allocator, which aborts when it fails. */
BSG_API bsg_result *bsg_result_new(void);

/** Free a result. NULL is a no-op. */
BSG_API void bsg_result_free(bsg_result *result);

/**
 Validate one BSON document against a model, in one forward pass over the
 bytes: well-formedness (lengths, terminators, type bytes, UTF-8), MongoDB's
 server rules, and every path of the schema.
 @param model  The model; NULL reports one `malformed` error ("no model").
 @param data   The document's bytes; may be NULL only when len is 0.
 @param len    Number of bytes available. Bytes past the document's own length
               prefix are reported as `malformed` (trailing bytes).
 @param opts   Options; NULL means the defaults.
 @param result Receives the errors (previous contents are cleared); required.
 @return true if the document is valid. Allocates nothing for a valid document
         once `result` has been used before. Thread-safe for distinct results.
 */
BSG_API bool bsg_validate(const bsg_model *model, const uint8_t *data,
                          size_t len, const bsg_options *opts,
                          bsg_result *result);

/** Number of errors kept by the last validation (0 for NULL). */
BSG_API size_t bsg_result_count(const bsg_result *result);

/** True if errors beyond max_errors were dropped. */
BSG_API bool bsg_result_truncated(const bsg_result *result);

/** The i-th error, in document order, or NULL when out of range. Borrowed. */
BSG_API const bsg_error *bsg_result_error(const bsg_result *result, size_t i);

/**
 Render the errors as a JSON array:
 `[{"path":…,"kind":…,"expected":…,"actual":…,"message":…,"value":…}]`.
 @return The length the full text needs (excluding NUL), like snprintf; the
         output is truncated (and NUL-terminated) when cap is too small.
 */
BSG_API size_t bsg_result_json(const bsg_result *result, char *buf, size_t cap);

/* MARK: - Batches */

/** Verdicts and errors of bsg_validate_many(); reusable, one thread at a time. */
typedef struct bsg_batch bsg_batch;

/** A new, empty batch. Memory comes from libbson's allocator. */
BSG_API bsg_batch *bsg_batch_new(void);

/** Free a batch. NULL is a no-op. */
BSG_API void bsg_batch_free(bsg_batch *batch);

/**
 Validate documents laid end to end, as in a mongodump `.bson` file, in one
 call (one FFI crossing for a whole batch). Each document is framed by its own
 length prefix and validated as bsg_validate() would. Bytes that cannot be
 framed (a length prefix under 5 or past the end) count as one last, invalid
 document of kind `malformed`, and the walk stops there.
 @param model The model; NULL makes every call report one invalid document.
 @param data  The documents; may be NULL only when len is 0 (no documents).
 @param opts  Options applied to each document; NULL means the defaults.
 @param batch Receives the verdicts and errors (previous contents cleared); required.
 @return The number of documents, as bsg_batch_count(). Allocates nothing
         for valid documents once the batch has seen as many before.
 */
BSG_API size_t bsg_validate_many(const bsg_model *model, const uint8_t *data,
                                 size_t len, const bsg_options *opts,
                                 bsg_batch *batch);

/** Number of documents in the last batch (0 for NULL). */
BSG_API size_t bsg_batch_count(const bsg_batch *batch);

/** Number of invalid documents in the last batch (0 for NULL). */
BSG_API size_t bsg_batch_invalid_count(const bsg_batch *batch);

/** One byte per document of the last batch: 1 valid, 0 invalid. Borrowed;
    NULL when the batch is empty. */
BSG_API const uint8_t *bsg_batch_verdicts(const bsg_batch *batch);

/**
 The invalid documents of the last batch as one JSON array, in order:
 `[{"doc":3,"offset":1204,"truncated":false,"errors":[…as bsg_result_json()]}]`
 where `doc` is the document's index and `offset` its first byte in `data`.
 @param len Receives the text's length; may be NULL.
 @return NUL-terminated text owned by the batch, valid until it is reused or
         freed; "[]" when every document is valid.
 */
BSG_API const char *bsg_batch_json(const bsg_batch *batch, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* BSONGUARD_H */
