/*
 * Splitting Extended JSON text into documents. libbson's JSON reader cannot
 * resume after an error, reports byte offsets instead of lines, and turns a
 * top-level array into one document, so the text is split here by a small
 * scanner that tracks strings, escapes and nesting depth. Each document's
 * text then goes to in_json_parse() on its own, and a bad document costs only
 * itself.
 *
 * Two layouts: JSON lines (documents one after another, normally one per
 * line; a document may span lines), or one top-level array whose elements
 * are the documents.
 */
#include "input_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SNIPPET_MAX 40

typedef enum obj_end {
    OBJ_DONE,      /* the closing brace was read */
    OBJ_EOF,       /* input ended (or failed) first */
    OBJ_NEWLINE,   /* a raw newline inside a string: it can never close */
    OBJ_RESTART,   /* a `{` in column 1 of a later line: a new document */
    OBJ_NOMEM
} obj_end;

/* MARK: - Reading with positions */

static int jgetc(in_source *s)
{
    int c = in_getc(s);
    if (c == '\n') {
        s->js.line++;
        s->js.col = 0;
    } else if (c >= 0) {
        s->js.col++;
    }
    return c;
}

/* Only ever used for a byte that is not a newline. */
static void jungetc(in_source *s)
{
    in_ungetc(s);
    s->js.col--;
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int skip_space(in_source *s)
{
    int c;
    do
        c = jgetc(s);
    while (is_space(c));
    return c;
}

/* A byte for a message: itself if printable ASCII, else \xNN. */
static const char *show_byte(int c, char buf[8])
{
    if (c > 0x20 && c < 0x7F)
        snprintf(buf, 8, "%c", c);
    else
        snprintf(buf, 8, "\\x%02x", (unsigned)c & 0xFFu);
    return buf;
}

static void skip_bom(in_source *s)
{
    if (s->pos == s->end)
        in_fill(s);
    if (s->end - s->pos >= 3 && memcmp(s->buf + s->pos, "\xEF\xBB\xBF", 3) == 0) {
        s->pos += 3;
        s->consumed += 3;
    }
}

/* MARK: - Document text */

static bool text_add(json_state *js, int c)
{
    if (js->overflow)
        return true;
    if (js->text_len == js->text_cap) {
        if (js->text_cap >= IN_JSON_MAX) {
            js->overflow = true;
            return true;
        }
        size_t cap = js->text_cap ? js->text_cap * 2 : 4096;
        char *p = realloc(js->text, cap);
        if (!p)
            return false;
        js->text = p;
        js->text_cap = cap;
    }
    js->text[js->text_len++] = (char)c;
    return true;
}

/* Begin a document whose first byte `c` was just read. */
static void mark_start(in_source *s, in_doc *doc, int c)
{
    json_state *js = &s->js;
    js->start_line = js->line;
    js->start_col = js->col;
    js->text_len = 0;
    js->overflow = false;
    text_add(js, c); /* cannot fail: json_start allocated the buffer */
    doc->line = js->line;
    doc->in_array = js->mode == JM_ARRAY;
}

/* Read the rest of an object whose `{` is in the text, up to its matching
   closing brace. Strings are tracked so braces inside them do not count. */
static obj_end read_object(in_source *s, bool lines)
{
    json_state *js = &s->js;
    size_t depth = 1;
    bool in_str = false, esc = false;
    for (;;) {
        int c = jgetc(s);
        if (c < 0)
            return OBJ_EOF;
        if (lines && !in_str && c == '{' && js->col == 1 && js->line > js->start_line) {
            jungetc(s);
            return OBJ_RESTART;
        }
        if (in_str && c == '\n')
            return OBJ_NEWLINE;
        if (!text_add(js, c))
            return OBJ_NOMEM;
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else
                in_str = c != '"';
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return OBJ_DONE;
        }
    }
}

/* Append printable bytes of a value that is not an object, for the message. */
static void snippet_add(char *snip, size_t *n, int c)
{
    if (*n < SNIPPET_MAX && c != '\r')
        snip[(*n)++] = (char)c;
    snip[*n] = '\0';
}

/* Finish a snippet: drop trailing blanks, or when it was cut, cut back to a
   whole UTF-8 character and mark the cut. */
static void snippet_end(char *snip, size_t n, bool more)
{
    if (more) {
        while (n > 0 && ((unsigned char)snip[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && (unsigned char)snip[n - 1] >= 0xC0)
            n--;
        memcpy(snip + n, "...", 4);
        return;
    }
    while (n > 0 && (snip[n - 1] == ' ' || snip[n - 1] == '\t'))
        n--;
    snip[n] = '\0';
}

/* MARK: - Outcomes */

static in_status at_end(in_source *s, in_doc *doc)
{
    if (s->read_errno)
        return in_fail(s, doc, IN_ERROR, true, "%s: read error at byte %" PRIu64 ": %s",
                       s->name, s->consumed, strerror(s->read_errno));
    return IN_END;
}

/* A document problem located at the document's first byte. */
#define FAIL_AT_START(s, doc, stop, fmt, ...)                                  \
    in_fail(s, doc, IN_BAD, stop, "%s:%" PRIu64 ":%" PRIu32 ": " fmt, (s)->name, \
            (s)->js.start_line, (s)->js.start_col, __VA_ARGS__)

/* A problem at the byte just read, outside any element: the report's line
   is where the reading stopped. Just after a newline (col 0) that is the
   first column of the next line. */
#define FAIL_HERE(s, doc, stop, fmt, ...)                                      \
    ((doc)->line = (s)->js.line, (doc)->in_array = (s)->js.mode != JM_LINES,      \
     in_fail(s, doc, IN_BAD, stop, "%s:%" PRIu64 ":%" PRIu32 ": " fmt, (s)->name, \
             (s)->js.line, (s)->js.col ? (s)->js.col : 1, __VA_ARGS__))

static in_status finish_doc(in_source *s, in_doc *doc)
{
    if (s->js.overflow)
        return FAIL_AT_START(s, doc, false, "document text is longer than %zu MiB; not checked",
                             IN_JSON_MAX >> 20);
    return in_json_parse(s, doc);
}

static in_status object_outcome(in_source *s, in_doc *doc, obj_end e, bool lines)
{
    switch (e) {
    case OBJ_DONE:
        return finish_doc(s, doc);
    case OBJ_NOMEM:
        return in_fail(s, doc, IN_ERROR, true, "%s: out of memory", s->name);
    case OBJ_EOF:
        if (s->read_errno)
            return at_end(s, doc);
        return FAIL_AT_START(s, doc, !lines, "invalid JSON: the document is not closed %s",
                             "before the end of the input");
    case OBJ_NEWLINE:
        return FAIL_AT_START(s, doc, !lines,
                             "invalid JSON: a string is not closed before the end of line %" PRIu64,
                             s->js.line - 1);
    case OBJ_RESTART:
        break;
    }
    return FAIL_AT_START(s, doc, false,
                         "invalid JSON: the document is not closed before line %" PRIu64,
                         s->js.line);
}

/* MARK: - JSON lines */

/* Something other than an object at the top level: report it and skip the
   rest of its line, where the next document can start. */
static in_status not_object_line(in_source *s, in_doc *doc, int c)
{
    char snip[SNIPPET_MAX + 4];
    size_t n = 0;
    bool more = false;
    snip[0] = '\0';
    for (; c >= 0 && c != '\n'; c = jgetc(s)) {
        more = n == SNIPPET_MAX;
        snippet_add(snip, &n, c);
    }
    if (s->read_errno)
        return at_end(s, doc);
    snippet_end(snip, n, more);
    return FAIL_AT_START(s, doc, false, "expected a JSON object, found `%s`", snip);
}

static in_status lines_next(in_source *s, in_doc *doc)
{
    int c = skip_space(s);
    if (c < 0)
        return at_end(s, doc);
    mark_start(s, doc, c);
    if (c != '{')
        return not_object_line(s, doc, c);
    return object_outcome(s, doc, read_object(s, true), true);
}

/* MARK: - Top-level array */

static in_status array_unclosed(in_source *s, in_doc *doc)
{
    if (s->read_errno)
        return at_end(s, doc);
    return FAIL_HERE(s, doc, true, "invalid JSON: the top-level array is not closed %s",
                     "before the end of the input");
}

static in_status after_array(in_source *s, in_doc *doc)
{
    int c = skip_space(s);
    s->js.mode = JM_DONE;
    if (c < 0)
        return at_end(s, doc);
    char shown[8];
    return FAIL_HERE(s, doc, true, "unexpected `%s` after the top-level array",
                     show_byte(c, shown));
}

/* Skip an element that is not an object (a scalar or an array), up to the
   `,` or `]` that ends it, keeping the start of its text for the message. */
static in_status not_object_element(in_source *s, in_doc *doc, int c)
{
    char snip[SNIPPET_MAX + 4];
    size_t n = 0, depth = 0;
    bool in_str = false, esc = false, more = false;
    snip[0] = '\0';
    for (; c >= 0; c = jgetc(s)) {
        if (!in_str && depth == 0 && (c == ',' || c == ']')) {
            jungetc(s);
            break;
        }
        more = n == SNIPPET_MAX;
        snippet_add(snip, &n, c);
        if (in_str && esc)
            esc = false;
        else if (in_str)
            in_str = c != '"', esc = c == '\\';
        else if (c == '"')
            in_str = true;
        else if (c == '[' || c == '{')
            depth++;
        else if ((c == ']' || c == '}') && depth > 0)
            depth--;
    }
    if (c < 0)
        return array_unclosed(s, doc);
    snippet_end(snip, n, more);
    return FAIL_AT_START(s, doc, false, "array element %zu is not a JSON object (found `%s`)",
                         doc->index, snip);
}

/* Position after `[` or an element: read up to the first byte of the next
   element. Returns it, or -1 with *st set when the array ends or breaks. */
static int next_element(in_source *s, in_doc *doc, in_status *st)
{
    char shown[8];
    int c = skip_space(s);
    if (c == ']' || (s->js.need_sep && c >= 0 && c != ',')) {
        if (c == ']')
            *st = after_array(s, doc);
        else
            *st = FAIL_HERE(s, doc, true,
                            "invalid JSON: expected `,` or `]` after array element %zu, found `%s`",
                            doc->index - 1, show_byte(c, shown));
        return -1;
    }
    if (s->js.need_sep && c == ',')
        c = skip_space(s);
    if (c < 0)
        *st = array_unclosed(s, doc);
    else if (c == ',' || c == ']')
        *st = FAIL_HERE(s, doc, true, "invalid JSON: expected an array element, found `%c`", c);
    return c == ',' || c == ']' ? -1 : c;
}

static in_status array_next(in_source *s, in_doc *doc)
{
    in_status st;
    int c = next_element(s, doc, &st);
    if (c < 0)
        return st;
    s->js.need_sep = true;
    mark_start(s, doc, c);
    if (c != '{')
        return not_object_element(s, doc, c);
    obj_end e = read_object(s, false);
    return e == OBJ_EOF && !s->read_errno ? array_unclosed(s, doc)
                                          : object_outcome(s, doc, e, false);
}

/* MARK: - Entry points */

static in_status json_start(in_source *s, in_doc *doc)
{
    s->js.line = 1;
    s->js.col = 0;
    s->js.text = malloc(4096);
    if (!s->js.text)
        return in_fail(s, doc, IN_ERROR, true, "%s: out of memory", s->name);
    s->js.text_cap = 4096;
    skip_bom(s);
    int c = skip_space(s);
    if (c < 0)
        return at_end(s, doc);
    if (c == '[') {
        s->js.mode = JM_ARRAY;
        return array_next(s, doc);
    }
    jungetc(s);
    s->js.mode = JM_LINES;
    return lines_next(s, doc);
}

in_status in_json_next(in_source *s, in_doc *doc)
{
    switch (s->js.mode) {
    case JM_START:
        return json_start(s, doc);
    case JM_LINES:
        return lines_next(s, doc);
    case JM_ARRAY:
        return array_next(s, doc);
    case JM_DONE:
        break;
    }
    return IN_END;
}

void in_json_free(in_source *s)
{
    if (s->js.have_bson)
        bson_destroy(&s->js.bson);
    free(s->js.text);
}
