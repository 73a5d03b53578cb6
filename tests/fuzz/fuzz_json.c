/*
 * Fuzz target: the CLI's input path for Extended JSON (tools/input_json.c,
 * input_jdoc.c, jtext.c; input_bson.c when the bytes do not look like JSON)
 * and its reports (report.c, report_json.c, escape.c, docid.c), as
 * `bsonguard check` runs them. Input: the bytes of a DATA file. Every
 * document read must be framed BSON whose well-formedness verdict agrees
 * with the reference walk; every problem must carry a message; indexes must
 * count up; every line of the JSON report must be strict JSON.
 */
#define _GNU_SOURCE /* memfd_create, open_memstream */

#include "docid.h"
#include "input.h"
#include "json_check.h"
#include "report.h"
#include "schemas.h"
#include "wellformed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(cond, ...)                                                                 \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_json: %s: ", #cond);                                     \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static bool has_malformed(const bsg_result *res)
{
    for (size_t i = 0; i < bsg_result_count(res); i++)
        if (bsg_result_error(res, i)->kind == BSG_KIND_MALFORMED)
            return true;
    return false;
}

/* One document the reader produced: validated and reported as `check` does. */
static void one_doc(const in_doc *doc, report *reps, bsg_result *res)
{
    uint32_t prefix = doc->len >= 4 ? (uint32_t)doc->data[0] | (uint32_t)doc->data[1] << 8 |
                                          (uint32_t)doc->data[2] << 16 | (uint32_t)doc->data[3] << 24
                                    : 0;
    require(doc->len >= 5 && prefix == doc->len, "a document of %zu bytes says %u", doc->len,
            prefix);
    bsg_options o;
    bsg_options_init(&o);
    o.max_errors = 0;
    wf_verdict ref = wf_reference(doc->data, doc->len, 180);
    bsg_validate(wf_any_model(), doc->data, doc->len, &o, res);
    if (!wf_agree(&ref, res)) {
        wf_explain("JSON input: well-formedness verdicts differ", doc->data, doc->len, &ref, res);
        abort();
    }
    /* Then against a real schema, reported in both formats. */
    if (bsg_validate(fz_model(doc->index), doc->data, doc->len, NULL, res))
        return;
    report_doc d = {.source = "fuzz.jsonl", .index = doc->index, .line = doc->line,
                    .json_lines = doc->line != 0};
    docid id = {NULL, NULL};
    if (!has_malformed(res))
        docid_get(&id, doc->data, doc->len);
    require((id.ejson == NULL) == (id.display == NULL), "half an _id");
    d.id_ejson = id.ejson;
    d.id_display = id.display;
    report_result(&reps[0], &d, res);
    report_result(&reps[1], &d, res);
    docid_free(&id);
}

/* Every line of the JSON report must be one strict JSON object. */
static void check_lines(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        require(nl != NULL, "the report does not end in a newline");
        size_t where;
        require(json_check(p, (size_t)(nl - p), &where) && *p == '{',
                "report line invalid at byte %zu: %.*s", where, (int)(nl - p), p);
        p = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bsg_result *res;
    static FILE *devnull;
    if (!res) {
        res = bsg_result_new();
        devnull = fopen("/dev/null", "w");
    }
    int fd = memfd_create("fuzz-json", 0);
    require(fd >= 0, "memfd_create");
    require(size == 0 || write(fd, data, size) == (ssize_t)size, "write");
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    in_source *src = in_open(path, err, sizeof err);
    require(src != NULL, "%s", err);

    char *out = NULL;
    size_t out_len = 0;
    FILE *json_out = open_memstream(&out, &out_len);
    report reps[2];
    report_init(&reps[0], REPORT_JSON, json_out, false);
    report_init(&reps[1], REPORT_TEXT, devnull, false);
    report_totals totals = {0};
    in_doc doc;
    size_t index = 0;
    for (in_status st; (st = in_next(src, &doc)) != IN_END;) {
        require(st != IN_ERROR, "source error on a memory file: %s", doc.problem);
        require(doc.index == index++, "document index %zu, expected %zu", doc.index, index - 1);
        totals.documents++;
        if (st == IN_DOC) {
            one_doc(&doc, reps, res);
        } else {
            require(doc.problem && *doc.problem, "a bad document without a message");
            report_doc d = {.source = "fuzz.jsonl", .index = doc.index, .line = doc.line};
            report_malformed(&reps[0], &d, doc.problem);
            report_malformed(&reps[1], &d, doc.problem);
        }
    }
    require(in_next(src, &doc) == IN_END, "a document after the end");
    report_summary(&reps[1], &totals);
    in_close(src);
    close(fd);
    fclose(json_out);
    check_lines(out, out_len);
    free(out);
    return 0;
}
