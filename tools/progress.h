/*
 * A progress line on standard error for long checks: documents and bytes
 * done, and the percentage when the source's size is known. Drawn only on a
 * terminal, only once a check has run for a while, at most ten times a
 * second, and erased before any report line is written.
 */
#ifndef BSG_TOOLS_PROGRESS_H
#define BSG_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef struct progress {
    FILE *out;
    bool enabled;
    bool shown;          /* a line is on screen and must be erased */
    struct timespec start, last;
} progress;

/* Enabled when `out` is a terminal and `wanted`. */
void progress_init(progress *p, FILE *out, bool wanted);

/* Note the state after a document; redraws when it is time to. `size` is
   the source's byte size, or -1. */
void progress_update(progress *p, const char *source, uint64_t docs,
                     uint64_t bytes, int64_t size);

/* Erase the line if one is shown. */
void progress_clear(progress *p);

#endif
