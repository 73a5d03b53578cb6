/*
 * Compiled schema tables: flat arrays linked by index, immutable after
 * compilation and shared by every thread that validates (DESIGN.md §7).
 */
#ifndef BSG_SCHEMA_H
#define BSG_SCHEMA_H

#include "internal.h"
#include "typemap.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define BSG__NONE UINT32_MAX

/* Node flags. */
enum {
    BSG__F_REQUIRED = 1u << 0,      /* `required: true` */
    BSG__F_HAS_REQUIRED = 1u << 1,  /* objects: some field must be reported when missing */
    BSG__F_NO_NULL = 1u << 2,       /* `allowNull: false` */
    BSG__F_IMPLICIT_ELEM = 1u << 4, /* Array or Map whose Mixed element nobody declared */
};

/* A schema path. Objects (EMBEDDED, NESTED, and model roots, which are
   EMBEDDED) own fields [first, first+count); ARRAY and MAP have one element
   node in `elem`; UNION has members [first, first+count) in `members`. */
typedef struct bsg__node {
    uint8_t type;    /* bsg__type */
    uint8_t flags;
    uint8_t strict;  /* objects: BSG_STRICT_FALSE / TRUE / THROW */
    uint8_t subtype; /* Buffer: required binary subtype + 1, 0 = any */
    uint8_t descend; /* containers: the BSON type walked in directly, or 0 */
    uint32_t first, count;
    uint32_t elem;
    uint32_t checks, nchecks; /* validators, in the order written */
    uint32_t req_msg;         /* custom `required` message (pool offset), or NONE */
    uint32_t hash;            /* objects: lookup table slot in `slots`, or NONE */
    uint32_t hash_mask;
    uint32_t disc;            /* objects: discriminator table, or NONE */
    uint32_t label;           /* pool offset of the type's printed name */
    uint32_t mask;            /* BSON types accepted as stored (the type map's row) */
    uint32_t fast;            /* BSON types the walk settles inline (see fastpath.c) */
    uint32_t quick;           /* ...of which these pass only within [qlo, qhi] */
    uint32_t qenum;           /* ...and, for strings, in this enum check, or NONE */
    double qlo, qhi;          /* a string's byte length, a number, a date's ms */
    /* ...and, for strings, starting with this prefix (qprefix_len bytes, up
       to 16, as masked words): an anchored literal `match` fully spelt */
    uint32_t qprefix_len;
    uint64_t qprefix[2], qprefix_mask[2];
    uint64_t reportable;      /* objects: bits of the first 64 fields that report
                                 when missing (required, or nested with required) */
} bsg__node;

typedef struct bsg__field {
    uint64_t head; /* the name's first 8 bytes, zero-padded: most keys compare in one step */
    uint32_t name; /* pool offset; NUL-terminated there */
    uint32_t len;
    uint32_t node;
    uint32_t fast; /* the node's `fast` mask, kept here to save a load */
    uint32_t quick; /* the node's `quick` mask, likewise */
    /* The name and its NUL as two masked words (a longer name's first 16
       bytes): the validator recognises the field it expects next with two
       compares. */
    uint64_t key_word[2], key_mask[2];
} bsg__field;

/* The first min(n, 8) bytes of a key as a little-endian word, zero-padded. */
static inline uint64_t bsg__key_head(const uint8_t *s, size_t n)
{
    uint64_t w = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return w;
}

typedef enum bsg__check_kind {
    BSG__C_ENUM_STR,
    BSG__C_ENUM_NUM,
    BSG__C_MIN,
    BSG__C_MAX,
    BSG__C_DATE_MIN,
    BSG__C_DATE_MAX,
    BSG__C_MINLENGTH,
    BSG__C_MAXLENGTH,
    BSG__C_REGEXP,
    BSG__C_USER,
    BSG__C_USER_REGEXP /* `validate: /re/`: reported as `user defined` */
} bsg__check_kind;

typedef struct bsg__check {
    uint8_t kind;   /* bsg__check_kind */
    uint8_t now;    /* date bounds: the bound is Date.now at validation */
    uint32_t msg;   /* custom message template (pool offset), or NONE */
    uint32_t first; /* enum values, regex or user validator index */
    uint32_t count;
    double num;     /* bound */
    uint32_t text;  /* pool offset: the bound or pattern as written (for messages) */
    /* String enums: a hash set of the values (enumset.c), slots
       `enum_slots[slots .. slots + slot_mask]`. */
    uint32_t slots, slot_mask;
} bsg__check;

typedef struct bsg__user {
    bsg_validator_fn fn;
    void *ctx;
    uint32_t name;
} bsg__user;

/* Discriminators of a base object: key name, then (value, node) entries. */
typedef struct bsg__disc {
    uint32_t key, key_len;
    uint32_t first, count; /* into disc_values */
} bsg__disc;

typedef struct bsg__disc_value {
    uint32_t value, len;
    uint32_t node;
} bsg__disc_value;

typedef struct bsg__strref {
    uint32_t off, len;
    uint64_t head;  /* first 8 bytes, zero-padded, as bsg__key_head */
    uint64_t head2; /* the next 8, likewise */
} bsg__strref;

/* An anchored literal pattern (literal.c): `^` and up to 32 ASCII atoms,
   at most 6 of them optional. */
#define BSG__LITERAL_MAX 32
#define BSG__LITERAL_MAX_OPTIONAL 6
typedef struct bsg__literal {
    bool ok;           /* the pattern is one: match with bsg__literal_match() */
    uint8_t count;
    uint32_t optional; /* bit k: atom k may be absent */
    uint8_t chars[BSG__LITERAL_MAX];
} bsg__literal;

struct bsg_model {
    const bsg_schema *owner;
    uint32_t name; /* pool offset */
    uint32_t root; /* node */
};

struct bsg_schema {
    char *pool;
    size_t pool_len;
    bsg__node *nodes;
    size_t nnodes;
    bsg__field *fields;
    size_t nfields;
    uint32_t *slots; /* field lookup tables: field index + 1, 0 = empty */
    size_t nslots;
    bsg__check *checks;
    size_t nchecks;
    bsg__strref *enum_strs;
    size_t nenum_strs;
    uint32_t *enum_slots; /* string enums' hash tables: value index + 1, 0 = empty */
    size_t nenum_slots;
    double *enum_nums;
    size_t nenum_nums;
    pcre2_code **regexes;
    bsg__literal *literals; /* per regex: its literal form, if it has one */
    size_t nregexes;
    bsg__user *users;
    size_t nusers;
    bsg__disc *discs;
    size_t ndiscs;
    bsg__disc_value *disc_values;
    size_t ndisc_values;
    uint32_t *members; /* union members */
    size_t nmembers;
    bsg_model *models;
    size_t nmodels;
    bsg_diag *lints;
    size_t nlints;
    pcre2_general_context *pcre_ctx; /* PCRE2 allocates through the seam too */
    pcre2_match_context *match_ctx;
    uint32_t max_fields; /* largest object, for the seen-bitmap scratch */
};

/* The key hash used by compiled lookup tables and the validator. */
static inline uint32_t bsg__hash(const uint8_t *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

/* Build every string enum's hash table (enumset.c). */
void bsg__plan_enum_sets(bsg_schema *s);

/* Fill every node's and field's fast-path masks (fastpath.c). */
void bsg__plan_fast_paths(bsg_schema *s);

/* Read a JavaScript pattern and its flags as an anchored literal; false
   (and out->ok false) when it is anything more. */
bool bsg__literal_parse(const char *pattern, const char *flags, bsg__literal *out);

/* Whether the pattern matches the text s[0..n), as RegExp#test would. */
bool bsg__literal_match(const bsg__literal *l, const uint8_t *s, size_t n);

/* A string's home slot (before masking) in a string enum's table: a hash
   of its length, its first 16 bytes (as zero-padded words) and, past
   those, the rest. */
static inline uint32_t bsg__enum_slot(const uint8_t *s, uint32_t len, uint64_t head,
                                      uint64_t head2)
{
    uint64_t h = head ^ (head2 * UINT64_C(0x9E3779B97F4A7C15)) ^ len;
    if (len > 16)
        h ^= (uint64_t)bsg__hash(s + 16, len - 16) << 32;
    return (uint32_t)(h * UINT64_C(0xFF51AFD7ED558CCD) >> 32);
}

/* Match limits for `match` regexes, so no pattern or string can hang. */
#define BSG__REGEX_MATCH_LIMIT 1000000u
#define BSG__REGEX_DEPTH_LIMIT 10000u

/* Translate a JavaScript regex to PCRE2 and compile it. On failure writes a
   message (with the pattern offset) to `msg` and returns NULL. */
pcre2_code *bsg__regex_compile(const char *pattern, const char *flags,
                               pcre2_general_context *gctx, char *msg, size_t cap,
                               size_t *err_offset);

/* A PCRE2 general context whose allocations go through bsg__malloc. */
pcre2_general_context *bsg__pcre_context(void);

/* Look up a registered validator; false if the name is unknown. */
bool bsg__registry_find(const bsg_registry *reg, const char *name,
                        bsg_validator_fn *fn, void **ctx);

/* Every registered name, for did-you-mean; borrowed. */
size_t bsg__registry_names(const bsg_registry *reg, const char **names,
                           size_t cap);

#endif
