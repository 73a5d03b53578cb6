/*
 * Fuzz target: bsg_validate() against the representative schemas
 * (schemas.c). Input: a model selector byte, an options byte (fz_options),
 * then one BSON document. Beyond not crashing, it checks what the API
 * promises: the verdict matches the error count, the cap holds, every error
 * is complete, bsg_result_json() is strict JSON with snprintf semantics, a
 * reused result gives the same answer as a fresh one and as a walk that
 * checks every string's UTF-8 in place (not deferred), and `malformed`
 * agrees with the reference walk of the well-formedness oracle whatever the
 * schema.
 */
#include "json_check.h"
#include "schemas.h"
#include "validator.h"
#include "wellformed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(cond, ...)                                                                 \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_validate: %s: ", #cond);                                 \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static void check_errors(const bsg_result *res, bool valid, const bsg_options *o, size_t len)
{
    size_t n = bsg_result_count(res);
    require(valid == (n == 0), "verdict %d with %zu errors", valid, n);
    require(o->max_errors == 0 || n <= o->max_errors, "%zu errors over the cap", n);
    require(!bsg_result_truncated(res) || n == o->max_errors, "truncated below the cap");
    require(bsg_result_error(res, n) == NULL, "an error past the count");
    for (size_t i = 0; i < n; i++) {
        const bsg_error *e = bsg_result_error(res, i);
        require(e && e->kind > BSG_KIND_NONE && e->kind < BSG_KIND_COUNT, "kind %d", e ? (int)e->kind : -1);
        require(*bsg_kind_name(e->kind), "unnamed kind %d", (int)e->kind);
        require(e->path && e->expected && e->actual && e->value && e->message, "a NULL field");
        require(*e->message, "empty message at %s", e->path);
        require(e->offset <= len, "offset %u past %zu bytes", e->offset, len);
    }
}

/* The JSON rendering, whole and cut short. Returns the text (caller frees). */
static char *check_json(const bsg_result *res)
{
    size_t need = bsg_result_json(res, NULL, 0);
    char *text = malloc(need + 1);
    require(bsg_result_json(res, text, need + 1) == need && strlen(text) == need,
            "length %zu", need);
    size_t where;
    require(json_check(text, need, &where), "invalid JSON at byte %zu: %s", where, text);
    char small[17];
    size_t cap = need / 2 + 1 < sizeof small ? need / 2 + 1 : sizeof small;
    require(bsg_result_json(res, small, cap) == need, "cut rendering changes the length");
    require(strlen(small) == cap - 1 && memcmp(small, text, cap - 1) == 0,
            "cut rendering is not a prefix");
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bsg_result *reused;
    if (!reused)
        reused = bsg_result_new();
    if (size < 2)
        return 0;
    const bsg_model *model = fz_model(data[0]);
    bsg_options o;
    fz_options(data[1], &o);
    const uint8_t *doc = data + 2;
    size_t len = size - 2;

    bool valid = bsg_validate(model, doc, len, &o, reused);
    check_errors(reused, valid, &o, len);
    char *first = check_json(reused);

    bsg_result *fresh = bsg_result_new();
    require(bsg_validate(model, doc, len, &o, fresh) == valid, "a fresh result disagrees");
    char *second = check_json(fresh);
    require(strcmp(first, second) == 0, "reused result: %s\nfresh result: %s", first, second);

    /* UTF-8 checks deferred to the document's end, or done in place: the
       same report. */
    bsg_result *immediate = bsg_result_new();
    require(bsg__validate_deferring(model, doc, len, &o, immediate, false) == valid,
            "checking strings in place changes the verdict");
    char *third = check_json(immediate);
    require(strcmp(first, third) == 0, "deferred: %s\nin place: %s", first, third);
    free(third);
    bsg_result_free(immediate);

    /* Well-formedness is the same whatever the schema: never a false alarm,
       and never a miss when no cap can stop the walk early. */
    uint32_t depth = o.max_depth && o.max_depth < 180 ? o.max_depth : 180;
    wf_verdict ref = wf_reference(doc, len, depth);
    wf_verdict got = wf_from_result(fresh);
    bool no_caps = o.max_errors == 0 && o.max_array_length == 0;
    if ((got.malformed && !ref.malformed) || (no_caps && ref.malformed && !got.malformed)) {
        wf_explain("malformed verdict depends on the schema", doc, len, &ref, fresh);
        abort();
    }
    free(first);
    free(second);
    bsg_result_free(fresh);
    return 0;
}
