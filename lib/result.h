/*
 * The result's private layout: errors are built with their strings in one
 * growable text buffer (offsets while building, pointers once done), and
 * per-depth scratch that the validator reuses so that a valid document
 * allocates nothing.
 */
#ifndef BSG_RESULT_H
#define BSG_RESULT_H

#include "schema.h"

typedef struct bsg__level {
    uint64_t *slots; /* key set: generation << 32 | (key offset + 1) */
    uint32_t cap;    /* slots, a power of two (0 = none yet) */
    uint32_t gen;
    uint64_t *seen;  /* seen-field bitmap for objects wider than 64 fields */
    uint32_t seen_words;
} bsg__level;

struct bsg_result {
    bsg_error *errors;
    size_t count, cap;
    char *text;
    size_t text_len, text_cap;
    bool truncated;
    bsg__level *levels; /* one per nesting depth */
    size_t nlevels;
    uint32_t *path_slots; /* paths that have an error: error index + 1, 0 = empty */
    uint32_t path_cap;    /* a power of two, or 0 */
    pcre2_match_data *match_data;
};

/* Append bytes to the result's text; returns the offset. */
size_t bsg__text_add(bsg_result *r, const char *s, size_t n);
size_t bsg__text_printf(bsg_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Terminate the string being built at `start`; returns start. */
size_t bsg__text_end(bsg_result *r, size_t start);

/* Print a BSON value as relaxed Extended JSON (for `value`), or as Mongoose
   prints {VALUE} in messages (`raw`: strings unquoted). Appends to the text. */
void bsg__print_value(bsg_result *r, uint8_t type, const uint8_t *v, bool raw);

/* Append an array (`len` bytes available at v) as JavaScript's
   String(array) writes it ("1,2,,a"), for `validate: /re/` on array paths. */
void bsg__print_js_array(bsg_result *r, const uint8_t *v, size_t len);

/* Append the errors of `r` to the text of `out` as bsg_result_json() renders them. */
void bsg__result_json_append(const bsg_result *r, bsg_result *out);

/* Turn the offsets of the errors into pointers (call once, at the end). */
void bsg__result_finish(bsg_result *r);

#endif
