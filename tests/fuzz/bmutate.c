/*
 * Structure-aware BSON mutation and random documents (bmutate.h). The tree
 * (btree.h) carries the structure; this file decides what to change. Values
 * come from small tables of what matters to bsonguard: the field names of the
 * fuzzed schemas, boundary numbers, strings that are or are not UTF-8, and
 * nesting chains around MongoDB's 180-level limit.
 */
#include "bmutate.h"

#include "btree.h"

#include <stdlib.h>
#include <string.h>

/* MARK: - Tables */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct bytes {
    const char *p;
    uint32_t n;
} bytes;
#define B(s) {s, sizeof(s) - 1}

/* Field names of the fuzzed schemas (schemas.c) and of MongoDB's rules. */
static const bytes keys[] = {
    B("_id"), B("a"), B("b"), B("c"), B("name"), B("email"), B("sku"), B("qty"), B("tags"),
    B("participants"), B("title"), B("status"), B("metadata"), B("settings"), B("muted"),
    B("theme"), B("messages"), B("sender"), B("body"), B("sentAt"), B("readBy"),
    B("attachments"), B("url"), B("size"), B("mime"), B("counters"), B("__v"), B("__t"),
    B("kind"), B("createdAt"), B("updatedAt"), B("replies"), B("text"), B("n"), B("i"),
    B("d"), B("dec"), B("big"), B("uuid"), B("buf"), B("when"), B("flag"), B("any"),
    B("scores"), B("matrix"), B("labels"), B("slug"), B("union"), B("x"), B("at"),
    B("note"), B("key"), B("type"), B("$set"), B("$x"), B("a.b"), B("."), B(""),
    B("\xc3\xa9t\xc3\xa9"), B("0"), B("1"), B("payload"), B("meta"),
};

/* Keys that are not UTF-8: picked now and then only, or every document would
   be malformed. */
static const bytes bad_keys[] = {B("\xff"), B("\xc0\x80"), B("\xed\xa0\x80"), B("k\xe2\x82")};

static const bytes good_strings[] = {
    B(""), B("a"), B("active"), B("archived"), B("deleted"), B("light"), B("dark"),
    B("https://files.example.com/a.pdf"), B("ftp://old"), B("application/pdf"),
    B("\xc3\x89lodie"), B("\xf0\x9f\x98\x80 emoji"), B("\xef\xbf\xbf"), B("\xf4\x8f\xbf\xbf"),
    B("a\0b"), B("665f00000000000000000001"), B("Click"), B("Key"), B("Event"),
    B("isSlug"), B("hello-world"), B("42"), B("-0"), B("1e400"), B("\xe2\x80\xa8"),
    B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
};

/* Not UTF-8: a stray continuation, a lone lead byte, overlong forms (the
   modified-UTF-8 NUL among them), a surrogate, past U+10FFFF, 5-byte form. */
static const bytes bad_strings[] = {
    B("\xff"), B("\x80"), B("ab\xc3"), B("\xc3\x28"), B("\xc0\x80"), B("\xc1\xbf"),
    B("\xe0\x80\xaf"), B("\xed\xa0\x80"), B("\xed\xbf\xbf"), B("\xf4\x90\x80\x80"),
    B("\xf5\x80\x80\x80"), B("\xf8\x88\x80\x80\x80"), B("\xe2\x82"), B("ok\xf0\x9f\x98"),
    B("\xf0\x80\x80\x80"),
};

static const bytes patterns[] = {
    B("^a"), B("(a+)+$"), B("^https?://"), B("["), B("\\u0041"), B("[^]"), B("a{2,}"),
    B("\xc3\xa9"), B("(?i)x"),
};
static const bytes regex_opts[] = {B(""), B("i"), B("imsux"), B("gy"), B("zz")};

/* MARK: - Values */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t pick_int(bm_rng *r, int bytes_)
{
    static const uint64_t interesting[] = {
        0, 1, 2, 3, 7, 42, 200, 4000, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7FFFFFFF,
        0x80000000u, 0xFFFFFFFFu, UINT64_C(0x7FFFFFFFFFFFFFFF), UINT64_C(0x8000000000000000),
        UINT64_C(0xFFFFFFFFFFFFFFFF), UINT64_C(8640000000000000), UINT64_C(8640000000000001),
        (uint64_t)-INT64_C(8640000000000000), (uint64_t)-INT64_C(8640000000000001),
        UINT64_C(1717406100000), UINT64_C(0x20000000000000),
    };
    uint64_t v = bm_one_in(r, 3) ? bm_next(r) : interesting[bm_below(r, COUNT(interesting))];
    if (bytes_ == 4 && bm_one_in(r, 4))
        v = 0 - v; /* negative int32 values */
    return v;
}

static uint64_t pick_double(bm_rng *r)
{
    static const uint64_t bits[] = {
        0, UINT64_C(0x8000000000000000), UINT64_C(0x3FF0000000000000), /* 0, -0, 1 */
        UINT64_C(0x3FF8000000000000), UINT64_C(0xBFF0000000000000),    /* 1.5, -1 */
        UINT64_C(0x7FF8000000000000), UINT64_C(0xFFF8000000000001),    /* NaNs */
        UINT64_C(0x7FF0000000000000), UINT64_C(0xFFF0000000000000),    /* +-inf */
        UINT64_C(0x7FEFFFFFFFFFFFFF), UINT64_C(0x0000000000000001),    /* max, denormal */
        UINT64_C(0x4340000000000000), UINT64_C(0x41E0000000000000),    /* 2^53, 2^31 */
        UINT64_C(0x40AF400000000000),                                   /* 4000 */
    };
    return bm_one_in(r, 4) ? bm_next(r) : bits[bm_below(r, COUNT(bits))];
}

/* String content: mostly valid UTF-8, one time in `bad_odds` not. */
static void pick_string(bm_rng *r, bt_node *n, uint32_t bad_odds)
{
    if (bm_one_in(r, bad_odds)) {
        const bytes *b = &bad_strings[bm_below(r, COUNT(bad_strings))];
        uint8_t buf[64];
        uint32_t pre = bm_below(r, 4);
        memset(buf, 'x', pre);
        memcpy(buf + pre, b->p, b->n);
        bt_set_val(n, buf, pre + b->n);
    } else if (bm_one_in(r, 6)) {
        uint8_t buf[48];
        uint32_t len = bm_below(r, sizeof buf);
        for (uint32_t i = 0; i < len; i++)
            buf[i] = (uint8_t)(0x20 + bm_below(r, 0x5F));
        bt_set_val(n, buf, len);
    } else {
        const bytes *b = &good_strings[bm_below(r, COUNT(good_strings))];
        bt_set_val(n, b->p, b->n);
    }
}

static void pick_key(bm_rng *r, bt_node *n)
{
    const bytes *k = bm_one_in(r, 60) ? &bad_keys[bm_below(r, COUNT(bad_keys))]
                                      : &keys[bm_below(r, COUNT(keys))];
    bt_set_key(n, k->p, k->n);
}

static void index_key(bt_node *n, uint32_t i)
{
    char k[12];
    int len = 0;
    char rev[12];
    do
        rev[len++] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    for (int j = 0; j < len; j++)
        k[j] = rev[len - 1 - j];
    bt_set_key(n, k, (uint32_t)len);
}

static const uint8_t types[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x7F, 0xFF,
};

static void gen_elems(bm_rng *r, bt_node *n, int depth, uint32_t *budget);

/* Give n (its key already set) a random value of `type`. */
static void gen_value(bm_rng *r, bt_node *n, uint8_t type, int depth, uint32_t *budget)
{
    uint8_t v[32];
    bt_clear_value(n);
    n->type = type;
    n->shape = (uint8_t)bt_shape_of(type);
    switch (type) {
    case 0x01: put_le(v, pick_double(r), 8); bt_set_val(n, v, 8); break;
    case 0x09: case 0x11: case 0x12: put_le(v, pick_int(r, 8), 8); bt_set_val(n, v, 8); break;
    case 0x10: put_le(v, pick_int(r, 4), 4); bt_set_val(n, v, 4); break;
    case 0x07: case 0x13:
        for (int i = 0; i < 16; i++)
            v[i] = (uint8_t)bm_next(r);
        if (type == 0x13 && bm_one_in(r, 3)) /* a NaN or an infinity */
            v[15] = bm_one_in(r, 2) ? 0x7C : 0x78;
        bt_set_val(n, v, type == 0x07 ? 12 : 16);
        break;
    case 0x08:
        v[0] = bm_one_in(r, 40) ? (uint8_t)(2 + bm_below(r, 254)) : (uint8_t)bm_below(r, 2);
        bt_set_val(n, v, 1);
        break;
    case 0x02: case 0x0D: case 0x0E: pick_string(r, n, 24); break;
    case 0x03: case 0x04: gen_elems(r, n, depth + 1, budget); break;
    case 0x05: {
        static const uint8_t subtypes[] = {0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 0x80, 0xFF};
        uint8_t st = subtypes[bm_below(r, COUNT(subtypes))];
        uint32_t len = st == 4 || st == 3 ? (bm_one_in(r, 5) ? 15 : 16) : bm_below(r, 20);
        v[0] = st;
        for (uint32_t i = 0; i < len; i++)
            v[1 + i] = (uint8_t)bm_next(r);
        if (st == 2 && len >= 4 && !bm_one_in(r, 20))
            put_le(v + 1, len - 4, 4); /* the old subtype's inner length */
        bt_set_val(n, v, 1 + len);
        break;
    }
    case 0x0B: {
        const bytes *p = &patterns[bm_below(r, COUNT(patterns))];
        const bytes *o = &regex_opts[bm_below(r, COUNT(regex_opts))];
        uint8_t buf[64];
        memcpy(buf, p->p, p->n);
        buf[p->n] = 0;
        memcpy(buf + p->n + 1, o->p, o->n);
        buf[p->n + 1 + o->n] = 0;
        if (bm_one_in(r, 30))
            buf[0] = 0xFF;
        bt_set_val(n, buf, p->n + o->n + 2);
        break;
    }
    case 0x0C: { /* dbPointer: a namespace string and an ObjectId, kept raw */
        const uint8_t ns[] = {5, 0, 0, 0, 'd', 'b', '.', 'c', 0};
        uint8_t buf[sizeof ns + 12];
        memcpy(buf, ns, sizeof ns);
        for (int i = 0; i < 12; i++)
            buf[sizeof ns + i] = (uint8_t)bm_next(r);
        if (bm_one_in(r, 20))
            buf[5] = 0xC0;
        bt_set_val(n, buf, sizeof buf);
        break;
    }
    case 0x0F:
        pick_string(r, n, 24);
        gen_elems(r, n, depth + 1, budget);
        break;
    default: /* undefined, null, minKey, maxKey */
        bt_set_val(n, "", 0);
    }
}

static uint8_t pick_type(bm_rng *r)
{
    /* Containers and strings twice as often: they are where depth and UTF-8 live. */
    static const uint8_t common[] = {0x02, 0x03, 0x04, 0x10, 0x01, 0x0A, 0x08, 0x07, 0x09};
    return bm_one_in(r, 2) ? common[bm_below(r, COUNT(common))] : types[bm_below(r, COUNT(types))];
}

static void gen_elem(bm_rng *r, bt_node *n, bool in_array, uint32_t index, int depth,
                     uint32_t *budget)
{
    memset(n, 0, sizeof *n);
    if (in_array && !bm_one_in(r, 30))
        index_key(n, index);
    else
        pick_key(r, n);
    gen_value(r, n, pick_type(r), depth, budget);
}

static void gen_elems(bm_rng *r, bt_node *n, int depth, uint32_t *budget)
{
    uint32_t count = depth > 6 ? 0 : bm_below(r, 6);
    for (uint32_t i = 0; i < count && *budget > 0; i++) {
        bt_node kid;
        --*budget;
        gen_elem(r, &kid, n->type == 0x04, i, depth, budget);
        bt_insert(n, n->nkids, &kid);
    }
}

/* Replace n's value by `levels` nested containers (documents or arrays). */
static void make_chain(bm_rng *r, bt_node *n, uint32_t levels)
{
    bt_node inner = {0};
    inner.type = 0x03;
    inner.shape = BT_CONTAINER;
    for (uint32_t i = 1; i < levels; i++) {
        bt_node outer = {0};
        outer.type = bm_one_in(r, 3) ? 0x04 : 0x03;
        outer.shape = BT_CONTAINER;
        if (outer.type == 0x04)
            index_key(&inner, 0);
        else {
            const bytes *k = &keys[bm_below(r, COUNT(keys))];
            bt_set_key(&inner, k->p, k->n);
        }
        if (bm_one_in(r, 40))
            inner.type = 0x0F, inner.shape = BT_CWS, bt_set_val(&inner, "f()", 3);
        bt_insert(&outer, 0, &inner);
        inner = outer;
    }
    bt_clear_value(n);
    inner.key = n->key;
    inner.klen = n->klen;
    *n = inner;
}

/* MARK: - Finding nodes */

typedef struct slot {
    bt_node *n;
    bt_node *parent; /* NULL for the root */
    uint32_t index;
    uint32_t level;  /* nesting level of the node's value: 1 for a document */
} slot;

typedef struct slots {
    slot *v;
    uint32_t n, cap;
} slots;

static void collect(slots *s, bt_node *n, bt_node *parent, uint32_t index, uint32_t level)
{
    if (s->n == s->cap) {
        s->cap = s->cap * 2 + 32;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            abort();
    }
    s->v[s->n++] = (slot){n, parent, index, level};
    if (n->shape != BT_CONTAINER && n->shape != BT_CWS && n->shape != BT_STREAM)
        return;
    for (uint32_t i = 0; i < n->nkids; i++)
        collect(s, &n->kids[i], n, i, n->shape == BT_STREAM ? 1 : level + 1);
}

static bool is_container(const bt_node *n)
{
    return n->shape == BT_CONTAINER || n->shape == BT_CWS;
}

/* An element (not a document of a stream, not the root). */
static slot *pick_elem(bm_rng *r, slots *s)
{
    uint32_t tries = 8;
    while (tries--) {
        slot *c = &s->v[bm_below(r, s->n)];
        if (c->parent && c->parent->shape != BT_STREAM)
            return c;
    }
    return NULL;
}

static slot *pick_container(bm_rng *r, slots *s)
{
    uint32_t tries = 8;
    while (tries--) {
        slot *c = &s->v[bm_below(r, s->n)];
        if (is_container(c->n))
            return c;
    }
    return NULL;
}

/* MARK: - Element edits */

static bool same_shape_type(bm_rng *r, bt_node *n)
{
    static const uint8_t families[][4] = {
        {0x02, 0x0D, 0x0E, 0x02}, {0x03, 0x04, 0x03, 0x04}, {0x01, 0x09, 0x11, 0x12},
        {0x06, 0x0A, 0x7F, 0xFF},
    };
    for (size_t f = 0; f < COUNT(families); f++)
        for (int i = 0; i < 4; i++)
            if (families[f][i] == n->type) {
                n->type = families[f][bm_below(r, 4)];
                return true;
            }
    return false;
}

static void edit_key(bm_rng *r, slot *c, bm_raw_fn raw, void *ctx)
{
    bt_node *n = c->n;
    switch (bm_below(r, 4)) {
    case 0:
        pick_key(r, n);
        break;
    case 1: { /* the key of a sibling: a duplicate */
        const bt_node *sib = &c->parent->kids[bm_below(r, c->parent->nkids)];
        uint8_t *k = malloc(sib->klen + 1);
        memcpy(k, sib->key, sib->klen);
        bt_set_key(n, k, sib->klen);
        free(k);
        break;
    }
    case 2:
        index_key(n, bm_below(r, 3) ? c->index : bm_below(r, 2000));
        break;
    default: {
        uint8_t k[64];
        uint32_t len = n->klen < sizeof k ? n->klen : sizeof k;
        memcpy(k, n->key, len);
        len = (uint32_t)raw(k, len, sizeof k, ctx);
        /* A NUL inside a key would only end it early: cut it there. */
        uint8_t *z = memchr(k, 0, len);
        bt_set_key(n, k, z ? (uint32_t)(z - k) : len);
    }
    }
}

static void edit_value(bm_rng *r, slot *c, bm_raw_fn raw, void *ctx)
{
    bt_node *n = c->n;
    uint32_t budget = 12;
    if (is_container(n) || bm_one_in(r, 2)) {
        if (is_container(n) && n->nkids && bm_one_in(r, 2))
            return; /* containers change through their elements */
        if (bt_shape_of(n->type) == n->shape)
            gen_value(r, n, n->type, (int)c->level, &budget);
        return;
    }
    /* Byte-level change of the value; fixed-width values keep their width
       most of the time so that the element stays framed. */
    uint32_t cap = n->vlen + 64;
    uint8_t *v = malloc(cap);
    memcpy(v, n->val, n->vlen);
    size_t len = raw(v, n->vlen, cap, ctx);
    if (n->shape == BT_RAW && !bm_one_in(r, 8))
        len = n->vlen;
    bt_set_val(n, v, (uint32_t)len);
    free(v);
}

/* Wrap n in a document or an array: {k: v} becomes {k: {k: v}} or {k: [v]}. */
static void wrap(bm_rng *r, bt_node *n)
{
    bt_node inner = *n, outer = {0};
    outer.type = bm_one_in(r, 2) ? 0x04 : 0x03;
    outer.shape = BT_CONTAINER;
    outer.key = inner.key;
    outer.klen = inner.klen;
    inner.key = NULL;
    inner.klen = 0;
    if (outer.type == 0x04)
        index_key(&inner, 0);
    else
        bt_set_key(&inner, outer.key, outer.klen);
    bt_insert(&outer, 0, &inner);
    *n = outer;
}

static uint32_t tree_depth(const bt_node *n)
{
    uint32_t d = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        uint32_t k = tree_depth(&n->kids[i]);
        d = k > d ? k : d;
    }
    return d + 1;
}

/* One element-level edit; false if it found nothing to do. */
static bool edit_tree(bm_rng *r, bt_tree *t, bm_raw_fn raw, void *ctx)
{
    slots s = {0};
    collect(&s, &t->root, NULL, 0, t->root.shape == BT_STREAM ? 0 : 1);
    bool done = true;
    slot *c = NULL;
    uint32_t budget = 16;
    switch (bm_below(r, 15)) {
    case 0: /* another type of the same shape */
        if ((c = pick_elem(r, &s)) != NULL)
            done = same_shape_type(r, c->n);
        break;
    case 1: /* any valid type, with a new value */
        if ((c = pick_elem(r, &s)) != NULL)
            gen_value(r, c->n, pick_type(r), (int)c->level, &budget);
        break;
    case 2: /* any byte as the type, value bytes kept */
        if ((c = pick_elem(r, &s)) != NULL) {
            bt_flatten(c->n);
            c->n->type = bm_one_in(r, 2) ? types[bm_below(r, COUNT(types))] : (uint8_t)bm_next(r);
        }
        break;
    case 3:
    case 4:
        if ((c = pick_elem(r, &s)) != NULL)
            edit_key(r, c, raw, ctx);
        break;
    case 5:
    case 6:
        if ((c = pick_elem(r, &s)) != NULL)
            edit_value(r, c, raw, ctx);
        break;
    case 7:
    case 8: /* a new element */
        if ((c = pick_container(r, &s)) != NULL) {
            bt_node kid;
            gen_elem(r, &kid, c->n->type == 0x04, c->n->nkids, (int)c->level, &budget);
            bt_insert(c->n, bm_below(r, c->n->nkids + 1), &kid);
        }
        break;
    case 9: /* delete */
        if ((c = pick_elem(r, &s)) != NULL)
            bt_remove(c->parent, c->index);
        break;
    case 10: { /* duplicate an element in place, or copy a subtree elsewhere */
        slot *dst = pick_container(r, &s);
        if ((c = pick_elem(r, &s)) != NULL && dst && c->level + tree_depth(c->n) < 300 &&
            dst->level + tree_depth(c->n) < 300) {
            bt_node copy;
            bt_node_copy(&copy, c->n);
            bt_node *into = bm_one_in(r, 2) ? c->parent : dst->n;
            bt_insert(into, bm_below(r, into->nkids + 1), &copy);
        }
        break;
    }
    case 11: /* nest one level deeper */
        if ((c = pick_elem(r, &s)) != NULL && c->level + tree_depth(c->n) < 300)
            wrap(r, c->n);
        break;
    case 12: /* a nesting chain ending near the 180-level limit */
        if ((c = pick_elem(r, &s)) != NULL && c->level < 170) {
            uint32_t target = bm_one_in(r, 4) ? 2 + bm_below(r, 200) : 177 + bm_below(r, 7);
            if (target >= c->level) /* the innermost container lands at `target` */
                make_chain(r, c->n, target - c->level + 1);
        }
        break;
    case 13: /* swap two siblings */
        if ((c = pick_elem(r, &s)) != NULL) {
            bt_node *p = c->parent;
            uint32_t j = bm_below(r, p->nkids);
            bt_node tmp = p->kids[c->index];
            p->kids[c->index] = p->kids[j];
            p->kids[j] = tmp;
        }
        break;
    default: /* junk bytes before a container's terminator */
        if ((c = pick_container(r, &s)) != NULL) {
            uint8_t junk[8];
            uint32_t len = 1 + bm_below(r, sizeof junk);
            for (uint32_t i = 0; i < len; i++)
                junk[i] = bm_one_in(r, 2) ? 0 : (uint8_t)bm_next(r);
            free(c->n->tail);
            c->n->tail = malloc(len);
            memcpy(c->n->tail, junk, len);
            c->n->tlen = len;
        }
    }
    free(s.v);
    return c != NULL && done;
}

/* Edits of a stream's list of documents. */
static void edit_stream(bm_rng *r, bt_tree *t)
{
    bt_node *root = &t->root;
    uint32_t budget = 24;
    if (root->nkids == 0 || bm_one_in(r, 4)) {
        bt_node doc = {0};
        doc.type = 0x03;
        doc.shape = BT_CONTAINER;
        gen_elems(r, &doc, 1, &budget);
        bt_insert(root, bm_below(r, root->nkids + 1), &doc);
        return;
    }
    uint32_t i = bm_below(r, root->nkids);
    if (bm_one_in(r, 2)) {
        bt_node copy;
        bt_node_copy(&copy, &root->kids[i]);
        bt_insert(root, bm_below(r, root->nkids + 1), &copy);
    } else {
        bt_remove(root, i);
    }
}

/* MARK: - Byte-level damage */

size_t bm_raw_mutate(uint8_t *data, size_t size, size_t max, void *ctx)
{
    bm_rng *r = ctx;
    static const uint8_t interesting[] = {0, 1, 2, 4, 5, 0x7F, 0x80, 0xC0, 0xED, 0xF4, 0xFF};
    size_t i = size ? bm_below(r, (uint32_t)size) : 0;
    switch (bm_below(r, 6)) {
    case 0:
        if (size)
            data[i] ^= (uint8_t)(1u << bm_below(r, 8));
        break;
    case 1:
        if (size)
            data[i] = interesting[bm_below(r, COUNT(interesting))];
        break;
    case 2: /* insert a byte */
        if (size < max) {
            memmove(data + i + 1, data + i, size - i);
            data[i] = (uint8_t)bm_next(r);
            size++;
        }
        break;
    case 3: /* erase up to 4 bytes */
        if (size) {
            size_t n = 1 + bm_below(r, 4);
            n = n > size - i ? size - i : n;
            memmove(data + i, data + i + n, size - i - n);
            size -= n;
        }
        break;
    case 4: /* copy a chunk over another place */
        if (size > 1) {
            size_t j = bm_below(r, (uint32_t)size), n = 1 + bm_below(r, 8);
            n = n > size - i ? size - i : n;
            n = n > size - j ? size - j : n;
            memmove(data + j, data + i, n);
        }
        break;
    default:
        if (size)
            data[i] = (uint8_t)bm_next(r);
    }
    return size;
}

/* Change one recorded length prefix by a little or a lot. */
static void damage_length(bm_rng *r, bt_buf *b)
{
    if (b->nlenpos == 0)
        return;
    size_t pos = b->lenpos[bm_below(r, b->nlenpos)];
    uint32_t v = (uint32_t)b->p[pos] | (uint32_t)b->p[pos + 1] << 8 |
                 (uint32_t)b->p[pos + 2] << 16 | (uint32_t)b->p[pos + 3] << 24;
    static const uint32_t odd[] = {0, 1, 4, 5, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu};
    if (bm_one_in(r, 3))
        v = odd[bm_below(r, COUNT(odd))];
    else
        v += bm_one_in(r, 2) ? 1 + bm_below(r, 4) : -(1 + bm_below(r, 4));
    for (int i = 0; i < 4; i++)
        b->p[pos + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* MARK: - Entry points */

size_t bm_mutate(uint8_t *data, size_t size, size_t max, bool stream, uint64_t seed,
                 bm_raw_fn raw, void *raw_ctx)
{
    bm_rng r = {seed};
    if (max == 0)
        return 0;
    if (bm_one_in(&r, 8)) /* plain byte mutation: framing bugs stay reachable */
        return raw(data, size, max, raw_ctx);
    bt_tree t;
    bt_parse(&t, data, size, stream);
    if (stream && bm_one_in(&r, 3))
        edit_stream(&r, &t);
    else
        for (uint32_t want = 1 + bm_below(&r, 4), tries = 0; want && tries < 12; tries++)
            if (edit_tree(&r, &t, raw, raw_ctx))
                want--;
    bt_buf b = {0};
    bt_write(&t, &b);
    bt_tree_free(&t);
    if (bm_one_in(&r, 12))
        damage_length(&r, &b);
    if (bm_one_in(&r, 16) && b.len > 0) /* a truncated end */
        b.len -= 1 + bm_below(&r, (uint32_t)(b.len < 8 ? b.len : 8));
    if (b.len > max) {
        bt_buf_free(&b);
        return raw(data, size, max, raw_ctx);
    }
    if (b.len)
        memcpy(data, b.p, b.len);
    size = b.len;
    bt_buf_free(&b);
    return size;
}

size_t bm_graft(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out,
                size_t max, bool stream, uint64_t seed)
{
    bm_rng r = {seed};
    bt_tree ta, tb;
    bt_parse(&ta, a, alen, stream);
    bt_parse(&tb, b, blen, stream);
    slots sa = {0}, sb = {0};
    collect(&sa, &ta.root, NULL, 0, stream ? 0 : 1);
    collect(&sb, &tb.root, NULL, 0, stream ? 0 : 1);
    slot *from = pick_elem(&r, &sb), *into = pick_container(&r, &sa);
    size_t n = 0;
    if (from && into && into->level + tree_depth(from->n) < 300) {
        bt_node copy;
        bt_node_copy(&copy, from->n);
        bt_insert(into->n, bm_below(&r, into->n->nkids + 1), &copy);
        bt_buf buf = {0};
        bt_write(&ta, &buf);
        if (buf.len <= max) {
            memcpy(out, buf.p, buf.len);
            n = buf.len;
        }
        bt_buf_free(&buf);
    }
    free(sa.v);
    free(sb.v);
    bt_tree_free(&ta);
    bt_tree_free(&tb);
    return n;
}

size_t bm_generate(uint8_t *out, size_t max, uint64_t seed)
{
    bm_rng r = {seed};
    bt_tree t = {0};
    uint32_t budget = 6 + bm_below(&r, 40);
    t.root.type = 0x03;
    t.root.shape = BT_CONTAINER;
    gen_elems(&r, &t.root, 1, &budget);
    if (bm_one_in(&r, 12)) { /* a chain around the depth limit */
        bt_node kid = {0};
        pick_key(&r, &kid);
        make_chain(&r, &kid, 176 + bm_below(&r, 8));
        bt_insert(&t.root, bm_below(&r, t.root.nkids + 1), &kid);
    }
    bt_buf b = {0};
    bt_write(&t, &b);
    bt_tree_free(&t);
    size_t n = b.len <= max ? b.len : 0;
    if (n)
        memcpy(out, b.p, n);
    bt_buf_free(&b);
    return n;
}
