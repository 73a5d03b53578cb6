/*
 * Fuzz target: bsg_validate_many(). Input: a model selector byte, an options
 * byte (fz_options), then BSON documents end to end (a mongodump stream).
 * The batch must agree with bsg_validate() run on each document as the
 * header frames them: the count, every verdict, the invalid count, and the
 * JSON, which must be strict JSON and exactly the per-document errors.
 */
#include "json_check.h"
#include "schemas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(cond, ...)                                                                 \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_validate_many: %s: ", #cond);                            \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* The batch JSON entry bsg_batch_json() documents for one invalid document. */
static void add_entry(text *t, size_t doc, size_t offset, const bsg_result *res)
{
    char head[128];
    int n = snprintf(head, sizeof head, "%s{\"doc\":%zu,\"offset\":%zu,\"truncated\":%s,\"errors\":",
                     t->len > 1 ? "," : "", doc, offset,
                     bsg_result_truncated(res) ? "true" : "false");
    add(t, head, (size_t)n);
    size_t need = bsg_result_json(res, NULL, 0);
    char *errors = malloc(need + 1);
    bsg_result_json(res, errors, need + 1);
    add(t, errors, need);
    add(t, "}", 1);
    free(errors);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bsg_batch *batch;
    static bsg_result *res;
    if (!batch) {
        batch = bsg_batch_new();
        res = bsg_result_new();
    }
    if (size < 2)
        return 0;
    const bsg_model *model = fz_model(data[0]);
    bsg_options o;
    fz_options(data[1], &o);
    const uint8_t *stream = data + 2;
    size_t len = size - 2;

    size_t count = bsg_validate_many(model, len ? stream : NULL, len, &o, batch);
    const uint8_t *verdicts = bsg_batch_verdicts(batch);
    require(count == bsg_batch_count(batch), "%zu vs %zu", count, bsg_batch_count(batch));
    require((count == 0) == (verdicts == NULL), "verdicts %p for %zu documents",
            (const void *)verdicts, count);

    text expect = {0};
    add(&expect, "[", 1);
    size_t at = 0, i = 0, invalid = 0;
    while (at < len) {
        size_t left = len - at;
        size_t n = left >= 5 ? rd32(stream + at) : left;
        if (n < 5 || n > left)
            n = left; /* framing is lost: the rest is one last, invalid document */
        bool valid = bsg_validate(model, stream + at, n, &o, res);
        require(i < count, "only %zu documents, expected more", count);
        require(verdicts[i] == valid, "document %zu at byte %zu: batch %d, alone %d", i, at,
                verdicts[i], valid);
        if (!valid) {
            add_entry(&expect, i, at, res);
            invalid++;
        }
        i++;
        at += n;
    }
    add(&expect, "]", 1);
    require(i == count, "%zu documents framed, batch says %zu", i, count);
    require(invalid == bsg_batch_invalid_count(batch), "%zu invalid, batch says %zu", invalid,
            bsg_batch_invalid_count(batch));

    size_t jlen = 0;
    const char *json = bsg_batch_json(batch, &jlen);
    size_t where;
    require(json && strlen(json) == jlen, "JSON length");
    require(json_check(json, jlen, &where), "invalid JSON at byte %zu: %s", where, json);
    require(strcmp(json, expect.p) == 0, "batch JSON:\n%s\nper document:\n%s", json, expect.p);
    free(expect.p);
    return 0;
}
