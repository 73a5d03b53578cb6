/*
 * Fuzz target: the differential well-formedness oracle (wellformed.h).
 * Input: one BSON document. bsonguard's verdict against the model that
 * accepts anything must match the reference walk's, under MongoDB's depth
 * limit and under a low configured one; any disagreement aborts with both
 * verdicts and the bytes.
 */
#include "wellformed.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compare(const uint8_t *data, size_t size, uint32_t max_depth, bsg_result *res)
{
    bsg_options o;
    bsg_options_init(&o);
    o.max_errors = 0; /* a cap could stop the walk before the damage */
    o.max_depth = max_depth;
    wf_verdict ref = wf_reference(data, size, max_depth);
    bsg_validate(wf_any_model(), data, size, &o, res);
    if (!wf_agree(&ref, res)) {
        char what[64];
        snprintf(what, sizeof what, "well-formedness verdicts differ (depth cap %u)", max_depth);
        wf_explain(what, data, size, &ref, res);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bsg_result *res;
    if (!res)
        res = bsg_result_new();
    compare(data, size, 180, res);
    compare(data, size, 2 + (uint32_t)(size % 5), res);
    return 0;
}
