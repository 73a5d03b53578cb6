/*
 * mongodump `.bson`: documents back to back, each starting with its int32
 * little-endian total length. One document is in memory at a time; the
 * buffer grows to the largest document seen, never past IN_BSON_MAX.
 *
 * Only the framing is checked here (length prefix, enough bytes). Everything
 * inside a document, including its terminator, is the validator's job, so a
 * damaged document that is still well framed is reported and the next one is
 * read.
 */
#include "input_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static bool reserve(in_source *s, size_t n)
{
    if (n <= s->doc_cap)
        return true;
    size_t cap = s->doc_cap ? s->doc_cap : 4096;
    while (cap < n)
        cap *= 2;
    uint8_t *p = realloc(s->doc, cap);
    if (!p)
        return false;
    s->doc = p;
    s->doc_cap = cap;
    return true;
}

/* A short read is a truncated source unless read() failed. */
static in_status short_read(in_source *s, in_doc *doc, uint64_t at,
                            const char *what)
{
    if (s->read_errno)
        return in_fail(s, doc, IN_ERROR, true, "%s: read error at byte %" PRIu64 ": %s",
                       s->name, s->consumed, strerror(s->read_errno));
    return in_fail(s, doc, IN_BAD, true, "%s: document %zu at byte %" PRIu64 ": %s",
                   s->name, doc->index, at, what);
}

in_status in_bson_next(in_source *s, in_doc *doc)
{
    uint64_t at = s->consumed;
    uint8_t head[4];
    char what[128];
    size_t got = in_read(s, head, 4);
    if (got == 0)
        return s->read_errno ? short_read(s, doc, at, "") : IN_END;
    if (got < 4) {
        if (doc->index == 0)
            snprintf(what, sizeof what, "only %zu byte%s, too short for a BSON document "
                     "(5 bytes at least)", got, got == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "%zu trailing byte%s after the last document",
                     got, got == 1 ? "" : "s");
        return short_read(s, doc, at, what);
    }
    uint32_t len = le32(head);
    if (len < 5 || len > IN_BSON_MAX) {
        snprintf(what, sizeof what,
                 "length prefix %" PRIu32 " is not a document length (5 to %u)",
                 len, IN_BSON_MAX);
        return short_read(s, doc, at, what);
    }
    if (!reserve(s, len))
        return in_fail(s, doc, IN_ERROR, true, "%s: out of memory", s->name);
    memcpy(s->doc, head, 4);
    got = in_read(s, s->doc + 4, len - 4);
    if (got < len - 4) {
        snprintf(what, sizeof what, "truncated (needs %" PRIu32 " bytes, %zu left)",
                 len, got + 4);
        return short_read(s, doc, at, what);
    }
    doc->data = s->doc;
    doc->len = len;
    return IN_DOC;
}
