/*
 * Strict UTF-8 validation (no overlong forms, no surrogates, nothing past
 * U+10FFFF). Text in real documents mixes ASCII with a few multi-byte
 * characters, where a byte-at-a-time decoder mispredicts on every one; on
 * x86 with SSSE3 we use the branch-free "lookup" algorithm of Keiser and
 * Lemire ("Validating UTF-8 in less than one instruction per byte", 2021),
 * which classifies each byte pair with three 16-entry table lookups.
 */
#include "utf8.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_SSSE3_PATH 1
#endif

bool bsg__utf8_valid_scalar(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i - 1 < need)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += need + 1;
    }
    return true;
}

#ifdef HAVE_SSSE3_PATH

/* Error classes of a (previous byte, byte) pair; a pair is invalid when the
   three lookups agree on a class. */
enum {
    TOO_SHORT = 1 << 0,  /* lead byte, then a lead or ASCII */
    TOO_LONG = 1 << 1,   /* ASCII, then a continuation */
    OVERLONG_3 = 1 << 2, /* E0 80..9F */
    TOO_LARGE = 1 << 3,  /* F4 90..BF, F5.. */
    SURROGATE = 1 << 4,  /* ED A0..BF */
    OVERLONG_2 = 1 << 5, /* C0, C1 */
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6, /* F0 80..8F */
    TWO_CONTS = 1 << 7,  /* continuation, continuation */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
};

/* A table byte: the classes above, as the signed char the intrinsics take. */
#define B(x) ((char)(unsigned char)(x))

#define BYTE_1_HIGH _mm_setr_epi8( \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TOO_LONG), \
        B(TWO_CONTS), \
        B(TWO_CONTS), \
        B(TWO_CONTS), \
        B(TWO_CONTS), \
        B(TOO_SHORT | OVERLONG_2), \
        B(TOO_SHORT), \
        B(TOO_SHORT | OVERLONG_3 | SURROGATE), \
        B(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4))

#define BYTE_1_LOW _mm_setr_epi8( \
        B(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), \
        B(CARRY | OVERLONG_2), \
        B(CARRY), \
        B(CARRY), \
        B(CARRY | TOO_LARGE), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), \
        B(CARRY | TOO_LARGE | TOO_LARGE_1000))

#define BYTE_2_HIGH _mm_setr_epi8( \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4), \
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE), \
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), \
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT), \
        B(TOO_SHORT))

__attribute__((target("ssse3"))) static inline __m128i
classify(__m128i input, __m128i prev_input)
{
    const __m128i lo_nibble = _mm_set1_epi8(0x0F);
    
    
    

    __m128i prev1 = _mm_alignr_epi8(input, prev_input, 15);
    __m128i b1h = _mm_shuffle_epi8(BYTE_1_HIGH,
                                   _mm_and_si128(_mm_srli_epi16(prev1, 4), lo_nibble));
    __m128i b1l = _mm_shuffle_epi8(BYTE_1_LOW, _mm_and_si128(prev1, lo_nibble));
    __m128i b2h = _mm_shuffle_epi8(BYTE_2_HIGH,
                                   _mm_and_si128(_mm_srli_epi16(input, 4), lo_nibble));
    __m128i special = _mm_and_si128(_mm_and_si128(b1h, b1l), b2h);

    /* Third and fourth bytes of a sequence must be continuations: there the
       pair check expects TWO_CONTS. */
    __m128i prev2 = _mm_alignr_epi8(input, prev_input, 14);
    __m128i prev3 = _mm_alignr_epi8(input, prev_input, 13);
    __m128i third = _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
    __m128i fourth = _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
    __m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8((char)0x80));
    return _mm_xor_si128(must23, special);
}

__attribute__((target("ssse3"))) static bool utf8_valid_ssse3(const uint8_t *s, size_t n)
{
    __m128i error = _mm_setzero_si128();
    __m128i prev = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        /* No ASCII shortcut: in mixed text it mispredicts more than it saves. */
        __m128i in = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        error = _mm_or_si128(error, classify(in, prev));
        prev = in;
    }
    /* The tail, zero-padded; zeros are ASCII, so a sequence cut short by the
       end of the string shows up as TOO_SHORT. The tail holds at most 15
       bytes of the string, so its last byte is always padding (and when it
       holds none, it checks the end of the previous block). */
    uint8_t tail[16] = {0};
    memcpy(tail, s + i, n - i);
    __m128i in = _mm_loadu_si128((const __m128i *)(const void *)tail);
    error = _mm_or_si128(error, classify(in, prev));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(error, _mm_setzero_si128())) == 0xFFFF;
}


/* The same classification on 32-byte vectors. AVX2 shuffles and aligns
   within 128-bit lanes, so the previous bytes come from a permute. */
__attribute__((target("avx2"))) static inline __m256i
prev_n(__m256i input, __m256i prev_input, int n)
{
    __m256i carried = _mm256_permute2x128_si256(prev_input, input, 0x21);
    switch (n) {
    case 1: return _mm256_alignr_epi8(input, carried, 15);
    case 2: return _mm256_alignr_epi8(input, carried, 14);
    default: return _mm256_alignr_epi8(input, carried, 13);
    }
}

/* The classification of 32 bytes, given the bytes 1, 2 and 3 before each. */
__attribute__((target("avx2"))) static inline __m256i
classify_shifted(__m256i input, __m256i prev1, __m256i prev2, __m256i prev3)
{
    const __m256i lo_nibble = _mm256_set1_epi8(0x0F);
    const __m256i t1h = _mm256_broadcastsi128_si256(BYTE_1_HIGH);
    const __m256i t1l = _mm256_broadcastsi128_si256(BYTE_1_LOW);
    const __m256i t2h = _mm256_broadcastsi128_si256(BYTE_2_HIGH);
    __m256i b1h = _mm256_shuffle_epi8(t1h, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo_nibble));
    __m256i b1l = _mm256_shuffle_epi8(t1l, _mm256_and_si256(prev1, lo_nibble));
    __m256i b2h = _mm256_shuffle_epi8(t2h, _mm256_and_si256(_mm256_srli_epi16(input, 4), lo_nibble));
    __m256i special = _mm256_and_si256(_mm256_and_si256(b1h, b1l), b2h);
    __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must23, special);
}

__attribute__((target("avx2"))) static inline __m256i
classify32(__m256i input, __m256i prev_input)
{
    return classify_shifted(input, prev_n(input, prev_input, 1), prev_n(input, prev_input, 2),
                            prev_n(input, prev_input, 3));
}

__attribute__((target("avx2"))) bool bsg__utf8_valid_avx2(const uint8_t *s, size_t n,
                                                           size_t readable)
{
    __m256i error = _mm256_setzero_si256();
    __m256i prev = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
        error = _mm256_or_si256(error, classify32(in, prev));
        prev = in;
    }
    __m256i in;
    if (readable - i >= 32) {
        /* Read on into the bytes after the string and mask them to zero. */
        static const uint8_t keep[64] = {
            255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
            255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
        __m256i mask = _mm256_loadu_si256((const __m256i *)(const void *)(keep + 32 - (n - i)));
        in = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(const void *)(s + i)), mask);
    } else {
        uint8_t tail[32] = {0};
        memcpy(tail, s + i, n - i);
        in = _mm256_loadu_si256((const __m256i *)(const void *)tail);
    }
    /* As in the SSSE3 version, the zero-padded tail ends any sequence. */
    error = _mm256_or_si256(error, classify32(in, prev));
    return _mm256_testz_si256(error, error);
}

#define LOAD32(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))

/* 32 zeros, 64 ones, 32 zeros: a window into it keeps a block's bytes that
   lie within the string. */
static const uint8_t WINDOW[128] = {
    [32] = 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};

/* The block at s + i of the n-byte string s, its bytes and the three before
   each loaded in place, with every byte outside [0, n) zeroed: as ASCII,
   nothing before the string continues into it, and a sequence cut short
   by its end is TOO_SHORT. */
__attribute__((target("avx2"))) static inline __m256i
classify_edge(const uint8_t *s, size_t i, size_t n)
{
    const size_t before = i < 32 ? i : 32, left = n - i < 32 ? n - i : 32;
#define KEPT(k) _mm256_and_si256(LOAD32(s + i - (k)), \
                                 _mm256_and_si256(LOAD32(WINDOW + 32 + before - (k)), \
                                                  LOAD32(WINDOW + 96 - left - (k))))
    return classify_shifted(KEPT(0), KEPT(1), KEPT(2), KEPT(3));
#undef KEPT
}

__attribute__((target("avx2"))) bool bsg__utf8_valid_avx2_bson(const uint8_t *s, size_t n,
                                                                size_t readable)
{
    size_t i = n & ~(size_t)31;
    if (readable - i < 32)
        return bsg__utf8_valid_avx2(s, n, readable);
    /* The bytes before each byte come from shifted loads, not shuffles:
       loads are cheaper than the lane-crossing permute and three aligns. */
    __m256i error = classify_edge(s, 0, n);
    for (i = 32; i + 32 <= n; i += 32)
        error = _mm256_or_si256(error, classify_shifted(LOAD32(s + i), LOAD32(s + i - 1),
                                                        LOAD32(s + i - 2), LOAD32(s + i - 3)));
    error = _mm256_or_si256(error, classify_edge(s, i, n));
    return _mm256_testz_si256(error, error);
}


/* The last block of a span, at s + i: the bytes from the string's end on
   are zeroed, in each shifted load too. */
__attribute__((target("avx2"))) static inline __m256i classify_end(const uint8_t *s, size_t i,
                                                                   size_t n)
{
    const size_t left = n - i;
#define KEPT(k) _mm256_and_si256(LOAD32(s + i - (k)), LOAD32(WINDOW + 96 - left - (k)))
    return classify_shifted(KEPT(0), KEPT(1), KEPT(2), KEPT(3));
#undef KEPT
}

__attribute__((target("avx2"))) static bool utf8_valid_spans_avx2(const bsg__span *sp,
                                                                  size_t count)
{
    /* Every whole block of every span, listed without a branch on its
       length: 8 or 16 entries are written per span and the list grows by
       the span's count. The bytes before a span's first block are its
       length prefix (a string of at most BSG__SPAN_MAX bytes: 0, 0 and a
       byte under 0x03), which no check takes for a lead byte. (Addresses
       as integers: the entries past a span's end are never read, and C
       does not allow such pointers to be formed.) */
    enum { PER_SPAN = BSG__SPAN_MAX / 32 };
    uintptr_t blocks[BSG__SPANS * PER_SPAN + PER_SPAN];
    size_t nblocks = 0;
    for (size_t i = 0; i < count; i++) {
        const uintptr_t s = (uintptr_t)sp[i].s;
        const size_t whole = sp[i].n / 32;
        for (size_t j = 0; j < PER_SPAN / 2; j++)
            blocks[nblocks + j] = s + 32 * j;
        if (whole > PER_SPAN / 2)
            for (size_t j = PER_SPAN / 2; j < PER_SPAN; j++)
                blocks[nblocks + j] = s + 32 * j;
        nblocks += whole;
    }
    __m256i error = _mm256_setzero_si256();
    for (size_t j = 0; j < nblocks; j++) {
        const uint8_t *b = (const uint8_t *)blocks[j];
        error = _mm256_or_si256(error, classify_shifted(LOAD32(b), LOAD32(b - 1), LOAD32(b - 2),
                                                        LOAD32(b - 3)));
    }
    for (size_t i = 0; i < count; i++)
        error = _mm256_or_si256(error, classify_end(sp[i].s, sp[i].n & ~(size_t)31, sp[i].n));
    return _mm256_testz_si256(error, error);
}

#endif

bool bsg__utf8_spans_fast(void)
{
#ifdef HAVE_SSSE3_PATH
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

bool bsg__utf8_valid_spans(const bsg__span *sp, size_t count)
{
#ifdef HAVE_SSSE3_PATH
    if (__builtin_cpu_supports("avx2"))
        return utf8_valid_spans_avx2(sp, count);
#endif
    for (size_t i = 0; i < count; i++)
        if (!bsg__utf8_valid(sp[i].s, sp[i].n))
            return false;
    return true;
}

bool bsg__utf8_valid(const uint8_t *s, size_t n)
{
    return bsg__utf8_valid_in(s, n, n);
}

bool bsg__utf8_valid_in(const uint8_t *s, size_t n, size_t readable)
{
#ifdef HAVE_SSSE3_PATH
    if (n >= 32 && __builtin_cpu_supports("avx2"))
        return bsg__utf8_valid_avx2(s, n, readable);
    if (n >= 16 && __builtin_cpu_supports("ssse3"))
        return utf8_valid_ssse3(s, n);
#endif
    return bsg__utf8_valid_scalar(s, n);
}

bool bsg__utf8_valid_using(const uint8_t *s, size_t n, int level)
{
#ifdef HAVE_SSSE3_PATH
    if (level >= 2 && __builtin_cpu_supports("avx2"))
        return bsg__utf8_valid_avx2(s, n, n);
    if (level >= 1 && __builtin_cpu_supports("ssse3"))
        return utf8_valid_ssse3(s, n);
#endif
    (void)level;
    return bsg__utf8_valid_scalar(s, n);
}
