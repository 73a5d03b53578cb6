/*
 * What the subcommands share: their options, exit statuses, and the helpers
 * for messages and schema loading.
 */
#ifndef BSG_TOOLS_CLI_H
#define BSG_TOOLS_CLI_H

#include "bsonguard.h"
#include "report.h"

#include <stdio.h>

enum {
    EXIT_ALL_VALID = 0, /* check: every document valid; lint: no findings */
    EXIT_INVALID = 1,   /* check: a document invalid or unreadable; lint: findings */
    EXIT_TROUBLE = 2    /* usage, schema or I/O error */
};

typedef struct check_opts {
    const char *schema;
    const char *model;       /* NULL: the file's only schema */
    report_format format;
    bsg_options validate;    /* strict and the document limits from the flags */
    bsg_compile_options compile; /* the schema limits from the flags */
    const char **data;       /* DATA arguments; none means "-" */
    size_t ndata;
} check_opts;

typedef struct lint_opts {
    const char *file;
    report_format format;
    bsg_compile_options compile;
} lint_opts;

int cmd_check(const check_opts *o);
int cmd_lint(const lint_opts *o);

/* `bsonguard: message` on stderr, with untrusted bytes made safe. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_error() followed by the pointer to --help. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a diagnostic rendered by bsg_diag_format(), newline-terminated. */
void cli_print_diag(FILE *out, const bsg_diag *d, const char *severity);

/* Compile a schema file; on failure print the diagnostic and return NULL. */
bsg_schema *cli_load_schema(const char *path, const bsg_compile_options *opts);

/* Flush standard output; a write error (full disk, closed pipe) turns
   `status` into EXIT_TROUBLE with a message. */
int cli_finish(int status);

#endif
