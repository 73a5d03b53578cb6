/*
 * `bsonguard lint`: compile a schema file and print the hazards the compiler
 * noted (Mixed paths, `{}` defaults that minimize drops, ...), as compiler
 * warnings or as JSON lines.
 */
#include "cli.h"

#include "escape.h"

#include <string.h>

/* A fixed-size diag field, never read past its array even if unterminated. */
#define FIELD(f) (f), strnlen((f), sizeof(f))

static void json_finding(const bsg_diag *d)
{
    fputs("{\"file\":", stdout);
    esc_json(stdout, FIELD(d->file));
    printf(",\"line\":%u,\"column\":%u,\"code\":", (unsigned)d->line, (unsigned)d->column);
    esc_json(stdout, FIELD(d->code));
    fputs(",\"message\":", stdout);
    esc_json(stdout, FIELD(d->message));
    fputs(",\"hint\":", stdout);
    esc_json(stdout, FIELD(d->hint));
    fputs("}\n", stdout);
}

int cmd_lint(const lint_opts *o)
{
    bsg_schema *schema = cli_load_schema(o->file, &o->compile);
    if (!schema)
        return EXIT_TROUBLE;
    size_t n = bsg_schema_lint_count(schema);
    for (size_t i = 0; i < n; i++) {
        const bsg_diag *d = bsg_schema_lint_at(schema, i);
        if (o->format == REPORT_JSON)
            json_finding(d);
        else
            cli_print_diag(stdout, d, "warning");
    }
    if (o->format == REPORT_TEXT)
        printf("%zu finding%s\n", n, n == 1 ? "" : "s");
    bsg_schema_free(schema);
    return n ? EXIT_INVALID : EXIT_ALL_VALID;
}
