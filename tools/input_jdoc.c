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

/* libbson's syntax errors end in a jsonsl error code, such as
   `Got parse error at "}", position 11: "TRAILING_COMMA"`. The codes a
   document can hit, in words: head, then the character libbson names and
   tail when tail is not NULL. */
static const struct {
    const char *code, *head, *tail;
} jsonsl_words[] = {
    {"TRAILING_COMMA", "a comma before `", "`"},
    {"SPECIAL_EXPECTED", "`", "` cannot start a value (strings take double quotes, "
                              "and JSON has no comments)"},
    {"SPECIAL_INCOMPLETE", "a misspelt true, false or null", NULL},
    {"INVALID_NUMBER", "a malformed number", NULL},
    {"ESCAPE_INVALID", "`\\", "` is not a JSON escape"},
    {"UESCAPE_TOOSHORT", "a \\u escape needs four hex digits", NULL},
    {"INVALID_CODEPOINT", "a \\u escape that is not a character (half of a surrogate pair?)",
     NULL},
    {"WEIRD_WHITESPACE", "a raw control character; in a string, write it as an escape "
                         "such as \\n or \\u0001", NULL},
    {"STRAY_TOKEN", "unexpected `", "` (a missing or extra `,` or `:`?)"},
    {"MISSING_TOKEN", "unexpected `", "` (a missing or extra `,` or `:`?)"},
    {"CANT_INSERT", "unexpected `", "` (a missing `,` or `:`?)"},
    {"HKEY_EXPECTED", "expected a key in double quotes, found `", "`"},
    {"VALUE_EXPECTED", "a key without a value before `", "`"},
    {"BRACKET_MISMATCH", "`", "` does not match the bracket it closes"},
    {"KEY_OUTSIDE_OBJECT", "unexpected `", "` outside an object"},
    {"GARBAGE_TRAILING", "unexpected `", "` after the end of the document"},
    {"LEVELS_EXCEEDED", "nested deeper than libbson's JSON reader allows (it stops near "
                        "100 levels)", NULL},
};

/* Rewrite a libbson syntax error into `out`; false if it is not one. */
static bool explain(const char *msg, char *out, size_t cap)
{
    const char *at = "Got parse error at \"", *end = msg + strlen(msg);
    const char *tok = strncmp(msg, at, strlen(at)) == 0 ? msg + strlen(at) : NULL;
    const char *open = end > msg + 1 && end[-1] == '"' ? end - 2 : NULL;
    while (open && open > msg && *open != '"')
        open--;
    if (!open || *open != '"')
        return false;
    for (size_t i = 0; i < sizeof jsonsl_words / sizeof jsonsl_words[0]; i++) {
        size_t n = strlen(jsonsl_words[i].code);
        if ((size_t)(end - open - 2) != n || memcmp(open + 1, jsonsl_words[i].code, n) != 0)
            continue;
        if (jsonsl_words[i].tail && tok)
            snprintf(out, cap, "%s%c%s", jsonsl_words[i].head, *tok, jsonsl_words[i].tail);
        else if (jsonsl_words[i].tail)
            return false;
        else
            snprintf(out, cap, "%s", jsonsl_words[i].head);
        return true;
    }
    return false;
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
    if (!js->have_bson) {
        char words[200];
        bool known = explain(err.message, words, sizeof words);
        return bad_at(s, doc, libbson_offset(err.message), "invalid JSON: ",
                      known ? words : err.message);
    }
    doc->data = bson_get_data(&js->bson);
    doc->len = js->bson.len;
    return IN_DOC;
}
