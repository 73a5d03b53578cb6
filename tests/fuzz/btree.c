/*
 * The damage-tolerant BSON tree (btree.h). Parsing keeps going as long as an
 * element can be framed and keeps the rest of a container verbatim; writing
 * recomputes every length prefix from what the tree holds.
 */
#include "btree.h"

#include <stdlib.h>
#include <string.h>

/* Deeper containers are kept as raw bytes, so that the recursive parse,
   copy, write and free stay far from the stack's end. */
#define BT_MAX_DEPTH 400

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* MARK: - Buffers */

void bt_buf_put(bt_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = xrealloc(b->p, b->cap);
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

void bt_buf_byte(bt_buf *b, uint8_t c) { bt_buf_put(b, &c, 1); }

void bt_buf_free(bt_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Reserve a length prefix; returns its position for patch_len(). */
static size_t reserve_len(bt_buf *b)
{
    size_t pos = b->len;
    if (b->nlenpos < BT_MAX_LENPOS)
        b->lenpos[b->nlenpos++] = pos;
    bt_buf_put(b, "\0\0\0\0", 4);
    return pos;
}

static void patch_len(bt_buf *b, size_t pos, size_t value)
{
    uint32_t v = (uint32_t)value;
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    memcpy(b->p + pos, le, 4);
}

static void put_len(bt_buf *b, size_t value) { patch_len(b, reserve_len(b), value); }

/* MARK: - Nodes */

bt_shape bt_shape_of(uint8_t type)
{
    switch (type) {
    case 0x02: case 0x0D: case 0x0E: return BT_STRING;
    case 0x03: case 0x04: return BT_CONTAINER;
    case 0x05: return BT_BINARY;
    case 0x0F: return BT_CWS;
    default: return BT_RAW;
    }
}

static uint8_t *dup_bytes(const void *p, uint32_t n)
{
    uint8_t *q = xrealloc(NULL, n);
    if (n)
        memcpy(q, p, n);
    return q;
}

void bt_set_key(bt_node *n, const void *key, uint32_t len)
{
    uint8_t *k = dup_bytes(key, len);
    free(n->key);
    n->key = k;
    n->klen = len;
}

void bt_set_val(bt_node *n, const void *val, uint32_t len)
{
    uint8_t *v = dup_bytes(val, len);
    free(n->val);
    n->val = v;
    n->vlen = len;
}

void bt_node_free(bt_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        bt_node_free(&n->kids[i]);
    free(n->kids);
    free(n->key);
    free(n->val);
    free(n->tail);
    memset(n, 0, sizeof *n);
}

void bt_clear_value(bt_node *n)
{
    uint8_t *key = n->key;
    uint32_t klen = n->klen;
    n->key = NULL;
    bt_node_free(n);
    n->key = key;
    n->klen = klen;
}

void bt_node_copy(bt_node *dst, const bt_node *src)
{
    *dst = *src;
    dst->key = dup_bytes(src->key, src->klen);
    dst->val = dup_bytes(src->val, src->vlen);
    dst->tail = dup_bytes(src->tail, src->tlen);
    dst->kids = src->nkids ? xrealloc(NULL, src->nkids * sizeof *dst->kids) : NULL;
    dst->cap = src->nkids;
    for (uint32_t i = 0; i < src->nkids; i++)
        bt_node_copy(&dst->kids[i], &src->kids[i]);
}

void bt_insert(bt_node *parent, uint32_t i, bt_node *kid)
{
    if (i > parent->nkids)
        i = parent->nkids;
    if (parent->nkids == parent->cap) {
        parent->cap = parent->cap * 2 + 4;
        parent->kids = xrealloc(parent->kids, parent->cap * sizeof *parent->kids);
    }
    memmove(&parent->kids[i + 1], &parent->kids[i], (parent->nkids - i) * sizeof *parent->kids);
    parent->kids[i] = *kid;
    parent->nkids++;
    memset(kid, 0, sizeof *kid);
}

void bt_remove(bt_node *parent, uint32_t i)
{
    if (i >= parent->nkids)
        return;
    bt_node_free(&parent->kids[i]);
    memmove(&parent->kids[i], &parent->kids[i + 1],
            (parent->nkids - i - 1) * sizeof *parent->kids);
    parent->nkids--;
}

/* MARK: - Write */

static void write_doc(const bt_node *n, bt_buf *b);

static void write_value(const bt_node *n, bt_buf *b)
{
    switch ((bt_shape)n->shape) {
    case BT_RAW:
        bt_buf_put(b, n->val, n->vlen);
        break;
    case BT_STRING:
        put_len(b, (size_t)n->vlen + 1);
        bt_buf_put(b, n->val, n->vlen);
        bt_buf_byte(b, 0);
        break;
    case BT_BINARY:
        put_len(b, n->vlen ? n->vlen - 1 : 0);
        if (n->vlen)
            bt_buf_put(b, n->val, n->vlen);
        else
            bt_buf_byte(b, 0);
        break;
    case BT_CONTAINER:
        write_doc(n, b);
        break;
    case BT_CWS: {
        size_t pos = reserve_len(b);
        put_len(b, (size_t)n->vlen + 1);
        bt_buf_put(b, n->val, n->vlen);
        bt_buf_byte(b, 0);
        write_doc(n, b);
        patch_len(b, pos, b->len - pos);
        break;
    }
    case BT_STREAM:
        for (uint32_t i = 0; i < n->nkids; i++)
            write_doc(&n->kids[i], b);
        break;
    }
}

static void write_elem(const bt_node *k, bt_buf *b)
{
    bt_buf_byte(b, k->type);
    bt_buf_put(b, k->key, k->klen);
    bt_buf_byte(b, 0);
    write_value(k, b);
}

static void write_doc(const bt_node *n, bt_buf *b)
{
    size_t pos = reserve_len(b);
    for (uint32_t i = 0; i < n->nkids; i++)
        write_elem(&n->kids[i], b);
    bt_buf_put(b, n->tail, n->tlen);
    bt_buf_byte(b, 0);
    patch_len(b, pos, b->len - pos);
}

void bt_write(const bt_tree *t, bt_buf *b)
{
    write_value(&t->root, b);
    bt_buf_put(b, t->trail, t->trail_len);
}

void bt_flatten(bt_node *n)
{
    bt_buf b = {0};
    write_value(n, &b);
    uint8_t type = n->type;
    bt_clear_value(n);
    n->type = type;
    n->shape = BT_RAW;
    n->val = b.p ? b.p : xrealloc(NULL, 1);
    n->vlen = (uint32_t)b.len;
}

void bt_tree_free(bt_tree *t)
{
    bt_node_free(&t->root);
    free(t->trail);
    memset(t, 0, sizeof *t);
}

/* MARK: - Parse */

static void parse_elems(bt_node *n, const uint8_t *p, const uint8_t *end, int depth);

/* The byte length of a value of `type` at p when it can be framed within
   avail bytes (its inner consistency is not required); 0 when it cannot. */
static size_t frame_value(uint8_t type, const uint8_t *p, size_t avail)
{
    size_t n;
    switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: n = 8; break;
    case 0x10: n = 4; break;
    case 0x07: n = 12; break;
    case 0x13: n = 16; break;
    case 0x08: n = 1; break;
    case 0x06: case 0x0A: case 0x7F: case 0xFF: return SIZE_MAX; /* empty value */
    case 0x02: case 0x0D: case 0x0E:
        if (avail < 5 || rd32(p) < 1 || rd32(p) > avail - 4 || p[4 + rd32(p) - 1] != 0)
            return 0;
        n = 4 + (size_t)rd32(p);
        break;
    case 0x03: case 0x04:
        if (avail < 5 || rd32(p) < 5 || rd32(p) > avail)
            return 0;
        n = rd32(p);
        break;
    case 0x05:
        if (avail < 5 || rd32(p) > avail - 5)
            return 0;
        n = 5 + (size_t)rd32(p);
        break;
    case 0x0B: {
        const uint8_t *a = memchr(p, 0, avail);
        const uint8_t *z = a ? memchr(a + 1, 0, avail - (size_t)(a + 1 - p)) : NULL;
        if (!z)
            return 0;
        n = (size_t)(z + 1 - p);
        break;
    }
    case 0x0C:
        if (avail < 5 || rd32(p) < 1 || rd32(p) > avail - 4 || avail - 4 - rd32(p) < 12)
            return 0;
        n = 16 + (size_t)rd32(p);
        break;
    case 0x0F:
        if (avail < 14 || rd32(p) < 14 || rd32(p) > avail)
            return 0;
        n = rd32(p);
        break;
    default:
        return 0;
    }
    return n <= avail ? n : 0;
}

/* A code-with-scope value whose parts agree, read as BT_CWS. */
static bool parse_cws(bt_node *k, const uint8_t *p, size_t n, int depth)
{
    uint32_t sl = rd32(p + 4);
    if (sl < 1 || sl > n - 13 || p[8 + sl - 1] != 0 || rd32(p + 8 + sl) != n - 8 - sl ||
        depth >= BT_MAX_DEPTH)
        return false;
    k->shape = BT_CWS;
    bt_set_val(k, p + 8, sl - 1);
    parse_elems(k, p + 8 + sl + 4, p + n - 1, depth + 1);
    return true;
}

static bool parse_elem(bt_node *k, const uint8_t **pp, const uint8_t *end, int depth)
{
    const uint8_t *p = *pp;
    uint8_t type = *p++;
    const uint8_t *nul = type ? memchr(p, 0, (size_t)(end - p)) : NULL;
    if (!nul)
        return false;
    const uint8_t *v = nul + 1;
    size_t n = frame_value(type, v, (size_t)(end - v));
    if (n == 0)
        return false;
    n = n == SIZE_MAX ? 0 : n;
    memset(k, 0, sizeof *k);
    k->type = type;
    bt_set_key(k, p, (uint32_t)(nul - p));
    k->shape = BT_RAW;
    if (bt_shape_of(type) == BT_STRING) {
        k->shape = BT_STRING;
        bt_set_val(k, v + 4, (uint32_t)n - 5);
    } else if (type == 0x05) {
        k->shape = BT_BINARY;
        bt_set_val(k, v + 4, (uint32_t)n - 4);
    } else if ((type == 0x03 || type == 0x04) && depth < BT_MAX_DEPTH) {
        k->shape = BT_CONTAINER;
        parse_elems(k, v + 4, v + n - 1, depth + 1);
    } else if (!(type == 0x0F && parse_cws(k, v, n, depth))) {
        bt_set_val(k, v, (uint32_t)n);
    }
    *pp = v + n;
    return true;
}

static void parse_elems(bt_node *n, const uint8_t *p, const uint8_t *end, int depth)
{
    while (p < end) {
        bt_node kid;
        const uint8_t *start = p;
        if (!parse_elem(&kid, &p, end, depth)) {
            free(n->tail);
            n->tail = dup_bytes(start, (uint32_t)(end - start));
            n->tlen = (uint32_t)(end - start);
            return;
        }
        bt_insert(n, n->nkids, &kid);
    }
}

/* One document at d; returns the bytes it spans (its own length prefix when
   that fits, else everything). */
static size_t parse_doc(bt_node *doc, const uint8_t *d, size_t len)
{
    memset(doc, 0, sizeof *doc);
    doc->type = 0x03;
    doc->shape = BT_CONTAINER;
    if (len < 5)
        return 0;
    uint32_t n = rd32(d);
    if (n >= 5 && n <= len) {
        parse_elems(doc, d + 4, d + n - 1, 1);
        return n;
    }
    parse_elems(doc, d + 4, d + len - (d[len - 1] == 0), 1);
    return len;
}

void bt_parse(bt_tree *t, const uint8_t *data, size_t len, bool stream)
{
    memset(t, 0, sizeof *t);
    size_t used = 0;
    if (!stream) {
        used = parse_doc(&t->root, data, len);
    } else {
        t->root.shape = BT_STREAM;
        while (len - used >= 5 && rd32(data + used) >= 5 && rd32(data + used) <= len - used) {
            bt_node doc;
            used += parse_doc(&doc, data + used, len - used);
            bt_insert(&t->root, t->root.nkids, &doc);
        }
    }
    t->trail_len = (uint32_t)(len - used);
    t->trail = dup_bytes(data + used, t->trail_len);
}
