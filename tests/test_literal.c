/*
 * Anchored literal patterns (lib/literal.c): which patterns qualify, and
 * that each qualifying pattern matches exactly what PCRE2, running the same
 * pattern translated from JavaScript, matches, on subjects built around its
 * own atoms.
 */
#include "util.h"

#include "../lib/schema.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *pattern, *flags;
    bool literal;
} PATTERNS[] = {
    {"^https?:\\/\\/", "", true},
    {"^sk_live_", "", true},
    {"^", "", true},
    {"^ab?b", "", true},
    {"^a?a?aa", "u", true},
    {"^x-y:z\\.\\$\\(\\)\\[\\]\\{\\}\\|\\*\\+\\?\\^\\\\", "s", true},
    {"^a?b?c?d?e?f?", "", true},
    /* Not literal: PCRE2 keeps them. */
    {"^a?b?c?d?e?f?g?", "", false}, /* too many optional atoms */
    {"https", "", false},           /* not anchored */
    {"^abc", "i", false},
    {"^abc", "m", false},
    {"^abc", "g", false},
    {"^abc", "y", false},
    {"^abc$", "", false},
    {"^a.c", "", false},
    {"^a\\d", "", false},
    {"^a\\-b", "", false},
    {"^a+", "", false},
    {"^a*", "", false},
    {"^a{2}", "", false},
    {"^a??", "", false},
    {"^(ab)", "", false},
    {"^[ab]", "", false},
    {"^a|b", "", false},
    {"^caf\xC3\xA9", "", false},
    {"^a\\u0062", "", false},
    {"^a]", "", false},
    {"^0123456789012345678901234567890123", "", false}, /* past 32 atoms */
};

START_TEST(which_patterns_are_literal)
{
    bsg__literal lit;
    bool got = bsg__literal_parse(PATTERNS[_i].pattern, PATTERNS[_i].flags, &lit);
    ck_assert_msg(got == PATTERNS[_i].literal && lit.ok == got, "/%s/%s: literal %d",
                  PATTERNS[_i].pattern, PATTERNS[_i].flags, got);
}
END_TEST

/* Subjects from the pattern's own characters, a few others and a
   multi-byte one, every length up to four past the pattern. */
START_TEST(literal_matches_as_pcre2_does)
{
    const char *pattern = PATTERNS[_i].pattern, *flags = PATTERNS[_i].flags;
    bsg__literal lit;
    if (!bsg__literal_parse(pattern, flags, &lit))
        return;
    char msg[256];
    size_t off;
    pcre2_general_context *gctx = bsg__pcre_context();
    pcre2_code *re = bsg__regex_compile(pattern, flags, gctx, msg, sizeof msg, &off);
    ck_assert_msg(re != NULL, "/%s/: %s", pattern, msg);
    pcre2_match_data *md = pcre2_match_data_create(1, gctx);

    uint8_t alphabet[16];
    size_t na = 0;
    for (uint32_t k = 0; k < lit.count && na < 12; k++)
        if (!memchr(alphabet, lit.chars[k], na))
            alphabet[na++] = lit.chars[k];
    alphabet[na++] = 'q';
    alphabet[na++] = 0xC3; /* é, as two bytes (kept whole below) */
    uint64_t state = 0x9E3779B97F4A7C15u ^ (uint64_t)_i;
    size_t matched = 0, runs = 0;
    for (int round = 0; round < 20000; round++) {
        uint8_t s[48];
        size_t n = 0;
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        size_t len = state % (lit.count + 5u);
        /* Mostly the pattern's own spelling, sometimes mutated. */
        for (uint32_t k = 0; k < lit.count && n < len; k++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if ((lit.optional >> k & 1) && state % 2)
                continue;
            s[n++] = state % 5 ? lit.chars[k] : alphabet[(state >> 8) % na];
        }
        while (n < len) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s[n++] = alphabet[(state >> 8) % na];
        }
        for (size_t k = 0; k < n; k++)
            if (s[k] == 0xC3) { /* keep the subject UTF-8 */
                if (k + 1 < n)
                    s[++k] = 0xA9;
                else
                    s[k] = 'q';
            }
        bool expected = pcre2_match(re, s, n, 0, 0, md, NULL) >= 0;
        bool got = bsg__literal_match(&lit, s, n);
        ck_assert_msg(got == expected, "/%s/ on \"%.*s\": literal %d, PCRE2 %d", pattern,
                      (int)n, (const char *)s, got, expected);
        matched += expected;
        runs++;
    }
    ck_assert_uint_gt(matched, 0);
    if (lit.count > 0 && lit.optional != (UINT32_C(1) << lit.count) - 1)
        ck_assert_uint_lt(matched, runs); /* both verdicts occur */
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    pcre2_general_context_free(gctx);
}
END_TEST

/* Through a schema: a literal `match` reports what PCRE2 would. */
START_TEST(match_on_a_literal_pattern)
{
    const char *schema = "schema A { url: { type: String, match: /^https?:\\/\\// },"
                         " tags: [{ type: String, match: [/^t-/, 'bad tag {VALUE}'] }] }";
    char got[512];
    util_run(schema, "A", "{\"url\": \"https://x\", \"tags\": [\"t-a\", \"t-\"]}", NULL, got,
             sizeof got);
    ck_assert_str_eq(got, "");
    util_run(schema, "A", "{\"url\": \"ftp://x\", \"tags\": [\"t-a\", \"x-b\"]}", NULL, got,
             sizeof got);
    ck_assert_str_eq(got, "url regexp, tags.1 regexp");
    bsg_schema *s = util_compile(schema);
    bson_t *b = util_json("{\"url\": \"http:/\", \"tags\": [\"T-1\"]}");
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, "A"), b, NULL, r);
    ck_assert_str_eq(util_error_at(r, "url")->message, "Path `url` is invalid (http:/).");
    ck_assert_str_eq(util_error_at(r, "tags.0")->message, "bad tag T-1");
    bsg_result_free(r);
    bson_destroy(b);
    bsg_schema_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("literal");
    TCase *tc = tcase_create("literal");
    tcase_add_loop_test(tc, which_patterns_are_literal, 0, (int)COUNT(PATTERNS));
    tcase_add_loop_test(tc, literal_matches_as_pcre2_does, 0, (int)COUNT(PATTERNS));
    tcase_add_test(tc, match_on_a_literal_pattern);
    suite_add_tcase(s, tc);
    return util_run_suite(s);
}
