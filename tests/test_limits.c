/*
 * Limits: every bound a caller can set, through bsg_compile_options and
 * bsg_options, tested at the bound and one past it.
 */
#include "util.h"

#include <time.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bsg_diag diag;

static bsg_schema *compile_with(const char *src, size_t len, const bsg_compile_options *o)
{
    return bsg_schema_compile_opts(src, len, "limits.bsg", o, &diag);
}

/* MARK: - Schema text */

START_TEST(compile_options_defaults)
{
    bsg_compile_options o;
    memset(&o, 0xA5, sizeof o);
    bsg_compile_options_init(&o);
    ck_assert_ptr_null(o.registry);
    ck_assert_uint_eq(o.max_source_size, 16u * 1024 * 1024);
    ck_assert_uint_eq(o.max_source_depth, 64);
    ck_assert_uint_eq(o.regex_match_limit, 1000000);
    ck_assert_uint_eq(o.regex_depth_limit, 10000);
    bsg_compile_options_init(NULL); /* no-op */
}
END_TEST

START_TEST(source_size)
{
    const char *src = "schema A { name: String }";
    size_t len = strlen(src);
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.max_source_size = (uint32_t)len;
    bsg_schema *s = compile_with(src, len, &o);
    ck_assert_msg(s != NULL, "%s", diag.message);
    bsg_schema_free(s);

    o.max_source_size = (uint32_t)len - 1;
    ck_assert_ptr_null(compile_with(src, len, &o));
    ck_assert_str_eq(diag.code, "limit");
    ck_assert_uint_eq(diag.line, 1);
    ck_assert_uint_eq(diag.column, 1);
    ck_assert_str_eq(diag.message, "the schema text is 25 bytes; the limit is 24 bytes");
}
END_TEST

START_TEST(source_size_ceiling)
{
    /* A cap above 16 MiB does not lift the built-in ceiling. */
    size_t len = 16u * 1024 * 1024 + 1;
    char *text = malloc(len);
    ck_assert_ptr_nonnull(text);
    memset(text, ' ', len);
    memcpy(text, "schema A {}", 11);
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.max_source_size = UINT32_MAX;
    bsg_schema *s = compile_with(text, len, &o);
    free(text);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(diag.code, "limit");
}
END_TEST

START_TEST(source_depth)
{
    /* `schema` braces are level 1, `a: {` level 2, `b: {` level 3. */
    const char *src = "schema A { a: { b: { c: String } } }";
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.max_source_depth = 3;
    bsg_schema *s = compile_with(src, strlen(src), &o);
    ck_assert_msg(s != NULL, "%s", diag.message);
    bsg_schema_free(s);

    o.max_source_depth = 2;
    ck_assert_ptr_null(compile_with(src, strlen(src), &o));
    ck_assert_str_eq(diag.code, "limit");
    ck_assert_uint_eq(diag.column, 20);
    ck_assert_str_eq(diag.message, "nesting is deeper than 2 levels of objects and arrays");
}
END_TEST

START_TEST(source_file_size)
{
    char path[] = "/tmp/bsg-limits-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *src = "schema A { name: String }\n";
    ck_assert_int_eq(write(fd, src, strlen(src)), (int)strlen(src));
    close(fd);
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.max_source_size = (uint32_t)strlen(src);
    bsg_schema *s = bsg_schema_compile_file_opts(path, &o, &diag);
    bool at_limit = s != NULL;
    bsg_schema_free(s);
    o.max_source_size--;
    s = bsg_schema_compile_file_opts(path, &o, &diag);
    unlink(path);
    ck_assert(at_limit);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(diag.code, "limit");
    ck_assert_str_eq(diag.file, path);
    ck_assert_str_eq(diag.message, "the schema file is larger than the limit of 25 bytes");
}
END_TEST

START_TEST(registry_through_options)
{
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    const char *src = "schema A { n: { type: Number, validate: 'even' } }";
    ck_assert_ptr_null(compile_with(src, strlen(src), &o)); /* no registry */
    ck_assert_str_eq(diag.code, "unknown-validator");
}
END_TEST

/* MARK: - Regex cost */

static const char *CATASTROPHIC = "schema A { s: { type: String, match: /^(a+)+$/ } }";

static bsg_result *run_regex(const bsg_compile_options *o, int len, double *seconds)
{
    bsg_schema *s = compile_with(CATASTROPHIC, strlen(CATASTROPHIC), o);
    ck_assert_msg(s != NULL, "%s", diag.message);
    char text[128];
    memset(text, 'a', (size_t)len);
    text[len] = '!';
    text[len + 1] = '\0';
    bson_t *b = bson_new();
    BSON_APPEND_UTF8(b, "s", text);
    bsg_result *r = bsg_result_new();
    clock_t t0 = clock();
    bsg_validate(util_model(s, "A"), bson_get_data(b), b->len, NULL, r);
    *seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    bson_destroy(b);
    bsg_schema_free(s); /* the result's strings do not point into the schema */
    return r;
}

START_TEST(regex_match_limit)
{
    /* Exponential backtracking on 60 characters would run for centuries;
       the match limit ends it with a `limit` error. */
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    double secs;
    bsg_result *r = run_regex(&o, 60, &secs);
    ck_assert_errors(r, "s limit");
    ck_assert_str_eq(bsg_result_error(r, 0)->message,
                     "Path `s`: the regular expression gave up (match limit reached)");
    bsg_result_free(r);
    /* Not a timing assertion: a sanity bound a hang cannot meet. */
    ck_assert_msg(secs < 60, "%.1f s", secs);

    /* At a tiny cap even a short subject gives up; with room it matches. */
    o.regex_match_limit = 10;
    r = run_regex(&o, 20, &secs);
    ck_assert_errors(r, "s limit");
    bsg_result_free(r);
    o.regex_match_limit = 0; /* the default */
    r = run_regex(&o, 3, &secs);
    ck_assert_errors(r, "s regexp");
    bsg_result_free(r);
}
END_TEST

START_TEST(regex_depth_limit)
{
    /* The depth limit binds the interpreter (JIT ignores it, and is bounded
       by the match limit alone): under BSG_NO_JIT a depth of 2 gives up. */
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.regex_depth_limit = 2;
    double secs;
    bsg_result *r = run_regex(&o, 10, &secs);
    ck_assert_errors(r, getenv("BSG_NO_JIT") ? "s limit" : "s regexp");
    if (getenv("BSG_NO_JIT"))
        ck_assert_str_eq(bsg_result_error(r, 0)->message,
                         "Path `s`: the regular expression gave up (depth limit reached)");
    bsg_result_free(r);
}
END_TEST

/* MARK: - Documents */

static const char *SCHEMA = "schema A { tags: [String], grid: [[Number]], any: Mixed, "
                            "n: Number, s: String, d: Date, b: Boolean }";

static const char *run(const char *json, const bsg_options *o, char *out, size_t cap)
{
    return util_run(SCHEMA, "A", json, o, out, cap);
}

START_TEST(array_length)
{
    char out[512];
    bsg_options o;
    bsg_options_init(&o);
    ck_assert_uint_eq(o.max_array_length, 0);
    o.max_array_length = 3;
    ck_assert_str_eq(run("{\"tags\": [\"a\", \"b\", \"c\"]}", &o, out, sizeof out), "");
    ck_assert_str_eq(run("{\"tags\": [\"a\", \"b\", \"c\", \"d\"]}", &o, out, sizeof out),
                     "tags limit");
    /* elements past the cap are not checked: the 5th is not a type error */
    ck_assert_str_eq(run("{\"tags\": [\"a\", \"b\", \"c\", \"d\", 5]}", &o, out, sizeof out),
                     "tags limit");
    /* but those before it are */
    ck_assert_str_eq(run("{\"tags\": [1, \"b\", \"c\", \"d\"]}", &o, out, sizeof out),
                     "tags.0 type, tags limit");
    /* inner arrays, and arrays under Mixed, have the same cap */
    ck_assert_str_eq(run("{\"grid\": [[1, 2, 3], [1, 2, 3, 4]]}", &o, out, sizeof out),
                     "grid.1 limit");
    ck_assert_str_eq(run("{\"any\": {\"x\": [1, 2, 3, 4]}}", &o, out, sizeof out),
                     "any.x limit");
    ck_assert_str_eq(run("{\"any\": [1, 2, 3]}", &o, out, sizeof out), "");
    /* an array the cap cut short is not judged by its own validators */
    ck_assert_str_eq(util_run("schema A { l: { type: [Number], validate: /zz/ } }", "A",
                              "{\"l\": [1, 2, 3, 4]}", &o, out, sizeof out), "l limit");
    ck_assert_str_eq(util_run("schema A { l: { type: [Number], validate: /zz/ } }", "A",
                              "{\"l\": [1, 2, 3]}", &o, out, sizeof out), "l user defined");
    /* 0 is no cap */
    o.max_array_length = 0;
    ck_assert_str_eq(run("{\"tags\": [\"a\", \"b\", \"c\", \"d\"]}", &o, out, sizeof out), "");

    o.max_array_length = 1;
    bsg_schema *s = util_compile(SCHEMA);
    bson_t *b = util_json("{\"tags\": [\"a\", \"b\"]}");
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, "A"), b, &o, r);
    ck_assert_str_eq(bsg_result_error(r, 0)->message,
                     "Path `tags` has more than the configured 1 array elements");
    bsg_result_free(r);
    bson_destroy(b);
    bsg_schema_free(s);
}
END_TEST

START_TEST(error_cap)
{
    char out[512];
    bsg_options o;
    bsg_options_init(&o);
    o.max_errors = 3;
    const char *three = "{\"n\": \"x\", \"s\": 1, \"d\": 2}";
    const char *four = "{\"n\": \"x\", \"s\": 1, \"d\": 2, \"b\": 3}";
    bsg_schema *s = util_compile(SCHEMA);
    bsg_result *r = bsg_result_new();
    bson_t *b = util_json(three);
    util_validate(util_model(s, "A"), b, &o, r);
    ck_assert_uint_eq(bsg_result_count(r), 3);
    ck_assert(!bsg_result_truncated(r));
    bson_destroy(b);
    b = util_json(four);
    util_validate(util_model(s, "A"), b, &o, r);
    ck_assert_uint_eq(bsg_result_count(r), 3);
    ck_assert(bsg_result_truncated(r));
    o.max_errors = 0; /* no cap */
    util_validate(util_model(s, "A"), b, &o, r);
    ck_assert_uint_eq(bsg_result_count(r), 4);
    ck_assert(!bsg_result_truncated(r));
    bson_destroy(b);
    bsg_result_free(r);
    bsg_schema_free(s);
    (void)out;
}
END_TEST

START_TEST(depth_cap)
{
    char out[512];
    bsg_options o;
    bsg_options_init(&o);
    o.max_depth = 3; /* the document, any, any.a */
    ck_assert_str_eq(run("{\"any\": {\"a\": {}}}", &o, out, sizeof out), "");
    ck_assert_str_eq(run("{\"any\": {\"a\": {\"b\": {}}}}", &o, out, sizeof out),
                     "any.a.b limit");
}
END_TEST

START_TEST(size_cap)
{
    char out[512];
    bson_t *b = util_json("{\"s\": \"hello\"}");
    bsg_options o;
    bsg_options_init(&o);
    o.max_size = b->len;
    bsg_schema *s = util_compile(SCHEMA);
    bsg_result *r = bsg_result_new();
    ck_assert_str_eq(util_run_bytes(util_model(s, "A"), bson_get_data(b), b->len, &o, r, out,
                                    sizeof out), "");
    o.max_size = b->len - 1;
    ck_assert_str_eq(util_run_bytes(util_model(s, "A"), bson_get_data(b), b->len, &o, r, out,
                                    sizeof out), UTIL_ROOT " limit");
    bsg_result_free(r);
    bsg_schema_free(s);
    bson_destroy(b);
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("schema");
    tcase_add_test(tc, compile_options_defaults);
    tcase_add_test(tc, source_size);
    tcase_add_test(tc, source_size_ceiling);
    tcase_add_test(tc, source_depth);
    tcase_add_test(tc, source_file_size);
    tcase_add_test(tc, registry_through_options);
    suite_add_tcase(s, tc);

    tc = tcase_create("regex");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, regex_match_limit);
    tcase_add_test(tc, regex_depth_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("document");
    tcase_add_test(tc, array_length);
    tcase_add_test(tc, error_cap);
    tcase_add_test(tc, depth_cap);
    tcase_add_test(tc, size_cap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return util_run_suite(limits_suite());
}
