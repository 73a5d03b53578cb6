/*
 * Opening a DATA argument, choosing its format, and the buffered byte stream
 * the readers share. Reads use read(2), not stdio: a pipe's bytes are used as
 * soon as they arrive instead of waiting for a full buffer.
 */
#include "input_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* MARK: - Stream */

static ssize_t read_some(in_source *s, void *dst, size_t n)
{
    ssize_t got;
    if (s->eof || s->read_errno)
        return 0;
    do
        got = read(s->fd, dst, n);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        s->read_errno = errno;
    else if (got == 0)
        s->eof = true;
    return got < 0 ? 0 : got;
}

bool in_fill(in_source *s)
{
    s->pos = 0;
    s->end = (size_t)read_some(s, s->buf, sizeof s->buf);
    return s->end > 0;
}

size_t in_read(in_source *s, void *dst, size_t n)
{
    uint8_t *out = dst;
    size_t done = 0;
    while (done < n) {
        size_t have = s->end - s->pos;
        if (have == 0 && n - done >= sizeof s->buf) {
            /* Large bodies go straight to the caller's buffer. */
            ssize_t got = read_some(s, out + done, n - done);
            if (got <= 0)
                break;
            done += (size_t)got;
            continue;
        }
        if (have == 0 && !in_fill(s))
            break;
        have = s->end - s->pos;
        size_t take = have < n - done ? have : n - done;
        memcpy(out + done, s->buf + s->pos, take);
        s->pos += take;
        done += take;
    }
    s->consumed += done;
    return done;
}

in_status in_fail(in_source *s, in_doc *doc, in_status status, bool stop,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->problem, sizeof s->problem, fmt, ap);
    va_end(ap);
    doc->problem = s->problem;
    doc->stop = stop || status == IN_ERROR;
    if (doc->stop)
        s->finished = true;
    return status;
}

/* MARK: - Format */

static bool has_suffix(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcasecmp(name + n - e, ext) == 0;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Read until the buffer shows the first non-whitespace byte and at least four
   bytes, or the input ends. */
static void sniff_fill(in_source *s)
{
    for (;;) {
        size_t i = 0;
        while (i < s->end && is_space(s->buf[i]))
            i++;
        if ((i < s->end && s->end >= 4) || s->end == sizeof s->buf)
            return;
        ssize_t got = read_some(s, s->buf + s->end, sizeof s->buf - s->end);
        if (got <= 0)
            return;
        s->end += (size_t)got;
    }
}

/* Standard input and unknown extensions: JSON if the first non-whitespace
   byte (after a UTF-8 BOM) is `{` or `[`, or the input is only whitespace.
   A NUL among the first four bytes means BSON even then: a document of 123
   bytes starts with the byte `{` followed by three zero bytes. */
static in_format sniff(in_source *s)
{
    sniff_fill(s);
    size_t i = 0;
    if (s->end >= 3 && memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (size_t k = 0; k < s->end && k < 4; k++)
        if (s->buf[k] == 0)
            return IN_FMT_BSON;
    while (i < s->end && is_space(s->buf[i]))
        i++;
    if (i == s->end)
        return s->end > 0 ? IN_FMT_JSON : IN_FMT_BSON;
    return s->buf[i] == '{' || s->buf[i] == '[' ? IN_FMT_JSON : IN_FMT_BSON;
}

static in_format choose_format(in_source *s)
{
    if (has_suffix(s->name, ".bson"))
        return IN_FMT_BSON;
    if (has_suffix(s->name, ".json") || has_suffix(s->name, ".jsonl") ||
        has_suffix(s->name, ".ndjson"))
        return IN_FMT_JSON;
    return sniff(s);
}

/* MARK: - Open and close */

static int open_fd(const char *arg, int64_t *size, int *err)
{
    int fd = strcmp(arg, "-") == 0 ? STDIN_FILENO : open(arg, O_RDONLY);
    struct stat st;
    *err = 0;
    if (fd < 0 || fstat(fd, &st) != 0)
        *err = errno;
    else if (S_ISDIR(st.st_mode))
        *err = EISDIR;
    if (*err && fd > STDIN_FILENO)
        close(fd);
    *size = !*err && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
    return *err ? -1 : fd;
}

in_source *in_open(const char *arg, char *err, size_t cap)
{
    int64_t size;
    int e;
    int fd = open_fd(arg, &size, &e);
    if (fd < 0) {
        snprintf(err, cap, "%s: %s", *arg ? arg : "'' (an empty file name)", strerror(e));
        return NULL;
    }
    in_source *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, cap, "%s: out of memory", arg);
        if (fd != STDIN_FILENO)
            close(fd);
        return NULL;
    }
    s->name = arg;
    s->fd = fd;
    s->close_fd = fd != STDIN_FILENO;
    s->size = size;
    s->format = choose_format(s);
    return s;
}

void in_close(in_source *s)
{
    if (!s)
        return;
    if (s->close_fd)
        close(s->fd);
    in_json_free(s);
    free(s->doc);
    free(s);
}

/* MARK: - Documents */

in_status in_next(in_source *s, in_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    if (s->finished)
        return IN_END;
    doc->index = s->index;
    in_status st = s->format == IN_FMT_BSON ? in_bson_next(s, doc)
                                            : in_json_next(s, doc);
    if (st == IN_DOC || st == IN_BAD)
        s->index++;
    if (st == IN_END)
        s->finished = true;
    return st;
}

uint64_t in_offset(const in_source *s) { return s->consumed; }

int64_t in_size(const in_source *s) { return s->size; }

bool in_is_json_lines(const in_source *s)
{
    return s->format == IN_FMT_JSON && s->js.mode != JM_ARRAY;
}
