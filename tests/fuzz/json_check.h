/*
 * A strict JSON syntax check (RFC 8259) for the text bsonguard writes:
 * bsg_result_json(), bsg_batch_json() and the CLI's JSON report lines. It
 * is deliberately separate from libbson's JSON parser, which is lenient in
 * places and has its own nesting limit.
 */
#ifndef BSG_FUZZ_JSON_CHECK_H
#define BSG_FUZZ_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True if text[0..len) is exactly one JSON value, optionally surrounded by
   whitespace, with every string valid UTF-8 and free of raw control
   characters. On failure *where (may be NULL) receives the byte offset. */
bool json_check(const char *text, size_t len, size_t *where);

#endif
