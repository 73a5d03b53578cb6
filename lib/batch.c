/*
 * Batches: many documents laid end to end, validated in one call, so that a
 * binding pays one crossing per batch rather than one per document. Each
 * document goes through bsg_validate(); the batch keeps a verdict byte per
 * document and the errors of the invalid ones as JSON.
 */
#include "bytes.h"
#include "result.h"

#include <stdio.h>
#include <string.h>

struct bsg_batch {
    bsg_result *result;  /* reused for every document */
    uint8_t *verdicts;
    size_t count, cap;
    size_t invalid;
    bsg_result json;     /* only its text buffer is used */
};

bsg_batch *bsg_batch_new(void)
{
    bsg_batch *b = bsg__calloc(1, sizeof *b);
    b->result = bsg_result_new();
    return b;
}

void bsg_batch_free(bsg_batch *b)
{
    if (!b)
        return;
    bsg_result_free(b->result);
    bsg__free(b->verdicts);
    bsg__free(b->json.text);
    bsg__free(b);
}

static void add_verdict(bsg_batch *b, bool valid)
{
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->verdicts = bsg__realloc(b->verdicts, b->cap);
    }
    b->verdicts[b->count++] = valid;
}

/* Append the errors of document `doc` (at byte `offset`) to the JSON text. */
static void add_errors(bsg_batch *b, size_t doc, size_t offset)
{
    bsg_result *j = &b->json;
    bsg__text_printf(j, "%s{\"doc\":%zu,\"offset\":%zu,\"truncated\":%s,\"errors\":",
                     b->invalid ? "," : "", doc, offset,
                     bsg_result_truncated(b->result) ? "true" : "false");
    bsg__result_json_append(b->result, j);
    bsg__text_add(j, "}", 1);
    b->invalid++;
}

/* Record the verdict of the document just validated, at byte `offset`. */
static void add_errors_of(bsg_batch *b, bool valid, size_t offset)
{
    if (!valid)
        add_errors(b, b->count, offset);
    add_verdict(b, valid);
}

size_t bsg_validate_many(const bsg_model *model, const uint8_t *data, size_t len,
                         const bsg_options *opts, bsg_batch *b)
{
    if (!b)
        return 0;
    b->count = 0;
    b->invalid = 0;
    b->json.text_len = 0;
    bsg__text_add(&b->json, "[", 1);
    if (!data && len) { /* one document, which bsg_validate() says is missing */
        add_errors_of(b, bsg_validate(model, NULL, len, opts, b->result), 0);
        len = 0;
    }
    size_t at = 0;
    while (at < len) {
        size_t left = len - at;
        /* The document's own length frames it; a bad prefix swallows the rest,
           and bsg_validate() says what is wrong with it. So does a missing model. */
        size_t n = left >= 5 ? rd32(data + at) : left;
        if (n < 5 || n > left || !model)
            n = left;
        add_errors_of(b, bsg_validate(model, data + at, n, opts, b->result), at);
        at += n;
    }
    bsg__text_add(&b->json, "]", 1);
    return b->count;
}

size_t bsg_batch_count(const bsg_batch *b) { return b ? b->count : 0; }

size_t bsg_batch_invalid_count(const bsg_batch *b) { return b ? b->invalid : 0; }

const uint8_t *bsg_batch_verdicts(const bsg_batch *b)
{
    return b && b->count ? b->verdicts : NULL;
}

const char *bsg_batch_json(const bsg_batch *b, size_t *len)
{
    if (len)
        *len = b && b->json.text ? b->json.text_len : 2;
    return b && b->json.text ? b->json.text : "[]";
}
