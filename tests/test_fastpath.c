/*
 * The walk's fast paths (lib/fastpath.c) against the full checks: every
 * schema here is compiled twice, once as planned and once with every fast
 * and quick mask cleared, so that each value takes check_value(). For every
 * value around every bound, at a field, in an array and in a Map, the two
 * must report the same errors with the same messages.
 */
#include "util.h"

#include "../lib/schema.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Path declarations; each is used as `x`, as `xs: [decl]` and as a Map's `of`. */
static const char *const DECLS[] = {
    "String",
    "{ type: String, required: true }",
    "{ type: String, maxlength: 3 }",
    "{ type: String, minlength: 3 }",
    "{ type: String, minlength: 2, maxlength: 4, required: true }",
    ("{ type: String, enum: ['a', 'bb', 'click', 'page_view', 'purchase', 'eight888', "
     "'a-long-enum-value'] }"),
    "{ type: String, enum: ['x', 'é'], maxlength: 1 }",
    "{ type: String, enum: { values: ['on', 'off'], message: 'no {VALUE}' }, minlength: 2 }",
    "Number",
    "{ type: Number, required: true }",
    "{ type: Number, min: 0 }",
    "{ type: Number, min: -1.5, max: 10 }",
    "{ type: Number, max: [5, 'too big: {VALUE}'] }",
    "Double",
    "{ type: Number, min: -1e308, max: 9007199254740993 }",
    "Int32",
    "BigInt",
    "Date",
    "{ type: Date, required: true }",
    "{ type: Date, min: '2020-01-01' }",
    "{ type: Date, min: '1960-01-01', max: '2030-12-31T23:59:59.999Z' }",
    "{ type: Date, max: Date.now }",
    "{ type: Boolean, required: true }",
    "ObjectId",
    "Decimal128",
    "{ type: String, match: /^a/ }",
    "{ type: String, match: /^https?:\\/\\//, maxlength: 12 }",
    "{ type: String, match: [/^ab?c/, 'not abc: {VALUE}'], required: true }",
    "{ type: String, validate: /^click/ }",
    "{ type: String, match: /^a/, enum: ['a', 'ab', 'b'] }",
    "{ type: String, match: /^a/i }",
    "Mixed",
    "[String]",
    "{ type: [Number], validate: /1/ }",
};

/* Extended JSON values: every bound, either side of it, and other types. */
static const char *const VALUES[] = {
    "\"\"", "\"a\"", "\"ab\"", "\"abc\"", "\"abcd\"", "\"abcdefghi\"", "\"abcdefghij\"",
    "\"é\"", "\"éé\"", "\"ééé\"", "\"éééé\"", "\"€€€\"", "\"😀\"", "\"😀😀\"", "\"a😀\"",
    "\"bb\"", "\"click\"", "\"page_view\"", "\"page_vie\"", "\"purchase\"", "\"purchasE\"",
    "\"eight888\"", "\"a-long-enum-value\"", "\"a-long-enum-valuE\"", "\"x\"", "\"on\"",
    "\"off\"", "\"of\"", "\"https://\"", "\"https://x.io/a\"", "\"http://x.io/a\"",
    "\"https:/\"", "\"httpsx//\"", "\"https://x.io/abcd\"", "\"ac\"", "\"abc\"", "\"Abc\"",
    "{\"$numberInt\": \"0\"}", "{\"$numberInt\": \"-1\"}", "{\"$numberInt\": \"1\"}",
    "{\"$numberInt\": \"5\"}", "{\"$numberInt\": \"6\"}", "{\"$numberInt\": \"10\"}",
    "{\"$numberInt\": \"11\"}", "{\"$numberInt\": \"100\"}", "{\"$numberInt\": \"101\"}",
    "{\"$numberInt\": \"-2147483648\"}",
    "{\"$numberLong\": \"0\"}", "{\"$numberLong\": \"-2\"}", "{\"$numberLong\": \"10\"}",
    "{\"$numberLong\": \"9007199254740993\"}", "{\"$numberLong\": \"9007199254740995\"}",
    "{\"$numberLong\": \"9223372036854775807\"}",
    "{\"$numberLong\": \"-9223372036854775808\"}",
    "{\"$numberDouble\": \"0.0\"}", "{\"$numberDouble\": \"-0.0\"}",
    "{\"$numberDouble\": \"-1.5\"}", "{\"$numberDouble\": \"-1.50001\"}",
    "{\"$numberDouble\": \"10.0\"}", "{\"$numberDouble\": \"10.000001\"}",
    "{\"$numberDouble\": \"5.5\"}", "{\"$numberDouble\": \"NaN\"}",
    "{\"$numberDouble\": \"Infinity\"}", "{\"$numberDouble\": \"-Infinity\"}",
    "{\"$numberDecimal\": \"1.5\"}",
    "{\"$date\": {\"$numberLong\": \"0\"}}",
    "{\"$date\": {\"$numberLong\": \"1577836800000\"}}",
    "{\"$date\": {\"$numberLong\": \"1577836799999\"}}",
    "{\"$date\": {\"$numberLong\": \"-315619200000\"}}",
    "{\"$date\": {\"$numberLong\": \"-315619200001\"}}",
    "{\"$date\": {\"$numberLong\": \"1924991999999\"}}",
    "{\"$date\": {\"$numberLong\": \"1924992000000\"}}",
    "{\"$date\": {\"$numberLong\": \"8640000000000000\"}}",
    "{\"$date\": {\"$numberLong\": \"8640000000000001\"}}",
    "{\"$date\": {\"$numberLong\": \"-8640000000000000\"}}",
    "{\"$date\": {\"$numberLong\": \"-8640000000000001\"}}",
    "{\"$date\": {\"$numberLong\": \"9223372036854775807\"}}",
    "{\"$date\": {\"$numberLong\": \"4102444800000\"}}",
    "true", "false", "null", "{\"$oid\": \"5f0c7e0e1c9d440000a1b2c3\"}",
    "{\"$binary\": {\"base64\": \"AAAA\", \"subType\": \"00\"}}",
    "{}", "[]", "[1]", "{\"$minKey\": 1}", "{\"$undefined\": true}",
    "{\"$regularExpression\": {\"pattern\": \"a\", \"options\": \"\"}}",
};

/* Clear every fast path: each value then takes check_value(). */
static void clear_fast_paths(bsg_schema *s)
{
    for (size_t i = 0; i < s->nnodes; i++) {
        s->nodes[i].fast = s->nodes[i].quick = 0;
        s->nodes[i].descend = 0;
    }
    for (size_t i = 0; i < s->nfields; i++)
        s->fields[i].fast = s->fields[i].quick = 0;
}

START_TEST(fast_paths_agree_with_full_checks)
{
    char schema[1536], json[512], fast[4096], full[4096];
    size_t compared = 0, invalid = 0;
    const char *decl = DECLS[_i];
    /* T holds the declaration at every kind of place; U as a top-level
       `_id`, where MongoDB's own rules apply too. */
    snprintf(schema, sizeof schema,
             "schema T { x: %s, xs: [%s], m: { type: Map, of: %s }, "
             "n: { y: %s } } with { _id: false, versionKey: false }\n"
             "schema U { _id: %s, x: %s } with { versionKey: false }",
             decl, decl, decl, decl, decl, decl);
    bsg_schema *planned = util_compile(schema);
    bsg_schema *reference = util_compile(schema);
    clear_fast_paths(reference);
    bsg_result *r = bsg_result_new();
    for (size_t v = 0; v < COUNT(VALUES); v++) {
        const char *val = VALUES[v];
        snprintf(json, sizeof json,
                 "{\"x\": %s, \"xs\": [%s, %s], \"m\": {\"k\": %s}, \"n\": {\"y\": %s}}",
                 val, val, val, val, val);
        bson_t *b = util_json(json);
        snprintf(json, sizeof json, "{\"_id\": %s, \"x\": %s}", val, val);
        bson_t *u = util_json(json);
        /* Depth caps put containers just inside and just past the limit. */
        for (uint32_t depth = 0; depth <= 4; depth++) {
            bsg_options o;
            bsg_options_init(&o);
            o.max_depth = depth;
            for (int which = 0; which < 2; which++) {
                const char *model = which ? "U" : "T";
                const bson_t *doc = which ? u : b;
                util_validate(util_model(planned, model), doc, &o, r);
                util_messages(r, fast, sizeof fast);
                util_validate(util_model(reference, model), doc, &o, r);
                util_messages(r, full, sizeof full);
                ck_assert_msg(strcmp(fast, full) == 0,
                              "%s: %s\nvalue: %s\nmax depth: %u\nfast path: %s\nfull checks: %s",
                              model, decl, val, depth, fast, full);
                compared++;
                invalid += fast[0] != '\0';
            }
        }
        bson_destroy(u);
        bson_destroy(b);
    }
    /* Both verdicts occur for every declaration. */
    ck_assert_uint_gt(invalid, 0);
    ck_assert_uint_lt(invalid, compared);
    bsg_result_free(r);
    bsg_schema_free(reference);
    bsg_schema_free(planned);
}
END_TEST

/* The plan itself: what each declaration settles inline. */
#define bit(type) (UINT32_C(1) << (type))

START_TEST(planned_masks)
{
    const struct {
        const char *decl;
        uint32_t fast, quick;
    } cases[] = {
        /* Strings: free without validators; measured with them. */
        {"String", 0x04 | 0x400, 0},
        {"{ type: String, required: true }", 0x04, 0x04},
        {"{ type: String, maxlength: 3 }", 0x04 | 0x400, 0x04},
        /* A regex cannot be settled by a range. */
        {"{ type: String, match: /^[ab]/ }", 0x400, 0},
        /* ...but an anchored literal's full spelling is a prefix. */
        {"{ type: String, match: /^https?:\\/\\// }", 0x04 | 0x400, 0x04},
        {"{ type: String, match: /^a/, validate: /^ab/ }", 0, 0}, /* (the second regex tests "null") */
        /* Number: integers free, a double measured (it may be NaN). */
        {"Number", bit(0x10) | bit(0x12) | bit(0x0A) | bit(0x01), bit(0x01)},
        {"{ type: Number, min: 0 }", bit(0x10) | bit(0x12) | bit(0x0A) | bit(0x01),
         bit(0x10) | bit(0x12) | bit(0x01)},
        /* Double accepts NaN: free. */
        {"Double", bit(0x01) | bit(0x0A), 0},
        /* Dates are always measured (JavaScript's range). */
        {"Date", bit(0x09) | bit(0x0A), bit(0x09)},
        {"{ type: Date, max: Date.now }", bit(0x0A), 0},
        {"{ type: ObjectId, required: true }", bit(0x07), 0},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char schema[256];
        snprintf(schema, sizeof schema, "schema T { x: %s }", cases[i].decl);
        bsg_schema *s = util_compile(schema);
        const bsg__field *f = NULL;
        for (size_t k = 0; k < s->nfields; k++)
            if (strcmp(s->pool + s->fields[k].name, "x") == 0)
                f = &s->fields[k];
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(f->fast == cases[i].fast && f->quick == cases[i].quick,
                      "%s: fast %#x quick %#x, expected %#x %#x", cases[i].decl, f->fast,
                      f->quick, cases[i].fast, cases[i].quick);
        bsg_schema_free(s);
    }
}
END_TEST

/* String enums are hash tables (lib/enumset.c): every value is found and
   every near miss is not, whatever its length, wherever it lies in the
   document (near its end the lookup reads byte by byte). */
START_TEST(string_enum_tables)
{
    enum { NVALUES = 120 };
    static char values[NVALUES][48];
    char *schema = malloc(NVALUES * 64 + 256);
    size_t used = (size_t)sprintf(schema, "schema E { e: { type: String, enum: [");
    for (int i = 0; i < NVALUES; i++) {
        /* Lengths 0 to 40, many values sharing long prefixes. */
        int len = i % 41;
        for (int k = 0; k < len; k++)
            values[i][k] = (char)(k < len - 2 ? 'p' : 'a' + (i * 7 + k) % 26);
        values[i][len] = '\0';
        if (i % 5 == 0 && len >= 3)
            values[i][len / 2] = (char)('0' + i % 10);
        used += (size_t)sprintf(schema + used, "%s'%.47s'", i ? ", " : "", values[i]);
    }
    /* one value listed twice */
    used += (size_t)sprintf(schema + used, ", '%.47s'] }, pad: String } with { _id: false, versionKey: false }",
                            values[7]);
    bsg_schema *sc = util_compile(schema);
    bsg_result *r = bsg_result_new();
    char json[256], got[512];
    for (int i = 0; i < NVALUES; i++) {
        for (int far = 0; far < 2; far++) {
            const char *pad = far ? ", \"pad\": \"0123456789abcdefghijklmnopqrstuvwxyz\"" : "";
            snprintf(json, sizeof json, "{\"e\": \"%.47s\"%s}", values[i], pad);
            bson_t *b = util_json(json);
            util_validate(util_model(sc, "E"), b, NULL, r);
            ck_assert_msg(util_errors(r, got, sizeof got)[0] == '\0', "%s: [%s]", json, got);
            bson_destroy(b);
            /* the value with one more byte, and with its last byte changed */
            char miss[2][64];
            snprintf(miss[0], sizeof miss[0], "%.47s~", values[i]);
            snprintf(miss[1], sizeof miss[1], "%.47s", values[i]);
            size_t len = strlen(miss[1]);
            if (len)
                miss[1][len - 1] = '~';
            for (int m = 0; m < (len ? 2 : 1); m++) {
                snprintf(json, sizeof json, "{\"e\": \"%.63s\"%s}", miss[m], pad);
                b = util_json(json);
                util_validate(util_model(sc, "E"), b, NULL, r);
                ck_assert_msg(strcmp(util_errors(r, got, sizeof got), "e enum") == 0, "%s: [%s]",
                              json, got);
                bson_destroy(b);
            }
        }
    }
    bsg_result_free(r);
    bsg_schema_free(sc);
    free(schema);
}
END_TEST

/* Arrays of fixed-width values (lib/validate.c settles runs of them one
   compare per element): every length around the one-digit keys, with a
   wrong key, a wrong type or a cut value at every position, and every
   array cap, against the full checks. */
enum { MAX_ELEMS = 13 };

/* The document {xs: [...]} as bytes: n elements of `type` (width bytes
   each), element `odd` changed as `how` says (0: none, 1: its key is
   "00", 2: it is a string, 3: the array's length stops inside it). */
static size_t fixed_width_doc(uint8_t *out, uint8_t type, uint32_t width, uint32_t n,
                              uint32_t odd, int how)
{
    size_t at = 4, arr;
    out[at++] = 0x04;
    memcpy(out + at, "xs", 3);
    at += 3;
    arr = at;
    at += 4;
    size_t cut = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool changed = i == odd;
        out[at++] = changed && how == 2 ? 0x02 : type;
        at += (size_t)sprintf((char *)out + at, changed && how == 1 ? "00" : "%u", i) + 1;
        if (changed && how == 2) {
            memcpy(out + at, "\x02\0\0\0a", 6);
            at += 6;
            continue;
        }
        if (changed && how == 3)
            cut = at + width / 2;
        for (uint32_t k = 0; k < width; k++)
            out[at++] = (uint8_t)(0x11 * (k + 1) + i);
    }
    out[at++] = 0;
    uint32_t alen = (uint32_t)((cut ? cut + 1 : at) - arr);
    memcpy(out + arr, &alen, 4);
    out[at++] = 0;
    uint32_t dlen = (uint32_t)at;
    memcpy(out, &dlen, 4);
    return at;
}

START_TEST(fixed_width_arrays)
{
    static const struct {
        const char *decl;
        uint8_t type;
        uint32_t width;
    } cases[] = {
        {"ObjectId", 0x07, 12},          {"{ type: ObjectId, required: true }", 0x07, 12},
        {"Number", 0x10, 4},             {"Int32", 0x10, 4},
        {"{ type: Number, min: 0 }", 0x10, 4}, /* quick: not a run */
        {"Double", 0x01, 8},             {"Date", 0x09, 8},
        {"Decimal128", 0x13, 16},        {"Mixed", 0x0A, 0},
        {"String", 0x07, 12},            /* type errors at every element */
    };
    uint8_t doc[1024];
    char schema[256], fast[4096], full[4096];
    bsg_result *r = bsg_result_new();
    for (size_t c = 0; c < COUNT(cases); c++) {
        snprintf(schema, sizeof schema,
                 "schema T { xs: [%s] } with { _id: false, versionKey: false }", cases[c].decl);
        bsg_schema *planned = util_compile(schema);
        bsg_schema *reference = util_compile(schema);
        clear_fast_paths(reference);
        for (uint32_t n = 0; n <= MAX_ELEMS; n++)
            for (int how = 0; how < 4; how++)
                for (uint32_t odd = 0; odd < (how ? n : 1); odd++)
                    for (uint32_t cap = 0; cap <= MAX_ELEMS + 1; cap++) {
                        size_t len = fixed_width_doc(doc, cases[c].type, cases[c].width, n,
                                                     how ? odd : UINT32_MAX, how);
                        bsg_options o;
                        bsg_options_init(&o);
                        o.max_array_length = cap;
                        bsg_validate(util_model(planned, "T"), doc, len, &o, r);
                        util_messages(r, fast, sizeof fast);
                        bsg_validate(util_model(reference, "T"), doc, len, &o, r);
                        util_messages(r, full, sizeof full);
                        ck_assert_msg(strcmp(fast, full) == 0,
                                      "%s: %u elements, element %u changed (%d), cap %u\n"
                                      "fast path: %s\nfull checks: %s",
                                      cases[c].decl, n, odd, how, cap, fast, full);
                    }
        bsg_schema_free(reference);
        bsg_schema_free(planned);
    }
    bsg_result_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fastpath");
    TCase *tc = tcase_create("fastpath");
    tcase_add_loop_test(tc, fast_paths_agree_with_full_checks, 0, (int)COUNT(DECLS));
    tcase_add_test(tc, planned_masks);
    tcase_add_test(tc, string_enum_tables);
    tcase_add_test(tc, fixed_width_arrays);
    suite_add_tcase(s, tc);
    return util_run_suite(s);
}
