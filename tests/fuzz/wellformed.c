/*
 * The reference side of the well-formedness oracle (wellformed.h).
 *
 * It shares no code with bsonguard's reader: framing comes from libbson's
 * bson_iter (lengths, terminators, type bytes, boolean bytes, the inner
 * length of binary subtype 2, dbPointer and regex framing), UTF-8 from
 * bson_utf8_validate. libbson 1.23 has gaps the walk fills itself, each
 * found by this oracle or by mongodb-facts.md:
 *
 * - bson_validate is not used at all: it misses invalid UTF-8 in values and
 *   recurses without a depth limit (crash near 10 000 levels).
 * - bson_iter_next stops with err_off set on corrupt bytes, and returns
 *   false just as at a clean end: err_off tells the two apart.
 * - bson_iter_next does not check that a code-with-scope's code string ends
 *   in NUL: checked here.
 * - bson_utf8_validate(allow_null = true) accepts the overlong C0 80 (the
 *   "modified UTF-8" NUL). Strings may hold real NUL bytes, so each NUL-free
 *   run is checked with allow_null = false instead.
 * - Nested documents are entered through bson_iter_init_from_data, which
 *   checks their length (>= 5, as declared) and terminator.
 *
 * Depth follows bsonguard's contract (DESIGN.md §5.1): the document is level
 * 1, a container inside it level 2, and a container deeper than the cap is
 * reported but not entered, by either side. Beyond the cap only what frames
 * the container inside its parent is compared: its length (>= 5, within the
 * parent) and, for code-with-scope, the scope's last byte, which is also the
 * last byte of the framed value.
 *
 * Not compared: `_id` rules, `$` and empty or duplicate keys, and the 16 MiB
 * limit are MongoDB rules on well-formed documents, not well-formedness;
 * the oracle's inputs stay far below 16 MiB.
 */
#include "wellformed.h"

#include <bson/bson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref_walk {
    uint32_t max_depth;
    wf_verdict v;
} ref_walk;

static bool fail(ref_walk *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(ref_walk *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->v.why, sizeof r->v.why, fmt, ap);
    va_end(ap);
    r->v.malformed = true;
    return false;
}

/* UTF-8 that may hold NUL bytes (string, code, symbol and dbPointer values). */
static bool utf8_with_nuls(const char *s, size_t n)
{
    while (n > 0) {
        const char *z = memchr(s, 0, n);
        size_t run = z ? (size_t)(z - s) : n;
        if (!bson_utf8_validate(s, run, false))
            return false;
        run += z != NULL;
        s += run;
        n -= run;
    }
    return true;
}

uint64_t wf_path_hash(uint64_t h, const void *bytes, size_t len)
{
    const uint8_t *p = bytes;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001B3);
    return h;
}

/* The path of an element: its parent's, '.', then its key, or its position
   in an array (bsonguard names array elements by position, whatever keys
   they have). */
static uint64_t child_path(uint64_t parent, uint32_t level, bson_iter_t *it, bool in_array,
                           uint32_t index)
{
    uint64_t h = level > 1 ? wf_path_hash(parent, ".", 1) : parent;
    if (!in_array)
        return wf_path_hash(h, bson_iter_key(it), bson_iter_key_len(it));
    char digits[12];
    int n = snprintf(digits, sizeof digits, "%u", index);
    return wf_path_hash(h, digits, (size_t)n);
}

static bool walk(ref_walk *r, const uint8_t *data, size_t len, uint32_t level, bool array,
                 uint64_t path);

/* A nested document, array or scope at `level`, at `path`. */
static bool enter(ref_walk *r, const uint8_t *data, uint32_t len, uint32_t level, uint8_t type,
                  uint64_t path)
{
    bool is_scope = type == BSON_TYPE_CODEWSCOPE;
    if (level <= r->max_depth)
        return walk(r, data, len, level, type == BSON_TYPE_ARRAY, path);
    r->v.too_deep = true;
    if (r->v.ndeep < WF_MAX_DEEP)
        r->v.deep[r->v.ndeep] = path;
    r->v.ndeep++;
    if (len < 5)
        return fail(r, "nested length %u under 5", len);
    if (is_scope && data[len - 1] != 0)
        return fail(r, "code-with-scope scope not terminated");
    return true;
}

static bool element(ref_walk *r, bson_iter_t *it, uint32_t level, uint64_t path)
{
    uint32_t n = 0, scope_len = 0;
    const uint8_t *sub = NULL;
    const char *s, *opts;
    if (!bson_utf8_validate(bson_iter_key(it), bson_iter_key_len(it), false))
        return fail(r, "key at byte %u is not UTF-8", bson_iter_offset(it));
    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8:
        s = bson_iter_utf8(it, &n);
        return utf8_with_nuls(s, n) || fail(r, "string at byte %u is not UTF-8", bson_iter_offset(it));
    case BSON_TYPE_CODE:
        s = bson_iter_code(it, &n);
        return utf8_with_nuls(s, n) || fail(r, "code at byte %u is not UTF-8", bson_iter_offset(it));
    case BSON_TYPE_SYMBOL:
        s = bson_iter_symbol(it, &n);
        return utf8_with_nuls(s, n) || fail(r, "symbol at byte %u is not UTF-8", bson_iter_offset(it));
    case BSON_TYPE_DBPOINTER: {
        const bson_oid_t *oid;
        bson_iter_dbpointer(it, &n, &s, &oid);
        return utf8_with_nuls(s, n) ||
               fail(r, "dbPointer at byte %u is not UTF-8", bson_iter_offset(it));
    }
    case BSON_TYPE_REGEX:
        s = bson_iter_regex(it, &opts);
        return (bson_utf8_validate(s, strlen(s), false) &&
                bson_utf8_validate(opts, strlen(opts), false)) ||
               fail(r, "regex at byte %u is not UTF-8", bson_iter_offset(it));
    case BSON_TYPE_CODEWSCOPE:
        s = bson_iter_codewscope(it, &n, &scope_len, &sub);
        if (s[n] != 0) /* bson_iter_next does not check this NUL */
            return fail(r, "code-with-scope code at byte %u not terminated", bson_iter_offset(it));
        if (!utf8_with_nuls(s, n))
            return fail(r, "code-with-scope code at byte %u is not UTF-8", bson_iter_offset(it));
        return enter(r, sub, scope_len, level + 1, BSON_TYPE_CODEWSCOPE, path);
    case BSON_TYPE_DOCUMENT:
        bson_iter_document(it, &n, &sub);
        return enter(r, sub, n, level + 1, BSON_TYPE_DOCUMENT, path);
    case BSON_TYPE_ARRAY:
        bson_iter_array(it, &n, &sub);
        return enter(r, sub, n, level + 1, BSON_TYPE_ARRAY, path);
    default:
        return true; /* fixed-width values and booleans: bson_iter_next framed them */
    }
}

static bool walk(ref_walk *r, const uint8_t *data, size_t len, uint32_t level, bool array,
                 uint64_t path)
{
    bson_iter_t it;
    if (!bson_iter_init_from_data(&it, data, len))
        return fail(r, "document at level %u: bad length prefix or terminator", level);
    for (uint32_t index = 0; bson_iter_next(&it); index++)
        if (!element(r, &it, level, child_path(path, level, &it, array, index)))
            return false;
    if (it.err_off != 0)
        return fail(r, "bson_iter_next: corrupt element at byte %u of a level-%u document",
                    it.err_off, level);
    return true;
}

wf_verdict wf_reference(const uint8_t *data, size_t len, uint32_t max_depth)
{
    ref_walk r = {.max_depth = max_depth};
    walk(&r, data, len, 1, false, WF_PATH_ROOT);
    return r.v;
}

/* MARK: - bsonguard's side */

static bool is_depth_error(const bsg_error *e)
{
    return (e->kind == BSG_KIND_SERVER || e->kind == BSG_KIND_LIMIT) &&
           strstr(e->message, "nests deeper") != NULL;
}

static uint64_t hash_of(const char *path)
{
    return wf_path_hash(WF_PATH_ROOT, path, strlen(path));
}

wf_verdict wf_from_result(const bsg_result *res)
{
    wf_verdict v = {0};
    for (size_t i = 0; i < bsg_result_count(res); i++) {
        const bsg_error *e = bsg_result_error(res, i);
        if (e->kind == BSG_KIND_MALFORMED) {
            v.malformed = true;
            snprintf(v.why, sizeof v.why, "%s", e->message);
        } else if (is_depth_error(e)) {
            v.too_deep = true;
            if (v.ndeep < WF_MAX_DEEP)
                v.deep[v.ndeep] = hash_of(e->path);
            v.ndeep++;
        }
    }
    return v;
}

static bool has_error_at(const bsg_result *res, uint64_t path)
{
    for (size_t i = 0; i < bsg_result_count(res); i++)
        if (hash_of(bsg_result_error(res, i)->path) == path)
            return true;
    return false;
}

bool wf_agree(const wf_verdict *ref, const bsg_result *res)
{
    wf_verdict got = wf_from_result(res);
    if (ref->malformed != got.malformed)
        return false;
    if (ref->malformed)
        return true;
    for (uint32_t i = 0; i < ref->ndeep && i < WF_MAX_DEEP; i++)
        if (!has_error_at(res, ref->deep[i]))
            return false;
    for (uint32_t i = 0; i < got.ndeep && i < WF_MAX_DEEP; i++) {
        bool cut = false;
        for (uint32_t j = 0; j < ref->ndeep && j < WF_MAX_DEEP && !cut; j++)
            cut = ref->deep[j] == got.deep[i];
        if (!cut && ref->ndeep <= WF_MAX_DEEP)
            return false;
    }
    return true;
}

const bsg_model *wf_any_model(void)
{
    static bsg_schema *schema;
    static const char src[] =
        "schema Any {\n"
        "  payload: Schema.Types.Mixed,\n"
        "  meta: {},\n"
        "  extra: Object,\n"
        "} with { strict: false, _id: false, versionKey: false }\n";
    if (!schema) {
        bsg_diag diag;
        schema = bsg_schema_compile(src, sizeof src - 1, "any.bsg", NULL, &diag);
        if (!schema) {
            fprintf(stderr, "wellformed: the Any schema does not compile: %s\n", diag.message);
            abort();
        }
    }
    return bsg_schema_model(schema, "Any");
}

void wf_explain(const char *what, const uint8_t *data, size_t len, const wf_verdict *ref,
                const bsg_result *res)
{
    wf_verdict got = wf_from_result(res);
    fprintf(stderr, "%s: reference: malformed=%d cut=%u (%s); bsonguard: malformed=%d cut=%u\n",
            what, ref->malformed, ref->ndeep, ref->why, got.malformed, got.ndeep);
    for (size_t i = 0; i < bsg_result_count(res) && i < 8; i++) {
        const bsg_error *e = bsg_result_error(res, i);
        fprintf(stderr, "  %s at \"%s\" (byte %u): %s\n", bsg_kind_name(e->kind), e->path,
                e->offset, e->message);
    }
    fprintf(stderr, "  %zu bytes:", len);
    for (size_t i = 0; i < len && i < 512; i++)
        fprintf(stderr, "%s%02x", i % 32 ? " " : "\n   ", data[i]);
    fprintf(stderr, "%s\n", len > 512 ? " ..." : "");
}
