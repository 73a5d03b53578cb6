/*
 * White-box tests of the lexer, the parser and the diagnostics. Every source
 * is copied into a heap buffer of exactly its length, so AddressSanitizer
 * catches any read past the end (the parser must not rely on a NUL).
 */
#include "util.h"

#include "internal.h"
#include "lexer.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MARK: - Fixture and helpers */

static bsg__arena arena;
static bsg_diag diag;
static bsg__ast_file file;
static bsg__source src;
static char *owned; /* the current source, exactly src.len bytes */

static void setup(void)
{
    bsg__arena_init(&arena);
    memset(&diag, 0, sizeof diag);
    memset(&file, 0, sizeof file);
    owned = NULL;
}

static void teardown(void)
{
    bsg__arena_destroy(&arena);
    free(owned);
    owned = NULL;
}

static const bsg__source *source_n(const char *text, size_t len)
{
    free(owned);
    owned = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(owned);
    if (len)
        memcpy(owned, text, len);
    src = (bsg__source){owned, len, "t.bsg", 0, 0};
    return &src;
}

static bool parse_n(const char *text, size_t len)
{
    return bsg__parse(source_n(text, len), &arena, &file, &diag);
}

static bool parse(const char *text) { return parse_n(text, strlen(text)); }

static void parse_ok(const char *text)
{
    ck_assert_msg(parse(text), "`%s` failed at %u:%u: %s", text, diag.line, diag.column,
                  diag.message);
}

static const bsg__ast_node *body(size_t i)
{
    ck_assert_uint_gt(file.count, i);
    ck_assert_ptr_nonnull(file.schemas[i].body);
    ck_assert_int_eq(file.schemas[i].body->kind, BSG__AST_OBJECT);
    return file.schemas[i].body;
}

static const bsg__ast_member *member(const bsg__ast_node *obj, size_t i)
{
    ck_assert_int_eq(obj->kind, BSG__AST_OBJECT);
    ck_assert_uint_gt(obj->u.object.count, i);
    return &obj->u.object.members[i];
}

/* The value of `v` in `schema T { v: <text> }`. */
static const bsg__ast_node *value_of(const char *text)
{
    char buf[512];
    snprintf(buf, sizeof buf, "schema T { v: %s }", text);
    parse_ok(buf);
    ck_assert_uint_eq(body(0)->u.object.count, 1);
    return member(body(0), 0)->value;
}

/* MARK: - Lexer: tokens */

static void lex_kinds(const char *text, bsg__lex_mode mode, bsg__tok_kind *kinds, size_t max)
{
    bsg__lexer lx;
    bsg__token tok;
    ck_assert(bsg__lexer_init(&lx, source_n(text, strlen(text)), &arena, &diag));
    size_t n = 0;
    do {
        ck_assert_msg(bsg__lex(&lx, mode, &tok), "%s", diag.message);
        ck_assert_uint_lt(n, max);
        kinds[n++] = tok.kind;
    } while (tok.kind != BSG__TOK_EOF);
}

START_TEST(test_punctuation)
{
    static const bsg__tok_kind want[] = {
        BSG__TOK_LBRACE, BSG__TOK_RBRACE, BSG__TOK_LBRACKET, BSG__TOK_RBRACKET,
        BSG__TOK_LPAREN, BSG__TOK_RPAREN, BSG__TOK_COLON,    BSG__TOK_COMMA,
        BSG__TOK_SEMI,   BSG__TOK_DOT,    BSG__TOK_ARROW,    BSG__TOK_OTHER,
        BSG__TOK_OTHER,  BSG__TOK_OTHER,  BSG__TOK_IDENT,    BSG__TOK_STRING,
        BSG__TOK_NUMBER, BSG__TOK_EOF};
    bsg__tok_kind got[32];
    lex_kinds("{ } [ ] ( ) : , ; . => = - / $_x9 'a' 1", BSG__LEX_DEFAULT, got, 32);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(got[i] == want[i], "token %zu: %d, want %d", i, got[i], want[i]);
}
END_TEST

/* `/` and a sign depend on whether the parser expects a value. */
START_TEST(test_value_mode)
{
    bsg__tok_kind got[8];
    lex_kinds("/a/ -1", BSG__LEX_DEFAULT, got, 8);
    ck_assert_int_eq(got[0], BSG__TOK_OTHER);
    ck_assert_int_eq(got[1], BSG__TOK_IDENT);
    ck_assert_int_eq(got[2], BSG__TOK_OTHER);
    ck_assert_int_eq(got[3], BSG__TOK_OTHER);
    ck_assert_int_eq(got[4], BSG__TOK_NUMBER);
    ck_assert_int_eq(got[5], BSG__TOK_EOF);
    lex_kinds("/a/ -1", BSG__LEX_VALUE, got, 8);
    ck_assert_int_eq(got[0], BSG__TOK_REGEX);
    ck_assert_int_eq(got[1], BSG__TOK_NUMBER);
    ck_assert_int_eq(got[2], BSG__TOK_EOF);
}
END_TEST

START_TEST(test_token_offsets_and_eof)
{
    bsg__lexer lx;
    bsg__token tok;
    ck_assert(bsg__lexer_init(&lx, source_n("  abc /*x*/ 'q'", 15), &arena, &diag));
    ck_assert(bsg__lex(&lx, BSG__LEX_DEFAULT, &tok));
    ck_assert_int_eq(tok.kind, BSG__TOK_IDENT);
    ck_assert_uint_eq(tok.offset, 2);
    ck_assert_uint_eq(tok.len, 3);
    ck_assert(bsg__lex(&lx, BSG__LEX_DEFAULT, &tok));
    ck_assert_int_eq(tok.kind, BSG__TOK_STRING);
    ck_assert_uint_eq(tok.offset, 12);
    ck_assert_uint_eq(tok.len, 3);
    for (int i = 0; i < 2; i++) {
        ck_assert(bsg__lex(&lx, BSG__LEX_DEFAULT, &tok));
        ck_assert_int_eq(tok.kind, BSG__TOK_EOF);
        ck_assert_uint_eq(tok.offset, 15);
    }
}
END_TEST

START_TEST(test_token_describe)
{
    static const struct {
        const char *text;
        const char *want;
    } rows[] = {
        {"name", "`name`"},
        {"'str'", "a string"},
        {"", "end of input"},
        {"}", "`}`"},
        {"=>", "`=>`"},
        {"0x1F", "`0x1F`"},
        {"abcdefghijklmnopqrstuvwxyz0123456789", "`abcdefghijklmnopqrstuvwxyz012345...`"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bsg__lexer lx;
        bsg__token tok;
        char buf[64];
        ck_assert(bsg__lexer_init(&lx, source_n(rows[i].text, strlen(rows[i].text)), &arena,
                                  &diag));
        ck_assert(bsg__lex(&lx, BSG__LEX_DEFAULT, &tok));
        bsg__token_describe(&tok, buf, sizeof buf);
        ck_assert_str_eq(buf, rows[i].want);
    }
    bsg__lexer lx;
    bsg__token tok;
    char buf[64];
    ck_assert(bsg__lexer_init(&lx, source_n("/x/", 3), &arena, &diag));
    ck_assert(bsg__lex(&lx, BSG__LEX_VALUE, &tok));
    bsg__token_describe(&tok, buf, sizeof buf);
    ck_assert_str_eq(buf, "a regular expression");
}
END_TEST

/* MARK: - Lexer: strings */

static const struct {
    const char *literal;
    const char *want;
    size_t want_len;
} string_rows[] = {
    {"'plain'", "plain", 5},
    {"\"double\"", "double", 6},
    {"`back`", "back", 4},
    {"'a\\nb'", "a\nb", 3},
    {"'\\t\\r\\b\\f\\v'", "\t\r\b\f\v", 5},
    {"'\\0'", "\0", 1},
    {"'a\\0b'", "a\0b", 3},
    {"'\\'\\\"\\\\'", "'\"\\", 3},
    {"\"it's\"", "it's", 4},
    {"'\\x41\\xe9'", "A\xc3\xa9", 3},
    {"'\\u0041\\u00e9\\u20AC'", "A\xc3\xa9\xe2\x82\xac", 6},
    {"'\\u{41}\\u{000041}'", "AA", 2},
    {"'\\u{1F600}'", "\xf0\x9f\x98\x80", 4},
    {"'\\u{10FFFF}'", "\xf4\x8f\xbf\xbf", 4},
    {"'\\uD83D\\uDE00'", "\xf0\x9f\x98\x80", 4},
    {"'\\u{D83D}\\u{DE00}'", "\xf0\x9f\x98\x80", 4},
    {"'\\ud83d\\ude00!'", "\xf0\x9f\x98\x80!", 5},
    {"'a\\\nb'", "ab", 2},
    {"'a\\\r\nb'", "ab", 2},
    {"'a\\\rb'", "ab", 2},
    {"'a\\\xe2\x80\xa8" "b'", "ab", 2},
    {"'\\d\\q\\$'", "dq$", 3},
    {"'\\\xc3\xa9'", "\xc3\xa9", 2},
    {"'caf\xc3\xa9 \xe2\x82\xac'", "caf\xc3\xa9 \xe2\x82\xac", 9},
    {"`x${y}`", "x${y}", 5},
    {"`a\nb`", "a\nb", 3},
    {"`a\r\nb\rc`", "a\nb\nc", 5},
    {"'a\xe2\x80\xa8" "b'", "a\xe2\x80\xa8" "b", 5},
    {"''", "", 0},
};

START_TEST(test_string)
{
    const bsg__ast_node *v = value_of(string_rows[_i].literal);
    ck_assert_int_eq(v->kind, BSG__AST_STRING);
    ck_assert_uint_eq(v->u.string.len, string_rows[_i].want_len);
    ck_assert_mem_eq(v->u.string.text, string_rows[_i].want, string_rows[_i].want_len);
    ck_assert_int_eq(v->u.string.text[v->u.string.len], '\0');
    ck_assert_uint_eq(v->offset, 14);
}
END_TEST

/* MARK: - Lexer: numbers */

static const struct {
    const char *literal;
    double want;
} number_rows[] = {
    {"42", 42},
    {"0", 0},
    {"-7", -7},
    {"+3", 3},
    {"1.5", 1.5},
    {"1.5e3", 1500},
    {"2E-3", 0.002},
    {"1e+2", 100},
    {".5", 0.5},
    {"5.", 5},
    {"-.25e-2", -0.0025},
    {"0.0", 0},
    {"0x1F", 31},
    {"0XfF", 255},
    {"-0x10", -16},
    {"0o17", 15},
    {"0O7", 7},
    {"0b1010", 10},
    {"0B1", 1},
    {"1_000_000", 1000000},
    {"0xFF_FF", 65535},
    {"0b1_0", 2},
    {"1_0.2_5e1_0", 10.25e10},
    {"9007199254740993", 9007199254740992.0},
    {"18446744073709551615", 18446744073709551615.0},
    {"0xFFFFFFFFFFFFFFFF", 18446744073709551615.0},
    {"0x10000000000000000", 18446744073709551616.0},
    {"1e400", HUGE_VAL},
};

START_TEST(test_number)
{
    const bsg__ast_node *v = value_of(number_rows[_i].literal);
    ck_assert_int_eq(v->kind, BSG__AST_NUMBER);
    ck_assert_msg(v->u.number.value == number_rows[_i].want, "%s: got %.17g, want %.17g",
                  number_rows[_i].literal, v->u.number.value, number_rows[_i].want);
    ck_assert_str_eq(v->u.number.raw, number_rows[_i].literal);
}
END_TEST

/* MARK: - Lexer: regular expressions */

static const struct {
    const char *literal;
    const char *pattern;
    const char *flags;
} regex_rows[] = {
    {"/^a+$/", "^a+$", ""},
    {"/^https?:\\/\\//", "^https?:\\/\\/", ""},
    {"/a\\/b/g", "a\\/b", "g"},
    {"/[/]x/i", "[/]x", "i"},
    {"/[\\]/]/", "[\\]/]", ""},
    {"/[a-z]+\\d{2,}/gimsuyd", "[a-z]+\\d{2,}", "gimsuyd"},
    {"/x/v", "x", "v"},
    {"/caf\xc3\xa9/u", "caf\xc3\xa9", "u"},
    {"/a*b/ ", "a*b", ""},
};

START_TEST(test_regex)
{
    const bsg__ast_node *v = value_of(regex_rows[_i].literal);
    ck_assert_int_eq(v->kind, BSG__AST_REGEX);
    ck_assert_str_eq(v->u.regex.pattern, regex_rows[_i].pattern);
    ck_assert_str_eq(v->u.regex.flags, regex_rows[_i].flags);
}
END_TEST

/* MARK: - Lexer: whitespace and comments */

START_TEST(test_comments_and_spaces)
{
    parse_ok("\xef\xbb\xbf// leading comment\n"
             "/* block\n * comment */ schema /**/ A // after the name\n"
             "{\xc2\xa0" "a\xe2\x80\x83:\t1 /* between */, // trailing\n"
             "\r\n  b: /* before a value */ 2\v\f}");
    ck_assert_str_eq(file.schemas[0].name, "A");
    ck_assert_uint_eq(body(0)->u.object.count, 2);
    ck_assert_str_eq(member(body(0), 0)->key, "a");
    ck_assert_str_eq(member(body(0), 1)->key, "b");
    ck_assert(member(body(0), 1)->value->u.number.value == 2);
}
END_TEST

/* MARK: - Grammar */

START_TEST(test_design_example)
{
    parse_ok("// examples/conversation.bsg\n"
             "schema Attachment {\n"
             "  url:  { type: String, required: true, match: /^https?:\\/\\// },\n"
             "  size: { type: Number, min: 0 },\n"
             "  mime: String,\n"
             "} with { _id: false }\n"
             "\n"
             "schema Message {\n"
             "  sender:  { type: Schema.Types.ObjectId, ref: 'User', required: true },\n"
             "  body:    { type: String, required: [true, 'a message needs a body'], "
             "maxlength: 4000 },\n"
             "  sentAt:  { type: Date, default: Date.now },\n"
             "  readBy:  [Schema.Types.ObjectId],\n"
             "  attachments: [Attachment],\n"
             "}\n");
    ck_assert_uint_eq(file.count, 2);
    ck_assert_str_eq(file.schemas[0].name, "Attachment");
    ck_assert_uint_eq(file.schemas[0].offset, 36);
    ck_assert_ptr_null(file.schemas[0].base);
    ck_assert_uint_eq(body(0)->u.object.count, 3);
    ck_assert_ptr_nonnull(file.schemas[0].options);
    ck_assert_str_eq(member(file.schemas[0].options, 0)->key, "_id");
    ck_assert_int_eq(member(file.schemas[0].options, 0)->value->kind, BSG__AST_BOOL);
    ck_assert(!member(file.schemas[0].options, 0)->value->u.boolean);
    const bsg__ast_node *url = member(body(0), 0)->value;
    ck_assert_str_eq(member(url, 2)->key, "match");
    ck_assert_str_eq(member(url, 2)->value->u.regex.pattern, "^https?:\\/\\/");
    ck_assert_ptr_null(file.schemas[1].options);
    const bsg__ast_node *required = member(member(body(1), 1)->value, 1)->value;
    ck_assert_int_eq(required->kind, BSG__AST_ARRAY);
    ck_assert_uint_eq(required->u.array.count, 2);
    ck_assert(required->u.array.items[0]->u.boolean);
    ck_assert_str_eq(required->u.array.items[1]->u.string.text, "a message needs a body");
    ck_assert_str_eq(member(member(body(1), 2)->value, 1)->value->u.ref.path, "Date.now");
    ck_assert_str_eq(member(body(1), 4)->value->u.array.items[0]->u.ref.path, "Attachment");
}
END_TEST

START_TEST(test_extends_with_semicolons)
{
    parse_ok("schema Base { kind: String } with { discriminatorKey: 'kind' };\n"
             "schema Click extends Base { url: String };"
             "schema Empty {}");
    ck_assert_uint_eq(file.count, 3);
    ck_assert_ptr_null(file.schemas[0].base);
    ck_assert_str_eq(file.schemas[1].name, "Click");
    ck_assert_str_eq(file.schemas[1].base, "Base");
    ck_assert_uint_eq(file.schemas[1].base_offset, 85);
    ck_assert_ptr_null(file.schemas[1].options);
    ck_assert_uint_eq(body(2)->u.object.count, 0);
    ck_assert_ptr_null(body(2)->u.object.members);
}
END_TEST

START_TEST(test_keys)
{
    static const char *const want[] = {"quoted key", "dq", "tpl", "schema", "extends",
                                       "with", "true", "null", "1", "0x10", "1.5",
                                       "$x", "_y", "a", "a", "\xc3\xa9t\xc3\xa9"};
    parse_ok("schema K { 'quoted key': 1, \"dq\": 2, `tpl`: 3, schema: 4, extends: 5, "
             "with: 6, true: 7, null: 8, 1: 9, 0x10: 10, 1.5: 11, $x: 12, _y: 13, "
             "a: 14, a: 15, '\\u00e9t\xc3\xa9': 16 }");
    const bsg__ast_node *b = body(0);
    ck_assert_uint_eq(b->u.object.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < b->u.object.count; i++) {
        ck_assert_str_eq(b->u.object.members[i].key, want[i]);
        ck_assert_uint_eq(b->u.object.members[i].key_len, strlen(want[i]));
        ck_assert(b->u.object.members[i].value->u.number.value == (double)(i + 1));
    }
    ck_assert_uint_eq(member(b, 0)->offset, 11);
    ck_assert_uint_eq(member(b, 1)->offset, 28);
}
END_TEST

START_TEST(test_nesting_and_trailing_commas)
{
    parse_ok("schema N { a: [1, [2, [3,],], {b: {c: [],},},], d: {}, e: [], }");
    const bsg__ast_node *a = member(body(0), 0)->value;
    ck_assert_int_eq(a->kind, BSG__AST_ARRAY);
    ck_assert_uint_eq(a->u.array.count, 3);
    ck_assert_uint_eq(a->u.array.items[1]->u.array.count, 2);
    ck_assert_uint_eq(a->u.array.items[1]->u.array.items[1]->u.array.count, 1);
    const bsg__ast_node *c = member(member(a->u.array.items[2], 0)->value, 0)->value;
    ck_assert_int_eq(c->kind, BSG__AST_ARRAY);
    ck_assert_uint_eq(c->u.array.count, 0);
    ck_assert_ptr_null(c->u.array.items);
    ck_assert_uint_eq(member(body(0), 1)->value->u.object.count, 0);
    ck_assert_uint_eq(member(body(0), 2)->value->u.array.count, 0);
    ck_assert_uint_eq(body(0)->u.object.count, 3);
}
END_TEST

START_TEST(test_literals_and_refs)
{
    parse_ok("schema L { t: true, f: false, n: null, r: String, "
             "d: mongoose . Schema /* c */ .Types\n.Mixed, s: [/a/, -1, +.5, /b/i] }");
    const bsg__ast_node *b = body(0);
    ck_assert_int_eq(member(b, 0)->value->kind, BSG__AST_BOOL);
    ck_assert(member(b, 0)->value->u.boolean);
    ck_assert_int_eq(member(b, 1)->value->kind, BSG__AST_BOOL);
    ck_assert(!member(b, 1)->value->u.boolean);
    ck_assert_int_eq(member(b, 2)->value->kind, BSG__AST_NULL);
    ck_assert_int_eq(member(b, 3)->value->kind, BSG__AST_REF);
    ck_assert_str_eq(member(b, 3)->value->u.ref.path, "String");
    ck_assert_str_eq(member(b, 4)->value->u.ref.path, "mongoose.Schema.Types.Mixed");
    ck_assert_uint_eq(member(b, 4)->value->offset, 53);
    const bsg__ast_node *s = member(b, 5)->value;
    ck_assert_uint_eq(s->u.array.count, 4);
    ck_assert_int_eq(s->u.array.items[0]->kind, BSG__AST_REGEX);
    ck_assert(s->u.array.items[1]->u.number.value == -1);
    ck_assert(s->u.array.items[2]->u.number.value == 0.5);
    ck_assert_str_eq(s->u.array.items[3]->u.regex.flags, "i");
}
END_TEST

/* The deepest nesting allowed: the body plus 63 arrays is 64 levels. */
static char *nested(unsigned levels)
{
    size_t len = strlen("schema D { a:  }") + 2 * levels;
    char *text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    char *p = text + sprintf(text, "schema D { a: ");
    memset(p, '[', levels);
    memset(p + levels, ']', levels);
    strcpy(p + 2 * levels, " }");
    return text;
}

START_TEST(test_depth_limit)
{
    char *text = nested(BSG__MAX_SOURCE_DEPTH - 1);
    bool ok = parse(text);
    free(text); /* before asserting: a failed assertion does not return */
    ck_assert_msg(ok, "%s", diag.message);
    text = nested(BSG__MAX_SOURCE_DEPTH);
    ok = parse(text);
    free(text);
    ck_assert(!ok);
    ck_assert_uint_eq(diag.line, 1);
    ck_assert_uint_eq(diag.column, 15 + BSG__MAX_SOURCE_DEPTH - 1);
    ck_assert_str_eq(diag.message, "nesting is deeper than 64 levels of objects and arrays");
    ck_assert_str_eq(diag.code, "limit");
}
END_TEST

START_TEST(test_size_limit)
{
    size_t len = BSG__MAX_SOURCE_SIZE;
    char *text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, ' ', len + 1);
    memcpy(text + len - 11, "schema A {}", 11);
    bool at_limit = parse_n(text, len);
    size_t count = file.count;
    bool over_limit = parse_n(text, len + 1);
    free(text); /* before asserting: a failed assertion does not return */
    ck_assert_msg(at_limit, "%s", diag.message);
    ck_assert_uint_eq(count, 1);
    ck_assert(!over_limit);
    ck_assert_uint_eq(diag.line, 1);
    ck_assert_uint_eq(diag.column, 1);
    ck_assert_str_eq(diag.message,
                     "the schema text is 16777217 bytes; the limit is 16777216 bytes");
}
END_TEST

START_TEST(test_empty_and_null_inputs)
{
    ck_assert(!bsg__parse(&(bsg__source){NULL, 0, NULL, 0, 0}, &arena, &file, &diag));
    ck_assert_str_eq(diag.message, "no schema declared");
    ck_assert_str_eq(diag.file, "<schema>");
    ck_assert_uint_eq(diag.line, 0);
    ck_assert_uint_eq(file.count, 0);
    ck_assert_ptr_null(file.schemas);
    /* A NULL diag is allowed: the parse still fails, quietly. */
    ck_assert(!bsg__parse(source_n("schema {", 8), &arena, &file, NULL));
}
END_TEST

/* MARK: - Syntax errors */

static const struct {
    const char *source;
    unsigned line, column;
    const char *message; /* a substring of the message */
} error_rows[] = {
    /* invalid UTF-8 */
    {"schema A {\n  a: 'x\xff'\n}", 2, 8, "invalid UTF-8 (byte 0xFF)"},
    {"schema A { a: '\xc0\xaf' }", 1, 16, "invalid UTF-8 (byte 0xC0)"},
    {"schema A { a: '\xc3\xa9\xe2\x82", 1, 18, "invalid UTF-8 (byte 0xE2)"},
    {"// \xed\xa0\x80\nschema A {}", 1, 4, "invalid UTF-8 (byte 0xED)"},
    {"schema A {} // \xf4\x90\x80\x80", 1, 16, "invalid UTF-8 (byte 0xF4)"},
    {"schema A { a: '\xe0\x80\x80' }", 1, 16, "invalid UTF-8 (byte 0xE0)"},
    {"schema A { a: '\x80' }", 1, 16, "invalid UTF-8 (byte 0x80)"},
    {"\xf8\x88\x80\x80\x80", 1, 1, "invalid UTF-8 (byte 0xF8)"},
    {"schema A { a: 'x' }\xc3", 1, 20, "invalid UTF-8 (byte 0xC3)"},
    /* strings */
    {"schema A { a: 'abc }", 1, 15, "unterminated string: no closing quote before the end"},
    {"schema A { a: `abc }", 1, 15, "unterminated string"},
    {"schema A {\n  a: \"abc\n}", 2, 6, "unterminated string: no closing quote on this line"},
    {"schema A { a: 'abc\\", 1, 15, "unterminated string"},
    {"schema A { a: '\\x4g' }", 1, 16, "bad escape: `\\x` needs two hex digits"},
    {"schema A { a: 'ab\\x' }", 1, 18, "bad escape: `\\x` needs two hex digits"},
    {"schema A { a: '\\u12' }", 1, 16, "bad escape: `\\u` needs four hex digits"},
    {"schema A { a: '\\u{}' }", 1, 16, "bad escape: `\\u`"},
    {"schema A { a: '\\u{110000}' }", 1, 16, "up to 10FFFF"},
    {"schema A { a: '\\u{41' }", 1, 16, "bad escape: `\\u`"},
    {"schema A { a: '\\1' }", 1, 16, "bad escape `\\1`: octal escapes are not allowed"},
    {"schema A { a: '\\01' }", 1, 16, "bad escape `\\0`: octal escapes are not allowed"},
    {"schema A { a: '\\8' }", 1, 16, "bad escape `\\8`: write the digit without a backslash"},
    {"schema A { a: '\\uD83D' }", 1, 16, "lone surrogate \\uD83D"},
    {"schema A { a: 'ab\\uDE00' }", 1, 18, "lone surrogate \\uDE00"},
    {"schema A { a: '\\uD83D\\u0041' }", 1, 16, "lone surrogate \\uD83D"},
    {"schema A { a: '\\uD83Dx' }", 1, 16, "lone surrogate \\uD83D"},
    {"schema A { a: '\\u{DBFF}' }", 1, 16, "lone surrogate \\uDBFF"},
    {"schema A { 'a\\0b': 1 }", 1, 12, "a key cannot contain a NUL character"},
    /* comments */
    {"schema A {} /* abc", 1, 13, "unterminated comment"},
    {"schema A {\n  /* a */ b: 1, /* c\n}", 2, 17, "unterminated comment"},
    /* regular expressions */
    {"schema A { a: /x/gg }", 1, 19, "repeated regular expression flag `g`"},
    {"schema A { a: /x/q }", 1, 18, "unknown regular expression flag `q`"},
    {"schema A { a: /x/i2 }", 1, 19, "unknown regular expression flag `2`"},
    {"schema A { a: /x/uv }", 1, 18, "flags `u` and `v` cannot be combined"},
    {"schema A { a: /abc }", 1, 15, "unterminated regular expression"},
    {"schema A { a: /a[/]\n}", 1, 15, "unterminated regular expression"},
    {"schema A { a: /a\\/ }", 1, 15, "unterminated regular expression"},
    {"schema A { a: /a\\", 1, 15, "unterminated regular expression"},
    /* numbers */
    {"schema A { a: 1__0 }", 1, 16, "numeric separator `_` must sit between two digits"},
    {"schema A { a: 1_ }", 1, 16, "numeric separator"},
    {"schema A { a: 0x_1 }", 1, 17, "numeric separator"},
    {"schema A { a: 1_.5 }", 1, 16, "numeric separator"},
    {"schema A { a: 012 }", 1, 15, "cannot start with `0` followed by digits"},
    {"schema A { a: 0_1 }", 1, 15, "cannot start with `0`"},
    {"schema A { a: 1e }", 1, 16, "the exponent of a number needs digits"},
    {"schema A { a: 1e+ }", 1, 16, "the exponent of a number needs digits"},
    {"schema A { a: 0x }", 1, 15, "`0x` must be followed by hexadecimal digits"},
    {"schema A { a: -0b }", 1, 15, "`0b` must be followed by binary digits"},
    {"schema A { a: 0b102 }", 1, 19, "`2` is not a binary digit"},
    {"schema A { a: 0o8 }", 1, 15, "`0o` must be followed by octal digits"},
    {"schema A { a: 10n }", 1, 17, "BigInt literals are not supported"},
    {"schema A { a: 3in }", 1, 16, "a number cannot be followed directly by `i`"},
    {"schema A { a: 0xFG }", 1, 18, "a number cannot be followed directly by `G`"},
    /* characters */
    {"schema A { a: \x01 }", 1, 15, "unexpected control character U+0001"},
    {"schema A { \xe5\x90\x8d: String }", 1, 12, "unexpected character U+540D"},
    {"schema A { a: \xe2\x80\x98x\xe2\x80\x99 }", 1, 15, "typographic quote U+2018"},
    /* punctuation */
    {"schema A { a 1 }", 1, 14, "expected `:` after the key `a`, found `1`"},
    {"schema A { 'a b' String }", 1, 18, "expected `:` after the key `a b`, found `String`"},
    {"schema A {\n  a: 1\n  b: 2\n}", 3, 3,
     "expected `,` or `}` after the value of `a`, found `b`"},
    {"schema A {\r\n  a: 'x' 'y'\r\n}", 2, 10,
     "expected `,` or `}` after the value of `a`, found a string"},
    {"schema A { a: [1 2] }", 1, 18, "expected `,` or `]` after an array element, found `2`"},
    {"schema A { a: 1 / 2 }", 1, 17, "expected `,` or `}` after the value of `a`, found `/`"},
    {"schema A { a: = }", 1, 15, "expected a value, found `=`"},
    {"schema A { a: } }", 1, 15, "expected a value, found `}`"},
    {"schema A { a: - 1 }", 1, 15, "expected a value, found `-`"},
    {"schema A { a: [1,,2] }", 1, 18, "expected a value, found `,`"},
    {"schema A { , }", 1, 12, "expected a key (a name or a quoted string), found `,`"},
    {"schema A { [k]: 1 }", 1, 12, "expected a key (a name or a quoted string), found `[`"},
    {"schema A { a: Schema. }", 1, 23, "expected a name after `.`, found `}`"},
    {"schema A { a: 1 } ,", 1, 19, "expected `schema`, found `,`"},
    {"const A = new Schema({})", 1, 1, "expected `schema`, found `const`"},
    {"Schema A {}", 1, 1, "expected `schema`, found `Schema`"},
    {"schema { a: 1 }", 1, 8, "expected a name after `schema`, as in `schema Name { … }`"},
    {"schema 'A' {}", 1, 8, "expected a name after `schema`"},
    {"schema", 1, 7, "expected a name after `schema`, as in `schema Name { … }`, found end"},
    {"schema A", 1, 9, "expected `{` to open the body of schema `A`, found end of input"},
    {"schema A ;", 1, 10, "expected `{` to open the body of schema `A`, found `;`"},
    {"schema A extends { }", 1, 18, "expected the name of a base schema after `extends`"},
    {"schema A {} with 5", 1, 18, "expected `{` with the options of schema `A` after `with`"},
    {"schema A {};;", 1, 13, "expected `schema`, found `;`"},
    /* unterminated containers are reported at their opening bracket */
    {"schema A { a: 1", 1, 10, "unterminated object: this `{` is never closed"},
    {"schema A {\n  a: { b: 1 }\n", 1, 10, "unterminated object"},
    {"schema A {\n  a: { b: ", 2, 6, "unterminated object"},
    {"schema A { a", 1, 10, "unterminated object"},
    {"schema A { a: [1, 2", 1, 15, "unterminated array: this `[` is never closed"},
    {"schema A { a: [", 1, 15, "unterminated array"},
    /* JavaScript that has no place in a schema */
    {"schema A { a: undefined }", 1, 15, "`undefined` is not a value; leave the option out"},
    {"schema A { a: new Schema({ b: String }) }", 1, 15,
     "`new Schema(...)` is JavaScript; declare it as `schema Name { … }` and refer to it "
     "by name"},
    {"schema A { a: new mongoose.Schema({}, {}) }", 1, 15, "`new Schema(...)` is JavaScript"},
    {"schema A { a: function (v) { return v } }", 1, 15,
     "functions cannot cross into bsonguard; register a C validator and use "
     "`validate: 'name'`"},
    {"schema A { a: (v) => v > 0 }", 1, 15, "functions cannot cross into bsonguard"},
    {"schema A { a: v => v > 0 }", 1, 15, "functions cannot cross into bsonguard"},
    {"schema A { a: Date.now() }", 1, 15,
     "`Date.now(...)` is a call: functions cannot cross into bsonguard"},
    {"schema A { validate(v) { return v } }", 1, 12, "functions cannot cross into bsonguard"},
    /* no schema */
    {"", 1, 1, "no schema declared"},
    {"  // only a comment\n", 2, 1, "no schema declared"},
    {"/* x */", 1, 8, "no schema declared"},
};

START_TEST(test_syntax_error)
{
    const char *text = error_rows[_i].source;
    ck_assert_msg(!parse(text), "`%s` parsed", text);
    ck_assert_str_eq(diag.code, "syntax");
    ck_assert_str_eq(diag.file, "t.bsg");
    ck_assert_msg(strstr(diag.message, error_rows[_i].message), "`%s`: message `%s`", text,
                  diag.message);
    ck_assert_msg(diag.line == error_rows[_i].line && diag.column == error_rows[_i].column,
                  "`%s`: at %u:%u, want %u:%u (%s)", text, diag.line, diag.column,
                  error_rows[_i].line, error_rows[_i].column, diag.message);
    ck_assert_uint_eq(file.count, 0);
}
END_TEST

START_TEST(test_error_hints)
{
    ck_assert(!parse("Schema A {}"));
    ck_assert_str_eq(diag.hint, "did you mean `schema`?");
    ck_assert(!parse("module.exports = {}"));
    ck_assert_str_eq(diag.hint, "a .bsg file is a list of `schema Name { … }` declarations");
    ck_assert(!parse("schema A { a: 1 1 }"));
    ck_assert_str_eq(diag.hint, "");
    ck_assert(!parse("\n"));
    ck_assert_str_eq(diag.hint, "declare one as `schema Name { field: String }`");
}
END_TEST

/* The whole message, for the cases where its wording is the contract. */
START_TEST(test_error_messages)
{
    ck_assert(!parse("schema A { a 1 }"));
    ck_assert_str_eq(diag.message, "expected `:` after the key `a`, found `1`");
    ck_assert(!parse("schema A {\n  a: { b: 1 }\n  c: 2 }"));
    ck_assert_str_eq(diag.message, "expected `,` or `}` after the value of `a`, found `c`");
    ck_assert_str_eq(diag.source_line, "  c: 2 }");
    ck_assert(!parse("schema A { a: 'x\xff' }"));
    ck_assert_str_eq(diag.message, "invalid UTF-8 (byte 0xFF); schema text must be UTF-8");
    ck_assert_str_eq(diag.source_line, "schema A { a: 'x?' }");
    ck_assert(!parse("schema A { a: /x/z }"));
    ck_assert_str_eq(diag.message, "unknown regular expression flag `z`; flags are d, g, i, "
                                   "m, s, u, v and y");
}
END_TEST

/* MARK: - Diagnostics */

START_TEST(test_diag_at)
{
    const bsg__source *s = source_n("ab\r\n\tcd: x\nlast", 15);
    bsg__diag_hint(&diag, "stale");
    bsg__diag_at(&diag, s, 6, "unknown-option", "unknown option `%s`", "cd");
    ck_assert_str_eq(diag.file, "t.bsg");
    ck_assert_uint_eq(diag.line, 2);
    ck_assert_uint_eq(diag.column, 3);
    ck_assert_uint_eq(diag.offset, 6);
    ck_assert_str_eq(diag.code, "unknown-option");
    ck_assert_str_eq(diag.message, "unknown option `cd`");
    ck_assert_str_eq(diag.hint, "");
    ck_assert_str_eq(diag.source_line, "\tcd: x");
    bsg__diag_at(&diag, s, 15, "c", "at the end");
    ck_assert_uint_eq(diag.line, 3);
    ck_assert_uint_eq(diag.column, 5);
    ck_assert_str_eq(diag.source_line, "last");
    bsg__diag_at(&diag, s, 2, "c", "at the CR");
    ck_assert_uint_eq(diag.line, 1);
    ck_assert_uint_eq(diag.column, 3);
    ck_assert_str_eq(diag.source_line, "ab");
    bsg__diag_at(&diag, s, 999, "c", "clamped");
    ck_assert_uint_eq(diag.line, 3);
    ck_assert_uint_eq(diag.column, 5);
    ck_assert_uint_eq(diag.offset, 999);
    bsg__diag_at(NULL, s, 0, "c", "no-op");
}
END_TEST

START_TEST(test_diag_at_without_position)
{
    bsg__diag_at(&diag, NULL, 0, "io", "cannot read `%s`", "x.bsg");
    ck_assert_str_eq(diag.file, "<schema>");
    ck_assert_uint_eq(diag.line, 0);
    ck_assert_uint_eq(diag.column, 0);
    ck_assert_str_eq(diag.source_line, "");
    bsg__diag_at(&diag, &(bsg__source){NULL, 0, "dir/app.bsg", 0, 0}, 0, "io", "gone");
    ck_assert_str_eq(diag.file, "dir/app.bsg");
    ck_assert_uint_eq(diag.line, 0);
}
END_TEST

START_TEST(test_diag_truncation)
{
    char name[400], line[400];
    memset(name, 'n', sizeof name);
    memcpy(name + 254, "\xc3\xa9", 2); /* would straddle the 255-byte limit */
    name[sizeof name - 1] = '\0';
    memset(line, 'x', sizeof line);
    memcpy(line + 254, "\xe2\x82\xac", 3);
    const bsg__source *s = source_n(line, sizeof line);
    src.name = name;
    bsg__diag_at(&diag, s, 300, "code-that-is-far-too-long-to-fit-here", "%s", name);
    ck_assert_uint_eq(strlen(diag.file), 254);
    ck_assert_uint_eq(strlen(diag.code), 31);
    ck_assert_uint_eq(strlen(diag.message), 399);
    ck_assert_uint_eq(strlen(diag.source_line), 254);
    ck_assert_uint_eq(diag.column, 301);
}
END_TEST

START_TEST(test_diag_format_example)
{
    const char *text = "schema Message {\n  body: { type: String, requried: true },\n}";
    const bsg__source *s = source_n(text, strlen(text));
    src.name = "app.bsg";
    bsg__diag_at(&diag, s, 41, "unknown-option", "unknown option `%s`", "requried");
    bsg__diag_hint(&diag, "did you mean `%s`?", "required");
    char buf[512];
    const char *want = "app.bsg:2:25: error: unknown option `requried`\n"
                       "      body: { type: String, requried: true },\n"
                       "                            ^\n"
                       "hint: did you mean `required`?";
    ck_assert_uint_eq(bsg_diag_format(&diag, NULL, buf, sizeof buf), strlen(want));
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(bsg_diag_format(&diag, "warning", buf, sizeof buf), strlen(want) + 2);
    ck_assert_str_eq(buf, "app.bsg:2:25: warning: unknown option `requried`\n"
                          "      body: { type: String, requried: true },\n"
                          "                            ^\n"
                          "hint: did you mean `required`?");
}
END_TEST

START_TEST(test_diag_format_caret_alignment)
{
    char buf[256];
    const bsg__source *s = source_n("\ta:\t\xc3\xa9x", 7);
    bsg__diag_at(&diag, s, 6, "c", "m");
    ck_assert_uint_eq(diag.column, 7);
    bsg_diag_format(&diag, "note", buf, sizeof buf);
    ck_assert_str_eq(buf, "t.bsg:1:7: note: m\n    \ta:\t\xc3\xa9x\n    \t  \t ^");
    s = source_n("x", 1);
    bsg__diag_at(&diag, s, 1, "c", "at the end");
    bsg_diag_format(&diag, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.bsg:1:2: error: at the end\n    x\n     ^");
    s = source_n("a\n\n", 3);
    bsg__diag_at(&diag, s, 2, "c", "empty line");
    bsg_diag_format(&diag, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.bsg:2:1: error: empty line");
}
END_TEST

START_TEST(test_diag_format_without_position)
{
    char buf[256];
    bsg__diag_at(&diag, &(bsg__source){NULL, 0, "app.bsg", 0, 0}, 0, "io", "cannot open");
    ck_assert_uint_eq(bsg_diag_format(&diag, NULL, buf, sizeof buf), 27);
    ck_assert_str_eq(buf, "app.bsg: error: cannot open");
    bsg__diag_hint(&diag, "check the path");
    bsg_diag_format(&diag, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "app.bsg: error: cannot open\nhint: check the path");
}
END_TEST

START_TEST(test_diag_format_truncation)
{
    char buf[16];
    bsg__diag_at(&diag, &(bsg__source){NULL, 0, "app.bsg", 0, 0}, 0, "io", "cannot open");
    memset(buf, '#', sizeof buf);
    ck_assert_uint_eq(bsg_diag_format(&diag, NULL, buf, 10), 27);
    ck_assert_str_eq(buf, "app.bsg: ");
    ck_assert_int_eq(buf[10], '#');
    ck_assert_uint_eq(bsg_diag_format(&diag, NULL, buf, 1), 27);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(bsg_diag_format(&diag, NULL, NULL, 0), 27);
    memset(buf, '#', sizeof buf);
    ck_assert_uint_eq(bsg_diag_format(NULL, NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_suggest)
{
    static const char *const options[] = {"type",      "required", "min",   "max",
                                          "minlength", "maxlength", "match", "enum"};
    const size_t n = sizeof options / sizeof options[0];
    ck_assert_str_eq(bsg__suggest("requried", options, n), "required");
    ck_assert_str_eq(bsg__suggest("minlenght", options, n), "minlength");
    ck_assert_str_eq(bsg__suggest("maxlenth", options, n), "maxlength");
    ck_assert_str_eq(bsg__suggest("REQUIRED", options, n), "required");
    ck_assert_str_eq(bsg__suggest("minLength", options, n), "minlength");
    ck_assert_str_eq(bsg__suggest("mni", options, n), "min");
    ck_assert_ptr_null(bsg__suggest("zzzz", options, n));
    ck_assert_str_eq(bsg__suggest("requiredness", options, n), "required"); /* 4 <= 12/3 */
    ck_assert_str_eq(bsg__suggest("typo", options, n), "type");
    ck_assert_ptr_null(bsg__suggest("", options, n));
    ck_assert_ptr_null(bsg__suggest(NULL, options, n));
    ck_assert_ptr_null(bsg__suggest("type", NULL, 0));
    static const char *const ties[] = {"ax", "ab", "ay"};
    ck_assert_str_eq(bsg__suggest("az", ties, 3), "ax");
    ck_assert_str_eq(bsg__suggest("ab", ties, 3), "ab");
    static const char *const one[] = {"y"};
    ck_assert_ptr_null(bsg__suggest("x", one, 1));
}
END_TEST

/* MARK: - Runner */

#define ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    return tc;
}

static Suite *parser_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *lexer = tcase("lexer");
    tcase_add_test(lexer, test_punctuation);
    tcase_add_test(lexer, test_value_mode);
    tcase_add_test(lexer, test_token_offsets_and_eof);
    tcase_add_test(lexer, test_token_describe);
    tcase_add_loop_test(lexer, test_string, 0, ROWS(string_rows));
    tcase_add_loop_test(lexer, test_number, 0, ROWS(number_rows));
    tcase_add_loop_test(lexer, test_regex, 0, ROWS(regex_rows));
    tcase_add_test(lexer, test_comments_and_spaces);
    suite_add_tcase(s, lexer);

    TCase *grammar = tcase("grammar");
    tcase_add_test(grammar, test_design_example);
    tcase_add_test(grammar, test_extends_with_semicolons);
    tcase_add_test(grammar, test_keys);
    tcase_add_test(grammar, test_nesting_and_trailing_commas);
    tcase_add_test(grammar, test_literals_and_refs);
    tcase_add_test(grammar, test_depth_limit);
    tcase_add_test(grammar, test_size_limit);
    tcase_add_test(grammar, test_empty_and_null_inputs);
    tcase_set_timeout(grammar, 30);
    suite_add_tcase(s, grammar);

    TCase *errors = tcase("errors");
    tcase_add_loop_test(errors, test_syntax_error, 0, ROWS(error_rows));
    tcase_add_test(errors, test_error_hints);
    tcase_add_test(errors, test_error_messages);
    suite_add_tcase(s, errors);

    TCase *diagnostics = tcase("diag");
    tcase_add_test(diagnostics, test_diag_at);
    tcase_add_test(diagnostics, test_diag_at_without_position);
    tcase_add_test(diagnostics, test_diag_truncation);
    tcase_add_test(diagnostics, test_diag_format_example);
    tcase_add_test(diagnostics, test_diag_format_caret_alignment);
    tcase_add_test(diagnostics, test_diag_format_without_position);
    tcase_add_test(diagnostics, test_diag_format_truncation);
    tcase_add_test(diagnostics, test_suggest);
    suite_add_tcase(s, diagnostics);
    return s;
}

int main(void)
{
    return util_run_suite(parser_suite());
}
