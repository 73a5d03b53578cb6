/*
 * Document sources: a mongodump `.bson` file, Extended JSON (lines or one
 * top-level array), or standard input. A source hands out one document at a
 * time in bounded memory, with its index and position, and turns every
 * framing or parse problem into a per-document report instead of misreading.
 */
#ifndef BSG_TOOLS_INPUT_H
#define BSG_TOOLS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct in_source in_source;

typedef enum in_status {
    IN_END,   /* no more documents */
    IN_DOC,   /* doc->data/len hold one document's BSON bytes */
    IN_BAD,   /* this document could not be read: doc->problem says why */
    IN_ERROR  /* the source failed (I/O error, out of memory): doc->problem */
} in_status;

typedef struct in_doc {
    const uint8_t *data;  /* IN_DOC: borrowed, valid until the next in_next() */
    size_t len;
    size_t index;         /* 0-based position in the source */
    uint64_t line;        /* 1-based start line for JSON text; 0 for BSON */
    bool in_array;        /* an element of a top-level JSON array */
    const char *problem;  /* IN_BAD/IN_ERROR: "file:line:col: what" */
    bool stop;            /* IN_BAD: framing is lost; the source is abandoned */
} in_doc;

/* Open the DATA argument `arg` ("-" is standard input). On failure returns
   NULL and writes "arg: why" into err. */
in_source *in_open(const char *arg, char *err, size_t cap);

/* The next document, problem or end. After IN_END, IN_ERROR or a stopping
   IN_BAD every further call returns IN_END. */
in_status in_next(in_source *s, in_doc *doc);

/* Bytes consumed so far, and the total size (-1 when not a regular file):
   for the progress display. */
uint64_t in_offset(const in_source *s);
int64_t in_size(const in_source *s);

/* True if the source is JSON text lines (reports say "line N"). */
bool in_is_json_lines(const in_source *s);

/* Close and free; NULL is a no-op. Never closes standard input. */
void in_close(in_source *s);

#endif
