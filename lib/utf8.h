/*
 * UTF-8 validation for every key and string the validator reads.
 */
#ifndef BSG_UTF8_H
#define BSG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether s[0..n) is strict UTF-8 (U+0000 allowed). SIMD where the CPU has it. */
bool bsg__utf8_valid(const uint8_t *s, size_t n);

/* The same, allowed to read (not judge) up to `readable` >= n bytes from s:
   the validator passes the rest of the enclosing document, which saves
   copying the last partial block. */
bool bsg__utf8_valid_in(const uint8_t *s, size_t n, size_t readable);

/* The byte-at-a-time reference, for tests. */
bool bsg__utf8_valid_scalar(const uint8_t *s, size_t n);

/* One implementation, for tests: 0 scalar, 1 SSSE3, 2 AVX2 (each falls back
   to the next lower one the CPU lacks). */
bool bsg__utf8_valid_using(const uint8_t *s, size_t n, int level);

#endif
