/*
 * Little-endian reads of BSON bytes, shared by the validator and the value
 * printer. Callers check bounds first.
 */
#ifndef BSG_BYTES_H
#define BSG_BYTES_H

#include <stdint.h>
#include <string.h>

#define HIGH_BITS UINT64_C(0x8080808080808080)
#define LOW_BITS UINT64_C(0x0101010101010101)

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Eight bytes as a little-endian word. */
static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline int64_t rd64(const uint8_t *p) { return (int64_t)load64(p); }

/* Sizes of the values that have a fixed width and need no check beyond
   their length, by type byte below 0x20: double, ObjectId, date, null,
   undefined, int32, timestamp, int64, Decimal128. 0xFF for the others
   (strings, containers, binary, regex, ..., and booleans, whose byte must
   be 0 or 1). MinKey (0x7F) and MaxKey (0xFF) are 0 bytes too. */
#define BSG__VARIABLE 0xFF
static const uint8_t bsg__fixed_size[32] = {
    0xFF, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0, 12, 0xFF, 8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    4, 8, 8, 16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

static inline double rddouble(const uint8_t *p)
{
    uint64_t bits = load64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

#endif
