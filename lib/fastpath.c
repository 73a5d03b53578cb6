/*
 * The validator's fast paths, planned once per schema: for each path, the
 * BSON types the walk settles inline without calling check_value(), and
 * the container type it walks into directly.
 *
 * A type is `fast` when a value of it passes the path with nothing more to
 * check than its framing, or with one comparison (`quick`): the path's
 * validators (min/max, minlength/maxlength, required, one string enum, one
 * anchored literal `match`) all pass when the value's measure lies in
 * [qlo, qhi], and a string is in the enum and starts with the literal's
 * full spelling. The measure is a number's value, a date's milliseconds,
 * or a string's byte length; the byte bounds are chosen so that they imply
 * the UTF-16 bounds Mongoose checks. A value outside the range is not
 * necessarily invalid: it takes check_value(), which decides exactly and
 * reports what failed. An array path settles an empty array the same way:
 * most arrays of subdocuments are empty.
 */
#include "schema.h"

#include <math.h>
#include <string.h>

/* JavaScript dates span ±8.64e15 ms; the driver reads others as Invalid Date. */
#define JS_DATE_LIMIT 8.64e15

/* Types whose measure the walk can take (see quick_measure() in validate.c). */
#define MEASURABLE                                                                \
    (BSG__M(BSG__BSON_DOUBLE) | BSG__M(BSG__BSON_STRING) | BSG__M(BSG__BSON_DATE) | \
     BSG__M(BSG__BSON_INT32) | BSG__M(BSG__BSON_INT64))

/* Whether a null value at `n` has anything to fail: `required`,
   `allowNull: false`, or a `validate: /re/` (which tests the text "null"). */
static bool judges_null(const bsg_schema *s, const bsg__node *n)
{
    if (n->flags & (BSG__F_REQUIRED | BSG__F_NO_NULL))
        return true;
    for (uint32_t i = 0; i < n->nchecks; i++)
        if (s->checks[n->checks + i].kind == BSG__C_USER_REGEXP)
            return true;
    return false;
}

/* A string that starts with every atom of an anchored literal pattern
   (`^https?:\/\/` spelt `https://`) matches it: the prefix is planned as
   two masked words. Other spellings take the full check. */
static bool plan_prefix(bsg__node *n, const bsg__literal *lit)
{
    if (!lit->ok || lit->count == 0 || lit->count > 16)
        return false;
    n->qprefix_len = lit->count;
    for (uint32_t k = 0; k < lit->count; k++) {
        n->qprefix[k / 8] |= (uint64_t)lit->chars[k] << (8 * (k % 8));
        n->qprefix_mask[k / 8] |= (uint64_t)0xFF << (8 * (k % 8));
    }
    return true;
}

/* Narrow [n->qlo, n->qhi] to what the path's validators accept; false when
   one of them cannot be decided by a range (regex, user validator, a date
   bound of Date.now, a numeric enum, a second enum). */
static bool narrow_to_checks(const bsg_schema *s, bsg__node *n)
{
    for (uint32_t i = 0; i < n->nchecks; i++) {
        const bsg__check *ck = &s->checks[n->checks + i];
        switch ((bsg__check_kind)ck->kind) {
        case BSG__C_MIN:
        case BSG__C_DATE_MIN:
            if (ck->now)
                return false;
            n->qlo = fmax(n->qlo, ck->num);
            break;
        case BSG__C_MAX:
        case BSG__C_DATE_MAX:
            if (ck->now)
                return false;
            n->qhi = fmin(n->qhi, ck->num);
            break;
        case BSG__C_MINLENGTH: /* a UTF-16 unit takes at most 3 UTF-8 bytes */
            n->qlo = fmax(n->qlo, 3.0 * ck->num);
            break;
        case BSG__C_MAXLENGTH: /* ...and at least one */
            n->qhi = fmin(n->qhi, ck->num);
            break;
        case BSG__C_ENUM_STR:
            if (n->qenum != BSG__NONE)
                return false;
            n->qenum = n->checks + i;
            break;
        case BSG__C_REGEXP:
        case BSG__C_USER_REGEXP:
            if (n->type != BSG__T_STRING || n->qprefix_len ||
                !plan_prefix(n, &s->literals[ck->first]))
                return false;
            break;
        default:
            return false;
        }
        if (isnan(ck->num))
            return false; /* fmax/fmin would drop it; the checks fail everything */
    }
    return true;
}

static void plan_node(const bsg_schema *s, bsg__node *n)
{
    /* A container without validators of its own is walked straight into
       when the stored type is its own (null and mismatches take the checks). */
    n->descend = 0;
    if (!n->nchecks && (n->type == BSG__T_EMBEDDED || n->type == BSG__T_NESTED ||
                        n->type == BSG__T_MAP))
        n->descend = BSG__BSON_DOCUMENT;
    if (!n->nchecks && n->type == BSG__T_ARRAY)
        n->descend = BSG__BSON_ARRAY;
    if (!n->nchecks && n->type == BSG__T_MIXED) /* its most common container */
        n->descend = BSG__BSON_DOCUMENT;
    n->fast = n->quick = 0;
    n->qenum = BSG__NONE;
    n->qprefix_len = 0;
    memset(n->qprefix, 0, sizeof n->qprefix);
    memset(n->qprefix_mask, 0, sizeof n->qprefix_mask);
    n->qlo = -INFINITY;
    n->qhi = INFINITY;
    switch ((bsg__type)n->type) {
    case BSG__T_STRING:
        if (n->flags & BSG__F_REQUIRED)
            n->qlo = 1; /* '' fails `required` */
        break;
    case BSG__T_DATE:
        n->qlo = -JS_DATE_LIMIT;
        n->qhi = JS_DATE_LIMIT;
        break;
    case BSG__T_NUMBER: case BSG__T_BOOLEAN: case BSG__T_OBJECTID: case BSG__T_DECIMAL128:
    case BSG__T_BIGINT: case BSG__T_DOUBLE: case BSG__T_INT32:
        break;
    case BSG__T_MIXED: /* containers are walked for well-formedness */
        n->fast = n->mask & ~(BSG__M(BSG__BSON_DOCUMENT) | BSG__M(BSG__BSON_ARRAY) |
                              BSG__M(BSG__BSON_CODEWSCOPE));
        goto null;
    case BSG__T_ARRAY: /* an empty one needs only its terminator checked */
        if (!n->nchecks)
            n->fast = n->quick = BSG__M(BSG__BSON_ARRAY);
        goto null;
    default: /* containers, unions, binaries: check_value() */
        goto null;
    }
    if (!narrow_to_checks(s, n)) {
        n->qenum = BSG__NONE; /* nothing half-planned stays behind */
        n->qprefix_len = 0;
        n->qlo = -INFINITY;
        n->qhi = INFINITY;
    } else {
        /* Free of any test without validators or bounds, except a Number's
           double, which may be NaN (Number rejects it; the range does too). */
        bool unbounded = n->nchecks == 0 && n->qlo == -INFINITY && n->qhi == INFINITY;
        uint32_t free = unbounded ? n->mask : 0;
        if (n->type == BSG__T_NUMBER)
            free &= ~BSG__M(BSG__BSON_DOUBLE);
        n->quick = n->mask & MEASURABLE & ~free;
        n->fast = n->quick | free;
    }
null:
    if (!judges_null(s, n) && n->type != BSG__T_NESTED)
        n->fast |= BSG__M(BSG__BSON_NULL);
    else
        n->fast &= ~BSG__M(BSG__BSON_NULL);
}

void bsg__plan_fast_paths(bsg_schema *s)
{
    for (size_t i = 0; i < s->nnodes; i++)
        plan_node(s, &s->nodes[i]);
    for (size_t i = 0; i < s->nfields; i++) {
        bsg__field *f = &s->fields[i];
        f->fast = s->nodes[f->node].fast;
        f->quick = s->nodes[f->node].quick;
        /* MongoDB rejects an `_id` that is an array, a regex or undefined
           at the top level: a field named `_id` leaves those types to the
           general path, which knows where it is. */
        if (f->len == 3 && memcmp(s->pool + f->name, "_id", 3) == 0)
            f->fast &= ~(BSG__M(BSG__BSON_ARRAY) | BSG__M(BSG__BSON_REGEX) |
                         BSG__M(BSG__BSON_UNDEFINED));
    }
}
