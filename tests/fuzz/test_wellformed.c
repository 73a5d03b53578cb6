/*
 * The well-formedness oracle as a seeded test (TAP): hand-made documents with
 * known verdicts anchor the reference itself, then thousands of random and
 * mutated documents from a fixed seed must get the same verdict from
 * bsonguard and from the reference walk (wellformed.c).
 *
 * Environment:
 *   BSG_WF_SEED=N   seed (decimal or 0x hex); the default is fixed
 *   BSG_WF_CASES=N  number of cases (default 5000, 300 under valgrind)
 *   BSG_WF_CASE=I   run only case I of the seed, printing every verdict
 * A failure prints the seed and case, and the command that replays it.
 */
#include "bmutate.h"
#include "wellformed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND (RUNNING_ON_VALGRIND != 0)
#else
#define UNDER_VALGRIND 0
#endif

#define DEFAULT_SEED UINT64_C(0x5EED2026)
#define DOC_MAX 65536
#define MUTATIONS 3

static int test_no;

static void tap(bool ok, const char *fmt, const char *detail)
{
    printf("%s %d - %s%s\n", ok ? "ok" : "not ok", ++test_no, fmt, detail ? detail : "");
}

/* MARK: - Known documents */

typedef struct known {
    const char *name;
    uint8_t bytes[40];
    size_t len;
    bool malformed;
} known;

#define DOC(...) {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})
static const known knowns[] = {
    {"empty document", DOC(5, 0, 0, 0, 0), false},
    {"bool 1", DOC(9, 0, 0, 0, 8, 'a', 0, 1, 0), false},
    {"bool 2", DOC(9, 0, 0, 0, 8, 'a', 0, 2, 0), true},
    {"string with a NUL byte", DOC(15, 0, 0, 0, 2, 'a', 0, 3, 0, 0, 0, 'x', 0, 0, 0), false},
    {"string C0 80 (modified-UTF-8 NUL)", DOC(15, 0, 0, 0, 2, 'a', 0, 3, 0, 0, 0, 0xC0, 0x80, 0, 0), true},
    {"string surrogate", DOC(16, 0, 0, 0, 2, 'a', 0, 4, 0, 0, 0, 0xED, 0xA0, 0x80, 0, 0), true},
    {"string U+10FFFF", DOC(17, 0, 0, 0, 2, 'a', 0, 5, 0, 0, 0, 0xF4, 0x8F, 0xBF, 0xBF, 0, 0), false},
    {"string past U+10FFFF", DOC(17, 0, 0, 0, 2, 'a', 0, 5, 0, 0, 0, 0xF4, 0x90, 0x80, 0x80, 0, 0), true},
    {"string length 0", DOC(12, 0, 0, 0, 2, 'a', 0, 0, 0, 0, 0, 0), true},
    {"key not UTF-8", DOC(8, 0, 0, 0, 0x0A, 0xFF, 0, 0), true},
    {"unknown type 0x14", DOC(8, 0, 0, 0, 0x14, 'a', 0, 0), true},
    {"early terminator", DOC(13, 0, 0, 0, 0x0A, 'a', 0, 0, 0x0A, 'b', 0, 0, 0), true},
    {"missing terminator", DOC(8, 0, 0, 0, 0x0A, 'a', 0, 7), true},
    {"trailing byte", DOC(5, 0, 0, 0, 0, 0), true},
    {"nested length 4", DOC(12, 0, 0, 0, 3, 'a', 0, 4, 0, 0, 0, 0), true},
    {"binary subtype 2, inner length right", DOC(18, 0, 0, 0, 5, 'a', 0, 5, 0, 0, 0, 2, 1, 0, 0, 0, 'x', 0), false},
    {"binary subtype 2, inner length wrong", DOC(18, 0, 0, 0, 5, 'a', 0, 5, 0, 0, 0, 2, 9, 0, 0, 0, 'x', 0), true},
    {"code with scope", DOC(22, 0, 0, 0, 0x0F, 'a', 0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0), false},
    /* libbson's iterator misses this one; the reference checks it itself. */
    {"code with scope, code not terminated", DOC(22, 0, 0, 0, 0x0F, 'a', 0, 14, 0, 0, 0, 1, 0, 0, 0, 'x', 5, 0, 0, 0, 0, 0), true},
    {"code with scope, scope not terminated", DOC(22, 0, 0, 0, 0x0F, 'a', 0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 9, 0), true},
    {"regex not UTF-8", DOC(11, 0, 0, 0, 0x0B, 'a', 0, 0xFF, 0, 0, 0), true},
    {"dbPointer", DOC(25, 0, 0, 0, 0x0C, 'a', 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0), false},
};

/* A document whose innermost container sits at `levels` (the document is
   level 1): {k: {k: ... {}}}. Level l takes 5 + 8 * (levels - l) bytes. */
static size_t chain(uint8_t *out, uint32_t levels)
{
    size_t pos = 0;
    for (uint32_t l = 1; l <= levels; l++) {
        if (l > 1) {
            out[pos++] = 0x03;
            out[pos++] = 'k';
            out[pos++] = 0;
        }
        uint32_t size = 5 + (levels - l) * 8;
        out[pos++] = (uint8_t)size;
        out[pos++] = (uint8_t)(size >> 8);
        out[pos++] = 0;
        out[pos++] = 0;
    }
    memset(out + pos, 0, levels); /* every level's terminator */
    return pos + levels;
}

static bool check(const char *what, const uint8_t *d, size_t len, const bsg_options *o,
                  bsg_result *res, wf_verdict *ref_out, bool verbose)
{
    wf_verdict ref = wf_reference(d, len, o->max_depth);
    bsg_validate(wf_any_model(), d, len, o, res);
    if (ref_out)
        *ref_out = ref;
    bool ok = wf_agree(&ref, res);
    if (!ok || verbose)
        wf_explain(ok ? what : "DISAGREE", d, len, &ref, res);
    return ok;
}

static void known_cases(bsg_result *res, const bsg_options *o)
{
    bool ref_ok = true, agree = true;
    char detail[256] = "";
    for (size_t i = 0; i < sizeof knowns / sizeof knowns[0]; i++) {
        wf_verdict ref;
        agree &= check(knowns[i].name, knowns[i].bytes, knowns[i].len, o, res, &ref, false);
        if (ref.malformed != knowns[i].malformed) {
            ref_ok = false;
            snprintf(detail, sizeof detail, " (wrong on: %s)", knowns[i].name);
        }
    }
    static uint8_t deep[8 * 200];
    for (uint32_t levels = 178; levels <= 182; levels++) {
        size_t n = chain(deep, levels);
        wf_verdict ref;
        agree &= check("chain", deep, n, o, res, &ref, false);
        if (ref.malformed || ref.too_deep != (levels > 180)) {
            ref_ok = false;
            snprintf(detail, sizeof detail, " (wrong on a chain of %u levels)", levels);
        }
    }
    tap(ref_ok, "known documents: the reference gives the expected verdicts", detail);
    tap(agree, "known documents: bsonguard agrees with the reference", NULL);
}

/* MARK: - Random and mutated documents */

typedef struct tally {
    uint64_t docs, disagree, malformed, too_deep;
} tally;

static uint64_t case_seed(uint64_t seed, uint64_t i)
{
    bm_rng r = {seed ^ (i * UINT64_C(0xD1B54A32D192ED03))};
    return bm_next(&r);
}

/* Run case i: one random document, then MUTATIONS mutants of it, each under
   the default depth cap and, every fifth case, a low configured one. */
static void run_case(uint64_t seed, uint64_t i, bsg_result *res, uint8_t *buf, tally *gen,
                     tally *mut, bool verbose)
{
    uint64_t s = case_seed(seed, i);
    bsg_options o;
    bsg_options_init(&o);
    o.max_errors = 0; /* no cap: a cap could stop the walk before the damage */
    size_t len = bm_generate(buf, DOC_MAX, s);
    for (int m = 0; m <= MUTATIONS; m++) {
        tally *t = m == 0 ? gen : mut;
        if (m > 0) {
            bm_rng raw = {s + (uint64_t)m};
            len = bm_mutate(buf, len, DOC_MAX, false, s ^ (uint64_t)m, bm_raw_mutate, &raw);
        }
        for (int pass = 0; pass < (i % 5 == 0 ? 2 : 1); pass++) {
            o.max_depth = pass == 0 ? 180 : 2 + (uint32_t)(i % 7);
            char what[96];
            snprintf(what, sizeof what, "case %" PRIu64 " mutation %d depth cap %u", i, m,
                     o.max_depth);
            wf_verdict ref;
            bool ok = check(what, buf, len, &o, res, &ref, verbose);
            t->docs++;
            t->malformed += ref.malformed;
            t->too_deep += ref.too_deep && !ref.malformed && pass == 0;
            if (!ok && ++t->disagree <= 5)
                fprintf(stderr, "  replay: BSG_WF_SEED=0x%" PRIx64 " BSG_WF_CASE=%" PRIu64
                                " %s\n", seed, i, "test-wellformed");
        }
    }
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : dflt;
}

int main(void)
{
    uint64_t seed = env_u64("BSG_WF_SEED", DEFAULT_SEED);
    uint64_t cases = env_u64("BSG_WF_CASES", UNDER_VALGRIND ? 300 : 5000);
    const char *one = getenv("BSG_WF_CASE");
    bsg_result *res = bsg_result_new();
    uint8_t *buf = malloc(DOC_MAX);
    tally gen = {0}, mut = {0};
    if (one && *one) {
        run_case(seed, strtoull(one, NULL, 0), res, buf, &gen, &mut, true);
        printf("1..1\n");
        tap(gen.disagree + mut.disagree == 0, "replayed case agrees", NULL);
        return gen.disagree + mut.disagree != 0;
    }
    printf("1..5\n# seed 0x%" PRIx64 ", %" PRIu64 " cases\n", seed, cases);
    bsg_options o;
    bsg_options_init(&o);
    o.max_errors = 0;
    known_cases(res, &o);
    for (uint64_t i = 0; i < cases; i++)
        run_case(seed, i, res, buf, &gen, &mut, false);
    char detail[200];
    snprintf(detail, sizeof detail, " (%" PRIu64 " of %" PRIu64 " disagree, %" PRIu64
             " malformed, seed 0x%" PRIx64 ")", gen.disagree, gen.docs, gen.malformed, seed);
    tap(gen.disagree == 0, "random documents agree", detail);
    snprintf(detail, sizeof detail, " (%" PRIu64 " of %" PRIu64 " disagree, %" PRIu64
             " malformed, seed 0x%" PRIx64 ")", mut.disagree, mut.docs, mut.malformed, seed);
    tap(mut.disagree == 0, "mutated documents agree", detail);
    /* Not vacuous: both verdicts, and the depth limit, must be well represented. */
    uint64_t docs = gen.docs + mut.docs, bad = gen.malformed + mut.malformed;
    uint64_t deep = gen.too_deep + mut.too_deep;
    snprintf(detail, sizeof detail, " (%" PRIu64 " documents: %" PRIu64 " malformed, %" PRIu64
             " too deep and otherwise well-formed)", docs, bad, deep);
    tap(bad * 10 >= docs && (docs - bad) * 4 >= docs && deep * 200 >= docs,
        "the documents cover both verdicts and the depth limit", detail);
    free(buf);
    bsg_result_free(res);
    return 0;
}
