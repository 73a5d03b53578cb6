/*
 * Printing `_id` with libbson. The value is copied into a one-field document
 * and printed as relaxed Extended JSON, then the `{ "_id" : ` wrapper is cut
 * off, so every BSON type prints exactly as libbson would print it.
 */
#include "docid.h"

#include <bson/bson.h>
#include <string.h>

/* bson_as_*_json prints `{ ... }` below depth 200, which is not JSON; keep
   well clear of it. */
#define ID_MAX_DEPTH 100

static bool too_deep(const bson_iter_t *it, int budget)
{
    bson_iter_t child;
    if (!BSON_ITER_HOLDS_DOCUMENT(it) && !BSON_ITER_HOLDS_ARRAY(it))
        return false;
    if (budget == 0 || !bson_iter_recurse(it, &child))
        return true;
    while (bson_iter_next(&child))
        if (too_deep(&child, budget - 1))
            return true;
    return false;
}

/* The value part of `{ "_id" : VALUE }`, copied. */
static char *value_part(const char *json)
{
    static const char head[] = "{ \"_id\" : ";
    size_t n = strlen(json), h = sizeof head - 1;
    if (n < h + 2 || memcmp(json, head, h) != 0 || memcmp(json + n - 2, " }", 2) != 0)
        return NULL;
    return bson_strndup(json + h, n - h - 2);
}

static char *ejson_of(const bson_iter_t *it)
{
    bson_t one = BSON_INITIALIZER;
    char *json = NULL, *value = NULL;
    if (bson_append_iter(&one, "_id", 3, it))
        json = bson_as_relaxed_extended_json(&one, NULL);
    if (json)
        value = value_part(json);
    bson_free(json);
    bson_destroy(&one);
    return value;
}

static char *display_of(const bson_iter_t *it, const char *ejson)
{
    char hex[25];
    if (!BSON_ITER_HOLDS_OID(it))
        return bson_strdup(ejson);
    bson_oid_to_string(bson_iter_oid(it), hex);
    return bson_strdup_printf("ObjectId(\"%s\")", hex);
}

void docid_get(docid *id, const uint8_t *data, size_t len)
{
    bson_t doc;
    bson_iter_t it;
    id->ejson = id->display = NULL;
    if (!bson_init_static(&doc, data, len) || !bson_iter_init_find(&it, &doc, "_id"))
        return;
    if (too_deep(&it, ID_MAX_DEPTH))
        return;
    id->ejson = ejson_of(&it);
    if (id->ejson)
        id->display = display_of(&it, id->ejson);
}

void docid_free(docid *id)
{
    bson_free(id->ejson);
    bson_free(id->display);
    id->ejson = id->display = NULL;
}
