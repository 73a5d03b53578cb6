/*
 * UTF-8 validation for every key and string the validator reads.
 */
#ifndef BSG_UTF8_H
#define BSG_UTF8_H

#include "bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Whether s[0..n) is strict UTF-8 (U+0000 allowed). SIMD where the CPU has it. */
bool bsg__utf8_valid(const uint8_t *s, size_t n);

/* The same, allowed to read (not judge) up to `readable` >= n bytes from s:
   the validator passes the rest of the enclosing document, which saves
   copying the last partial block. */
bool bsg__utf8_valid_in(const uint8_t *s, size_t n, size_t readable);

/* Strings checked together (bsg__utf8_valid_spans): the longest one, and
   how many the validator holds before it checks them. */
#define BSG__SPAN_MAX 512
#define BSG__SPANS 32

/* The contents of a BSON string of at most BSG__SPAN_MAX bytes, whose
   last 32-byte block (the one holding its end) may be read whole. */
typedef struct bsg__span {
    const uint8_t *s;
    size_t n;
} bsg__span;

/* Whether every span is valid UTF-8; count <= BSG__SPANS. Checked one by
   one, most of a string's cost is the mispredicted exit of its block loop
   (its length decides it); with AVX2 the blocks of all the spans are listed
   first and then checked in one loop (elsewhere, one by one). */
bool bsg__utf8_valid_spans(const bsg__span *sp, size_t count);

/* Whether bsg__utf8_valid_spans() beats checking each string alone here
   (the CPU has AVX2). */
bool bsg__utf8_spans_fast(void);

#if defined(__x86_64__) || defined(__i386__)
/* The AVX2 validator itself, for n >= 32 on a CPU that has AVX2: the
   validator calls it directly for long strings. */
bool bsg__utf8_valid_avx2(const uint8_t *s, size_t n, size_t readable);

/* The same for the contents of a BSON string (n >= 32), which also reads
   (never judges) the 3 bytes before s: there lies the string's length
   prefix, or its start. */
bool bsg__utf8_valid_avx2_bson(const uint8_t *s, size_t n, size_t readable);

/* bsg__utf8_valid_in() with its dispatch inline, for the contents of a
   BSON string (see bsg__utf8_valid_avx2_bson). */
static inline bool bsg__utf8_valid_long(const uint8_t *s, size_t n, size_t readable)
{
    if (n >= 32 && __builtin_cpu_supports("avx2"))
        return bsg__utf8_valid_avx2_bson(s, n, readable);
    return bsg__utf8_valid_in(s, n, readable);
}
#else
#define bsg__utf8_valid_long bsg__utf8_valid_in
#endif

/* The byte-at-a-time reference, for tests. */
bool bsg__utf8_valid_scalar(const uint8_t *s, size_t n);

/* One implementation, for tests: 0 scalar, 1 SSSE3, 2 AVX2 (each falls back
   to the next lower one the CPU lacks). */
bool bsg__utf8_valid_using(const uint8_t *s, size_t n, int level);

/* MARK: - ASCII scans, inline for the validator's every string and key */

#ifdef __SSE2__
static inline __attribute__((always_inline)) unsigned bsg__high_bits16(const uint8_t *s)
{
    return (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)s));
}
#endif

/* The index of the first byte >= 0x80 in s[0..n), or n; bytes up to
   `readable` (>= n) may be read but are never judged. */
static inline __attribute__((always_inline)) size_t bsg__skip_ascii(const uint8_t *s, size_t n,
                                                                    size_t readable)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 32 <= n; i += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
        if (_mm_movemask_epi8(_mm_or_si128(a, b))) {
            unsigned m = (unsigned)_mm_movemask_epi8(a) |
                         (unsigned)_mm_movemask_epi8(b) << 16;
            return i + (size_t)__builtin_ctz(m);
        }
    }
    if (i + 16 <= n) {
        unsigned m = bsg__high_bits16(s + i);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
    if (i < n && readable - i >= 16) { /* the tail in one load, masked */
        unsigned m = bsg__high_bits16(s + i) & ((1u << (n - i)) - 1);
        return m ? i + (size_t)__builtin_ctz(m) : n;
    }
    if (i < n && n >= 16) { /* ...or as one overlapping load */
        unsigned m = bsg__high_bits16(s + n - 16);
        return m ? n - 16 + (size_t)__builtin_ctz(m) : n;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t high = load64(s + i) & HIGH_BITS;
        if (high)
            return i + ((size_t)__builtin_ctzll(high) >> 3);
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

/* Whether s[0..n) is all ASCII, reading up to `readable` (>= n) bytes: one
   pass without an early exit, so the only branch that depends on the
   text is the verdict. */
static inline __attribute__((always_inline)) bool bsg__all_ascii(const uint8_t *s, size_t n,
                                                                 size_t readable)
{
#ifdef __SSE2__
    __m128i acc = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    unsigned m = (unsigned)_mm_movemask_epi8(acc);
    if (i < n && readable - i >= 16) /* the tail in one load, masked */
        m |= bsg__high_bits16(s + i) & ((1u << (n - i)) - 1);
    else if (i < n && n >= 16) /* ...or as one overlapping load */
        m |= bsg__high_bits16(s + n - 16);
    else if (i < n)
        return bsg__skip_ascii(s, n, readable) == n;
    return m == 0;
#else
    return bsg__skip_ascii(s, n, readable) == n;
#endif
}

/* The length of the ASCII prefix of s[0..n), reading up to `readable`
   (>= n) bytes: short strings take one masked or two overlapping 8-byte
   loads, so no loop ends in a mispredicted byte-by-byte tail. */
static inline __attribute__((always_inline)) size_t bsg__ascii_prefix(const uint8_t *s, size_t n, size_t readable)
{
    uint64_t high;
    if (n <= 8 && readable >= 8) {
        uint64_t mask = n == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
        high = load64(s) & mask & HIGH_BITS;
        return high ? (size_t)__builtin_ctzll(high) >> 3 : n;
    }
    if (n >= 8 && n <= 16) {
        high = load64(s) & HIGH_BITS;
        if (high)
            return (size_t)__builtin_ctzll(high) >> 3;
        high = load64(s + n - 8) & HIGH_BITS;
        return high ? n - 8 + ((size_t)__builtin_ctzll(high) >> 3) : n;
    }
    return bsg__skip_ascii(s, n, readable);
}

#endif
