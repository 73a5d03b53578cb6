/*
 * The allocation seam and the arena. bsonguard allocates only through
 * bson_malloc and friends, so a host's bson_mem_set_vtable() covers it.
 */
#include "internal.h"

#include <bson/bson.h>
#include <string.h>

void *bsg__malloc(size_t n) { return bson_malloc(n ? n : 1); }

void *bsg__calloc(size_t n, size_t size)
{
    size_t total = n * size;
    return bson_malloc0(total ? total : 1);
}

void *bsg__realloc(void *p, size_t n) { return bson_realloc(p, n ? n : 1); }

void bsg__free(void *p) { bson_free(p); }

char *bsg__strndup(const char *s, size_t n)
{
    char *copy = bsg__malloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

/* MARK: - Arena */

#define ARENA_BLOCK_SIZE (64u * 1024u)

struct bsg__arena_block {
    bsg__arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void bsg__arena_init(bsg__arena *a) { a->head = NULL; }

void bsg__arena_destroy(bsg__arena *a)
{
    bsg__arena_block *b = a->head;
    while (b) {
        bsg__arena_block *next = b->next;
        bsg__free(b);
        b = next;
    }
    a->head = NULL;
}

void *bsg__arena_alloc(bsg__arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    bsg__arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK_SIZE ? n : ARENA_BLOCK_SIZE;
        b = bsg__malloc(sizeof *b + cap);
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *bsg__arena_strndup(bsg__arena *a, const char *s, size_t n)
{
    char *copy = bsg__arena_alloc(a, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}
