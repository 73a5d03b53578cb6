/*
 * Reporting invalid documents: text for people (aligned columns, colour on a
 * terminal, a summary line) or JSON lines for programs (one object per
 * invalid document, the format of DESIGN.md §6).
 */
#ifndef BSG_TOOLS_REPORT_H
#define BSG_TOOLS_REPORT_H

#include "bsonguard.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum report_format { REPORT_TEXT, REPORT_JSON } report_format;

typedef struct report {
    report_format format;
    FILE *out;
    bool colour;
} report;

/* Where a document came from, and its `_id` when known. */
typedef struct report_doc {
    const char *source;      /* the DATA argument as given, "-" for stdin */
    size_t index;            /* 0-based position in the source */
    uint64_t line;           /* 1-based start line in JSON text, or 0 */
    bool json_lines;         /* a JSON-lines source (text says "line N") */
    const char *id_ejson;    /* relaxed Extended JSON of _id, or NULL */
    const char *id_display;  /* _id for people, or NULL */
} report_doc;

typedef struct report_totals {
    uint64_t documents, sources, valid, invalid, errors;
} report_totals;

/* A report to `out`. Colour only for text, and only when asked. */
void report_init(report *r, report_format format, FILE *out, bool colour);

/* An invalid document and the errors the validator kept in `res`. */
void report_result(report *r, const report_doc *d, const bsg_result *res);

/* A document the input layer could not read: one `malformed` error at path
   "" with `message`. */
void report_malformed(report *r, const report_doc *d, const char *message);

/* The closing summary (text only; JSON output is just the documents). */
void report_summary(report *r, const report_totals *t);

/* MARK: - Shared by the two formats (report.c, report_json.c) */

/* The errors of one document: a validator result, or one synthetic error. */
typedef struct report_errors {
    const bsg_result *res;
    bsg_error single;
} report_errors;

size_t report_errors_count(const report_errors *e);
const bsg_error *report_errors_at(const report_errors *e, size_t i);
bool report_errors_truncated(const report_errors *e);

void report_json_doc(FILE *out, const report_doc *d, const report_errors *e);

#endif
