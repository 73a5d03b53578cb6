/*
 * libFuzzer's hooks for the BSON harnesses: the structure-aware mutator
 * (bmutate.c) and a crossover that grafts an element of one input into
 * another. FUZZ_PREFIX is the number of leading option bytes a harness reads
 * before the BSON (left to libFuzzer's byte mutator now and then), and
 * FUZZ_STREAM says whether the BSON is one document or many end to end.
 */
#include "bmutate.h"

#include <stdint.h>
#include <string.h>

#ifndef FUZZ_PREFIX
#define FUZZ_PREFIX 0
#endif
#ifndef FUZZ_STREAM
#define FUZZ_STREAM 0
#endif

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                                 uint8_t *out, size_t max, unsigned int seed);

static size_t libfuzzer_bytes(uint8_t *data, size_t size, size_t max, void *ctx)
{
    (void)ctx;
    return LLVMFuzzerMutate(data, size, max);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
    bm_rng r = {seed};
    if (size < FUZZ_PREFIX || max <= FUZZ_PREFIX)
        return LLVMFuzzerMutate(data, size, max);
    if (FUZZ_PREFIX > 0 && bm_one_in(&r, 16)) {
        data[bm_below(&r, FUZZ_PREFIX)] = (uint8_t)bm_next(&r);
        return size;
    }
    return FUZZ_PREFIX + bm_mutate(data + FUZZ_PREFIX, size - FUZZ_PREFIX, max - FUZZ_PREFIX,
                                   FUZZ_STREAM, bm_next(&r), libfuzzer_bytes, NULL);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                                 uint8_t *out, size_t max, unsigned int seed)
{
    if (alen < FUZZ_PREFIX || blen < FUZZ_PREFIX || max <= FUZZ_PREFIX)
        return 0;
    memcpy(out, a, FUZZ_PREFIX);
    return FUZZ_PREFIX + bm_graft(a + FUZZ_PREFIX, alen - FUZZ_PREFIX, b + FUZZ_PREFIX,
                                  blen - FUZZ_PREFIX, out + FUZZ_PREFIX, max - FUZZ_PREFIX,
                                  FUZZ_STREAM, seed);
}
