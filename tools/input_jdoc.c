/*
 * One document's JSON text to BSON. The text checks come first because
 * libbson accepts and misreads what they catch; libbson's own parse errors
 * are then given a line and column instead of a byte offset.
 */
#include "input_impl.h"
#include "jtext.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Line and column of byte `off` of the current document's text. */
static void text_pos(const json_state *js, size_t off, uint64_t *line, uint32_t *col)
{
    *line = js->start_line;
    *col = js->start_col;
    for (size_t i = 0; i < off && i < js->text_len; i++) {
        if (js->text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* libbson's syntax errors end in `position N: "WHY"`, N a 0-based offset
   into the text it was given; other errors carry no position. */
static size_t libbson_offset(const char *msg)
{
    const char *p = strstr(msg, "position ");
    if (!p)
        return 0;
    return (size_t)strtoull(p + 9, NULL, 10);
}

static in_status bad_at(in_source *s, in_doc *doc, size_t off, const char *what,
                        const char *msg)
{
    uint64_t line;
    uint32_t col;
    text_pos(&s->js, off, &line, &col);
    return in_fail(s, doc, IN_BAD, false, "%s:%" PRIu64 ":%" PRIu32 ": %s%s", s->name,
                   line, col, what, msg);
}

in_status in_json_parse(in_source *s, in_doc *doc)
{
    json_state *js = &s->js;
    jtext_problem p;
    bson_error_t err;
    if (!jtext_check(js->text, js->text_len, &p))
        return bad_at(s, doc, p.offset, "", p.message);
    if (js->have_bson)
        bson_destroy(&js->bson);
    js->have_bson = bson_init_from_json(&js->bson, js->text, (ssize_t)js->text_len, &err);
    if (!js->have_bson)
        return bad_at(s, doc, libbson_offset(err.message), "invalid JSON: ", err.message);
    doc->data = bson_get_data(&js->bson);
    doc->len = js->bson.len;
    return IN_DOC;
}
