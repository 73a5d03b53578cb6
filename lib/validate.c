/*
 * The validator: one forward pass over the bytes, with its own
 * bounds-checked reader (libbson's bson_validate is unreliable on Debian 12,
 * DESIGN.md §8). It checks well-formedness as it goes, MongoDB's server rules
 * and every schema path, and records errors only when something is wrong:
 * a valid document allocates nothing once the result has been used.
 */
#include "validator.h"

#include <math.h>
#include <stdio.h>

static void walk_object(vstate *v, uint32_t node, const elem *e);
static void walk_array(vstate *v, const bsg__node *n, const elem *e);
static void walk_map(vstate *v, const bsg__node *n, const elem *e);
static void walk_any(vstate *v, const elem *e);
static void check_value(vstate *v, uint32_t node, const elem *e);

/* MARK: - Reading elements */

/* The byte length of a value of `type` at p, with `avail` bytes left before
   the enclosing terminator; UINT32_MAX (reported, v->stop) when it does not
   fit or is malformed. Strings are UTF-8 checked here, so every walk gets it. */
static __attribute__((noinline, cold)) uint32_t
value_length_slow(vstate *v, const uint8_t *type_at, const uint8_t *p, uint32_t avail)
{
    uint8_t type = *type_at;
    uint32_t n = type < 32 ? bsg__fixed_size[type] : BSG__VARIABLE;
    if (n != BSG__VARIABLE) {
        if (n > avail)
            goto short_;
        return n;
    }
    switch (type) {
    case 0x00: /* a key the walk expected, after a terminator byte */
        bsg__malformed(v, type_at, "unexpected 0x00 before the end of the document");
        return UINT32_MAX;
    case 0x7F: case 0xFF: n = 0; break;
    case 0x08:
        if (avail < 1) goto short_;
        if (p[0] > 1) { bsg__malformed(v, p, "boolean byte is not 0 or 1"); return UINT32_MAX; }
        n = 1;
        break;
    case 0x02: case 0x0D: case 0x0E:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n < 1) { bsg__malformed(v, p, "string length is 0; it must count the string's NUL"); return UINT32_MAX; }
        if (n > avail - 4) goto bad_len;
        if (p[4 + n - 1] != 0) { bsg__malformed(v, p, "string is not NUL-terminated"); return UINT32_MAX; }
        if (!bsg__utf8_valid(p + 4, n - 1)) { bsg__malformed(v, p, "string is not valid UTF-8"); return UINT32_MAX; }
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
            bsg__malformed(v, p, "old binary (subtype 2) has an inconsistent inner length");
            return UINT32_MAX;
        }
        n += 5;
        break;
    case 0x0B: {
        const uint8_t *a = memchr(p, 0, avail);
        const uint8_t *b = a ? memchr(a + 1, 0, avail - (uint32_t)(a + 1 - p)) : NULL;
        if (!b) goto short_;
        if (!bsg__utf8_valid(p, (size_t)(a - p)) || !bsg__utf8_valid(a + 1, (size_t)(b - a - 1))) {
            bsg__malformed(v, p, "regex is not valid UTF-8");
            return UINT32_MAX;
        }
        n = (uint32_t)(b + 1 - p);
        break;
    }
    case 0x0C:
        if (avail < 5) goto short_;
        n = rd32(p);
        if (n < 1 || n > avail - 4 || avail - 4 - n < 12) goto bad_len;
        if (p[4 + n - 1] != 0 || !bsg__utf8_valid(p + 4, n - 1)) {
            bsg__malformed(v, p, "dbPointer namespace is not a valid string");
            return UINT32_MAX;
        }
        n += 16;
        break;
    case 0x0F: {
        if (avail < 14) goto short_;
        n = rd32(p);
        if (n < 14 || n > avail) goto bad_len;
        uint32_t sl = rd32(p + 4);
        if (sl < 1 || sl > n - 13 || p[8 + sl - 1] != 0 || !bsg__utf8_valid(p + 8, sl - 1)) {
            bsg__malformed(v, p, "code-with-scope string is malformed");
            return UINT32_MAX;
        }
        uint32_t dl = rd32(p + 8 + sl);
        if (8 + sl + dl != n || dl < 5 || p[n - 1] != 0) {
            bsg__malformed(v, p, "code-with-scope lengths disagree");
            return UINT32_MAX;
        }
        break;
    }
    default: {
        char what[64];
        snprintf(what, sizeof what, "unknown element type 0x%02X", type);
        bsg__malformed(v, type_at, what);
        return UINT32_MAX;
    }
    }
    if (n > avail)
        goto short_;
    return n;
bad_len:
    bsg__malformed(v, p, "length prefix runs past the end of its document");
    return UINT32_MAX;
short_:
    bsg__malformed(v, p, "value runs past the end of its document");
    return UINT32_MAX;
}

/* Check the batch of deferred strings now; if one is not UTF-8, stop the
   walk and have it done again (`redo`). */
static __attribute__((noinline)) void check_spans(vstate *v)
{
    if (!bsg__utf8_valid_spans(v->spans, v->nspans))
        v->redo = v->stop = true;
    v->nspans = 0;
}

/* Leave the UTF-8 check of the string s[0..len) for the batch, where it
   qualifies (see vstate); false when it must be checked now. */
static inline bool defer_check(vstate *v, const uint8_t *s, size_t len, size_t readable)
{
    if (!v->defer || len > BSG__SPAN_MAX || readable - (len & ~(size_t)31) < 32)
        return false;
    if (v->nspans == BSG__SPANS)
        check_spans(v); /* (a failure stops the walk) */
    v->spans[v->nspans++] = (bsg__span){s, len};
    return true;
}

/* The common cases inline: fixed-width values and ASCII-checked strings.
   With `defer`, the UTF-8 check of a longer string may wait (see vstate):
   only for a value the caller settles inline, or reads again without. */
static inline __attribute__((always_inline)) uint32_t
value_length(vstate *v, uint8_t type, const uint8_t *type_at, const uint8_t *p, uint32_t avail,
             const bool defer)
{
    /* MinKey and MaxKey go the slow way. */
    uint32_t n = type < 32 ? bsg__fixed_size[type] : BSG__VARIABLE;
    if (n != BSG__VARIABLE) {
        if (n > avail) {
            bsg__malformed(v, p, "value runs past the end of its document");
            return UINT32_MAX;
        }
        return n;
    }
    if (type == 0x08 && avail >= 1 && p[0] <= 1) {
        return 1; /* a boolean's byte is 0 or 1 */
    } else if ((type == 0x03 || type == 0x04) && avail >= 5) {
        n = rd32(p);
        if (n >= 5 && n <= avail)
            return n; /* the walk checks the terminator when it gets there */
    } else if (type == 0x02 && avail >= 5) {
        n = rd32(p);
        if (n >= 1 && n <= avail - 4) {
            /* k: bytes known to be ASCII (all before the first that is
               not). Up to 16 bytes: the ASCII prefix, without a loop. Up
               to 47 (names, tags, paths): one all-ASCII pass. Longer text
               likely holds multi-byte characters: straight to the SIMD
               validator, or into the batch of deferred checks. The scans
               may read (never judge) up to the document's end, so a
               string near the end of its container keeps whole loads. */
            const size_t len = n - 1, readable = (size_t)(v->doc_end - (p + 4));
            size_t k = len <= 16 ? bsg__ascii_prefix(p + 4, len, readable)
                       : len < 48 && bsg__all_ascii(p + 4, len, readable) ? len
                                                                          : 0;
            /* The terminator is read after the scan has brought its line in. */
            if (k == len || (defer && k == 0 && defer_check(v, p + 4, len, readable)) ||
                bsg__utf8_valid_long(p + 4 + k, len - k, readable - k)) {
                if (p[4 + len] == 0)
                    return n + 4;
            }
        }
    }
    return value_length_slow(v, type_at, p, avail);
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
        bsg__malformed(v, p - 1, "unexpected 0x00 before the end of the document");
        return false;
    }
    const uint8_t *nul;
    e->key = p;
    if (v->doc_end - p >= 8) {
        /* Most keys are short ASCII: find the NUL and check for high bits in
           one 8-byte word (read within the document; the NUL must lie within
           this container). */
        uint64_t w = load64(p);
        uint64_t zero = (w - LOW_BITS) & ~w & HIGH_BITS;
        if (zero) {
            unsigned k = (unsigned)__builtin_ctzll(zero) >> 3;
            uint64_t below = ((zero & (~zero + 1)) >> 7) - 1; /* the bytes before the NUL */
            if (!(w & below & HIGH_BITS) && p + k < end) {
                e->klen = k;
                e->head = w & below;
                nul = p + k;
                goto found;
            }
        } else if (v->doc_end - p >= 16 && !(w & HIGH_BITS)) {
            uint64_t w2 = load64(p + 8);
            uint64_t zero2 = (w2 - LOW_BITS) & ~w2 & HIGH_BITS;
            if (zero2) {
                unsigned k = (unsigned)__builtin_ctzll(zero2) >> 3;
                uint64_t below = ((zero2 & (~zero2 + 1)) >> 7) - 1;
                if (!(w2 & below & HIGH_BITS) && p + 8 + k < end) {
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
        bsg__malformed(v, p, "field name is not NUL-terminated");
        return false;
    }
    e->klen = (uint32_t)(nul - p);
    if (!bsg__utf8_valid(p, e->klen)) {
        bsg__malformed(v, p, "field name is not valid UTF-8");
        return false;
    }
    e->head = bsg__key_head(p, e->klen);
found:
    p = nul + 1;
    uint32_t n = value_length(v, e->type, e->key - 1, p, (uint32_t)(end - p), false);
    if (n == UINT32_MAX)
        return false;
    e->val = p;
    e->vlen = n;
    *pp = p + n;
    return true;
}

/* Read the element at *pp whose key (klen bytes and a NUL) is already
   known to match; false when its value is malformed (v->stop). */
static inline __attribute__((always_inline)) bool
read_known_key(vstate *v, const uint8_t **pp, const uint8_t *end, uint32_t klen, uint64_t head,
               elem *c)
{
    const uint8_t *p = *pp, *q = p + 2 + klen;
    uint32_t size = value_length(v, *p, p, q, (uint32_t)(end - q), false);
    if (size == UINT32_MAX)
        return false;
    c->type = *p;
    c->key = p + 1;
    c->klen = klen;
    c->head = head;
    c->val = q;
    c->vlen = size;
    *pp = q + size;
    return true;
}

/* A container's last byte, checked once its walk has reached it. */
static inline void check_terminator(vstate *v, const uint8_t *end)
{
    if (*end != 0)
        bsg__malformed(v, end, "document is not terminated by 0x00");
}

/* MARK: - Settling values inline */

/* Whether the string at val starts with the path's planned prefix, read
   as two masked words where the document has the bytes to read them. */
static inline bool has_prefix(const vstate *v, const bsg__node *n, const uint8_t *val)
{
    return rd32(val) - 1 >= n->qprefix_len && v->doc_end - (val + 4) >= 16 &&
           (load64(val + 4) & n->qprefix_mask[0]) == n->qprefix[0] &&
           (load64(val + 12) & n->qprefix_mask[1]) == n->qprefix[1];
}

/* Whether the path's quick range decides the value (fastpath.c): its
   measure within [qlo, qhi] and, with an enum, one of its strings; for an
   array path, that the array is empty. */
static inline bool quick_passes(const vstate *v, const bsg__node *n, uint8_t type,
                                const uint8_t *val)
{
    double x;
    switch (type) {
    case 0x04: /* an empty array, one level in (see may_descend()) */
        return rd32(val) == 5 && val[4] == 0 && v->depth + 1 < v->max_depth;
    case 0x02: /* byte length, and a literal prefix */
        x = (double)(rd32(val) - 1);
        if (n->qprefix_len && !has_prefix(v, n, val))
            return false;
        break;
    case 0x01: x = rddouble(val); break;
    case 0x10: x = (double)(int32_t)rd32(val); break;
    default: x = (double)rd64(val); break; /* int64, date */
    }
    return x >= n->qlo && x <= n->qhi &&
           (n->qenum == BSG__NONE || bsg__enum_str_has(v, &v->s->checks[n->qenum], val));
}

/* Whether a value whose framing is checked needs nothing more at a path
   with these masks (node n): the walk's way around check_value(). */
static inline bool settled(const vstate *v, const bsg__node *n, uint32_t fast, uint32_t quick,
                           uint8_t type, const uint8_t *val)
{
    const uint32_t bit = type < 32 ? UINT32_C(1) << type : 0;
    return (fast & bit) && (!(quick & bit) || quick_passes(v, n, type, val));
}

/* MARK: - Nesting */

/* Entering a container below the depth cap? Report once where it is cut. */
static bool may_descend(vstate *v, const elem *e)
{
    if (v->depth < v->max_depth)
        return true;
    v->cuts++;
    tmpl_args a = {0};
    char msg[200];
    snprintf(msg, sizeof msg,
             v->depth_kind == BSG_KIND_SERVER
                 ? "Path `{PATH}` nests deeper than %u levels: MongoDB rejects the document"
                 : "Path `{PATH}` nests deeper than the configured depth limit (%u)",
             v->max_depth);
    bsg__report(v, v->depth_kind, e, "", msg, &a);
    return false;
}

/* An array longer than the configured cap: report it once; the caller stops
   checking its elements, so a huge array costs no more than the cap. */
static void array_too_long(vstate *v, const elem *e)
{
    v->cuts++;
    tmpl_args a = {0};
    char msg[200];
    snprintf(msg, sizeof msg, "Path `{PATH}` has more than the configured %u array elements",
             v->max_array);
    bsg__report(v, BSG_KIND_LIMIT, e, "", msg, &a);
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
    bsg__keyset_init(&ks);
    elem c;
    uint32_t index = 0;
    while (!v->stop && next_elem(v, &p, end, &c)) {
        if (array && index >= v->max_array) {
            array_too_long(v, e);
            return;
        }
        if (!array) {
            if (c.klen == 0)
                bsg__key_error(v, &c, "has an empty name");
            else if (!bsg__keyset_add(v, &ks, &c))
                bsg__key_error(v, &c, "appears twice in the same document");
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

/* MARK: - Values */

static void type_error(vstate *v, const bsg__node *n, const elem *e)
{
    char msg[200];
    tmpl_args a = {0};
    a.quote_value = true;
    snprintf(msg, sizeof msg, "Cast to %s failed for value {VALUE} (type %s) at path \"{PATH}\"",
             v->s->pool + n->label, bsg__bson_type_alias(e->type));
    bsg__report(v, BSG_KIND_TYPE, e, v->s->pool + n->label, msg, &a);
    walk_any(v, e);
}

static void required_error(vstate *v, const bsg__node *n, const elem *e)
{
    bsg__report(v, BSG_KIND_REQUIRED, e, v->s->pool + n->label,
           bsg__custom_or(v->s, n->req_msg, "Path `{PATH}` is required."), NULL);
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

/* Walk a container value of the node's own type, which has no validators. */
static void enter(vstate *v, uint32_t node, const bsg__node *n, const elem *e)
{
    switch (n->type) {
    case BSG__T_ARRAY: walk_array(v, n, e); break;
    case BSG__T_MAP: walk_map(v, n, e); break;
    case BSG__T_MIXED: walk_any(v, e); break;
    default: walk_object(v, node, e); break;
    }
}

/* Check a value the fast paths did not settle: walk straight into a
   container of the path's own type, else the full checks. */
static inline void check_or_enter(vstate *v, uint32_t node, const elem *e)
{
    const bsg__node *n = &v->s->nodes[node];
    if (e->type == n->descend)
        enter(v, node, n, e);
    else
        check_value(v, node, e);
}

/* If the element at p has the decimal index (below 1000) as its key, the
   key's length; else 0. */
static inline uint32_t index_key_length(const vstate *v, uint32_t index, const uint8_t *p,
                                        const uint8_t *end)
{
    /* Read 4 bytes within the document; the key's NUL must lie within this
       array, before its terminator. */
    if (v->doc_end - p < 5)
        return 0;
    uint32_t w = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
                 (uint32_t)p[4] << 24;
    uint32_t k = 0;
    if (index < 10)
        k = (w & 0xFFFF) == '0' + index ? 1 : 0;
    else if (index < 100)
        k = (w & 0xFFFFFF) == (('0' + index / 10) | ('0' + index % 10) << 8) ? 2 : 0;
    else if (index < 1000)
        k = w == (('0' + index / 100) | ('0' + index / 10 % 10) << 8 | ('0' + index % 10) << 16)
                ? 3 : 0;
    return k && p + 1 + k < end ? k : 0;
}

static void walk_array(vstate *v, const bsg__node *n, const elem *e)
{
    if (!may_descend(v, e))
        return;
    const uint8_t *p = e->val + 4, *end = e->val + e->vlen - 1;
    const bsg__node *en = &v->s->nodes[n->elem];
    const uint32_t fast = en->fast, quick = en->quick;
    elem c;
    uint32_t index = 0;
    /* Elements of a fixed width the path settles by their framing alone
       (ObjectIds, mostly): under index 10, one compare of the type byte,
       the one-digit key and its NUL per element. */
    const uint8_t first = *p;
    const uint32_t width = first < 32 ? bsg__fixed_size[first] : BSG__VARIABLE;
    if (width != BSG__VARIABLE && (fast & ~quick & (UINT32_C(1) << first))) {
        const uint32_t stride = 3 + width, limit = v->max_array < 10 ? v->max_array : 10;
        uint32_t head = first | (uint32_t)'0' << 8;
        while (index < limit && (size_t)(end - p) >= stride && (rd32(p) & 0xFFFFFF) == head) {
            p += stride;
            head += 1u << 8;
            index++;
        }
    }
    while (!v->stop) {
        if (__builtin_expect(index >= v->max_array, 0) && p < end) {
            array_too_long(v, e);
            return;
        }
        uint32_t klen = index_key_length(v, index, p, end);
        if (klen) {
            /* The key is the index written out, as arrays normally are. */
            const uint8_t *q = p + 2 + klen;
            if (*p < 32 && (fast & (UINT32_C(1) << *p))) {
                uint32_t size = value_length(v, *p, p, q, (uint32_t)(end - q), false);
                if (size == UINT32_MAX)
                    break;
                if (!(quick & (UINT32_C(1) << *p)) || quick_passes(v, en, *p, q)) {
                    index++;
                    p = q + size;
                    continue;
                }
            }
            if (!read_known_key(v, &p, end, klen, 0, &c)) /* arrays never use the head */
                break;
        } else if (!next_elem(v, &p, end, &c)) {
            break;
        }
        if (settled(v, en, fast, quick, c.type, c.val)) {
            index++;
            continue;
        }
        v->path[v->depth] = (path_seg){NULL, index++};
        v->depth++;
        check_or_enter(v, n->elem, &c);
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
    const bsg__node *en = &v->s->nodes[n->elem];
    keyset ks;
    bsg__keyset_init(&ks);
    elem c;
    while (!v->stop && next_elem(v, &p, end, &c)) {
        if (c.klen == 0)
            bsg__key_error(v, &c, "has an empty name; Map keys must be non-empty");
        else if ((uint8_t)c.head == '$')
            bsg__key_error(v, &c, "starts with `$`, which Map keys may not");
        else if (has_dot(&c))
            bsg__key_error(v, &c, "contains `.`, which Map keys may not");
        else if (!bsg__keyset_add(v, &ks, &c))
            bsg__key_error(v, &c, "appears twice in the same Map");
        else if (settled(v, en, en->fast, en->quick, c.type, c.val))
            continue; /* a value that needs nothing beyond its framing */
        else {
            push(v, (const char *)c.key, c.klen);
            check_or_enter(v, n->elem, &c);
            pop(v);
            continue;
        }
        walk_any_at(v, &c);
    }
    check_terminator(v, end);
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

/* Whether a Union member takes the stored type (by the whole type rule:
   a NaN double goes past Number to a Double member). */
static bool union_takes(const bsg_schema *s, uint32_t node, const elem *e)
{
    const bsg__node *m = &s->nodes[node];
    return e->type == 0x0A || m->type == BSG__T_MIXED || type_matches(m, e);
}

static void check_union(vstate *v, const bsg__node *n, const elem *e)
{
    for (uint32_t i = 0; i < n->count; i++) {
        uint32_t m = v->s->members[n->first + i];
        if (union_takes(v->s, m, e)) {
            check_value(v, m, e);
            return;
        }
    }
    type_error(v, n, e);
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

/* A null value: it passes unless something judges null. Out of line: rare. */
static __attribute__((noinline, cold)) void null_value(vstate *v, const bsg__node *n,
                                                       const elem *e)
{
    if (n->flags & BSG__F_REQUIRED)
        required_error(v, n, e);
    else if (n->type == BSG__T_NESTED)
        report_missing(v, n);
    else if (!(n->nchecks && bsg__run_checks_on_null(v, n, e)) &&
             (n->flags & BSG__F_NO_NULL)) /* Mongoose runs allowNull last */
        bsg__report(v, BSG_KIND_ALLOW_NULL, e, v->s->pool + n->label,
                    "Path `{PATH}` does not allow null values.", NULL);
}

/* A container with validators of its own (`validate` on an array, a Map or
   a subdocument path): they judge the whole value once the walk has checked
   all of it (no cap cut it short). */
static __attribute__((noinline)) void container_with_checks(vstate *v, uint32_t node,
                                                            const bsg__node *n, const elem *e)
{
    const uint32_t cuts = v->cuts;
    if (n->type == BSG__T_ARRAY)
        walk_array(v, n, e);
    else if (n->type == BSG__T_MAP)
        walk_map(v, n, e);
    else
        walk_object(v, node, e);
    if (!v->stop && v->cuts == cuts)
        bsg__run_checks(v, n, e);
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
        null_value(v, n, e);
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
    bool container = n->type == BSG__T_ARRAY || n->type == BSG__T_MAP ||
                     n->type == BSG__T_EMBEDDED || n->type == BSG__T_NESTED;
    if (container && n->nchecks) {
        container_with_checks(v, node, n, e);
        return;
    }
    if (container)
        enter(v, node, n, e);
    else if (n->nchecks)
        bsg__run_checks(v, n, e);
}

/* MARK: - Objects */

static inline bool field_is(const bsg_schema *s, const bsg__field *f, const elem *e)
{
    return f->len == e->klen && f->head == e->head &&
           (e->klen <= 8 || memcmp(s->pool + f->name + 8, e->key + 8, e->klen - 8) == 0);
}

/* Whether a[0..n) equals b[0..n), for 1 <= n <= 16, reading nothing else. */
static inline bool short_equal(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    if (n >= 8)
        return load64(a) == load64(b) && load64(a + n - 8) == load64(b + n - 8);
    if (n >= 4)
        return rd32(a) == rd32(b) && rd32(a + n - 4) == rd32(b + n - 4);
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* Whether the element at p (its type byte) has field f's name as its key. */
static inline bool expected_key(const bsg_schema *s, const bsg__field *f, const uint8_t *p,
                                const uint8_t *end)
{
    if (end - p >= 17) {
        /* The 16 bytes after the type byte lie within this container: two
           masked compares take a name of up to 15 bytes and its NUL, or
           the start of a longer one. */
        if ((load64(p + 1) & f->key_mask[0]) != f->key_word[0] ||
            (load64(p + 9) & f->key_mask[1]) != f->key_word[1])
            return false;
        return f->len < 16 || (p + 1 + f->len < end &&
                               memcmp(p + 17, s->pool + f->name + 16, f->len - 15) == 0);
    }
    /* Near the end: the name and its NUL must lie within this container. */
    if (p + 1 + f->len >= end)
        return false;
    return short_equal(p + 1, (const uint8_t *)s->pool + f->name, f->len + 1);
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
/* The types MongoDB rejects for a top-level `_id`. */
#define BAD_ID_TYPES (BSG__M(BSG__BSON_ARRAY) | BSG__M(BSG__BSON_REGEX) | BSG__M(BSG__BSON_UNDEFINED))

/* Whether the element is an `_id` MongoDB rejects (at the top level). */
static inline bool bad_id(const elem *e)
{
    return e->head == ID_HEAD && e->type < 32 && (BAD_ID_TYPES & (UINT32_C(1) << e->type));
}

/* Server rules on the top level (DESIGN.md §5.1). */
static bool top_level_rules(vstate *v, const elem *e)
{
    if (bad_id(e)) {
        char msg[120];
        snprintf(msg, sizeof msg, "MongoDB rejects an `_id` of type %s",
                 bsg__bson_type_alias(e->type));
        push(v, "_id", 3);
        bsg__report(v, BSG_KIND_SERVER, e, "", msg, NULL);
        pop(v);
        walk_any_at(v, e);
        return false;
    }
    if (e->klen && e->key[0] == '$') {
        bsg__key_error(v, e, "starts with `$`: MongoDB rejects `$`-prefixed names at the top level");
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
        const uint8_t *type_at = p++;
        uint8_t type = *type_at;
        const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
        if (!type || !nul)
            return node;
        bool hit = (uint32_t)(nul - p) == d->key_len && memcmp(p, s->pool + d->key, d->key_len) == 0;
        p = nul + 1;
        bool was_stopped = v->stop;
        v->stop = true; /* bsg__malformed() is then silent */
        uint32_t n = value_length(v, type, type_at, p, (uint32_t)(end - p), false);
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
        bsg__key_error(v, e, "has an empty name");
    else if (!bsg__keyset_add(v, ks, e))
        bsg__key_error(v, e, "appears twice in the same document");
    else if (strict_of(v, n) == BSG_STRICT_THROW) {
        push(v, (const char *)e->key, e->klen);
        bsg__report(v, BSG_KIND_UNKNOWN, e, "",
               "Field `{PATH}` is not in schema and strict mode is set to throw.", NULL);
        pop(v);
    }
    walk_any_at(v, e);
}

/* An object's walk between elements: where it is, which fields it has
   seen, and the keys outside the schema. */
typedef struct objwalk {
    const bsg__node *n;
    const bsg__field *fields;
    const uint8_t *p, *end;
    uint32_t guess;   /* the field expected next */
    uint64_t seen0;   /* seen fields, up to 64 */
    uint64_t *seen;   /* ...or in per-depth scratch (wide objects) */
    keyset ks;
} objwalk;

/* One element the fast path did not settle, read and checked the general
   way; false when the object ends here (its end, or framing lost). Out of
   line, so that the fast path keeps its state in registers. */
static __attribute__((noinline)) bool general_step(vstate *v, objwalk *w, const bool wide)
{
    const bsg_schema *s = v->s;
    const bsg__node *n = w->n;
    elem c;
    uint32_t i;
    if (w->guess < n->count && expected_key(s, &w->fields[w->guess], w->p, w->end)) {
        /* The key is the field we expected next: skip the generic scan. */
        const bsg__field *f = &w->fields[w->guess];
        if (!read_known_key(v, &w->p, w->end, f->len, f->head, &c))
            return false;
        i = w->guess++;
    } else {
        if (!next_elem(v, &w->p, w->end, &c))
            return false;
        i = find_field(s, n, &c, &w->guess);
    }
    /* (uint8_t)head is the first byte of the key, 0 for an empty key */
    if (v->depth == 0 && (bad_id(&c) || (uint8_t)c.head == '$') && !top_level_rules(v, &c))
        return true;
    if (i == BSG__NONE) {
        unknown_field(v, n, &w->ks, &c);
        return true;
    }
    uint64_t bit = UINT64_C(1) << (i & 63);
    uint64_t *word = wide ? &w->seen[i >> 6] : &w->seen0;
    if (*word & bit) {
        bsg__key_error(v, &c, "appears twice in the same document");
        walk_any_at(v, &c);
        return true;
    }
    *word |= bit;
    const bsg__field *f = &w->fields[i];
    if (settled(v, &s->nodes[f->node], f->fast, f->quick, c.type, c.val))
        return true;
    push(v, s->pool + f->name, f->len);
    check_or_enter(v, f->node, &c);
    pop(v);
    return true;
}

/* The fields of an object: one walk, instantiated for objects of at most
   64 fields (their seen-bits in a register, and the fast path) and for
   wider ones (seen-bits in per-depth scratch). */
static inline __attribute__((always_inline)) void
walk_fields(vstate *v, const bsg__node *n, const elem *e, const bool wide)
{
    const bsg_schema *s = v->s;
    objwalk w;
    w.n = n;
    w.fields = s->fields + n->first;
    w.end = e->val + e->vlen - 1;
    w.seen = NULL;
    bsg__keyset_init(&w.ks);
    if (wide) {
        bsg__level *lv = bsg__depth_scratch(v);
        uint32_t words = (n->count + 63) / 64;
        if (lv->seen_words < words) {
            lv->seen = bsg__realloc(lv->seen, words * sizeof *lv->seen);
            lv->seen_words = words;
        }
        w.seen = lv->seen;
        memset(w.seen, 0, words * sizeof *w.seen);
    }
    /* The fast path's state, in locals: written back around general_step().
       Wide objects skip it (count 0). */
    const bsg__field *fields = w.fields;
    const bsg__node *nodes = s->nodes;
    const uint8_t *p = e->val + 4, *const end = w.end;
    const uint32_t count = wide ? 0 : n->count;
    uint32_t guess = 0;
    uint64_t seen0 = 0;
    while (!v->stop) {
        __builtin_prefetch(p + 384);
        /* The key is the field we expected next, or the one after it (an
           optional field left out)... */
        const bsg__field *f = NULL;
        if (guess < count && expected_key(s, &fields[guess], p, end))
            f = &fields[guess];
        else if (guess + 1 < count && expected_key(s, &fields[guess + 1], p, end))
            f = &fields[++guess];
        /* (a field seen before takes the general step, which reports it) */
        if (f && !(seen0 & (UINT64_C(1) << guess))) {
            const uint8_t t = *p, *q = p + 2 + f->len;
            if (t < 32 && (f->fast & (UINT32_C(1) << t))) {
                /* ...and its value needs no more than its framing: done. */
                uint32_t size = value_length(v, t, p, q, (uint32_t)(end - q), true);
                if (size == UINT32_MAX)
                    break;
                if (!(f->quick & (UINT32_C(1) << t)) || quick_passes(v, &nodes[f->node], t, q)) {
                    seen0 |= UINT64_C(1) << guess;
                    guess++;
                    p = q + size;
                    continue;
                }
                /* (A string goes on to the general step, which reads it
                   again and checks its UTF-8 before anything else.) */
            }
            if (t == nodes[f->node].descend && !(v->depth == 0 && f->head == ID_HEAD)) {
                /* ...or a container of its own type: walk into it (a
                   top-level `_id` has server rules to check first). */
                elem c;
                if (!read_known_key(v, &p, end, f->len, f->head, &c))
                    break;
                seen0 |= UINT64_C(1) << guess;
                guess++;
                push(v, s->pool + f->name, f->len);
                enter(v, f->node, &nodes[f->node], &c);
                pop(v);
                continue;
            }
        }
        if (p >= end)
            break; /* the object's end, the common way out */
        w.p = p;
        w.guess = guess;
        w.seen0 = seen0;
        const bool more = general_step(v, &w, wide);
        p = w.p;
        guess = w.guess;
        seen0 = w.seen0;
        if (!more)
            break;
    }
    check_terminator(v, end);
    if (!(n->flags & BSG__F_HAS_REQUIRED) || v->stop)
        return;
    if (!wide && !(n->reportable & ~seen0))
        return; /* every field that could be reported missing is there */
    const uint64_t *seen = wide ? w.seen : &seen0;
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

static __attribute__((noinline)) void walk_wide_object(vstate *v, const bsg__node *n,
                                                       const elem *e)
{
    walk_fields(v, n, e, true);
}

static void walk_object(vstate *v, uint32_t node, const elem *e)
{
    if (v->depth > 0 && !may_descend(v, e))
        return;
    if (v->s->nodes[node].disc != BSG__NONE)
        node = discriminate(v, node, e);
    const bsg__node *n = &v->s->nodes[node];
    if (n->count > 64)
        walk_wide_object(v, n, e);
    else
        walk_fields(v, n, e, false);
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
    opts->max_array_length = 0;
}

/* Document-level framing; false when the bytes cannot be walked. */
static bool check_frame(vstate *v, const uint8_t *data, size_t len, const bsg_options *o)
{
    if (len < 5) {
        bsg__malformed(v, data, len ? "shorter than the 5 bytes of an empty document"
                               : "no bytes");
        return false;
    }
    uint32_t n = rd32(data);
    if (n < 5 || n > len) {
        char what[120];
        snprintf(what, sizeof what, "length prefix says %u bytes, %zu available", n, len);
        bsg__malformed(v, data, what);
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
        bsg__report(v, server ? BSG_KIND_SERVER : BSG_KIND_LIMIT, NULL, "", msg, NULL);
    }
    return true;
}

/* One walk of the document; false when a deferred UTF-8 check failed and
   the walk must be done again without deferring. */
static bool validate_once(vstate *v, const bsg_model *model, const uint8_t *data, size_t len,
                          const bsg_options *opts, bool defer)
{
    v->max_errors = opts->max_errors;
    v->max_depth = opts->max_depth && opts->max_depth < SERVER_MAX_DEPTH ? opts->max_depth
                                                                        : SERVER_MAX_DEPTH;
    v->depth_kind = v->max_depth < SERVER_MAX_DEPTH ? BSG_KIND_LIMIT : BSG_KIND_SERVER;
    v->strict = opts->strict;
    v->max_array = opts->max_array_length ? opts->max_array_length : UINT32_MAX;
    v->stop = false;
    v->cuts = 0;
    v->have_now = false;
    v->depth = 0;
    v->defer = defer;
    v->redo = false;
    v->nspans = 0;
    if (!model) {
        bsg__report(v, BSG_KIND_MALFORMED, NULL, "", "no model to validate against", NULL);
    } else if (!data && len) {
        bsg__report(v, BSG_KIND_MALFORMED, NULL, "", "no bytes", NULL);
    } else if (check_frame(v, data ? data : (const uint8_t *)"", len, opts)) {
        uint32_t n = rd32(data);
        /* Documents in a dump or a batch lie back to back: start loading the
           next one while this one is checked. */
        __builtin_prefetch(data + n);
        __builtin_prefetch(data + n + 64);
        elem root = {.type = 0x03, .val = data, .vlen = n};
        walk_object(v, model->root, &root);
        if (n < len && !v->stop)
            bsg__malformed(v, data + n, "trailing bytes after the document");
    }
    if (v->nspans)
        check_spans(v);
    return !v->redo;
}

bool bsg_validate(const bsg_model *model, const uint8_t *data, size_t len,
                  const bsg_options *opts, bsg_result *result)
{
    /* Deferred UTF-8 checks need the batch validator (AVX2), and a walk
       that may be done twice must not call validators registered through
       the C API twice. */
    const bool defer = model && model->owner->nusers == 0 && bsg__utf8_spans_fast();
    return bsg__validate_deferring(model, data, len, opts, result, defer);
}

bool bsg__validate_deferring(const bsg_model *model, const uint8_t *data, size_t len,
                             const bsg_options *opts, bsg_result *result, bool defer)
{
    if (!result)
        return false;
    if (result->count || result->text_len || result->truncated)
        bsg__report_reset(result); /* after an invalid document only */
    static const bsg_options defaults = {100, BSG_STRICT_SCHEMA, SERVER_MAX_DEPTH,
                                         SERVER_MAX_SIZE, 0};
    if (!opts)
        opts = &defaults;
    vstate v;
    v.s = model ? model->owner : NULL;
    v.r = result;
    v.doc = data;
    v.doc_end = data ? data + len : NULL;
    if (!validate_once(&v, model, data, len, opts, defer)) {
        bsg__report_reset(result);
        validate_once(&v, model, data, len, opts, false);
    }
    if (result->count)
        bsg__result_finish(result);
    return result->count == 0;
}
