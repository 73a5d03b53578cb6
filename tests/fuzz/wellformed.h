/*
 * The differential oracle for well-formedness: an independent reference walk
 * (libbson's bson_iter plus bson_utf8_validate, depth-guarded) against
 * bsonguard's `malformed` verdict. Used by fuzz_wellformed.c, fuzz_validate.c
 * and the seeded test test_wellformed.c. What each side checks, and why the
 * two can only be compared as below, is written out in wellformed.c and
 * docs/fuzzing.md.
 */
#ifndef BSG_FUZZ_WELLFORMED_H
#define BSG_FUZZ_WELLFORMED_H

#include "bsonguard.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WF_MAX_DEEP 32

typedef struct wf_verdict {
    bool malformed;  /* some byte breaks the BSON spec or UTF-8 */
    bool too_deep;   /* a container nests deeper than the depth cap */
    uint32_t ndeep;  /* how many containers were cut there ... */
    uint64_t deep[WF_MAX_DEEP]; /* ... and the first ones' paths, hashed (wf_path_hash) */
    char why[160];   /* the first reason, for messages */
} wf_verdict;

/* FNV-1a of a path as bsonguard renders it ("a.3.b"), extending `h` (start
   with WF_PATH_ROOT; a segment after the first is preceded by '.'). */
#define WF_PATH_ROOT UINT64_C(0xCBF29CE484222325)
uint64_t wf_path_hash(uint64_t h, const void *bytes, size_t len);

/* The reference verdict on exactly `len` bytes holding one document, with
   containers nested deeper than `max_depth` levels (the document itself is
   level 1) reported as too deep and not entered. */
wf_verdict wf_reference(const uint8_t *data, size_t len, uint32_t max_depth);

/* bsonguard's verdict, read off a result: any `malformed` error, and the
   `server`/`limit` errors for nesting. Other errors (`_id` rules, keys, the
   schema) say nothing about well-formedness. */
wf_verdict wf_from_result(const bsg_result *res);

/* Whether bsonguard's result agrees with the reference verdict:
   - `malformed` must match;
   - when neither side found damage, the containers cut at the depth cap
     must match: each one the reference cut has an error at its path (of
     any kind: bsonguard keeps one error per path, so a key error there
     hides the depth error), and each depth error bsonguard reports is at a
     path the reference cut. With damage, where each walk stops decides
     which cut containers it saw first, so depth is not compared. */
bool wf_agree(const wf_verdict *ref, const bsg_result *res);

/* The model that accepts anything: strict false, no `_id` or `__v`, only
   Mixed paths, so that nothing but well-formedness and MongoDB's rules can
   fail. Compiled on first use; never freed (shared by the harnesses). */
const bsg_model *wf_any_model(void);

/* Print both verdicts, bsonguard's errors and the bytes (hex) to stderr. */
void wf_explain(const char *what, const uint8_t *data, size_t len, const wf_verdict *ref,
                const bsg_result *res);

#endif
