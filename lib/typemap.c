/*
 * The type map's tables. See typemap.h.
 */
#include "typemap.h"

#include <string.h>

static const struct {
    const char *name;
    uint32_t mask;
} schematypes[] = {
#define BSG__TYPE_ROW_(e, name, mask) {name, mask},
    BSG__SCHEMATYPE_MAP(BSG__TYPE_ROW_)
#undef BSG__TYPE_ROW_
};

const char *bsg__type_name(bsg__type t)
{
    return (unsigned)t < BSG__T_COUNT ? schematypes[t].name : "";
}

uint32_t bsg__type_mask(bsg__type t)
{
    return (unsigned)t < BSG__T_COUNT ? schematypes[t].mask : 0;
}

/* Mongoose's Schema.Types keys and aliases (mongoose-semantics.md a.0).
   Embedded and nested are not spellings: they come from the shape. */
static const struct {
    const char *spelling;
    bsg__type type;
} aliases[] = {
    {"String", BSG__T_STRING},     {"Number", BSG__T_NUMBER},
    {"Boolean", BSG__T_BOOLEAN},   {"Bool", BSG__T_BOOLEAN},
    {"Date", BSG__T_DATE},         {"ObjectId", BSG__T_OBJECTID},
    {"ObjectID", BSG__T_OBJECTID}, {"Oid", BSG__T_OBJECTID},
    {"Decimal128", BSG__T_DECIMAL128}, {"Decimal", BSG__T_DECIMAL128},
    {"BigInt", BSG__T_BIGINT},     {"Double", BSG__T_DOUBLE},
    {"Int32", BSG__T_INT32},       {"UUID", BSG__T_UUID},
    {"Buffer", BSG__T_BUFFER},     {"Mixed", BSG__T_MIXED},
    {"Object", BSG__T_MIXED},      {"Map", BSG__T_MAP},
    {"Array", BSG__T_ARRAY},       {"Union", BSG__T_UNION},
};

#define ALIAS_COUNT (sizeof aliases / sizeof aliases[0])

const char *bsg__type_spelling(unsigned i, bsg__type *type)
{
    if (i >= ALIAS_COUNT)
        return NULL;
    if (type)
        *type = aliases[i].type;
    return aliases[i].spelling;
}

bool bsg__type_lookup(const char *name, bool from_string, bsg__type *out)
{
    char buf[32];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, name, n + 1);
    /* Mongoose upper-cases only the first letter of a string type name. */
    if (from_string && buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    for (size_t i = 0; i < ALIAS_COUNT; i++) {
        if (strcmp(aliases[i].spelling, buf) == 0) {
            *out = aliases[i].type;
            return true;
        }
    }
    return false;
}

static const char *const bson_aliases[0x14] = {
    [0x01] = "double",  [0x02] = "string",    [0x03] = "object",
    [0x04] = "array",   [0x05] = "binData",   [0x06] = "undefined",
    [0x07] = "objectId", [0x08] = "bool",     [0x09] = "date",
    [0x0A] = "null",    [0x0B] = "regex",     [0x0C] = "dbPointer",
    [0x0D] = "javascript", [0x0E] = "symbol", [0x0F] = "javascriptWithScope",
    [0x10] = "int",     [0x11] = "timestamp", [0x12] = "long",
    [0x13] = "decimal",
};

const char *bsg__bson_type_alias(uint8_t type)
{
    if (type == BSG__BSON_MINKEY)
        return "minKey";
    if (type == BSG__BSON_MAXKEY)
        return "maxKey";
    if (type < 0x14 && bson_aliases[type])
        return bson_aliases[type];
    return "unknown";
}

bool bsg__bson_type_valid(uint8_t type)
{
    return (type >= 0x01 && type <= 0x13) || type == BSG__BSON_MINKEY ||
           type == BSG__BSON_MAXKEY;
}
