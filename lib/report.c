/*
 * Recording validation errors: the path, the value as printed, and the
 * message from its template. Only invalid documents come here.
 */
#include "validator.h"

#include <stdio.h>


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
/* The slot of `path` in the table of paths with an error: the slot that
   holds it, or the empty slot where it goes. */
static uint32_t *path_slot(bsg_result *r, const char *path)
{
    uint32_t mask = r->path_cap - 1;
    uint32_t h = bsg__hash((const uint8_t *)path, strlen(path)) & mask;
    while (r->path_slots[h]) {
        const bsg_error *old = &r->errors[r->path_slots[h] - 1];
        if (strcmp(r->text + (uintptr_t)old->path, path) == 0)
            break;
        h = (h + 1) & mask;
    }
    return &r->path_slots[h];
}

static void path_table_grow(bsg_result *r)
{
    bsg__free(r->path_slots);
    r->path_cap = r->path_cap ? r->path_cap * 2 : 64;
    r->path_slots = bsg__calloc(r->path_cap, sizeof *r->path_slots);
    for (size_t i = 0; i < r->count; i++)
        *path_slot(r, r->text + (uintptr_t)r->errors[i].path) = (uint32_t)i + 1;
}

/* One error per path (DESIGN.md §5.1): the index + 1 of the error already
   recorded at `path`, or 0. Only invalid documents get here, so the table
   costs a valid document nothing. */
static uint32_t path_error(bsg_result *r, size_t path)
{
    if ((r->count + 1) * 2 > r->path_cap)
        path_table_grow(r);
    return *path_slot(r, r->text + path);
}

void bsg__report_reset(bsg_result *r)
{
    if (r->count && r->path_slots)
        memset(r->path_slots, 0, r->path_cap * sizeof *r->path_slots);
    r->count = 0;
    r->text_len = 0;
    r->truncated = false;
}

void bsg__report(vstate *v, bsg_kind kind, const elem *e, const char *expected,
                   const char *msg, tmpl_args *a)
{
    bsg_result *r = v->r;
    if (v->stop)
        return;
    size_t path = render_path(v);
    /* The first error at a path wins, as in Mongoose, except that a repeated
       key replaces it: the driver keeps the last value, so the repetition is
       what the user must see. Framing errors are always kept. */
    uint32_t existing = kind == BSG_KIND_MALFORMED ? 0 : path_error(r, path);
    bsg_error *err;
    if (existing && kind != BSG_KIND_KEY) {
        r->text_len = path;
        return;
    }
    if (existing) {
        err = &r->errors[existing - 1];
        r->text_len = path;
        path = (uintptr_t)err->path;
    } else {
        if (v->max_errors && r->count >= v->max_errors) {
            r->text_len = path;
            r->truncated = true;
            v->stop = true;
            return;
        }
        if (r->count == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->errors = bsg__realloc(r->errors, r->cap * sizeof *r->errors);
        }
        if (kind != BSG_KIND_MALFORMED)
            *path_slot(r, r->text + path) = (uint32_t)r->count + 1;
        err = &r->errors[r->count++];
    }
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
    err->kind = kind;
    err->path = (const char *)(uintptr_t)path;
    err->value = (const char *)(uintptr_t)value;
    err->message = (const char *)(uintptr_t)message;
    err->expected = expected ? expected : "";
    err->actual = e ? bsg__bson_type_alias(e->type) : "";
    err->offset = e ? (uint32_t)(e->key ? e->key - 1 - v->doc : e->val - v->doc) : 0;
}

/* Framing is lost: report where, and stop reading this document. */
void bsg__malformed(vstate *v, const uint8_t *at, const char *what)
{
    if (v->stop)
        return;
    char msg[160];
    snprintf(msg, sizeof msg, "malformed BSON at byte %u: %s",
             (unsigned)(at - v->doc), what);
    bsg__report(v, BSG_KIND_MALFORMED, NULL, "", msg, NULL);
    v->stop = true;
    if (v->r->count)
        v->r->errors[v->r->count - 1].offset = (uint32_t)(at - v->doc);
}

void bsg__key_error(vstate *v, const elem *e, const char *why)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Field `{PATH}` %s", why);
    push(v, (const char *)e->key, e->klen);
    bsg__report(v, BSG_KIND_KEY, e, "", msg, NULL);
    pop(v);
}
