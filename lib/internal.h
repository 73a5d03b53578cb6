/*
 * Private declarations shared by the library's stages. Nothing here is ABI.
 * Internal non-static functions are prefixed `bsg__`.
 */
#ifndef BSG_INTERNAL_H
#define BSG_INTERNAL_H

#include "bsonguard.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MARK: - Allocation seam
 * Everything goes through libbson's allocator, so a host's
 * bson_mem_set_vtable() governs bsonguard too. */

void *bsg__malloc(size_t n);
void *bsg__calloc(size_t n, size_t size);
void *bsg__realloc(void *p, size_t n);
void bsg__free(void *p);
char *bsg__strndup(const char *s, size_t n);

/* Write `d` as JavaScript's String(d) does ("-60", "1.5e-7", "0" for -0);
   returns the length, like snprintf. */
size_t bsg__js_number(double d, char *buf, size_t cap);

/* MARK: - Arena
 * A bump allocator for the AST and compile-time scratch: freed in one go. */

typedef struct bsg__arena_block bsg__arena_block;
typedef struct bsg__arena {
    bsg__arena_block *head;
} bsg__arena;

void bsg__arena_init(bsg__arena *a);
void bsg__arena_destroy(bsg__arena *a);
/* Zeroed, 8-byte aligned; NULL when out of memory. */
void *bsg__arena_alloc(bsg__arena *a, size_t n);
char *bsg__arena_strndup(bsg__arena *a, const char *s, size_t n);

/* MARK: - Source text and diagnostics */

typedef struct bsg__source {
    const char *text;
    size_t len;
    const char *name;   /* for diagnostics */
    uint32_t max_size;  /* limits from bsg_compile_options; 0 = the default */
    uint32_t max_depth;
} bsg__source;

/* Fill `d` for the byte `offset` of `src`: file, line, column, the source
   line, code and printf-style message. Clears the hint. NULL d is a no-op. */
void bsg__diag_at(bsg_diag *d, const bsg__source *src, uint32_t offset,
                  const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Set the hint of `d` printf-style. */
void bsg__diag_hint(bsg_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The candidate closest to `word` by edit distance (case-insensitive), if it
   is close enough to be a plausible typo; else NULL. */
const char *bsg__suggest(const char *word, const char *const *candidates,
                         size_t n);

/* MARK: - AST
 * The parser produces a generic tree of JS values: the schema bodies are
 * JavaScript object literals, and Mongoose meaning is given by the compiler. */

typedef enum bsg__ast_kind {
    BSG__AST_OBJECT,
    BSG__AST_ARRAY,
    BSG__AST_STRING,
    BSG__AST_NUMBER,
    BSG__AST_BOOL,
    BSG__AST_NULL,
    BSG__AST_REGEX,
    BSG__AST_REF /* dotted identifier path: String, Schema.Types.Mixed, Date.now */
} bsg__ast_kind;

typedef struct bsg__ast_node bsg__ast_node;

typedef struct bsg__ast_member {
    const char *key; /* decoded, NUL-terminated (keys cannot contain NUL) */
    size_t key_len;
    uint32_t offset; /* of the key */
    bsg__ast_node *value;
} bsg__ast_member;

struct bsg__ast_node {
    bsg__ast_kind kind;
    uint32_t offset; /* first byte of the value in the source */
    union {
        struct {
            bsg__ast_member *members;
            size_t count;
        } object;
        struct {
            bsg__ast_node **items;
            size_t count;
        } array;
        struct {
            const char *text; /* decoded UTF-8, NUL-terminated; may hold NULs */
            size_t len;
        } string;
        struct {
            double value;
            const char *raw; /* as written, NUL-terminated */
        } number;
        bool boolean;
        struct {
            const char *pattern; /* between the slashes, as written */
            const char *flags;
        } regex;
        struct {
            const char *path; /* "Schema.Types.ObjectId", no spaces */
        } ref;
    } u;
};

typedef struct bsg__ast_schema {
    const char *name;
    uint32_t offset;      /* of the name */
    const char *base;     /* `extends Base`, or NULL */
    uint32_t base_offset;
    bsg__ast_node *body;    /* always an object */
    bsg__ast_node *options; /* `with { ... }`, or NULL */
} bsg__ast_schema;

typedef struct bsg__ast_file {
    bsg__ast_schema *schemas;
    size_t count;
} bsg__ast_file;

/* Parse `src` into `out`, allocating from `arena`. On a syntax error fills
   `diag` (code "syntax") and returns false. Never reads past src->len. */
bool bsg__parse(const bsg__source *src, bsg__arena *arena, bsg__ast_file *out,
                bsg_diag *diag);

/* Source-size and nesting limits of the parser. */
#define BSG__MAX_SOURCE_SIZE (16u * 1024u * 1024u)
#define BSG__MAX_SOURCE_DEPTH 64u

#endif /* BSG_INTERNAL_H */
