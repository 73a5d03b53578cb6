/*
 * Diagnostics: filling a bsg_diag from a source offset, rendering one the way
 * compilers do, and the did-you-mean suggestions. Nothing here allocates, so
 * errors can be reported even when memory has run out.
 */
#include "internal.h"
#include "lexer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* MARK: - Bounded UTF-8 copies */

/* Cut `s` back so that it does not end inside a multi-byte character, which
   a byte-counted truncation may leave behind. */
static void trim_partial_utf8(char *s)
{
    size_t len = strlen(s), lead = len;
    while (lead > 0 && len - lead < 3 && ((unsigned char)s[lead - 1] & 0xC0u) == 0x80u)
        lead--;
    if (lead == 0 || (unsigned char)s[--lead] < 0x80u)
        return;
    uint32_t cp;
    if (!bsg__utf8_decode((const unsigned char *)s + lead, len - lead, &cp))
        s[lead] = '\0';
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
    trim_partial_utf8(dst);
}

/* Copy one source line for display: invalid UTF-8 shows as `?` and control
   characters other than tab as spaces, one byte for one byte, so the caret
   stays under the reported column. Stops before a character that would not
   fit. */
static void copy_display_line(char *dst, size_t cap, const char *line, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len && n + 1 < cap) {
        unsigned char c = (unsigned char)line[i];
        uint32_t cp;
        size_t k = c < 0x80 ? 1 : bsg__utf8_decode((const unsigned char *)line + i, len - i, &cp);
        if (k == 0) {
            dst[n++] = '?';
            i++;
        } else if (k == 1) {
            dst[n++] = (c < 0x20 && c != '\t') || c == 0x7F ? ' ' : (char)c;
            i++;
        } else if (n + k < cap) {
            memcpy(dst + n, line + i, k);
            n += k;
            i += k;
        } else {
            break;
        }
    }
    dst[n] = '\0';
}

/* MARK: - Filling a diagnostic */

/* Line and column of `offset`, and a copy of its line. A source without text
   gives line 0: the diagnostic is then about the whole input. */
static void locate(bsg_diag *d, const bsg__source *src, uint32_t offset)
{
    if (!src || !src->text)
        return;
    const char *text = src->text;
    size_t off = offset < src->len ? offset : src->len, start = 0;
    uint32_t line = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n')
            line++, start = i + 1;
    }
    const char *nl = memchr(text + start, '\n', src->len - start);
    size_t end = nl ? (size_t)(nl - text) : src->len;
    if (end > start && text[end - 1] == '\r')
        end--;
    d->line = line;
    d->column = (uint32_t)(off - start + 1);
    copy_display_line(d->source_line, sizeof d->source_line, text + start, end - start);
}

void bsg__diag_at(bsg_diag *d, const bsg__source *src, uint32_t offset,
                  const char *code, const char *fmt, ...)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    copy_text(d->file, sizeof d->file, src && src->name ? src->name : "<schema>");
    copy_text(d->code, sizeof d->code, code ? code : "");
    d->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
    trim_partial_utf8(d->message);
    locate(d, src, offset);
}

void bsg__diag_hint(bsg_diag *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->hint, sizeof d->hint, fmt, ap);
    va_end(ap);
    trim_partial_utf8(d->hint);
}

/* MARK: - Rendering */

/* An snprintf-like sink: counts what the whole text needs, writes what fits
   and keeps the buffer NUL-terminated. */
typedef struct sink {
    char *buf;
    size_t cap;
    size_t len;
} sink;

static void emit(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(sink *s, const char *fmt, ...)
{
    bool room = s->len < s->cap;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? s->buf + s->len : NULL, room ? s->cap - s->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len += (size_t)n;
}

/* The field's length, even if a caller left it unterminated. */
static int field_len(const char *field, size_t size) { return (int)strnlen(field, size); }

#define FIELD(d, name) field_len((d)->name, sizeof (d)->name), (d)->name

/* Spaces up to the column, but tabs where the line has tabs and one space per
   character rather than per byte, so the caret lines up in a terminal. */
static void emit_caret(sink *s, const bsg_diag *d)
{
    size_t shown = strnlen(d->source_line, sizeof d->source_line);
    size_t upto = d->column > 0 ? d->column - 1 : 0;
    if (upto > shown)
        upto = shown;
    emit(s, "\n    ");
    for (size_t i = 0; i < upto; i++) {
        unsigned char c = (unsigned char)d->source_line[i];
        if (c == '\t')
            emit(s, "\t");
        else if ((c & 0xC0u) != 0x80u)
            emit(s, " ");
    }
    emit(s, "^");
}

size_t bsg_diag_format(const bsg_diag *diag, const char *severity, char *buf, size_t cap)
{
    sink s = {buf, cap, 0};
    if (cap > 0)
        buf[0] = '\0';
    if (!diag)
        return 0;
    if (!severity)
        severity = "error";
    if (diag->line == 0 && diag->file[0] == '\0') { /* not tied to any file */
        emit(&s, "%s: %.*s", severity, FIELD(diag, message));
    } else if (diag->line == 0) {
        emit(&s, "%.*s: %s: %.*s", FIELD(diag, file), severity, FIELD(diag, message));
    } else {
        emit(&s, "%.*s:%u:%u: %s: %.*s", FIELD(diag, file), (unsigned)diag->line,
             (unsigned)diag->column, severity, FIELD(diag, message));
        if (diag->source_line[0] != '\0') {
            emit(&s, "\n    %.*s", FIELD(diag, source_line));
            emit_caret(&s, diag);
        }
    }
    if (diag->hint[0] != '\0')
        emit(&s, "\nhint: %.*s", FIELD(diag, hint));
    return s.len;
}

/* MARK: - Suggestions */

/* Words longer than this are never typos of an option or type name. */
#define SUGGEST_MAX_LEN 64

/* Case-insensitive optimal-string-alignment distance (Levenshtein plus
   adjacent transpositions: `requried` is one edit from `required`). */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        int ca = tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= m; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev, prev = cur, cur = t;
    }
    return prev[m];
}

const char *bsg__suggest(const char *word, const char *const *candidates, size_t n)
{
    if (!word || !candidates)
        return NULL;
    size_t len = strlen(word);
    if (len == 0 || len > SUGGEST_MAX_LEN)
        return NULL;
    size_t limit = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t best_distance = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t clen = candidates[i] ? strlen(candidates[i]) : 0;
        if (clen == 0 || clen > SUGGEST_MAX_LEN)
            continue;
        size_t dist = edit_distance(word, len, candidates[i], clen);
        if (dist < best_distance && dist < len)
            best = candidates[i], best_distance = dist;
    }
    return best;
}
