/*
 * Report dispatch and the text format. Everything that comes from a document
 * or a file name goes through esc_text(), so no input can write control
 * sequences to the terminal.
 */
#include "report.h"

#include "escape.h"

#include <inttypes.h>
#include <string.h>

#define PATH_COL_MAX 40
#define BOLD "\033[1m"
#define RED "\033[31m"
#define RESET "\033[0m"

/* MARK: - Error lists */

size_t report_errors_count(const report_errors *e)
{
    return e->res ? bsg_result_count(e->res) : 1;
}

const bsg_error *report_errors_at(const report_errors *e, size_t i)
{
    return e->res ? bsg_result_error(e->res, i) : &e->single;
}

bool report_errors_truncated(const report_errors *e)
{
    return e->res && bsg_result_truncated(e->res);
}

/* MARK: - Text */

/* Text of a field; the library promises "" for absent ones, but a NULL must
   not crash a report. */
static const char *nz(const char *s) { return s ? s : ""; }

static void put(const report *r, const char *s)
{
    esc_text(r->out, nz(s), strlen(nz(s)));
}

static void styled(const report *r, const char *style, const char *s)
{
    if (r->colour)
        fputs(style, r->out);
    put(r, s);
    if (r->colour)
        fputs(RESET, r->out);
}

static void pad(FILE *out, size_t used, size_t width)
{
    for (; used < width; used++)
        putc(' ', out);
}

/* `orders.bson #3 (_id: ObjectId("...")):` or `data.jsonl line 12:`. */
static void text_header(const report *r, const report_doc *d)
{
    styled(r, BOLD, d->source);
    if (d->json_lines)
        fprintf(r->out, " line %" PRIu64, d->line);
    else if (d->line)
        fprintf(r->out, " #%zu, line %" PRIu64, d->index, d->line);
    else
        fprintf(r->out, " #%zu", d->index);
    if (d->id_display) {
        fputs(" (_id: ", r->out);
        put(r, d->id_display);
        putc(')', r->out);
    }
    fputs(":\n", r->out);
}

static size_t column_width(const report_errors *e, bool kinds)
{
    size_t w = 0;
    for (size_t i = 0; i < report_errors_count(e); i++) {
        const bsg_error *err = report_errors_at(e, i);
        size_t n = esc_text_width(nz(kinds ? bsg_kind_name(err->kind) : err->path));
        w = n > w ? n : w;
    }
    return w < PATH_COL_MAX ? w : PATH_COL_MAX;
}

static void text_error(const report *r, const bsg_error *err, size_t pw, size_t kw)
{
    const char *kind = bsg_kind_name(err->kind);
    fputs("  ", r->out);
    styled(r, BOLD, err->path);
    pad(r->out, esc_text_width(nz(err->path)), pw);
    fputs("  ", r->out);
    styled(r, RED, kind);
    pad(r->out, esc_text_width(kind), kw);
    fputs("  ", r->out);
    put(r, err->message);
    putc('\n', r->out);
}

static void text_doc(const report *r, const report_doc *d, const report_errors *e)
{
    size_t pw = column_width(e, false), kw = column_width(e, true);
    text_header(r, d);
    for (size_t i = 0; i < report_errors_count(e); i++)
        text_error(r, report_errors_at(e, i), pw, kw);
    if (report_errors_truncated(e))
        fprintf(r->out, "  ... more errors not shown (raise --max-errors, 0 = no cap)\n");
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* MARK: - Entry points */

void report_init(report *r, report_format format, FILE *out, bool colour)
{
    r->format = format;
    r->out = out;
    r->colour = colour && format == REPORT_TEXT;
}

static void emit(report *r, const report_doc *d, const report_errors *e)
{
    if (r->format == REPORT_JSON)
        report_json_doc(r->out, d, e);
    else
        text_doc(r, d, e);
}

void report_result(report *r, const report_doc *d, const bsg_result *res)
{
    report_errors e = {.res = res};
    emit(r, d, &e);
}

void report_malformed(report *r, const report_doc *d, const char *message)
{
    report_errors e = {.res = NULL};
    e.single.kind = BSG_KIND_MALFORMED;
    e.single.path = e.single.expected = e.single.actual = e.single.value = "";
    e.single.message = message;
    emit(r, d, &e);
}

void report_summary(report *r, const report_totals *t)
{
    if (r->format != REPORT_TEXT)
        return;
    fprintf(r->out,
            "checked %" PRIu64 " %s in %" PRIu64 " %s: %" PRIu64 " valid, %" PRIu64
            " invalid, %" PRIu64 " %s\n",
            t->documents, plural(t->documents, "document", "documents"), t->sources,
            plural(t->sources, "source", "sources"), t->valid, t->invalid, t->errors,
            plural(t->errors, "error", "errors"));
}
