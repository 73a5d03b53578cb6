/*
 * Prints docs/typemap.md from the type map itself (lib/typemap.c), so the
 * documentation cannot drift from what the compiler and validator use.
 * `typemap-doc --check FILE` exits 1 if FILE differs (a meson test);
 * `typemap-doc > docs/typemap.md` regenerates it.
 */
#include "typemap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 1);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static char *render(void)
{
    char *out = NULL, line[512];
    size_t len = 0;
    append(&out, &len,
           "# The type map\n\n"
           "Generated from `lib/typemap.c` by `tests/typemap_doc.c` (the `typemap-doc`\n"
           "test fails when this file is stale; regenerate with\n"
           "`build/tests/typemap-doc > docs/typemap.md`).\n\n"
           "| SchemaType | BSON types accepted as stored (`$type` aliases) |\n"
           "|---|---|\n");
    for (int t = 0; t < BSG__T_COUNT; t++) {
        uint32_t mask = bsg__type_mask((bsg__type)t);
        char types[256] = "";
        if (mask == BSG__M_ANY) {
            strcpy(types, "any");
        } else {
            for (int b = 1; b < 32; b++) {
                if (!(mask & (UINT32_C(1) << b)))
                    continue;
                if (types[0])
                    strcat(types, ", ");
                strcat(types, "`");
                strcat(types, bsg__bson_type_alias((uint8_t)b));
                strcat(types, "`");
            }
        }
        snprintf(line, sizeof line, "| %s | %s |\n", bsg__type_name((bsg__type)t), types);
        append(&out, &len, line);
    }
    append(&out, &len,
           "\nBeyond the BSON type: `Number` rejects a NaN double; `UUID` wants binary\n"
           "subtype 4 of 16 bytes; `Buffer` may require a `subtype`; `Date` must lie\n"
           "within JavaScript's ±8.64e15 ms; a `Union` takes what one of its members takes.\n"
           "`null` passes wherever the path is not required. `Embedded` is a\n"
           "subdocument (printed with its schema's name), `Object` a nested path.\n\n"
           "Spellings accepted for a type (any `X.Types.` prefix works too):\n\n");
    bsg__type t;
    const char *spelling;
    for (unsigned i = 0; (spelling = bsg__type_spelling(i, &t)) != NULL; i++) {
        snprintf(line, sizeof line, "- `%s` → %s\n", spelling, bsg__type_name(t));
        append(&out, &len, line);
    }
    return out;
}

int main(int argc, char **argv)
{
    char *doc = render();
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        FILE *f = fopen(argv[2], "rb");
        char buf[65536];
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = '\0';
        int same = strcmp(buf, doc) == 0;
        printf("%s 1 - %s matches the type map\n1..1\n", same ? "ok" : "not ok", argv[2]);
        free(doc);
        return same ? 0 : 1;
    }
    fputs(doc, stdout);
    free(doc);
    return 0;
}
