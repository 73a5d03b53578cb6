/*
 * A damage-tolerant BSON element tree for the fuzzers and the well-formedness
 * test: parse any bytes into elements (what does not parse is kept verbatim),
 * edit the tree, and write it back with every length prefix recomputed. The
 * structure-aware mutator (bmutate.c) works on it, so that one mutation
 * changes one element deep inside a document instead of breaking the framing
 * of everything around it.
 */
#ifndef BSG_FUZZ_BTREE_H
#define BSG_FUZZ_BTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a node's value is stored and written back. The type byte is written as
   it is, so a mutation can pair a type with the wrong shape on purpose. */
typedef enum bt_shape {
    BT_RAW,       /* val written verbatim (fixed-width values, regex, dbPointer) */
    BT_STRING,    /* val is the content: written as length + content + NUL */
    BT_BINARY,    /* val is subtype + data: written as length + val */
    BT_CONTAINER, /* kids (and tail) framed as a document */
    BT_CWS,       /* val is the code's content, kids the scope document */
    BT_STREAM     /* the root of a stream: kids are documents written bare */
} bt_shape;

typedef struct bt_node {
    uint8_t type;
    uint8_t shape;
    uint8_t *key;
    uint32_t klen;
    uint8_t *val;
    uint32_t vlen;
    struct bt_node *kids;
    uint32_t nkids, cap;
    uint8_t *tail;  /* bytes that did not parse, before the terminator */
    uint32_t tlen;
} bt_node;

/* The root of a parsed input: a document (or a stream of them) and the bytes
   after it, written back unchanged. */
typedef struct bt_tree {
    bt_node root;
    uint8_t *trail;
    uint32_t trail_len;
} bt_tree;

/* An output buffer that remembers where it wrote length prefixes, so that a
   mutation can damage one of them on purpose. */
#define BT_MAX_LENPOS 256
typedef struct bt_buf {
    uint8_t *p;
    size_t len, cap;
    size_t lenpos[BT_MAX_LENPOS];
    uint32_t nlenpos;
} bt_buf;

/* MARK: - Parse and write */

/* Parse one document (`stream` false) or documents laid end to end. Never
   fails: what cannot be read becomes tail or trail bytes. */
void bt_parse(bt_tree *t, const uint8_t *data, size_t len, bool stream);

/* Write the tree into b (appended), fixing every length. */
void bt_write(const bt_tree *t, bt_buf *b);

void bt_tree_free(bt_tree *t);

/* MARK: - Nodes */

void bt_node_free(bt_node *n);
/* Free n's value, kids and tail, keeping its key (type and shape are reset). */
void bt_clear_value(bt_node *n);
void bt_node_copy(bt_node *dst, const bt_node *src);
/* Take ownership of *kid and insert it at index i (clamped). */
void bt_insert(bt_node *parent, uint32_t i, bt_node *kid);
void bt_remove(bt_node *parent, uint32_t i);
void bt_set_key(bt_node *n, const void *key, uint32_t len);
void bt_set_val(bt_node *n, const void *val, uint32_t len);
/* The shape that type byte normally has. */
bt_shape bt_shape_of(uint8_t type);
/* Turn a node into BT_RAW holding its value's bytes as written. */
void bt_flatten(bt_node *n);

/* MARK: - Buffers */

void bt_buf_put(bt_buf *b, const void *p, size_t n);
void bt_buf_byte(bt_buf *b, uint8_t c);
void bt_buf_free(bt_buf *b);

#endif
