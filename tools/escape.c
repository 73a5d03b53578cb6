/*
 * Safe output of untrusted bytes. Both writers copy runs of harmless bytes
 * with one fwrite and stop only at the bytes that need rewriting.
 */
#include "escape.h"

#include <stdbool.h>
#include <string.h>

/* MARK: - UTF-8 */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The allowed range of the second byte after lead byte `c` (Unicode 15,
   table 3-7): this is what rules out overlongs, surrogates and > U+10FFFF. */
static size_t lead_info(unsigned char c, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c == 0xE0)
        *lo = 0xA0;
    else if (c == 0xED)
        *hi = 0x9F;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c == 0xF0)
        *lo = 0x90;
    else if (c == 0xF4)
        *hi = 0x8F;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

size_t esc_utf8_len(const unsigned char *s, size_t len)
{
    unsigned char lo, hi;
    if (len == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t n = lead_info(s[0], &lo, &hi);
    if (n == 0 || len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!is_cont(s[i]))
            return 0;
    return n;
}

/* MARK: - JSON */

/* True for the bytes a JSON string may carry unchanged (ASCII only; valid
   multi-byte sequences are checked separately). */
static bool json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void json_special(FILE *out, const unsigned char *p, size_t n)
{
    if (n > 1)
        fwrite(p, 1, n, out);
    else if (*p == '"' || *p == '\\')
        fprintf(out, "\\%c", *p);
    else if (*p < 0x20)
        fprintf(out, "\\u%04x", *p);
    else
        fputs("\\ufffd", out);
}

void esc_json(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    putc('"', out);
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && json_plain(*p))
            p++;
        fwrite(run, 1, (size_t)(p - run), out);
        if (p == end)
            break;
        size_t n = *p >= 0x80 ? esc_utf8_len(p, (size_t)(end - p)) : 1;
        json_special(out, p, n ? n : 1);
        p += n ? n : 1;
    }
    putc('"', out);
}

void esc_json_str(FILE *out, const char *s)
{
    esc_json(out, s ? s : "", s ? strlen(s) : 0);
}

/* MARK: - Text */

/* A code point a terminal would act on rather than show: C0, DEL, C1. */
static bool is_control(const unsigned char *p, size_t n)
{
    if (n == 1)
        return *p < 0x20 || *p == 0x7F;
    return n == 2 && p[0] == 0xC2 && p[1] < 0xA0;
}

static void text_special(FILE *out, const unsigned char *p, size_t n)
{
    if (n == 0)
        fputs("\xEF\xBF\xBD", out);
    else if (n == 1)
        fprintf(out, "\\x%02x", *p);
    else
        fprintf(out, "\\u%04x", (unsigned)p[1]); /* C2 80..9F is U+0080..U+009F */
}

void esc_text(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        const unsigned char *run = p;
        size_t n = 0;
        while (p < end && (n = esc_utf8_len(p, (size_t)(end - p))) != 0 &&
               !is_control(p, n))
            p += n;
        fwrite(run, 1, (size_t)(p - run), out);
        if (p == end)
            break;
        text_special(out, p, n);
        p += n ? n : 1;
    }
}

size_t esc_text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += !is_cont(*p);
    return w;
}
