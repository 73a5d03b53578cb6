/*
 * The type map: the one table of SchemaType <-> BSON types (DESIGN.md §4).
 * The compiler resolves names through it, the validator checks stored types
 * against it, and error messages and docs print from it.
 */
#ifndef BSG_TYPEMAP_H
#define BSG_TYPEMAP_H

#include <stdbool.h>
#include <stdint.h>

/* BSON type bytes we name. */
enum {
    BSG__BSON_DOUBLE = 0x01, BSG__BSON_STRING = 0x02, BSG__BSON_DOCUMENT = 0x03,
    BSG__BSON_ARRAY = 0x04, BSG__BSON_BINARY = 0x05, BSG__BSON_UNDEFINED = 0x06,
    BSG__BSON_OID = 0x07, BSG__BSON_BOOL = 0x08, BSG__BSON_DATE = 0x09,
    BSG__BSON_NULL = 0x0A, BSG__BSON_REGEX = 0x0B, BSG__BSON_DBPOINTER = 0x0C,
    BSG__BSON_CODE = 0x0D, BSG__BSON_SYMBOL = 0x0E, BSG__BSON_CODEWSCOPE = 0x0F,
    BSG__BSON_INT32 = 0x10, BSG__BSON_TIMESTAMP = 0x11, BSG__BSON_INT64 = 0x12,
    BSG__BSON_DECIMAL128 = 0x13, BSG__BSON_MAXKEY = 0x7F, BSG__BSON_MINKEY = 0xFF
};

#define BSG__M(t) (UINT32_C(1) << (t))
#define BSG__M_ANY UINT32_MAX

/*
 X(ENUM, "SchemaType name", mask of BSON types accepted as stored)
 Mixed accepts every type; MinKey and MaxKey map to no bit, so only Mixed
 takes them. UUID's 16-byte subtype-4 rule is checked by the validator.
 */
#define BSG__SCHEMATYPE_MAP(X)                                                   \
    X(STRING, "String", BSG__M(BSG__BSON_STRING))                                 \
    X(NUMBER, "Number", BSG__M(BSG__BSON_INT32) | BSG__M(BSG__BSON_INT64) |      \
                            BSG__M(BSG__BSON_DOUBLE))                            \
    X(BOOLEAN, "Boolean", BSG__M(BSG__BSON_BOOL))                                 \
    X(DATE, "Date", BSG__M(BSG__BSON_DATE))                                       \
    X(OBJECTID, "ObjectId", BSG__M(BSG__BSON_OID))                                \
    X(DECIMAL128, "Decimal128", BSG__M(BSG__BSON_DECIMAL128))                     \
    X(BIGINT, "BigInt", BSG__M(BSG__BSON_INT64))                                  \
    X(DOUBLE, "Double", BSG__M(BSG__BSON_DOUBLE))                                 \
    X(INT32, "Int32", BSG__M(BSG__BSON_INT32))                                    \
    X(UUID, "UUID", BSG__M(BSG__BSON_BINARY))                                     \
    X(BUFFER, "Buffer", BSG__M(BSG__BSON_BINARY))                                 \
    X(MIXED, "Mixed", BSG__M_ANY)                                                 \
    X(MAP, "Map", BSG__M(BSG__BSON_DOCUMENT))                                     \
    X(ARRAY, "Array", BSG__M(BSG__BSON_ARRAY))                                    \
    X(EMBEDDED, "Embedded", BSG__M(BSG__BSON_DOCUMENT))                           \
    X(NESTED, "Object", BSG__M(BSG__BSON_DOCUMENT))                               \
    X(UNION, "Union", BSG__M_ANY)

typedef enum bsg__type {
#define BSG__TYPE_ENUM_(e, name, mask) BSG__T_##e,
    BSG__SCHEMATYPE_MAP(BSG__TYPE_ENUM_)
#undef BSG__TYPE_ENUM_
    BSG__T_COUNT
} bsg__type;

/* The SchemaType's printed name ("String", "ObjectId", ...). */
const char *bsg__type_name(bsg__type t);

/* The BSON types a SchemaType accepts as stored. */
uint32_t bsg__type_mask(bsg__type t);

/* Resolve a type spelling as Mongoose does: a constructor name or alias
   ("ObjectID", "Oid", "Bool", "Decimal", "Object"), or a string whose first
   letter is upper-cased before the lookup ("mixed", "objectId"). Returns
   false when the name is not a SchemaType. */
bool bsg__type_lookup(const char *name, bool from_string, bsg__type *out);

/* The i-th accepted spelling and its type, for did-you-mean suggestions
   and the docs; NULL past the last. */
const char *bsg__type_spelling(unsigned i, bsg__type *type);

/* MongoDB's $type alias for a BSON type byte ("string", "int", "objectId");
   "unknown" for a byte that is not a BSON type. */
const char *bsg__bson_type_alias(uint8_t type);

/* Whether `type` is a defined BSON element type byte. */
bool bsg__bson_type_valid(uint8_t type);

#endif
