/*
 * A token-level pass over one document's JSON text, run before
 * bson_init_from_json(). It does not validate JSON (libbson does that); it
 * only finds the tokens libbson would accept and then misread.
 */
#include "jtext.h"

#include <bson/bson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 40

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A byte that can precede a number only inside a word (`1e5`, `x1`). */
static bool is_word(char c)
{
    return is_digit(c) || c == '.' || c == '_' || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* MARK: - Strings */

/* Index of the closing quote of the string opening at t[i], or len. */
static size_t string_end(const char *t, size_t len, size_t i)
{
    for (i++; i < len && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < len ? i : len;
}

static int hex_digit(char c)
{
    char l = (char)(c | 0x20);
    return is_digit(c) ? c - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_digit(s[k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char unescape(char c)
{
    switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;
    }
}

/* Decode the string body s[0..len) into out (room for len bytes). \u escapes
   outside ASCII become '?': neither a key nor a decimal we look for has any. */
static size_t decode(const char *s, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 >= len) {
            out[n++] = s[i];
        } else if (s[i + 1] == 'u' && i + 5 < len) {
            int v = hex4(s + i + 2);
            out[n++] = v >= 0 && v < 0x80 ? (char)v : '?';
            i += 5;
        } else {
            out[n++] = unescape(s[++i]);
        }
    }
    return n;
}

static bool is_decimal_key(const char *s, size_t len)
{
    static const char key[] = "$numberDecimal";
    char buf[6 * (sizeof key - 1)];
    if (len > sizeof buf)
        return false;
    size_t n = decode(s, len, buf);
    return n == sizeof key - 1 && memcmp(buf, key, n) == 0;
}

/* MARK: - Checks */

static void show(char *out, size_t cap, const char *s, size_t len)
{
    if (len > SHOW_MAX)
        snprintf(out, cap, "%.*s...", SHOW_MAX, s);
    else
        snprintf(out, cap, "%.*s", (int)len, s);
}

/* libbson stores NaN, without an error, for any `$numberDecimal` string that
   bson_decimal128_from_string rejects; only real NaN spellings are NaN. */
static bool check_decimal(const char *s, size_t len, size_t at, jtext_problem *p)
{
    char *buf = malloc(len + 1);
    bson_decimal128_t dec;
    if (!buf)
        return true; /* libbson will need more memory than this anyway */
    size_t n = decode(s, len, buf);
    buf[n] = '\0'; /* libbson's NaN and Infinity checks read up to a NUL */
    bool ok = n <= 0x7FFFFFFF && bson_decimal128_from_string_w_len(buf, (int)n, &dec);
    free(buf);
    if (ok)
        return true;
    char shown[SHOW_MAX + 4];
    show(shown, sizeof shown, s, len);
    p->offset = at;
    snprintf(p->message, sizeof p->message,
             "$numberDecimal \"%s\" is not a valid Decimal128 (libbson would silently store NaN)",
             shown);
    return false;
}

/* At a string: skip it, and if it is a `$numberDecimal` key, check the
   string value that follows. Advances *i past what was examined. */
static bool check_string(const char *t, size_t len, size_t *i, jtext_problem *p)
{
    size_t end = string_end(t, len, *i);
    bool key = is_decimal_key(t + *i + 1, end - *i - 1);
    *i = end + 1;
    if (!key)
        return true;
    size_t j = *i;
    while (j < len && is_space(t[j]))
        j++;
    if (j >= len || t[j] != ':')
        return true;
    for (j++; j < len && is_space(t[j]);)
        j++;
    if (j >= len || t[j] != '"')
        return true;
    end = string_end(t, len, j);
    *i = end + 1;
    return check_decimal(t + j + 1, end - j - 1, j, p);
}

/* At `-` or a digit: a bare integer literal must fit int64, else libbson
   wraps it (≥ 2^64) or the value is lost. Fractions and exponents are doubles. */
static bool check_number(const char *t, size_t len, size_t *i, jtext_problem *p)
{
    size_t start = *i, j = *i;
    bool neg = t[j] == '-';
    j += neg;
    while (j < len && t[j] == '0' && j + 1 < len && is_digit(t[j + 1]))
        j++;
    size_t d = j;
    while (j < len && is_digit(t[j]))
        j++;
    size_t nd = j - d;
    *i = j;
    if (j < len && (t[j] == '.' || t[j] == 'e' || t[j] == 'E')) {
        /* A double: skip its fraction and exponent, whose digits are not
           integers of their own. */
        while (*i < len && (is_word(t[*i]) || t[*i] == '+' || t[*i] == '-'))
            (*i)++;
        return true;
    }
    const char *limit = neg ? "9223372036854775808" : "9223372036854775807";
    if (nd < 19 || (nd == 19 && memcmp(t + d, limit, 19) <= 0))
        return true;
    char shown[SHOW_MAX + 4];
    show(shown, sizeof shown, t + start, j - start);
    p->offset = start;
    snprintf(p->message, sizeof p->message,
             "integer %s does not fit in 64 bits (libbson would silently wrap it)", shown);
    return false;
}

bool jtext_check(const char *t, size_t len, jtext_problem *p)
{
    size_t i = 0;
    while (i < len) {
        char c = t[i];
        bool ok = true;
        if (c == '"')
            ok = check_string(t, len, &i, p);
        else if ((c == '-' || is_digit(c)) && (i == 0 || !is_word(t[i - 1])))
            ok = check_number(t, len, &i, p);
        else
            i++;
        if (!ok)
            return false;
    }
    return true;
}
