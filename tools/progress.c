/*
 * The progress line. A check that finishes within the first second never
 * shows one, so short runs and tests stay quiet even on a terminal.
 */
#include "progress.h"

#include "escape.h"

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#define DELAY_MS 1000
#define PERIOD_MS 100
#define NAME_MAX_SHOWN 32

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
    return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

void progress_init(progress *p, FILE *out, bool wanted)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->enabled = wanted && isatty(fileno(out));
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

/* The source name's tail, which is the part that tells files apart. */
static const char *name_tail(const char *name)
{
    size_t n = strlen(name);
    return n > NAME_MAX_SHOWN ? name + n - NAME_MAX_SHOWN : name;
}

static void draw(progress *p, const char *source, uint64_t docs, uint64_t bytes,
                 int64_t size)
{
    double mib = (double)bytes / (1024.0 * 1024.0);
    const char *name = name_tail(source);
    fputs("\r\033[K", p->out);
    esc_text(p->out, name, strlen(name));
    fprintf(p->out, "  %" PRIu64 " documents  %.1f MiB", docs, mib);
    if (size > 0)
        fprintf(p->out, " of %.1f MiB  %3d%%", (double)size / (1024.0 * 1024.0),
                (int)((double)bytes * 100.0 / (double)size));
    fflush(p->out);
    p->shown = true;
}

void progress_update(progress *p, const char *source, uint64_t docs,
                     uint64_t bytes, int64_t size)
{
    struct timespec now;
    if (!p->enabled)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ms_between(&p->start, &now) < DELAY_MS || ms_between(&p->last, &now) < PERIOD_MS)
        return;
    p->last = now;
    draw(p, source, docs, bytes, size);
}

void progress_clear(progress *p)
{
    if (!p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = false;
}
