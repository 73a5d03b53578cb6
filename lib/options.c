/*
 * Path options: every validator in each of Mongoose's forms
 * (mongoose-semantics.md §b.1), the options that only shape indexes or
 * setters (accepted, ignored for validation), and the JS-only ones (errors
 * naming the C/Node alternative).
 */
#include "compile.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *const bsg__option_names[] = {
    "required", "enum", "min", "max", "minlength", "minLength", "maxlength",
    "maxLength", "match", "validate", "of", "default", "unique", "index",
    "sparse", "text", "expires", "ref", "refPath", "select", "alias",
    "immutable", "trim", "lowercase", "uppercase", "subtype", "auto",
    "castNonArrays", "description", "comment", "cast", "populate", "get", "set",
    "transform", "excludeIndexes", "autopopulate", "_id", "discriminators",
    "allowNull", "validateAll",
};
const size_t bsg__option_count = sizeof bsg__option_names / sizeof *bsg__option_names;

bool bsg__is_known_option(const char *key)
{
    for (size_t i = 0; i < bsg__option_count; i++)
        if (strcmp(bsg__option_names[i], key) == 0)
            return true;
    return false;
}

/* Checks gathered for one node before they are written contiguously. */
typedef struct check_list {
    bsg__check *items;
    size_t count, cap;
} check_list;

typedef struct opt_state {
    bsg__compiler *c;
    const bsg__ctx *ctx;
    const char *path;
    uint32_t node;   /* the path's node */
    uint32_t target; /* where value validators go: the node, or an array's element */
    check_list own, elem;
    bool have_min, have_max, have_minlen, have_maxlen;
    double min, max, minlen, maxlen;
    const bsg__ast_node *enum_def;
    const bsg__ast_node *default_def;
} opt_state;

static bsg__node *node_at(opt_state *st, uint32_t i) { return &st->c->s->nodes[i]; }

static bsg__type target_type(opt_state *st) { return (bsg__type)node_at(st, st->target)->type; }

static check_list *target_list(opt_state *st)
{
    return st->target == st->node ? &st->own : &st->elem;
}

static bsg__check *add_check(check_list *l, bsg__check_kind kind)
{
    BSG__GROW(l->items, l->cap, l->count + 1);
    bsg__check *ck = &l->items[l->count++];
    memset(ck, 0, sizeof *ck);
    ck->kind = (uint8_t)kind;
    ck->msg = BSG__NONE;
    return ck;
}

/* Write `l` as the node's checks, after any it already has. */
static void commit(opt_state *st, uint32_t node, check_list *l)
{
    bsg__compiler *c = st->c;
    bsg_schema *s = c->s;
    if (l->count) {
        bsg__node *n = node_at(st, node);
        size_t old = n->nchecks, start = s->nchecks;
        BSG__GROW(s->checks, c->cap_checks, s->nchecks + old + l->count);
        n = node_at(st, node);
        memmove(s->checks + start, s->checks + n->checks, old * sizeof *s->checks);
        memcpy(s->checks + start + old, l->items, l->count * sizeof *l->items);
        s->nchecks += old + l->count;
        n->checks = (uint32_t)start;
        n->nchecks = (uint32_t)(old + l->count);
    }
    bsg__free(l->items);
}

/* Split Mongoose's `[value, message]` form. */
static const bsg__ast_node *value_and_message(opt_state *st, const bsg__ast_member *m,
                                              uint32_t *msg)
{
    const bsg__ast_node *v = m->value;
    *msg = BSG__NONE;
    if (v->kind != BSG__AST_ARRAY)
        return v;
    if (v->u.array.count != 2 || v->u.array.items[1]->kind != BSG__AST_STRING) {
        bsg__cerror(st->c, v->offset, "bad-option",
                    "`%s` takes a value or [value, 'message']", m->key);
        return NULL;
    }
    const bsg__ast_node *text = v->u.array.items[1];
    *msg = bsg__pool_add(st->c, text->u.string.text, text->u.string.len);
    return v->u.array.items[0];
}

static uint32_t format_bound(opt_state *st, double v)
{
    char buf[40];
    return bsg__pool_add(st->c, buf, bsg__js_number(v, buf, sizeof buf));
}

/* MARK: - required */

static void opt_required(opt_state *st, const bsg__ast_member *m)
{
    uint32_t msg;
    const bsg__ast_node *v = value_and_message(st, m, &msg);
    if (!v)
        return;
    if (v->kind == BSG__AST_OBJECT) { /* { isRequired: true, message: '…' } */
        const bsg__ast_node *is = bsg__ast_get(v, "isRequired");
        const bsg__ast_node *text = bsg__ast_get(v, "message");
        if (text && text->kind == BSG__AST_STRING)
            msg = bsg__pool_add(st->c, text->u.string.text, text->u.string.len);
        v = is ? is : v;
    }
    if (v->kind != BSG__AST_BOOL) {
        bsg__cerror(st->c, v->offset, "bad-option",
                    "`required` takes true, false, [true, 'message'] or { isRequired, "
                    "message }, not %s",
                    bsg__ast_describe(v));
        if (v->kind == BSG__AST_STRING)
            bsg__chint(st->c, "write `required: [true, '%s']`", v->u.string.text);
        return;
    }
    if (v->u.boolean)
        node_at(st, st->node)->flags |= BSG__F_REQUIRED;
    node_at(st, st->node)->req_msg = msg;
}

/* MARK: - enum */

static bool enum_type_ok(opt_state *st, uint32_t offset)
{
    bsg__type t = target_type(st);
    if (t == BSG__T_STRING || t == BSG__T_NUMBER)
        return true;
    bsg__cerror(st->c, offset, "enum-type", "`enum` does not apply to a %s path",
                bsg__type_name(t));
    bsg__chint(st->c, "Mongoose validates `enum` on String and Number paths only");
    return false;
}

/* A string JavaScript's Number() reads as a finite number (decimal only). */
static bool numeric_string(const char *text, double *out)
{
    char *end;
    while (*text == ' ' || *text == '\t')
        text++;
    if (!*text)
        return false;
    double d = strtod(text, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || d != d)
        return false;
    *out = d;
    return true;
}

static void enum_add_value(opt_state *st, const bsg__ast_node *v, bsg__check *ck)
{
    bsg__compiler *c = st->c;
    bsg_schema *s = c->s;
    if (v->kind == BSG__AST_NULL)
        return; /* null passes on a path that is not required anyway */
    if (ck->kind == BSG__C_ENUM_STR) {
        if (v->kind != BSG__AST_STRING) {
            bsg__cerror(c, v->offset, "enum-value",
                        "enum value is %s; a String path takes strings",
                        bsg__ast_describe(v));
            return;
        }
        BSG__GROW(s->enum_strs, c->cap_estr, s->nenum_strs + 1);
        const uint8_t *text = (const uint8_t *)v->u.string.text;
        const size_t len = v->u.string.len;
        s->enum_strs[s->nenum_strs++] =
            (bsg__strref){bsg__pool_add(c, v->u.string.text, len), (uint32_t)len,
                          bsg__key_head(text, len),
                          len > 8 ? bsg__key_head(text + 8, len - 8) : 0};
    } else {
        double num;
        if (v->kind == BSG__AST_NUMBER) {
            num = v->u.number.value;
        } else if (v->kind == BSG__AST_STRING && numeric_string(v->u.string.text, &num)) {
            /* Mongoose casts enum values to Number when the schema is built. */
        } else {
            return; /* TS numeric enums carry reverse-mapped names: skip them */
        }
        BSG__GROW(s->enum_nums, c->cap_enum, s->nenum_nums + 1);
        s->enum_nums[s->nenum_nums++] = num;
    }
    ck->count++;
}

/* The list of enum values in any of Mongoose's forms; sets *msg for
   `{ values, message }`. */
static const bsg__ast_node *enum_values(opt_state *st, const bsg__ast_node *v, uint32_t *msg)
{
    if (v->kind != BSG__AST_OBJECT)
        return v;
    const bsg__ast_node *values = bsg__ast_get(v, "values");
    const bsg__ast_node *text = bsg__ast_get(v, "message");
    if (!values || values->kind != BSG__AST_ARRAY)
        return v; /* any other object is a TypeScript enum: its values are the list */
    if (text && text->kind == BSG__AST_STRING) {
        *msg = bsg__pool_add(st->c, text->u.string.text, text->u.string.len);
    } else if (target_type(st) == BSG__T_STRING) {
        /* Mongoose's String#enum then passes an undefined message on, and
           the validator's generic one is printed (Number#enum keeps its own). */
        static const char generic[] = "Validator failed for path `{PATH}` with value `{VALUE}`";
        *msg = bsg__pool_add(st->c, generic, sizeof generic - 1);
    }
    return values;
}

static void opt_enum(opt_state *st, const bsg__ast_member *m)
{
    bsg__compiler *c = st->c;
    if (!enum_type_ok(st, m->offset))
        return;
    check_list *list = target_list(st);
    bsg__check *ck = add_check(list, target_type(st) == BSG__T_STRING ? BSG__C_ENUM_STR
                                                                          : BSG__C_ENUM_NUM);
    ck->first = (uint32_t)(ck->kind == BSG__C_ENUM_STR ? c->s->nenum_strs : c->s->nenum_nums);
    const bsg__ast_node *v = enum_values(st, m->value, &ck->msg);
    if (v->kind == BSG__AST_ARRAY) {
        for (size_t i = 0; i < v->u.array.count && !c->failed; i++)
            enum_add_value(st, v->u.array.items[i], ck);
    } else if (v->kind == BSG__AST_OBJECT) {
        for (size_t i = 0; i < v->u.object.count && !c->failed; i++)
            enum_add_value(st, v->u.object.members[i].value, ck);
    } else {
        enum_add_value(st, v, ck); /* `enum: 'a'`: Mongoose's one-value form */
    }
    st->enum_def = v;
    if (ck->count == 0)
        list->count--; /* Mongoose installs no validator for an empty enum */
}

/* MARK: - min / max */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* ISO-8601 as JavaScript's Date reads it: YYYY-MM-DD, optionally
   THH:MM[:SS[.sss]] and Z or ±HH:MM. Read as UTC. */
static bool parse_iso_date(const char *s, double *ms)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, tz = 0;
    size_t n = strlen(s);
    if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return false;
            p += 3;
            if (*p == '.') {
                int k = 0;
                for (p++; *p >= '0' && *p <= '9'; p++, k++)
                    if (k < 3)
                        frac = frac * 10 + (*p - '0');
                while (k++ < 3)
                    frac *= 10;
            }
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int th, tm;
            if (!digits(p + 1, 2, &th) || p[3] != ':' || !digits(p + 4, 2, &tm))
                return false;
            tz = (th * 60 + tm) * (*p == '-' ? -1 : 1);
            p += 6;
        }
    }
    if (*p || h > 23 || mi > 59 || sec > 59)
        return false;
    double days = (double)days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ms = ((days * 24 + h) * 60 + mi - tz) * 60000.0 + sec * 1000.0 + frac;
    return true;
}

static bool date_bound(opt_state *st, const bsg__ast_member *m, const bsg__ast_node *v,
                       bsg__check *ck)
{
    if (v->kind == BSG__AST_NUMBER) {
        ck->num = v->u.number.value;
        return true;
    }
    if (v->kind == BSG__AST_REF && strcmp(v->u.ref.path, "Date.now") == 0) {
        ck->now = 1;
        return true;
    }
    if (v->kind == BSG__AST_STRING && parse_iso_date(v->u.string.text, &ck->num))
        return true;
    bsg__cerror(st->c, v->offset, "bad-date",
                "`%s` of a Date path takes an ISO-8601 date string, milliseconds or "
                "Date.now",
                m->key);
    bsg__chint(st->c, "e.g. `%s: '2020-01-01'` or `%s: '2020-01-01T00:00:00Z'`", m->key,
               m->key);
    return false;
}

static void opt_min_max(opt_state *st, const bsg__ast_member *m, bool is_min)
{
    bsg__compiler *c = st->c;
    uint32_t msg;
    const bsg__ast_node *v = value_and_message(st, m, &msg);
    bsg__type t = target_type(st);
    if (!v)
        return;
    if (t != BSG__T_NUMBER && t != BSG__T_DATE) {
        bsg__cerror(c, m->offset, "option-type", "`%s` does not apply to a %s path",
                    m->key, bsg__type_name(t));
        if (t == BSG__T_STRING)
            bsg__chint(c, "for the length of a string use `%slength`", is_min ? "min" : "max");
        return;
    }
    bsg__check ck = {0};
    if (t == BSG__T_DATE) {
        if (!date_bound(st, m, v, &ck))
            return;
        if (v->kind == BSG__AST_NUMBER && ck.num == 0) {
            /* Mongoose installs a Date bound only when it is truthy. */
            bsg__clint(c, v->offset, "date-bound-zero",
                       "write a real bound, e.g. '1970-01-01T00:00:00.001Z', or remove it",
                       "`%s` of `%s` is 0, which Mongoose ignores (it installs Date "
                       "bounds only when truthy); bsonguard ignores it too",
                       m->key, st->path);
            return;
        }
        ck.kind = is_min ? BSG__C_DATE_MIN : BSG__C_DATE_MAX;
        ck.text = v->kind == BSG__AST_STRING
                      ? bsg__pool_add(c, v->u.string.text, v->u.string.len)
                      : format_bound(st, ck.num);
    } else {
        if (v->kind != BSG__AST_NUMBER) {
            bsg__cerror(c, v->offset, "bad-option", "`%s` of a Number path takes a number",
                        m->key);
            return;
        }
        ck.kind = is_min ? BSG__C_MIN : BSG__C_MAX;
        ck.num = v->u.number.value;
        ck.text = format_bound(st, ck.num);
    }
    if (!ck.now) {
        if (is_min) {
            st->have_min = true;
            st->min = ck.num;
        } else {
            st->have_max = true;
            st->max = ck.num;
        }
        if (st->have_min && st->have_max && st->min > st->max) {
            uint32_t bound = format_bound(st, st->min); /* may move the pool */
            bsg__cerror(c, v->offset, "min-greater-than-max",
                        "`min` (%s) is greater than `max`: no value can pass",
                        c->s->pool + bound);
            return;
        }
    }
    bsg__check *slot = add_check(target_list(st), (bsg__check_kind)ck.kind);
    ck.msg = msg;
    *slot = ck;
}

/* MARK: - minlength / maxlength / match */

static void opt_length(opt_state *st, const bsg__ast_member *m, bool is_min)
{
    bsg__compiler *c = st->c;
    uint32_t msg;
    const bsg__ast_node *v = value_and_message(st, m, &msg);
    if (!v)
        return;
    if (target_type(st) != BSG__T_STRING) {
        bsg__cerror(c, m->offset, "option-type", "`%s` applies to String paths, not %s",
                    m->key, bsg__type_name(target_type(st)));
        if (target_type(st) == BSG__T_NUMBER)
            bsg__chint(c, "for numbers use `%s`", is_min ? "min" : "max");
        return;
    }
    if (v->kind != BSG__AST_NUMBER || v->u.number.value < 0 ||
        v->u.number.value != floor(v->u.number.value) || v->u.number.value > 4294967295.0) {
        bsg__cerror(c, v->offset, "bad-option", "`%s` takes a non-negative integer", m->key);
        return;
    }
    double n = v->u.number.value;
    if (is_min) {
        st->have_minlen = true;
        st->minlen = n;
    } else {
        st->have_maxlen = true;
        st->maxlen = n;
    }
    if (st->have_minlen && st->have_maxlen && st->minlen > st->maxlen) {
        bsg__cerror(c, v->offset, "min-greater-than-max",
                    "`minlength` (%.0f) is greater than `maxlength` (%.0f): no string can "
                    "pass",
                    st->minlen, st->maxlen);
        return;
    }
    bsg__check *ck = add_check(target_list(st), is_min ? BSG__C_MINLENGTH : BSG__C_MAXLENGTH);
    ck->num = n;
    ck->msg = msg;
    ck->text = format_bound(st, n);
}

static uint32_t add_regex(opt_state *st, const bsg__ast_node *v)
{
    bsg__compiler *c = st->c;
    char err[200];
    size_t off = 0;
    if (!c->s->pcre_ctx)
        c->s->pcre_ctx = bsg__pcre_context();
    pcre2_code *re = bsg__regex_compile(v->u.regex.pattern, v->u.regex.flags,
                                        c->s->pcre_ctx, err, sizeof err, &off);
    if (!re) {
        bsg__cerror(c, v->offset, "bad-regex", "invalid regular expression /%s/: %s",
                    v->u.regex.pattern, err);
        return BSG__NONE;
    }
    bsg_schema *s = c->s;
    size_t cap = c->cap_rx;
    BSG__GROW(s->regexes, c->cap_rx, s->nregexes + 1);
    if (c->cap_rx != cap)
        s->literals = bsg__realloc(s->literals, c->cap_rx * sizeof *s->literals);
    s->regexes[s->nregexes] = re;
    bsg__literal_parse(v->u.regex.pattern, v->u.regex.flags, &s->literals[s->nregexes]);
    return (uint32_t)s->nregexes++;
}

static uint32_t regex_text(opt_state *st, const bsg__ast_node *v)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "/%s/%s", v->u.regex.pattern, v->u.regex.flags);
    return bsg__pool_add(st->c, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void opt_match(opt_state *st, const bsg__ast_member *m)
{
    bsg__compiler *c = st->c;
    uint32_t msg;
    const bsg__ast_node *v = value_and_message(st, m, &msg);
    if (!v)
        return;
    if (target_type(st) != BSG__T_STRING) {
        bsg__cerror(c, m->offset, "option-type", "`match` applies to String paths, not %s",
                    bsg__type_name(target_type(st)));
        return;
    }
    if (v->kind != BSG__AST_REGEX) {
        bsg__cerror(c, v->offset, "bad-option", "`match` takes a regex literal, not %s",
                    bsg__ast_describe(v));
        if (v->kind == BSG__AST_STRING)
            bsg__chint(c, "write `match: /%s/`", v->u.string.text);
        return;
    }
    uint32_t rx = add_regex(st, v);
    if (rx == BSG__NONE)
        return;
    bsg__check *ck = add_check(target_list(st), BSG__C_REGEXP);
    ck->first = rx;
    ck->msg = msg;
    ck->text = regex_text(st, v);
}

/* MARK: - validate */

static void unknown_validator(opt_state *st, const bsg__ast_node *v)
{
    bsg__compiler *c = st->c;
    bsg__cerror(c, v->offset, "unknown-validator", "no validator named '%s' is registered",
                v->u.string.text);
    const char *names[64];
    size_t n = bsg__registry_names(c->reg, names, 64);
    const char *best = bsg__suggest(v->u.string.text, names, n);
    if (best)
        bsg__chint(c, "did you mean '%s'?", best);
    else
        bsg__chint(c, "register it with bsg_registry_add() before compiling (from Node: "
                      "compile(source, { validators: { name: fn } }))");
}

static void add_user(opt_state *st, const bsg__ast_node *name, uint32_t msg)
{
    bsg__compiler *c = st->c;
    bsg_validator_fn fn;
    void *ctx;
    if (!bsg__registry_find(c->reg, name->u.string.text, &fn, &ctx)) {
        unknown_validator(st, name);
        return;
    }
    bsg_schema *s = c->s;
    BSG__GROW(s->users, c->cap_users, s->nusers + 1);
    s->users[s->nusers] = (bsg__user){fn, ctx,
                                      bsg__pool_add(c, name->u.string.text, name->u.string.len)};
    bsg__check *ck = add_check(&st->own, BSG__C_USER);
    ck->first = (uint32_t)s->nusers++;
    ck->msg = msg;
}

static void validate_one(opt_state *st, const bsg__ast_node *v)
{
    bsg__compiler *c = st->c;
    uint32_t msg = BSG__NONE;
    if (v->kind == BSG__AST_OBJECT) {
        const bsg__ast_node *fn = NULL;
        for (size_t i = 0; i < v->u.object.count; i++) {
            const bsg__ast_member *e = &v->u.object.members[i];
            if (strcmp(e->key, "validator") == 0)
                fn = e->value;
            else if (strcmp(e->key, "message") == 0 && e->value->kind == BSG__AST_STRING)
                msg = bsg__pool_add(c, e->value->u.string.text, e->value->u.string.len);
        }
        if (!fn) {
            bsg__cerror(c, v->offset, "bad-option", "`validate: { … }` needs a `validator`");
            return;
        }
        v = fn;
    }
    if (v->kind == BSG__AST_STRING) {
        add_user(st, v, msg);
    } else if (v->kind == BSG__AST_REGEX) {
        /* A RegExp validator: `user defined`, tested against strings. */
        uint32_t rx = add_regex(st, v);
        if (rx == BSG__NONE)
            return;
        bsg__check *ck = add_check(&st->own, BSG__C_USER_REGEXP);
        ck->first = rx;
        ck->msg = msg;
        ck->text = regex_text(st, v);
    } else {
        bsg__cerror(c, v->offset, "bad-option",
                    "`validate` takes a registered validator's name, { validator, message } "
                    "or a regex");
        bsg__chint(c, "JavaScript functions cannot cross into bsonguard: register a C "
                      "validator with bsg_registry_add() and write `validate: 'name'`");
    }
}

static void opt_validate(opt_state *st, const bsg__ast_member *m)
{
    const bsg__ast_node *v = m->value;
    if (v->kind == BSG__AST_ARRAY) {
        for (size_t i = 0; i < v->u.array.count && !st->c->failed; i++)
            validate_one(st, v->u.array.items[i]);
    } else {
        validate_one(st, v);
    }
}

/* MARK: - of, default, the rest */

/* `{ type: Schema.Types.Union, of: [A, B] }`: a value passes if a member takes it. */
static void opt_union(opt_state *st, const bsg__ast_member *m)
{
    bsg__compiler *c = st->c;
    const bsg__ast_node *of = m->value;
    if (of->kind != BSG__AST_ARRAY || of->u.array.count == 0) {
        bsg__cerror(c, of->offset, "bad-option", "a Union's `of` takes an array of types");
        return;
    }
    uint32_t *tmp = bsg__arena_alloc(&c->scratch, of->u.array.count * sizeof *tmp);
    for (size_t i = 0; i < of->u.array.count && !c->failed; i++) {
        const bsg__ast_node *item = of->u.array.items[i];
        /* Mongoose makes an object member Mixed rather than a nested path. */
        bool pojo = item->kind == BSG__AST_OBJECT && !bsg__ast_get(item, st->ctx->type_key);
        tmp[i] = pojo ? bsg__node_new(c, BSG__T_MIXED)
                      : bsg__compile_path(c, st->ctx, item, st->path);
    }
    if (c->failed)
        return;
    bsg_schema *s = c->s;
    BSG__GROW(s->members, c->cap_members, s->nmembers + of->u.array.count);
    bsg__node *n = node_at(st, st->node);
    n->first = (uint32_t)s->nmembers;
    n->count = (uint32_t)of->u.array.count;
    memcpy(s->members + s->nmembers, tmp, of->u.array.count * sizeof *tmp);
    s->nmembers += of->u.array.count;
}

static void opt_of(opt_state *st, const bsg__ast_member *m, const bsg__ast_node *type_val)
{
    bsg__compiler *c = st->c;
    bsg__node *n = node_at(st, st->node);
    bool bare = type_val->kind == BSG__AST_REF || type_val->kind == BSG__AST_STRING;
    if ((n->type == BSG__T_MAP || (n->type == BSG__T_ARRAY && bare)) && m->value) {
        size_t pl = strlen(st->path);
        char *p = bsg__arena_alloc(&c->scratch, pl + 4);
        memcpy(p, st->path, pl);
        memcpy(p + pl, ".$*", 4);
        const bsg__ast_node *of = m->value;
        uint32_t elem;
        bsg__ctx ctx = *st->ctx;
        if (of->kind == BSG__AST_OBJECT && of->u.object.count > 0 &&
            !bsg__ast_get(of, ctx.type_key)) {
            /* An inline POJO `of` becomes a subdocument schema, which Mongoose
               creates with no options: strict true, its own _id. */
            ctx.child_strict = BSG_STRICT_TRUE;
            ctx.array_id_off = false;
            bsg__ast_node wrapper = {.kind = BSG__AST_OBJECT, .offset = of->offset};
            bsg__ast_member tm = {ctx.type_key, strlen(ctx.type_key), of->offset,
                                  (bsg__ast_node *)of};
            wrapper.u.object.members = &tm;
            wrapper.u.object.count = 1;
            elem = bsg__compile_path(c, &ctx, &wrapper, p);
        } else {
            elem = bsg__compile_path(c, &ctx, of, p);
        }
        n = node_at(st, st->node);
        n->elem = elem;
        n->flags &= (uint8_t)~BSG__F_IMPLICIT_ELEM;
        st->target = n->type == BSG__T_ARRAY ? elem : st->node;
        return;
    }
    if (n->type == BSG__T_UNION) {
        opt_union(st, m);
        return;
    }
    bsg__clint(c, m->offset, "of-ignored", "remove `of`, or make the path a Map or an array",
               "`of` on `%s` is ignored: it is a %s path, and only Map and Array take `of`",
               st->path, bsg__type_name((bsg__type)n->type));
}

static void opt_js_only(opt_state *st, const bsg__ast_member *m)
{
    bsg__cerror(st->c, m->offset, "js-only",
                "`%s` runs JavaScript at run time and cannot be compiled", m->key);
    bsg__chint(st->c, "bsonguard checks the stored bytes: apply setters and transforms "
                      "before validating (in C), or use fromMongoose() in Node, which "
                      "reports them as warnings");
}

static bool looks_like_type(opt_state *st, const bsg__ast_node *v)
{
    bsg__type t;
    if (v->kind == BSG__AST_OBJECT || v->kind == BSG__AST_ARRAY)
        return true;
    if (v->kind != BSG__AST_REF)
        return false;
    const char *last = strrchr(v->u.ref.path, '.');
    const char *name = last ? last + 1 : v->u.ref.path;
    if (bsg__type_lookup(name, false, &t))
        return true;
    for (size_t i = 0; i < st->c->ndecls; i++)
        if (strcmp(st->c->decls[i].ast->name, name) == 0)
            return true;
    return false;
}

static void opt_unknown(opt_state *st, const bsg__ast_member *m)
{
    bsg__compiler *c = st->c;
    if (looks_like_type(st, m->value)) {
        char hint[256];
        snprintf(hint, sizeof hint,
                 "to declare a field named `%s`, write `%s: { %s: … }` (or set `typeKey` "
                 "in `with { }`)",
                 st->ctx->type_key, st->ctx->type_key, st->ctx->type_key);
        bsg__clint(c, m->offset, "type-key-field", hint,
                   "`%s` has a `%s` key, so Mongoose reads it as a %s path and ignores "
                   "`%s`, which looks like a field",
                   st->path, st->ctx->type_key,
                   bsg__type_name((bsg__type)node_at(st, st->node)->type), m->key);
        return;
    }
    bsg__cerror(c, m->offset, "unknown-option", "unknown option `%s`", m->key);
    const char *best = bsg__suggest(m->key, bsg__option_names, bsg__option_count);
    if (best)
        bsg__chint(c, "did you mean `%s`?", best);
}

static void opt_subtype(opt_state *st, const bsg__ast_member *m)
{
    if (m->value->kind != BSG__AST_NUMBER || m->value->u.number.value < 0 ||
        m->value->u.number.value > 255) {
        bsg__cerror(st->c, m->value->offset, "bad-option", "`subtype` takes a number 0-255");
        return;
    }
    if (node_at(st, st->node)->type == BSG__T_BUFFER)
        node_at(st, st->node)->subtype = (uint8_t)(m->value->u.number.value + 1);
}

/* Mongoose's SchemaArray hands only `enum` to its elements; `min`, `max`,
   `minlength`, `maxlength` and `match` written on an array path are ignored. */
static bool ignored_on_array(opt_state *st, const bsg__ast_member *m)
{
    static const char *const element_only[] = {"min", "max", "minlength", "minLength",
                                               "maxlength", "maxLength", "match"};
    if (st->target == st->node)
        return false;
    for (size_t i = 0; i < sizeof element_only / sizeof *element_only; i++) {
        if (strcmp(m->key, element_only[i]) == 0) {
            bsg__clint(st->c, m->offset, "array-option-ignored",
                       "put it on the element: `[{ type: T, … }]`",
                       "`%s` on the array path `%s` is ignored: Mongoose applies only "
                       "`enum` to the elements of an array",
                       m->key, st->path);
            return true;
        }
    }
    return false;
}

/* `allowNull: false`: null fails (kind `allowNull`); a missing path does not. */
static void opt_allow_null(opt_state *st, const bsg__ast_member *m)
{
    if (m->value->kind != BSG__AST_BOOL) {
        bsg__cerror(st->c, m->value->offset, "bad-option", "`allowNull` takes true or false, not %s",
                    bsg__ast_describe(m->value));
        return;
    }
    if (!m->value->u.boolean)
        node_at(st, st->node)->flags |= BSG__F_NO_NULL;
}

static void dispatch(opt_state *st, const bsg__ast_member *m, const bsg__ast_node *type_val)
{
    const char *k = m->key;
    if (ignored_on_array(st, m))
        return;
    if (strcmp(k, "required") == 0)
        opt_required(st, m);
    else if (strcmp(k, "enum") == 0)
        opt_enum(st, m);
    else if (strcmp(k, "min") == 0 || strcmp(k, "max") == 0)
        opt_min_max(st, m, k[1] == 'i');
    else if (strcmp(k, "minlength") == 0 || strcmp(k, "minLength") == 0 ||
             strcmp(k, "maxlength") == 0 || strcmp(k, "maxLength") == 0)
        opt_length(st, m, k[1] == 'i');
    else if (strcmp(k, "match") == 0)
        opt_match(st, m);
    else if (strcmp(k, "validate") == 0)
        opt_validate(st, m);
    else if (strcmp(k, "of") == 0)
        opt_of(st, m, type_val);
    else if (strcmp(k, "allowNull") == 0)
        opt_allow_null(st, m);
    else if (strcmp(k, "default") == 0)
        st->default_def = m->value;
    else if (strcmp(k, "get") == 0 || strcmp(k, "set") == 0 || strcmp(k, "transform") == 0)
        opt_js_only(st, m);
    else if (strcmp(k, "subtype") == 0)
        opt_subtype(st, m);
    else if (strcmp(k, "unique") == 0) {
        if (m->value->kind == BSG__AST_BOOL && m->value->u.boolean)
            bsg__clint(st->c, m->offset, "unique-not-validator",
                       "keep it for the index, and handle duplicate-key errors (11000) "
                       "from MongoDB",
                       "`unique` on `%s` builds a unique index; it is not a validator: "
                       "neither Mongoose nor bsonguard checks it",
                       st->path);
    } else if (!bsg__is_known_option(k))
        opt_unknown(st, m);
}

/* MARK: - Lints after all options */

static bool enum_contains(const bsg__ast_node *e, const bsg__ast_node *v)
{
    const bsg__ast_node *list = e;
    size_t n = e->kind == BSG__AST_ARRAY ? e->u.array.count : e->u.object.count;
    for (size_t i = 0; i < n; i++) {
        const bsg__ast_node *x = list->kind == BSG__AST_ARRAY ? list->u.array.items[i]
                                                             : list->u.object.members[i].value;
        if (x->kind == BSG__AST_STRING && v->kind == BSG__AST_STRING &&
            strcmp(x->u.string.text, v->u.string.text) == 0)
            return true;
        if (x->kind == BSG__AST_NUMBER && v->kind == BSG__AST_NUMBER &&
            x->u.number.value == v->u.number.value)
            return true;
    }
    return false;
}

static void lint_defaults(opt_state *st)
{
    const bsg__ast_node *d = st->default_def;
    bsg__type t = (bsg__type)node_at(st, st->node)->type;
    if (!d)
        return;
    if (d->kind == BSG__AST_OBJECT && d->u.object.count == 0 && st->ctx->minimize &&
        (t == BSG__T_MIXED || t == BSG__T_EMBEDDED || t == BSG__T_MAP))
        bsg__clint(st->c, d->offset, "minimize-default",
                   "set `minimize: false` in `with { }`, or make every reader handle a "
                   "missing field",
                   "the `{}` default of `%s` is never stored: `minimize` drops empty "
                   "objects, so raw readers (.lean(), aggregation, other services) see "
                   "the field missing",
                   st->path);
    if (st->enum_def && (d->kind == BSG__AST_STRING || d->kind == BSG__AST_NUMBER) &&
        !enum_contains(st->enum_def, d))
        bsg__clint(st->c, d->offset, "enum-default", "add it to the enum or change the default",
                   "the default of `%s` is not one of its enum values, so every document "
                   "that relies on it fails validation",
                   st->path);
}

void bsg__apply_options(bsg__compiler *c, const bsg__ctx *ctx, uint32_t node,
                        const bsg__ast_node *def, const char *path)
{
    if (node == BSG__NONE)
        return;
    opt_state st = {.c = c, .ctx = ctx, .path = path, .node = node, .target = node};
    bsg__node *n = &c->s->nodes[node];
    /* On `{ type: [T], … }` value validators apply to the elements. */
    if (n->type == BSG__T_ARRAY && n->elem != BSG__NONE)
        st.target = n->elem;
    const bsg__ast_node *type_val = NULL;
    for (size_t i = 0; i < def->u.object.count; i++)
        if (strcmp(def->u.object.members[i].key, ctx->type_key) == 0)
            type_val = def->u.object.members[i].value;
    for (size_t i = 0; i < def->u.object.count && !c->failed; i++) {
        const bsg__ast_member *m = &def->u.object.members[i];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(def->u.object.members[j].key, m->key) == 0) {
                bsg__cerror(c, m->offset, "duplicate-option", "option `%s` is given twice",
                            m->key);
                bsg__chint(c, "JavaScript keeps only the last one; remove one of them");
                break;
            }
        }
        if (!c->failed && strcmp(m->key, ctx->type_key) != 0)
            dispatch(&st, m, type_val);
    }
    if (!c->failed)
        lint_defaults(&st);
    const bsg__ast_node *allow_null = bsg__ast_get(def, "allowNull");
    if (!c->failed && allow_null && (c->s->nodes[node].flags & BSG__F_REQUIRED)) {
        bsg__cerror(c, allow_null->offset, "bad-option",
                    "`allowNull` cannot be combined with `required: true` on `%s`", path);
        bsg__chint(c, "Mongoose throws on this schema; `required` already rejects null");
    }
    uint32_t elem_target = st.target;
    commit(&st, node, &st.own);
    commit(&st, elem_target, &st.elem);
}
