/*
 * Tests of the schema compiler (lib/compile.c, lib/options.c, lib/typemap.c):
 * how each Mongoose 9 spelling becomes table nodes, every validator form,
 * every compile diagnostic (position, code, message, hint) and every lint.
 *
 * White-box: the compiled tables (schema.h) are rendered by `shape()` into a
 * compact text so each case can assert the whole shape exactly:
 *
 *   String Number ... Mixed          a leaf, by its SchemaType name
 *   [T]   Map<T>   Union<A|B>        containers
 *   {a:T, b:U}                       a nested path
 *   sub{_id:ObjectId, a:T}           an inline subdocument ({type:{…}}, [{…}])
 *   Name                             a declared schema (expanded only at the top)
 *   T(required "msg", min 0, ...)    flags and validators, in table order
 *
 * Sources are copied into heap buffers of exactly their length, so
 * AddressSanitizer catches any read past the end.
 *
 * TCases "regressions" and "lint_gaps" hold the bugs and missing lints these
 * tests found, since fixed.
 */
#include "util.h"

#include "schema.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* MARK: - Fixture */

static bsg_schema *S;    /* the schema under test, freed by teardown */
static bsg_diag D;       /* its diagnostic */
static bsg_registry *REG; /* validators `isEmail` and `nonEmpty` */
static char *owned;      /* the current source, exactly its length */

static bool always_true(const bsg_value *value, void *ctx, char *message, size_t cap)
{
    (void)value, (void)ctx, (void)message, (void)cap;
    return true;
}

static void setup(void)
{
    S = NULL;
    owned = NULL;
    memset(&D, 'x', sizeof D); /* garbage: the compiler must reset every field */
    D.file[sizeof D.file - 1] = D.code[sizeof D.code - 1] = '\0';
    D.message[sizeof D.message - 1] = D.hint[sizeof D.hint - 1] = '\0';
    D.source_line[sizeof D.source_line - 1] = '\0';
    REG = bsg_registry_new();
    ck_assert_ptr_nonnull(REG);
    ck_assert(bsg_registry_add(REG, "isEmail", always_true, NULL));
    ck_assert(bsg_registry_add(REG, "nonEmpty", always_true, NULL));
}

static void teardown(void)
{
    bsg_schema_free(S);
    S = NULL;
    bsg_registry_free(REG);
    REG = NULL;
    free(owned);
    owned = NULL;
}

/* Compile `text` (named "t.bsg", with REG) into S; NULL on error (see D). */
static bsg_schema *compile_text(const char *text)
{
    bsg_schema_free(S);
    free(owned);
    size_t len = strlen(text);
    owned = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(owned);
    memcpy(owned, text, len);
    S = bsg_schema_compile(owned, len, "t.bsg", REG, &D);
    return S;
}

static void compile_ok(const char *text)
{
    compile_text(text);
    ck_assert_msg(S != NULL, "`%s` did not compile: %u:%u [%s] %s (hint: %s)", text,
                  D.line, D.column, D.code, D.message, D.hint);
}

/* MARK: - Table access */

static const bsg__node *node(uint32_t i)
{
    ck_assert_msg(i < S->nnodes, "node %u out of range (%zu nodes)", i, S->nnodes);
    return &S->nodes[i];
}

static const char *pool(uint32_t off)
{
    ck_assert_msg(off < S->pool_len, "pool offset %u out of range", off);
    return S->pool + off;
}

static uint32_t field(uint32_t obj, const char *name)
{
    const bsg__node *n = node(obj);
    for (uint32_t i = 0; i < n->count; i++) {
        const bsg__field *f = &S->fields[n->first + i];
        if (strcmp(pool(f->name), name) == 0)
            return f->node;
    }
    return BSG__NONE;
}

static uint32_t model_root(const char *model)
{
    const bsg_model *m = bsg_schema_model(S, model);
    ck_assert_msg(m != NULL, "no model `%s`", model);
    return m->root;
}

/* The node at a dotted path of a model; `$` steps into an array's or a map's
   element; "" is the model's root. */
static uint32_t path_node(const char *model, const char *path)
{
    uint32_t n = model_root(model);
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        char seg[128];
        ck_assert_uint_lt(len, sizeof seg);
        memcpy(seg, p, len);
        seg[len] = '\0';
        const bsg__node *cur = node(n);
        if (strcmp(seg, "$") == 0) {
            ck_assert_msg(cur->type == BSG__T_ARRAY || cur->type == BSG__T_MAP,
                          "`%s` in %s.%s: not an array or map", seg, model, path);
            n = cur->elem;
        } else {
            ck_assert_msg(cur->type == BSG__T_EMBEDDED || cur->type == BSG__T_NESTED,
                          "`%s` in %s.%s: parent is not an object", seg, model, path);
            n = field(n, seg);
        }
        ck_assert_msg(n != BSG__NONE, "no node at `%s` of %s.%s", seg, model, path);
        p += len + (dot ? 1 : 0);
    }
    return n;
}

/* MARK: - Rendering a compiled shape */

typedef struct sbuf {
    char s[4096];
    size_t n;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(sbuf *b, const char *fmt, ...)
{
    if (b->n >= sizeof b->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->n = b->n + (size_t)k < sizeof b->s ? b->n + (size_t)k : sizeof b->s - 1;
}

static void put_num(sbuf *b, double v)
{
    if (v == (double)(long long)v && v > -1e15 && v < 1e15)
        put(b, "%lld", (long long)v);
    else
        put(b, "%.17g", v);
}

static void sep(sbuf *b, int *k) { put(b, "%s", (*k)++ ? ", " : "("); }

static void put_check(sbuf *b, const bsg__check *ck)
{
    switch ((bsg__check_kind)ck->kind) {
    case BSG__C_ENUM_STR:
        put(b, "enum");
        for (uint32_t i = 0; i < ck->count; i++) {
            ck_assert_uint_lt(ck->first + i, S->nenum_strs);
            const bsg__strref *r = &S->enum_strs[ck->first + i];
            put(b, "%s\"%.*s\"", i ? "|" : " ", (int)r->len, pool(r->off));
        }
        break;
    case BSG__C_ENUM_NUM:
        put(b, "enum");
        for (uint32_t i = 0; i < ck->count; i++) {
            ck_assert_uint_lt(ck->first + i, S->nenum_nums);
            put(b, "%s", i ? "|" : " ");
            put_num(b, S->enum_nums[ck->first + i]);
        }
        break;
    case BSG__C_MIN:
    case BSG__C_MAX:
        put(b, "%s ", ck->kind == BSG__C_MIN ? "min" : "max");
        put_num(b, ck->num);
        break;
    case BSG__C_DATE_MIN:
    case BSG__C_DATE_MAX:
        put(b, "%s date ", ck->kind == BSG__C_DATE_MIN ? "min" : "max");
        if (ck->now)
            put(b, "now");
        else
            put_num(b, ck->num);
        break;
    case BSG__C_MINLENGTH:
    case BSG__C_MAXLENGTH:
        put(b, "%s ", ck->kind == BSG__C_MINLENGTH ? "minlength" : "maxlength");
        put_num(b, ck->num);
        break;
    case BSG__C_REGEXP:
        ck_assert_uint_lt(ck->first, S->nregexes);
        ck_assert_ptr_nonnull(S->regexes[ck->first]);
        put(b, "match %s", pool(ck->text));
        break;
    case BSG__C_USER:
        ck_assert_uint_lt(ck->first, S->nusers);
        ck_assert(S->users[ck->first].fn == always_true);
        put(b, "validate %s", pool(S->users[ck->first].name));
        break;
    case BSG__C_USER_REGEXP:
        ck_assert_uint_lt(ck->first, S->nregexes);
        put(b, "validate %s", pool(ck->text));
        break;
    default:
        put(b, "check kind %u", ck->kind);
    }
    if (ck->msg != BSG__NONE)
        put(b, " \"%s\"", pool(ck->msg));
}

static void put_annotations(sbuf *b, const bsg__node *n)
{
    int k = 0;
    if (n->flags & BSG__F_REQUIRED) {
        sep(b, &k);
        put(b, "required");
    } else if (n->req_msg != BSG__NONE) {
        sep(b, &k);
        put(b, "not required");
    }
    if (n->req_msg != BSG__NONE)
        put(b, " \"%s\"", pool(n->req_msg));
    for (uint32_t i = 0; i < n->nchecks; i++) {
        ck_assert_uint_lt(n->checks + i, S->nchecks);
        sep(b, &k);
        put_check(b, &S->checks[n->checks + i]);
    }
    if (n->subtype) {
        sep(b, &k);
        put(b, "subtype %u", n->subtype - 1u);
    }
    if (k)
        put(b, ")");
}

static void put_shape(sbuf *b, uint32_t i, int depth);

static void put_fields(sbuf *b, const bsg__node *n, int depth)
{
    put(b, "{");
    for (uint32_t j = 0; j < n->count; j++) {
        ck_assert_uint_lt(n->first + j, S->nfields);
        const bsg__field *f = &S->fields[n->first + j];
        ck_assert_uint_eq(strlen(pool(f->name)), f->len);
        put(b, "%s%s:", j ? ", " : "", pool(f->name));
        put_shape(b, f->node, depth + 1);
    }
    put(b, "}");
}

static void put_shape(sbuf *b, uint32_t i, int depth)
{
    if (i == BSG__NONE) {
        put(b, "?");
        return;
    }
    if (depth > 24) {
        put(b, "...");
        return;
    }
    const bsg__node *n = node(i);
    switch ((bsg__type)n->type) {
    case BSG__T_ARRAY:
        put(b, "[");
        put_shape(b, n->elem, depth + 1);
        put(b, "]");
        break;
    case BSG__T_MAP:
        put(b, "Map<");
        put_shape(b, n->elem, depth + 1);
        put(b, ">");
        break;
    case BSG__T_UNION:
        put(b, "Union<");
        for (uint32_t j = 0; j < n->count; j++) {
            ck_assert_uint_lt(n->first + j, S->nmembers);
            put(b, "%s", j ? "|" : "");
            put_shape(b, S->members[n->first + j], depth + 1);
        }
        put(b, ">");
        break;
    case BSG__T_NESTED:
        put_fields(b, n, depth);
        break;
    case BSG__T_EMBEDDED:
        if (strcmp(pool(n->label), "Embedded") == 0) {
            put(b, "sub");
            put_fields(b, n, depth);
        } else {
            put(b, "%s", pool(n->label));
            if (depth == 0)
                put_fields(b, n, depth);
        }
        break;
    default:
        put(b, "%s", bsg__type_name((bsg__type)n->type));
    }
    put_annotations(b, n);
}

/* The shape of a node, as text (static storage: one at a time). */
static const char *shape(uint32_t i)
{
    static sbuf b;
    b.n = 0;
    b.s[0] = '\0';
    put_shape(&b, i, 0);
    return b.s;
}

static const char *path_shape(const char *model, const char *path)
{
    return shape(path_node(model, path));
}

#define assert_shape(src, model, path, want)                                    \
    do {                                                                       \
        const char *got_ = path_shape((model), (path));                        \
        ck_assert_msg(strcmp(got_, (want)) == 0,                               \
                      "%s\n  path `%s`\n  want %s\n  got  %s", (src), (path),  \
                      (want), got_);                                           \
    } while (0)

/* `schema T { x: <def> }` with x's shape checked. */
static void check_x(const char *def, const char *want)
{
    char src[1024];
    snprintf(src, sizeof src, "schema T { x: %s }", def);
    compile_ok(src);
    assert_shape(src, "T", "x", want);
}

/* MARK: - 1. SchemaTypes, aliases, string forms, prefixes */

typedef struct type_row {
    const char *spelling;
    const char *type; /* the node's SchemaType name */
} type_row;

static const type_row type_rows[] = {
    {"String", "String"},         {"Number", "Number"},
    {"Boolean", "Boolean"},       {"Bool", "Boolean"},
    {"Date", "Date"},             {"ObjectId", "ObjectId"},
    {"ObjectID", "ObjectId"},     {"Oid", "ObjectId"},
    {"Decimal128", "Decimal128"}, {"Decimal", "Decimal128"},
    {"BigInt", "BigInt"},         {"Double", "Double"},
    {"Int32", "Int32"},           {"UUID", "UUID"},
    {"Buffer", "Buffer"},         {"Mixed", "Mixed"},
    {"Object", "Mixed"},          {"Map", "Map"},
    {"Array", "Array"},
};

static void check_type(const char *src, const char *want)
{
    compile_ok(src);
    uint32_t x = path_node("T", "x");
    const bsg__node *n = node(x);
    ck_assert_msg(strcmp(bsg__type_name((bsg__type)n->type), want) == 0,
                  "%s: want %s, got %s", src, want, bsg__type_name((bsg__type)n->type));
    /* A scalar is a bare leaf: no validators, flags, fields or element. */
    if (n->type != BSG__T_MAP && n->type != BSG__T_ARRAY) {
        ck_assert_str_eq(shape(x), want);
        ck_assert_uint_eq(n->count, 0);
        ck_assert_uint_eq(n->elem, BSG__NONE);
    }
    ck_assert_str_eq(pool(n->label), want); /* the printed type name */
}

START_TEST(test_type_bare)
{
    char src[256];
    snprintf(src, sizeof src, "schema T { x: %s }", type_rows[_i].spelling);
    check_type(src, type_rows[_i].type);
}
END_TEST

START_TEST(test_type_key)
{
    char src[256];
    snprintf(src, sizeof src, "schema T { x: { type: %s } }", type_rows[_i].spelling);
    check_type(src, type_rows[_i].type);
}
END_TEST

static const char *const prefixes[] = {
    "Schema.Types.", "mongoose.Schema.Types.", "MongooseSchema.Types.", "Types.",
    "mongoose.Types.",
};

/* Every spelling under every `X.Types.` prefix, bare and under `type`. */
START_TEST(test_type_prefixes)
{
    for (int i = 0; i < ROWS(type_rows); i++) {
        char src[256];
        snprintf(src, sizeof src, "schema T { x: %s%s }", prefixes[_i], type_rows[i].spelling);
        check_type(src, type_rows[i].type);
        snprintf(src, sizeof src, "schema T { x: { type: %s%s, required: true } }",
                 prefixes[_i], type_rows[i].spelling);
        compile_ok(src);
        const bsg__node *n = node(path_node("T", "x"));
        ck_assert_str_eq(bsg__type_name((bsg__type)n->type), type_rows[i].type);
        ck_assert_uint_eq(n->flags & BSG__F_REQUIRED, BSG__F_REQUIRED);
    }
    char def[128];
    snprintf(def, sizeof def, "{ type: %sUnion, of: [String, Number] }", prefixes[_i]);
    check_x(def, "Union<String|Number>");
}
END_TEST

START_TEST(test_type_schema_objectid)
{
    check_type("schema T { x: Schema.ObjectId }", "ObjectId");
    check_type("schema T { x: { type: Schema.ObjectId } }", "ObjectId");
    check_x("[Schema.ObjectId]", "[ObjectId]");
}
END_TEST

static const type_row string_rows[] = {
    {"'string'", "String"},       {"'String'", "String"},
    {"'number'", "Number"},       {"'mixed'", "Mixed"},
    {"'Mixed'", "Mixed"},         {"'object'", "Mixed"},
    {"'Object'", "Mixed"},        {"'oid'", "ObjectId"},
    {"'objectId'", "ObjectId"},   {"'ObjectID'", "ObjectId"},
    {"'int32'", "Int32"},         {"'bool'", "Boolean"},
    {"'boolean'", "Boolean"},     {"'date'", "Date"},
    {"'map'", "Map"},             {"'array'", "Array"},
    {"'decimal128'", "Decimal128"}, {"'decimal'", "Decimal128"},
    {"'double'", "Double"},       {"'BigInt'", "BigInt"},
    {"'UUID'", "UUID"},           {"'buffer'", "Buffer"},
    {"\"string\"", "String"},     {"`double`", "Double"},
};

START_TEST(test_type_string_form)
{
    char src[256];
    snprintf(src, sizeof src, "schema T { x: { type: %s } }", string_rows[_i].spelling);
    check_type(src, string_rows[_i].type);
    snprintf(src, sizeof src, "schema T { x: %s }", string_rows[_i].spelling);
    check_type(src, string_rows[_i].type);
}
END_TEST

START_TEST(test_type_union)
{
    check_x("{ type: Union, of: [Number, String] }", "Union<Number|String>");
    check_x("{ type: Schema.Types.Union, of: [Date, [String], { type: Number, min: 1 }] }",
            "Union<Date|[String]|Number(min 1)>");
    check_x("{ type: 'union', of: [Boolean] }", "Union<Boolean>");
}
END_TEST

/* MARK: - 2. Type-key rules and shapes */

typedef struct shape_row {
    const char *def; /* the definition of x */
    const char *want;
} shape_row;

static const shape_row shape_rows[] = {
    /* nested paths, subdocuments, the field named `type` */
    {"{ a: String, b: { c: Number } }", "{a:String, b:{c:Number}}"},
    {"{ type: { a: String } }", "sub{_id:ObjectId, a:String}"},
    {"{ type: { a: String, _id: false } }", "sub{a:String}"},
    {"{ type: { a: String }, required: true }", "sub{_id:ObjectId, a:String}(required)"},
    {"{ type: { type: String } }", "{type:String}"},
    {"{ type: { type: String }, kind: Number }", "{type:String, kind:Number}"},
    {"{ type: { type: { type: String } } }", "{type:{type:String}}"},
    /* document arrays */
    {"[{ a: String }]", "[sub{_id:ObjectId, a:String}]"},
    {"[{ a: String, _id: false }]", "[sub{a:String}]"},
    {"{ type: [{ a: String }] }", "[sub{_id:ObjectId, a:String}]"},
    {"[{ a: { b: Number } }]", "[sub{_id:ObjectId, a:{b:Number}}]"},
    {"[{ type: { a: String } }]", "[sub{_id:ObjectId, a:String}]"},
    {"[{ type: String, required: true }]", "[String(required)]"},
    {"[{ type: { type: String } }]", "[sub{_id:ObjectId, type:String}]"},
    /* arrays of types */
    {"[String]", "[String]"},
    {"[[Number]]", "[[Number]]"},
    {"[[[Date]]]", "[[[Date]]]"},
    {"{ type: [String] }", "[String]"},
    {"{ type: [[Number]] }", "[[Number]]"},
    {"[Schema.Types.ObjectId]", "[ObjectId]"},
    {"['string']", "[String]"},
    {"{ type: [String], required: true }", "[String](required)"},
    /* arrays of Mixed */
    {"[]", "[Mixed]"},
    {"{ type: [] }", "[Mixed]"},
    {"[Object]", "[Mixed]"},
    {"[{}]", "[Mixed]"},
    {"{ type: [Object] }", "[Mixed]"},
    {"[Schema.Types.Mixed]", "[Mixed]"},
    {"Array", "[Mixed]"},
    {"{ type: Array }", "[Mixed]"},
    {"{ type: 'array' }", "[Mixed]"},
    {"Schema.Types.Array", "[Mixed]"},
    {"{ type: Array, required: true }", "[Mixed](required)"},
    /* Mixed */
    {"{}", "Mixed"},
    {"{ type: {} }", "Mixed"},
    {"Object", "Mixed"},
    {"{ type: Object }", "Mixed"},
    {"{ type: 'Object' }", "Mixed"},
    {"{ type: Schema.Types.Mixed }", "Mixed"},
    /* maps */
    {"Map", "Map<Mixed>"},
    {"{ type: Map }", "Map<Mixed>"},
    {"{ type: 'map' }", "Map<Mixed>"},
    {"{ type: Schema.Types.Map, required: true }", "Map<Mixed>(required)"},
    {"{ type: Map, of: Number }", "Map<Number>"},
    {"{ type: Map, of: String, required: true }", "Map<String>(required)"},
    {"{ type: 'map', of: Date }", "Map<Date>"},
    {"{ type: Schema.Types.Map, of: Boolean }", "Map<Boolean>"},
    {"{ type: Map, of: { a: String } }", "Map<sub{_id:ObjectId, a:String}>"},
    {"{ type: Map, of: { a: String, _id: false } }", "Map<sub{a:String}>"},
    {"{ type: Map, of: { type: String, required: true } }", "Map<String(required)>"},
    {"{ type: Map, of: { type: Number, min: 0 } }", "Map<Number(min 0)>"},
    {"{ type: Map, of: [String] }", "Map<[String]>"},
    {"{ type: Map, of: Object }", "Map<Mixed>"},
    {"{ type: Map, of: {} }", "Map<Mixed>"},
    {"{ type: Map, of: { type: Map, of: Number } }", "Map<Map<Number>>"},
    /* `of` on arrays */
    {"{ type: Array, of: Number }", "[Number]"},
    {"{ type: Array, of: { a: String } }", "[sub{_id:ObjectId, a:String}]"},
    {"{ type: Array, of: String, enum: ['a'] }", "[String(enum \"a\")]"},
    /* validators of `{ type: [T], … }` go to the elements */
    {"{ type: [String], enum: ['a', 'b'] }", "[String(enum \"a\"|\"b\")]"},
    {"{ type: [Number], min: 1, max: 3 }", "[Number]"} /* ignored on arrays, as in Mongoose */,
    {"{ type: [String], match: /^a/, maxlength: 3 }", "[String]"},
    {"{ type: [String], validate: 'nonEmpty' }", "[String](validate nonEmpty)"},
    {"{ type: [Number], required: true, min: 0 }", "[Number](required)"},
};

START_TEST(test_shape)
{
    check_x(shape_rows[_i].def, shape_rows[_i].want);
}
END_TEST

START_TEST(test_type_key_option)
{
    const char *src = "schema T {\n"
                      "  a: { $type: String, required: true },\n"
                      "  b: { type: String },\n"
                      "  c: { $type: { type: Number } },\n"
                      "  d: [{ $type: Date }],\n"
                      "  e: { $type: Map, of: { $type: Number } },\n"
                      "} with { typeKey: '$type' }";
    compile_ok(src);
    assert_shape(src, "T", "",
                 "T{_id:ObjectId, a:String(required), b:{type:String}, "
                 "c:sub{_id:ObjectId, type:Number}, d:[Date], e:Map<Number>, __v:Number}");
    ck_assert_uint_eq(bsg_schema_lint_count(S), 0);

    /* typeKey is per schema: a declared child keeps its own. */
    src = "schema P { c: C, t: { type: String } } with { typeKey: '$type' }\n"
          "schema C { t: { type: String } }";
    compile_ok(src);
    assert_shape(src, "P", "", "P{_id:ObjectId, c:C, t:{type:String}, __v:Number}");
    assert_shape(src, "P", "c", "C{_id:ObjectId, t:String}");
}
END_TEST

START_TEST(test_explicit_id)
{
    const char *src = "schema T { _id: Number, a: String }";
    compile_ok(src);
    assert_shape(src, "T", "", "T{_id:Number, a:String, __v:Number}");
    src = "schema T { _id: { type: String, required: true }, s: { type: { _id: Number } } }";
    compile_ok(src);
    assert_shape(src, "T", "", "T{_id:String(required), s:sub{_id:Number}, __v:Number}");
    src = "schema T { _id: false, a: String }";
    compile_ok(src);
    assert_shape(src, "T", "", "T{a:String, __v:Number}");
}
END_TEST

/* MARK: - 3. Declared schemas, discriminators, implicit paths, options */

START_TEST(test_declared_reference)
{
    const char *src = "schema A { b: B, bs: [B], m: { type: Map, of: B }, t: { type: B } }\n"
                      "schema B { x: String }";
    compile_ok(src);
    ck_assert_uint_eq(bsg_schema_model_count(S), 2);
    assert_shape(src, "A", "", "A{_id:ObjectId, b:B, bs:[B], m:Map<B>, t:B, __v:Number}");
    /* The embedded variant has no version key; the model has. */
    assert_shape(src, "A", "b", "B{_id:ObjectId, x:String}");
    assert_shape(src, "B", "", "B{_id:ObjectId, x:String, __v:Number}");
    uint32_t b = path_node("A", "b");
    ck_assert_uint_ne(b, model_root("B"));
    /* Each use has its own node (its own options) with the schema's fields. */
    ck_assert_uint_ne(path_node("A", "bs.$"), b);
    ck_assert_uint_eq(node(path_node("A", "bs.$"))->first, node(b)->first);
    ck_assert_uint_eq(node(path_node("A", "m.$"))->first, node(b)->first);
    ck_assert_str_eq(pool(node(b)->label), "B");

    /* Declared with `_id: false`: the embedded variant and the model. */
    src = "schema A { items: [Item] }\nschema Item { n: Number } with { _id: false }";
    compile_ok(src);
    assert_shape(src, "A", "items.$", "Item{n:Number}");
    assert_shape(src, "Item", "", "Item{n:Number, __v:Number}");

    /* Declared earlier works too. */
    src = "schema B { x: String }\nschema A { b: B }";
    compile_ok(src);
    assert_shape(src, "A", "b", "B{_id:ObjectId, x:String}");
}
END_TEST

START_TEST(test_recursion)
{
    const char *src = "schema Comment { body: String, replies: [Comment] }";
    compile_ok(src);
    assert_shape(src, "Comment", "",
                 "Comment{_id:ObjectId, body:String, replies:[Comment], __v:Number}");
    uint32_t e = path_node("Comment", "replies.$");
    ck_assert_uint_ne(e, model_root("Comment"));
    assert_shape(src, "Comment", "replies.$", "Comment{_id:ObjectId, body:String, replies:[Comment]}");
    ck_assert_uint_eq(node(path_node("Comment", "replies.$.replies.$"))->first,
                      node(e)->first);

    /* Mutual recursion, through a map and a subdocument. */
    src = "schema A { b: { type: Map, of: B } }\nschema B { a: A, as: [A] }";
    compile_ok(src);
    uint32_t a = path_node("A", "b.$.a");
    ck_assert_uint_eq(node(path_node("A", "b.$.a.b.$.a"))->first, node(a)->first);
    ck_assert_uint_eq(node(path_node("A", "b.$.as.$"))->first, node(a)->first);
    assert_shape(src, "B", "a", "A{_id:ObjectId, b:Map<B>}");
}
END_TEST

START_TEST(test_discriminators)
{
    const char *src =
        "schema Event { at: Date, note: String } with { discriminatorKey: 'kind', "
        "strict: 'throw', timestamps: true }\n"
        "schema Click extends Event { x: Number, note: { type: String, required: true } }\n"
        "schema Key extends Event { key: String } with { strict: false }\n";
    compile_ok(src);
    ck_assert_uint_eq(bsg_schema_model_count(S), 3);
    assert_shape(src, "Event", "",
                 "Event{_id:ObjectId, at:Date, note:String, createdAt:Date, updatedAt:Date, "
                 "__v:Number, kind:String}");
    /* The child has the base's paths first, may redefine them in place, and
       inherits versionKey, timestamps and the discriminator key. */
    assert_shape(src, "Click", "",
                 "Click{_id:ObjectId, at:Date, note:String(required), x:Number, "
                 "createdAt:Date, updatedAt:Date, __v:Number, kind:String}");
    assert_shape(src, "Key", "",
                 "Key{_id:ObjectId, at:Date, note:String, key:String, "
                 "createdAt:Date, updatedAt:Date, __v:Number, kind:String}");
    /* strict: inherited unless set. */
    ck_assert_uint_eq(node(model_root("Event"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(model_root("Click"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(model_root("Key"))->strict, BSG_STRICT_FALSE);

    /* The base's discriminator table: key and one entry per child. */
    const bsg__node *base = node(model_root("Event"));
    ck_assert_uint_lt(base->disc, S->ndiscs);
    const bsg__disc *d = &S->discs[base->disc];
    ck_assert_str_eq(pool(d->key), "kind");
    ck_assert_uint_eq(d->key_len, 4);
    ck_assert_uint_eq(d->count, 2);
    ck_assert_uint_le(d->first + d->count, S->ndisc_values);
    const bsg__disc_value *v = &S->disc_values[d->first];
    ck_assert_str_eq(pool(v[0].value), "Click");
    ck_assert_uint_eq(v[0].len, 5);
    ck_assert_uint_eq(v[0].node, model_root("Click"));
    ck_assert_str_eq(pool(v[1].value), "Key");
    ck_assert_uint_eq(v[1].node, model_root("Key"));
    ck_assert_uint_eq(node(model_root("Click"))->disc, BSG__NONE);

    /* Default key `__t`, a grandchild, and discriminatorValue. */
    src = "schema Shape { name: String }\n"
          "schema Circle extends Shape { r: Number } with { discriminatorValue: 'circle' }\n"
          "schema Ring extends Circle { inner: Number }";
    compile_ok(src);
    assert_shape(src, "Ring", "",
                 "Ring{_id:ObjectId, name:String, r:Number, inner:Number, __v:Number, __t:String}");
    d = &S->discs[node(model_root("Shape"))->disc];
    ck_assert_str_eq(pool(d->key), "__t");
    ck_assert_uint_eq(d->count, 2);
    v = &S->disc_values[d->first];
    ck_assert_str_eq(pool(v[0].value), "circle");
    ck_assert_uint_eq(v[0].node, model_root("Circle"));
    ck_assert_str_eq(pool(v[1].value), "Ring");
    ck_assert_uint_eq(v[1].node, model_root("Ring"));

    /* A base declared after its child. */
    src = "schema Dog extends Animal { bark: Boolean }\nschema Animal { name: String }";
    compile_ok(src);
    assert_shape(src, "Dog", "", "Dog{_id:ObjectId, name:String, bark:Boolean, __v:Number, __t:String}");
    /* A schema without children has no key and no table. */
    compile_ok("schema Solo { a: String }");
    ck_assert_uint_eq(node(model_root("Solo"))->disc, BSG__NONE);
    ck_assert_uint_eq(S->ndiscs, 0);
}
END_TEST

typedef struct implicit_row {
    const char *src;
    const char *want;
} implicit_row;

static const implicit_row implicit_rows[] = {
    {"schema T { a: String }", "T{_id:ObjectId, a:String, __v:Number}"},
    {"schema T { a: String } with { timestamps: true }",
     "T{_id:ObjectId, a:String, createdAt:Date, updatedAt:Date, __v:Number}"},
    {"schema T { a: String } with { timestamps: false }",
     "T{_id:ObjectId, a:String, __v:Number}"},
    {"schema T { a: String } with { timestamps: {} }",
     "T{_id:ObjectId, a:String, createdAt:Date, updatedAt:Date, __v:Number}"},
    {"schema T { a: String } with { timestamps: { createdAt: 'created', updatedAt: 'modified' } }",
     "T{_id:ObjectId, a:String, created:Date, modified:Date, __v:Number}"},
    {"schema T { a: String } with { timestamps: { createdAt: false } }",
     "T{_id:ObjectId, a:String, updatedAt:Date, __v:Number}"},
    {"schema T { a: String } with { timestamps: { updatedAt: 'changed', createdAt: true } }",
     "T{_id:ObjectId, a:String, createdAt:Date, changed:Date, __v:Number}"},
    {"schema T { a: String } with { versionKey: false }", "T{_id:ObjectId, a:String}"},
    {"schema T { a: String } with { versionKey: '_ver' }",
     "T{_id:ObjectId, a:String, _ver:Number}"},
    {"schema T { a: String } with { _id: false }", "T{a:String, __v:Number}"},
    {"schema T { a: String } with { _id: true }", "T{_id:ObjectId, a:String, __v:Number}"},
    {"schema T { a: String } with { _id: false, versionKey: false, timestamps: true }",
     "T{a:String, createdAt:Date, updatedAt:Date}"},
    {"schema T { a: String } with { strict: false, minimize: false, collection: 'ts', "
     "autoIndex: false }",
     "T{_id:ObjectId, a:String, __v:Number}"},
};

START_TEST(test_implicit_paths)
{
    compile_ok(implicit_rows[_i].src);
    assert_shape(implicit_rows[_i].src, "T", "", implicit_rows[_i].want);
    ck_assert_uint_eq(bsg_schema_lint_count(S), 0);
}
END_TEST

START_TEST(test_strict)
{
    const char *src =
        "schema A { b: B, n: { x: String }, s: { type: { y: String } }, d: [{ z: String }] }"
        " with { strict: 'throw' }\n"
        "schema B { x: String }\n"
        "schema C { x: String, n: { y: String } } with { strict: false }\n"
        "schema D { x: String } with { strict: true }";
    compile_ok(src);
    ck_assert_uint_eq(node(model_root("A"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(path_node("A", "n"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(path_node("A", "s"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(path_node("A", "d.$"))->strict, BSG_STRICT_THROW);
    /* A declared child keeps its own (default) strict mode. */
    ck_assert_uint_eq(node(path_node("A", "b"))->strict, BSG_STRICT_TRUE);
    ck_assert_uint_eq(node(model_root("B"))->strict, BSG_STRICT_TRUE);
    ck_assert_uint_eq(node(model_root("C"))->strict, BSG_STRICT_FALSE);
    ck_assert_uint_eq(node(path_node("C", "n"))->strict, BSG_STRICT_FALSE);
    ck_assert_uint_eq(node(model_root("D"))->strict, BSG_STRICT_TRUE);
}
END_TEST

START_TEST(test_models_api)
{
    compile_ok("schema A { a: String }\nschema B { b: String };\nschema C extends A { c: String }");
    ck_assert_uint_eq(bsg_schema_model_count(S), 3);
    ck_assert_str_eq(bsg_model_name(bsg_schema_model_at(S, 0)), "A");
    ck_assert_str_eq(bsg_model_name(bsg_schema_model_at(S, 1)), "B");
    ck_assert_str_eq(bsg_model_name(bsg_schema_model_at(S, 2)), "C");
    ck_assert_ptr_null(bsg_schema_model_at(S, 3));
    ck_assert_ptr_eq(bsg_schema_model(S, "B"), bsg_schema_model_at(S, 1));
    ck_assert_ptr_null(bsg_schema_model(S, "b"));
    ck_assert_ptr_null(bsg_schema_model(S, NULL));
    ck_assert_ptr_null(bsg_schema_model(NULL, "A"));
    ck_assert_uint_eq(bsg_schema_model_count(NULL), 0);
    ck_assert_ptr_null(bsg_schema_model_at(NULL, 0));
    ck_assert_uint_eq(bsg_schema_lint_count(NULL), 0);
    ck_assert_ptr_null(bsg_schema_lint_at(NULL, 0));
    ck_assert_ptr_null(bsg_schema_lint_at(S, 0));
    bsg_schema_free(NULL);

    /* NULL diag and NULL source name are allowed. */
    bsg_schema *s = bsg_schema_compile("schema X { a: String }", 22, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(bsg_model_name(bsg_schema_model_at(s, 0)), "X");
    bsg_schema_free(s);
    ck_assert_ptr_null(bsg_schema_compile("schema X { a: Strin }", 21, NULL, NULL, NULL));
    bsg_diag d;
    ck_assert_ptr_null(bsg_schema_compile("schema X { a: Strin }", 21, NULL, NULL, &d));
    ck_assert_str_eq(d.file, "<schema>");
    ck_assert_str_eq(d.code, "unknown-type");
    /* len is honoured: the text after it is not read. */
    s = bsg_schema_compile("schema X { a: String } garbage", 22, NULL, NULL, &d);
    ck_assert_ptr_nonnull(s);
    bsg_schema_free(s);
}
END_TEST

/* MARK: - 4. Validators and ignored options */

typedef struct validator_row {
    const char *def;
    const char *want;
} validator_row;

static const validator_row validator_rows[] = {
    /* required */
    {"{ type: String, required: true }", "String(required)"},
    {"{ type: String, required: [true, 'need it'] }", "String(required \"need it\")"},
    {"{ type: String, required: false }", "String"},
    {"{ type: Buffer, required: true }", "Buffer(required)"},
    /* enum */
    {"{ type: String, enum: ['a', 'b'] }", "String(enum \"a\"|\"b\")"},
    {"{ type: String, enum: { values: ['a', 'b'], message: 'bad {VALUE}' } }",
     "String(enum \"a\"|\"b\" \"bad {VALUE}\")"},
    /* no message: Mongoose's String#enum prints the generic validator message */
    {"{ type: String, enum: { values: ['a'] } }",
     "String(enum \"a\" \"Validator failed for path `{PATH}` with value `{VALUE}`\")"},
    {"{ type: Number, enum: { values: [1] } }", "Number(enum 1)"},
    {"{ type: String, enum: { A: 'a', B: 'b' } }", "String(enum \"a\"|\"b\")"},
    {"{ type: String, enum: 'only' }", "String(enum \"only\")"},
    {"{ type: String, enum: ['a', null] }", "String(enum \"a\")"},
    /* an empty enum installs no validator, as in Mongoose */
    {"{ type: String, enum: { values: [], message: 'm' } }", "String"},
    {"{ type: Number, enum: [1, 2.5, -3] }", "Number(enum 1|2.5|-3)"},
    {"{ type: Number, enum: { '0': 'Low', '1': 'High', Low: 0, High: 1 } }",
     "Number(enum 0|1)"},
    {"{ type: Number, enum: { values: [7], message: 'm' } }", "Number(enum 7 \"m\")"},
    /* min / max on Number */
    {"{ type: Number, min: 0, max: 10 }", "Number(min 0, max 10)"},
    {"{ type: Number, min: [1, 'too small'], max: [9, 'too big'] }",
     "Number(min 1 \"too small\", max 9 \"too big\")"},
    {"{ type: Number, min: -2.5 }", "Number(min -2.5)"},
    {"{ type: Number, max: 1e3 }", "Number(max 1000)"},
    {"{ type: Number, min: 0x10 }", "Number(min 16)"},
    {"{ type: Number, min: 5, max: 5 }", "Number(min 5, max 5)"},
    /* min / max on Date */
    {"{ type: Date, min: '2020-01-01', max: '2030-01-01T00:00:00Z' }",
     "Date(min date 1577836800000, max date 1893456000000)"},
    {"{ type: Date, min: '2020-01-01T12:30:00+02:00' }", "Date(min date 1577874600000)"},
    {"{ type: Date, min: '2020-02-29T23:59:59.123Z' }", "Date(min date 1583020799123)"},
    {"{ type: Date, min: 86400000 }", "Date(min date 86400000)"},
    {"{ type: Date, min: -86400000 }", "Date(min date -86400000)"},
    {"{ type: Date, max: Date.now }", "Date(max date now)"},
    {"{ type: Date, min: Date.now, max: '2030-01-01' }", "Date(min date now, max date 1893456000000)"},
    {"{ type: Date, min: ['2020-01-01', 'too early'] }",
     "Date(min date 1577836800000 \"too early\")"},
    {"{ type: Date, max: [Date.now, 'in the future'] }", "Date(max date now \"in the future\")"},
    /* lengths */
    {"{ type: String, minlength: 2, maxlength: 5 }", "String(minlength 2, maxlength 5)"},
    {"{ type: String, minLength: [2, 'short'], maxLength: 5 }",
     "String(minlength 2 \"short\", maxlength 5)"},
    {"{ type: String, maxLength: [3, 'long'] }", "String(maxlength 3 \"long\")"},
    {"{ type: String, minlength: 0 }", "String(minlength 0)"},
    {"{ type: String, minlength: 4, maxlength: 4 }", "String(minlength 4, maxlength 4)"},
    /* match */
    {"{ type: String, match: /^a+$/i }", "String(match /^a+$/i)"},
    {"{ type: String, match: [/^a/, 'must start with a'] }",
     "String(match /^a/ \"must start with a\")"},
    {"{ type: String, match: /^\\d{3}-\\u00e9[^]$/su }", "String(match /^\\d{3}-\\u00e9[^]$/su)"},
    /* validate */
    {"{ type: String, validate: 'isEmail' }", "String(validate isEmail)"},
    {"{ type: String, validate: { validator: 'isEmail', message: 'bad email' } }",
     "String(validate isEmail \"bad email\")"},
    {"{ type: String, validate: { validator: 'isEmail' } }", "String(validate isEmail)"},
    {"{ type: String, validate: /^\\d+$/ }", "String(validate /^\\d+$/)"},
    {"{ type: String, validate: { validator: /x/g, message: 'no x' } }",
     "String(validate /x/g \"no x\")"},
    {"{ type: String, validate: ['isEmail', { validator: 'nonEmpty', message: 'empty' }, /x/] }",
     "String(validate isEmail, validate nonEmpty \"empty\", validate /x/)"},
    {"{ type: Number, validate: 'nonEmpty' }", "Number(validate nonEmpty)"},
    /* order: required is a flag, the others as written */
    {"{ type: String, match: /a/, minLength: 2, required: true, enum: ['aa'] }",
     "String(required, match /a/, minlength 2, enum \"aa\")"},
    {"{ type: String, minLength: 2, match: /a/ }", "String(minlength 2, match /a/)"},
    {"{ type: Number, required: [true, 'n?'], max: 3, validate: 'isEmail', min: 1 }",
     "Number(required \"n?\", max 3, validate isEmail, min 1)"},
    /* Buffer subtype */
    {"{ type: Buffer, subtype: 4 }", "Buffer(subtype 4)"},
    {"{ type: Buffer, subtype: 0 }", "Buffer(subtype 0)"},
};

START_TEST(test_validator)
{
    check_x(validator_rows[_i].def, validator_rows[_i].want);
    ck_assert_uint_eq(bsg_schema_lint_count(S), 0);
}
END_TEST

typedef struct ignored_row {
    const char *def;
    const char *want;
    size_t lints;
} ignored_row;

static const ignored_row ignored_rows[] = {
    {"{ type: String, unique: true }", "String", 1},
    {"{ type: String, unique: false }", "String", 0},
    {"{ type: String, index: true }", "String", 0},
    {"{ type: String, index: { unique: true, sparse: true } }", "String", 0},
    {"{ type: String, sparse: true }", "String", 0},
    {"{ type: Schema.Types.ObjectId, ref: 'User' }", "ObjectId", 0},
    {"{ type: Schema.Types.ObjectId, ref: User }", "ObjectId", 0},
    {"{ type: String, select: false }", "String", 0},
    {"{ type: String, alias: 'nick' }", "String", 0},
    {"{ type: Date, immutable: true }", "Date", 0},
    {"{ type: String, trim: true }", "String", 0},
    {"{ type: String, lowercase: true }", "String", 0},
    {"{ type: String, uppercase: true }", "String", 0},
    {"{ type: String, default: 'x' }", "String", 0},
    {"{ type: Date, default: Date.now }", "Date", 0},
    {"{ type: [String], default: [] }", "[String]", 0},
    {"{ type: String, text: true }", "String", 0},
    {"{ type: Date, expires: 3600 }", "Date", 0},
    {"{ type: Date, expires: '1h' }", "Date", 0},
    {"{ type: Schema.Types.ObjectId, refPath: 'kind' }", "ObjectId", 0},
    {"{ type: Schema.Types.ObjectId, auto: true }", "ObjectId", 0},
    {"{ type: String, trim: true, lowercase: true, index: true, select: false, "
     "immutable: true, alias: 'n', default: 'a', sparse: true, text: true }",
     "String", 0},
};

START_TEST(test_ignored_options)
{
    check_x(ignored_rows[_i].def, ignored_rows[_i].want);
    ck_assert_uint_eq(bsg_schema_lint_count(S), ignored_rows[_i].lints);
}
END_TEST

/* MARK: - 5. Diagnostics */

typedef struct diag_row {
    const char *src;
    uint32_t line, column;
    const char *code;
    const char *message; /* a substring */
    const char *hint;    /* exact; "" when none */
} diag_row;

#define HINT_TYPES                                                              \
    "types are String, Number, Boolean, Date, ObjectId, Decimal128, BigInt, Double, " \
    "Int32, UUID, Buffer, Mixed, Map, Array, or a declared schema"
#define HINT_JS_ONLY                                                            \
    "bsonguard checks the stored bytes: apply setters and transforms before "   \
    "validating (in C), or use fromMongoose() in Node, which reports them as warnings"
#define HINT_REGISTER                                                           \
    "register it with bsg_registry_add() before compiling (from Node: "         \
    "compile(source, { validators: { name: fn } }))"
#define HINT_UNION "write `{ type: Schema.Types.Union, of: [Number, String] }`"
#define HINT_FUNCTION                                                           \
    "JavaScript functions cannot cross into bsonguard: register a C validator "  \
    "with bsg_registry_add() and write `validate: 'name'`"

static const diag_row diag_rows[] = {
    /* misspelt option, unknown types */
    {"schema T {\n  name: { type: String, requried: true },\n}", 2, 25, "unknown-option",
     "unknown option `requried`", "did you mean `required`?"},
    {"schema T {\n  s: { type: String, maxLenght: 3 },\n}", 2, 22, "unknown-option",
     "unknown option `maxLenght`", "did you mean `maxlength`?"},
    {"schema T {\n  s: { type: String, zzzzzz: 1 },\n}", 2, 22, "unknown-option",
     "unknown option `zzzzzz`", ""},
    {"schema T {\n  name: Strin,\n}", 2, 9, "unknown-type", "unknown type `Strin`",
     "did you mean `String`?"},
    {"schema T {\n  name: { type: Strin },\n}", 2, 17, "unknown-type", "unknown type `Strin`",
     "did you mean `String`?"},
    {"schema T {\n  id: Schema.Types.Objectid,\n}", 2, 7, "unknown-type",
     "unknown type `Schema.Types.Objectid`", "did you mean `ObjectId`?"},
    {"schema T {\n  id: Schema.Typez.String,\n}", 2, 7, "unknown-type",
     "unknown type `Schema.Typez.String`", "did you mean `String`?"},
    {"schema T {\n  n: { type: 'bigint' },\n}", 2, 14, "unknown-type", "unknown type 'bigint'",
     "did you mean `BigInt`?"},
    {"schema T {\n  n: { type: 'uuid' },\n}", 2, 14, "unknown-type", "unknown type 'uuid'",
     "did you mean `UUID`?"},
    {"schema T {\n  n: { type: 'foo' },\n}", 2, 14, "unknown-type", "unknown type 'foo'",
     HINT_TYPES},
    {"schema T {\n  n: { type: 'qqqqqqq' },\n}", 2, 14, "unknown-type", "unknown type 'qqqqqqq'",
     HINT_TYPES},
    {"schema Address { a: String }\nschema T {\n  home: Adress,\n}", 3, 9, "unknown-type",
     "unknown type `Adress`", "did you mean `Address`?"},
    /* values that are not types */
    {"schema T {\n  n: 42,\n}", 2, 6, "bad-type", "a number is not a valid type",
     "a type is a name such as `String`, an array `[T]` or an object"},
    {"schema T {\n  n: { type: null },\n}", 2, 14, "bad-type", "null is not a valid type",
     "a type is a name such as `String`, an array `[T]` or an object"},
    {"schema T {\n  n: { a: String, required: true },\n}", 2, 29, "bad-type",
     "a boolean is not a valid type",
     "a type is a name such as `String`, an array `[T]` or an object"},
    /* enum */
    {"schema T {\n  ok: { type: Boolean, enum: [true] },\n}", 2, 24, "enum-type",
     "`enum` does not apply to a Boolean path",
     "Mongoose validates `enum` on String and Number paths only"},
    {"schema T {\n  d: { type: [Date], enum: [1] },\n}", 2, 22, "enum-type",
     "`enum` does not apply to a Date path",
     "Mongoose validates `enum` on String and Number paths only"},
    {"schema T {\n  s: { type: String, enum: ['a', 1] },\n}", 2, 34, "enum-value",
     "enum value is a number; a String path takes strings", ""},
    /* bounds */
    {"schema T {\n  n: { type: Number, min: 10, max: 5 },\n}", 2, 36, "min-greater-than-max",
     "`min` (10) is greater than `max`: no value can pass", ""},
    {"schema T {\n  n: { type: Number, max: 5, min: [10, 'm'] },\n}", 2, 36,
     "min-greater-than-max", "`min` (10) is greater than `max`", ""},
    {"schema T {\n  d: { type: Date, min: '2021-01-01', max: '2020-01-01' },\n}", 2, 44,
     "min-greater-than-max", "is greater than `max`", ""},
    {"schema T {\n  s: { type: String, minLength: 5, maxlength: 2 },\n}", 2, 47,
     "min-greater-than-max",
     "`minlength` (5) is greater than `maxlength` (2): no string can pass", ""},
    {"schema T {\n  n: { type: Number, allowNull: false, required: true },\n}", 2, 33,
     "bad-option", "`allowNull` cannot be combined with `required: true` on `n`",
     "Mongoose throws on this schema; `required` already rejects null"},
    {"schema T {\n  n: { type: Number, allowNull: 'no' },\n}", 2, 33, "bad-option",
     "`allowNull` takes true or false, not", ""},
    {"schema T {\n  n: { type: Number, min: '5' },\n}", 2, 27, "bad-option",
     "`min` of a Number path takes a number", ""},
    {"schema T {\n  n: { type: Number, min: [1, 2] },\n}", 2, 27, "bad-option",
     "`min` takes a value or [value, 'message']", ""},
    {"schema T {\n  d: { type: Date, min: 'yesterday' },\n}", 2, 25, "bad-date",
     "`min` of a Date path takes an ISO-8601 date string, milliseconds or Date.now",
     "e.g. `min: '2020-01-01'` or `min: '2020-01-01T00:00:00Z'`"},
    {"schema T {\n  d: { type: Date, max: '2020-13-01' },\n}", 2, 25, "bad-date",
     "`max` of a Date path", "e.g. `max: '2020-01-01'` or `max: '2020-01-01T00:00:00Z'`"},
    {"schema T {\n  s: { type: String, min: 3 },\n}", 2, 22, "option-type",
     "`min` does not apply to a String path", "for the length of a string use `minlength`"},
    {"schema T {\n  s: { type: String, max: 3 },\n}", 2, 22, "option-type",
     "`max` does not apply to a String path", "for the length of a string use `maxlength`"},
    {"schema T {\n  b: { type: Boolean, min: 0 },\n}", 2, 23, "option-type",
     "`min` does not apply to a Boolean path", ""},
    {"schema T {\n  n: { type: Number, minlength: 3 },\n}", 2, 22, "option-type",
     "`minlength` applies to String paths, not Number", "for numbers use `min`"},
    {"schema T {\n  n: { type: Number, maxLength: 3 },\n}", 2, 22, "option-type",
     "`maxLength` applies to String paths, not Number", "for numbers use `max`"},
    {"schema T {\n  s: { type: String, minlength: -1 },\n}", 2, 33, "bad-option",
     "`minlength` takes a non-negative integer", ""},
    {"schema T {\n  s: { type: String, maxlength: 2.5 },\n}", 2, 33, "bad-option",
     "`maxlength` takes a non-negative integer", ""},
    /* match */
    {"schema T {\n  s: { type: String, match: /(/ },\n}", 2, 29, "bad-regex",
     "invalid regular expression /(/: missing closing parenthesis", ""},
    {"schema T {\n  s: { type: String, match: [/a{2,1}/, 'm'] },\n}", 2, 30, "bad-regex",
     "invalid regular expression /a{2,1}/", ""},
    {"schema T {\n  s: { type: String, validate: /[b-a]/ },\n}", 2, 32, "bad-regex",
     "invalid regular expression /[b-a]/", ""},
    {"schema T {\n  s: { type: String, match: '^a' },\n}", 2, 29, "bad-option",
     "`match` takes a regex literal, not a string", "write `match: /^a/`"},
    {"schema T {\n  n: { type: Number, match: /1/ },\n}", 2, 22, "option-type",
     "`match` applies to String paths, not Number", ""},
    /* references */
    {"schema A extends Nope {\n  a: String,\n}", 1, 18, "unknown-schema",
     "`A` extends `Nope`, which is not declared", HINT_TYPES},
    {"schema Base { a: String }\nschema B extends Bsae { b: String }", 2, 18, "unknown-schema",
     "`B` extends `Bsae`, which is not declared", "did you mean `Base`?"},
    {"schema T {\n  xs: [Nope],\n}", 2, 8, "unknown-type", "unknown type `Nope`", HINT_TYPES},
    {"schema T {\n  x: { type: Map, of: Nope },\n}", 2, 23, "unknown-type",
     "unknown type `Nope`", HINT_TYPES},
    {"schema A extends B { a: String }\nschema B extends A { b: String }", 1, 18,
     "extends-cycle", "`A` extends itself through its bases", ""},
    {"schema A extends A { a: String }", 1, 18, "extends-cycle",
     "`A` extends itself through its bases", ""},
    /* duplicates and bad names */
    {"schema T {\n  a: String,\n  a: Number,\n}", 3, 3, "duplicate-field",
     "field `a` is declared twice", ""},
    {"schema T {\n  n: { a: String, 'a': Number },\n}", 2, 19, "duplicate-field",
     "field `a` is declared twice", ""},
    {"schema T {\n  d: [{ a: String, a: String }],\n}", 2, 20, "duplicate-field",
     "field `a` is declared twice", ""},
    {"schema T { a: String }\nschema T { b: String }", 2, 8, "duplicate-schema",
     "schema `T` is declared twice", ""},
    {"schema T {\n  '': String,\n}", 2, 3, "empty-key", "a field name cannot be empty", ""},
    {"schema T {\n  'a.b': String,\n}", 2, 3, "bad-field-name",
     "field name `a.b` cannot contain `.` or start with `$`",
     "declare nested paths as nested objects: `a: { b: … }`"},
    {"schema T {\n  n: { $bad: String },\n}", 2, 8, "bad-field-name",
     "field name `$bad` cannot contain `.` or start with `$`",
     "declare nested paths as nested objects: `a: { b: … }`"},
    /* JS-only options */
    {"schema T {\n  s: { type: String, get: upper },\n}", 2, 22, "js-only",
     "`get` runs JavaScript at run time and cannot be compiled", HINT_JS_ONLY},
    {"schema T {\n  s: { type: String, set: 'lower' },\n}", 2, 22, "js-only",
     "`set` runs JavaScript at run time and cannot be compiled", HINT_JS_ONLY},
    {"schema T {\n  s: { type: String, transform: strip },\n}", 2, 22, "js-only",
     "`transform` runs JavaScript at run time", HINT_JS_ONLY},
    /* validate */
    {"schema T {\n  s: { type: String, validate: 'unregistered' },\n}", 2, 32,
     "unknown-validator", "no validator named 'unregistered' is registered", HINT_REGISTER},
    {"schema T {\n  s: { type: String, validate: 'isEmial' },\n}", 2, 32, "unknown-validator",
     "no validator named 'isEmial' is registered", "did you mean 'isEmail'?"},
    {"schema T {\n  s: { type: String, validate: { validator: 'nope', message: 'm' } },\n}",
     2, 45, "unknown-validator", "no validator named 'nope' is registered", HINT_REGISTER},
    {"schema T {\n  s: { type: String, validate: ['isEmail', 'nope'] },\n}", 2, 44,
     "unknown-validator", "no validator named 'nope' is registered", HINT_REGISTER},
    {"schema T {\n  s: { type: String, validate: { message: 'm' } },\n}", 2, 32, "bad-option",
     "`validate: { … }` needs a `validator`", ""},
    {"schema T {\n  s: { type: String, validate: isEmail },\n}", 2, 32, "bad-option",
     "`validate` takes a registered validator's name, { validator, message } or a regex",
     HINT_FUNCTION},
    /* required */
    {"schema T {\n  s: { type: String, required: 'yes' },\n}", 2, 32, "bad-option",
     "`required` takes true, false, [true, 'message'] or { isRequired, message }, not a string",
     "write `required: [true, 'yes']`"},
    {"schema T {\n  s: { type: String, required: 1 },\n}", 2, 32, "bad-option",
     "`required` takes true, false, [true, 'message'] or { isRequired, message }, not a number", ""},
    {"schema T {\n  s: { type: String, required: [true] },\n}", 2, 32, "bad-option",
     "`required` takes a value or [value, 'message']", ""},
    /* arrays, unions, buffers */
    {"schema T {\n  xs: [String, Number],\n}", 2, 16, "array-arity",
     "an array type takes one element type, found 2",
     "for several allowed types use `{ type: Schema.Types.Union, of: [A, B] }`"},
    {"schema T {\n  u: { type: Union, of: Number },\n}", 2, 25, "bad-option",
     "a Union's `of` takes an array of types", ""},
    {"schema T {\n  u: { type: Union, of: [] },\n}", 2, 25, "bad-option",
     "a Union's `of` takes an array of types", ""},
    {"schema T {\n  u: { type: Union },\n}", 2, 14, "union-of",
     "a Union needs its member types in `of`", HINT_UNION},
    {"schema T {\n  u: { type: 'union', required: true },\n}", 2, 14, "union-of",
     "a Union needs its member types in `of`", HINT_UNION},
    {"schema T {\n  u: Schema.Types.Union,\n}", 2, 6, "union-of",
     "a Union needs its member types in `of`", HINT_UNION},
    {"schema T {\n  u: [Union],\n}", 2, 7, "union-of", "a Union needs its member types in `of`",
     HINT_UNION},
    {"schema T {\n  b: { type: Buffer, subtype: 256 },\n}", 2, 31, "bad-option",
     "`subtype` takes a number 0-255", ""},
    /* schema options */
    {"schema T {\n  a: String,\n} with { strct: true }", 3, 10, "unknown-option",
     "unknown schema option `strct`", "did you mean `strict`?"},
    {"schema T { a: String } with { strict: 'yes' }", 1, 39, "bad-option",
     "`strict` takes true, false or 'throw'", ""},
    {"schema T { a: String } with { strict: 1 }", 1, 39, "bad-option",
     "`strict` takes true, false or 'throw'", ""},
    {"schema T { a: String } with { _id: 'no' }", 1, 36, "bad-option",
     "schema option `_id` takes true or false, not a string", ""},
    {"schema T { a: String } with { minimize: null }", 1, 41, "bad-option",
     "schema option `minimize` takes true or false, not null", ""},
    {"schema T { a: String } with { typeKey: '' }", 1, 40, "bad-option",
     "schema option `typeKey` takes a non-empty string", ""},
    {"schema T { a: String } with { discriminatorKey: 5 }", 1, 49, "bad-option",
     "schema option `discriminatorKey` takes a non-empty string", ""},
    {"schema T { a: String } with { versionKey: true }", 1, 43, "bad-option",
     "`versionKey` takes false or a field name", ""},
    {"schema T { a: String } with { timestamps: 'yes' }", 1, 43, "bad-option",
     "`timestamps` takes true, false or { createdAt, updatedAt }", ""},
    {"schema T { a: String } with { timestamps: { createdOn: 'c' } }", 1, 45, "unknown-option",
     "unknown timestamps option `createdOn`",
     "timestamps take `createdAt`, `updatedAt` and `currentTime`"},
    {"schema T { a: String } with { timestamps: { createdAt: 5 } }", 1, 56, "bad-option",
     "schema option `createdAt` takes a non-empty string", ""},
    /* syntax errors surface through bsg_schema_compile */
    {"schema T {\n  s: 'abc,\n}", 2, 6, "syntax", "unterminated string", ""},
    {"schema T {\n  s: String,\n", 1, 10, "syntax", "unterminated object: this `{` is never closed",
     ""},
    {"schema T {\n  s: [String,\n}", 3, 1, "syntax", "expected a value, found `}`", ""},
    {"schema T {\n  s: { type: String, default: undefined },\n}", 2, 31, "syntax",
     "`undefined` is not a value", ""},
    {"schema T {\n  s: { type: String, validate: function (v) { return v } },\n}", 2, 32,
     "syntax", "register a C validator", ""},
    {"schema T {\n  s: { type: String, match: /a/\n}", 1, 10, "syntax",
     "unterminated object: this `{` is never closed", ""},
    /* no schema */
    {"", 1, 1, "syntax", "no schema declared", "declare one as `schema Name { field: String }`"},
    {"  // nothing here\n", 2, 1, "syntax", "no schema declared",
     "declare one as `schema Name { field: String }`"},
};

START_TEST(test_diagnostic)
{
    const diag_row *r = &diag_rows[_i];
    ck_assert_msg(compile_text(r->src) == NULL, "`%s` compiled", r->src);
    ck_assert_msg(strcmp(D.code, r->code) == 0, "%s\n  code: want %s, got %s (%s)", r->src,
                  r->code, D.code, D.message);
    ck_assert_msg(D.line == r->line && D.column == r->column,
                  "%s\n  at: want %u:%u, got %u:%u (%s)", r->src, r->line, r->column, D.line,
                  D.column, D.message);
    ck_assert_msg(strstr(D.message, r->message) != NULL, "%s\n  message: want ~%s, got %s",
                  r->src, r->message, D.message);
    /* Syntax-row hints belong to the parser's tests, unless given here. */
    if (strcmp(r->code, "syntax") != 0 || r->hint[0])
        ck_assert_msg(strcmp(D.hint, r->hint) == 0, "%s\n  hint: want \"%s\", got \"%s\"",
                      r->src, r->hint, D.hint);
    ck_assert_str_eq(D.file, "t.bsg");
    /* The offset, line and column agree, and the source line is the one shown. */
    size_t len = strlen(r->src), start = 0;
    ck_assert_uint_le(D.offset, len);
    for (size_t i = 0; i < D.offset; i++)
        if (r->src[i] == '\n')
            start = i + 1;
    ck_assert_uint_eq(D.column, D.offset - start + 1);
    const char *nl = strchr(r->src + start, '\n');
    size_t line_len = nl ? (size_t)(nl - (r->src + start)) : strlen(r->src + start);
    ck_assert_uint_eq(strlen(D.source_line), line_len);
    ck_assert(strncmp(D.source_line, r->src + start, line_len) == 0);
}
END_TEST

START_TEST(test_null_source)
{
    ck_assert_ptr_null(bsg_schema_compile(NULL, 0, NULL, REG, &D));
    ck_assert_str_eq(D.code, "syntax");
    ck_assert_str_eq(D.file, "<schema>");
    ck_assert_str_eq(D.message, "no schema declared");
    ck_assert_uint_eq(D.line, 1);
    ck_assert_uint_eq(D.column, 1);
    ck_assert_str_eq(D.source_line, "");
}
END_TEST

/* The registry is consulted at compile time: no registry means no names. */
START_TEST(test_validate_without_registry)
{
    const char *src = "schema T { s: { type: String, validate: 'isEmail' } }";
    ck_assert_ptr_null(bsg_schema_compile(src, strlen(src), "r.bsg", NULL, &D));
    ck_assert_str_eq(D.code, "unknown-validator");
    ck_assert_str_eq(D.hint, HINT_REGISTER);
    ck_assert_uint_eq(D.column, 41);
    /* A later registration under the same name replaces the function. */
    ck_assert(bsg_registry_add(REG, "isEmail", always_true, &D));
    compile_ok(src);
    const bsg__node *n = node(path_node("T", "s"));
    ck_assert_uint_eq(n->nchecks, 1);
    ck_assert_ptr_eq(S->users[S->checks[n->checks].first].ctx, &D);
    ck_assert(!bsg_registry_add(REG, NULL, always_true, NULL));
    ck_assert(!bsg_registry_add(REG, "x", NULL, NULL));
    ck_assert(!bsg_registry_add(NULL, "x", always_true, NULL));
}
END_TEST

START_TEST(test_diag_format)
{
    const char *src = "schema User {\n  name: { type: String, requried: true },\n}\n";
    ck_assert_ptr_null(bsg_schema_compile(src, strlen(src), "models/user.bsg", NULL, &D));
    const char *want = "models/user.bsg:2:25: error: unknown option `requried`\n"
                       "      name: { type: String, requried: true },\n"
                       "                            ^\n"
                       "hint: did you mean `required`?";
    char buf[1024];
    size_t n = bsg_diag_format(&D, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(n, strlen(want));
    /* snprintf-like: the needed length even when it does not fit. */
    char small[16];
    ck_assert_uint_eq(bsg_diag_format(&D, "error", small, sizeof small), strlen(want));
    ck_assert_str_eq(small, "models/user.bsg");
    ck_assert_uint_eq(bsg_diag_format(&D, "error", NULL, 0), strlen(want));

    /* A lint rendered as a warning. */
    src = "schema T {\n  meta: { type: Object },\n}";
    compile_ok(src);
    ck_assert_uint_eq(bsg_schema_lint_count(S), 1);
    n = bsg_diag_format(bsg_schema_lint_at(S, 0), "warning", buf, sizeof buf);
    ck_assert_str_eq(buf,
                     "t.bsg:2:17: warning: `meta` is Mixed (spelt `Object`): any value is "
                     "accepted and nothing inside it is checked\n"
                     "      meta: { type: Object },\n"
                     "                    ^\n"
                     "hint: validators do not reach inside Mixed; remove it or declare the "
                     "shape");
    ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

START_TEST(test_compile_file)
{
    /* A missing file: line 0, the OS error, the path as file. */
    ck_assert_ptr_null(bsg_schema_compile_file("/nonexistent/dir/app.bsg", NULL, &D));
    ck_assert_str_eq(D.file, "/nonexistent/dir/app.bsg");
    ck_assert_str_eq(D.code, "io");
    ck_assert_str_eq(D.message, "No such file or directory");
    ck_assert_uint_eq(D.line, 0);
    ck_assert_uint_eq(D.column, 0);
    ck_assert_str_eq(D.hint, "");
    char buf[512];
    bsg_diag_format(&D, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "/nonexistent/dir/app.bsg: error: No such file or directory");

    /* A directory. */
    ck_assert_ptr_null(bsg_schema_compile_file("/", NULL, &D));
    ck_assert_str_eq(D.code, "io");
    ck_assert_str_eq(D.message, "is a directory");
    ck_assert_uint_eq(D.line, 0);

    ck_assert_ptr_null(bsg_schema_compile_file(NULL, NULL, &D));
    ck_assert_str_eq(D.code, "io");
    ck_assert_ptr_null(bsg_schema_compile_file("/nonexistent", NULL, NULL));

    /* A real file: compiled with its path as the source name. */
    char path[] = "/tmp/bsg-test-compile-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "schema A {\n  meta: {},\n  n: Number,\n}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    bsg_schema *s = bsg_schema_compile_file(path, REG, &D);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(bsg_schema_model_count(s), 1);
    ck_assert_uint_eq(bsg_schema_lint_count(s), 1);
    ck_assert_str_eq(bsg_schema_lint_at(s, 0)->file, path);
    ck_assert_uint_eq(bsg_schema_lint_at(s, 0)->line, 2);
    bsg_schema_free(s);

    /* A file with an error: the diagnostic names the file. */
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    text = "schema A {\n  n: Numbr,\n}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    ck_assert_ptr_null(bsg_schema_compile_file(path, REG, &D));
    ck_assert_str_eq(D.file, path);
    ck_assert_str_eq(D.code, "unknown-type");
    ck_assert_uint_eq(D.line, 2);
    ck_assert_uint_eq(D.column, 6);
    ck_assert_str_eq(D.hint, "did you mean `Number`?");
    unlink(path);
}
END_TEST

/* MARK: - 6. Lints */

typedef struct finding {
    const char *code;
    uint32_t line, column;
    const char *message; /* a substring; NULL to skip */
} finding;

typedef struct lint_row {
    const char *src;
    size_t count;
    finding f[4];
} lint_row;

static const lint_row lint_rows[] = {
    /* validators Mongoose ignores on an array path */
    {"schema T {\n  x: { type: [String], maxlength: 3 },\n}", 1,
     {{"array-option-ignored", 2, 24, "`maxlength` on the array path `x` is ignored"}}},
    {"schema T {\n  x: { type: [Number], min: 0, enum: [1] },\n}", 1,
     {{"array-option-ignored", 2, 24, "`min` on the array path `x` is ignored"}}},
    /* Mixed, however spelled */
    {"schema T {\n  x: Object,\n}", 1, {{"mixed-path", 2, 6, "`x` is Mixed (spelt `Object`)"}}},
    {"schema T {\n  x: {},\n}", 1, {{"mixed-path", 2, 6, "`x` is Mixed (spelt `{}`)"}}},
    {"schema T {\n  x: Mixed,\n}", 1, {{"mixed-path", 2, 6, "`x` is Mixed (spelt `Mixed`)"}}},
    {"schema T {\n  x: Schema.Types.Mixed,\n}", 1,
     {{"mixed-path", 2, 6, "(spelt `Schema.Types.Mixed`)"}}},
    {"schema T {\n  x: MongooseSchema.Types.Mixed,\n}", 1,
     {{"mixed-path", 2, 6, "(spelt `MongooseSchema.Types.Mixed`)"}}},
    {"schema T {\n  x: { type: 'mixed' },\n}", 1, {{"mixed-path", 2, 14, "(spelt 'mixed')"}}},
    {"schema T {\n  x: { type: 'object' },\n}", 1, {{"mixed-path", 2, 14, "(spelt 'object')"}}},
    {"schema T {\n  x: { type: {} },\n}", 1, {{"mixed-path", 2, 14, "(spelt `{}`)"}}},
    {"schema T {\n  x: [],\n}", 1, {{"mixed-path", 2, 6, "`x` is an array of Mixed"}}},
    {"schema T {\n  x: [Object],\n}", 1, {{"mixed-path", 2, 7, "`x.$` is Mixed"}}},
    {"schema T {\n  n: { x: Mixed },\n}", 1, {{"mixed-path", 2, 11, "`n.x` is Mixed"}}},
    {"schema T {\n  d: [{ x: {} }],\n}", 1, {{"mixed-path", 2, 12, "`d.$.x` is Mixed"}}},
    {"schema T {\n  m: { type: Map, of: Object },\n}", 1, {{"mixed-path", 2, 23, "`m.$*` is Mixed"}}},
    /* `{}` defaults under minimize */
    {"schema T {\n  x: { type: Object, default: {} },\n}", 2,
     {{"mixed-path", 2, 14, NULL},
      {"minimize-default", 2, 31, "the `{}` default of `x` is never stored"}}},
    {"schema T {\n  x: { type: Schema.Types.Mixed, default: {} },\n}", 2,
     {{"mixed-path", 2, 14, NULL}, {"minimize-default", 2, 43, NULL}}},
    {"schema T {\n  x: { type: Map, of: Number, default: {} },\n}", 1,
     {{"minimize-default", 2, 40, NULL}}},
    {"schema T {\n  x: { type: Object, default: {} },\n} with { minimize: false }", 1,
     {{"mixed-path", 2, 14, NULL}}},
    {"schema T {\n  x: { type: Map, of: Number, default: {} },\n} with { minimize: false }", 0,
     {{NULL, 0, 0, NULL}}},
    {"schema T {\n  x: { type: Object, default: { a: 1 } },\n}", 1,
     {{"mixed-path", 2, 14, NULL}}},
    /* NestJS's rewrite of bson classes into Mixed */
    {"schema T {\n  x: Types.ObjectId,\n}", 1,
     {{"nest-mixed", 2, 6, "`x` spells `type: Types.ObjectId`, the bson class"}}},
    {"schema T {\n  x: { type: mongoose.Types.Decimal128 },\n}", 1,
     {{"nest-mixed", 2, 14, "`type: mongoose.Types.Decimal128`"}}},
    {"schema T {\n  x: [Types.UUID],\n}", 1, {{"nest-mixed", 2, 7, "`x.$` spells"}}},
    {"schema T {\n  x: { type: Array },\n}", 1,
     {{"nest-mixed", 2, 14, "`x` spells `type: Array`: NestJS's @Prop turns it into Mixed"}}},
    {"schema T {\n  x: Array,\n}", 1, {{"nest-mixed", 2, 6, "`x` spells `type: Array`"}}},
    {"schema T {\n  x: { type: Array, of: Number },\n}", 1, {{"nest-mixed", 2, 14, NULL}}},
    {"schema T {\n  x: { type: Schema.Types.Array, of: Number },\n}", 0, {{NULL, 0, 0, NULL}}},
    {"schema T {\n  x: Schema.Types.ObjectId,\n  y: mongoose.Schema.Types.UUID,\n"
     "  z: MongooseSchema.Types.Decimal128,\n}",
     0, {{NULL, 0, 0, NULL}}},
    /* a field named `type` swallowed by the type key */
    {"schema T {\n  asset: { type: String, value: Number },\n}", 1,
     {{"type-key-field", 2, 26,
       "`asset` has a `type` key, so Mongoose reads it as a String path and ignores `value`"}}},
    {"schema T {\n  asset: { type: String, meta: { a: String } },\n}", 1,
     {{"type-key-field", 2, 26, NULL}}},
    {"schema T {\n  asset: { type: { type: String }, value: Number },\n}", 0,
     {{NULL, 0, 0, NULL}}},
    /* `of` on a type that ignores it */
    {"schema T {\n  x: { type: String, of: Number },\n}", 1,
     {{"of-ignored", 2, 22, "`of` on `x` is ignored: it is a String path"}}},
    /* Date bounds of 0 */
    {"schema T {\n  x: { type: Date, min: 0 },\n}", 1,
     {{"date-bound-zero", 2, 25, "`min` of `x` is 0, which Mongoose ignores"}}},
    {"schema T {\n  x: { type: Date, max: [0, 'm'] },\n}", 1,
     {{"date-bound-zero", 2, 26, "`max` of `x` is 0"}}},
    {"schema T {\n  x: { type: Number, min: 0 },\n}", 0, {{NULL, 0, 0, NULL}}},
    /* unique is not a validator */
    {"schema T {\n  x: { type: String, unique: true },\n}", 1,
     {{"unique-not-validator", 2, 22, "`unique` on `x` builds a unique index"}}},
    /* an enum default outside the enum */
    {"schema T {\n  x: { type: String, enum: ['a', 'b'], default: 'c' },\n}", 1,
     {{"enum-default", 2, 49, "the default of `x` is not one of its enum values"}}},
    {"schema T {\n  x: { type: String, default: 'c', enum: { values: ['a'], message: 'm' } },\n}",
     1, {{"enum-default", 2, 31, NULL}}},
    {"schema T {\n  x: { type: Number, enum: [1, 2], default: 3 },\n}", 1,
     {{"enum-default", 2, 45, NULL}}},
    {"schema T {\n  x: { type: String, enum: { A: 'a' }, default: 'A' },\n}", 1,
     {{"enum-default", 2, 49, NULL}}},
    {"schema T {\n  x: { type: String, enum: ['a', 'b'], default: 'b' },\n}", 0,
     {{NULL, 0, 0, NULL}}},
    {"schema T {\n  x: { type: Number, enum: [1, 2], default: 2 },\n}", 0,
     {{NULL, 0, 0, NULL}}},
    /* several findings, in source order */
    {"schema T {\n  a: Object,\n  b: { type: String, unique: true },\n  c: Types.ObjectId,\n}", 3,
     {{"mixed-path", 2, 6, NULL},
      {"unique-not-validator", 3, 22, NULL},
      {"nest-mixed", 4, 6, NULL}}},
};

static void check_findings(const char *src, size_t count, const finding *f)
{
    size_t n = bsg_schema_lint_count(S);
    char all[2048] = "";
    for (size_t i = 0; i < n; i++) {
        const bsg_diag *d = bsg_schema_lint_at(S, i);
        size_t used = strlen(all);
        snprintf(all + used, sizeof all - used, "\n  %u:%u %s: %s", d->line, d->column, d->code,
                 d->message);
    }
    ck_assert_msg(n == count, "%s\n  want %zu findings, got %zu:%s", src, count, n, all);
    for (size_t i = 0; i < count; i++) {
        const bsg_diag *d = bsg_schema_lint_at(S, i);
        ck_assert_ptr_nonnull(d);
        ck_assert_msg(strcmp(d->code, f[i].code) == 0 && d->line == f[i].line &&
                          d->column == f[i].column,
                      "%s\n  finding %zu: want %u:%u %s, got:%s", src, i, f[i].line,
                      f[i].column, f[i].code, all);
        if (f[i].message)
            ck_assert_msg(strstr(d->message, f[i].message) != NULL,
                          "%s\n  finding %zu: want ~%s, got %s", src, i, f[i].message,
                          d->message);
        ck_assert_str_eq(d->file, "t.bsg");
        ck_assert_msg(d->hint[0] != '\0', "%s: finding %zu has no hint", src, i);
    }
}

START_TEST(test_lint)
{
    compile_ok(lint_rows[_i].src);
    check_findings(lint_rows[_i].src, lint_rows[_i].count, lint_rows[_i].f);
}
END_TEST

START_TEST(test_lint_hints)
{
    compile_ok("schema T {\n  x: Types.ObjectId,\n  asset: { type: String, value: Number },\n"
               "  d: { type: Date, min: 0 },\n  u: { type: String, unique: true },\n"
               "  s: { type: String, of: Number },\n  e: { type: String, enum: ['a'], default: 'b' },\n"
               "  m: { type: Object, default: {} },\n}");
    static const char *const hints[] = {
        "write `Schema.Types.ObjectId`",
        "to declare a field named `type`, write `type: { type: … }` (or set `typeKey` in `with { }`)",
        "write a real bound, e.g. '1970-01-01T00:00:00.001Z', or remove it",
        "keep it for the index, and handle duplicate-key errors (11000) from MongoDB",
        "remove `of`, or make the path a Map or an array",
        "add it to the enum or change the default",
        "validators do not reach inside Mixed; remove it or declare the shape",
        "set `minimize: false` in `with { }`, or make every reader handle a missing field",
    };
    ck_assert_uint_eq(bsg_schema_lint_count(S), ROWS(hints));
    for (int i = 0; i < ROWS(hints); i++)
        ck_assert_str_eq(bsg_schema_lint_at(S, (size_t)i)->hint, hints[i]);
    ck_assert_ptr_null(bsg_schema_lint_at(S, ROWS(hints)));
}
END_TEST

/* The DESIGN.md example: its only hazards are the Mixed metadata and its
   `{}` default; after fixing them the file is clean. */
/* The bundled example (DESIGN.md §3), read from examples/ (tests run in tests/). */
static char *read_example(void)
{
    FILE *f = fopen("../examples/conversation.bsg", "rb");
    ck_assert_msg(f != NULL, "cannot open ../examples/conversation.bsg");
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

START_TEST(test_design_example)
{
    compile_ok(read_example());
    ck_assert_uint_eq(bsg_schema_model_count(S), 3);
    assert_shape("design", "Conversation", "",
                 "Conversation{_id:ObjectId, participants:[ObjectId](required), "
                 "title:String(maxlength 200), "
                 "status:String(enum \"active\"|\"archived\"|\"deleted\"), metadata:Mixed, "
                 "settings:{muted:Boolean, theme:String(enum \"light\"|\"dark\")}, "
                 "messages:[Message], counters:Map<Number>, createdAt:Date, updatedAt:Date, "
                 "__v:Number}");
    assert_shape("design", "Conversation", "messages.$",
                 "Message{_id:ObjectId, sender:ObjectId(required), "
                 "body:String(required \"a message needs a body\", maxlength 4000), "
                 "sentAt:Date, readBy:[ObjectId], attachments:[Attachment]}");
    assert_shape("design", "Message", "attachments.$",
                 "Attachment{url:String(required, match /^https?:\\/\\//), "
                 "size:Number(min 0), mime:String}");
    ck_assert_uint_eq(node(model_root("Conversation"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(path_node("Conversation", "settings"))->strict, BSG_STRICT_THROW);
    ck_assert_uint_eq(node(path_node("Conversation", "messages.$"))->strict, BSG_STRICT_TRUE);
    static const finding f[] = {
        {"mixed-path", 22, 21, "`metadata` is Mixed (spelt `MongooseSchema.Types.Mixed`)"},
        {"minimize-default", 22, 58, "the `{}` default of `metadata` is never stored"},
    };
    check_findings("design", ROWS(f), f);
}
END_TEST

START_TEST(test_clean_schema)
{
    const char *src =
        "schema Order {\n"
        "  customer: { type: Schema.Types.ObjectId, ref: 'Customer', required: true, index: true },\n"
        "  lines: [{ sku: { type: String, match: /^[A-Z0-9-]+$/ }, qty: { type: Number, min: 1 } }],\n"
        "  total: { type: Decimal128, required: true },\n"
        "  status: { type: String, enum: ['new', 'paid'], default: 'new' },\n"
        "  placed: { type: Date, min: '2020-01-01', default: Date.now },\n"
        "  tags: { type: Map, of: String },\n"
        "  notes: { type: { type: String }, by: String },\n"
        "  id: { type: UUID },\n"
        "  blob: Buffer,\n"
        "  big: BigInt,\n"
        "  score: Double,\n"
        "  flags: [Boolean],\n"
        "} with { timestamps: true, strict: 'throw', minimize: false }\n";
    compile_ok(src);
    check_findings(src, 0, NULL);
}
END_TEST

/* MARK: - Known bugs (not added to the suite; see the report) */

/* Options on a path whose type is a declared schema belong to that path,
   not to the schema's shared embedded node. */
START_TEST(bug_options_on_declared_type_leak)
{
    const char *src = "schema A { b1: { type: B, required: true }, b2: B, bs: [B] }\n"
                      "schema B { x: String }\n"
                      "schema C { b: B }";
    compile_ok(src);
    assert_shape(src, "A", "", "A{_id:ObjectId, b1:B(required), b2:B, bs:[B], __v:Number}");
    assert_shape(src, "C", "", "C{_id:ObjectId, b:B, __v:Number}");
}
END_TEST

/* `required: { isRequired, message }` is one of Mongoose's forms
   (mongoose-semantics.md b.1); DESIGN.md §3 accepts every form. */
START_TEST(bug_required_object_form)
{
    check_x("{ type: String, required: { isRequired: true, message: 'need it' } }",
            "String(required \"need it\")");
}
END_TEST

/* A Date bound is installed when it is truthy (b.1): '1970-01-01' is a
   truthy string, so the bound (epoch 0) applies and nothing is linted. */
START_TEST(bug_date_bound_epoch_string)
{
    check_x("{ type: Date, min: '1970-01-01' }", "Date(min date 0)");
    ck_assert_uint_eq(bsg_schema_lint_count(S), 0);
    check_x("{ type: Date, max: '1970-01-01T00:00:00Z' }", "Date(max date 0)");
    ck_assert_uint_eq(bsg_schema_lint_count(S), 0);
}
END_TEST

/* Number enum values are cast to Number when the schema is built (b.1). */
START_TEST(bug_number_enum_strings)
{
    check_x("{ type: Number, enum: ['1', 2] }", "Number(enum 1|2)");
}
END_TEST

/* One source location, one finding: a declared schema compiled as a model
   and again as an embedded type (or as a discriminator's base) must not
   report its hazards twice. */
static const char *const duplicate_lint_srcs[] = {
    "schema A {\n  m: Object,\n}\nschema B {\n  a: A,\n}",
    "schema A {\n  m: Object,\n}\nschema B extends A {\n  b: String,\n}",
};

START_TEST(bug_duplicate_lints)
{
    compile_ok(duplicate_lint_srcs[_i]);
    static const finding f[] = {{"mixed-path", 2, 6, NULL}};
    check_findings(duplicate_lint_srcs[_i], 1, f);
}
END_TEST

/* A repeated option key: JavaScript keeps the last value; a repeated field
   is an error here, so either an error at the second key or last-wins. */
START_TEST(bug_duplicate_option_key)
{
    const char *src = "schema T {\n  s: { type: String, required: true, required: false },\n}";
    if (compile_text(src) == NULL) {
        ck_assert_uint_eq(D.line, 2);
        ck_assert_uint_eq(D.column, 38);
    } else {
        ck_assert_str_eq(path_shape("T", "s"), "String");
    }
}
END_TEST

/* `enum: []` installs no validator in Mongoose (SchemaString.enum returns
   early when given no values; probed on 9.12.1); an empty list here
   rejects every non-null value. `{ values: [] }` does install one. */
START_TEST(bug_empty_enum)
{
    check_x(_i ? "{ type: Number, enum: [] }" : "{ type: String, enum: [] }",
            _i ? "Number" : "String");
}
END_TEST

/* `_id: true` inside a definition is a type in Mongoose, and an invalid one
   ("`True` is not a valid type at path `_id`"): it must not compile. */
START_TEST(bug_id_true_in_definition)
{
    ck_assert_msg(compile_text("schema T {\n  d: [{ a: String, _id: true }],\n}") == NULL,
                  "compiled to %s", path_shape("T", "d"));
    ck_assert_uint_eq(D.line, 2);
    ck_assert_uint_eq(D.column, 25); /* the value, as for other non-types */
}
END_TEST

/* DESIGN.md §3 names types by `X.Types.Name`; Mongoose's `Schema` itself has
   only `Types` and `ObjectId`, so `Schema.String` is undefined there. */
START_TEST(bug_schema_prefix_names)
{
    ck_assert_msg(compile_text("schema T {\n  s: Schema.String,\n}") == NULL,
                  "`Schema.String` compiled to %s", path_shape("T", "s"));
    ck_assert_str_eq(D.code, "unknown-type");
    ck_assert_uint_eq(D.line, 2);
    ck_assert_uint_eq(D.column, 6);
}
END_TEST

/* A POJO member of a Union is Mixed in Mongoose 9.12.1 (probed:
   `schemaTypes` = SchemaDate, SchemaMixed), not a nested object. */
/* Found by fuzzing: the `min > max` message read the string pool after
   formatting the bound had moved it. Pad the pool by different amounts so
   that the move happens at that moment in some of these runs (ASan sees it). */
START_TEST(bug_min_max_message_after_pool_move)
{
    for (int pad = 0; pad < 96; pad++) {
        char src[4096];
        int n = snprintf(src, sizeof src, "schema T {\n");
        for (int i = 0; i < pad; i++)
            n += snprintf(src + n, sizeof src - (size_t)n, "  f%d: String,\n", i);
        snprintf(src + n, sizeof src - (size_t)n,
                 "  d: { type: Date, min: '4040-01-01', max: '2030-12-31T23:59:59Z' },\n}");
        ck_assert_ptr_null(compile_text(src));
        ck_assert_str_eq(D.code, "min-greater-than-max");
        ck_assert_ptr_nonnull(strstr(D.message, "`min` ("));
    }
}
END_TEST

START_TEST(bug_union_pojo_member)
{
    check_x("{ type: Schema.Types.Union, of: [Date, { a: Number }] }", "Union<Date|Mixed>");
}
END_TEST

/* MARK: - Known gaps (lints of the list not detected yet) */

/* An array or Map without an element type holds Mixed ("Mixed paths however
   spelled"): `[]` and `[Object]` get `mixed-path`, and `Array` gets
   `nest-mixed`, but these spellings get no finding at all. */
START_TEST(gap_mixed_container)
{
    static const char *const defs[] = {"Schema.Types.Array", "{ type: 'array' }", "Map",
                                       "{ type: Map }", "{ type: 'map' }"};
    for (int i = 0; i < ROWS(defs); i++) {
        char src[128];
        snprintf(src, sizeof src, "schema T { x: %s }", defs[i]);
        compile_ok(src);
        bool found = false;
        for (size_t j = 0; j < bsg_schema_lint_count(S); j++)
            found = found || strcmp(bsg_schema_lint_at(S, j)->code, "mixed-path") == 0;
        ck_assert_msg(found, "no mixed-path finding for `%s`", src);
    }
}
END_TEST

/* MARK: - Suite */

static Suite *compile_suite(void)
{
    Suite *s = suite_create("compile");

    TCase *types = tcase_create("types");
    tcase_add_checked_fixture(types, setup, teardown);
    tcase_add_loop_test(types, test_type_bare, 0, ROWS(type_rows));
    tcase_add_loop_test(types, test_type_key, 0, ROWS(type_rows));
    tcase_add_loop_test(types, test_type_prefixes, 0, ROWS(prefixes));
    tcase_add_test(types, test_type_schema_objectid);
    tcase_add_loop_test(types, test_type_string_form, 0, ROWS(string_rows));
    tcase_add_test(types, test_type_union);
    suite_add_tcase(s, types);

    TCase *shapes = tcase_create("shapes");
    tcase_add_checked_fixture(shapes, setup, teardown);
    tcase_add_loop_test(shapes, test_shape, 0, ROWS(shape_rows));
    tcase_add_test(shapes, test_type_key_option);
    tcase_add_test(shapes, test_explicit_id);
    suite_add_tcase(s, shapes);

    TCase *schemas = tcase_create("schemas");
    tcase_add_checked_fixture(schemas, setup, teardown);
    tcase_add_test(schemas, test_declared_reference);
    tcase_add_test(schemas, test_recursion);
    tcase_add_test(schemas, test_discriminators);
    tcase_add_loop_test(schemas, test_implicit_paths, 0, ROWS(implicit_rows));
    tcase_add_test(schemas, test_strict);
    tcase_add_test(schemas, test_models_api);
    suite_add_tcase(s, schemas);

    TCase *validators = tcase_create("validators");
    tcase_add_checked_fixture(validators, setup, teardown);
    tcase_add_loop_test(validators, test_validator, 0, ROWS(validator_rows));
    tcase_add_loop_test(validators, test_ignored_options, 0, ROWS(ignored_rows));
    suite_add_tcase(s, validators);

    TCase *diagnostics = tcase_create("diagnostics");
    tcase_add_checked_fixture(diagnostics, setup, teardown);
    tcase_add_loop_test(diagnostics, test_diagnostic, 0, ROWS(diag_rows));
    tcase_add_test(diagnostics, test_null_source);
    tcase_add_test(diagnostics, test_validate_without_registry);
    tcase_add_test(diagnostics, test_diag_format);
    tcase_add_test(diagnostics, test_compile_file);
    suite_add_tcase(s, diagnostics);

    TCase *lints = tcase_create("lints");
    tcase_add_checked_fixture(lints, setup, teardown);
    tcase_add_loop_test(lints, test_lint, 0, ROWS(lint_rows));
    tcase_add_test(lints, test_lint_hints);
    tcase_add_test(lints, test_design_example);
    tcase_add_test(lints, test_clean_schema);
    suite_add_tcase(s, lints);

    /* Regressions: bugs found by these tests, since fixed. */
    TCase *known_bugs = tcase_create("regressions");
    tcase_add_checked_fixture(known_bugs, setup, teardown);
    tcase_add_test(known_bugs, bug_options_on_declared_type_leak);
    tcase_add_test(known_bugs, bug_required_object_form);
    tcase_add_test(known_bugs, bug_date_bound_epoch_string);
    tcase_add_test(known_bugs, bug_number_enum_strings);
    tcase_add_loop_test(known_bugs, bug_duplicate_lints, 0, ROWS(duplicate_lint_srcs));
    tcase_add_test(known_bugs, bug_duplicate_option_key);
    tcase_add_loop_test(known_bugs, bug_empty_enum, 0, 2);
    tcase_add_test(known_bugs, bug_id_true_in_definition);
    tcase_add_test(known_bugs, bug_schema_prefix_names);
    tcase_add_test(known_bugs, bug_union_pojo_member);
    tcase_add_test(known_bugs, bug_min_max_message_after_pool_move);
    suite_add_tcase(s, known_bugs);

    TCase *known_gaps = tcase_create("lint_gaps");
    tcase_add_checked_fixture(known_gaps, setup, teardown);
    tcase_add_test(known_gaps, gap_mixed_container);
    suite_add_tcase(s, known_gaps);
    return s;
}

int main(void)
{
    return util_run_suite(compile_suite());
}
