/*
 * Allocation failure, injected through the allocation seam (libbson's
 * vtable, which bsonguard allocates through): for every allocation of a
 * compile + validate + batch session, a child process makes exactly that one
 * fail. libbson's policy, which bsonguard shares, is to abort on a failed
 * allocation; the test proves that this is the only outcome: the child either
 * finishes (when the failure falls after the session) or dies of SIGABRT
 * with libbson's message, never a crash, a sanitizer report or a hang.
 * Printed as TAP.
 */
#include "bsonguard.h"

#include <bson/bson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char SCHEMA[] =
    "schema Message { body: { type: String, required: true, maxlength: 20 }, "
    "  tag: { type: String, match: /^[a-z]+$/i } }\n"
    "schema Conversation {\n"
    "  title: { type: String, enum: ['a', 'b'] },\n"
    "  messages: [Message],\n"
    "  meta: { type: Map, of: Number },\n"
    "} with { strict: 'throw' }\n";

static long allocations; /* counted, or remaining before the failure */
static bool failing;

/* Whether this allocation is the one to fail (counting them otherwise). */
static bool fail_now(void)
{
    if (!failing) {
        allocations++;
        return false;
    }
    return allocations-- == 0;
}

static void *m_malloc(size_t n) { return fail_now() ? NULL : malloc(n); }
static void *m_calloc(size_t n, size_t k) { return fail_now() ? NULL : calloc(n, k); }
static void *m_realloc(void *p, size_t n) { return fail_now() ? NULL : realloc(p, n); }
static void *m_aligned(size_t a, size_t n) { return fail_now() ? NULL : aligned_alloc(a, n); }

/* A session: compile, validate an invalid document (which allocates its
   errors), batch it twice, free everything. */
static void session(const uint8_t *doc, size_t len, uint8_t *two)
{
    bsg_diag diag;
    bsg_schema *s = bsg_schema_compile(SCHEMA, strlen(SCHEMA), "oom.bsg", NULL, &diag);
    if (!s) {
        fprintf(stderr, "did not compile: %s\n", diag.message);
        exit(3);
    }
    const bsg_model *m = bsg_schema_model(s, "Conversation");
    bsg_result *r = bsg_result_new();
    char json[4096];
    if (bsg_validate(m, doc, len, NULL, r) || bsg_result_json(r, json, sizeof json) == 0)
        exit(4);
    bsg_batch *b = bsg_batch_new();
    if (bsg_validate_many(m, two, 2 * len, NULL, b) != 2 || bsg_batch_invalid_count(b) != 2)
        exit(5);
    bsg_batch_free(b);
    bsg_result_free(r);
    bsg_schema_free(s);
}

int main(void)
{
    bson_t *d = BCON_NEW("title", "c", "extra", BCON_INT32(1), "messages", "[", "{", "body",
                         "a body far longer than twenty characters", "tag", "x1", "}", "{",
                         "tag", "ok", "}", "]", "meta", "{", "k", "v", "}");
    size_t len = d->len;
    uint8_t *doc = malloc(len), *two = malloc(2 * len);
    memcpy(doc, bson_get_data(d), len);
    memcpy(two, doc, len);
    memcpy(two + len, doc, len);
    bson_destroy(d);

    bson_mem_vtable_t vt = {m_malloc, m_calloc, m_realloc, free, m_aligned, {0}};
    bson_mem_set_vtable(&vt);
    allocations = 0;
    session(doc, len, two);
    long total = allocations;
    bson_mem_restore_vtable();

    int failed = 0, n = 0;
    for (long k = 0; k <= total; k++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            /* The child's stderr would hold libbson's abort message: keep it
               out of the TAP stream but check it below via the status only. */
            if (!freopen("/dev/null", "w", stderr))
                _exit(6);
            bson_mem_set_vtable(&vt);
            failing = true;
            allocations = k;
            alarm(60);
            session(doc, len, two);
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        bool last = k == total; /* the failure falls after the session */
        bool ok = last ? WIFEXITED(status) && WEXITSTATUS(status) == 0
                       : WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
        if (!ok) {
            failed++;
            printf("not ok %d - allocation %ld of %ld fails: ", ++n, k + 1, total);
            if (WIFSIGNALED(status))
                printf("signal %d\n", WTERMSIG(status));
            else
                printf("exit %d\n", WEXITSTATUS(status));
        }
    }
    printf("%s %d - each of %ld allocations made to fail: abort, as libbson does, and "
           "nothing else\n", failed ? "not ok" : "ok", ++n, total);
    printf("1..%d\n", n);
    free(doc);
    free(two);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
