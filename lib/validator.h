/*
 * The validator's private interface, shared by its parts: the walk
 * (validate.c), error reporting (report.c), key sets (keyset.c) and path
 * validators (checks.c). Little-endian reads and the short-string scans are
 * inline here because every element goes through them.
 */
#ifndef BSG_VALIDATOR_H
#define BSG_VALIDATOR_H

#include "bytes.h"
#include "result.h"
#include "utf8.h"

#include <string.h>

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
    uint32_t max_array;  /* elements checked per array; UINT32_MAX = no cap */
    bsg_kind depth_kind; /* `server` at MongoDB's limit, `limit` below it */
    bsg_strict strict;   /* override, or BSG_STRICT_SCHEMA */
    bool stop;           /* cap reached or framing lost */
    uint32_t cuts;       /* containers a depth or array cap kept the walk out of */
    bool have_now;
    double now_ms;
    uint32_t depth;
    /* Strings the fast path settled whose UTF-8 check waits for the
       document's end, to be checked together (validate.c). A failed batch
       sets `redo`: the document is walked again, checking each string as
       it comes, which finds and reports the bad one in its place. */
    bool defer;
    bool redo;
    uint32_t nspans;
    bsg__span spans[BSG__SPANS];
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
/* MARK: - Paths */
static inline bool push(vstate *v, const char *key, uint32_t len)
{
    v->path[v->depth].key = key;
    v->path[v->depth].len = len;
    v->depth++;
    return true;
}

static inline void pop(vstate *v) { v->depth--; }

/* JavaScript dates span ±8.64e15 ms; the driver reads others as Invalid Date. */
static inline bool date_in_range(const elem *e)
{
    int64_t ms = rd64(e->val);
    return ms >= -8640000000000000LL && ms <= 8640000000000000LL;
}

/* Whether the BSON string at `val` is one of a string enum's values: a
   probe of the check's hash set (enumset.c). `val` must lie in the
   document (its 16-byte loads are bounded by v->doc_end). */
static inline bool bsg__enum_str_has(const vstate *v, const bsg__check *ck, const uint8_t *val)
{
    const bsg_schema *s = v->s;
    const uint32_t n = rd32(val) - 1;
    const uint8_t *str = val + 4;
    uint64_t head, head2;
    if (str + 16 <= v->doc_end) {
        /* Whole loads, with the bytes past the string masked off. */
        const uint64_t ones = ~UINT64_C(0);
        head = load64(str) & (n >= 8 ? ones : ~(ones << (8 * n)));
        head2 = n <= 8 ? 0 : load64(str + 8) & (n >= 16 ? ones : ~(ones << (8 * (n - 8))));
    } else {
        head = bsg__key_head(str, n);
        head2 = n > 8 ? bsg__key_head(str + 8, n - 8) : 0;
    }
    for (uint32_t h = bsg__enum_slot(str, n, head, head2);; h++) {
        const uint32_t slot = s->enum_slots[ck->slots + (h & ck->slot_mask)];
        if (!slot)
            return false;
        const bsg__strref *x = &s->enum_strs[slot - 1];
        if (x->len == n && x->head == head && x->head2 == head2 &&
            (n <= 16 || memcmp(s->pool + x->off + 16, str + 16, n - 16) == 0))
            return true;
    }
}

static inline const char *bsg__custom_or(const bsg_schema *s, uint32_t msg, const char *dflt)
{
    return msg != BSG__NONE ? s->pool + msg : dflt;
}

/* bsg_validate() with the deferral of UTF-8 checks (see vstate) chosen:
   the results must not depend on it (tests compare the two). */
bool bsg__validate_deferring(const bsg_model *model, const uint8_t *data, size_t len,
                             const bsg_options *opts, bsg_result *result, bool defer);

/* MARK: - Shared by the parts */

/* Reporting is cold: a valid document never calls it, so the compiler lays
   out the paths that lead to it away from the walk's. */
#define BSG__COLD __attribute__((cold))

/* Record one error at the current path (report.c). `msg` is a template
   ({PATH}, {VALUE}, …); `expected` names the SchemaType; `a` may be NULL. */
BSG__COLD void bsg__report(vstate *v, bsg_kind kind, const elem *e, const char *expected,
                           const char *msg, tmpl_args *a);

/* Clear a result for the next document (report.c). */
void bsg__report_reset(bsg_result *r);

/* Framing is lost at `at`: report it and stop reading this document. */
BSG__COLD void bsg__malformed(vstate *v, const uint8_t *at, const char *what);

/* A key MongoDB or the schema forbids (kind `key`), at the key's path. */
BSG__COLD void bsg__key_error(vstate *v, const elem *e, const char *why);

/* Run a path's validators in the order written (checks.c). */
void bsg__run_checks(vstate *v, const bsg__node *n, const elem *e);
/* The validators that also judge a null value (`validate: /re/`); true if
   one failed (and was reported). */
bool bsg__run_checks_on_null(vstate *v, const bsg__node *n, const elem *e);

/* Keys seen in one object where the schema does not list them (keyset.c):
   the first eight compared directly, then a per-depth hash table. */
typedef struct keyset {
    bsg__level *lv;
    uint32_t count;
    const uint8_t *keys[8];
    uint32_t lens[8];
    uint64_t heads[8];
} keyset;

static inline void bsg__keyset_init(keyset *ks)
{
    ks->lv = NULL;
    ks->count = 0;
}

/* Keys compare by length and first 8 bytes, then by the rest. */
static inline bool bsg__key_equal(const uint8_t *a, uint64_t ahead, uint32_t alen,
                                  const uint8_t *b, uint64_t bhead, uint32_t blen)
{
    return alen == blen && ahead == bhead && (alen <= 8 || memcmp(a + 8, b + 8, alen - 8) == 0);
}

bool bsg__keyset_add_table(vstate *v, keyset *ks, const elem *e);

/* Add a key; false if it was already there. The first 8 keys compare
   directly, inline; more go to a hash table (keyset.c). */
static inline bool bsg__keyset_add(vstate *v, keyset *ks, const elem *e)
{
    if (ks->count >= 8)
        return bsg__keyset_add_table(v, ks, e);
    for (uint32_t i = 0; i < ks->count; i++)
        if (bsg__key_equal(ks->keys[i], ks->heads[i], ks->lens[i], e->key, e->head, e->klen))
            return false;
    ks->keys[ks->count] = e->key;
    ks->heads[ks->count] = e->head;
    ks->lens[ks->count++] = e->klen;
    return true;
}

/* The per-depth scratch of the result (allocated once for every depth). */
bsg__level *bsg__depth_scratch(vstate *v);

#endif
