/*
 * The parser: tokens to the AST of internal.h, by recursive descent over
 *
 *   file   = { "schema" Name [ "extends" Name ] object [ "with" object ] [ ";" ] }
 *   object = "{" [ key ":" value { "," key ":" value } [ "," ] ] "}"
 *   key    = Ident | string | number
 *   value  = object | array | string | number | "true" | "false" | "null"
 *          | regex | Ident { "." Ident }
 *
 * Every parse function starts at its construct's first token (p->tok) and
 * returns with p->tok at the token after it. The grammar is JavaScript's
 * object literal and nothing more, so the JavaScript people paste in by habit
 * (`new Schema(...)`, functions, `undefined`) gets a message that says what
 * to write instead. Nothing is semantic here: duplicate keys, unknown options
 * and unknown names are the compiler's to report.
 */
#include "internal.h"
#include "lexer.h"

#include <stdio.h>
#include <string.h>

/* MARK: - State */

typedef struct parser {
    bsg__lexer lx;
    bsg__token tok; /* the current token */
    const bsg__source *src;
    bsg__arena *arena;
    bsg_diag *diag;
    unsigned depth;       /* objects and arrays open around p->tok */
    uint32_t open_offset; /* the innermost of them, for "unterminated" */
    bsg__tok_kind open_kind;
} parser;

/* The innermost open container, saved while a nested one is parsed. */
typedef struct nest {
    uint32_t offset;
    bsg__tok_kind kind;
} nest;

static const char FUNCTION_MESSAGE[] =
    "functions cannot cross into bsonguard; register a C validator and use "
    "`validate: 'name'`";

/* MARK: - Errors */

static bool fail(parser *p, uint32_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(parser *p, uint32_t offset, const char *fmt, ...)
{
    char message[sizeof p->diag->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    bsg__diag_at(p->diag, p->src, offset, "syntax", "%s", message);
    return false;
}

static bool out_of_memory(parser *p) { return fail(p, p->tok.offset, "out of memory"); }

/* "expected X, found Y" at the current token. Running out of input inside an
   object or array is reported at its opening bracket instead: that is where
   the missing bracket belongs, not at the end of the file. */
static bool unexpected(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool unexpected(parser *p, const char *fmt, ...)
{
    if (p->tok.kind == BSG__TOK_EOF && p->depth > 0) {
        bool object = p->open_kind == BSG__TOK_LBRACE;
        return fail(p, p->open_offset, "unterminated %s: this `%c` is never closed",
                    object ? "object" : "array", object ? '{' : '[');
    }
    char expected[160], found[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(expected, sizeof expected, fmt, ap);
    va_end(ap);
    bsg__token_describe(&p->tok, found, sizeof found);
    return fail(p, p->tok.offset, "expected %s, found %s", expected, found);
}

/* A precision for "%.*s" that shows at most `max` bytes of `s` without
   cutting a UTF-8 character in two. */
static int clip(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return (int)len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0u) == 0x80u)
        max--;
    return (int)max;
}

/* MARK: - Tokens */

static bool advance(parser *p, bsg__lex_mode mode) { return bsg__lex(&p->lx, mode, &p->tok); }

static bool is_word(const bsg__token *tok, const char *word)
{
    size_t n = strlen(word);
    return tok->kind == BSG__TOK_IDENT && tok->text_len == n && memcmp(tok->text, word, n) == 0;
}

static char *token_text(parser *p)
{
    char *s = bsg__arena_strndup(p->arena, p->tok.text, p->tok.text_len);
    if (!s)
        out_of_memory(p);
    return s;
}

/* MARK: - Growable arrays
 * Members and items are collected on the heap, then copied into the arena
 * once their number is known. */

typedef struct vec {
    char *data;
    size_t count, cap, size;
} vec;

#define VEC_OF(type) {NULL, 0, 0, sizeof(type)}

static bool vec_append(parser *p, vec *v, const void *items, size_t n)
{
    if (v->cap - v->count < n) {
        size_t cap = v->cap ? v->cap : 8;
        while (cap - v->count < n && cap <= SIZE_MAX / 2 / v->size)
            cap *= 2;
        char *data = cap - v->count >= n ? bsg__realloc(v->data, cap * v->size) : NULL;
        if (!data)
            return out_of_memory(p);
        v->data = data;
        v->cap = cap;
    }
    memcpy(v->data + v->count * v->size, items, n * v->size);
    v->count += n;
    return true;
}

static bool vec_push(parser *p, vec *v, const void *item) { return vec_append(p, v, item, 1); }

/* The items, moved into the arena; NULL when there are none, or when memory
   ran out (then with the diagnostic set). Frees the heap copy either way. */
static void *vec_finish(parser *p, vec *v)
{
    void *copy = NULL;
    if (v->count > 0) {
        copy = bsg__arena_alloc(p->arena, v->count * v->size);
        if (copy)
            memcpy(copy, v->data, v->count * v->size);
        else
            out_of_memory(p);
    }
    bsg__free(v->data);
    v->data = NULL;
    return copy;
}

static void vec_free(vec *v)
{
    bsg__free(v->data);
    v->data = NULL;
}

/* MARK: - Nesting */

/* Enter the object or array whose bracket is p->tok. The depth cap keeps the
   recursion, and every later recursive stage, off the end of the stack. */
static bool enter(parser *p, nest *saved)
{
    saved->offset = p->open_offset;
    saved->kind = p->open_kind;
    uint32_t cap = p->src->max_depth ? p->src->max_depth : BSG__MAX_SOURCE_DEPTH;
    if (p->depth >= cap) {
        bsg__diag_at(p->diag, p->src, p->tok.offset, "limit",
                     "nesting is deeper than %u level%s of objects and arrays", cap,
                     cap == 1 ? "" : "s");
        return false;
    }
    p->depth++;
    p->open_offset = p->tok.offset;
    p->open_kind = p->tok.kind;
    return true;
}

static void leave(parser *p, const nest *saved)
{
    p->depth--;
    p->open_offset = saved->offset;
    p->open_kind = saved->kind;
}

static bsg__ast_node *new_node(parser *p, bsg__ast_kind kind)
{
    bsg__ast_node *node = bsg__arena_alloc(p->arena, sizeof *node);
    if (!node) {
        out_of_memory(p);
        return NULL;
    }
    node->kind = kind;
    node->offset = p->tok.offset;
    return node;
}

/* MARK: - Values */

static bsg__ast_node *parse_value(parser *p);
static bsg__ast_node *parse_object(parser *p);

static bsg__ast_node *parse_string(parser *p)
{
    bsg__ast_node *node = new_node(p, BSG__AST_STRING);
    if (!node)
        return NULL;
    node->u.string.text = p->tok.text; /* decoded into the arena by the lexer */
    node->u.string.len = p->tok.text_len;
    return advance(p, BSG__LEX_DEFAULT) ? node : NULL;
}

static bsg__ast_node *parse_number(parser *p)
{
    bsg__ast_node *node = new_node(p, BSG__AST_NUMBER);
    if (!node || !(node->u.number.raw = token_text(p)))
        return NULL;
    node->u.number.value = p->tok.number;
    return advance(p, BSG__LEX_DEFAULT) ? node : NULL;
}

static bsg__ast_node *parse_regex(parser *p)
{
    bsg__ast_node *node = new_node(p, BSG__AST_REGEX);
    if (!node)
        return NULL;
    node->u.regex.pattern = bsg__arena_strndup(p->arena, p->tok.text, p->tok.text_len);
    node->u.regex.flags = bsg__arena_strndup(p->arena, p->tok.flags, p->tok.flags_len);
    if (!node->u.regex.pattern || !node->u.regex.flags) {
        out_of_memory(p);
        return NULL;
    }
    return advance(p, BSG__LEX_DEFAULT) ? node : NULL;
}

static bsg__ast_node *parse_literal(parser *p, bsg__ast_kind kind, bool value)
{
    bsg__ast_node *node = new_node(p, kind);
    if (!node)
        return NULL;
    node->u.boolean = value;
    return advance(p, BSG__LEX_DEFAULT) ? node : NULL;
}

/* `Name { "." Name }` into `path`, without the spaces or comments that
   JavaScript allows around the dots. */
static bool read_path(parser *p, vec *path)
{
    for (;;) {
        if (!vec_append(p, path, p->tok.text, p->tok.text_len) || !advance(p, BSG__LEX_DEFAULT))
            return false;
        if (p->tok.kind != BSG__TOK_DOT)
            return vec_push(p, path, "");
        if (!advance(p, BSG__LEX_DEFAULT))
            return false;
        if (p->tok.kind != BSG__TOK_IDENT)
            return unexpected(p, "a name after `.`");
        if (!vec_push(p, path, "."))
            return false;
    }
}

/* A name that is not a literal: a type (`String`), a dotted path
   (`Schema.Types.ObjectId`, `Date.now`) or another schema. A call or an arrow
   after it means the user wrote a function. */
static bsg__ast_node *parse_ref(parser *p)
{
    uint32_t start = p->tok.offset;
    vec path = VEC_OF(char);
    if (!read_path(p, &path)) {
        vec_free(&path);
        return NULL;
    }
    if (p->tok.kind == BSG__TOK_LPAREN)
        fail(p, start, "`%.*s(...)` is a call: %s", clip(path.data, path.count - 1, 40),
             path.data, FUNCTION_MESSAGE);
    else if (p->tok.kind == BSG__TOK_ARROW)
        fail(p, start, "%s", FUNCTION_MESSAGE);
    if (p->tok.kind == BSG__TOK_LPAREN || p->tok.kind == BSG__TOK_ARROW) {
        vec_free(&path);
        return NULL;
    }
    bsg__ast_node *node = new_node(p, BSG__AST_REF);
    const char *text = vec_finish(p, &path);
    if (!node || !text)
        return NULL;
    node->offset = start;
    node->u.ref.path = text;
    return node;
}

/* Report the JavaScript words that people paste where a value belongs;
   false when p->tok is none of them. */
static bool reject_javascript_word(parser *p)
{
    const bsg__token *t = &p->tok;
    if (is_word(t, "undefined"))
        fail(p, t->offset, "`undefined` is not a value; leave the option out");
    else if (is_word(t, "new"))
        fail(p, t->offset, "`new Schema(...)` is JavaScript; declare it as "
                           "`schema Name { … }` and refer to it by name");
    else if (is_word(t, "function"))
        fail(p, t->offset, "%s", FUNCTION_MESSAGE);
    else
        return false;
    return true;
}

/* An identifier in value position: a literal, a reference, or JavaScript
   that has no place in a schema. */
static bsg__ast_node *parse_word(parser *p)
{
    const bsg__token *t = &p->tok;
    if (is_word(t, "true") || is_word(t, "false"))
        return parse_literal(p, BSG__AST_BOOL, is_word(t, "true"));
    if (is_word(t, "null"))
        return parse_literal(p, BSG__AST_NULL, false);
    if (reject_javascript_word(p))
        return NULL;
    return parse_ref(p);
}

/* `[` [ value { "," value } [ "," ] ] `]` after the `[`. */
static bool parse_items(parser *p, vec *items)
{
    while (p->tok.kind != BSG__TOK_RBRACKET) {
        bsg__ast_node *item = parse_value(p);
        if (!item || !vec_push(p, items, &item))
            return false;
        if (p->tok.kind == BSG__TOK_COMMA) {
            if (!advance(p, BSG__LEX_VALUE))
                return false;
        } else if (p->tok.kind != BSG__TOK_RBRACKET) {
            return unexpected(p, "`,` or `]` after an array element");
        }
    }
    return advance(p, BSG__LEX_DEFAULT);
}

static bsg__ast_node *parse_array(parser *p)
{
    nest saved;
    if (!enter(p, &saved))
        return NULL;
    bsg__ast_node *node = new_node(p, BSG__AST_ARRAY);
    vec items = VEC_OF(bsg__ast_node *);
    bool ok = node && advance(p, BSG__LEX_VALUE) && parse_items(p, &items);
    if (ok) {
        node->u.array.count = items.count;
        node->u.array.items = vec_finish(p, &items);
        ok = items.count == 0 || node->u.array.items;
    }
    vec_free(&items);
    leave(p, &saved);
    return ok ? node : NULL;
}

static bsg__ast_node *parse_value(parser *p)
{
    switch (p->tok.kind) {
    case BSG__TOK_LBRACE: return parse_object(p);
    case BSG__TOK_LBRACKET: return parse_array(p);
    case BSG__TOK_STRING: return parse_string(p);
    case BSG__TOK_NUMBER: return parse_number(p);
    case BSG__TOK_REGEX: return parse_regex(p);
    case BSG__TOK_IDENT: return parse_word(p);
    case BSG__TOK_LPAREN: /* `(v) => ...` */
        fail(p, p->tok.offset, "%s", FUNCTION_MESSAGE);
        return NULL;
    default:
        unexpected(p, "a value");
        return NULL;
    }
}

/* MARK: - Objects */

/* A key as the compiler sees it: a name, a decoded string, or a number's
   source text. Keys end up as NUL-terminated C strings, so none may hold NUL. */
static bool parse_key(parser *p, bsg__ast_member *m)
{
    m->offset = p->tok.offset;
    switch (p->tok.kind) {
    case BSG__TOK_STRING:
        if (memchr(p->tok.text, '\0', p->tok.text_len))
            return fail(p, p->tok.offset, "a key cannot contain a NUL character");
        m->key = p->tok.text;
        break;
    case BSG__TOK_IDENT:
    case BSG__TOK_NUMBER:
        if (!(m->key = token_text(p)))
            return false;
        break;
    default:
        return unexpected(p, "a key (a name or a quoted string)");
    }
    m->key_len = p->tok.text_len;
    return advance(p, BSG__LEX_DEFAULT);
}

static bool parse_member(parser *p, bsg__ast_member *m)
{
    if (!parse_key(p, m))
        return false;
    if (p->tok.kind == BSG__TOK_LPAREN) /* method shorthand: `validate(v) { ... }` */
        return fail(p, m->offset, "%s", FUNCTION_MESSAGE);
    if (p->tok.kind != BSG__TOK_COLON)
        return unexpected(p, "`:` after the key `%.*s`", clip(m->key, m->key_len, 40), m->key);
    if (!advance(p, BSG__LEX_VALUE))
        return false;
    m->value = parse_value(p);
    return m->value != NULL;
}

/* `{` [ member { "," member } [ "," ] ] `}` after the `{`. */
static bool parse_members(parser *p, vec *members)
{
    while (p->tok.kind != BSG__TOK_RBRACE) {
        bsg__ast_member m;
        if (!parse_member(p, &m) || !vec_push(p, members, &m))
            return false;
        if (p->tok.kind == BSG__TOK_COMMA) {
            if (!advance(p, BSG__LEX_DEFAULT))
                return false;
        } else if (p->tok.kind != BSG__TOK_RBRACE) {
            return unexpected(p, "`,` or `}` after the value of `%.*s`",
                              clip(m.key, m.key_len, 40), m.key);
        }
    }
    return advance(p, BSG__LEX_DEFAULT);
}

static bsg__ast_node *parse_object(parser *p)
{
    nest saved;
    if (!enter(p, &saved))
        return NULL;
    bsg__ast_node *node = new_node(p, BSG__AST_OBJECT);
    vec members = VEC_OF(bsg__ast_member);
    bool ok = node && advance(p, BSG__LEX_DEFAULT) && parse_members(p, &members);
    if (ok) {
        node->u.object.count = members.count;
        node->u.object.members = vec_finish(p, &members);
        ok = members.count == 0 || node->u.object.members;
    }
    vec_free(&members);
    leave(p, &saved);
    return ok ? node : NULL;
}

/* MARK: - Declarations */

/* The file must be a list of declarations; say so, with a did-you-mean for
   `Schema` and other near misses of the keyword. */
static bool expected_schema(parser *p)
{
    static const char *const keyword[] = {"schema"};
    char word[65];
    snprintf(word, sizeof word, "%.*s", clip(p->tok.text, p->tok.text_len, 64), p->tok.text);
    bool near = p->tok.kind == BSG__TOK_IDENT && bsg__suggest(word, keyword, 1);
    unexpected(p, "`schema`");
    if (near)
        bsg__diag_hint(p->diag, "did you mean `schema`?");
    else
        bsg__diag_hint(p->diag, "a .bsg file is a list of `schema Name { … }` declarations");
    return false;
}

static bool parse_name(parser *p, const char **name, uint32_t *offset)
{
    *offset = p->tok.offset;
    return (*name = token_text(p)) != NULL && advance(p, BSG__LEX_DEFAULT);
}

static bool parse_header(parser *p, bsg__ast_schema *s)
{
    if (!is_word(&p->tok, "schema"))
        return expected_schema(p);
    if (!advance(p, BSG__LEX_DEFAULT))
        return false;
    if (p->tok.kind != BSG__TOK_IDENT)
        return unexpected(p, "a name after `schema`, as in `schema Name { … }`");
    if (!parse_name(p, &s->name, &s->offset))
        return false;
    if (!is_word(&p->tok, "extends"))
        return true;
    if (!advance(p, BSG__LEX_DEFAULT))
        return false;
    if (p->tok.kind != BSG__TOK_IDENT)
        return unexpected(p, "the name of a base schema after `extends`");
    return parse_name(p, &s->base, &s->base_offset);
}

static bool parse_schema(parser *p, bsg__ast_schema *s)
{
    memset(s, 0, sizeof *s);
    if (!parse_header(p, s))
        return false;
    if (p->tok.kind != BSG__TOK_LBRACE)
        return unexpected(p, "`{` to open the body of schema `%s`", s->name);
    if (!(s->body = parse_object(p)))
        return false;
    if (is_word(&p->tok, "with")) {
        if (!advance(p, BSG__LEX_DEFAULT))
            return false;
        if (p->tok.kind != BSG__TOK_LBRACE)
            return unexpected(p, "`{` with the options of schema `%s` after `with`", s->name);
        if (!(s->options = parse_object(p)))
            return false;
    }
    return p->tok.kind != BSG__TOK_SEMI || advance(p, BSG__LEX_DEFAULT);
}

static bool parse_file(parser *p, bsg__ast_file *out)
{
    if (!advance(p, BSG__LEX_DEFAULT))
        return false;
    if (p->tok.kind == BSG__TOK_EOF) {
        fail(p, p->tok.offset, "no schema declared");
        bsg__diag_hint(p->diag, "declare one as `schema Name { field: String }`");
        return false;
    }
    vec schemas = VEC_OF(bsg__ast_schema);
    while (p->tok.kind != BSG__TOK_EOF) {
        bsg__ast_schema s;
        if (!parse_schema(p, &s) || !vec_push(p, &schemas, &s)) {
            vec_free(&schemas);
            return false;
        }
    }
    out->count = schemas.count;
    out->schemas = vec_finish(p, &schemas);
    return out->schemas != NULL;
}

bool bsg__parse(const bsg__source *src, bsg__arena *arena, bsg__ast_file *out, bsg_diag *diag)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.src = src;
    p.arena = arena;
    p.diag = diag;
    out->schemas = NULL;
    out->count = 0;
    if (!bsg__lexer_init(&p.lx, src, arena, diag) || !parse_file(&p, out)) {
        out->schemas = NULL;
        out->count = 0;
        return false;
    }
    return true;
}
