/*
 * Path validators: enum, min/max (numbers and dates), minlength/maxlength
 * (in UTF-16 units, as JavaScript counts), match, and custom validators,
 * each with Mongoose's default message.
 */
#include "validator.h"

#include <stdio.h>
#include <time.h>

/* Length in UTF-16 code units, as JavaScript's String#length counts. */
static uint32_t utf16_length(const uint8_t *s, size_t n)
{
    uint32_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += (s[i] & 0xC0) != 0x80;
        len += s[i] >= 0xF0;
    }
    return len;
}


static double now_ms(vstate *v)
{
    if (!v->have_now) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        v->now_ms = (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
        v->have_now = true;
    }
    return v->now_ms;
}

static inline double as_number(const elem *e)
{
    switch (e->type) {
    case 0x01: return rddouble(e->val);
    case 0x10: return (double)(int32_t)rd32(e->val);
    case 0x12: case 0x09: return (double)rd64(e->val);
    case 0x08: return e->val[0];
    default: return 0;
    }
}


/* Why PCRE2 gave up on a match, for the `limit` message; NULL if it did not. */
static const char *gave_up(int rc)
{
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT: return "match limit reached";
    case PCRE2_ERROR_DEPTHLIMIT: return "depth limit reached";
    case PCRE2_ERROR_HEAPLIMIT: return "heap limit reached";
    case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack exhausted";
    case PCRE2_ERROR_NOMEMORY: return "out of memory";
    default: return NULL;
    }
}

/* Whether the regex of `ck` matches the UTF-8 text `subject`. */
static bool regex_matches(vstate *v, const bsg__check *ck, const uint8_t *subject, size_t n,
                          const char **limit)
{
    const bsg__literal *lit = &v->s->literals[ck->first];
    if (lit->ok)
        return bsg__literal_match(lit, subject, n);
    bsg_result *r = v->r;
    if (!r->match_data)
        r->match_data = pcre2_match_data_create(1, v->s->pcre_ctx);
    /* The JIT entry point skips pcre2_match's argument checks; patterns
       PCRE2 could not JIT-compile take the interpreter. */
    const pcre2_code *re = v->s->regexes[ck->first];
    int rc = pcre2_jit_match(re, subject, n, 0, PCRE2_NO_UTF_CHECK, r->match_data,
                             v->s->match_ctx);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)
        rc = pcre2_match(re, subject, n, 0, PCRE2_NO_UTF_CHECK, r->match_data, v->s->match_ctx);
    *limit = gave_up(rc);
    return rc >= 0;
}

static bool check_regex(vstate *v, const bsg__node *node, const bsg__check *ck, const elem *e,
                        const char **limit)
{
    if (e->type == 0x02) {
        uint32_t n = rd32(e->val) - 1;
        if (n == 0 && ck->kind == BSG__C_REGEXP)
            return true; /* `match` skips ''; a `validate: /re/` tests it */
        return regex_matches(v, ck, e->val + 4, n, limit);
    }
    if (ck->kind != BSG__C_USER_REGEXP || (e->type != 0x03 && e->type != 0x04))
        return true; /* `match` tests strings only */
    /* `validate: /re/` on an array or subdocument path tests the value's
       text; it is built in the result's scratch text and dropped after. */
    bsg_result *r = v->r;
    size_t start = r->text_len;
    if (node->type == BSG__T_MAP)
        bsg__text_add(r, "[object Map]", 12);
    else if (e->type == 0x03)
        bsg__text_add(r, "[object Object]", 15);
    else
        bsg__print_js_array(r, e->val, e->vlen);
    /* An empty array prints nothing, and a fresh result has no text yet:
       NULL + 0 is undefined, so test "" then. */
    const uint8_t *text = r->text ? (const uint8_t *)r->text + start : (const uint8_t *)"";
    size_t len = r->text_len - start;
    /* Parts a cap kept the walk from checking may not be UTF-8: PCRE2 must
       not see them unchecked. */
    bool ok = bsg__utf8_valid_in(text, len, len) && regex_matches(v, ck, text, len, limit);
    r->text_len = start;
    return ok;
}

static bool check_user(vstate *v, const bsg__check *ck, const elem *e, char *msg, size_t cap)
{
    const bsg__user *u = &v->s->users[ck->first];
    bsg_value val = {e->type, e->val, e->vlen, NULL, 0, as_number(e)};
    if (e->type == 0x02) {
        val.str = (const char *)e->val + 4;
        val.str_len = rd32(e->val) - 1;
    }
    msg[0] = '\0';
    return u->fn(&val, u->ctx, msg, cap);
}

static bool enum_has(const vstate *v, const bsg__check *ck, const elem *e)
{
    if (ck->kind == BSG__C_ENUM_STR)
        return e->type != 0x02 || bsg__enum_str_has(v, ck, e->val);
    const double d = as_number(e);
    for (uint32_t i = 0; i < ck->count; i++)
        if (v->s->enum_nums[ck->first + i] == d)
            return true;
    return false;
}

/* Whether a value passes one validator. `len` receives a string's UTF-16
   length when it had to be counted, `limit` whether a regex gave up. */
static inline bool check_passes(vstate *v, const bsg__node *n, const bsg__check *ck,
                                const elem *e, double d,
                                uint32_t *len, const char **limit, char *umsg, size_t cap)
{
    switch ((bsg__check_kind)ck->kind) {
    case BSG__C_ENUM_STR:
    case BSG__C_ENUM_NUM:
        return enum_has(v, ck, e);
    case BSG__C_MIN:
        return d >= ck->num;
    case BSG__C_MAX:
        return d <= ck->num;
    case BSG__C_DATE_MIN:
        return d >= (ck->now ? now_ms(v) : ck->num);
    case BSG__C_DATE_MAX:
        return d <= (ck->now ? now_ms(v) : ck->num);
    case BSG__C_MINLENGTH:
    case BSG__C_MAXLENGTH:
        /* UTF-16 units <= UTF-8 bytes <= 3 units each: count only when the
           byte length cannot decide. */
        *len = rd32(e->val) - 1;
        if (ck->kind == BSG__C_MAXLENGTH ? *len <= ck->num : *len >= 3 * ck->num)
            return true;
        *len = utf16_length(e->val + 4, *len);
        return ck->kind == BSG__C_MINLENGTH ? *len >= ck->num : *len <= ck->num;
    case BSG__C_REGEXP:
    case BSG__C_USER_REGEXP:
        return check_regex(v, n, ck, e, limit);
    case BSG__C_USER:
        return check_user(v, ck, e, umsg, cap);
    }
    return true;
}

/* Report the validator that failed, with Mongoose's default message unless
   the schema gave one. */
static void check_failed(vstate *v, const bsg__node *n, const bsg__check *ck,
                         const elem *e, uint32_t len, const char *limit, const char *umsg)
{
    const bsg_schema *s = v->s;
    const char *expected = s->pool + n->label;
    tmpl_args a = {0};
    bsg_kind kind;
    const char *dflt;
    switch ((bsg__check_kind)ck->kind) {
    case BSG__C_ENUM_STR:
    case BSG__C_ENUM_NUM:
        kind = BSG_KIND_ENUM;
        dflt = "`{VALUE}` is not a valid enum value for path `{PATH}`.";
        break;
    case BSG__C_MIN:
    case BSG__C_DATE_MIN:
    case BSG__C_MAX:
    case BSG__C_DATE_MAX: {
        static const char *const bounds[2][2] = {
            {"Path `{PATH}` ({VALUE}) is more than maximum allowed value ({MAX}).",
             "Path `{PATH}` ({VALUE}) is less than minimum allowed value ({MIN})."},
            {"Path `{PATH}` ({VALUE}) is after maximum allowed value ({MAX}).",
             "Path `{PATH}` ({VALUE}) is before minimum allowed value ({MIN})."}};
        bool is_min = ck->kind == BSG__C_MIN || ck->kind == BSG__C_DATE_MIN;
        bool is_date = ck->kind == BSG__C_DATE_MIN || ck->kind == BSG__C_DATE_MAX;
        kind = is_min ? BSG_KIND_MIN : BSG_KIND_MAX;
        a.bound_name = is_min ? "MIN" : "MAX";
        a.bound = ck->now ? "Date.now()" : s->pool + ck->text;
        dflt = bounds[is_date][is_min];
        break;
    }
    case BSG__C_MINLENGTH:
    case BSG__C_MAXLENGTH: {
        bool is_min = ck->kind == BSG__C_MINLENGTH;
        kind = is_min ? BSG_KIND_MINLENGTH : BSG_KIND_MAXLENGTH;
        a.length = len;
        a.bound_name = is_min ? "MINLENGTH" : "MAXLENGTH";
        a.bound = s->pool + ck->text;
        a.cut_value = !is_min; /* Mongoose cuts long values in maxlength messages only */
        dflt = is_min ? "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is shorter than the "
                        "minimum allowed length ({MINLENGTH})."
                      : "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is longer than the "
                        "maximum allowed length ({MAXLENGTH}).";
        break;
    }
    case BSG__C_REGEXP:
        kind = BSG_KIND_REGEXP;
        dflt = "Path `{PATH}` is invalid ({VALUE}).";
        break;
    default: /* user validators, and `validate: /re/` */
        kind = BSG_KIND_USER_DEFINED;
        dflt = "Validator failed for path `{PATH}` with value `{VALUE}`";
        break;
    }
    if (limit) {
        char msg[120];
        snprintf(msg, sizeof msg, "Path `{PATH}`: the regular expression gave up (%s)", limit);
        bsg__report(v, BSG_KIND_LIMIT, e, expected, msg, &a);
        return;
    }
    const char *msg = umsg && umsg[0] ? umsg : bsg__custom_or(s, ck->msg, dflt);
    bsg__report(v, kind, e, expected, msg, &a);
}

/* Run a path's validators in the order written; the first failure wins. */
void bsg__run_checks(vstate *v, const bsg__node *n, const elem *e)
{
    const bsg__check *checks = v->s->checks + n->checks;
    const double d = as_number(e);
    for (uint32_t i = 0; i < n->nchecks; i++) {
        uint32_t len = 0;
        const char *limit = NULL;
        char umsg[256];
        umsg[0] = '\0';
        if (!check_passes(v, n, &checks[i], e, d, &len, &limit, umsg, sizeof umsg)) {
            check_failed(v, n, &checks[i], e, len, limit, umsg);
            return;
        }
    }
}

/* Mongoose runs a `validate: /re/` on null too: RegExp#test(null) tests the
   text "null". Every other validator passes null. */
bool bsg__run_checks_on_null(vstate *v, const bsg__node *n, const elem *e)
{
    static const uint8_t null_text[] = {5, 0, 0, 0, 'n', 'u', 'l', 'l', 0};
    const elem as_text = {.type = 0x02, .key = e->key, .klen = e->klen, .val = null_text,
                          .vlen = sizeof null_text};
    const bsg__check *checks = v->s->checks + n->checks;
    for (uint32_t i = 0; i < n->nchecks; i++) {
        const char *limit = NULL;
        if (checks[i].kind == BSG__C_USER_REGEXP &&
            !check_regex(v, n, &checks[i], &as_text, &limit)) {
            check_failed(v, n, &checks[i], e, 0, limit, "");
            return true;
        }
    }
    return false;
}
