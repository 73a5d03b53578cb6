/*
 * Deferred UTF-8 checks (lib/validate.c): strings the fast path settles are
 * checked in one batch at the document's end, and a failed batch walks the
 * document again checking each string as it comes. Whatever is deferred,
 * the results must be those of checking every string in its place: here
 * both ways validate the same documents, many holding one broken string
 * somewhere, and must report the same errors.
 */
#include "util.h"

#include "../lib/validator.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SCHEMA[] =
    "schema Item {\n"
    "  text: String,\n"
    "  note: { type: String, maxlength: 300 },\n"
    "  url:  { type: String, match: /^https?:\\/\\// },\n"
    "  kind: { type: String, enum: ['alpha', 'beta', 'a-rather-long-kind-of-item'] },\n"
    "} with { _id: false }\n"
    "schema Doc {\n"
    "  title: { type: String, required: true },\n"
    "  items: [Item],\n"
    "  extra: {},\n"
    "  tags:  [String],\n"
    "  short: [{ type: String, maxlength: 100 }],\n"
    "  tail:  String,\n"
    "} with { _id: false, versionKey: false, strict: 'throw' }\n";

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng_below(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)((rng_state >> 16) % n);
}

/* Text of `len` bytes or a little less: ASCII words with multi-byte
   characters now and then. */
static size_t gen_text(char *out, size_t len)
{
    static const char *const wide[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                       "\xE4\xB8\xAD"};
    size_t n = 0;
    while (n < len) {
        if (rng_below(100) < 4) {
            const char *w = wide[rng_below(4)];
            size_t wl = strlen(w);
            if (n + wl > len)
                break;
            memcpy(out + n, w, wl);
            n += wl;
        } else {
            out[n++] = rng_below(7) ? (char)('a' + rng_below(26)) : ' ';
        }
    }
    return n;
}

/* One string of the document, maybe the one to break. */
typedef struct gen {
    bson_t *doc;
    uint32_t string, broken; /* strings written so far; the one to break */
    int how; /* 0: a stray 0xFF; 1: a cut character; 2: an overlong '/'; 3: a lone continuation */
} gen;

static void put_string(gen *g, bson_t *into, const char *key, const char *prefix, size_t len)
{
    char buf[1024];
    size_t n = strlen(prefix);
    memcpy(buf, prefix, n);
    n += gen_text(buf + n, len > n ? len - n : 0);
    if (g->string++ == g->broken) {
        size_t at = n && rng_below(4) ? rng_below((uint32_t)n + 1) : 0; /* often first */
        static const char *const bad[] = {"\xFF", "\xE2\x82", "\xC0\xAF", "\x80"};
        const char *b = bad[g->how];
        size_t bl = strlen(b);
        memmove(buf + at + bl, buf + at, n - at);
        memcpy(buf + at, b, bl);
        n += bl;
    }
    bson_append_utf8(into, key, -1, buf, (int)n);
}

/* Lengths around every threshold of the walk: the ASCII scans (16, 48),
   the SIMD block (32) and the longest deferred string (512). */
static size_t gen_length(void)
{
    static const size_t around[] = {0, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 511, 512, 513};
    if (rng_below(4) == 0)
        return around[rng_below(sizeof around / sizeof around[0])] + rng_below(3);
    return rng_below(rng_below(8) ? 200 : 700);
}

static bson_t *gen_doc(gen *g)
{
    static const char *const kinds[] = {"alpha", "beta", "a-rather-long-kind-of-item",
                                        "gamma"};
    bson_t *doc = bson_new();
    g->string = 0;
    put_string(g, doc, "title", "", gen_length());
    bson_t items, item;
    bson_append_array_begin(doc, "items", -1, &items);
    uint32_t nitems = rng_below(4) ? rng_below(12) : rng_below(40);
    for (uint32_t i = 0; i < nitems; i++) {
        char key[16];
        snprintf(key, sizeof key, "%u", i);
        bson_append_document_begin(&items, key, -1, &item);
        put_string(g, &item, "text", "", gen_length());
        put_string(g, &item, "note", "", gen_length());
        put_string(g, &item, "url", rng_below(5) ? "https://" : "ftp://", gen_length());
        put_string(g, &item, "kind", kinds[rng_below(4)], 0);
        bson_append_document_end(&items, &item);
    }
    bson_append_array_end(doc, &items);
    bson_t extra, list;
    bson_append_document_begin(doc, "extra", -1, &extra);
    put_string(g, &extra, "free", "", gen_length());
    bson_append_array_begin(&extra, "deeper", -1, &list);
    put_string(g, &list, "0", "", gen_length());
    bson_append_array_end(&extra, &list);
    bson_append_document_end(doc, &extra);
    static const char *const lists[] = {"tags", "short"};
    for (int l = 0; l < 2; l++) {
        bson_append_array_begin(doc, lists[l], -1, &list);
        for (uint32_t i = 0, n = rng_below(6); i < n; i++) {
            char key[16];
            snprintf(key, sizeof key, "%u", i);
            put_string(g, &list, key, "", l && rng_below(4) ? rng_below(100) : gen_length());
        }
        bson_append_array_end(doc, &list);
    }
    if (rng_below(2)) /* last: near the document's end, never deferred */
        put_string(g, doc, "tail", "", gen_length());
    return doc;
}

START_TEST(deferred_checks_agree_with_immediate_ones)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "Doc");
    bsg_result *deferred = bsg_result_new(), *immediate = bsg_result_new();
    static char got[65536], want[65536];
    unsigned malformed = 0, valid = 0, other = 0;
    for (int round = 0; round < 4000; round++) {
        gen g = {.broken = rng_below(3) ? UINT32_MAX : rng_below(60), .how = (int)rng_below(4)};
        bson_t *doc = gen_doc(&g);
        bsg_options o;
        bsg_options_init(&o);
        o.max_errors = rng_below(4) ? 100 : 1 + rng_below(3);
        bool a = bsg__validate_deferring(m, bson_get_data(doc), doc->len, &o, deferred, true);
        bool b = bsg__validate_deferring(m, bson_get_data(doc), doc->len, &o, immediate, false);
        util_messages(deferred, got, sizeof got);
        util_messages(immediate, want, sizeof want);
        ck_assert_msg(a == b && strcmp(got, want) == 0,
                      "round %d (string %u broken, way %d):\ndeferred:  %s\nimmediate: %s", round,
                      g.broken, g.how, got, want);
        malformed += strstr(want, "malformed") != NULL;
        valid += b;
        other += !b && strstr(want, "malformed") == NULL;
        bson_destroy(doc);
    }
    /* Every outcome occurs: valid, broken strings, and other errors. */
    ck_assert_uint_gt(malformed, 300);
    ck_assert_uint_gt(valid, 300);
    ck_assert_uint_gt(other, 300);
    bsg_result_free(immediate);
    bsg_result_free(deferred);
    bsg_schema_free(s);
}
END_TEST

/* A document that is valid but for one string deep in a long batch is
   walked twice: the second walk's report is the only one kept. */
START_TEST(broken_string_after_many)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "Doc");
    bsg_result *r = bsg_result_new();
    char text[200];
    memset(text, 'x', sizeof text);
    for (uint32_t broken = 0; broken < 90; broken += 7) {
        bson_t *doc = bson_new(), items, item;
        bson_append_utf8(doc, "title", -1, text, 100);
        bson_append_array_begin(doc, "items", -1, &items);
        for (uint32_t i = 0; i < 30; i++) {
            char key[16];
            snprintf(key, sizeof key, "%u", i);
            bson_append_document_begin(&items, key, -1, &item);
            text[50] = i * 3 + 1 == broken ? '\xC3' : 'x'; /* a cut character */
            bson_append_utf8(&item, "text", -1, text, 51);
            bson_append_utf8(&item, "note", -1, text, 100);
            bson_append_document_end(&items, &item);
        }
        bson_append_array_end(doc, &items);
        char got[512], want[128] = "";
        bool ok = bsg__validate_deferring(m, bson_get_data(doc), doc->len, NULL, r, true);
        util_messages(r, got, sizeof got);
        if (broken % 3 == 1 && broken < 90)
            snprintf(want, sizeof want, "items.%u malformed", (broken - 1) / 3);
        ck_assert_msg(ok == !want[0] && strncmp(got, want, strlen(want)) == 0 &&
                          (want[0] || !got[0]),
                      "string %u broken: [%s]", broken, got);
        bson_destroy(doc);
    }
    bsg_result_free(r);
    bsg_schema_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("deferred");
    TCase *tc = tcase_create("deferred");
    tcase_add_test(tc, deferred_checks_agree_with_immediate_ones);
    tcase_add_test(tc, broken_string_after_many);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return util_run_suite(s);
}
