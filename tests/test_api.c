/*
 * The public contract of include/bsonguard.h: NULL behaviour of every
 * function, model lookup, option defaults, kind names, JSON rendering,
 * compiling from files, the validator registry, and one compiled schema
 * shared by many threads.
 */
#include "util.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* MARK: - NULL behaviour */

static bool always_true(const bsg_value *v, void *ctx, char *message, size_t cap)
{
    (void)v, (void)ctx, (void)message, (void)cap;
    return true;
}

START_TEST(null_free_functions)
{
    bsg_schema_free(NULL);
    bsg_result_free(NULL);
    bsg_registry_free(NULL);
    bsg_options_init(NULL);
}
END_TEST

START_TEST(null_schema_queries)
{
    ck_assert_uint_eq(bsg_schema_model_count(NULL), 0);
    ck_assert_ptr_null(bsg_schema_model_at(NULL, 0));
    ck_assert_ptr_null(bsg_schema_model(NULL, "T"));
    ck_assert_uint_eq(bsg_schema_lint_count(NULL), 0);
    ck_assert_ptr_null(bsg_schema_lint_at(NULL, 0));
    ck_assert_str_eq(bsg_model_name(NULL), "");

    bsg_schema *s = util_compile("schema T { a: String }");
    ck_assert_ptr_null(bsg_schema_model(s, NULL));
    ck_assert_ptr_null(bsg_schema_model(s, "Nope"));
    ck_assert_ptr_null(bsg_schema_model(s, "t"));
    ck_assert_ptr_null(bsg_schema_model(s, ""));
    ck_assert_ptr_null(bsg_schema_model_at(s, 1));
    ck_assert_ptr_null(bsg_schema_model_at(s, SIZE_MAX));
    ck_assert_ptr_null(bsg_schema_lint_at(s, bsg_schema_lint_count(s)));
    bsg_schema_free(s);
}
END_TEST

START_TEST(null_results)
{
    ck_assert_uint_eq(bsg_result_count(NULL), 0);
    ck_assert(!bsg_result_truncated(NULL));
    ck_assert_ptr_null(bsg_result_error(NULL, 0));

    bsg_result *r = bsg_result_new();
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(bsg_result_count(r), 0);
    ck_assert(!bsg_result_truncated(r));
    ck_assert_ptr_null(bsg_result_error(r, 0));

    bsg_schema *s = util_compile("schema T { a: String, b: String }");
    bson_t *b = util_json("{\"a\": 1, \"b\": 2}");
    util_validate(util_model(s, NULL), b, NULL, r);
    ck_assert_uint_eq(bsg_result_count(r), 2);
    ck_assert_ptr_nonnull(bsg_result_error(r, 1));
    ck_assert_ptr_null(bsg_result_error(r, 2));
    ck_assert_ptr_null(bsg_result_error(r, SIZE_MAX));
    bson_destroy(b);
    bsg_schema_free(s);
    bsg_result_free(r);
}
END_TEST

START_TEST(null_validate)
{
    bsg_schema *s = util_compile("schema T { a: String }");
    const bsg_model *m = util_model(s, NULL);
    static const uint8_t empty[] = {5, 0, 0, 0, 0};
    bsg_result *r = bsg_result_new();

    /* no model: one `malformed` error, "no model" */
    ck_assert(!bsg_validate(NULL, empty, sizeof empty, NULL, r));
    ck_assert_errors(r, UTIL_ROOT " malformed");
    ck_assert_ptr_nonnull(strstr(bsg_result_error(r, 0)->message, "no model"));
    ck_assert_str_eq(bsg_result_error(r, 0)->expected, "");
    ck_assert_str_eq(bsg_result_error(r, 0)->actual, "");

    /* no result: nothing to report into */
    ck_assert(!bsg_validate(m, empty, sizeof empty, NULL, NULL));

    /* NULL options are the defaults */
    ck_assert(bsg_validate(m, empty, sizeof empty, NULL, r));
    ck_assert_uint_eq(bsg_result_count(r), 0);

    /* NULL data: only with len 0, and even then there is no document */
    ck_assert(!bsg_validate(m, NULL, 0, NULL, r));
    ck_assert_errors(r, UTIL_ROOT " malformed");
    ck_assert(!bsg_validate(m, NULL, 5, NULL, r));
    ck_assert_errors(r, UTIL_ROOT " malformed");

    bsg_result_free(r);
    bsg_schema_free(s);
}
END_TEST

START_TEST(null_registry)
{
    bsg_registry *reg = bsg_registry_new();
    ck_assert_ptr_nonnull(reg);
    ck_assert(!bsg_registry_add(NULL, "v", always_true, NULL));
    ck_assert(!bsg_registry_add(reg, NULL, NULL, NULL));
    ck_assert(!bsg_registry_add(reg, "v", NULL, NULL));
    bsg_registry_free(reg);
}
END_TEST

START_TEST(null_compile)
{
    bsg_diag d;
    memset(&d, 0x5A, sizeof d);
    /* NULL text with len 0 is an empty file, which declares no schema */
    ck_assert_ptr_null(bsg_schema_compile(NULL, 0, NULL, NULL, &d));
    ck_assert_str_eq(d.file, "<schema>");
    ck_assert_str_ne(d.message, "");
    ck_assert_ptr_null(bsg_schema_compile("", 0, "empty.bsg", NULL, &d));
    ck_assert_str_eq(d.file, "empty.bsg");
    /* a NULL diag is allowed */
    ck_assert_ptr_null(bsg_schema_compile("schema {", 8, NULL, NULL, NULL));
    bsg_schema *s = bsg_schema_compile("schema T { a: String }", 22, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(s);
    bsg_schema_free(s);
    /* src need not be NUL-terminated: only len bytes are read */
    char *exact = malloc(22);
    memcpy(exact, "schema T { a: String }", 22);
    s = bsg_schema_compile(exact, 22, NULL, NULL, &d);
    ck_assert_ptr_nonnull(s);
    bsg_schema_free(s);
    free(exact);

    ck_assert_ptr_null(bsg_schema_compile_file(NULL, NULL, &d));
    ck_assert_ptr_null(bsg_schema_compile_file(NULL, NULL, NULL));
}
END_TEST

START_TEST(null_diag_format)
{
    char buf[64];
    memset(buf, 'x', sizeof buf);
    ck_assert_uint_eq(bsg_diag_format(NULL, NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(bsg_diag_format(NULL, "warning", NULL, 0), 0);

    bsg_diag d;
    ck_assert_ptr_null(bsg_schema_compile("schema T { a: Strin }", 21, "t.bsg", NULL, &d));
    char full[1024];
    size_t need = bsg_diag_format(&d, NULL, full, sizeof full);
    ck_assert_uint_eq(need, strlen(full));
    char expect_head[128];
    snprintf(expect_head, sizeof expect_head, "t.bsg:%u:%u: error: ", d.line, d.column);
    ck_assert_msg(strncmp(full, expect_head, strlen(expect_head)) == 0, "%s", full);
    ck_assert_uint_eq(d.line, 1);
    ck_assert_uint_eq(d.column, 15);
    ck_assert_ptr_nonnull(strstr(full, "\n    schema T { a: Strin }\n"));
    ck_assert_ptr_nonnull(strstr(full, "\nhint: did you mean `String`?"));
    /* severity */
    char warn[1024];
    bsg_diag_format(&d, "warning", warn, sizeof warn);
    snprintf(expect_head, sizeof expect_head, "t.bsg:%u:%u: warning: ", d.line, d.column);
    ck_assert_msg(strncmp(warn, expect_head, strlen(expect_head)) == 0, "%s", warn);
    /* truncation, like snprintf */
    char small[8];
    ck_assert_uint_eq(bsg_diag_format(&d, NULL, small, sizeof small), need);
    ck_assert_str_eq(small, "t.bsg:1");
    ck_assert_uint_eq(bsg_diag_format(&d, NULL, NULL, 0), need);
}
END_TEST

/* MARK: - Models */

START_TEST(models)
{
    bsg_schema *s = util_compile("schema A { a: String }\n"
                                 "schema Beta { b: A }\n"
                                 "schema C extends A { c: Number }\n");
    ck_assert_uint_eq(bsg_schema_model_count(s), 3);
    static const char *const names[] = {"A", "Beta", "C"};
    for (size_t i = 0; i < 3; i++) {
        const bsg_model *m = bsg_schema_model_at(s, i);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(bsg_model_name(m), names[i]);
        ck_assert_ptr_eq(bsg_schema_model(s, names[i]), m);
    }
    ck_assert_ptr_null(bsg_schema_model_at(s, 3));
    bsg_schema_free(s);
}
END_TEST

START_TEST(lints)
{
    bsg_schema *s = util_compile("schema T { m: Schema.Types.Mixed, n: Number }");
    ck_assert_uint_ge(bsg_schema_lint_count(s), 1);
    const bsg_diag *d = bsg_schema_lint_at(s, 0);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->code, "mixed-path");
    ck_assert_uint_eq(d->line, 1);
    ck_assert_str_eq(d->file, "test.bsg");
    bsg_schema_free(s);
    s = util_compile("schema T { n: Number }");
    ck_assert_uint_eq(bsg_schema_lint_count(s), 0);
    ck_assert_ptr_null(bsg_schema_lint_at(s, 0));
    bsg_schema_free(s);
}
END_TEST

/* MARK: - Options, kinds, version */

START_TEST(options_defaults)
{
    bsg_options o;
    memset(&o, 0xA5, sizeof o);
    bsg_options_init(&o);
    ck_assert_uint_eq(o.max_errors, 100);
    ck_assert_int_eq(o.strict, BSG_STRICT_SCHEMA);
    ck_assert_uint_eq(o.max_depth, 180);
    ck_assert_uint_eq(o.max_size, 16777216);
}
END_TEST

static const struct {
    bsg_kind kind;
    const char *name;
} kind_rows[] = {
    {BSG_KIND_NONE, ""},
    {BSG_KIND_REQUIRED, "required"},
    {BSG_KIND_TYPE, "type"},
    {BSG_KIND_ENUM, "enum"},
    {BSG_KIND_MIN, "min"},
    {BSG_KIND_MAX, "max"},
    {BSG_KIND_MINLENGTH, "minlength"},
    {BSG_KIND_MAXLENGTH, "maxlength"},
    {BSG_KIND_REGEXP, "regexp"},
    {BSG_KIND_USER_DEFINED, "user defined"},
    {BSG_KIND_ALLOW_NULL, "allowNull"},
    {BSG_KIND_UNKNOWN, "unknown"},
    {BSG_KIND_KEY, "key"},
    {BSG_KIND_SERVER, "server"},
    {BSG_KIND_LIMIT, "limit"},
    {BSG_KIND_MALFORMED, "malformed"},
    {BSG_KIND_COUNT, ""},
    {(bsg_kind)(BSG_KIND_COUNT + 1), ""},
    {(bsg_kind)1000, ""},
    {(bsg_kind)-1, ""},
};

START_TEST(kind_names)
{
    ck_assert_int_eq(BSG_KIND_COUNT, 16); /* every kind has a row above */
    const char *name = bsg_kind_name(kind_rows[_i].kind);
    ck_assert_ptr_nonnull(name);
    ck_assert_str_eq(name, kind_rows[_i].name);
}
END_TEST

START_TEST(version)
{
    ck_assert_str_eq(bsg_version(), "0.1.0");
    ck_assert_str_eq(bsg_version(), BSG_VERSION_STRING);
    char built[32];
    snprintf(built, sizeof built, "%d.%d.%d", BSG_VERSION_MAJOR, BSG_VERSION_MINOR, BSG_VERSION_PATCH);
    ck_assert_str_eq(built, BSG_VERSION_STRING);
    ck_assert_ptr_eq(bsg_version(), bsg_version());
}
END_TEST

/* MARK: - JSON rendering */

#define JSON_SCHEMA "schema T { a: String, s: { type: String, enum: ['a'] } }"
#define JSON_DOC "{\"a\": 5, \"s\": \"q\\\"\\n\\u0001\"}"
#define JSON_OUT                                                                              \
    "[{\"path\":\"a\",\"kind\":\"type\",\"expected\":\"String\",\"actual\":\"int\","           \
    "\"message\":\"Cast to String failed for value 5 (type int) at path \\\"a\\\"\",\"value\":\"5\"}," \
    "{\"path\":\"s\",\"kind\":\"enum\",\"expected\":\"String\",\"actual\":\"string\","         \
    "\"message\":\"`q\\\"\\n\\u0001` is not a valid enum value for path `s`.\","               \
    "\"value\":\"\\\"q\\\\\\\"\\\\n\\\\u0001\\\"\"}]"

START_TEST(result_json)
{
    bsg_schema *s = util_compile(JSON_SCHEMA);
    bson_t *b = util_json(JSON_DOC);
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, NULL), b, NULL, r);
    char buf[2048];
    size_t need = bsg_result_json(r, buf, sizeof buf);
    ck_assert_str_eq(buf, JSON_OUT);
    ck_assert_uint_eq(need, strlen(JSON_OUT));
    /* it parses as JSON (libbson reads a top-level array as a document) */
    bson_error_t err;
    bson_t *parsed = bson_new_from_json((const uint8_t *)buf, -1, &err);
    ck_assert_msg(parsed != NULL, "%s", err.message);
    bson_destroy(parsed);

    /* truncation: the needed length comes back, the output is NUL-terminated */
    char small[10];
    memset(small, 'x', sizeof small);
    ck_assert_uint_eq(bsg_result_json(r, small, sizeof small), need);
    ck_assert_uint_eq(strlen(small), 9);
    ck_assert(strncmp(small, JSON_OUT, 9) == 0);
    char one[1] = {'x'};
    ck_assert_uint_eq(bsg_result_json(r, one, 1), need);
    ck_assert_int_eq(one[0], '\0');
    ck_assert_uint_eq(bsg_result_json(r, NULL, 0), need);
    char exact[sizeof JSON_OUT];
    ck_assert_uint_eq(bsg_result_json(r, exact, sizeof exact), need);
    ck_assert_str_eq(exact, JSON_OUT);
    char short1[sizeof JSON_OUT - 1];
    ck_assert_uint_eq(bsg_result_json(r, short1, sizeof short1), need);
    ck_assert_uint_eq(strlen(short1), need - 1);

    /* a valid document renders as [] */
    bson_t *ok = util_json("{\"a\": \"x\"}");
    util_validate(util_model(s, NULL), ok, NULL, r);
    ck_assert_uint_eq(bsg_result_json(r, buf, sizeof buf), 2);
    ck_assert_str_eq(buf, "[]");
    ck_assert_uint_eq(bsg_result_json(NULL, buf, sizeof buf), 2);
    ck_assert_str_eq(buf, "[]");
    bson_destroy(ok);
    bson_destroy(b);
    bsg_result_free(r);
    bsg_schema_free(s);
}
END_TEST

/* The error fields, all of them, on one representative error. */
START_TEST(error_fields)
{
    bsg_schema *s = util_compile("schema T { a: String, n: { type: Number, min: 0 } }");
    bson_t *b = util_json("{\"a\": \"x\", \"n\": -1}");
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, NULL), b, NULL, r);
    ck_assert_uint_eq(bsg_result_count(r), 1);
    const bsg_error *e = bsg_result_error(r, 0);
    ck_assert_int_eq(e->kind, BSG_KIND_MIN);
    ck_assert_str_eq(e->path, "n");
    ck_assert_str_eq(e->expected, "Number");
    ck_assert_str_eq(e->actual, "int");
    ck_assert_str_eq(e->value, "-1");
    ck_assert_str_eq(e->message, "Path `n` (-1) is less than minimum allowed value (0).");
    /* the offset of the element: its type byte, after {a: "x"} (4 + 1 + 2 + 4 + 2) */
    ck_assert_uint_eq(e->offset, 13);
    ck_assert_int_eq(bson_get_data(b)[e->offset], 0x10);
    bson_destroy(b);
    bsg_result_free(r);
    bsg_schema_free(s);
}
END_TEST

/* MARK: - Compiling files */

static char *temp_file(const char *content)
{
    char *path = strdup("/tmp/bsg-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(content);
    ck_assert_int_eq(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

START_TEST(compile_file)
{
    char *path = temp_file("// a file\nschema T {\n  a: { type: String, required: true },\n}\n");
    bsg_diag d;
    bsg_schema *s = bsg_schema_compile_file(path, NULL, &d);
    ck_assert_msg(s != NULL, "%s", d.message);
    bson_t *b = util_json("{}");
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, "T"), b, NULL, r);
    ck_assert_errors(r, "a required");
    bsg_result_free(r);
    bson_destroy(b);
    bsg_schema_free(s);
    unlink(path);
    free(path);

    /* a compile error names the path, line and column */
    path = temp_file("schema T {\n  a: { type: String, requird: true },\n}\n");
    ck_assert_ptr_null(bsg_schema_compile_file(path, NULL, &d));
    ck_assert_str_eq(d.file, path);
    ck_assert_uint_eq(d.line, 2);
    ck_assert_uint_eq(d.column, 22);
    ck_assert_str_eq(d.code, "unknown-option");
    ck_assert_str_eq(d.hint, "did you mean `required`?");
    ck_assert_str_eq(d.source_line, "  a: { type: String, requird: true },");
    unlink(path);
    free(path);
}
END_TEST

START_TEST(compile_file_missing)
{
    bsg_diag d;
    memset(&d, 0x5A, sizeof d);
    const char *path = "/tmp/bsg-test-does-not-exist/x.bsg";
    ck_assert_ptr_null(bsg_schema_compile_file(path, NULL, &d));
    ck_assert_str_eq(d.file, path);
    ck_assert_uint_eq(d.line, 0);
    ck_assert_str_eq(d.message, strerror(ENOENT));
    ck_assert_str_eq(d.hint, "");
    char text[512];
    bsg_diag_format(&d, NULL, text, sizeof text);
    char expect[512];
    snprintf(expect, sizeof expect, "%s: error: %s", path, strerror(ENOENT));
    ck_assert_str_eq(text, expect);

    /* a directory is not a schema file */
    ck_assert_ptr_null(bsg_schema_compile_file("/tmp", NULL, &d));
    ck_assert_str_eq(d.file, "/tmp");
    ck_assert_uint_eq(d.line, 0);
    ck_assert_str_ne(d.message, "");
}
END_TEST

/* MARK: - Registry */

static bool pass_fn(const bsg_value *v, void *ctx, char *message, size_t cap)
{
    (void)v, (void)message, (void)cap;
    ++*(int *)ctx;
    return true;
}

static bool fail_fn(const bsg_value *v, void *ctx, char *message, size_t cap)
{
    (void)v;
    ++*(int *)ctx;
    snprintf(message, cap, "failed by fail_fn");
    return false;
}

START_TEST(registry_replace)
{
    int a = 0, b = 0;
    bsg_registry *reg = bsg_registry_new();
    ck_assert(bsg_registry_add(reg, "check", pass_fn, &a));
    const char *src = "schema T { s: { type: String, validate: 'check' } }";
    bsg_schema *s1 = util_compile_reg(src, reg);
    /* a later registration of the same name replaces the first */
    ck_assert(bsg_registry_add(reg, "check", fail_fn, &b));
    bsg_schema *s2 = util_compile_reg(src, reg);
    /* many other names: the registry grows */
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof name, "v%d", i);
        ck_assert(bsg_registry_add(reg, name, pass_fn, &a));
    }
    bsg_schema *s3 = util_compile_reg("schema T { s: { type: String, validate: ['v99', 'check', 'v0'] } }", reg);
    bsg_registry_free(reg); /* schemas compiled with it stay valid */

    bson_t *doc = util_json("{\"s\": \"x\"}");
    bsg_result *r = bsg_result_new();
    ck_assert(util_validate(util_model(s1, NULL), doc, NULL, r));
    ck_assert_int_eq(a, 1);
    ck_assert_int_eq(b, 0);
    ck_assert(!util_validate(util_model(s2, NULL), doc, NULL, r));
    ck_assert_errors(r, "s user defined");
    ck_assert_str_eq(bsg_result_error(r, 0)->message, "failed by fail_fn");
    ck_assert_int_eq(a, 1);
    ck_assert_int_eq(b, 1);
    ck_assert(!util_validate(util_model(s3, NULL), doc, NULL, r));
    ck_assert_int_eq(a, 2); /* v99 ran, v0 did not: the first failure wins */
    ck_assert_int_eq(b, 2);
    bsg_result_free(r);
    bson_destroy(doc);
    bsg_schema_free(s1);
    bsg_schema_free(s2);
    bsg_schema_free(s3);
}
END_TEST

START_TEST(registry_unknown_name)
{
    int a = 0;
    bsg_registry *reg = bsg_registry_new();
    ck_assert(bsg_registry_add(reg, "isEven", pass_fn, &a));
    bsg_diag d;
    const char *src = "schema T { n: { type: Number, validate: 'isEvn' } }";
    ck_assert_ptr_null(bsg_schema_compile(src, strlen(src), NULL, reg, &d));
    ck_assert_str_eq(d.code, "unknown-validator");
    ck_assert_str_eq(d.hint, "did you mean 'isEven'?");
    ck_assert_ptr_null(bsg_schema_compile(src, strlen(src), NULL, NULL, &d));
    ck_assert_str_eq(d.code, "unknown-validator");
    bsg_registry_free(reg);
}
END_TEST

/* MARK: - Threads */

#define THREADS 8
#define ROUNDS 10000

static atomic_long thread_calls;

static bool counting_fn(const bsg_value *v, void *ctx, char *message, size_t cap)
{
    (void)ctx, (void)message, (void)cap;
    atomic_fetch_add(&thread_calls, 1);
    return v->number >= 0;
}

#define THREAD_SCHEMA                                                                  \
    "schema Item { sku: { type: String, required: true, match: /^[A-Z]{3}-\\d+$/ }, qty: { type: Number, validate: 'nonneg' } }\n" \
    "schema Order {\n"                                                                 \
    "  customer: { type: String, required: true, minlength: 2 },\n"                    \
    "  items: [Item],\n"                                                               \
    "  tags: { type: Map, of: String },\n"                                             \
    "  meta: Schema.Types.Mixed,\n"                                                    \
    "} with { strict: 'throw' }\n"

static const char *const thread_docs[] = {
    "{\"customer\": \"ann\", \"items\": [{\"sku\": \"ABC-1\", \"qty\": 2}, {\"sku\": \"XYZ-22\", \"qty\": 0}],"
    " \"tags\": {\"a\": \"b\"}, \"meta\": {\"x\": [1, 2, {\"y\": null}]}}",
    "{\"customer\": \"a\", \"items\": [{\"sku\": \"abc-1\", \"qty\": -1}, {\"qty\": 3}],"
    " \"tags\": {\"$a\": \"b\", \"c\": 1}, \"extra\": true}",
    "{\"items\": [{\"sku\": \"ABC-1\"}], \"meta\": {\"k\": 1, \"k\": 2}}",
};

typedef struct thread_arg {
    const bsg_model *model;
    const uint8_t *data[COUNT(thread_docs)];
    size_t len[COUNT(thread_docs)];
    const char *expect[COUNT(thread_docs)];
    const uint8_t *dump; /* the documents back to back */
    size_t dump_len;
    int mismatches;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *arg = p;
    bsg_result *r = bsg_result_new();
    char got[2048];
    for (int i = 0; i < ROUNDS; i++) {
        size_t k = (size_t)i % COUNT(thread_docs);
        bsg_validate(arg->model, arg->data[k], arg->len[k], NULL, r);
        util_errors(r, got, sizeof got);
        if (strcmp(got, arg->expect[k]) != 0)
            arg->mismatches++;
    }
    bsg_result_free(r);
    /* batches too: each thread its own, over the same shared model */
    bsg_batch *b = bsg_batch_new();
    for (int i = 0; i < ROUNDS / 100; i++) {
        if (bsg_validate_many(arg->model, arg->dump, arg->dump_len, NULL, b) != COUNT(thread_docs) ||
            bsg_batch_invalid_count(b) != 2)
            arg->mismatches++;
    }
    bsg_batch_free(b);
    return NULL;
}

START_TEST(threads)
{
    bsg_registry *reg = bsg_registry_new();
    ck_assert(bsg_registry_add(reg, "nonneg", counting_fn, NULL));
    bsg_schema *s = util_compile_reg(THREAD_SCHEMA, reg);
    bsg_registry_free(reg);
    const bsg_model *m = util_model(s, "Order");

    bson_t *docs[COUNT(thread_docs)];
    char expect[COUNT(thread_docs)][2048];
    bsg_result *r = bsg_result_new();
    for (size_t k = 0; k < COUNT(thread_docs); k++) {
        docs[k] = util_json(thread_docs[k]);
        util_validate(m, docs[k], NULL, r);
        util_errors(r, expect[k], sizeof expect[k]);
    }
    bsg_result_free(r);
    /* the single-threaded verdicts, pinned */
    ck_assert_str_eq(expect[0], "");
    ck_assert_str_eq(expect[1], "customer minlength, items.0.sku regexp, items.0.qty user defined, "
                                "items.1.sku required, tags.$a key, tags.c type, extra unknown");
    ck_assert_str_eq(expect[2], "meta.k key, customer required");

    size_t dump_len = 0;
    for (size_t k = 0; k < COUNT(thread_docs); k++)
        dump_len += docs[k]->len;
    uint8_t *dump = malloc(dump_len);
    ck_assert_ptr_nonnull(dump);
    for (size_t k = 0, at = 0; k < COUNT(thread_docs); at += docs[k]->len, k++)
        memcpy(dump + at, bson_get_data(docs[k]), docs[k]->len);

    atomic_store(&thread_calls, 0);
    pthread_t tids[THREADS];
    thread_arg args[THREADS];
    for (int t = 0; t < THREADS; t++) {
        args[t].model = m;
        args[t].mismatches = 0;
        args[t].dump = dump;
        args[t].dump_len = dump_len;
        for (size_t k = 0; k < COUNT(thread_docs); k++) {
            args[t].data[k] = bson_get_data(docs[k]);
            args[t].len[k] = docs[k]->len;
            args[t].expect[k] = expect[k];
        }
        ck_assert_int_eq(pthread_create(&tids[t], NULL, thread_main, &args[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        ck_assert_int_eq(pthread_join(tids[t], NULL), 0);
        ck_assert_msg(args[t].mismatches == 0, "thread %d: %d verdicts differ", t, args[t].mismatches);
    }
    /* doc 0 calls the validator twice, doc 1 twice, doc 2 never */
    long per_thread = 0;
    for (int i = 0; i < ROUNDS; i++)
        per_thread += (i % 3 == 2) ? 0 : 2;
    per_thread += ROUNDS / 100 * 4; /* each batch: docs 0 and 1, twice each */
    ck_assert_int_eq(atomic_load(&thread_calls), per_thread * THREADS);
    free(dump);
    for (size_t k = 0; k < COUNT(thread_docs); k++)
        bson_destroy(docs[k]);
    bsg_schema_free(s);
}
END_TEST

/* MARK: - Suite */

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("null");
    tcase_add_test(tc, null_free_functions);
    tcase_add_test(tc, null_schema_queries);
    tcase_add_test(tc, null_results);
    tcase_add_test(tc, null_validate);
    tcase_add_test(tc, null_registry);
    tcase_add_test(tc, null_compile);
    tcase_add_test(tc, null_diag_format);
    suite_add_tcase(s, tc);

    tc = tcase_create("api");
    tcase_add_test(tc, models);
    tcase_add_test(tc, lints);
    tcase_add_test(tc, options_defaults);
    tcase_add_loop_test(tc, kind_names, 0, (int)COUNT(kind_rows));
    tcase_add_test(tc, version);
    tcase_add_test(tc, result_json);
    tcase_add_test(tc, error_fields);
    tcase_add_test(tc, compile_file);
    tcase_add_test(tc, compile_file_missing);
    tcase_add_test(tc, registry_replace);
    tcase_add_test(tc, registry_unknown_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return util_run_suite(api_suite());
}
