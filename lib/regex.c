/*
 * JavaScript regex literals on PCRE2. JS and PCRE2 mostly agree; the
 * translation rewrites what they spell differently (DESIGN.md §5.1):
 * `\uXXXX` and `\u{X…}` become `\x{…}`, `[^]` becomes `[\s\S]`, `[]` matches
 * nothing, `$` means the very end unless the `m` flag is given, `\s` takes
 * JavaScript's Unicode spaces, and without the `u` flag `\p` is a plain `p`.
 * PCRE2 runs without UCP, so `\d`, `\w` and `\b` are ASCII, as in JavaScript.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->p = bsg__realloc(o->p, o->cap);
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Copy a `\u` escape starting at s[i] (the backslash) as `\x{…}`; returns the
   number of source bytes used, or 0 when it is not a valid \u escape. */
static size_t translate_unicode_escape(const char *s, size_t n, size_t i, outbuf *o)
{
    size_t j = i + 2, end;
    if (j < n && s[j] == '{') {
        end = j + 1;
        while (end < n && hexval(s[end]) >= 0)
            end++;
        if (end == j + 1 || end >= n || s[end] != '}')
            return 0;
        put(o, "\\x{", 3);
        put(o, s + j + 1, end - j - 1);
        put(o, "}", 1);
        return end + 1 - i;
    }
    for (end = j; end < j + 4; end++)
        if (end >= n || hexval(s[end]) < 0)
            return 0;
    put(o, "\\x{", 3);
    put(o, s + j, 4);
    put(o, "}", 1);
    return 6;
}

/* The characters JavaScript's \s adds to ASCII white space. */
#define JS_SPACES "\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"

/* Rewrite `\s`, `\S` and, without the u flag, `\p`/`\P`; 0 if not one of them. */
static size_t translate_class_escape(char c, bool in_class, bool unicode, outbuf *o)
{
    if (c == 's') {
        const char *t = in_class ? "\\s" JS_SPACES : "[\\s" JS_SPACES "]";
        put(o, t, strlen(t));
        return 2;
    }
    if (c == 'S' && !in_class) {
        const char *t = "[^\\s" JS_SPACES "]";
        put(o, t, strlen(t));
        return 2;
    }
    if ((c == 'p' || c == 'P') && !unicode) {
        put(o, &c, 1);
        return 2;
    }
    return 0;
}

static char *translate(const char *s, bool unicode)
{
    outbuf o = {0};
    size_t n = strlen(s);
    bool in_class = false;
    put(&o, "", 0);
    for (size_t i = 0; i < n;) {
        if (s[i] == '\\' && i + 1 < n) {
            size_t used = s[i + 1] == 'u' ? translate_unicode_escape(s, n, i, &o)
                                           : translate_class_escape(s[i + 1], in_class, unicode, &o);
            if (!used) {
                put(&o, s + i, 2);
                used = 2;
            }
            i += used;
        } else if (!in_class && s[i] == '[') {
            if (strncmp(s + i, "[^]", 3) == 0) {
                put(&o, "[\\s\\S]", 6);
                i += 3;
            } else if (strncmp(s + i, "[]", 2) == 0) {
                put(&o, "(?!)", 4);
                i += 2;
            } else {
                in_class = true;
                put(&o, s + i, 1);
                i++;
                /* A leading `]` in a JS class closes it (unlike PCRE2). */
                if (i < n && s[i] == '^') {
                    put(&o, "^", 1);
                    i++;
                }
                if (i < n && s[i] == ']') {
                    put(&o, "]", 1);
                    in_class = false;
                    i++;
                }
            }
        } else {
            if (in_class && s[i] == ']')
                in_class = false;
            put(&o, s + i, 1);
            i++;
        }
    }
    return o.p;
}

static void *pcre_alloc(size_t n, void *data)
{
    (void)data;
    return bsg__malloc(n);
}

static void pcre_free(void *p, void *data)
{
    (void)data;
    bsg__free(p);
}

pcre2_general_context *bsg__pcre_context(void)
{
    return pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
}

pcre2_code *bsg__regex_compile(const char *pattern, const char *flags,
                               pcre2_general_context *gctx, char *msg, size_t cap,
                               size_t *err_offset)
{
    uint32_t options = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY;
    for (const char *f = flags; *f; f++) {
        switch (*f) {
        case 'i': options |= PCRE2_CASELESS; break;
        case 'm': options |= PCRE2_MULTILINE; break;
        case 's': options |= PCRE2_DOTALL; break;
        default: break; /* g, y, u, d, v: no effect on a yes/no test */
        }
    }
    char *translated = translate(pattern, strchr(flags, 'u') || strchr(flags, 'v'));
    int code;
    PCRE2_SIZE off = 0;
    pcre2_compile_context *cctx = pcre2_compile_context_create(gctx);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED,
                                   options, &code, &off, cctx);
    pcre2_compile_context_free(cctx);
    bsg__free(translated);
    if (!re) {
        PCRE2_UCHAR text[160];
        pcre2_get_error_message(code, text, sizeof text);
        snprintf(msg, cap, "%s", (const char *)text);
        *err_offset = off;
        return NULL;
    }
    /* Best effort: the interpreter also works. BSG_NO_JIT=1 keeps to the
       interpreter, whose reads valgrind can follow (the valgrind test setup
       sets it). */
    const char *no_jit = getenv("BSG_NO_JIT");
    if (!no_jit || strcmp(no_jit, "1") != 0)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}
