/*
 * Batches: bsg_validate_many() over documents laid end to end agrees with
 * bsg_validate() on each, frames a damaged tail as one invalid document,
 * and allocates nothing for valid documents once warm.
 */
#include "util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *SCHEMA = "schema User { name: { type: String, required: true }, age: Number }";

static const char *DOCS[] = {
    "{\"name\": \"ada\", \"age\": 36}",
    "{\"age\": \"old\"}",
    "{\"name\": \"alan\"}",
    "{\"name\": 7}",
};

/* The documents of DOCS back to back, as in a mongodump file. */
static uint8_t *dump(size_t *len, size_t *offsets)
{
    size_t total = 0;
    bson_t *docs[COUNT(DOCS)];
    for (size_t i = 0; i < COUNT(DOCS); i++) {
        docs[i] = util_json(DOCS[i]);
        offsets[i] = total;
        total += docs[i]->len;
    }
    uint8_t *buf = malloc(total + 16);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < COUNT(DOCS); i++) {
        memcpy(buf + offsets[i], bson_get_data(docs[i]), docs[i]->len);
        bson_destroy(docs[i]);
    }
    *len = total;
    return buf;
}

START_TEST(verdicts_and_errors)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "User");
    size_t len, offsets[COUNT(DOCS)];
    uint8_t *buf = dump(&len, offsets);
    bsg_batch *b = bsg_batch_new();
    ck_assert_uint_eq(bsg_validate_many(m, buf, len, NULL, b), 4);
    ck_assert_uint_eq(bsg_batch_count(b), 4);
    ck_assert_uint_eq(bsg_batch_invalid_count(b), 2);
    const uint8_t *v = bsg_batch_verdicts(b);
    ck_assert_ptr_nonnull(v);
    ck_assert(v[0] == 1 && v[1] == 0 && v[2] == 1 && v[3] == 0);

    /* The JSON holds exactly what bsg_validate() says of each invalid one. */
    bsg_result *r = bsg_result_new();
    char expect[4096], one[1024];
    int used = snprintf(expect, sizeof expect, "[");
    size_t invalid = 0;
    for (size_t i = 0; i < COUNT(DOCS); i++) {
        size_t end = i + 1 < COUNT(DOCS) ? offsets[i + 1] : len;
        if (bsg_validate(m, buf + offsets[i], end - offsets[i], NULL, r))
            continue;
        bsg_result_json(r, one, sizeof one);
        used += snprintf(expect + used, sizeof expect - (size_t)used,
                         "%s{\"doc\":%zu,\"offset\":%zu,\"truncated\":false,\"errors\":%s}",
                         invalid++ ? "," : "", i, offsets[i], one);
    }
    snprintf(expect + used, sizeof expect - (size_t)used, "]");
    size_t jlen;
    const char *json = bsg_batch_json(b, &jlen);
    ck_assert_str_eq(json, expect);
    ck_assert_uint_eq(jlen, strlen(expect));

    bsg_result_free(r);
    bsg_batch_free(b);
    free(buf);
    bsg_schema_free(s);
}
END_TEST

START_TEST(damaged_tail)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "User");
    size_t len, offsets[COUNT(DOCS)];
    uint8_t *buf = dump(&len, offsets);
    bsg_batch *b = bsg_batch_new();

    /* A dump cut inside its last document: three whole ones, then the stub. */
    size_t cut = offsets[3] + 6;
    ck_assert_uint_eq(bsg_validate_many(m, buf, cut, NULL, b), 4);
    ck_assert_uint_eq(bsg_batch_verdicts(b)[3], 0);
    const char *json = bsg_batch_json(b, NULL);
    ck_assert_msg(strstr(json, "{\"doc\":3,\"offset\":") != NULL, "%s", json);
    ck_assert_msg(strstr(json, "length prefix says") != NULL, "%s", json);

    /* A length prefix under 5 swallows everything after it. */
    uint8_t bad[] = {3, 0, 0, 0, 0, 5, 0, 0, 0, 0};
    memcpy(buf + offsets[1], bad, sizeof bad);
    ck_assert_uint_eq(bsg_validate_many(m, buf, len, NULL, b), 2);
    ck_assert_uint_eq(bsg_batch_invalid_count(b), 1);

    /* Four stray bytes: too short to be a document. */
    ck_assert_uint_eq(bsg_validate_many(m, buf, offsets[1] + 4, NULL, b), 2);
    ck_assert_msg(strstr(bsg_batch_json(b, NULL), "shorter than the 5 bytes") != NULL, "%s",
                  bsg_batch_json(b, NULL));
    bsg_batch_free(b);
    free(buf);
    bsg_schema_free(s);
}
END_TEST

START_TEST(empty_and_null)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "User");
    bsg_batch *b = bsg_batch_new();
    /* no bytes: no documents */
    ck_assert_uint_eq(bsg_validate_many(m, NULL, 0, NULL, b), 0);
    ck_assert_ptr_null(bsg_batch_verdicts(b));
    ck_assert_str_eq(bsg_batch_json(b, NULL), "[]");
    /* bytes promised but no pointer: one invalid document */
    ck_assert_uint_eq(bsg_validate_many(m, NULL, 10, NULL, b), 1);
    ck_assert_uint_eq(bsg_batch_invalid_count(b), 1);
    /* no model: one invalid document, whatever the bytes */
    bson_t *d = util_json(DOCS[0]);
    ck_assert_uint_eq(bsg_validate_many(NULL, bson_get_data(d), d->len, NULL, b), 1);
    ck_assert_msg(strstr(bsg_batch_json(b, NULL), "no model") != NULL, "%s",
                  bsg_batch_json(b, NULL));
    bson_destroy(d);
    /* NULL batch and NULL queries */
    ck_assert_uint_eq(bsg_validate_many(m, NULL, 0, NULL, NULL), 0);
    ck_assert_uint_eq(bsg_batch_count(NULL), 0);
    ck_assert_uint_eq(bsg_batch_invalid_count(NULL), 0);
    ck_assert_ptr_null(bsg_batch_verdicts(NULL));
    size_t jlen = 99;
    ck_assert_str_eq(bsg_batch_json(NULL, &jlen), "[]");
    ck_assert_uint_eq(jlen, 2);
    bsg_batch_free(NULL);
    /* a fresh batch reads as empty */
    bsg_batch *fresh = bsg_batch_new();
    ck_assert_str_eq(bsg_batch_json(fresh, NULL), "[]");
    bsg_batch_free(fresh);
    bsg_batch_free(b);
    bsg_schema_free(s);
}
END_TEST

START_TEST(options_apply_to_each)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "User");
    bson_t *d = util_json("{\"name\": \"ada\", \"extra\": 1}");
    size_t n = d->len;
    uint8_t *buf = malloc(2 * n);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, bson_get_data(d), n);
    memcpy(buf + n, bson_get_data(d), n);
    bsg_options o;
    bsg_options_init(&o);
    o.strict = BSG_STRICT_THROW;
    bsg_batch *b = bsg_batch_new();
    ck_assert_uint_eq(bsg_validate_many(m, buf, 2 * n, &o, b), 2);
    ck_assert_uint_eq(bsg_batch_invalid_count(b), 2);
    ck_assert_msg(strstr(bsg_batch_json(b, NULL), "\"kind\":\"unknown\"") != NULL, "%s",
                  bsg_batch_json(b, NULL));
    bsg_batch_free(b);
    free(buf);
    bson_destroy(d);
    bsg_schema_free(s);
}
END_TEST

static size_t alloc_calls;
static void *count_malloc(size_t n) { alloc_calls++; return malloc(n); }
static void *count_calloc(size_t n, size_t k) { alloc_calls++; return calloc(n, k); }
static void *count_realloc(void *p, size_t n) { alloc_calls++; return realloc(p, n); }
static void *count_aligned_alloc(size_t a, size_t n) { alloc_calls++; return aligned_alloc(a, n); }

START_TEST(zero_allocation_when_warm)
{
    bsg_schema *s = util_compile(SCHEMA);
    const bsg_model *m = util_model(s, "User");
    bson_t *d = util_json(DOCS[0]);
    enum { N = 1000 };
    uint8_t *buf = malloc(N * (size_t)d->len);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < N; i++)
        memcpy(buf + i * d->len, bson_get_data(d), d->len);
    bsg_batch *b = bsg_batch_new();
    ck_assert_uint_eq(bsg_validate_many(m, buf, N * (size_t)d->len, NULL, b), N); /* warm */

    bson_mem_vtable_t vt = {count_malloc, count_calloc, count_realloc, free,
                            count_aligned_alloc, {0}};
    bson_mem_set_vtable(&vt);
    alloc_calls = 0;
    size_t count = bsg_validate_many(m, buf, N * (size_t)d->len, NULL, b);
    size_t calls = alloc_calls;
    bson_mem_restore_vtable();
    ck_assert_uint_eq(count, N);
    ck_assert_uint_eq(bsg_batch_invalid_count(b), 0);
    ck_assert_uint_eq(calls, 0);
    bsg_batch_free(b);
    free(buf);
    bson_destroy(d);
    bsg_schema_free(s);
}
END_TEST

static Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");
    tcase_add_test(tc, verdicts_and_errors);
    tcase_add_test(tc, damaged_tail);
    tcase_add_test(tc, empty_and_null);
    tcase_add_test(tc, options_apply_to_each);
    tcase_add_test(tc, zero_allocation_when_warm);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return util_run_suite(batch_suite());
}
