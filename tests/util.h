/*
 * Helpers shared by the Check programs: compile a schema or fail with its
 * formatted diagnostic, build BSON from Extended JSON, validate, and render
 * an error list as a compact "path kind, path kind" string so that a whole
 * verdict fits in one string comparison.
 *
 * Everything is `static inline` so that each test program includes only
 * what it uses without unused-function warnings.
 */
#ifndef BSG_TEST_UTIL_H
#define BSG_TEST_UTIL_H

#include "bsonguard.h"

#include <bson/bson.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an empty path ("" = the document itself) is shown in error lists. */
#define UTIL_ROOT "(root)"

/* MARK: - Schemas */

/* Compile `src` with `reg`, or fail the test with the rendered diagnostic. */
static inline bsg_schema *util_compile_reg(const char *src, const bsg_registry *reg)
{
    bsg_diag diag;
    bsg_schema *s = bsg_schema_compile(src, strlen(src), "test.bsg", reg, &diag);
    if (!s) {
        char text[2048];
        bsg_diag_format(&diag, NULL, text, sizeof text);
        ck_abort_msg("schema did not compile:\n%s\n--- source:\n%s", text, src);
    }
    return s;
}

static inline bsg_schema *util_compile(const char *src) { return util_compile_reg(src, NULL); }

/* The model called `name`, or the last one declared when `name` is NULL
   (schemas usually declare their children first). Fails if absent. */
static inline const bsg_model *util_model(const bsg_schema *s, const char *name)
{
    const bsg_model *m = name ? bsg_schema_model(s, name)
                              : bsg_schema_model_at(s, bsg_schema_model_count(s) - 1);
    ck_assert_msg(m != NULL, "no model `%s`", name ? name : "(last)");
    return m;
}

/* MARK: - Documents */

/* A document from (canonical or relaxed) Extended JSON, or fail. */
static inline bson_t *util_json(const char *json)
{
    bson_error_t err;
    bson_t *b = bson_new_from_json((const uint8_t *)json, -1, &err);
    ck_assert_msg(b != NULL, "bad test JSON (%s): %s", err.message, json);
    return b;
}

/* MARK: - Validation */

/* Validate `b` and check that the return value agrees with the count. */
static inline bool util_validate(const bsg_model *m, const bson_t *b, const bsg_options *o,
                                 bsg_result *r)
{
    bool ok = bsg_validate(m, bson_get_data(b), b->len, o, r);
    ck_assert_msg(ok == (bsg_result_count(r) == 0),
                  "bsg_validate returned %d with %zu errors", ok, bsg_result_count(r));
    return ok;
}

/* Render the errors of `r` as "path kind, path kind" into buf. */
static inline const char *util_errors(const bsg_result *r, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bsg_result_count(r); i++) {
        const bsg_error *e = bsg_result_error(r, i);
        int n = snprintf(buf + used, cap - used, "%s%s %s", i ? ", " : "",
                         e->path[0] ? e->path : UTIL_ROOT, bsg_kind_name(e->kind));
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* Render every error of `r` whole, as "path kind: message; " each, into
   buf: for tests that compare two reports exactly. */
static inline const char *util_messages(const bsg_result *r, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bsg_result_count(r); i++) {
        const bsg_error *e = bsg_result_error(r, i);
        int n = snprintf(buf + used, cap - used, "%s %s: %s; ", e->path, bsg_kind_name(e->kind),
                         e->message);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* The first error at `path`, or fail. */
static inline const bsg_error *util_error_at(const bsg_result *r, const char *path)
{
    for (size_t i = 0; i < bsg_result_count(r); i++)
        if (strcmp(bsg_result_error(r, i)->path, path) == 0)
            return bsg_result_error(r, i);
    char list[2048];
    ck_abort_msg("no error at `%s`; errors: %s", path, util_errors(r, list, sizeof list));
    return NULL;
}

/* Assert the error list of `r` (as rendered by util_errors) equals `expect`. */
#define ck_assert_errors(r, expect)                                            \
    do {                                                                       \
        char errs_[4096];                                                      \
        util_errors((r), errs_, sizeof errs_);                                 \
        ck_assert_str_eq(errs_, (expect));                                     \
    } while (0)

/*
 Compile `schema`, validate `json` against `model` (NULL: the last one) with
 `opts` (NULL: defaults) and write the error list into `out`. Everything is
 freed before returning.
 */
static inline const char *util_run(const char *schema, const char *model, const char *json,
                                   const bsg_options *opts, char *out, size_t cap)
{
    bsg_schema *s = util_compile(schema);
    bson_t *b = util_json(json);
    bsg_result *r = bsg_result_new();
    util_validate(util_model(s, model), b, opts, r);
    util_errors(r, out, cap);
    bsg_result_free(r);
    bson_destroy(b);
    bsg_schema_free(s);
    return out;
}

/* Validate raw bytes against a model; return the error list in `out`. */
static inline const char *util_run_bytes(const bsg_model *m, const uint8_t *data, size_t len,
                                         const bsg_options *opts, bsg_result *r, char *out,
                                         size_t cap)
{
    bool ok = bsg_validate(m, data, len, opts, r);
    ck_assert_msg(ok == (bsg_result_count(r) == 0),
                  "bsg_validate returned %d with %zu errors", ok, bsg_result_count(r));
    return util_errors(r, out, cap);
}

/* Run a suite as every test program does (CK_ENV: verbosity and forking
   from the environment, as meson sets them); the program's exit status. */
static inline int util_run_suite(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* BSG_TEST_UTIL_H */
