/*
 * Fuzz target: the DSL compiler. Input: schema text (use bsg.dict). A failed
 * compile must leave a complete diagnostic (every string NUL-terminated
 * within its field, a position inside the text, a code, a rendering with
 * snprintf semantics). A schema that compiles is then used: every model is
 * looked up by name, linted, and validates a few realistic documents, so
 * that whatever tables the compiler emits are walked by the validator.
 */
#include "json_check.h"
#include "schemas.h"

#include <bson/bson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(cond, ...)                                                                 \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_compile: %s: ", #cond);                                  \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* Documents the compiled models validate: Extended JSON, built once. */
static const char *const sample_json[] = {
    "{}",
    "{\"_id\":{\"$oid\":\"665f1a2b3c4d5e6f70818201\"},\"participants\":[{\"$oid\":\"665f00000000000000000001\"}],"
    "\"title\":\"Launch planning\",\"status\":\"active\",\"metadata\":{\"source\":\"web\",\"tags\":[\"q3\"]},"
    "\"settings\":{\"muted\":false,\"theme\":\"dark\"},\"messages\":[{\"sender\":{\"$oid\":\"665f00000000000000000001\"},"
    "\"body\":\"Can we ship on Friday?\",\"sentAt\":{\"$date\":\"2024-06-03T09:15:00Z\"},\"readBy\":[],"
    "\"attachments\":[{\"url\":\"https://files.example.com/plan.pdf\",\"size\":48213,\"mime\":\"application/pdf\"}]}],"
    "\"counters\":{\"unread\":0,\"messages\":2},\"createdAt\":{\"$date\":\"2024-06-03T09:15:00Z\"},\"__v\":0}",
    "{\"sku\":\"A-1\",\"qty\":{\"$numberInt\":\"0\"},\"tags\":[\"x\",null,3],\"name\":\"\\u00c9lodie\",\"email\":\"a@b\","
    "\"n\":{\"$numberDouble\":\"NaN\"},\"i\":{\"$numberLong\":\"7\"},\"big\":{\"$numberLong\":\"-9\"},"
    "\"dec\":{\"$numberDecimal\":\"1.5\"},\"buf\":{\"$binary\":{\"base64\":\"AAECAwQFBgcICQoLDA0ODw==\",\"subType\":\"04\"}},"
    "\"when\":{\"$date\":{\"$numberLong\":\"-1\"}},\"flag\":true,\"type\":\"circle\",\"size\":2,\"kind\":\"Click\","
    "\"at\":{\"$date\":\"2024-01-01T00:00:00Z\"},\"x\":-1,\"text\":\"hi\",\"replies\":[{\"text\":\"yo\",\"replies\":[{}]}],"
    "\"labels\":{\"a\":\"b\",\"$c\":\"d\"},\"matrix\":[[1,-2],[]],\"union\":[true],\"slug\":\"hello-world\","
    "\"re\":{\"$regularExpression\":{\"pattern\":\"^a\",\"options\":\"i\"}},\"m\":{\"$minKey\":1},\"u\":{\"$undefined\":true}}",
    "{\"a\":{\"b\":{\"c\":{\"d\":[[[{\"e\":\"deep\"}]]]}}},\"title\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\",\"status\":\"closed\"}",
};
#define NSAMPLES (sizeof sample_json / sizeof sample_json[0])

static bson_t *samples[NSAMPLES];

static void load_samples(void)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        bson_error_t err;
        samples[i] = bson_new_from_json((const uint8_t *)sample_json[i], -1, &err);
        require(samples[i] != NULL, "sample %zu: %s", i, err.message);
    }
}

static bool terminated(const char *field, size_t cap) { return memchr(field, 0, cap) != NULL; }

static void check_diag(const bsg_diag *d, size_t size, bool lint)
{
    require(terminated(d->file, sizeof d->file) && terminated(d->code, sizeof d->code) &&
                terminated(d->message, sizeof d->message) && terminated(d->hint, sizeof d->hint) &&
                terminated(d->source_line, sizeof d->source_line),
            "an unterminated field");
    require(*d->code && *d->message, "empty code or message");
    require(d->offset <= size, "offset %u past %zu bytes", d->offset, size);
    require(lint || d->line == 0 || d->column >= 1, "line %u column %u", d->line, d->column);
    size_t need = bsg_diag_format(d, lint ? "warning" : NULL, NULL, 0);
    char *text = malloc(need + 1);
    require(bsg_diag_format(d, lint ? "warning" : NULL, text, need + 1) == need &&
                strlen(text) == need,
            "rendering length %zu", need);
    char small[9];
    size_t cap = need / 2 + 1 < sizeof small ? need / 2 + 1 : sizeof small;
    bsg_diag_format(d, NULL, small, cap);
    require(strlen(small) == cap - 1, "cut rendering length");
    free(text);
}

static void use_schema(bsg_schema *s, size_t size, bsg_result *res)
{
    size_t models = bsg_schema_model_count(s);
    require(models > 0, "a schema with no model");
    require(bsg_schema_model_at(s, models) == NULL, "a model past the count");
    for (size_t i = 0; i < bsg_schema_lint_count(s); i++)
        check_diag(bsg_schema_lint_at(s, i), size, true);
    bsg_options o;
    bsg_options_init(&o);
    for (size_t m = 0; m < models; m++) {
        const bsg_model *model = bsg_schema_model_at(s, m);
        const char *name = bsg_model_name(model);
        require(name && bsg_schema_model(s, name) != NULL, "model %zu has no name", m);
        for (size_t i = 0; i < NSAMPLES; i++) {
            o.max_errors = i % 2 ? 0 : 100;
            bool valid = bsg_validate(model, bson_get_data(samples[i]), samples[i]->len, &o, res);
            require(valid == (bsg_result_count(res) == 0), "verdict and count differ");
            size_t need = bsg_result_json(res, NULL, 0);
            char *text = malloc(need + 1);
            bsg_result_json(res, text, need + 1);
            size_t where;
            require(json_check(text, need, &where), "invalid JSON at byte %zu: %s", where, text);
            free(text);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bsg_result *res;
    if (!res) {
        res = bsg_result_new();
        load_samples();
    }
    const char *src = (const char *)data;
    bsg_diag diag;
    memset(&diag, 0x5A, sizeof diag); /* no terminator unless the compiler writes one */
    bsg_schema *s = bsg_schema_compile(src, size, "fuzz.bsg", fz_registry(), &diag);
    if (s)
        use_schema(s, size, res);
    else
        check_diag(&diag, size, false);
    bsg_schema_free(s);

    /* The options path, with tight limits, on every other input. */
    if (size % 2) {
        bsg_compile_options co;
        bsg_compile_options_init(&co);
        co.registry = fz_registry();
        co.max_source_depth = 8;
        co.regex_match_limit = 1000;
        co.regex_depth_limit = 50;
        memset(&diag, 0x5A, sizeof diag);
        s = bsg_schema_compile_opts(src, size, NULL, &co, &diag);
        if (s)
            use_schema(s, size, res);
        else
            check_diag(&diag, size, false);
        bsg_schema_free(s);
    }
    return 0;
}
