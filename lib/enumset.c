/*
 * String enums as hash sets, built once per schema: a value is looked up
 * with one hash of its length and bytes and, as a rule, one probe and one
 * comparison, whichever value it is. (A scan of the values exits at a
 * different place for every document, and that branch mispredicts.) The
 * tables use open addressing at most half full, so a probe sequence always
 * ends at an empty slot.
 */
#include "schema.h"

#include <string.h>

static void plan_check(bsg_schema *s, bsg__check *ck, size_t *cap)
{
    uint32_t size = 4;
    while (size < 2 * ck->count)
        size *= 2;
    if (s->nenum_slots + size > *cap) {
        *cap = (s->nenum_slots + size) * 2;
        s->enum_slots = bsg__realloc(s->enum_slots, *cap * sizeof *s->enum_slots);
    }
    uint32_t *table = s->enum_slots + s->nenum_slots;
    memset(table, 0, size * sizeof *table);
    ck->slots = (uint32_t)s->nenum_slots;
    ck->slot_mask = size - 1;
    s->nenum_slots += size;
    for (uint32_t i = 0; i < ck->count; i++) {
        const bsg__strref *x = &s->enum_strs[ck->first + i];
        const uint8_t *text = (const uint8_t *)s->pool + x->off;
        uint32_t h = bsg__enum_slot(text, x->len, x->head, x->head2) & ck->slot_mask;
        for (;; h = (h + 1) & ck->slot_mask) {
            if (!table[h]) {
                table[h] = ck->first + i + 1;
                break;
            }
            const bsg__strref *y = &s->enum_strs[table[h] - 1];
            if (y->len == x->len && memcmp(s->pool + y->off, text, x->len) == 0)
                break; /* the same value listed twice */
        }
    }
}

void bsg__plan_enum_sets(bsg_schema *s)
{
    size_t cap = 0;
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].kind == BSG__C_ENUM_STR)
            plan_check(s, &s->checks[i], &cap);
}
