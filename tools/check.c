/*
 * `bsonguard check`: validate every document of every DATA source against
 * one model, report the invalid ones, and sum up. One bsg_result is reused
 * for every document, so a valid document costs no allocation.
 */
#include "cli.h"

#include "docid.h"
#include "input.h"
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct checker {
    const check_opts *o;
    const bsg_model *model;
    bsg_result *res;
    report rep;
    progress prog;
    report_totals totals;
    int status;
} checker;

/* MARK: - Choosing the model */

static void list_models(char *buf, size_t cap, const bsg_schema *schema)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bsg_schema_model_count(schema) && used < cap; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "",
                         bsg_model_name(bsg_schema_model_at(schema, i)));
        used += n > 0 ? (size_t)n : 0;
    }
}

static const bsg_model *pick_model(const bsg_schema *schema, const check_opts *o)
{
    char names[1024];
    size_t count = bsg_schema_model_count(schema);
    const bsg_model *m = o->model ? bsg_schema_model(schema, o->model)
                         : count == 1 ? bsg_schema_model_at(schema, 0)
                                      : NULL;
    if (m)
        return m;
    list_models(names, sizeof names, schema);
    if (o->model)
        cli_usage_error("%s declares no schema named '%s' (it declares: %s)", o->schema,
                        o->model, names);
    else
        cli_usage_error("%s declares %zu schemas (%s); choose one with --model NAME",
                        o->schema, count, names);
    return NULL;
}

/* MARK: - One document */

static void raise_status(checker *c, int status)
{
    c->status = status > c->status ? status : c->status;
}

static report_doc doc_info(const char *arg, const in_source *src, const in_doc *doc)
{
    report_doc d = {.source = arg, .index = doc->index, .line = doc->line};
    d.json_lines = doc->line && !doc->in_array && in_is_json_lines(src);
    return d;
}

static bool has_malformed(const bsg_result *res)
{
    for (size_t i = 0; i < bsg_result_count(res); i++)
        if (bsg_result_error(res, i)->kind == BSG_KIND_MALFORMED)
            return true;
    return false;
}

static void count_invalid(checker *c, uint64_t errors)
{
    c->totals.documents++;
    c->totals.invalid++;
    c->totals.errors += errors;
    raise_status(c, EXIT_INVALID);
    progress_clear(&c->prog);
}

static void check_doc(checker *c, const char *arg, const in_source *src, const in_doc *doc)
{
    if (bsg_validate(c->model, doc->data, doc->len, &c->o->validate, c->res)) {
        c->totals.documents++;
        c->totals.valid++;
        return;
    }
    count_invalid(c, bsg_result_count(c->res));
    report_doc d = doc_info(arg, src, doc);
    docid id = {NULL, NULL};
    if (!has_malformed(c->res))
        docid_get(&id, doc->data, doc->len);
    d.id_ejson = id.ejson;
    d.id_display = id.display;
    report_result(&c->rep, &d, c->res);
    docid_free(&id);
}

/* A document the input layer could not read. When its framing is lost the
   rest of the source is unreadable too, which also goes to stderr. */
static void bad_doc(checker *c, const char *arg, const in_source *src, const in_doc *doc)
{
    count_invalid(c, 1);
    report_doc d = doc_info(arg, src, doc);
    report_malformed(&c->rep, &d, doc->problem);
    if (doc->stop)
        cli_error("%s; stopped reading %s", doc->problem,
                  strcmp(arg, "-") == 0 ? "standard input" : "this file");
}

/* MARK: - Sources */

static void check_source(checker *c, const char *arg)
{
    char err[1024];
    in_doc doc;
    in_source *src = in_open(arg, err, sizeof err);
    if (!src) {
        progress_clear(&c->prog);
        cli_error("%s", err);
        raise_status(c, EXIT_TROUBLE);
        return;
    }
    c->totals.sources++;
    for (in_status st; (st = in_next(src, &doc)) != IN_END;) {
        if (st == IN_DOC) {
            check_doc(c, arg, src, &doc);
        } else if (st == IN_BAD) {
            bad_doc(c, arg, src, &doc);
        } else {
            progress_clear(&c->prog);
            cli_error("%s", doc.problem);
            raise_status(c, EXIT_TROUBLE);
        }
        progress_update(&c->prog, arg, c->totals.documents, in_offset(src), in_size(src));
    }
    in_close(src);
}

static void run(checker *c)
{
    static const char *const stdin_only[] = {"-"};
    const char *const *data = c->o->ndata ? c->o->data : stdin_only;
    size_t n = c->o->ndata ? c->o->ndata : 1;
    bool colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    report_init(&c->rep, c->o->format, stdout, colour);
    progress_init(&c->prog, stderr, true);
    for (size_t i = 0; i < n; i++)
        check_source(c, data[i]);
    progress_clear(&c->prog);
    report_summary(&c->rep, &c->totals);
}

int cmd_check(const check_opts *o)
{
    checker c = {.o = o, .status = EXIT_ALL_VALID};
    int status = EXIT_TROUBLE;
    bsg_schema *schema = cli_load_schema(o->schema, &o->compile);
    if (schema && (c.model = pick_model(schema, o)) != NULL) {
        c.res = bsg_result_new();
        if (c.res) {
            run(&c);
            status = c.status;
        } else {
            cli_error("out of memory");
        }
    }
    bsg_result_free(c.res);
    bsg_schema_free(schema);
    return status;
}
