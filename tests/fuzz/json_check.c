/*
 * The strict JSON checker (json_check.h): a recursive descent over the
 * grammar of RFC 8259, with a nesting cap so that hostile text cannot
 * exhaust the stack.
 */
#include "json_check.h"

#include <stdint.h>
#include <string.h>

#define MAX_NESTING 256

typedef struct jc {
    const unsigned char *p, *end;
    int depth;
} jc;

static bool value(jc *c);

static void ws(jc *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool lit(jc *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool hex4(jc *c)
{
    for (int i = 0; i < 4; i++, c->p++) {
        if (c->p >= c->end)
            return false;
        unsigned char h = *c->p;
        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
            return false;
    }
    return true;
}

/* One UTF-8 sequence starting at a byte >= 0x80: shortest form, no
   surrogates, at most U+10FFFF. */
static bool utf8_seq(jc *c)
{
    const unsigned char *s = c->p;
    size_t left = (size_t)(c->end - s);
    uint32_t cp;
    size_t n;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, cp = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, cp = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, cp = s[0] & 0x07u;
    else
        return false;
    if (left < n)
        return false;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return false;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return false;
    c->p += n;
    return true;
}

static bool string(jc *c)
{
    if (c->p >= c->end || *c->p != '"')
        return false;
    c->p++;
    while (c->p < c->end) {
        unsigned char b = *c->p;
        if (b == '"') {
            c->p++;
            return true;
        }
        if (b < 0x20)
            return false;
        if (b == '\\') {
            if (++c->p >= c->end)
                return false;
            b = *c->p++;
            if (b == 'u') {
                if (!hex4(c))
                    return false;
            } else if (!strchr("\"\\/bfnrt", b) || b == 0) {
                return false;
            }
        } else if (b >= 0x80) {
            if (!utf8_seq(c))
                return false;
        } else {
            c->p++;
        }
    }
    return false;
}

static bool digits(jc *c)
{
    const unsigned char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > start;
}

static bool number(jc *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digits(c))
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!digits(c))
            return false;
    }
    return true;
}

/* An object or array: open, values (with keys for objects), close. */
static bool composite(jc *c, bool object)
{
    if (++c->depth > MAX_NESTING)
        return false;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == (object ? '}' : ']')) {
        c->p++;
        c->depth--;
        return true;
    }
    for (;;) {
        ws(c);
        if (object) {
            if (!string(c))
                return false;
            ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return false;
        }
        if (!value(c))
            return false;
        ws(c);
        if (c->p >= c->end)
            return false;
        unsigned char b = *c->p++;
        if (b == (object ? '}' : ']')) {
            c->depth--;
            return true;
        }
        if (b != ',')
            return false;
    }
}

static bool value(jc *c)
{
    ws(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{': return composite(c, true);
    case '[': return composite(c, false);
    case '"': return string(c);
    case 't': return lit(c, "true");
    case 'f': return lit(c, "false");
    case 'n': return lit(c, "null");
    default: return number(c);
    }
}

bool json_check(const char *text, size_t len, size_t *where)
{
    jc c = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
    bool ok = value(&c);
    ws(&c);
    ok = ok && c.p == c.end;
    if (where)
        *where = (size_t)(c.p - (const unsigned char *)text);
    return ok;
}
