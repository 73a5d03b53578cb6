/*
 * The registry of custom validators named by `validate: 'name'`.
 */
#include "schema.h"

#include <string.h>

typedef struct entry {
    char *name;
    bsg_validator_fn fn;
    void *ctx;
} entry;

struct bsg_registry {
    entry *entries;
    size_t count, cap;
};

bsg_registry *bsg_registry_new(void) { return bsg__calloc(1, sizeof(bsg_registry)); }

static entry *find(const bsg_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->count; i++)
        if (strcmp(reg->entries[i].name, name) == 0)
            return &reg->entries[i];
    return NULL;
}

bool bsg_registry_add(bsg_registry *reg, const char *name, bsg_validator_fn fn,
                      void *ctx)
{
    if (!reg || !name || !fn)
        return false;
    entry *e = find(reg, name);
    if (!e) {
        if (reg->count == reg->cap) {
            reg->cap = reg->cap ? reg->cap * 2 : 8;
            reg->entries = bsg__realloc(reg->entries, reg->cap * sizeof *e);
        }
        e = &reg->entries[reg->count++];
        e->name = bsg__strndup(name, strlen(name));
    }
    e->fn = fn;
    e->ctx = ctx;
    return true;
}

void bsg_registry_free(bsg_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->count; i++)
        bsg__free(reg->entries[i].name);
    bsg__free(reg->entries);
    bsg__free(reg);
}

bool bsg__registry_find(const bsg_registry *reg, const char *name,
                        bsg_validator_fn *fn, void **ctx)
{
    const entry *e = reg ? find(reg, name) : NULL;
    if (!e)
        return false;
    *fn = e->fn;
    *ctx = e->ctx;
    return true;
}

size_t bsg__registry_names(const bsg_registry *reg, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; reg && i < reg->count && n < cap; i++)
        names[n++] = reg->entries[i].name;
    return n;
}
