/*
 * Checks on the JSON text of one document for what libbson 1.23 reads
 * silently wrong (DESIGN.md §8): integer literals outside int64, which it
 * wraps modulo 2^64; `$numberDecimal` strings it cannot parse, which it
 * stores as NaN; `$numberDouble` strings with anything after the number, and
 * `$oid` and `$uuid` strings with bytes that are not hex digits, which it
 * misreads. NUL bytes and invalid UTF-8 are found here too, because libbson
 * reports them with a cut message or no position.
 */
#ifndef BSG_TOOLS_JTEXT_H
#define BSG_TOOLS_JTEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct jtext_problem {
    size_t offset;      /* byte offset of the offending token in the text */
    char message[200];
} jtext_problem;

/* Scan `text`; on the first problem fill `p` and return false. Strings are
   skipped with their escapes, so nothing inside a string is mistaken for a
   number. Never reads past text + len. */
bool jtext_check(const char *text, size_t len, jtext_problem *p);

#endif
