/*
 * The compiler: AST -> flat tables. Gives the generic JS-value tree its
 * Mongoose 9 meaning (mongoose-semantics.md §b.3, §c.1): type names, the type
 * key, nested paths vs subdocuments vs document arrays, declared schemas and
 * their discriminators, implicit paths, and schema options.
 */
#include "compile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { VARIANT_ROOT = 0, VARIANT_EMBEDDED = 1 };

/* One field of an object under construction. */
typedef struct pending_field {
    const char *name;
    uint32_t offset;
    uint32_t node;
} pending_field;

typedef struct field_list {
    pending_field *items;
    size_t count, cap;
} field_list;

static uint32_t compile_decl(bsg__compiler *c, int decl, int variant);

/* MARK: - Diagnostics */

void bsg__cerror(bsg__compiler *c, uint32_t offset, const char *code,
                 const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bsg__diag_at(c->diag, c->src, offset, code, "%s", msg);
}

void bsg__chint(bsg__compiler *c, const char *fmt, ...)
{
    if (!c->diag)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->diag->hint, sizeof c->diag->hint, fmt, ap);
    va_end(ap);
}

void bsg__clint(bsg__compiler *c, uint32_t offset, const char *code,
                const char *hint, const char *fmt, ...)
{
    bsg_schema *s = c->s;
    /* A schema compiled for several uses reports each finding once. */
    for (size_t i = 0; i < s->nlints; i++)
        if (s->lints[i].offset == offset && strcmp(s->lints[i].code, code) == 0)
            return;
    BSG__GROW(s->lints, c->cap_lints, s->nlints + 1);
    bsg_diag *d = &s->lints[s->nlints++];
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bsg__diag_at(d, c->src, offset, code, "%s", msg);
    if (hint)
        bsg__diag_hint(d, "%s", hint);
}

/* MARK: - Tables */

uint32_t bsg__pool_add(bsg__compiler *c, const char *str, size_t n)
{
    bsg_schema *s = c->s;
    BSG__GROW(s->pool, c->cap_pool, s->pool_len + n + 1);
    uint32_t off = (uint32_t)s->pool_len;
    memcpy(s->pool + off, str, n);
    s->pool[off + n] = '\0';
    s->pool_len += n + 1;
    return off;
}

uint32_t bsg__node_new(bsg__compiler *c, bsg__type type)
{
    bsg_schema *s = c->s;
    BSG__GROW(s->nodes, c->cap_nodes, s->nnodes + 1);
    bsg__node *n = &s->nodes[s->nnodes];
    memset(n, 0, sizeof *n);
    n->type = (uint8_t)type;
    n->elem = n->req_msg = n->hash = n->disc = BSG__NONE;
    n->mask = bsg__type_mask(type);
    uint32_t index = (uint32_t)s->nnodes++;
    uint32_t label = bsg__pool_add(c, bsg__type_name(type), strlen(bsg__type_name(type)));
    s->nodes[index].label = label;
    return index;
}

const char *bsg__ast_describe(const bsg__ast_node *n)
{
    switch (n->kind) {
    case BSG__AST_OBJECT: return "an object";
    case BSG__AST_ARRAY: return "an array";
    case BSG__AST_STRING: return "a string";
    case BSG__AST_NUMBER: return "a number";
    case BSG__AST_BOOL: return "a boolean";
    case BSG__AST_NULL: return "null";
    case BSG__AST_REGEX: return "a regex";
    case BSG__AST_REF: return "a name";
    }
    return "a value";
}

const bsg__ast_node *bsg__ast_get(const bsg__ast_node *obj, const char *key)
{
    for (size_t i = 0; obj && i < obj->u.object.count; i++)
        if (strcmp(obj->u.object.members[i].key, key) == 0)
            return obj->u.object.members[i].value;
    return NULL;
}

static char *join_path(bsg__compiler *c, const char *parent, const char *key)
{
    size_t pl = parent ? strlen(parent) : 0, kl = strlen(key);
    char *p = bsg__arena_alloc(&c->scratch, pl + kl + 2);
    if (pl) {
        memcpy(p, parent, pl);
        p[pl++] = '.';
    }
    memcpy(p + pl, key, kl + 1);
    return p;
}

/* MARK: - Objects */

static void list_put(field_list *l, const char *name, uint32_t offset, uint32_t node)
{
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->items[i].name, name) == 0) { /* a redefinition wins */
            l->items[i].node = node;
            l->items[i].offset = offset;
            return;
        }
    }
    BSG__GROW(l->items, l->cap, l->count + 1);
    l->items[l->count++] = (pending_field){name, offset, node};
}

static bool list_has(const field_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return true;
    return false;
}

/* The name plus its NUL terminator as masked little-endian words: its
   first 16 bytes, for a longer name. */
static void set_key_words(bsg__field *f, const char *name, size_t len)
{
    memset(f->key_word, 0, sizeof f->key_word);
    memset(f->key_mask, 0, sizeof f->key_mask);
    for (size_t i = 0; i <= len && i < 16; i++) { /* i == len: the NUL */
        uint64_t byte = i < len ? (uint8_t)name[i] : 0;
        f->key_word[i / 8] |= byte << (8 * (i % 8));
        f->key_mask[i / 8] |= UINT64_C(0xFF) << (8 * (i % 8));
    }
}

/* Write an object's fields and, for wider objects, its hash table. */
static void finish_object(bsg__compiler *c, uint32_t node, const field_list *l)
{
    bsg_schema *s = c->s;
    uint32_t first = (uint32_t)s->nfields;
    bool has_required = false;
    BSG__GROW(s->fields, c->cap_fields, s->nfields + l->count);
    for (size_t i = 0; i < l->count; i++) {
        size_t len = strlen(l->items[i].name);
        bsg__field *f = &s->fields[s->nfields++];
        f->name = bsg__pool_add(c, l->items[i].name, len);
        f->len = (uint32_t)len;
        f->head = bsg__key_head((const uint8_t *)l->items[i].name, len);
        set_key_words(f, l->items[i].name, len);
        f->node = l->items[i].node;
        const bsg__node *child = &s->nodes[f->node];
        if ((child->flags & BSG__F_REQUIRED) ||
            (child->type == BSG__T_NESTED && (child->flags & BSG__F_HAS_REQUIRED))) {
            has_required = true;
            if (i < 64)
                s->nodes[node].reportable |= UINT64_C(1) << i;
        }
    }
    bsg__node *n = &s->nodes[node];
    n->first = first;
    n->count = (uint32_t)l->count;
    if (has_required)
        n->flags |= BSG__F_HAS_REQUIRED;
    if (l->count > s->max_fields)
        s->max_fields = (uint32_t)l->count;
    if (l->count <= 8)
        return;
    uint32_t size = 16;
    while (size < l->count * 2)
        size *= 2;
    uint32_t base = (uint32_t)s->nslots;
    BSG__GROW(s->slots, c->cap_slots, s->nslots + size);
    memset(s->slots + base, 0, size * sizeof *s->slots);
    s->nslots += size;
    for (uint32_t i = 0; i < l->count; i++) {
        const bsg__field *f = &s->fields[first + i];
        uint32_t h = bsg__hash((const uint8_t *)s->pool + f->name, f->len) & (size - 1);
        while (s->slots[base + h])
            h = (h + 1) & (size - 1);
        s->slots[base + h] = i + 1;
    }
    n = &s->nodes[node];
    n->hash = base;
    n->hash_mask = size - 1;
}

static bool is_leaf_definition(const bsg__ctx *ctx, const bsg__ast_node *def)
{
    const bsg__ast_node *t = bsg__ast_get(def, ctx->type_key);
    /* `{ type: { type: String } }` declares a nested field named `type`. */
    return t && !(t->kind == BSG__AST_OBJECT && bsg__ast_get(t, ctx->type_key));
}

/* Add the fields written in `body` to `l`. */
static void collect_fields(bsg__compiler *c, const bsg__ctx *ctx,
                           const bsg__ast_node *body, field_list *l, bool *id_off)
{
    for (size_t i = 0; i < body->u.object.count && !c->failed; i++) {
        const bsg__ast_member *m = &body->u.object.members[i];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(body->u.object.members[j].key, m->key) == 0) {
                bsg__cerror(c, m->offset, "duplicate-field",
                            "field `%s` is declared twice", m->key);
                return;
            }
        }
        if (m->key_len == 0) {
            bsg__cerror(c, m->offset, "empty-key", "a field name cannot be empty");
            return;
        }
        if (strcmp(m->key, "_id") == 0 && m->value->kind == BSG__AST_BOOL) {
            if (m->value->u.boolean) {
                bsg__cerror(c, m->value->offset, "bad-type", "`_id: true` is not a type");
                bsg__chint(c, "subdocuments get an `_id` by default; write `_id: false` to "
                              "turn it off, or give its type");
                return;
            }
            *id_off = true;
            continue;
        }
        if (strchr(m->key, '.') || m->key[0] == '$') {
            bsg__cerror(c, m->offset, "bad-field-name",
                        "field name `%s` cannot contain `.` or start with `$`", m->key);
            bsg__chint(c, "declare nested paths as nested objects: `a: { b: … }`");
            return;
        }
        uint32_t node = bsg__compile_path(c, ctx, m->value, join_path(c, ctx->path, m->key));
        if (!c->failed)
            list_put(l, m->key, m->offset, node);
    }
}

static uint32_t implicit_node(bsg__compiler *c, bsg__type type)
{
    return bsg__node_new(c, type);
}

/* The paths Mongoose adds: _id, the version key, timestamps. */
static void add_implicit(bsg__compiler *c, field_list *l, bool id,
                         const char *version_key, const char *created,
                         const char *updated)
{
    if (id && !list_has(l, "_id")) {
        /* _id comes first, as the server stores it. */
        BSG__GROW(l->items, l->cap, l->count + 1);
        memmove(l->items + 1, l->items, l->count * sizeof *l->items);
        l->items[0] = (pending_field){"_id", 0, implicit_node(c, BSG__T_OBJECTID)};
        l->count++;
    }
    /* Last the timestamps, then the version key: the order in which a
       Mongoose save writes them, which the walk expects fields in. */
    if (created && !list_has(l, created))
        list_put(l, created, 0, implicit_node(c, BSG__T_DATE));
    if (updated && !list_has(l, updated))
        list_put(l, updated, 0, implicit_node(c, BSG__T_DATE));
    if (version_key && !list_has(l, version_key))
        list_put(l, version_key, 0, implicit_node(c, BSG__T_NUMBER));
}

/* An inline schema: `{ type: { … } }` or, as an array element, `[ { … } ]`.
   It takes the strict mode the parent schema was given and its type key,
   and gets an _id unless its body says `_id: false` or, for an array
   element, the parent schema was given `_id: false` (as Mongoose does). */
static uint32_t compile_inline_schema(bsg__compiler *c, const bsg__ctx *ctx,
                                      const bsg__ast_node *body, const char *path,
                                      bool array_element)
{
    uint32_t node = bsg__node_new(c, BSG__T_EMBEDDED);
    c->s->nodes[node].strict = (uint8_t)ctx->child_strict;
    bsg__ctx child = *ctx;
    child.path = path;
    child.strict = ctx->child_strict;
    child.array_id_off = array_element && ctx->array_id_off;
    field_list l = {0};
    bool id_off = child.array_id_off;
    collect_fields(c, &child, body, &l, &id_off);
    add_implicit(c, &l, !id_off, NULL, NULL, NULL);
    if (!c->failed)
        finish_object(c, node, &l);
    bsg__free(l.items);
    return node;
}

/* A nested path `{ a: String, … }`: no _id, same schema. */
static uint32_t compile_nested(bsg__compiler *c, const bsg__ctx *ctx,
                               const bsg__ast_node *body, const char *path)
{
    uint32_t node = bsg__node_new(c, BSG__T_NESTED);
    c->s->nodes[node].strict = (uint8_t)ctx->strict;
    bsg__ctx child = *ctx;
    child.path = path;
    field_list l = {0};
    bool id_off = false;
    collect_fields(c, &child, body, &l, &id_off);
    if (!c->failed)
        finish_object(c, node, &l);
    bsg__free(l.items);
    return node;
}

/* MARK: - Types */

static int find_decl(const bsg__compiler *c, const char *name)
{
    for (size_t i = 0; i < c->ndecls; i++)
        if (strcmp(c->decls[i].ast->name, name) == 0)
            return (int)i;
    return -1;
}

static void suggest_type(bsg__compiler *c, const char *word)
{
    unsigned spellings = 0;
    while (bsg__type_spelling(spellings, NULL))
        spellings++;
    const char **cands = bsg__arena_alloc(&c->scratch, (spellings + c->ndecls) * sizeof *cands);
    size_t n = 0;
    for (unsigned i = 0; i < spellings; i++)
        cands[n++] = bsg__type_spelling(i, NULL);
    for (size_t i = 0; i < c->ndecls; i++)
        cands[n++] = c->decls[i].ast->name;
    const char *best = bsg__suggest(word, cands, n);
    if (best)
        bsg__chint(c, "did you mean `%s`?", best);
    else
        bsg__chint(c, "types are String, Number, Boolean, Date, ObjectId, Decimal128, "
                      "BigInt, Double, Int32, UUID, Buffer, Mixed, Map, Array, or a "
                      "declared schema");
}

/* A path whose type is a declared schema gets its own node, so that its
   options (`required`, validators) stay on this path. The node takes the
   schema's shape once every schema is compiled (the schema may still be
   compiling: recursion). */
static uint32_t alias_of(bsg__compiler *c, uint32_t target)
{
    if (target == BSG__NONE)
        return BSG__NONE;
    uint32_t node = bsg__node_new(c, BSG__T_EMBEDDED);
    BSG__GROW(c->aliases, c->cap_aliases, c->naliases + 2);
    c->aliases[c->naliases++] = node;
    c->aliases[c->naliases++] = target;
    return node;
}

static void resolve_aliases(bsg__compiler *c)
{
    for (size_t i = 0; i < c->naliases; i += 2) {
        bsg__node *alias = &c->s->nodes[c->aliases[i]];
        const bsg__node *t = &c->s->nodes[c->aliases[i + 1]];
        bsg__node keep = *alias;
        *alias = *t;
        const uint8_t own = BSG__F_REQUIRED | BSG__F_NO_NULL; /* the use site's options */
        alias->flags = (uint8_t)((t->flags & ~own) | (keep.flags & own));
        alias->checks = keep.checks;
        alias->nchecks = keep.nchecks;
        alias->req_msg = keep.req_msg;
    }
}

/* A node for a type named on its own. `Array` and `Map` without an element
   type hold Mixed (an `of` option may replace it). */
static uint32_t named_type_node(bsg__compiler *c, bsg__type t)
{
    uint32_t node = bsg__node_new(c, t);
    if (t == BSG__T_ARRAY || t == BSG__T_MAP) {
        uint32_t elem = bsg__node_new(c, BSG__T_MIXED);
        c->s->nodes[node].elem = elem;
        c->s->nodes[node].flags |= BSG__F_IMPLICIT_ELEM;
    }
    return node;
}

/* NestJS's @Prop rewrites these bson classes into Mixed (mongoose-semantics.md c.2). */
static void lint_nest_spelling(bsg__compiler *c, const char *ref, uint32_t offset,
                               const char *path)
{
    static const char *const classes[] = {"ObjectId", "Decimal128", "UUID"};
    const char *last = strrchr(ref, '.');
    bool types_only = strncmp(ref, "Types.", 6) == 0 ||
                      strncmp(ref, "mongoose.Types.", 15) == 0;
    for (size_t i = 0; last && types_only && i < 3; i++) {
        if (strcmp(last + 1, classes[i]) == 0) {
            char hint[128];
            snprintf(hint, sizeof hint, "write `Schema.Types.%s`", classes[i]);
            bsg__clint(c, offset, "nest-mixed", hint,
                       "`%s` spells `type: %s`, the bson class: NestJS's @Prop turns it "
                       "into Mixed, so values are stored as given (24-hex strings stay "
                       "strings)", path, ref);
        }
    }
}

/* Resolve a name used as a type: a SchemaType spelling, `X.Types.Name`, or a
   declared schema. Returns a new node (NONE on error). */
static uint32_t compile_type_ref(bsg__compiler *c, const char *ref, uint32_t offset, const char *path)
{
    bsg__type t;
    const char *last = strrchr(ref, '.');
    if (!last) {
        int d = find_decl(c, ref);
        if (d >= 0)
            return alias_of(c, compile_decl(c, d, VARIANT_EMBEDDED));
        if (bsg__type_lookup(ref, false, &t)) {
            if (t == BSG__T_MIXED)
                bsg__clint(c, offset, "mixed-path",
                           "validators do not reach inside Mixed; remove it or declare "
                           "the shape",
                           "`%s` is Mixed (spelt `%s`): any value is accepted and "
                           "nothing inside it is checked", path, ref);
            if (t == BSG__T_ARRAY)
                bsg__clint(c, offset, "nest-mixed", "write `[Schema.Types.Mixed]` or `[T]`",
                           "`%s` spells `type: Array`: NestJS's @Prop turns it into Mixed "
                           "(a scalar is then stored unwrapped), and its elements are "
                           "not checked", path);
            return named_type_node(c, t);
        }
        bsg__cerror(c, offset, "unknown-type", "unknown type `%s`", ref);
        suggest_type(c, ref);
        return BSG__NONE;
    }
    /* Any `X.Types.Name` or `Schema.Name` prefix names a SchemaType. */
    size_t plen = (size_t)(last - ref);
    bool types_prefix = plen >= 5 && strncmp(last - 5, "Types", 5) == 0 &&
                        (plen == 5 || last[-6] == '.');
    /* Mongoose's Schema has ObjectId beside Types; mongoose has ObjectId and Mixed. */
    bool schema_prefix = ((plen == 6 && strncmp(ref, "Schema", 6) == 0) ||
                          (plen == 8 && strncmp(ref, "mongoose", 8) == 0)) &&
                         (strcmp(last + 1, "ObjectId") == 0 ||
                          (plen == 8 && strcmp(last + 1, "Mixed") == 0));
    if ((types_prefix || schema_prefix) && bsg__type_lookup(last + 1, false, &t)) {
        lint_nest_spelling(c, ref, offset, path);
        if (t == BSG__T_MIXED)
            bsg__clint(c, offset, "mixed-path",
                       "validators do not reach inside Mixed; remove it or declare the "
                       "shape",
                       "`%s` is Mixed (spelt `%s`): any value is accepted and nothing "
                       "inside it is checked", path, ref);
        return named_type_node(c, t);
    }
    bsg__cerror(c, offset, "unknown-type", "unknown type `%s`", ref);
    suggest_type(c, last + 1);
    return BSG__NONE;
}

static uint32_t array_of(bsg__compiler *c, uint32_t elem)
{
    if (elem == BSG__NONE)
        return BSG__NONE;
    uint32_t node = bsg__node_new(c, BSG__T_ARRAY);
    c->s->nodes[node].elem = elem;
    return node;
}

/* An array element definition: `[T]`, `[{ … }]`, `[{ type: T, … }]`, `[[T]]`. */
static uint32_t compile_element(bsg__compiler *c, const bsg__ctx *ctx,
                                const bsg__ast_node *arr, const char *path)
{
    if (arr->u.array.count == 0) {
        bsg__clint(c, arr->offset, "mixed-path",
                   "declare the element type: `[String]`, `[{ … }]`",
                   "`%s` is an array of Mixed: its elements are not checked", path);
        return bsg__node_new(c, BSG__T_MIXED);
    }
    if (arr->u.array.count > 1) {
        bsg__cerror(c, arr->u.array.items[1]->offset, "array-arity",
                    "an array type takes one element type, found %zu",
                    arr->u.array.count);
        bsg__chint(c, "for several allowed types use `{ type: Schema.Types.Union, of: [A, B] }`");
        return BSG__NONE;
    }
    const bsg__ast_node *e = arr->u.array.items[0];
    char *epath = join_path(c, path, "$");
    if (e->kind == BSG__AST_OBJECT && e->u.object.count > 0 && !is_leaf_definition(ctx, e))
        return compile_inline_schema(c, ctx, e, epath, true);
    return bsg__compile_path(c, ctx, e, epath);
}

/* The value of a type key (or a bare definition): a name, a string, an
   array or an object. */
static uint32_t compile_type_value(bsg__compiler *c, const bsg__ctx *ctx,
                                   const bsg__ast_node *t, const char *path)
{
    bsg__type type;
    switch (t->kind) {
    case BSG__AST_REF:
        return compile_type_ref(c, t->u.ref.path, t->offset, path);
    case BSG__AST_STRING:
        if (bsg__type_lookup(t->u.string.text, true, &type)) {
            if (type == BSG__T_MIXED)
                bsg__clint(c, t->offset, "mixed-path",
                           "validators do not reach inside Mixed; remove it or declare "
                           "the shape",
                           "`%s` is Mixed (spelt '%s'): any value is accepted and "
                           "nothing inside it is checked", path, t->u.string.text);
            return named_type_node(c, type);
        }
        bsg__cerror(c, t->offset, "unknown-type", "unknown type '%s'", t->u.string.text);
        suggest_type(c, t->u.string.text);
        return BSG__NONE;
    case BSG__AST_ARRAY:
        return array_of(c, compile_element(c, ctx, t, path));
    case BSG__AST_OBJECT:
        if (t->u.object.count == 0) {
            bsg__clint(c, t->offset, "mixed-path",
                       "validators do not reach inside Mixed; remove it or declare the "
                       "shape",
                       "`%s` is Mixed (spelt `{}`): any value is accepted and nothing "
                       "inside it is checked", path);
            return bsg__node_new(c, BSG__T_MIXED);
        }
        return compile_inline_schema(c, ctx, t, path, false);
    default:
        bsg__cerror(c, t->offset, "bad-type", "%s is not a valid type", bsg__ast_describe(t));
        bsg__chint(c, "a type is a name such as `String`, an array `[T]` or an object");
        return BSG__NONE;
    }
}

/* An Array or Map nobody gave an element type holds Mixed values. */
static void lint_implicit_element(bsg__compiler *c, uint32_t node, uint32_t offset,
                                  const char *path)
{
    if (c->failed || node == BSG__NONE || !(c->s->nodes[node].flags & BSG__F_IMPLICIT_ELEM))
        return;
    bool map = c->s->nodes[node].type == BSG__T_MAP;
    for (size_t i = 0; i < c->s->nlints; i++)
        if (c->s->lints[i].offset == offset && strcmp(c->s->lints[i].code, "nest-mixed") == 0)
            return; /* that finding already says the elements are not checked */
    bsg__clint(c, offset, "mixed-path",
               map ? "declare the value type: `{ type: Map, of: T }`"
                   : "declare the element type: `[T]` or `{ type: Array, of: T }`",
               "`%s` is %s of Mixed: its %s are not checked", path,
               map ? "a Map" : "an array", map ? "values" : "elements");
}

uint32_t bsg__compile_path(bsg__compiler *c, const bsg__ctx *ctx,
                           const bsg__ast_node *def, const char *path)
{
    if (c->failed)
        return BSG__NONE;
    if (def->kind != BSG__AST_OBJECT || def->u.object.count == 0) {
        uint32_t node = compile_type_value(c, ctx, def, path);
        lint_implicit_element(c, node, def->offset, path);
        if (!c->failed && c->s->nodes[node].type == BSG__T_UNION) {
            bsg__cerror(c, def->offset, "union-of", "a Union needs its member types in `of`");
            bsg__chint(c, "write `{ type: Schema.Types.Union, of: [Number, String] }`");
        }
        return node;
    }
    if (!is_leaf_definition(ctx, def))
        return compile_nested(c, ctx, def, path);
    uint32_t node = compile_type_value(c, ctx, bsg__ast_get(def, ctx->type_key), path);
    if (!c->failed)
        bsg__apply_options(c, ctx, node, def, path);
    lint_implicit_element(c, node, bsg__ast_get(def, ctx->type_key)->offset, path);
    if (!c->failed && c->s->nodes[node].type == BSG__T_UNION && c->s->nodes[node].count == 0) {
        bsg__cerror(c, bsg__ast_get(def, ctx->type_key)->offset, "union-of",
                    "a Union needs its member types in `of`");
        bsg__chint(c, "write `{ type: Schema.Types.Union, of: [Number, String] }`");
    }
    return node;
}

/* MARK: - Declared schemas */

static bool option_bool(bsg__compiler *c, const bsg__ast_member *m, bool *out)
{
    if (m->value->kind != BSG__AST_BOOL) {
        bsg__cerror(c, m->value->offset, "bad-option",
                    "schema option `%s` takes true or false, not %s", m->key,
                    bsg__ast_describe(m->value));
        return false;
    }
    *out = m->value->u.boolean;
    return true;
}

static const char *option_string(bsg__compiler *c, const bsg__ast_member *m)
{
    if (m->value->kind != BSG__AST_STRING || m->value->u.string.len == 0) {
        bsg__cerror(c, m->value->offset, "bad-option",
                    "schema option `%s` takes a non-empty string", m->key);
        return NULL;
    }
    return m->value->u.string.text;
}

static void parse_strict(bsg__compiler *c, const bsg__ast_member *m, bsg__decl *d)
{
    const bsg__ast_node *v = m->value;
    if (v->kind == BSG__AST_BOOL)
        d->strict = v->u.boolean ? BSG_STRICT_TRUE : BSG_STRICT_FALSE;
    else if (v->kind == BSG__AST_STRING && strcmp(v->u.string.text, "throw") == 0)
        d->strict = BSG_STRICT_THROW;
    else
        bsg__cerror(c, v->offset, "bad-option",
                    "`strict` takes true, false or 'throw'");
}

static void parse_timestamps(bsg__compiler *c, const bsg__ast_member *m, bsg__decl *d)
{
    const bsg__ast_node *v = m->value;
    if (v->kind == BSG__AST_BOOL) {
        d->created_at = v->u.boolean ? "createdAt" : NULL;
        d->updated_at = v->u.boolean ? "updatedAt" : NULL;
        return;
    }
    if (v->kind != BSG__AST_OBJECT) {
        bsg__cerror(c, v->offset, "bad-option",
                    "`timestamps` takes true, false or { createdAt, updatedAt }");
        return;
    }
    d->created_at = "createdAt";
    d->updated_at = "updatedAt";
    for (size_t i = 0; i < v->u.object.count && !c->failed; i++) {
        const bsg__ast_member *t = &v->u.object.members[i];
        const char **slot = strcmp(t->key, "createdAt") == 0   ? &d->created_at
                            : strcmp(t->key, "updatedAt") == 0 ? &d->updated_at
                                                               : NULL;
        if (!slot) {
            if (strcmp(t->key, "currentTime") == 0)
                continue;
            bsg__cerror(c, t->offset, "unknown-option", "unknown timestamps option `%s`", t->key);
            bsg__chint(c, "timestamps take `createdAt`, `updatedAt` and `currentTime`");
            return;
        }
        if (t->value->kind == BSG__AST_BOOL)
            *slot = t->value->u.boolean ? *slot : NULL;
        else
            *slot = option_string(c, t);
    }
}

static const char *const schema_options[] = {
    "strict", "_id", "versionKey", "timestamps", "minimize", "typeKey",
    "discriminatorKey", "discriminatorValue", "collection", "autoIndex",
    "autoCreate", "bufferCommands", "capped", "collation", "id", "read",
    "shardKey", "strictQuery", "toJSON", "toObject", "validateBeforeSave",
    "optimisticConcurrency", "skipVersioning", "selectPopulatedPaths",
    "storeSubdocValidationError", "timeseries", "writeConcern", "excludeIndexes",
    "autoSearchIndex", "versionKeyIncrement", "strictRead",
};

static void parse_options(bsg__compiler *c, bsg__decl *d)
{
    const bsg__ast_node *o = d->ast->options;
    for (size_t i = 0; o && i < o->u.object.count && !c->failed; i++) {
        const bsg__ast_member *m = &o->u.object.members[i];
        const char *k = m->key;
        if (strcmp(k, "strict") == 0)
            parse_strict(c, m, d);
        else if (strcmp(k, "_id") == 0)
            option_bool(c, m, &d->id);
        else if (strcmp(k, "minimize") == 0)
            option_bool(c, m, &d->minimize);
        else if (strcmp(k, "timestamps") == 0)
            parse_timestamps(c, m, d);
        else if (strcmp(k, "typeKey") == 0)
            d->type_key = option_string(c, m);
        else if (strcmp(k, "discriminatorKey") == 0)
            d->disc_key = option_string(c, m);
        else if (strcmp(k, "discriminatorValue") == 0)
            d->disc_value = option_string(c, m);
        else if (strcmp(k, "versionKey") == 0) {
            if (m->value->kind == BSG__AST_BOOL) {
                if (m->value->u.boolean) {
                    bsg__cerror(c, m->value->offset, "bad-option",
                                "`versionKey` takes false or a field name");
                }
                d->version_key = NULL;
            } else {
                d->version_key = option_string(c, m);
            }
        } else {
            bool known = false;
            for (size_t j = 0; j < sizeof schema_options / sizeof *schema_options; j++)
                known = known || strcmp(k, schema_options[j]) == 0;
            if (!known) {
                bsg__cerror(c, m->offset, "unknown-option", "unknown schema option `%s`", k);
                const char *best = bsg__suggest(k, schema_options,
                                                sizeof schema_options / sizeof *schema_options);
                if (best)
                    bsg__chint(c, "did you mean `%s`?", best);
            }
        }
    }
}

/* Fields of a declared schema, its ancestors' first (a discriminator
   child has every path of its base, and may redefine them). */
static void decl_fields(bsg__compiler *c, int di, field_list *l, bool *id_off)
{
    const bsg__decl *d = &c->decls[di];
    if (d->base >= 0)
        decl_fields(c, d->base, l, id_off);
    if (c->failed)
        return;
    bsg__ctx ctx = {di, d->type_key, d->strict, d->minimize, NULL, d->own_strict, !d->id};
    collect_fields(c, &ctx, d->ast->body, l, id_off);
}

static int root_of(const bsg__compiler *c, int di)
{
    while (c->decls[di].base >= 0)
        di = c->decls[di].base;
    return di;
}

static bool has_children(const bsg__compiler *c, int di)
{
    for (size_t i = 0; i < c->ndecls; i++)
        if (c->decls[i].base == di)
            return true;
    return false;
}

/* The discriminator table of a base: every descendant, keyed by value. */
static void build_discriminators(bsg__compiler *c, int base, int variant)
{
    bsg_schema *s = c->s;
    uint32_t first = (uint32_t)s->ndisc_values;
    for (size_t i = 0; i < c->ndecls && !c->failed; i++) {
        if ((int)i == base || root_of(c, (int)i) != base)
            continue;
        uint32_t node = compile_decl(c, (int)i, variant);
        const char *v = c->decls[i].disc_value;
        BSG__GROW(s->disc_values, c->cap_dvals, s->ndisc_values + 1);
        s->disc_values[s->ndisc_values++] =
            (bsg__disc_value){bsg__pool_add(c, v, strlen(v)), (uint32_t)strlen(v), node};
    }
    const char *key = c->decls[base].disc_key;
    BSG__GROW(s->discs, c->cap_discs, s->ndiscs + 1);
    s->discs[s->ndiscs] = (bsg__disc){bsg__pool_add(c, key, strlen(key)),
                                      (uint32_t)strlen(key), first,
                                      (uint32_t)(s->ndisc_values - first)};
    s->nodes[c->decls[base].node[variant]].disc = (uint32_t)s->ndiscs++;
}

/* The object of a declared schema, compiled once per variant: the root
   variant (a model) carries the version key, the embedded one does not. */
static uint32_t compile_decl(bsg__compiler *c, int di, int variant)
{
    bsg__decl *d = &c->decls[di];
    if (d->node[variant] != BSG__NONE || c->failed)
        return d->node[variant];
    uint32_t node = bsg__node_new(c, BSG__T_EMBEDDED);
    d = &c->decls[di];
    d->node[variant] = node;
    c->s->nodes[node].strict = (uint8_t)d->strict;
    c->s->nodes[node].label = bsg__pool_add(c, d->ast->name, strlen(d->ast->name));
    field_list l = {0};
    bool id_off = !d->id;
    decl_fields(c, di, &l, &id_off);
    const bsg__decl *r = &c->decls[root_of(c, di)];
    add_implicit(c, &l, !id_off, variant == VARIANT_ROOT ? r->version_key : NULL,
                 r->created_at, r->updated_at);
    if (!c->failed && (d->base >= 0 || has_children(c, di)) && !list_has(&l, r->disc_key))
        list_put(&l, r->disc_key, 0, bsg__node_new(c, BSG__T_STRING));
    if (!c->failed)
        finish_object(c, node, &l);
    bsg__free(l.items);
    if (!c->failed && d->base < 0 && has_children(c, di))
        build_discriminators(c, di, variant);
    return node;
}

static void init_decls(bsg__compiler *c)
{
    c->ndecls = c->file->count;
    c->decls = bsg__calloc(c->ndecls ? c->ndecls : 1, sizeof *c->decls);
    for (size_t i = 0; i < c->ndecls && !c->failed; i++) {
        bsg__decl *d = &c->decls[i];
        d->ast = &c->file->schemas[i];
        d->base = -1;
        d->strict = BSG_STRICT_TRUE;
        d->id = d->minimize = true;
        d->type_key = "type";
        d->disc_key = "__t";
        d->disc_value = d->ast->name;
        d->version_key = "__v";
        d->node[0] = d->node[1] = BSG__NONE;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c->decls[j].ast->name, d->ast->name) == 0) {
                bsg__cerror(c, d->ast->offset, "duplicate-schema",
                            "schema `%s` is declared twice", d->ast->name);
                return;
            }
        }
    }
    for (size_t i = 0; i < c->ndecls && !c->failed; i++) {
        bsg__decl *d = &c->decls[i];
        if (d->ast->base) {
            d->base = find_decl(c, d->ast->base);
            if (d->base < 0) {
                bsg__cerror(c, d->ast->base_offset, "unknown-schema",
                            "`%s` extends `%s`, which is not declared", d->ast->name,
                            d->ast->base);
                suggest_type(c, d->ast->base);
            }
        }
        parse_options(c, d);
    }
    /* A discriminator inherits its base's options unless it sets them. */
    for (size_t i = 0; i < c->ndecls && !c->failed; i++) {
        int hops = 0;
        for (int b = c->decls[i].base; b >= 0 && !c->failed; b = c->decls[b].base) {
            if (++hops > (int)c->ndecls)
                bsg__cerror(c, c->decls[i].ast->base_offset, "extends-cycle",
                            "`%s` extends itself through its bases", c->decls[i].ast->name);
        }
    }
}

static void inherit_base_options(bsg__compiler *c)
{
    for (size_t i = 0; i < c->ndecls; i++) {
        bsg__decl *d = &c->decls[i];
        d->own_strict = d->strict;
        if (d->base < 0 || bsg__ast_get(d->ast->options, "strict"))
            continue;
        d->strict = c->decls[root_of(c, (int)i)].strict;
    }
}

/* MARK: - Public entry points */

static bsg_schema *compile_file(const bsg__source *src, const bsg__ast_file *file,
                                const bsg_compile_options *o, bsg_diag *diag)
{
    bsg__compiler c = {0};
    c.src = src;
    c.file = file;
    c.reg = o->registry;
    c.diag = diag;
    bsg__arena_init(&c.scratch);
    c.s = bsg__calloc(1, sizeof *c.s);
    init_decls(&c);
    if (!c.failed)
        inherit_base_options(&c);
    bsg_schema *s = c.s;
    s->models = bsg__calloc(c.ndecls ? c.ndecls : 1, sizeof *s->models);
    for (size_t i = 0; i < c.ndecls && !c.failed; i++) {
        uint32_t root = compile_decl(&c, (int)i, VARIANT_ROOT);
        s->models[s->nmodels++] = (bsg_model){
            s, bsg__pool_add(&c, c.decls[i].ast->name, strlen(c.decls[i].ast->name)),
            root};
    }
    if (!c.failed)
        resolve_aliases(&c);
    bsg__free(c.aliases);
    bsg__free(c.decls);
    bsg__arena_destroy(&c.scratch);
    if (c.failed) {
        bsg_schema_free(s);
        return NULL;
    }
    for (size_t i = 0; i < s->nmodels; i++)
        s->models[i].owner = s;
    bsg__plan_fast_paths(s);
    bsg__plan_enum_sets(s);
    if (!s->pcre_ctx)
        s->pcre_ctx = bsg__pcre_context();
    s->match_ctx = pcre2_match_context_create(s->pcre_ctx);
    pcre2_set_match_limit(s->match_ctx, o->regex_match_limit);
    pcre2_set_depth_limit(s->match_ctx, o->regex_depth_limit);
    return s;
}

void bsg_compile_options_init(bsg_compile_options *o)
{
    if (!o)
        return;
    *o = (bsg_compile_options){NULL, BSG__MAX_SOURCE_SIZE, BSG__MAX_SOURCE_DEPTH,
                               BSG__REGEX_MATCH_LIMIT, BSG__REGEX_DEPTH_LIMIT};
}

/* The caller's options with every 0 replaced by its default and every limit
   held to its ceiling. */
static bsg_compile_options effective_options(const bsg_compile_options *given)
{
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    if (!given)
        return o;
    o.registry = given->registry;
    if (given->max_source_size && given->max_source_size < o.max_source_size)
        o.max_source_size = given->max_source_size;
    if (given->max_source_depth && given->max_source_depth < o.max_source_depth)
        o.max_source_depth = given->max_source_depth;
    if (given->regex_match_limit)
        o.regex_match_limit = given->regex_match_limit;
    if (given->regex_depth_limit)
        o.regex_depth_limit = given->regex_depth_limit;
    return o;
}

bsg_schema *bsg_schema_compile_opts(const char *text, size_t len, const char *source_name,
                                    const bsg_compile_options *given, bsg_diag *diag)
{
    bsg_diag scratch;
    if (!diag)
        diag = &scratch;
    memset(diag, 0, sizeof *diag);
    bsg_compile_options o = effective_options(given);
    bsg__source src = {text ? text : "", text ? len : 0,
                       source_name ? source_name : "<schema>", o.max_source_size,
                       o.max_source_depth};
    bsg__arena arena;
    bsg__arena_init(&arena);
    bsg__ast_file file;
    bsg_schema *s = NULL;
    if (bsg__parse(&src, &arena, &file, diag))
        s = compile_file(&src, &file, &o, diag);
    bsg__arena_destroy(&arena);
    return s;
}

bsg_schema *bsg_schema_compile(const char *text, size_t len, const char *source_name,
                               const bsg_registry *reg, bsg_diag *diag)
{
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.registry = reg;
    return bsg_schema_compile_opts(text, len, source_name, &o, diag);
}
static void io_error(bsg_diag *d, const char *path, const char *what)
{
    memset(d, 0, sizeof *d);
    snprintf(d->file, sizeof d->file, "%s", path);
    snprintf(d->code, sizeof d->code, "io");
    snprintf(d->message, sizeof d->message, "%s", what);
}

static void limit_error(bsg_diag *d, const char *path, size_t cap)
{
    io_error(d, path, "");
    snprintf(d->code, sizeof d->code, "limit");
    snprintf(d->message, sizeof d->message, "the schema file is larger than the limit of %zu bytes",
             cap);
}

bsg_schema *bsg_schema_compile_file_opts(const char *path, const bsg_compile_options *given,
                                         bsg_diag *diag)
{
    bsg_diag scratch;
    if (!diag)
        diag = &scratch;
    if (!path || !*path) {
        io_error(diag, "", path ? "the schema file name is empty" : "no schema file given");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        io_error(diag, path, strerror(errno));
        return NULL;
    }
    bsg_compile_options o = effective_options(given);
    size_t cap_bytes = o.max_source_size; /* read one byte past it to know */
    size_t cap = 4096, len = 0;
    char *buf = bsg__malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len > cap_bytes)
            break;
        if (len == cap)
            buf = bsg__realloc(buf, cap *= 2);
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    bsg_schema *s = NULL;
    if (err)
        io_error(diag, path, err == EISDIR ? "is a directory" : strerror(err));
    else if (len > cap_bytes)
        limit_error(diag, path, cap_bytes);
    else
        s = bsg_schema_compile_opts(buf, len, path, &o, diag);
    bsg__free(buf);
    return s;
}

bsg_schema *bsg_schema_compile_file(const char *path, const bsg_registry *reg, bsg_diag *diag)
{
    bsg_compile_options o;
    bsg_compile_options_init(&o);
    o.registry = reg;
    return bsg_schema_compile_file_opts(path, &o, diag);
}

void bsg_schema_free(bsg_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nregexes; i++)
        pcre2_code_free(s->regexes[i]);
    pcre2_match_context_free(s->match_ctx);
    pcre2_general_context_free(s->pcre_ctx);
    bsg__free(s->pool);
    bsg__free(s->nodes);
    bsg__free(s->fields);
    bsg__free(s->slots);
    bsg__free(s->checks);
    bsg__free(s->enum_strs);
    bsg__free(s->enum_slots);
    bsg__free(s->enum_nums);
    bsg__free(s->regexes);
    bsg__free(s->literals);
    bsg__free(s->users);
    bsg__free(s->discs);
    bsg__free(s->disc_values);
    bsg__free(s->members);
    bsg__free(s->models);
    bsg__free(s->lints);
    bsg__free(s);
}

size_t bsg_schema_model_count(const bsg_schema *s) { return s ? s->nmodels : 0; }

const bsg_model *bsg_schema_model_at(const bsg_schema *s, size_t i)
{
    return s && i < s->nmodels ? &s->models[i] : NULL;
}

const bsg_model *bsg_schema_model(const bsg_schema *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nmodels; i++)
        if (strcmp(s->pool + s->models[i].name, name) == 0)
            return &s->models[i];
    return NULL;
}

const char *bsg_model_name(const bsg_model *m) { return m ? m->owner->pool + m->name : ""; }

size_t bsg_schema_lint_count(const bsg_schema *s) { return s ? s->nlints : 0; }

const bsg_diag *bsg_schema_lint_at(const bsg_schema *s, size_t i)
{
    return s && i < s->nlints ? &s->lints[i] : NULL;
}
