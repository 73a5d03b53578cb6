/*
 * UTF-8 validation: the SIMD path must agree with the byte-at-a-time
 * reference on every input, and both must agree with the Unicode rules.
 */
#include "util.h"

#include "utf8.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *bytes;
    bool valid;
} known[] = {
    {"plain ascii", true},
    {"caf\xc3\xa9", true},
    {"\xe4\xb8\xad\xe6\x96\x87", true},
    {"\xf0\x9f\x8e\x89 party", true},
    {"\xc3", false},                 /* truncated 2-byte */
    {"\xe4\xb8", false},             /* truncated 3-byte */
    {"\xc0\xaf", false},             /* overlong '/' */
    {"\xe0\x80\xaf", false},         /* overlong 3-byte */
    {"\xf0\x80\x80\xaf", false},     /* overlong 4-byte */
    {"\xed\xa0\x80", false},         /* surrogate U+D800 */
    {"\xf4\x90\x80\x80", false},     /* past U+10FFFF */
    {"\xf5\x80\x80\x80", false},     /* lead byte F5 */
    {"\xff", false},
    {"\x80", false},                 /* lone continuation */
    {"a\xc3\xa9\xa9", false},        /* extra continuation */
    {"\xef\xbf\xbf", true},          /* U+FFFF */
    {"\xf4\x8f\xbf\xbf", true},      /* U+10FFFF */
};

/* The walk's validator of BSON string contents (n >= 32), with lead bytes
   planted before the string and after it, where it reads but must not
   judge. */
static bool valid_as_bson(const uint8_t *s, size_t n, size_t after)
{
#if defined(__x86_64__) || defined(__i386__)
    if (n >= 32 && __builtin_cpu_supports("avx2")) {
        uint8_t *buf = malloc(3 + n + after);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf, "\xF0\xE4\xC3", 3);
        memcpy(buf + 3, s, n);
        memset(buf + 3 + n, 0xE4, after);
        bool ok = bsg__utf8_valid_avx2_bson(buf + 3, n, n + after);
        free(buf);
        return ok;
    }
#endif
    (void)after;
    return bsg__utf8_valid_scalar(s, n);
}

/* Each known case at every offset inside a long ASCII string, so the SIMD
   path sees it at every position of a block and across block borders. */
START_TEST(known_cases_at_every_offset)
{
    const char *b = known[_i].bytes;
    size_t n = strlen(b);
    char buf[80];
    for (size_t pre = 0; pre + n <= 64; pre++) {
        for (size_t post = 0; post < 3; post++) {
            memset(buf, 'x', sizeof buf);
            memcpy(buf + pre, b, n);
            size_t len = pre + n + post;
            ck_assert_msg(bsg__utf8_valid((const uint8_t *)buf, len) == known[_i].valid,
                          "case %d at offset %zu, length %zu", _i, pre, len);
            for (int level = 1; level <= 2; level++)
                ck_assert_msg(bsg__utf8_valid_using((const uint8_t *)buf, len, level) ==
                                  known[_i].valid,
                              "case %d at offset %zu, length %zu, level %d", _i, pre, len,
                              level);
            ck_assert(bsg__utf8_valid_scalar((const uint8_t *)buf, len) == known[_i].valid);
            for (size_t after = 0; after <= 40; after += 8)
                ck_assert_msg(valid_as_bson((const uint8_t *)buf, len, after) == known[_i].valid,
                              "case %d at offset %zu, length %zu, %zu bytes after", _i, pre,
                              len, after);
        }
    }
}
END_TEST

/* Random byte strings biased toward UTF-8-looking data. */
START_TEST(simd_agrees_with_scalar)
{
    uint64_t state = 0x9E3779B97F4A7C15u;
    uint8_t buf[300];
    static const uint8_t pool[] = {'a', 'b', ' ', 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                   0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe4, 0xed, 0xef, 0xf0,
                                   0xf4, 0xf5, 0xff};
    int disagreements = 0, valid = 0;
    for (int round = 0; round < 200000; round++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        size_t n = state % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            /* mostly ASCII, sometimes a well-formed character, sometimes noise */
            unsigned r = (unsigned)(state >> 40) % 100;
            if (r < 85)
                buf[i] = (uint8_t)('a' + r % 26);
            else if (r < 95 && i + 2 < n) {
                buf[i++] = 0xe4;
                buf[i++] = 0xb8;
                buf[i] = 0xad;
            } else
                buf[i] = pool[(state >> 20) % sizeof pool];
        }
        bool scalar = bsg__utf8_valid_scalar(buf, n);
        disagreements += bsg__utf8_valid(buf, n) != scalar;
        disagreements += bsg__utf8_valid_using(buf, n, 1) != scalar;
        disagreements += bsg__utf8_valid_using(buf, n, 2) != scalar;
        /* bytes after the string may be read but never judged */
        disagreements += bsg__utf8_valid_in(buf, n, sizeof buf) != scalar;
        disagreements += valid_as_bson(buf, n, n % 41) != scalar;
        valid += scalar;
    }
    ck_assert_int_eq(disagreements, 0);
    ck_assert_int_gt(valid, 1000); /* the generator does reach valid text */
}
END_TEST

/* Mostly-ASCII text with a few characters of every width, sometimes one
   broken or cut short, as the validator meets it in chat messages. */
START_TEST(sparse_text_agrees_with_scalar)
{
    static const char *const chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                        "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD"};
    static const uint8_t broken[] = {0x80, 0xBF, 0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF};
    uint64_t state = 0x2545F4914F6CDD1Du;
    uint8_t buf[400];
    int disagreements = 0, valid = 0, invalid = 0;
    for (int round = 0; round < 100000; round++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        size_t n = state % 300, i = 0;
        unsigned density = 1 + (unsigned)(state >> 32) % 12; /* multi-byte chars per 100 */
        while (i < n) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            unsigned r = (unsigned)(state >> 40) % 1000;
            const char *c = chars[(state >> 8) % 6];
            size_t len = strlen(c);
            if (r < 10 * density && i + len <= n) {
                memcpy(buf + i, c, len);
                /* cut a character short now and then */
                i += r < 3 ? len - 1 : len;
            } else if (r == 999) {
                buf[i++] = broken[(state >> 16) % sizeof broken];
            } else {
                buf[i++] = (uint8_t)(' ' + r % 95);
            }
        }
        n = i < n ? i : n;
        bool scalar = bsg__utf8_valid_scalar(buf, n);
        disagreements += bsg__utf8_valid(buf, n) != scalar;
        disagreements += bsg__utf8_valid_in(buf, n, sizeof buf) != scalar;
        disagreements += bsg__utf8_valid_using(buf, n, 1) != scalar;
        disagreements += valid_as_bson(buf, n, n % 37) != scalar;
        valid += scalar;
        invalid += !scalar;
    }
    ck_assert_int_eq(disagreements, 0);
    ck_assert_int_gt(valid, 10000);
    ck_assert_int_gt(invalid, 10000);
}
END_TEST

/* The batch validator of the walk (bsg__utf8_valid_spans): batches of 1 to
   32 strings of 0 to 512 bytes, each after its BSON length prefix, some
   with one broken or cut character, against the reference. */
START_TEST(spans_agree_with_scalar)
{
    static const char *const chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                        "\xF4\x8F\xBF\xBF"};
    static const uint8_t broken[] = {0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF};
    enum { SLOT = 4 + BSG__SPAN_MAX + 1 + 32 };
    uint8_t *buf = malloc((size_t)BSG__SPANS * SLOT);
    ck_assert_ptr_nonnull(buf);
    uint64_t state = 0x5851F42D4C957F2Du;
    int disagreements = 0, valid = 0, invalid = 0;
    for (int round = 0; round < 20000; round++) {
        bsg__span sp[BSG__SPANS];
        size_t count = 1 + (size_t)(state >> 40) % BSG__SPANS;
        size_t bad = (size_t)(state >> 30) % (2 * count); /* the span that may break, or none */
        bool expect = true;
        for (size_t k = 0; k < count; k++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            uint8_t *slot = buf + k * SLOT, *s = slot + 4;
            size_t n = (size_t)(state >> 20) % (BSG__SPAN_MAX + 1), i = 0;
            if ((state & 7) == 0) /* lengths at block edges */
                n = (32 * ((state >> 8) % 17) + (state >> 16) % 3) % (BSG__SPAN_MAX + 1);
            while (i < n) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                unsigned r = (unsigned)(state >> 40) % 2000;
                const char *c = chars[(state >> 8) % 4];
                size_t len = strlen(c);
                if (r < 60 && i + len <= n) {
                    memcpy(s + i, c, len);
                    i += k == bad && r < 4 ? len - 1 : len; /* cut one short now and then */
                } else if (k == bad && r >= 1996) {
                    s[i++] = broken[(state >> 16) % sizeof broken];
                } else {
                    s[i++] = (uint8_t)(' ' + r % 95);
                }
            }
            uint32_t prefix = (uint32_t)n + 1;
            memcpy(slot, &prefix, 4);
            s[n] = 0;
            memset(s + n + 1, 0xE4, SLOT - 4 - n - 1); /* lead bytes after: never judged */
            sp[k] = (bsg__span){s, n};
            expect = expect && bsg__utf8_valid_scalar(s, n);
        }
        bool got = bsg__utf8_valid_spans(sp, count);
        disagreements += got != expect;
        valid += expect;
        invalid += !expect;
    }
    free(buf);
    ck_assert_int_eq(disagreements, 0);
    ck_assert_int_gt(valid, 2000);
    ck_assert_int_gt(invalid, 2000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("validation");
    tcase_add_loop_test(tc, known_cases_at_every_offset, 0,
                        (int)(sizeof known / sizeof known[0]));
    tcase_add_test(tc, simd_agrees_with_scalar);
    tcase_add_test(tc, sparse_text_agrees_with_scalar);
    tcase_add_test(tc, spans_agree_with_scalar);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return util_run_suite(s);
}
