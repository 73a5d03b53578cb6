/*
 * Deterministic benchmark corpora: each is a schema (as .bsg text) and a
 * generator that writes documents valid against it, stored back to back in
 * one buffer the way mongodump stores them.
 */
#ifndef BSG_BENCH_CORPUS_H
#define BSG_BENCH_CORPUS_H

#include <bson/bson.h>

#include <stddef.h>
#include <stdint.h>

/* splitmix64: fixed seed, same bytes on every machine and every run. */
typedef struct bench_rng {
    uint64_t state;
} bench_rng;

/* One generated corpus: documents concatenated in `data`; document i is
   data[offsets[i] .. offsets[i + 1]). Plain malloc'd, outside libbson's
   allocator, so building it does not disturb the allocation counts. */
typedef struct bench_corpus {
    uint8_t *data;
    size_t size;
    size_t *offsets; /* count + 1 entries */
    size_t count;
    size_t max_doc;   /* largest document, bytes */
    uint32_t max_depth; /* deepest document/array nesting (top level = 0) */
} bench_corpus;

/* Writes the fields of document `index` into `doc` (already initialised). */
typedef void (*bench_make_fn)(bson_t *doc, bench_rng *rng, size_t index);

/* A corpus kind: what the benchmark generates and validates. */
typedef struct bench_spec {
    const char *name;        /* "conversation", "small", "deepwide" */
    const char *about;       /* one line for the report */
    const char *schema;      /* .bsg source, NUL-terminated */
    const char *model;       /* the model every document must satisfy */
    const char *alt_model;   /* a second model over the same bytes, or NULL */
    const char *alt_about;   /* what the second model changes, for the report */
    size_t full_count;       /* documents in a normal run */
    size_t quick_count;      /* documents with --quick */
    uint64_t seed;
    bench_make_fn make;
} bench_spec;

/* The corpus kinds, in report order. */
extern const bench_spec bench_specs[];
extern const size_t bench_spec_count;

/* Find a spec by name; NULL if there is none. */
const bench_spec *bench_spec_find(const char *name);

/* Generate `count` documents of `spec`. Exits the process on out of memory. */
void bench_corpus_generate(bench_corpus *corpus, const bench_spec *spec,
                           size_t count);

/* Free a corpus's buffers. NULL-safe. */
void bench_corpus_free(bench_corpus *corpus);

#endif
