/*
 * The compiler's private state, shared by compile.c (declarations, shapes,
 * tables) and options.c (path options and validators).
 */
#ifndef BSG_COMPILE_H
#define BSG_COMPILE_H

#include "schema.h"

/* Grow a table so that `need` elements fit. */
#define BSG__GROW(arr, cap, need)                                               \
    do {                                                                       \
        if ((need) > (cap)) {                                                  \
            size_t nc_ = (cap) ? (cap) * 2 : 16;                               \
            while (nc_ < (need))                                               \
                nc_ *= 2;                                                      \
            (arr) = bsg__realloc((arr), nc_ * sizeof *(arr));                  \
            (cap) = nc_;                                                       \
        }                                                                      \
    } while (0)

/* Schema options from `with { … }`, resolved. */
typedef struct bsg__decl {
    const bsg__ast_schema *ast;
    int base;            /* decl index of `extends`, or -1 */
    bsg_strict strict;   /* BSG_STRICT_TRUE unless set; a child's is its base's unless set */
    bsg_strict own_strict; /* as declared (or true): what its inline subdocuments get */
    bool id;             /* automatic _id */
    bool minimize;
    const char *type_key;
    const char *disc_key;
    const char *disc_value;  /* this schema's discriminator value */
    const char *version_key; /* NULL when versionKey: false */
    const char *created_at;  /* timestamps, NULL when off */
    const char *updated_at;
    uint32_t node[2];        /* compiled object per variant (root, embedded) */
} bsg__decl;

/* Interpretation context for one schema body: what inline children inherit. */
typedef struct bsg__ctx {
    int decl;
    const char *type_key;
    bsg_strict strict;       /* the schema's, for nested paths */
    bool minimize;
    const char *path; /* dotted path of the object being compiled, for lints */
    /* What Mongoose passes on to the schemas it creates for inline
       subdocuments: the `strict` the schema was given (so a discriminator
       child's inline subdocuments do not get its base's), and an `_id: false`
       (to inline document arrays only). */
    bsg_strict child_strict;
    bool array_id_off;
} bsg__ctx;

typedef struct bsg__compiler {
    const bsg__source *src;
    const bsg__ast_file *file;
    const bsg_registry *reg;
    bsg_diag *diag;
    bool failed;
    bsg__arena scratch;
    bsg_schema *s;
    size_t cap_pool, cap_nodes, cap_fields, cap_slots, cap_checks, cap_estr,
        cap_enum, cap_rx, cap_users, cap_discs, cap_dvals, cap_members, cap_lints;
    bsg__decl *decls;
    size_t ndecls;
    uint32_t *aliases; /* pairs (alias node, declared schema node) */
    size_t naliases, cap_aliases;
} bsg__compiler;

/* Errors and lints. */
void bsg__cerror(bsg__compiler *c, uint32_t offset, const char *code,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void bsg__chint(bsg__compiler *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void bsg__clint(bsg__compiler *c, uint32_t offset, const char *code,
                const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Tables. */
uint32_t bsg__pool_add(bsg__compiler *c, const char *s, size_t n);
uint32_t bsg__node_new(bsg__compiler *c, bsg__type type);
const char *bsg__ast_describe(const bsg__ast_node *n);

/* Compile a path definition (what follows `name:` in a schema body). */
uint32_t bsg__compile_path(bsg__compiler *c, const bsg__ctx *ctx,
                           const bsg__ast_node *def, const char *path);

/* The value of `key` in an object node, or NULL. */
const bsg__ast_node *bsg__ast_get(const bsg__ast_node *obj, const char *key);

/* Apply the options of a leaf definition `{ type: …, required: …, … }` to
   `node` (and, for array validators, its element). `type_off` locates the
   definition for diagnostics; `path` names it for lints. */
void bsg__apply_options(bsg__compiler *c, const bsg__ctx *ctx, uint32_t node,
                        const bsg__ast_node *def, const char *path);

/* Whether `key` is a path option Mongoose knows (validators, index options,
   setters...). Used to tell a misspelt option from a swallowed field. */
bool bsg__is_known_option(const char *key);
extern const char *const bsg__option_names[];
extern const size_t bsg__option_count;

#endif
