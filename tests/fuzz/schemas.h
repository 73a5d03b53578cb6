/*
 * The representative schemas the validator fuzzers check documents against:
 * the bundled conversation store, the CLI's shop, every SchemaType with
 * every validator, discriminators, recursion, a Union, Maps, and the Mixed
 * model of the well-formedness oracle. Compiled once, on first use.
 */
#ifndef BSG_FUZZ_SCHEMAS_H
#define BSG_FUZZ_SCHEMAS_H

#include "bsonguard.h"

#include <stddef.h>
#include <stdint.h>

/* Number of models across the schemas (at least 12). */
size_t fz_model_count(void);

/* The i-th model, i < fz_model_count(). */
const bsg_model *fz_model(size_t i);

/* The registry holding the custom validators the schemas name ('isSlug',
   'even', 'nonEmpty'); also handed to the compiler fuzzer. */
const bsg_registry *fz_registry(void);

/* Options from one byte: strict override, error cap, depth cap, array cap. */
void fz_options(uint8_t bits, bsg_options *o);

#endif
