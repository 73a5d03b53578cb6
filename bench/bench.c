/*
 * bsonguard-bench: how fast bsonguard validates, next to what the same bytes
 * cost to copy, to check with libbson, and to walk with bson_iter.
 *
 * For each corpus (see corpus.c) every method reads the same contiguous
 * buffer of documents. A method's figure is the best of several repetitions,
 * each of enough passes over the corpus to last --min-time seconds, taken
 * round-robin with the other methods'. The
 * bsonguard rows also count heap allocations per valid document through a
 * counting allocator installed with bson_mem_set_vtable(), which bsonguard
 * allocates through (DESIGN.md section 7: none while a document is valid).
 *
 *     bsonguard-bench [--quick] [--corpus NAME]... [--json]
 *                     [--reps N] [--min-time SECONDS] [--write DIR]
 *
 * Exit status: 0 after measuring, whatever the figures; 1 when a schema does
 * not compile or a generated document is not valid (a bug in the generator or
 * in the validator: the first errors are printed); 2 on a usage error.
 */
#include "corpus.h"

#include "bsonguard.h"

#include <bson/bson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* MARK: - Counting allocator */

/* Calls that obtain memory (malloc, calloc, realloc, aligned_alloc) through
   libbson's allocator; bsonguard allocates only through it. */
static uint64_t g_allocs;

static void *count_malloc(size_t n)
{
    g_allocs++;
    return malloc(n);
}

static void *count_calloc(size_t n, size_t size)
{
    g_allocs++;
    return calloc(n, size);
}

static void *count_realloc(void *p, size_t n)
{
    g_allocs++;
    return realloc(p, n);
}

static void count_free(void *p) { free(p); }

static void *count_aligned_alloc(size_t alignment, size_t n)
{
    g_allocs++;
    /* C11 wants a size that is a multiple of the alignment. */
    return aligned_alloc(alignment, (n + alignment - 1) / alignment * alignment);
}

static void install_counting_allocator(void)
{
    static const bson_mem_vtable_t vtable = {
        count_malloc, count_calloc, count_realloc, count_free,
        count_aligned_alloc, {NULL, NULL, NULL}};
    bson_mem_set_vtable(&vtable);
}

/* MARK: - Methods */

/* What a timed pass sees. Every method reads the documents of `corpus`. */
typedef struct pass_ctx {
    const bench_corpus *corpus;
    const bsg_model *model; /* bsonguard rows */
    bsg_result *result;
    uint8_t *scratch;       /* memcpy row: corpus->max_doc bytes */
} pass_ctx;

/* One pass over the corpus. Returns a value that depends on the work (a
   checksum, or the number of documents rejected) so none of it is dropped. */
typedef uint64_t (*pass_fn)(const pass_ctx *ctx);

#define DOC_DATA(c, i) ((c)->data + (c)->offsets[i])
#define DOC_LEN(c, i) ((c)->offsets[(i) + 1] - (c)->offsets[i])

static uint64_t pass_memcpy(const pass_ctx *ctx)
{
    const bench_corpus *c = ctx->corpus;
    uint64_t acc = 0;
    for (size_t i = 0; i < c->count; i++) {
        size_t len = DOC_LEN(c, i);
        memcpy(ctx->scratch, DOC_DATA(c, i), len);
        acc += ctx->scratch[len / 2];
    }
    return acc;
}

static uint64_t libbson_validate(const pass_ctx *ctx, bson_validate_flags_t flags)
{
    const bench_corpus *c = ctx->corpus;
    uint64_t rejected = 0;
    for (size_t i = 0; i < c->count; i++) {
        bson_t doc;
        bson_error_t err;
        if (!bson_init_static(&doc, DOC_DATA(c, i), DOC_LEN(c, i)) ||
            !bson_validate_with_error(&doc, flags, &err))
            rejected++;
    }
    return rejected;
}

#define ALL_FLAGS                                                              \
    (BSON_VALIDATE_UTF8 | BSON_VALIDATE_DOLLAR_KEYS | BSON_VALIDATE_DOT_KEYS |  \
     BSON_VALIDATE_UTF8_ALLOW_NULL | BSON_VALIDATE_EMPTY_KEYS)

static uint64_t pass_validate_none(const pass_ctx *ctx)
{
    return libbson_validate(ctx, BSON_VALIDATE_NONE);
}

static uint64_t pass_validate_all(const pass_ctx *ctx)
{
    return libbson_validate(ctx, (bson_validate_flags_t)ALL_FLAGS);
}

/* The baseline: visit every element, read its type, recurse into documents
   and arrays. This is the least any validator must do. */
static uint64_t walk(bson_iter_t *it)
{
    uint64_t acc = 0;
    while (bson_iter_next(it)) {
        bson_type_t type = bson_iter_type(it);
        acc += (uint64_t)type;
        if (type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY) {
            bson_iter_t child;
            if (bson_iter_recurse(it, &child))
                acc += walk(&child);
        }
    }
    return acc;
}

static uint64_t pass_walk(const pass_ctx *ctx)
{
    const bench_corpus *c = ctx->corpus;
    uint64_t acc = 0;
    for (size_t i = 0; i < c->count; i++) {
        bson_iter_t it;
        if (bson_iter_init_from_data(&it, DOC_DATA(c, i), DOC_LEN(c, i)))
            acc += walk(&it);
    }
    return acc;
}

static uint64_t pass_bsonguard(const pass_ctx *ctx)
{
    const bench_corpus *c = ctx->corpus;
    uint64_t rejected = 0;
    for (size_t i = 0; i < c->count; i++)
        if (!bsg_validate(ctx->model, DOC_DATA(c, i), DOC_LEN(c, i), NULL,
                          ctx->result))
            rejected++;
    return rejected;
}

/* MARK: - Timing */

typedef struct bench_cfg {
    bool quick;
    bool json;
    unsigned reps;
    double min_time; /* seconds per repetition, at least */
    const char *write_dir; /* --write: save the corpora instead of measuring */
    bool selected[8];
} bench_cfg;

typedef enum method_kind {
    M_MEMCPY,
    M_VALIDATE_NONE,
    M_VALIDATE_ALL,
    M_WALK,
    M_BSONGUARD,
    M_BSONGUARD_ALT,
    M_COUNT
} method_kind;

static const char *const METHOD_IDS[M_COUNT] = {
    "memcpy", "bson_validate_none", "bson_validate_all", "bson_iter_walk",
    "bsonguard", "bsonguard_alt"};

typedef struct measure {
    bool done;
    const char *label;
    uint64_t passes; /* in the best repetition */
    double best;     /* seconds the best repetition took */
    double docs_per_s, mb_per_s;
    double allocs_per_doc;
    uint64_t rejected; /* validators: documents rejected in the warm-up pass */
} measure;

static volatile uint64_t g_sink;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One method while a corpus is measured. */
typedef struct method_run {
    pass_fn fn;
    pass_ctx ctx;
    measure *m;
    uint64_t total_passes; /* over all repetitions */
    uint64_t allocs;       /* over all repetitions */
    double best_rate;      /* passes per second */
} method_run;

/* One repetition: whole passes until cfg->min_time has elapsed. Checking the
   clock between passes, rather than calibrating a pass count up front, keeps
   every repetition long enough on a busy machine. */
static void run_repetition(method_run *mr, const bench_cfg *cfg)
{
    uint64_t passes = 0, allocs = g_allocs;
    double t0 = now_seconds(), t;
    do {
        g_sink += mr->fn(&mr->ctx);
        passes++;
        t = now_seconds() - t0;
    } while (t < cfg->min_time);
    mr->allocs += g_allocs - allocs;
    mr->total_passes += passes;
    if ((double)passes / t > mr->best_rate) {
        mr->best_rate = (double)passes / t;
        mr->m->passes = passes;
        mr->m->best = t;
    }
}

static void finish_measure(const method_run *mr)
{
    const bench_corpus *c = mr->ctx.corpus;
    measure *m = mr->m;
    m->docs_per_s = (double)c->count * mr->best_rate;
    m->mb_per_s = (double)c->size * mr->best_rate / 1e6;
    m->allocs_per_doc =
        (double)mr->allocs / ((double)c->count * (double)mr->total_passes);
}

/* MARK: - Validity of the corpus */

/* Print up to `max` errors of `res` to stderr. */
static void print_errors(const bsg_result *res, size_t max)
{
    size_t n = bsg_result_count(res);
    for (size_t i = 0; i < n && i < max; i++) {
        const bsg_error *e = bsg_result_error(res, i);
        fprintf(stderr,
                "    %s: path \"%s\" expected \"%s\" actual \"%s\" value %s "
                "at byte %u: %s\n",
                bsg_kind_name(e->kind), e->path, e->expected, e->actual,
                e->value[0] ? e->value : "(none)", e->offset, e->message);
    }
    if (n > max || bsg_result_truncated(res))
        fprintf(stderr, "    ... %zu errors in all%s\n", n,
                bsg_result_truncated(res) ? " (truncated)" : "");
}

/* Print a document as relaxed Extended JSON, cut at `cap` characters. */
static void print_document(const uint8_t *data, size_t len, size_t cap)
{
    bson_t doc;
    size_t jlen = 0;
    char *json = NULL;
    if (bson_init_static(&doc, data, len))
        json = bson_as_relaxed_extended_json(&doc, &jlen);
    if (!json) {
        fprintf(stderr, "    (not printable as JSON)\n");
        return;
    }
    fprintf(stderr, "    document: %.*s%s\n", (int)(jlen < cap ? jlen : cap),
            json, jlen > cap ? " ..." : "");
    bson_free(json);
}

/* Every generated document must pass libbson's checks and the model: the
   benchmark measures the valid path. Reports the first failure in full and
   returns false if any document fails. */
static bool check_corpus(const bench_spec *spec, const bench_corpus *c,
                         const bsg_model *model, const char *model_name,
                         bsg_result *res)
{
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < c->count; i++) {
        bson_t doc;
        bson_error_t err;
        if (!bson_init_static(&doc, DOC_DATA(c, i), DOC_LEN(c, i)) ||
            !bson_validate_with_error(&doc, (bson_validate_flags_t)ALL_FLAGS,
                                      &err)) {
            fprintf(stderr,
                    "bsonguard-bench: %s document %zu is not valid BSON for "
                    "libbson (a generator bug): %s\n",
                    spec->name, i, err.message);
            return false;
        }
    }
    for (size_t i = 0; i < c->count; i++) {
        if (bsg_validate(model, DOC_DATA(c, i), DOC_LEN(c, i), NULL, res))
            continue;
        if (bad++ == 0) {
            first = i;
            fprintf(stderr,
                    "bsonguard-bench: %s document %zu (%zu bytes) is rejected "
                    "by model %s, but it was generated valid:\n",
                    spec->name, i, DOC_LEN(c, i), model_name);
            print_errors(res, 10);
            print_document(DOC_DATA(c, i), DOC_LEN(c, i), 1500);
        }
    }
    if (bad)
        fprintf(stderr,
                "bsonguard-bench: %s: %zu of %zu documents rejected by %s "
                "(first: #%zu)\n",
                spec->name, bad, c->count, model_name, first);
    return bad == 0;
}

/* MARK: - One corpus */

typedef struct corpus_run {
    const bench_spec *spec;
    bench_corpus corpus;
    bsg_schema *schema;
    const bsg_model *model, *alt;
    bsg_result *result; /* one, reused by every validation of this corpus */
    char label[2][64];  /* "bsonguard <Model>" for the two bsonguard rows */
    double compile_us;
    uint64_t compile_allocs; /* shows the counting allocator sees bsonguard */
    measure m[M_COUNT];
} corpus_run;

static bsg_schema *compile_spec(const bench_spec *spec, double *us)
{
    bsg_diag diag;
    double t0 = now_seconds();
    bsg_schema *schema = bsg_schema_compile(spec->schema, strlen(spec->schema),
                                            spec->name, NULL, &diag);
    *us = (now_seconds() - t0) * 1e6;
    if (!schema) {
        char buf[2048];
        bsg_diag_format(&diag, "error", buf, sizeof buf);
        fprintf(stderr, "bsonguard-bench: the %s schema does not compile:\n%s\n",
                spec->name, buf);
    }
    return schema;
}

static const bsg_model *find_model(const bsg_schema *schema,
                                   const bench_spec *spec, const char *name)
{
    const bsg_model *model = bsg_schema_model(schema, name);
    if (!model)
        fprintf(stderr, "bsonguard-bench: the %s schema has no model %s\n",
                spec->name, name);
    return model;
}

/* Generate the corpus, compile its schema and check every document against
   every model. Returns false (after reporting) when something is wrong. */
static bool prepare_corpus(corpus_run *run, const bench_cfg *cfg)
{
    const bench_spec *spec = run->spec;
    size_t count = cfg->quick ? spec->quick_count : spec->full_count;
    if (!cfg->json)
        fprintf(stderr, "[%s] generating %zu documents...\n", spec->name, count);
    bench_corpus_generate(&run->corpus, spec, count);

    g_allocs = 0;
    run->schema = compile_spec(spec, &run->compile_us);
    run->compile_allocs = g_allocs;
    if (!run->schema)
        return false;
    run->model = find_model(run->schema, spec, spec->model);
    if (spec->alt_model)
        run->alt = find_model(run->schema, spec, spec->alt_model);
    run->result = bsg_result_new();
    if (!run->model || (spec->alt_model && !run->alt) || !run->result)
        return false;
    bool ok = check_corpus(spec, &run->corpus, run->model, spec->model,
                           run->result);
    if (run->alt && !check_corpus(spec, &run->corpus, run->alt,
                                  spec->alt_model, run->result))
        ok = false;
    return ok;
}

static void release_corpus(corpus_run *run)
{
    bsg_result_free(run->result);
    bsg_schema_free(run->schema);
    bench_corpus_free(&run->corpus);
}

/* Time every method over the prepared corpus: one warm-up pass each, then
   the repetitions round-robin, so that a method is not favoured by running
   while the machine happens to be quiet. The best repetition counts. */
static void measure_corpus(corpus_run *run, const bench_cfg *cfg)
{
    const bench_spec *spec = run->spec;
    uint8_t *scratch = malloc(run->corpus.max_doc);
    if (!scratch) {
        fprintf(stderr, "bsonguard-bench: out of memory\n");
        exit(1);
    }
    static const struct {
        method_kind kind;
        const char *label;
        pass_fn fn;
    } rows[] = {
        {M_MEMCPY, "memcpy", pass_memcpy},
        {M_VALIDATE_NONE, "bson_validate (flags 0)", pass_validate_none},
        {M_VALIDATE_ALL, "bson_validate (all flags)", pass_validate_all},
        {M_WALK, "bson_iter walk (baseline)", pass_walk},
        {M_BSONGUARD, NULL, pass_bsonguard},
        {M_BSONGUARD_ALT, NULL, pass_bsonguard},
    };
    method_run mr[M_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *label = rows[i].label;
        const bsg_model *model = run->model;
        if (rows[i].kind == M_BSONGUARD || rows[i].kind == M_BSONGUARD_ALT) {
            bool alt = rows[i].kind == M_BSONGUARD_ALT;
            if (alt && !run->alt)
                continue;
            model = alt ? run->alt : run->model;
            snprintf(run->label[alt], sizeof run->label[alt], "bsonguard %s",
                     alt ? spec->alt_model : spec->model);
            label = run->label[alt];
        }
        measure *m = &run->m[rows[i].kind];
        mr[n] = (method_run){rows[i].fn, {&run->corpus, model, run->result, scratch},
                             m, 0, 0, 0};
        m->done = true;
        m->label = label;
        m->rejected = mr[n].fn(&mr[n].ctx);
        n++;
    }
    for (unsigned rep = 0; rep < cfg->reps; rep++) {
        if (!cfg->json)
            fprintf(stderr, "[%s] repetition %u of %u\n", spec->name, rep + 1,
                    cfg->reps);
        for (size_t i = 0; i < n; i++)
            run_repetition(&mr[i], cfg);
    }
    for (size_t i = 0; i < n; i++)
        finish_measure(&mr[i]);
    free(scratch);
}

/* MARK: - Targets */

/* bsonguard's speed over the bare walk's, as in DESIGN.md section 7. */
static double target_ratio(const bench_spec *spec)
{
    return strcmp(spec->name, "conversation") == 0 ? 1.5 : 1.0;
}

static double ratio_of(const corpus_run *run, method_kind k)
{
    return run->m[k].docs_per_s / run->m[M_WALK].docs_per_s;
}

/* A rejected document in a timed pass would mean the warm-up disagreed with
   check_corpus(); it cannot happen for a deterministic validator. */
static bool all_accepted(const corpus_run *run)
{
    for (int k = M_VALIDATE_NONE; k < M_COUNT; k++)
        if (k != M_WALK && run->m[k].done && run->m[k].rejected)
            return false;
    return true;
}

/* MARK: - Reports */

static const char *pass_word(bool pass) { return pass ? "PASS" : "MISS"; }

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* "12,345,678" */
static const char *group_digits(double v, char buf[32])
{
    char raw[32];
    snprintf(raw, sizeof raw, "%.0f", v);
    size_t n = strlen(raw), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The 1-minute load average, or -1: figures taken on a busy machine are
   lower and noisier, and the report says so. */
static double load_average(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double load = -1;
    if (f) {
        if (fscanf(f, "%lf", &load) != 1)
            load = -1;
        fclose(f);
    }
    return load;
}

static void print_cpu(FILE *out)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            line[strcspn(line, "\n")] = '\0';
            if (colon)
                fprintf(out, "cpu: %s\n", colon + 2);
            break;
        }
    }
    fclose(f);
}

static void print_table(const corpus_run *run, const bench_cfg *cfg)
{
    const bench_spec *spec = run->spec;
    const bench_corpus *c = &run->corpus;
    printf("\n== %s: %s\n", spec->name, spec->about);
    printf("   %zu documents, %.2f MB, avg %.0f B, max %zu B, max depth %u; "
           "schema compiled in %.0f us, %llu allocations\n",
           c->count, (double)c->size / 1e6, (double)c->size / (double)c->count,
           c->max_doc, c->max_depth, run->compile_us,
           (unsigned long long)run->compile_allocs);
    if (spec->alt_model)
        printf("   %s: %s\n", spec->alt_model, spec->alt_about);
    printf("   %-28s %14s %10s %10s %9s %11s %9s\n", "method", "docs/s",
           "ns/doc", "MB/s", "vs walk", "allocs/doc", "passes");
    for (int k = 0; k < M_COUNT; k++) {
        const measure *m = &run->m[k];
        char buf[32];
        if (!m->done)
            continue;
        printf("   %-28s %14s %10.1f %10.1f %8.2fx %11.3g %6llux%u\n",
               m->label, group_digits(m->docs_per_s, buf), 1e9 / m->docs_per_s,
               m->mb_per_s, ratio_of(run, k), m->allocs_per_doc,
               (unsigned long long)m->passes, cfg->reps);
    }
}

static void print_targets(const corpus_run *runs, size_t n)
{
    printf("\n== targets (bsonguard speed / bare bson_iter walk speed; heap "
           "allocations per valid document)\n");
    for (size_t i = 0; i < n; i++) {
        const corpus_run *run = &runs[i];
        for (int k = M_BSONGUARD; k <= M_BSONGUARD_ALT; k++) {
            const measure *m = &run->m[k];
            if (!m->done)
                continue;
            const char *model = k == M_BSONGUARD ? run->spec->model
                                                 : run->spec->alt_model;
            double r = ratio_of(run, k), want = target_ratio(run->spec);
            printf("   %-13s %-12s speed ratio %7.3fx   target >= %.1fx   %s\n",
                   run->spec->name, model, r, want, pass_word(r >= want));
            printf("   %-13s %-12s allocs/doc  %8.3g   target 0         %s\n",
                   run->spec->name, model, m->allocs_per_doc,
                   pass_word(m->allocs_per_doc == 0.0));
        }
    }
}

static void print_json(const corpus_run *runs, size_t n, const bench_cfg *cfg,
                       double load_start)
{
    bool all_pass = true;
    printf("{\"bsonguard\":\"%s\",\"libbson\":\"%s\",\"quick\":%s,"
           "\"reps\":%u,\"min_time_s\":%g,\"loadavg_start\":%.2f,"
           "\"loadavg_end\":%.2f,\"corpora\":[",
           bsg_version(), bson_get_version(), cfg->quick ? "true" : "false",
           cfg->reps, cfg->min_time, load_start, load_average());
    for (size_t i = 0; i < n; i++) {
        const corpus_run *run = &runs[i];
        const bench_corpus *c = &run->corpus;
        printf("%s{\"name\":\"%s\",\"model\":\"%s\",\"docs\":%zu,\"bytes\":%zu,"
               "\"avg_doc_bytes\":%.1f,\"max_doc_bytes\":%zu,\"max_depth\":%u,"
               "\"compile_us\":%.1f,\"compile_allocs\":%llu,\"methods\":[",
               i ? "," : "", run->spec->name, run->spec->model, c->count,
               c->size, (double)c->size / (double)c->count, c->max_doc,
               c->max_depth, run->compile_us,
               (unsigned long long)run->compile_allocs);
        bool first = true;
        for (int k = 0; k < M_COUNT; k++) {
            const measure *m = &run->m[k];
            if (!m->done)
                continue;
            printf("%s{\"id\":\"%s\",\"label\":\"%s\",\"docs_per_s\":%.1f,"
                   "\"mb_per_s\":%.2f,\"vs_walk\":%.4f,\"allocs_per_doc\":%.4g,"
                   "\"passes\":%llu,\"best_s\":%.6f}",
                   first ? "" : ",", METHOD_IDS[k], m->label, m->docs_per_s,
                   m->mb_per_s, ratio_of(run, k), m->allocs_per_doc,
                   (unsigned long long)m->passes, m->best);
            first = false;
        }
        printf("],\"checks\":[");
        first = true;
        for (int k = M_BSONGUARD; k <= M_BSONGUARD_ALT; k++) {
            const measure *m = &run->m[k];
            if (!m->done)
                continue;
            const char *model = k == M_BSONGUARD ? run->spec->model
                                                 : run->spec->alt_model;
            double r = ratio_of(run, k), want = target_ratio(run->spec);
            bool rp = r >= want, ap = m->allocs_per_doc == 0.0;
            all_pass = all_pass && rp && ap;
            printf("%s{\"model\":\"%s\",\"metric\":\"speed_vs_walk\","
                   "\"value\":%.4f,\"target_min\":%.1f,\"pass\":%s},"
                   "{\"model\":\"%s\",\"metric\":\"allocs_per_valid_doc\","
                   "\"value\":%.4g,\"target_max\":0,\"pass\":%s}",
                   first ? "" : ",", model, r, want, rp ? "true" : "false",
                   model, m->allocs_per_doc, ap ? "true" : "false");
            first = false;
        }
        printf("]}");
    }
    printf("],\"peak_rss_kb\":%ld,\"all_pass\":%s}\n", peak_rss_kb(),
           all_pass ? "true" : "false");
}

/* MARK: - Main */

static bool write_file(const char *dir, const char *name, const char *ext,
                       const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "bsonguard-bench: cannot write %s\n", path);
    else
        fprintf(stderr, "wrote %s\n", path);
    return ok;
}

/* --write: the corpora as files, for the CLI or for a look at the bytes. */
static int write_corpora(const bench_cfg *cfg)
{
    for (size_t i = 0; i < bench_spec_count; i++) {
        const bench_spec *spec = &bench_specs[i];
        if (!cfg->selected[i])
            continue;
        bench_corpus c;
        bench_corpus_generate(&c, spec,
                              cfg->quick ? spec->quick_count : spec->full_count);
        bool ok = write_file(cfg->write_dir, spec->name, "bson", c.data, c.size) &&
                  write_file(cfg->write_dir, spec->name, "bsg", spec->schema,
                             strlen(spec->schema));
        bench_corpus_free(&c);
        if (!ok)
            return 1;
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bsonguard-bench [--quick] [--corpus NAME]... [--json]\n"
            "                       [--reps N] [--min-time SECONDS] [--write DIR]\n"
            "  --quick          small corpora and short runs (CI smoke)\n"
            "  --corpus NAME    only this corpus (repeatable):");
    for (size_t i = 0; i < bench_spec_count; i++)
        fprintf(out, " %s", bench_specs[i].name);
    fprintf(out, "\n"
                 "  --json           one JSON object on stdout\n"
                 "  --reps N         repetitions per method, best kept "
                 "(default 15; 3 with --quick)\n"
                 "  --min-time S     seconds per repetition, at least "
                 "(default 0.1; 0.02 with --quick)\n"
                 "  --write DIR      save each corpus as DIR/NAME.bson (as mongodump\n"
                 "                   writes) and its schema as DIR/NAME.bsg; no timing\n");
}

/* Parses argv into cfg; returns false on a usage error (already reported). */
static bool parse_args(int argc, char **argv, bench_cfg *cfg)
{
    bool any = false;
    long reps = 0;
    double min_time = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0) {
            cfg->quick = true;
        } else if (strcmp(a, "--json") == 0) {
            cfg->json = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--corpus") == 0 && val) {
            const bench_spec *s = bench_spec_find(val);
            if (!s) {
                fprintf(stderr, "bsonguard-bench: unknown corpus '%s'\n", val);
                return false;
            }
            cfg->selected[s - bench_specs] = true;
            any = true;
            i++;
        } else if (strcmp(a, "--write") == 0 && val) {
            cfg->write_dir = val;
            i++;
        } else if (strcmp(a, "--reps") == 0 && val) {
            reps = strtol(val, NULL, 10);
            if (reps < 1 || reps > 100) {
                fprintf(stderr, "bsonguard-bench: --reps wants 1 to 100\n");
                return false;
            }
            i++;
        } else if (strcmp(a, "--min-time") == 0 && val) {
            min_time = strtod(val, NULL);
            if (!(min_time > 0 && min_time <= 60)) {
                fprintf(stderr, "bsonguard-bench: --min-time wants 0 < S <= 60\n");
                return false;
            }
            i++;
        } else {
            fprintf(stderr, "bsonguard-bench: unknown or incomplete argument '%s'\n", a);
            usage(stderr);
            return false;
        }
    }
    for (size_t i = 0; i < bench_spec_count && !any; i++)
        cfg->selected[i] = true;
    /* Many short repetitions: on a shared machine each method then more
       likely has some that ran undisturbed (5 of 0.3 s moved the ratios by
       up to 15% from run to run; 15 of 0.1 s, by about 2%). */
    cfg->reps = reps ? (unsigned)reps : cfg->quick ? 3u : 15u;
    cfg->min_time = min_time > 0 ? min_time : cfg->quick ? 0.02 : 0.1;
    return true;
}

int main(int argc, char **argv)
{
    /* Before anything allocates through libbson, so every allocation is
       freed by the allocator that made it. */
    install_counting_allocator();

    bench_cfg cfg = {0};
    if (!parse_args(argc, argv, &cfg))
        return 2;
    if (cfg.write_dir)
        return write_corpora(&cfg);

    double load_start = load_average();

    /* Check every corpus before timing any, so that all the documents the
       validator wrongly rejects are reported in one run. */
    corpus_run runs[sizeof cfg.selected / sizeof cfg.selected[0]];
    size_t nruns = 0;
    bool ok = true;
    for (size_t i = 0; i < bench_spec_count; i++) {
        if (!cfg.selected[i])
            continue;
        corpus_run *run = &runs[nruns++];
        memset(run, 0, sizeof *run);
        run->spec = &bench_specs[i];
        if (!prepare_corpus(run, &cfg))
            ok = false;
    }
    for (size_t i = 0; i < nruns && ok; i++) {
        measure_corpus(&runs[i], &cfg);
        if (!all_accepted(&runs[i])) {
            fprintf(stderr, "bsonguard-bench: %s: a document was rejected "
                            "while timing but accepted when checked\n",
                    runs[i].spec->name);
            ok = false;
        }
    }

    if (ok && cfg.json) {
        print_json(runs, nruns, &cfg, load_start);
    } else if (ok) {
        printf("bsonguard %s, libbson %s; best of %u repetitions of >= %.2f s; "
               "MB = 10^6 bytes\n",
               bsg_version(), bson_get_version(), cfg.reps, cfg.min_time);
        print_cpu(stdout);
        for (size_t i = 0; i < nruns; i++)
            print_table(&runs[i], &cfg);
        print_targets(runs, nruns);
        printf("\npeak RSS: %.1f MB; load average %.2f at the start, %.2f at "
               "the end (%ld CPUs)\n",
               (double)peak_rss_kb() / 1024.0, load_start, load_average(),
               sysconf(_SC_NPROCESSORS_ONLN));
    }
    for (size_t i = 0; i < nruns; i++)
        release_corpus(&runs[i]);
    return ok ? 0 : 1;
}
