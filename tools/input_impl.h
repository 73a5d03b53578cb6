/*
 * Private to the input readers (input.c, input_bson.c, input_json.c): the
 * source struct and its buffered byte stream.
 */
#ifndef BSG_TOOLS_INPUT_IMPL_H
#define BSG_TOOLS_INPUT_IMPL_H

#include "input.h"

#include <bson/bson.h>

#define IN_BUF_SIZE 65536
/* Largest length prefix read into memory: the server's 16 MiB plus the 16 KiB
   of slack it allows internally. Longer is treated as lost framing, so a
   corrupt prefix can never make us allocate gigabytes. */
#define IN_BSON_MAX (16u * 1024 * 1024 + 16u * 1024)
/* Largest JSON text kept for one document: Extended JSON of a 16 MiB
   document can be several times its BSON size. */
#define IN_JSON_MAX ((size_t)64 * 1024 * 1024)

typedef enum in_format { IN_FMT_BSON, IN_FMT_JSON } in_format;
typedef enum json_mode { JM_START, JM_LINES, JM_ARRAY, JM_DONE } json_mode;

typedef struct json_state {
    json_mode mode;
    bool need_sep;     /* array: an element was read, expect ',' or ']' */
    uint64_t line;     /* position of the last byte read */
    uint32_t col;
    char *text;        /* the current document's JSON text */
    size_t text_len, text_cap;
    bool overflow;     /* text exceeded IN_JSON_MAX and was not kept */
    uint64_t start_line;
    uint32_t start_col;
    bson_t bson;
    bool have_bson;
} json_state;

struct in_source {
    const char *name;   /* the argument as given */
    int fd;
    bool close_fd;
    bool eof;           /* read() returned 0: never block on it again */
    int64_t size;
    uint8_t buf[IN_BUF_SIZE];
    size_t pos, end;
    uint64_t consumed;  /* offset of the next byte handed out */
    int read_errno;     /* nonzero once a read failed */
    in_format format;
    bool finished;
    size_t index;       /* index of the next document */
    uint8_t *doc;       /* BSON: the current document */
    size_t doc_cap;
    json_state js;
    char problem[640];
};

/* MARK: - Stream */

bool in_fill(in_source *s);
size_t in_read(in_source *s, void *dst, size_t n);

/* The next byte, or -1 at end of input or after a read error. */
static inline int in_getc(in_source *s)
{
    if (s->pos == s->end && !in_fill(s))
        return -1;
    s->consumed++;
    return s->buf[s->pos++];
}

/* Give back the byte just read by in_getc (always still in the buffer). */
static inline void in_ungetc(in_source *s)
{
    s->pos--;
    s->consumed--;
}

/* Fill s->problem printf-style; returns `status` so readers can
   `return in_fail(...)`. */
in_status in_fail(in_source *s, in_doc *doc, in_status status, bool stop,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* MARK: - Readers */

in_status in_bson_next(in_source *s, in_doc *doc);
in_status in_json_next(in_source *s, in_doc *doc);
void in_json_free(in_source *s);

/* Parse the JSON text of one document (js.text) into js.bson, first catching
   what libbson would silently get wrong. IN_DOC or IN_BAD. */
in_status in_json_parse(in_source *s, in_doc *doc);

#endif
