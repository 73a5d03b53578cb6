/*
 * bsonguard: the command-line tool. This file parses the command line and
 * hands over to the subcommands (check.c, lint.c); it owns the help text,
 * which must describe every flag and exit status truthfully.
 */
#include "cli.h"

#include <bson/bson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* parse_*() return this to mean "arguments fine, run the command". */
#define RUN (-1)

/* MARK: - Help */

static const char help_usage[] =
    "Usage: bsonguard check --schema FILE [--model NAME] [--format text|json]\n"
    "                       [--max-errors N] [--strict true|false|throw]\n"
    "                       [LIMITS ...] [DATA ...]\n"
    "       bsonguard lint FILE [--format text|json] [SCHEMA LIMITS ...]\n"
    "       bsonguard --help | --version\n";

static const char help_about[] =
    "\nCheck BSON documents against Mongoose-style schemas (.bsg files) before\n"
    "they reach MongoDB.\n";

static const char help_check[] =
    "\ncheck: validate every document of every DATA source against one schema.\n"
    "  --schema FILE        the .bsg schema file (required)\n"
    "  --model NAME         the schema (model) to check against; may be omitted\n"
    "                       when FILE declares exactly one\n"
    "  --format text|json   text (default): a report for people and a summary\n"
    "                       line; json: one JSON object per invalid document\n"
    "                       {source, index, line (JSON text only), _id, errors},\n"
    "                       plus \"truncated\":true when --max-errors cut errors\n"
    "  --max-errors N       keep at most N errors per document (default 100;\n"
    "                       0 = no cap)\n"
    "  --strict true|false|throw\n"
    "                       override every schema's `strict` option: true and\n"
    "                       false ignore paths the schema does not declare, throw\n"
    "                       reports them as errors of kind `unknown` (default:\n"
    "                       as each schema declares)\n"
    "  LIMITS (a value of 0 means the default):\n"
    "  --max-size BYTES     documents over BYTES get an error of kind `limit`\n"
    "                       (default and ceiling 16777216, MongoDB's: larger ones\n"
    "                       get kind `server`)\n"
    "  --max-depth N        nesting past N levels, the document itself counted,\n"
    "                       gets kind `limit` and is not checked further (default\n"
    "                       and ceiling 180, MongoDB's)\n"
    "  --max-array-length N arrays over N elements get one error of kind `limit`\n"
    "                       and their elements are not checked (default: no cap)\n"
    "  DATA                 a .bson file (mongodump: documents back to back), or\n"
    "                       a .json, .jsonl or .ndjson file (Extended JSON v2,\n"
    "                       canonical or relaxed: one document per line, or one\n"
    "                       top-level array of documents). `-` or no DATA reads\n"
    "                       standard input. Standard input and other file names\n"
    "                       are read as JSON when the first non-blank byte is `{`\n"
    "                       or `[`, else as BSON.\n"
    "  Options and DATA may come in any order; after `--` everything is DATA.\n";

static const char help_schema_limits[] =
    "  SCHEMA LIMITS (check and lint; 0 means the default):\n"
    "  --max-schema-size BYTES\n"
    "                       reject schema text over BYTES (default and ceiling\n"
    "                       16777216)\n"
    "  --max-schema-depth N reject schema text nesting `{}`/`[]` deeper than N\n"
    "                       (default and ceiling 64)\n"
    "  --regex-match-limit N\n"
    "                       PCRE2 match limit for each `match` test (default\n"
    "                       1000000): a value whose test needs more backtracking\n"
    "                       gets an error of kind `limit` instead of a hang\n"
    "  --regex-depth-limit N\n"
    "                       PCRE2 backtracking depth limit (default 10000)\n";

static const char help_lint[] =
    "\nlint: compile FILE and report hazards that compile but bite Mongoose users\n"
    "  (Mixed paths, `{}` defaults dropped by minimize, ...), as warnings\n"
    "  followed by a line `N findings`.\n"
    "  --format text|json   json: one JSON object per finding\n"
    "                       {file, line, column, code, message, hint}\n";

static const char help_common[] =
    "\n  -h, --help           show this help (`bsonguard check --help` and\n"
    "                       `bsonguard lint --help` show their part)\n"
    "  --version            show the versions of bsonguard and libbson\n";

static const char help_exit[] =
    "\nExit status:\n"
    "  0  check: every document is valid; lint: no findings\n"
    "  1  check: some document is invalid, or could not be read (a damaged .bson\n"
    "     file, a JSON line that does not parse); lint: some finding\n"
    "  2  usage error, a schema that does not compile, or a file that cannot be\n"
    "     opened or read (message on standard error; other files are still\n"
    "     checked)\n";

static const char help_env[] =
    "\nText output is coloured only when standard output is a terminal and NO_COLOR\n"
    "is not set. Long checks show a progress line on standard error when it is a\n"
    "terminal.\n";

static void print_help(bool check, bool lint)
{
    fputs(help_usage, stdout);
    if (check && lint)
        fputs(help_about, stdout);
    if (check)
        fputs(help_check, stdout);
    if (lint)
        fputs(help_lint, stdout);
    fputs(help_schema_limits, stdout);
    if (check && lint)
        fputs(help_common, stdout);
    fputs(help_exit, stdout);
    if (check)
        fputs(help_env, stdout);
}

/* MARK: - Option values */

static bool parse_format(const char *v, report_format *out)
{
    if (strcmp(v, "text") == 0)
        *out = REPORT_TEXT;
    else if (strcmp(v, "json") == 0)
        *out = REPORT_JSON;
    else
        return false;
    return true;
}

static bool parse_strict(const char *v, bsg_strict *out)
{
    if (strcmp(v, "true") == 0)
        *out = BSG_STRICT_TRUE;
    else if (strcmp(v, "false") == 0)
        *out = BSG_STRICT_FALSE;
    else if (strcmp(v, "throw") == 0)
        *out = BSG_STRICT_THROW;
    else
        return false;
    return true;
}

/* A non-negative decimal integer that fits uint32_t; no sign, no spaces. */
static bool parse_count(const char *v, uint32_t *out)
{
    uint64_t n = 0;
    if (*v == '\0')
        return false;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return false;
        n = n * 10 + (uint64_t)(*v - '0');
        if (n > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)n;
    return true;
}

/* MARK: - Command lines */

/* One `--name[=value]` argument, with its value taken from the next argument
   when it has no `=`. */
typedef struct flag {
    char name[32];
    const char *value;
} flag;

/* The numeric limits: each a flag that sets one field of bsg_options (for
   check) or of bsg_compile_options (for check and lint). */
typedef struct limit_flag {
    const char *name;
    bool compile;
    size_t offset;
} limit_flag;

static const limit_flag limit_flags[] = {
    {"max-errors", false, offsetof(bsg_options, max_errors)},
    {"max-size", false, offsetof(bsg_options, max_size)},
    {"max-depth", false, offsetof(bsg_options, max_depth)},
    {"max-array-length", false, offsetof(bsg_options, max_array_length)},
    {"max-schema-size", true, offsetof(bsg_compile_options, max_source_size)},
    {"max-schema-depth", true, offsetof(bsg_compile_options, max_source_depth)},
    {"regex-match-limit", true, offsetof(bsg_compile_options, regex_match_limit)},
    {"regex-depth-limit", true, offsetof(bsg_compile_options, regex_depth_limit)},
};

static const limit_flag *find_limit(const char *name)
{
    for (size_t i = 0; i < sizeof limit_flags / sizeof limit_flags[0]; i++)
        if (strcmp(name, limit_flags[i].name) == 0)
            return &limit_flags[i];
    return NULL;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {"schema", "model", "format", "strict"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return find_limit(name) != NULL;
}

/* Whether `name` is one of the space-separated words of `allowed`. */
static bool allowed_flag(const char *allowed, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = allowed; (p = strstr(p, name)) != NULL; p += n)
        if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* Split argv[*i] into a flag; RUN, or EXIT_TROUBLE after a usage message.
   `seen` collects the names given so far: a flag given twice is an error
   (which one was meant?). */
static int read_flag(int argc, char **argv, int *i, const char *allowed, flag *f, char *seen,
                     size_t seen_cap)
{
    const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    bool fits = n < sizeof f->name;
    snprintf(f->name, sizeof f->name, "%.*s", (int)(fits ? n : 0), arg);
    bool known = fits && takes_value(f->name) && allowed_flag(allowed, f->name);
    if (!known) {
        cli_usage_error("unknown option '--%.*s'", (int)n, arg);
        return EXIT_TROUBLE;
    }
    if (allowed_flag(seen, f->name)) {
        cli_usage_error("option '--%s' is given twice", f->name);
        return EXIT_TROUBLE;
    }
    size_t used = strlen(seen);
    snprintf(seen + used, seen_cap - used, " %s", f->name);
    f->value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
    if (!f->value || !*f->value) {
        cli_usage_error("option '--%s' needs a value", f->name);
        return EXIT_TROUBLE;
    }
    return RUN;
}

static int bad_value(const flag *f, const char *expected)
{
    cli_usage_error("invalid value '%s' for --%s (expected %s)", f->value, f->name, expected);
    return EXIT_TROUBLE;
}

/* Set the limit named by `f` in `validate` or `compile`. */
static int apply_limit(const flag *f, bsg_options *validate, bsg_compile_options *compile)
{
    const limit_flag *l = find_limit(f->name);
    uint32_t n;
    if (!parse_count(f->value, &n))
        return bad_value(f, "an integer from 0 to 4294967295");
    char *base = l->compile ? (char *)compile : (char *)validate;
    memcpy(base + l->offset, &n, sizeof n);
    return RUN;
}

static int apply_check_flag(check_opts *o, const flag *f)
{
    if (find_limit(f->name))
        return apply_limit(f, &o->validate, &o->compile);
    if (strcmp(f->name, "schema") == 0)
        o->schema = f->value;
    else if (strcmp(f->name, "model") == 0)
        o->model = f->value;
    else if (strcmp(f->name, "format") == 0 && !parse_format(f->value, &o->format))
        return bad_value(f, "text or json");
    else if (strcmp(f->name, "strict") == 0 && !parse_strict(f->value, &o->validate.strict))
        return bad_value(f, "true, false or throw");
    return RUN;
}

static bool is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* An argument that is an option: `-x` or `--x`, but not `-` alone. */
static bool is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

#define SCHEMA_LIMIT_FLAGS "max-schema-size max-schema-depth regex-match-limit regex-depth-limit"
#define CHECK_FLAGS                                                            \
    "schema model format strict max-errors max-size max-depth max-array-length " SCHEMA_LIMIT_FLAGS
#define LINT_FLAGS "format " SCHEMA_LIMIT_FLAGS

static int parse_check(int argc, char **argv, check_opts *o)
{
    bool only_data = false;
    flag f;
    char seen[sizeof CHECK_FLAGS + 16] = "";
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int st = RUN;
        if (only_data || !is_option(a))
            o->data[o->ndata++] = a;
        else if (strcmp(a, "--") == 0)
            only_data = true;
        else if (is_help(a))
            return print_help(true, false), EXIT_ALL_VALID;
        else if (a[1] != '-')
            return cli_usage_error("unknown option '%s'", a), EXIT_TROUBLE;
        else if ((st = read_flag(argc, argv, &i, CHECK_FLAGS, &f, seen, sizeof seen)) == RUN)
            st = apply_check_flag(o, &f);
        if (st != RUN)
            return st;
    }
    if (!o->schema)
        return cli_usage_error("check needs --schema FILE"), EXIT_TROUBLE;
    return RUN;
}

static int parse_lint(int argc, char **argv, lint_opts *o)
{
    flag f;
    char seen[sizeof LINT_FLAGS + 16] = "";
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a))
            return print_help(false, true), EXIT_ALL_VALID;
        if (!is_option(a) && o->file)
            return cli_usage_error("lint takes one FILE ('%s' is a second)", a), EXIT_TROUBLE;
        if (!is_option(a))
            o->file = a;
        else if (a[1] != '-')
            return cli_usage_error("unknown option '%s'", a), EXIT_TROUBLE;
        else if (read_flag(argc, argv, &i, LINT_FLAGS, &f, seen, sizeof seen) != RUN)
            return EXIT_TROUBLE;
        else if (find_limit(f.name) && apply_limit(&f, NULL, &o->compile) != RUN)
            return EXIT_TROUBLE;
        else if (!find_limit(f.name) && !parse_format(f.value, &o->format))
            return bad_value(&f, "text or json");
    }
    if (!o->file)
        return cli_usage_error("lint needs a schema FILE"), EXIT_TROUBLE;
    return RUN;
}

/* MARK: - Commands */

static int run_check(int argc, char **argv)
{
    check_opts o = {.format = REPORT_TEXT};
    bsg_options_init(&o.validate);
    bsg_compile_options_init(&o.compile);
    o.data = calloc((size_t)argc, sizeof *o.data);
    if (!o.data)
        return cli_error("out of memory"), EXIT_TROUBLE;
    int st = parse_check(argc, argv, &o);
    if (st == RUN)
        st = cmd_check(&o);
    free(o.data);
    return st;
}

static int run_lint(int argc, char **argv)
{
    lint_opts o = {.format = REPORT_TEXT};
    bsg_compile_options_init(&o.compile);
    int st = parse_lint(argc, argv, &o);
    return st == RUN ? cmd_lint(&o) : st;
}

static int dispatch(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;
    if (!cmd)
        return cli_usage_error("missing command (check or lint)"), EXIT_TROUBLE;
    if (is_help(cmd))
        return print_help(true, true), EXIT_ALL_VALID;
    if (strcmp(cmd, "--version") == 0)
        return printf("bsonguard %s (libbson %s)\n", bsg_version(), bson_get_version()),
               EXIT_ALL_VALID;
    if (strcmp(cmd, "check") == 0)
        return run_check(argc, argv);
    if (strcmp(cmd, "lint") == 0)
        return run_lint(argc, argv);
    if (is_option(cmd) && cmd[1] == '-' && takes_value(cmd + 2))
        return cli_usage_error("'%s' comes after the command: bsonguard check|lint %s ...", cmd,
                               cmd), EXIT_TROUBLE;
    if (is_option(cmd))
        return cli_usage_error("unknown option '%s'", cmd), EXIT_TROUBLE;
    return cli_usage_error("unknown command '%s' (expected check or lint)", cmd), EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
    return cli_finish(dispatch(argc, argv));
}
