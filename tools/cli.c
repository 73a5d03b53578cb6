/*
 * Helpers shared by the subcommands: messages on standard error, schema
 * diagnostics, and the final flush of standard output.
 */
#include "cli.h"

#include "escape.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 1, 0)))
static void vmessage(const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fputs("bsonguard: ", stderr);
    esc_text(stderr, buf, strlen(buf));
    putc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

void cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fputs("Try 'bsonguard --help'.\n", stderr);
}

/* Write `text` line by line, each made terminal-safe. */
static void put_lines(FILE *out, const char *text, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        esc_text(out, text, n);
        putc('\n', out);
        n += nl != NULL;
        text += n;
        len -= n;
    }
}

void cli_print_diag(FILE *out, const bsg_diag *d, const char *severity)
{
    char small[2048];
    size_t n = bsg_diag_format(d, severity, small, sizeof small);
    char *text = small;
    if (n >= sizeof small && (text = malloc(n + 1)) != NULL)
        bsg_diag_format(d, severity, text, n + 1);
    if (!text)
        text = small, n = strlen(small);
    put_lines(out, text, n);
    if (text != small)
        free(text);
}

bsg_schema *cli_load_schema(const char *path, const bsg_compile_options *opts)
{
    bsg_diag diag;
    memset(&diag, 0, sizeof diag);
    bsg_schema *schema = bsg_schema_compile_file_opts(path, opts, &diag);
    if (!schema)
        cli_print_diag(stderr, &diag, "error");
    return schema;
}

int cli_finish(int status)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    cli_error("error writing standard output: %s", strerror(errno));
    return EXIT_TROUBLE;
}
