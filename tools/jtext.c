/*
 * A token-level pass over one document's JSON text, run before
 * bson_init_from_json(). It does not validate JSON (libbson does that); it
 * only finds the tokens libbson would accept and then misread.
 */
#include "jtext.h"

#include "escape.h"

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

/* The Extended JSON keys whose string values libbson can misread. */
typedef enum wrapper_key { KEY_OTHER, KEY_DECIMAL, KEY_DOUBLE, KEY_OID, KEY_UUID } wrapper_key;

static wrapper_key key_of(const char *s, size_t len)
{
    static const struct {
        const char *name;
        wrapper_key key;
    } keys[] = {{"$numberDecimal", KEY_DECIMAL}, {"$numberDouble", KEY_DOUBLE},
                {"$oid", KEY_OID}, {"$uuid", KEY_UUID}};
    char buf[6 * 14]; /* the longest key, each byte written as \uXXXX */
    if (len > sizeof buf || len < 4)
        return KEY_OTHER;
    size_t n = decode(s, len, buf);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (n == strlen(keys[i].name) && memcmp(buf, keys[i].name, n) == 0)
            return keys[i].key;
    return KEY_OTHER;
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

/* libbson reads a `$numberDouble` string with strtod and ignores what is
   left over, so "1.5x" is 1.5 and "" is 0. Accept the spellings of the
   Extended JSON spec: a decimal number, Infinity, -Infinity or NaN. */
static bool double_ok(const char *s, size_t n)
{
    static const char *const words[] = {"Infinity", "-Infinity", "NaN"};
    for (size_t i = 0; i < 3; i++)
        if (n == strlen(words[i]) && memcmp(s, words[i], n) == 0)
            return true;
    size_t i = s[0] == '-', digits = 0;
    for (; i < n && is_digit(s[i]); i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++)
            digits++;
    if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i += i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-');
        size_t e = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == e)
            return false;
    }
    return digits && i == n;
}

/* libbson reads hex digits through a table that maps every other byte to
   0, so a mistyped `$oid` or `$uuid` silently becomes another id. */
static bool hex_ok(const char *s, size_t n, const char *shape)
{
    if (n != strlen(shape))
        return false;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == '-' ? s[i] != '-' : hex_digit(s[i]) < 0)
            return false;
    return true;
}

/* Check the value of a wrapper key; the string body is s[0..len) at `at`. */
static bool check_wrapped(wrapper_key key, const char *s, size_t len, size_t at,
                          jtext_problem *p)
{
    if (key == KEY_DECIMAL)
        return check_decimal(s, len, at, p);
    const char *shape = key == KEY_OID ? "xxxxxxxxxxxxxxxxxxxxxxxx"
                                       : "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    char *buf = malloc(len + 1);
    if (!buf)
        return true; /* libbson will need more memory than this anyway */
    size_t n = decode(s, len, buf);
    bool ok = key == KEY_DOUBLE ? double_ok(buf, n) : hex_ok(buf, n, shape);
    free(buf);
    if (ok)
        return true;
    /* libbson itself rejects an id of the wrong length. */
    bool misread = key == KEY_DOUBLE || n == strlen(shape);
    const char *name = key == KEY_DOUBLE ? "$numberDouble" : key == KEY_OID ? "$oid" : "$uuid";
    const char *want = key == KEY_DOUBLE ? "a number"
                       : key == KEY_OID  ? "24 hex digits"
                                         : "a UUID of 8-4-4-4-12 hex digits";
    char shown[SHOW_MAX + 4];
    show(shown, sizeof shown, s, len);
    p->offset = at;
    snprintf(p->message, sizeof p->message, "%s \"%s\" is not %s%s", name, shown, want,
             misread ? " (libbson would silently misread it)" : "");
    return false;
}

/* At a string: skip it, and if it is one of the wrapper keys above, check
   the string value that follows. Advances *i past what was examined. */
static bool check_string(const char *t, size_t len, size_t *i, jtext_problem *p)
{
    size_t end = string_end(t, len, *i);
    wrapper_key key = key_of(t + *i + 1, end - *i - 1);
    *i = end + 1;
    if (key == KEY_OTHER)
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
    return check_wrapped(key, t + j + 1, end - j - 1, j, p);
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

/* libbson reports a NUL byte with a message cut at the NUL, and invalid
   UTF-8 with no position: find both here, at their byte. */
static bool check_bytes(const unsigned char *t, size_t len, jtext_problem *p)
{
    for (size_t i = 0; i < len;) {
        if (t[i] >= 0x01 && t[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = t[i] ? esc_utf8_len(t + i, len - i) : 0;
        if (n) {
            i += n;
            continue;
        }
        p->offset = i;
        if (t[i])
            snprintf(p->message, sizeof p->message,
                     "invalid JSON: invalid UTF-8 (byte 0x%02X); JSON text must be UTF-8", t[i]);
        else
            snprintf(p->message, sizeof p->message, "invalid JSON: a NUL byte (0x00)");
        return false;
    }
    return true;
}

bool jtext_check(const char *t, size_t len, jtext_problem *p)
{
    size_t i = 0;
    if (!check_bytes((const unsigned char *)t, len, p))
        return false;
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
