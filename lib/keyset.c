/*
 * Duplicate-key detection where the schema does not list the keys (Maps,
 * unknown fields, Mixed): small sets compare directly, larger ones use a
 * per-depth open-addressing table that is reused, generation by generation,
 * so a valid document allocates nothing.
 */
#include "validator.h"

/* Per-depth scratch, allocated once per result for every depth the
   validator can reach, so pointers into it stay valid. */
bsg__level *bsg__depth_scratch(vstate *v)
{
    bsg_result *r = v->r;
    if (!r->nlevels) {
        r->nlevels = SERVER_MAX_DEPTH + 4;
        r->levels = bsg__calloc(r->nlevels, sizeof *r->levels);
    }
    return &r->levels[v->depth];
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
    bsg__level *lv = bsg__depth_scratch(v);
    lv->gen = (lv->gen + 1) & 0xFFFF;
    if (lv->gen == 0) { /* the generation wrapped: clear for real */
        memset(lv->slots, 0, lv->cap * sizeof *lv->slots);
        lv->gen = 1;
    }
    if (lv->cap < 64)
        table_grow(v, lv);
    return lv;
}

/* The keys past the first 8 go to this depth's hash table. */
bool bsg__keyset_add_table(vstate *v, keyset *ks, const elem *e)
{
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
