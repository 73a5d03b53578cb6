/*
 * The validator: one forward pass over the bytes, with its own
 * bounds-checked reader (libbson's bson_validate is unreliable on Debian 12,
 * DESIGN.md §8). It checks well-formedness as it goes, MongoDB's server rules
 * and every schema path, and records errors only when something is wrong:
 * a valid document allocates nothing once the result has been used.
 */
#include "result.h"
#include "utf8.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SERVER_MAX_DEPTH 180u
#define SERVER_MAX_SIZE (16u * 1024u * 1024u)

typedef struct path_seg {
    const char *key; /* NULL for an array index */
    uint32_t len;    /* key length, or the index */
} path_seg;

typedef struct vstate {
    const bsg_schema *s;
    bsg_result *r;
    const uint8_t *doc;
    const uint8_t *doc_end; /* one past the document's last byte */
    uint32_t max_errors;
    uint32_t max_depth;
    bsg_kind depth_kind; /* `server` at MongoDB's limit, `limit` below it */
    bsg_strict strict;   /* override, or BSG_STRICT_SCHEMA */
    bool stop;           /* cap reached or framing lost */
    bool have_now;
    double now_ms;
    uint32_t depth;
    path_seg path[SERVER_MAX_DEPTH + 4];
} vstate;

/* A located element value. */
typedef struct elem {
    uint8_t type;
    const uint8_t *key;
    uint32_t klen;
    uint64_t head; /* the key's first 8 bytes, zero-padded (see bsg__key_head) */
    const uint8_t *val;
    uint32_t vlen;
} elem;

static void walk_object(vstate *v, uint32_t node, const elem *e);
static void walk_any(vstate *v, const elem *e);
static void check_value(vstate *v, uint32_t node, const elem *e);

/* MARK: - Little-endian reads */

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline int64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return (int64_t)v;
}

static inline double rddouble(const uint8_t *p)
{
    int64_t bits = rd64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* MARK: - UTF-8 */

#define HIGH_BITS UINT64_C(0x8080808080808080)
#define LOW_BITS UINT64_C(0x0101010101010101)

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Skip ASCII: the index of the first byte >= 0x80 at or after i, or n. */
static inline size_t skip_ascii(const uint8_t *s, size_t i, size_t n)
{
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16) {
        int m = _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
    if (i < n && n >= 16) { /* the tail as one overlapping load */
        int m = _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)));
        return m ? n - 16 + (size_t)__builtin_ctz((unsigned)m) : n;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t high = load64(s + i) & HIGH_BITS;
        if (high)
            return i + ((size_t)__builtin_ctzll(high) >> 3);
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

#define utf8_valid bsg__utf8_valid

/* The length of the ASCII prefix of s[0..n), reading up to `readable`
   (>= n) bytes: short strings take one masked or two overlapping 8-byte
   loads, so no loop ends in a mispredicted byte-by-byte tail. */
static inline size_t ascii_prefix(const uint8_t *s, size_t n, size_t readable)
{
    uint64_t high;
    if (n <= 8 && readable >= 8) {
        uint64_t mask = n == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
        high = load64(s) & mask & HIGH_BITS;
        return high ? (size_t)__builtin_ctzll(high) >> 3 : n;
    }
    if (n >= 8 && n <= 16) {
        high = load64(s) & HIGH_BITS;
        if (high)
            return (size_t)__builtin_ctzll(high) >> 3;
        high = load64(s + n - 8) & HIGH_BITS;
        return high ? n - 8 + ((size_t)__builtin_ctzll(high) >> 3) : n;
    }
    return skip_ascii(s, 0, n);
}

/* Length in UTF-16 code units, as JavaScript's String#length counts. */
static uint32_t utf16_length(const uint8_t *s, size_t n)
{
    uint32_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += (s[i] & 0xC0) != 0x80;
        len += s[i] >= 0xF0;
    }
    return len;
}

/* MARK: - Errors */

static size_t render_path(vstate *v)
{
    bsg_result *r = v->r;
    size_t start = r->text_len;
    uint32_t n = v->depth;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            bsg__text_add(r, ".", 1);
        if (v->path[i].key)
            bsg__text_add(r, v->path[i].key, v->path[i].len);
        else
            bsg__text_printf(r, "%u", v->path[i].len);
    }
    return bsg__text_end(r, start);
}

/* Fill `{PATH}`, `{VALUE}` and the validator's own placeholders into a
   template; each placeholder is replaced at its first occurrence only, as
   Mongoose's String#replace does. */
typedef struct tmpl_args {
    size_t path; /* offset of the rendered path in the result's text */
    const elem *e;
    const char *kind;
    const char *bound_name; /* "MIN", "MAX", "MINLENGTH", "MAXLENGTH" */
    const char *bound;
    uint32_t length;
    bool cut_value;   /* maxlength: values over 30 characters are cut */
    bool quote_value; /* cast errors quote strings, as util.inspect does */
} tmpl_args;

static void put_value(vstate *v, const tmpl_args *a)
{
    if (!a->e)
        return;
    if (a->cut_value && a->e->type == 0x02) {
        /* Mongoose shows at most 30 UTF-16 units, then "...". */
        const uint8_t *str = a->e->val + 4;
        uint32_t len = rd32(a->e->val) - 1, n = 0, units = 0;
        while (n < len) {
            uint32_t width = str[n] < 0x80 ? 1 : str[n] < 0xE0 ? 2 : str[n] < 0xF0 ? 3 : 4;
            uint32_t u = width == 4 ? 2 : 1;
            if (units + u > 30)
                break;
            units += u;
            n += width;
        }
        if (n < len) {
            bsg__text_add(v->r, (const char *)str, n);
            bsg__text_add(v->r, "...", 3);
            return;
        }
    }
    bsg__print_value(v->r, a->e->type, a->e->val, !a->quote_value);
}

static size_t render_template(vstate *v, const char *t, const tmpl_args *a)
{
    bsg_result *r = v->r;
    size_t start = r->text_len;
    unsigned done = 0;
    static const char *const names[] = {"PATH", "VALUE", "KIND", "TYPE", "LENGTH", NULL};
    while (*t) {
        const char *open = strchr(t, '{');
        if (!open) {
            bsg__text_add(r, t, strlen(t));
            break;
        }
        bsg__text_add(r, t, (size_t)(open - t));
        const char *close = strchr(open, '}');
        size_t n = close ? (size_t)(close - open - 1) : 0;
        int which = -1;
        for (int i = 0; close && names[i]; i++)
            if (strlen(names[i]) == n && strncmp(open + 1, names[i], n) == 0)
                which = i;
        if (close && which < 0 && a->bound_name && strlen(a->bound_name) == n &&
            strncmp(open + 1, a->bound_name, n) == 0)
            which = 5;
        if (which < 0 || (done & (1u << which))) {
            bsg__text_add(r, open, 1);
            t = open + 1;
            continue;
        }
        done |= 1u << which;
        switch (which) {
        case 0: bsg__text_add(r, r->text + a->path, strlen(r->text + a->path)); break;
        case 1: put_value(v, a); break;
        case 2:
        case 3: bsg__text_add(r, a->kind, strlen(a->kind)); break;
        case 4: bsg__text_printf(r, "%u", a->length); break;
        case 5: bsg__text_add(r, a->bound, strlen(a->bound)); break;
        }
        t = close + 1;
    }
    return bsg__text_end(r, start);
}

/* Record one error. `msg` is a template; `expected` a SchemaType name. */
static void report(vstate *v, bsg_kind kind, const elem *e, const char *expected,
                   const char *msg, tmpl_args *a)
{
    bsg_result *r = v->r;
    if (v->stop)
        return;
    if (v->max_errors && r->count >= v->max_errors) {
        r->truncated = true;
        v->stop = true;
        return;
    }
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->errors = bsg__realloc(r->errors, r->cap * sizeof *r->errors);
    }
    size_t path = render_path(v);
    tmpl_args local = {0};
    if (!a)
        a = &local;
    a->path = path;
    a->e = e;
    a->kind = bsg_kind_name(kind);
    size_t value = r->text_len;
    if (e && e->type != 0x0A)
        bsg__print_value(r, e->type, e->val, false);
    bsg__text_end(r, value);
    size_t message = render_template(v, msg, a);
    bsg_error *err = &r->errors[r->count++];
    err->kind = kind;
    err->path = (const char *)(uintptr_t)path;
    err->value = (const char *)(uintptr_t)value;
    err->message = (const char *)(uintptr_t)message;
    err->expected = expected ? expected : "";
    err->actual = e ? bsg__bson_type_alias(e->type) : "";
    err->offset = e ? (uint32_t)(e->key ? e->key - 1 - v->doc : e->val - v->doc) : 0;
}

/* Framing is lost: report where, and stop reading this document. */
static void malformed(vstate *v, const uint8_t *at, const char *what)
{
    if (v->stop)
        return;
    char msg[160];
    snprintf(msg, sizeof msg, "malformed BSON at byte %u: %s",
             (unsigned)(at - v->doc), what);
    report(v, BSG_KIND_MALFORMED, NULL, "", msg, NULL);
    v->stop = true;
    if (v->r->count)
        v->r->errors[v->r->count - 1].offset = (uint32_t)(at - v->doc);
}

/* MARK: - Reading elements */

/* The byte length of a value of `type` at p, with `avail` bytes left before
   the enclosing terminator; 0 with *bad set when it does not fit or is
   malformed. Strings are UTF-8 checked here, so every walk gets it. */
static uint32_t value_length_slow(vstate *v, uint8_t type, const uint8_t *p, uint32_t avail)
{
    uint32_t n;
    switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: n = 8; break;
    case 0x10: n = 4; break;
    case 0x07: n = 12; break;
    case 0x13: n = 16; break;
    case 0x06: case 0x0A: case 0x7F: case 0xFF: n = 0; break;
    case 0x08:
        if (avail < 1) goto short_;
        if (p[0] > 1) { malformed(v, p, "boolean byte is not 0 or 1"); return UINT32_MAX; }
        n = 1;
        break;
    case 0x02: case 0x0D: case 0x0E:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n < 1 || n > avail - 4) goto bad_len;
        if (p[4 + n - 1] != 0) { malformed(v, p, "string is not NUL-terminated"); return UINT32_MAX; }
        if (!utf8_valid(p + 4, n - 1)) { malformed(v, p, "string is not valid UTF-8"); return UINT32_MAX; }
        n += 4;
        break;
    case 0x03: case 0x04:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n < 5 || n > avail) goto bad_len;
        /* The terminator is checked when the walk reaches it (no early miss). */
        break;
    case 0x05:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n > avail - 5) goto bad_len;
        if (p[4] == 0x02 && (n < 4 || rd32(p + 5) != n - 4)) {
            malformed(v, p, "old binary (subtype 2) has an inconsistent inner length");
            return UINT32_MAX;
        }
        n += 5;
        break;
    case 0x0B: {
        const uint8_t *a = memchr(p, 0, avail);
        const uint8_t *b = a ? memchr(a + 1, 0, avail - (uint32_t)(a + 1 - p)) : NULL;
        if (!b) goto short_;
        if (!utf8_valid(p, (size_t)(a - p)) || !utf8_valid(a + 1, (size_t)(b - a - 1))) {
            malformed(v, p, "regex is not valid UTF-8");
            return UINT32_MAX;
        }
        n = (uint32_t)(b + 1 - p);
        break;
    }
    case 0x0C:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n < 1 || n > avail - 4 || avail - 4 - n < 12) goto bad_len;
        if (p[4 + n - 1] != 0 || !utf8_valid(p + 4, n - 1)) {
            malformed(v, p, "dbPointer namespace is not a valid string");
            return UINT32_MAX;
        }
        n += 16;
        break;
    case 0x0F: {
        if (avail < 14) goto short_;
        n = rd32(p);
        if (n < 14 || n > avail) goto bad_len;
        uint32_t sl = rd32(p + 4);
        if (sl < 1 || sl > n - 13 || p[8 + sl - 1] != 0 || !utf8_valid(p + 8, sl - 1)) {
            malformed(v, p, "code-with-scope string is malformed");
            return UINT32_MAX;
        }
        uint32_t dl = rd32(p + 8 + sl);
        if (8 + sl + dl != n || dl < 5 || p[n - 1] != 0) {
            malformed(v, p, "code-with-scope lengths disagree");
            return UINT32_MAX;
        }
        break;
    }
    default:
        malformed(v, p - 1, "unknown element type");
        return UINT32_MAX;
    }
    if (n > avail)
        goto short_;
    return n;
bad_len:
    malformed(v, p, "length prefix runs past the end of its document");
    return UINT32_MAX;
short_:
    malformed(v, p, "value runs past the end of its document");
    return UINT32_MAX;
}

/* Sizes of the fixed-width types below 0x20; 0xFF for the others (MinKey
   and MaxKey go the slow way). */
#define V 0xFF
static const uint8_t fixed_size[32] = {
    V, 8, V, V, V, V, 0, 12, V, 8, 0, V, V, V, V, V,
    4, 8, 8, 16, V, V, V, V, V, V, V, V, V, V, V, V,
};
#undef V

/* The common cases inline: fixed-width values and ASCII-checked strings. */
static inline __attribute__((always_inline)) uint32_t
value_length(vstate *v, uint8_t type, const uint8_t *p, uint32_t avail)
{
    uint32_t n = type < 32 ? fixed_size[type] : 0xFF;
    if (n != 0xFF) {
        if (n > avail) {
            malformed(v, p, "value runs past the end of its document");
            return UINT32_MAX;
        }
        return n;
    }
    if ((type == 0x03 || type == 0x04) && avail >= 5) {
        n = rd32(p);
        if (n >= 5 && n <= avail)
            return n; /* the walk checks the terminator when it gets there */
    } else if (type == 0x02 && avail >= 5) {
        n = rd32(p);
        /* The ASCII prefix first, then the validator from the first
           non-ASCII byte (all before it is valid). */
        if (n >= 1 && n <= avail - 4 && p[4 + n - 1] == 0) {
            size_t k = ascii_prefix(p + 4, n - 1, avail - 4);
            if (k == n - 1 || bsg__utf8_valid_in(p + 4 + k, n - 1 - k, avail - 4 - k))
                return n + 4;
        }
    }
    return value_length_slow(v, type, p, avail);
}

/* Read the element at *pp (before `end`, the terminator). Returns false at
   the end of the list or when malformed (v->stop). */
static inline __attribute__((always_inline)) bool
next_elem(vstate *v, const uint8_t **pp, const uint8_t *end, elem *e)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return false;
    e->type = *p++;
    if (e->type == 0) {
        malformed(v, p - 1, "unexpected 0x00 before the end of the document");
        return false;
    }
    const uint8_t *nul;
    e->key = p;
    if (end - p >= 8) {
        /* Most keys are short ASCII: find the NUL and check for high bits in
           one 8-byte word. */
        uint64_t w = load64(p);
        uint64_t zero = (w - LOW_BITS) & ~w & HIGH_BITS;
        if (zero) {
            unsigned k = (unsigned)__builtin_ctzll(zero) >> 3;
            uint64_t below = ((zero & (~zero + 1)) >> 7) - 1; /* the bytes before the NUL */
            if (!(w & below & HIGH_BITS)) {
                e->klen = k;
                e->head = w & below;
                nul = p + k;
                goto found;
            }
        } else if (end - p >= 16 && !(w & HIGH_BITS)) {
            uint64_t w2 = load64(p + 8);
            uint64_t zero2 = (w2 - LOW_BITS) & ~w2 & HIGH_BITS;
            if (zero2) {
                unsigned k = (unsigned)__builtin_ctzll(zero2) >> 3;
                uint64_t below = ((zero2 & (~zero2 + 1)) >> 7) - 1;
                if (!(w2 & below & HIGH_BITS)) {
                    e->klen = 8 + k;
                    e->head = w;
                    nul = p + 8 + k;
                    goto found;
                }
            }
        }
    }
    nul = memchr(p, 0, (size_t)(end - p));
    if (!nul) {
        malformed(v, p, "field name is not NUL-terminated");
        return false;
    }
    e->klen = (uint32_t)(nul - p);
    if (!utf8_valid(p, e->klen)) {
        malformed(v, p, "field name is not valid UTF-8");
        return false;
    }
    e->head = bsg__key_head(p, e->klen);
found:
    p = nul + 1;
    uint32_t n = value_length(v, e->type, p, (uint32_t)(end - p));
    if (n == UINT32_MAX)
        return false;
    e->val = p;
    e->vlen = n;
    *pp = p + n;
    return true;
}

/* A container's last byte, checked once its walk has reached it. */
static inline void check_terminator(vstate *v, const uint8_t *end)
{
    if (*end != 0)
        malformed(v, end, "document is not terminated by 0x00");
}

/* MARK: - Nesting */

static bool push(vstate *v, const char *key, uint32_t len)
{
    v->path[v->depth].key = key;
    v->path[v->depth].len = len;
    v->depth++;
    return true;
}

static void pop(vstate *v) { v->depth--; }

/* Entering a container below the depth cap? Report once where it is cut. */
static bool may_descend(vstate *v, const elem *e)
{
    if (v->depth < v->max_depth)
        return true;
    tmpl_args a = {0};
    char msg[200];
    snprintf(msg, sizeof msg,
             v->depth_kind == BSG_KIND_SERVER
                 ? "Path `{PATH}` nests deeper than %u levels: MongoDB rejects the document"
                 : "Path `{PATH}` nests deeper than the configured %u levels",
             v->max_depth);
    report(v, v->depth_kind, e, "", msg, &a);
    return false;
}

/* Per-depth scratch, allocated once per result for every depth the
   validator can reach, so pointers into it stay valid. */
static bsg__level *level(vstate *v)
{
    bsg_result *r = v->r;
    if (!r->nlevels) {
        r->nlevels = SERVER_MAX_DEPTH + 4;
        r->levels = bsg__calloc(r->nlevels, sizeof *r->levels);
    }
    return &r->levels[v->depth];
}

/* MARK: - Key sets (duplicate detection where the schema does not list keys) */

typedef struct keyset {
    bsg__level *lv; /* the hash table, once there are more than 8 keys */
    uint32_t count;
    const uint8_t *keys[8];
    uint32_t lens[8];
    uint64_t heads[8];
} keyset;

static void keyset_init(keyset *ks)
{
    ks->lv = NULL;
    ks->count = 0;
}

/* Keys compare by length and first 8 bytes, then by the rest. */
static inline bool key_equal(const uint8_t *a, uint64_t ahead, uint32_t alen,
                             const uint8_t *b, uint64_t bhead, uint32_t blen)
{
    return alen == blen && ahead == bhead && (alen <= 8 || memcmp(a + 8, b + 8, alen - 8) == 0);
}

static inline uint32_t key_hash(const uint8_t *key, uint64_t head, uint32_t klen)
{
    uint64_t h = (head ^ klen) * UINT64_C(0x9E3779B97F4A7C15);
    if (klen > 8)
        h ^= bsg__hash(key + 8, klen - 8);
    return (uint32_t)(h >> 32);
}

/* A slot: generation (16 bits), hash tag (16 bits), key offset + 1 (32 bits). */
#define SLOT_GEN(s) ((uint32_t)((s) >> 48))
#define SLOT_TAG(s) ((uint32_t)((s) >> 32) & 0xFFFF)
#define SLOT_OFF(s) ((uint32_t)(s))

/* Insert without growing; false if present. */
static bool table_put(vstate *v, bsg__level *lv, const uint8_t *key, uint64_t head,
                      uint32_t klen)
{
    uint32_t hash = key_hash(key, head, klen), mask = lv->cap - 1, h = hash & mask;
    uint32_t tag = hash >> 16;
    for (;;) {
        uint64_t slot = lv->slots[h];
        if (SLOT_GEN(slot) != lv->gen || !SLOT_OFF(slot))
            break;
        if (SLOT_TAG(slot) == tag) {
            const uint8_t *k = v->doc + SLOT_OFF(slot) - 1;
            if (memcmp(k, key, klen) == 0 && k[klen] == 0)
                return false;
        }
        h = (h + 1) & mask;
    }
    lv->slots[h] = (uint64_t)lv->gen << 48 | (uint64_t)tag << 32 | (uint32_t)(key - v->doc + 1);
    return true;
}

static void table_grow(vstate *v, bsg__level *lv)
{
    uint32_t old = lv->cap, cap = old ? old * 2 : 64;
    uint64_t *old_slots = lv->slots;
    lv->slots = bsg__calloc(cap, sizeof *lv->slots);
    lv->cap = cap;
    for (uint32_t i = 0; i < old; i++) {
        uint64_t slot = old_slots[i];
        if (SLOT_GEN(slot) != lv->gen || !SLOT_OFF(slot))
            continue;
        const uint8_t *k = v->doc + SLOT_OFF(slot) - 1;
        uint32_t klen = (uint32_t)strlen((const char *)k);
        table_put(v, lv, k, bsg__key_head(k, klen), klen);
    }
    bsg__free(old_slots);
}

/* A fresh generation of this depth's table (the slots are reused). */
static bsg__level *table_begin(vstate *v)
{
    bsg__level *lv = level(v);
    lv->gen = (lv->gen + 1) & 0xFFFF;
    if (lv->gen == 0) { /* the generation wrapped: clear for real */
        memset(lv->slots, 0, lv->cap * sizeof *lv->slots);
        lv->gen = 1;
    }
    if (lv->cap < 64)
        table_grow(v, lv);
    return lv;
}

/* Add a key; false if it was already there. */
static bool keyset_add(vstate *v, keyset *ks, const elem *e)
{
    if (ks->count < 8) {
        for (uint32_t i = 0; i < ks->count; i++)
            if (key_equal(ks->keys[i], ks->heads[i], ks->lens[i], e->key, e->head, e->klen))
                return false;
        ks->keys[ks->count] = e->key;
        ks->heads[ks->count] = e->head;
        ks->lens[ks->count++] = e->klen;
        return true;
    }
    if (!ks->lv) {
        ks->lv = table_begin(v);
        for (uint32_t i = 0; i < 8; i++)
            table_put(v, ks->lv, ks->keys[i], ks->heads[i], ks->lens[i]);
    }
    if ((ks->count + 1) * 2 > ks->lv->cap)
        table_grow(v, ks->lv);
    if (!table_put(v, ks->lv, e->key, e->head, e->klen))
        return false;
    ks->count++;
    return true;
}

static void key_error(vstate *v, const elem *e, const char *why)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Field `{PATH}` %s", why);
    push(v, (const char *)e->key, e->klen);
    report(v, BSG_KIND_KEY, e, "", msg, NULL);
    pop(v);
}

/* MARK: - Walking what the schema does not describe */

/* Walk an element's value with its key on the path. */
static void walk_any_at(vstate *v, const elem *e)
{
    push(v, (const char *)e->key, e->klen);
    walk_any(v, e);
    pop(v);
}

/* Well-formedness of an unchecked value: containers are walked, with empty
   and duplicate keys reported (MongoDB's rules hold inside Mixed too). */
static void walk_any(vstate *v, const elem *e)
{
    if (e->type == 0x0F) { /* code with scope: its scope is a document */
        uint32_t sl = rd32(e->val + 4);
        elem scope = {.type = 0x03, .val = e->val + 8 + sl, .vlen = e->vlen - 8 - sl};
        walk_any(v, &scope);
        return;
    }
    if (e->type != 0x03 && e->type != 0x04)
        return;
    if (!may_descend(v, e))
        return;
    bool array = e->type == 0x04;
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    keyset ks;
    keyset_init(&ks);
    elem c;
    uint32_t index = 0;
    while (!v->stop && next_elem(v, &p, end, &c)) {
        if (!array) {
            if (c.klen == 0)
                key_error(v, &c, "has an empty name");
            else if (!keyset_add(v, &ks, &c))
                key_error(v, &c, "appears twice in the same document");
        }
        if (c.type == 0x03 || c.type == 0x04 || c.type == 0x0F) {
            if (array)
                v->path[v->depth] = (path_seg){NULL, index};
            else
                v->path[v->depth] = (path_seg){(const char *)c.key, c.klen};
            v->depth++;
            walk_any(v, &c);
            v->depth--;
        }
        index++;
    }
    check_terminator(v, end);
}

/* JavaScript dates span ±8.64e15 ms; the driver reads others as Invalid Date. */
static inline bool date_in_range(const elem *e)
{
    int64_t ms = rd64(e->val);
    return ms >= -8640000000000000LL && ms <= 8640000000000000LL;
}

/* MARK: - Scalars */

static double now_ms(vstate *v)
{
    if (!v->have_now) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        v->now_ms = (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
        v->have_now = true;
    }
    return v->now_ms;
}

static inline double as_number(const elem *e)
{
    switch (e->type) {
    case 0x01: return rddouble(e->val);
    case 0x10: return (double)(int32_t)rd32(e->val);
    case 0x12: case 0x09: return (double)rd64(e->val);
    case 0x08: return e->val[0];
    default: return 0;
    }
}

static const char *custom_or(const bsg_schema *s, uint32_t msg, const char *dflt)
{
    return msg != BSG__NONE ? s->pool + msg : dflt;
}

static bool check_regex(vstate *v, const bsg__check *ck, const elem *e, bool *limit)
{
    uint32_t n = rd32(e->val) - 1;
    if (n == 0)
        return true; /* Mongoose skips '' */
    bsg_result *r = v->r;
    if (!r->match_data)
        r->match_data = pcre2_match_data_create(1, v->s->pcre_ctx);
    /* The JIT entry point skips pcre2_match's argument checks; patterns
       PCRE2 could not JIT-compile take the interpreter. */
    const pcre2_code *re = v->s->regexes[ck->first];
    int rc = pcre2_jit_match(re, e->val + 4, n, 0, PCRE2_NO_UTF_CHECK, r->match_data,
                             v->s->match_ctx);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)
        rc = pcre2_match(re, e->val + 4, n, 0, PCRE2_NO_UTF_CHECK, r->match_data,
                         v->s->match_ctx);
    *limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
             rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
    return rc >= 0;
}

static bool check_user(vstate *v, const bsg__check *ck, const elem *e, char *msg, size_t cap)
{
    const bsg__user *u = &v->s->users[ck->first];
    bsg_value val = {e->type, e->val, e->vlen, NULL, 0, as_number(e)};
    if (e->type == 0x02) {
        val.str = (const char *)e->val + 4;
        val.str_len = rd32(e->val) - 1;
    }
    msg[0] = '\0';
    return u->fn(&val, u->ctx, msg, cap);
}

static bool enum_has(const vstate *v, const bsg__check *ck, const elem *e)
{
    const bsg_schema *s = v->s;
    if (ck->kind == BSG__C_ENUM_STR) {
        if (e->type != 0x02)
            return true;
        uint32_t n = rd32(e->val) - 1;
        const uint8_t *str = e->val + 4;
        uint64_t head = n < 8 && str + 8 <= v->doc_end
                            ? load64(str) & ((UINT64_C(1) << (8 * n)) - 1)
                            : bsg__key_head(str, n);
        for (uint32_t i = 0; i < ck->count; i++) {
            const bsg__strref *x = &s->enum_strs[ck->first + i];
            if (x->len == n && x->head == head &&
                (n <= 8 || memcmp(s->pool + x->off + 8, e->val + 12, n - 8) == 0))
                return true;
        }
        return false;
    }
    double d = as_number(e);
    for (uint32_t i = 0; i < ck->count; i++)
        if (s->enum_nums[ck->first + i] == d)
            return true;
    return false;
}

/* Whether a value passes one validator. `len` receives a string's UTF-16
   length when it had to be counted, `limit` whether a regex gave up. */
static inline bool check_passes(vstate *v, const bsg__check *ck, const elem *e, double d,
                                uint32_t *len, bool *limit, char *umsg, size_t cap)
{
    switch ((bsg__check_kind)ck->kind) {
    case BSG__C_ENUM_STR:
    case BSG__C_ENUM_NUM:
        return enum_has(v, ck, e);
    case BSG__C_MIN:
        return d >= ck->num;
    case BSG__C_MAX:
        return d <= ck->num;
    case BSG__C_DATE_MIN:
        return d >= (ck->now ? now_ms(v) : ck->num);
    case BSG__C_DATE_MAX:
        return d <= (ck->now ? now_ms(v) : ck->num);
    case BSG__C_MINLENGTH:
    case BSG__C_MAXLENGTH:
        /* UTF-16 units <= UTF-8 bytes <= 3 units each: count only when the
           byte length cannot decide. */
        *len = rd32(e->val) - 1;
        if (ck->kind == BSG__C_MAXLENGTH ? *len <= ck->num : *len >= 3 * ck->num)
            return true;
        *len = utf16_length(e->val + 4, *len);
        return ck->kind == BSG__C_MINLENGTH ? *len >= ck->num : *len <= ck->num;
    case BSG__C_REGEXP:
    case BSG__C_USER_REGEXP:
        return e->type != 0x02 || check_regex(v, ck, e, limit);
    case BSG__C_USER:
        return check_user(v, ck, e, umsg, cap);
    }
    return true;
}

/* Report the validator that failed, with Mongoose's default message unless
   the schema gave one. */
static void check_failed(vstate *v, const bsg__node *n, const bsg__check *ck,
                         const elem *e, uint32_t len, bool limit, const char *umsg)
{
    const bsg_schema *s = v->s;
    const char *expected = s->pool + n->label;
    tmpl_args a = {0};
    bsg_kind kind;
    const char *dflt;
    switch ((bsg__check_kind)ck->kind) {
    case BSG__C_ENUM_STR:
    case BSG__C_ENUM_NUM:
        kind = BSG_KIND_ENUM;
        dflt = "`{VALUE}` is not a valid enum value for path `{PATH}`.";
        break;
    case BSG__C_MIN:
    case BSG__C_DATE_MIN:
    case BSG__C_MAX:
    case BSG__C_DATE_MAX: {
        static const char *const bounds[2][2] = {
            {"Path `{PATH}` ({VALUE}) is more than maximum allowed value ({MAX}).",
             "Path `{PATH}` ({VALUE}) is less than minimum allowed value ({MIN})."},
            {"Path `{PATH}` ({VALUE}) is after maximum allowed value ({MAX}).",
             "Path `{PATH}` ({VALUE}) is before minimum allowed value ({MIN})."}};
        bool is_min = ck->kind == BSG__C_MIN || ck->kind == BSG__C_DATE_MIN;
        bool is_date = ck->kind == BSG__C_DATE_MIN || ck->kind == BSG__C_DATE_MAX;
        kind = is_min ? BSG_KIND_MIN : BSG_KIND_MAX;
        a.bound_name = is_min ? "MIN" : "MAX";
        a.bound = ck->now ? "Date.now()" : s->pool + ck->text;
        dflt = bounds[is_date][is_min];
        break;
    }
    case BSG__C_MINLENGTH:
        kind = BSG_KIND_MINLENGTH;
        a.length = len;
        a.bound_name = "MINLENGTH";
        a.bound = s->pool + ck->text;
        dflt = "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is shorter than the minimum "
               "allowed length ({MINLENGTH}).";
        break;
    case BSG__C_MAXLENGTH:
        kind = BSG_KIND_MAXLENGTH;
        a.length = len;
        a.bound_name = "MAXLENGTH";
        a.bound = s->pool + ck->text;
        a.cut_value = true;
        dflt = "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is longer than the maximum "
               "allowed length ({MAXLENGTH}).";
        break;
    case BSG__C_REGEXP:
        kind = BSG_KIND_REGEXP;
        dflt = "Path `{PATH}` is invalid ({VALUE}).";
        break;
    default: /* user validators, and `validate: /re/` */
        kind = BSG_KIND_USER_DEFINED;
        dflt = "Validator failed for path `{PATH}` with value `{VALUE}`";
        break;
    }
    if (limit) {
        report(v, BSG_KIND_LIMIT, e, expected,
               "Path `{PATH}`: the regular expression gave up (match limit reached)", &a);
        return;
    }
    const char *msg = umsg && umsg[0] ? umsg : custom_or(s, ck->msg, dflt);
    report(v, kind, e, expected, msg, &a);
}

/* Run a path's validators in the order written; the first failure wins. */
static void run_checks(vstate *v, const bsg__node *n, const elem *e)
{
    const bsg__check *checks = v->s->checks + n->checks;
    const double d = as_number(e);
    for (uint32_t i = 0; i < n->nchecks; i++) {
        uint32_t len = 0;
        bool limit = false;
        char umsg[256];
        umsg[0] = '\0';
        if (!check_passes(v, &checks[i], e, d, &len, &limit, umsg, sizeof umsg)) {
            check_failed(v, n, &checks[i], e, len, limit, umsg);
            return;
        }
    }
}

/* MARK: - Values */

static void type_error(vstate *v, const bsg__node *n, const elem *e)
{
    char msg[200];
    tmpl_args a = {0};
    a.quote_value = true;
    snprintf(msg, sizeof msg, "Cast to %s failed for value {VALUE} (type %s) at path \"{PATH}\"",
             v->s->pool + n->label, bsg__bson_type_alias(e->type));
    report(v, BSG_KIND_TYPE, e, v->s->pool + n->label, msg, &a);
    walk_any(v, e);
}

static void required_error(vstate *v, const bsg__node *n, const elem *e)
{
    report(v, BSG_KIND_REQUIRED, e, v->s->pool + n->label,
           custom_or(v->s, n->req_msg, "Path `{PATH}` is required."), NULL);
}

/* Required paths below a missing or null nested path (Mongoose reports
   them; it does not for a missing subdocument). */
static void report_missing(vstate *v, const bsg__node *obj)
{
    const bsg_schema *s = v->s;
    if (!(obj->flags & BSG__F_HAS_REQUIRED) || v->depth >= v->max_depth)
        return;
    for (uint32_t i = 0; i < obj->count && !v->stop; i++) {
        const bsg__field *f = &s->fields[obj->first + i];
        const bsg__node *n = &s->nodes[f->node];
        push(v, s->pool + f->name, f->len);
        if (n->flags & BSG__F_REQUIRED)
            required_error(v, n, NULL);
        else if (n->type == BSG__T_NESTED)
            report_missing(v, n);
        pop(v);
    }
}

/* If the element at p has the decimal index (below 1000) as its key, the
   key's length; else 0. */
static inline uint32_t index_key_length(uint32_t index, const uint8_t *p, const uint8_t *end)
{
    if (end - p < 5)
        return 0;
    uint32_t w = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
                 (uint32_t)p[4] << 24;
    if (index < 10)
        return (w & 0xFFFF) == '0' + index ? 1 : 0;
    if (index < 100)
        return (w & 0xFFFFFF) == (('0' + index / 10) | ('0' + index % 10) << 8) ? 2 : 0;
    if (index < 1000)
        return w == (('0' + index / 100) | ('0' + index / 10 % 10) << 8 |
                     ('0' + index % 10) << 16) ? 3 : 0;
    return 0;
}

static void walk_array(vstate *v, const bsg__node *n, const elem *e)
{
    if (!may_descend(v, e))
        return;
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    const uint32_t fast = v->s->nodes[n->elem].fast;
    elem c;
    uint32_t index = 0;
    while (!v->stop) {
        uint32_t klen = index_key_length(index, p, end);
        if (klen) {
            /* The key is the index written out, as arrays normally are. */
            const uint8_t *q = p + 2 + klen;
            if (*p < 32 && (fast & (UINT32_C(1) << *p))) {
                uint32_t size = value_length(v, *p, q, (uint32_t)(end - q));
                if (size == UINT32_MAX)
                    break;
                if (*p != 0x09 || date_in_range(&(elem){.val = q})) {
                    index++;
                    p = q + size;
                    continue;
                }
            }
            c.type = *p;
            c.key = p + 1;
            c.klen = klen;
            uint32_t size = value_length(v, c.type, q, (uint32_t)(end - q));
            if (size == UINT32_MAX)
                break;
            c.val = q;
            c.vlen = size;
            p = q + size;
        } else if (!next_elem(v, &p, end, &c)) {
            break;
        }
        if (c.type < 32 && (fast & (UINT32_C(1) << c.type)) &&
            (c.type != 0x09 || date_in_range(&c))) {
            index++;
            continue;
        }
        v->path[v->depth] = (path_seg){NULL, index++};
        v->depth++;
        check_value(v, n->elem, &c);
        v->depth--;
    }
    check_terminator(v, end);
}

/* Whether a key contains `.`: short keys are tested in their head word. */
static inline bool has_dot(const elem *e)
{
    if (e->klen > 8)
        return memchr(e->key, '.', e->klen) != NULL;
    uint64_t x = e->head ^ UINT64_C(0x2E2E2E2E2E2E2E2E); /* padding bytes stay nonzero */
    return ((x - LOW_BITS) & ~x & HIGH_BITS) != 0;
}

static void walk_map(vstate *v, const bsg__node *n, const elem *e)
{
    if (!may_descend(v, e))
        return;
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    const uint32_t fast = v->s->nodes[n->elem].fast;
    keyset ks;
    keyset_init(&ks);
    elem c;
    while (!v->stop && next_elem(v, &p, end, &c)) {
        if (c.klen == 0)
            key_error(v, &c, "has an empty name; Map keys must be non-empty");
        else if ((uint8_t)c.head == '$')
            key_error(v, &c, "starts with `$`, which Map keys may not");
        else if (has_dot(&c))
            key_error(v, &c, "contains `.`, which Map keys may not");
        else if (!keyset_add(v, &ks, &c))
            key_error(v, &c, "appears twice in the same Map");
        else if (c.type < 32 && (fast & (UINT32_C(1) << c.type)) &&
                 (c.type != 0x09 || date_in_range(&c)))
            continue; /* a value that needs nothing beyond its framing */
        else {
            push(v, (const char *)c.key, c.klen);
            check_value(v, n->elem, &c);
            pop(v);
            continue;
        }
        walk_any_at(v, &c);
    }
    check_terminator(v, end);
}

static bool union_takes(const bsg_schema *s, uint32_t node, uint8_t type)
{
    const bsg__node *m = &s->nodes[node];
    return type == 0x0A || (m->mask & (type < 32 ? (UINT32_C(1) << type) : 0)) ||
           m->type == BSG__T_MIXED;
}

static void check_union(vstate *v, const bsg__node *n, const elem *e)
{
    for (uint32_t i = 0; i < n->count; i++) {
        uint32_t m = v->s->members[n->first + i];
        if (union_takes(v->s, m, e->type)) {
            check_value(v, m, e);
            return;
        }
    }
    type_error(v, n, e);
}

static inline bool type_matches(const bsg__node *n, const elem *e)
{
    uint32_t bit = e->type < 32 ? UINT32_C(1) << e->type : 0;
    if (!(n->mask & bit))
        return n->type == BSG__T_MIXED && e->type != 0x06;
    switch (n->type) {
    case BSG__T_NUMBER:
        return e->type != 0x01 || !isnan(rddouble(e->val));
    case BSG__T_UUID:
        return rd32(e->val) == 16 && e->val[4] == 0x04;
    case BSG__T_DATE:
        return date_in_range(e);
    case BSG__T_BUFFER:
        return !n->subtype || e->val[4] == n->subtype - 1;
    default:
        return true;
    }
}

/* The `required` rules beyond presence (mongoose-semantics.md b.1):
   '' fails for String, an empty Buffer fails, a UUID must look like one
   (version digit, RFC variant: the nil UUID fails). */
static bool required_fails(const bsg__node *n, const elem *e)
{
    switch (n->type) {
    case BSG__T_STRING: return rd32(e->val) == 1;
    case BSG__T_BUFFER: return rd32(e->val) == 0;
    case BSG__T_UUID: return (e->val[5 + 6] >> 4) > 9 || (e->val[5 + 8] & 0xC0) != 0x80;
    default: return false;
    }
}

static void check_value(vstate *v, uint32_t node, const elem *e)
{
    const bsg__node *n = &v->s->nodes[node];
    switch (n->type) {
    case BSG__T_MIXED:
        if (e->type != 0x0A) {
            walk_any(v, e);
            return;
        }
        break;
    case BSG__T_UNION:
        if (e->type != 0x0A) {
            check_union(v, n, e);
            return;
        }
        break;
    default:
        break;
    }
    if (e->type == 0x0A) {
        if (n->flags & BSG__F_REQUIRED)
            required_error(v, n, e);
        else if (n->type == BSG__T_NESTED)
            report_missing(v, n);
        return;
    }
    if (!type_matches(n, e)) {
        type_error(v, n, e);
        return;
    }
    if ((n->flags & BSG__F_REQUIRED) && required_fails(n, e)) {
        required_error(v, n, e);
        return;
    }
    switch (n->type) {
    case BSG__T_ARRAY: walk_array(v, n, e); break;
    case BSG__T_MAP: walk_map(v, n, e); break;
    case BSG__T_EMBEDDED:
    case BSG__T_NESTED: walk_object(v, node, e); break;
    default:
        if (n->nchecks)
            run_checks(v, n, e);
    }
}

/* MARK: - Objects */

static inline bool field_is(const bsg_schema *s, const bsg__field *f, const elem *e)
{
    return f->len == e->klen && f->head == e->head &&
           (e->klen <= 8 || memcmp(s->pool + f->name + 8, e->key + 8, e->klen - 8) == 0);
}

/* Whether the element at p (its type byte) has field f's name as its key. */
static inline bool expected_key(const bsg__field *f, const uint8_t *p, const uint8_t *end)
{
    if (!f->key_mask[0] || end - p < 17)
        return false; /* long names, and the last bytes of a document, go the slow way */
    return (load64(p + 1) & f->key_mask[0]) == f->key_word[0] &&
           (load64(p + 9) & f->key_mask[1]) == f->key_word[1];
}

static uint32_t find_field(const bsg_schema *s, const bsg__node *n, const elem *e,
                           uint32_t *guess)
{
    const bsg__field *fields = s->fields + n->first;
    uint32_t g = *guess;
    /* Documents usually list fields in schema order: try the next one first. */
    if (g < n->count && field_is(s, &fields[g], e)) {
        *guess = g + 1;
        return g;
    }
    if (n->hash != BSG__NONE) {
        uint32_t h = bsg__hash(e->key, e->klen) & n->hash_mask;
        for (uint32_t slot; (slot = s->slots[n->hash + h]) != 0; h = (h + 1) & n->hash_mask) {
            if (field_is(s, &fields[slot - 1], e)) {
                *guess = slot;
                return slot - 1;
            }
        }
        return BSG__NONE;
    }
    for (uint32_t i = 0; i < n->count; i++) {
        if (field_is(s, &fields[i], e)) {
            *guess = i + 1;
            return i;
        }
    }
    return BSG__NONE;
}

/* "_id" as a key head (little-endian, zero-padded). */
#define ID_HEAD (UINT64_C(0x64695f))

/* Server rules on the top level (DESIGN.md §5.1). */
static bool top_level_rules(vstate *v, const elem *e)
{
    if (e->klen == 3 && memcmp(e->key, "_id", 3) == 0 &&
        (e->type == 0x04 || e->type == 0x0B || e->type == 0x06)) {
        char msg[120];
        snprintf(msg, sizeof msg, "MongoDB rejects an `_id` of type %s",
                 bsg__bson_type_alias(e->type));
        push(v, "_id", 3);
        report(v, BSG_KIND_SERVER, e, "", msg, NULL);
        pop(v);
        walk_any_at(v, e);
        return false;
    }
    if (e->klen && e->key[0] == '$') {
        key_error(v, e, "starts with `$`: MongoDB rejects `$`-prefixed names at the top level");
        walk_any_at(v, e);
        return false;
    }
    return true;
}

static bsg_strict strict_of(const vstate *v, const bsg__node *n)
{
    return v->strict != BSG_STRICT_SCHEMA ? v->strict : (bsg_strict)n->strict;
}

/* The node a discriminated object validates against: the value of its
   discriminator key picks a child; unknown values keep the base. */
static uint32_t discriminate(vstate *v, uint32_t node, const elem *e)
{
    const bsg_schema *s = v->s;
    const bsg__disc *d = &s->discs[s->nodes[node].disc];
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    /* A quiet pre-scan: framing errors are reported by the real walk. */
    while (p < end) {
        uint8_t type = *p++;
        const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
        if (!type || !nul)
            return node;
        bool hit = (uint32_t)(nul - p) == d->key_len && memcmp(p, s->pool + d->key, d->key_len) == 0;
        p = nul + 1;
        bool was_stopped = v->stop;
        v->stop = true; /* malformed() is then silent */
        uint32_t n = value_length(v, type, p, (uint32_t)(end - p));
        v->stop = was_stopped;
        if (n == UINT32_MAX)
            return node;
        if (hit) {
            if (type != 0x02)
                return node;
            for (uint32_t i = 0; i < d->count; i++) {
                const bsg__disc_value *dv = &s->disc_values[d->first + i];
                if (dv->len == rd32(p) - 1 && memcmp(s->pool + dv->value, p + 4, dv->len) == 0)
                    return dv->node;
            }
            return node;
        }
        p += n;
    }
    return node;
}

static void unknown_field(vstate *v, const bsg__node *n, keyset *ks, const elem *e)
{
    if (e->klen == 0)
        key_error(v, e, "has an empty name");
    else if (!keyset_add(v, ks, e))
        key_error(v, e, "appears twice in the same document");
    else if (strict_of(v, n) == BSG_STRICT_THROW) {
        push(v, (const char *)e->key, e->klen);
        report(v, BSG_KIND_UNKNOWN, e, "",
               "Field `{PATH}` is not in schema and strict mode is set to throw.", NULL);
        pop(v);
    }
    walk_any_at(v, e);
}

static void walk_object(vstate *v, uint32_t node, const elem *e)
{
    if (v->depth > 0 && !may_descend(v, e))
        return;
    const bsg_schema *s = v->s;
    if (s->nodes[node].disc != BSG__NONE)
        node = discriminate(v, node, e);
    const bsg__node *n = &s->nodes[node];
    /* Fields seen so far: in a register up to 64 fields, else per-depth scratch. */
    uint64_t seen0 = 0, *seen = NULL;
    const bool wide = n->count > 64;
    if (wide) {
        bsg__level *lv = level(v);
        uint32_t words = (n->count + 63) / 64;
        if (lv->seen_words < words) {
            lv->seen = bsg__realloc(lv->seen, words * sizeof *lv->seen);
            lv->seen_words = words;
        }
        seen = lv->seen;
        memset(seen, 0, words * sizeof *seen);
    }
    keyset ks;
    keyset_init(&ks);
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    uint32_t guess = 0;
    elem c;
    bool top = v->depth == 0;
    const bsg__field *fields = s->fields + n->first;
    while (!v->stop) {
        uint32_t i;
        __builtin_prefetch(p + 384);
        if (guess < n->count && expected_key(&fields[guess], p, end)) {
            /* The key is the field we expected next: skip the generic scan. */
            const bsg__field *f = &fields[guess];
            const uint8_t *q = p + 2 + f->len;
            uint64_t bit = UINT64_C(1) << (guess & 63);
            if (!wide && *p < 32 && (f->fast & (UINT32_C(1) << *p)) && !(seen0 & bit)) {
                /* ...and its value needs no more than its framing: done. */
                uint32_t size = value_length(v, *p, q, (uint32_t)(end - q));
                if (size == UINT32_MAX)
                    break;
                if (*p != 0x09 || date_in_range(&(elem){.val = q})) {
                    seen0 |= bit;
                    guess++;
                    p = q + size;
                    continue;
                }
            }
            c.type = *p;
            c.key = p + 1;
            c.klen = f->len;
            c.head = f->head;
            uint32_t size = value_length(v, c.type, q, (uint32_t)(end - q));
            if (size == UINT32_MAX)
                break;
            c.val = q;
            c.vlen = size;
            p = q + size;
            i = guess++;
        } else {
            if (!next_elem(v, &p, end, &c))
                break;
            i = find_field(s, n, &c, &guess);
        }
        /* (uint8_t)head is the first byte of the key, 0 for an empty key */
        if (top && (c.head == ID_HEAD || (uint8_t)c.head == '$') && !top_level_rules(v, &c))
            continue;
        if (i == BSG__NONE) {
            unknown_field(v, n, &ks, &c);
            continue;
        }
        uint64_t bit = UINT64_C(1) << (i & 63);
        uint64_t *word = wide ? &seen[i >> 6] : &seen0;
        if (*word & bit) {
            key_error(v, &c, "appears twice in the same document");
            walk_any_at(v, &c);
            continue;
        }
        *word |= bit;
        const bsg__field *f = &fields[i];
        if (c.type < 32 && (f->fast & (UINT32_C(1) << c.type)) &&
            (c.type != 0x09 || date_in_range(&c)))
            continue;
        push(v, s->pool + f->name, f->len);
        check_value(v, f->node, &c);
        pop(v);
    }
    check_terminator(v, end);
    if (!(n->flags & BSG__F_HAS_REQUIRED) || v->stop)
        return;
    if (!wide && !(n->reportable & ~seen0))
        return; /* every field that could be reported missing is there */
    if (!wide)
        seen = &seen0;
    for (uint32_t i = 0; i < n->count && !v->stop; i++) {
        if (seen[i >> 6] & (UINT64_C(1) << (i & 63)))
            continue;
        const bsg__field *f = &s->fields[n->first + i];
        const bsg__node *fn = &s->nodes[f->node];
        push(v, s->pool + f->name, f->len);
        if (fn->flags & BSG__F_REQUIRED)
            required_error(v, fn, NULL);
        else if (fn->type == BSG__T_NESTED)
            report_missing(v, fn);
        pop(v);
    }
}

/* MARK: - Entry point */

void bsg_options_init(bsg_options *opts)
{
    if (!opts)
        return;
    opts->max_errors = 100;
    opts->strict = BSG_STRICT_SCHEMA;
    opts->max_depth = SERVER_MAX_DEPTH;
    opts->max_size = SERVER_MAX_SIZE;
}

static void reset(bsg_result *r)
{
    r->count = 0;
    r->text_len = 0;
    r->truncated = false;
}

/* Document-level framing; false when the bytes cannot be walked. */
static bool check_frame(vstate *v, const uint8_t *data, size_t len, const bsg_options *o)
{
    if (len < 5) {
        malformed(v, data, len ? "shorter than the 5 bytes of an empty document"
                               : "no bytes");
        return false;
    }
    uint32_t n = rd32(data);
    if (n < 5 || n > len) {
        char what[120];
        snprintf(what, sizeof what, "length prefix says %u bytes, %zu available", n, len);
        malformed(v, data, what);
        return false;
    }
    /* The terminator is checked when the walk reaches it. */
    /* MongoDB's limit always holds; a lower configured cap is a `limit`. */
    if (n > SERVER_MAX_SIZE || (o->max_size && n > o->max_size)) {
        bool server = n > SERVER_MAX_SIZE;
        uint32_t cap = server ? SERVER_MAX_SIZE : o->max_size;
        char msg[160];
        snprintf(msg, sizeof msg, "document is %u bytes, over %s of %u bytes", n,
                 server ? "MongoDB's limit" : "the configured limit", cap);
        report(v, server ? BSG_KIND_SERVER : BSG_KIND_LIMIT, NULL, "", msg, NULL);
    }
    return true;
}

bool bsg_validate(const bsg_model *model, const uint8_t *data, size_t len,
                  const bsg_options *opts, bsg_result *result)
{
    if (!result)
        return false;
    reset(result);
    static const bsg_options defaults = {100, BSG_STRICT_SCHEMA, SERVER_MAX_DEPTH,
                                         SERVER_MAX_SIZE};
    if (!opts)
        opts = &defaults;
    vstate v;
    v.s = model ? model->owner : NULL;
    v.r = result;
    v.doc = data;
    v.doc_end = data ? data + len : NULL;
    v.max_errors = opts->max_errors;
    v.max_depth = opts->max_depth && opts->max_depth < SERVER_MAX_DEPTH ? opts->max_depth
                                                                       : SERVER_MAX_DEPTH;
    v.depth_kind = v.max_depth < SERVER_MAX_DEPTH ? BSG_KIND_LIMIT : BSG_KIND_SERVER;
    v.strict = opts->strict;
    v.stop = false;
    v.have_now = false;
    v.depth = 0;
    if (!model) {
        report(&v, BSG_KIND_MALFORMED, NULL, "", "no model to validate against", NULL);
    } else if (!data && len) {
        report(&v, BSG_KIND_MALFORMED, NULL, "", "no bytes", NULL);
    } else if (check_frame(&v, data ? data : (const uint8_t *)"", len, opts)) {
        uint32_t n = rd32(data);
        /* Documents in a dump or a batch lie back to back: start loading the
           next one while this one is checked. */
        __builtin_prefetch(data + n);
        __builtin_prefetch(data + n + 64);
        elem root = {.type = 0x03, .val = data, .vlen = n};
        walk_object(&v, model->root, &root);
        if (n < len && !v.stop)
            malformed(&v, data + n, "trailing bytes after the document");
    }
    bsg__result_finish(result);
    return result->count == 0;
}
