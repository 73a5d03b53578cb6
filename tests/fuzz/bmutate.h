/*
 * Structure-aware BSON mutation and random documents, shared by the
 * libFuzzer custom mutator (mutator_hook.c) and the seeded well-formedness
 * test (test_wellformed.c). Everything is driven by a seed, so a run can be
 * replayed exactly.
 */
#ifndef BSG_FUZZ_BMUTATE_H
#define BSG_FUZZ_BMUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, fast, and good enough to drive mutations. */
typedef struct bm_rng {
    uint64_t s;
} bm_rng;

static inline uint64_t bm_next(bm_rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t bm_below(bm_rng *r, uint32_t n)
{
    return (uint32_t)(((bm_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability 1/n. */
static inline bool bm_one_in(bm_rng *r, uint32_t n) { return bm_below(r, n) == 0; }

/* A byte-level mutation of data[0..size) within max bytes; returns the new
   size. libFuzzer's LLVMFuzzerMutate in the fuzzers, bm_raw_mutate in the
   seeded test. */
typedef size_t (*bm_raw_fn)(uint8_t *data, size_t size, size_t max, void *ctx);

/* A simple byte mutator driven by the bm_rng passed as ctx: flips, interesting
   bytes, inserts, erases, copies. */
size_t bm_raw_mutate(uint8_t *data, size_t size, size_t max, void *ctx);

/* Mutate one document (`stream` false) or a stream of documents in place:
   one to four element-level edits, re-serialized with consistent lengths,
   or now and then a raw byte mutation or a damaged length prefix so that
   framing errors stay reachable. Returns the new size (<= max). */
size_t bm_mutate(uint8_t *data, size_t size, size_t max, bool stream, uint64_t seed,
                 bm_raw_fn raw, void *raw_ctx);

/* Crossover: a copy of a (one document or stream) with one element of b
   grafted into one of its containers, written into out. Returns the size,
   or 0 when there was nothing to graft or it would not fit in max. */
size_t bm_graft(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out,
                size_t max, bool stream, uint64_t seed);

/* A random document of every BSON type, mostly well-formed (now and then an
   invalid string, boolean byte or a nesting chain near MongoDB's 180-level
   limit), into out; returns its size, or 0 when it would not fit in max. */
size_t bm_generate(uint8_t *out, size_t max, uint64_t seed);

#endif
