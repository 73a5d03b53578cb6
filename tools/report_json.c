/*
 * The JSON-lines format: one object per invalid document, written field by
 * field with our own string escaping, so the line is valid JSON whatever
 * bytes the document or file name holds.
 */
#include "report.h"

#include "escape.h"

#include <inttypes.h>

static void json_field(FILE *out, const char *name, const char *value)
{
    fprintf(out, "\"%s\":", name);
    esc_json_str(out, value);
}

static void json_error(FILE *out, const bsg_error *err)
{
    putc('{', out);
    json_field(out, "path", err->path);
    putc(',', out);
    json_field(out, "kind", bsg_kind_name(err->kind));
    putc(',', out);
    json_field(out, "expected", err->expected);
    putc(',', out);
    json_field(out, "actual", err->actual);
    putc(',', out);
    json_field(out, "message", err->message);
    putc('}', out);
}

void report_json_doc(FILE *out, const report_doc *d, const report_errors *e)
{
    fputs("{", out);
    json_field(out, "source", d->source);
    fprintf(out, ",\"index\":%zu", d->index);
    if (d->line)
        fprintf(out, ",\"line\":%" PRIu64, d->line);
    fprintf(out, ",\"_id\":%s,\"errors\":[", d->id_ejson ? d->id_ejson : "null");
    for (size_t i = 0; i < report_errors_count(e); i++) {
        if (i)
            putc(',', out);
        json_error(out, report_errors_at(e, i));
    }
    putc(']', out);
    if (report_errors_truncated(e))
        fputs(",\"truncated\":true", out);
    fputs("}\n", out);
}
