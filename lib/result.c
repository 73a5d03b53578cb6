/*
 * Results: error storage, value printing and JSON rendering.
 */
#include "bytes.h"
#include "result.h"

#include <bson/bson.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bsg_result *bsg_result_new(void) { return bsg__calloc(1, sizeof(bsg_result)); }

void bsg_result_free(bsg_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nlevels; i++) {
        bsg__free(r->levels[i].slots);
        bsg__free(r->levels[i].seen);
    }
    bsg__free(r->levels);
    bsg__free(r->path_slots);
    bsg__free(r->errors);
    bsg__free(r->text);
    pcre2_match_data_free(r->match_data);
    bsg__free(r);
}

size_t bsg_result_count(const bsg_result *r) { return r ? r->count : 0; }

bool bsg_result_truncated(const bsg_result *r) { return r && r->truncated; }

const bsg_error *bsg_result_error(const bsg_result *r, size_t i)
{
    return r && i < r->count ? &r->errors[i] : NULL;
}

/* MARK: - Text */

size_t bsg__text_add(bsg_result *r, const char *s, size_t n)
{
    if (r->text_len + n + 1 > r->text_cap) {
        /* `s` may point into the text itself: keep it valid across realloc. */
        if (r->text && s >= r->text && s < r->text + r->text_cap) {
            size_t at = (size_t)(s - r->text);
            size_t cap = r->text_cap * 2;
            while (cap < r->text_len + n + 1)
                cap *= 2;
            r->text = bsg__realloc(r->text, cap);
            r->text_cap = cap;
            s = r->text + at;
        }
    }
    if (r->text_len + n + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 1024;
        while (cap < r->text_len + n + 1)
            cap *= 2;
        r->text = bsg__realloc(r->text, cap);
        r->text_cap = cap;
    }
    size_t off = r->text_len;
    if (n)
        memcpy(r->text + off, s, n);
    r->text_len += n;
    r->text[r->text_len] = '\0';
    return off;
}

size_t bsg__text_printf(bsg_result *r, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    return bsg__text_add(r, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

size_t bsg__text_end(bsg_result *r, size_t start)
{
    bsg__text_add(r, "", 0);
    r->text_len++; /* keep the NUL */
    return start;
}

void bsg__result_finish(bsg_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        bsg_error *e = &r->errors[i];
        e->path = r->text + (uintptr_t)e->path;
        e->value = r->text + (uintptr_t)e->value;
        e->message = r->text + (uintptr_t)e->message;
    }
}

/* MARK: - Values */

/* Append a JSON string body, escaping as JSON requires. */
static void json_escape(bsg_result *r, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        bsg__text_add(r, s + run, i - run);
        run = i + 1;
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            bsg__text_add(r, esc, 2);
        } else if (ch == '\n') {
            bsg__text_add(r, "\\n", 2);
        } else if (ch == '\t') {
            bsg__text_add(r, "\\t", 2);
        } else {
            bsg__text_printf(r, "\\u%04x", ch);
        }
    }
    bsg__text_add(r, s + run, n - run);
}

/* Shortest round-tripping form, as JavaScript prints numbers. */
/* As JavaScript prints numbers in messages; as relaxed Extended JSON in
   values, where a double keeps a `.0` or an exponent so that it reads back
   as a double, and NaN and the infinities are spelt out. */
static void print_double(bsg_result *r, double d, bool raw)
{
    char buf[48];
    if (!raw && !isfinite(d)) {
        bsg__text_printf(r, "{\"$numberDouble\":\"%s\"}",
                         isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    size_t n = bsg__js_number(d, buf, sizeof buf);
    if (!raw && d == 0 && signbit(d))
        n = (size_t)snprintf(buf, sizeof buf, "-0.0");
    else if (!raw && !strpbrk(buf, ".e"))
        n += (size_t)snprintf(buf + n, sizeof buf - n, ".0");
    bsg__text_add(r, buf, n);
}

/* JavaScript's Date range: ±8.64e15 ms around 1970. */
#define JS_DATE_MAX 8640000000000000LL

static void print_date(bsg_result *r, int64_t ms, bool raw)
{
    /* Values: ISO 8601 for years 1 to 9999, else milliseconds (Extended
       JSON's rule). Messages: as Date#toISOString, which writes years
       outside 0 to 9999 as +YYYYYY / -YYYYYY, across JavaScript's range.
       The range is checked before any arithmetic, which would overflow near
       INT64_MIN. */
    struct tm tm;
    time_t secs = 0;
    bool iso = raw ? ms >= -JS_DATE_MAX && ms <= JS_DATE_MAX
                   : ms >= -62135596800000LL && ms <= 253402300799999LL;
    if (iso) {
        secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        iso = gmtime_r(&secs, &tm) != NULL;
    }
    if (!iso) {
        bsg__text_printf(r, raw ? "%" PRId64 : "{\"$date\":{\"$numberLong\":\"%" PRId64 "\"}}", ms);
        return;
    }
    int millis = (int)(ms - (int64_t)secs * 1000);
    long year = (long)tm.tm_year + 1900;
    char ytext[16];
    if (year >= 0 && year <= 9999)
        snprintf(ytext, sizeof ytext, "%04ld", year);
    else
        snprintf(ytext, sizeof ytext, "%c%06ld", year < 0 ? '-' : '+', year < 0 ? -year : year);
    bsg__text_printf(r, raw ? "%s-%02d-%02dT%02d:%02d:%02d.%03dZ"
                            : "{\"$date\":\"%s-%02d-%02dT%02d:%02d:%02d.%03dZ\"}",
                     ytext, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     millis);
}

static void print_hex(bsg_result *r, const uint8_t *p, size_t n)
{
    char buf[3];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%02x", p[i]);
        bsg__text_add(r, buf, 2);
    }
}

/* Small containers print as relaxed Extended JSON; big ones as `{…}`. */
static void print_container(bsg_result *r, uint8_t type, const uint8_t *v)
{
    uint32_t n = rd32(v);
    bson_t b;
    char *json = NULL;
    size_t len = 0;
    if (n <= 512 && bson_init_static(&b, v, n))
        json = type == 0x04 ? bson_array_as_json(&b, &len)
                            : bson_as_relaxed_extended_json(&b, &len);
    if (json && len <= 200)
        bsg__text_add(r, json, len);
    else
        bsg__text_add(r, type == 0x04 ? "[…]" : "{…}", 5);
    bson_free(json);
}

/* The size of the value of `type` at p, or UINT32_MAX when it does not fit
   in the `avail` bytes before the container's end. */
static uint32_t value_size(uint8_t type, const uint8_t *p, size_t avail)
{
    uint32_t n = type < 32 ? bsg__fixed_size[type] : BSG__VARIABLE;
    if (n != BSG__VARIABLE)
        return n <= avail ? n : UINT32_MAX;
    switch (type) {
    case 0x08: n = 1; break;
    case 0x7F: case 0xFF: n = 0; break;
    case 0x02: case 0x0D: case 0x0E: case 0x03: case 0x04: case 0x05: case 0x0C: case 0x0F:
        if (avail < 5)
            return UINT32_MAX;
        n = rd32(p);
        if (type == 0x02 || type == 0x0D || type == 0x0E)
            n = n >= 1 && n <= avail - 4 && p[4 + n - 1] == 0 ? n + 4 : UINT32_MAX;
        else if (type == 0x05)
            n = n <= avail - 5 ? n + 5 : UINT32_MAX;
        else if (type == 0x0C)
            n = n <= avail - 4 && avail - 4 - n >= 12 ? n + 16 : UINT32_MAX;
        else if (n < 5)
            n = UINT32_MAX;
        break;
    case 0x0B: {
        const uint8_t *a = memchr(p, 0, avail);
        const uint8_t *b = a ? memchr(a + 1, 0, avail - (size_t)(a + 1 - p)) : NULL;
        n = b ? (uint32_t)(b + 1 - p) : UINT32_MAX;
        break;
    }
    default: return UINT32_MAX;
    }
    return n <= avail ? n : UINT32_MAX;
}

/* An array as JavaScript's String(array) writes it, as a `validate: /re/`
   on an array path tests it: the elements joined by commas, null and
   undefined as nothing, nested arrays the same way, subdocuments as
   [object Object]; dates are ISO 8601 here (a Date's own text depends on the
   time zone). Bounds-checked: a caller may hand bytes no walk has checked
   (an array cut by a cap); the text stops where they stop making sense. */
static void print_js_array(bsg_result *r, const uint8_t *v, size_t avail, int depth)
{
    if (avail < 5 || rd32(v) < 5 || rd32(v) > avail || depth > 16)
        return;
    const uint8_t *p = v + 4, *end = v + rd32(v) - 1;
    for (bool first = true; p < end; first = false) {
        uint8_t type = *p++;
        const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
        if (!nul)
            return;
        p = nul + 1;
        uint32_t n = value_size(type, p, (size_t)(end - p));
        if (n == UINT32_MAX)
            return;
        if (!first)
            bsg__text_add(r, ",", 1);
        if (type == 0x03)
            bsg__text_add(r, "[object Object]", 15);
        else if (type == 0x04)
            print_js_array(r, p, n, depth + 1);
        else if (type != 0x0A && type != 0x06)
            bsg__print_value(r, type, p, true);
        p += n;
    }
}

void bsg__print_js_array(bsg_result *r, const uint8_t *v, size_t len)
{
    print_js_array(r, v, len, 0);
}

void bsg__print_value(bsg_result *r, uint8_t type, const uint8_t *v, bool raw)
{
    switch (type) {
    case 0x02: { /* string: printed whole up to 200 bytes */
        uint32_t n = rd32(v) - 1;
        bool cut = n > 200;
        if (cut) { /* cut on a character boundary */
            n = 200;
            while (n > 0 && (v[4 + n] & 0xC0) == 0x80)
                n--;
        }
        if (!raw)
            bsg__text_add(r, "\"", 1);
        if (raw)
            bsg__text_add(r, (const char *)v + 4, n);
        else
            json_escape(r, (const char *)v + 4, n);
        if (cut)
            bsg__text_add(r, "...", 3);
        if (!raw)
            bsg__text_add(r, "\"", 1);
        break;
    }
    case 0x01: print_double(r, rddouble(v), raw); break;
    case 0x10: bsg__text_printf(r, "%" PRId32, (int32_t)rd32(v)); break;
    case 0x12: bsg__text_printf(r, "%" PRId64, rd64(v)); break;
    case 0x08: bsg__text_add(r, v[0] ? "true" : "false", v[0] ? 4 : 5); break;
    case 0x0A: bsg__text_add(r, "null", 4); break;
    case 0x06: bsg__text_add(r, raw ? "undefined" : "{\"$undefined\":true}", raw ? 9 : 19); break;
    case 0x09: print_date(r, rd64(v), raw); break;
    case 0x07:
        if (!raw)
            bsg__text_add(r, "{\"$oid\":\"", 9);
        print_hex(r, v, 12);
        if (!raw)
            bsg__text_add(r, "\"}", 2);
        break;
    case 0x13: {
        bson_decimal128_t dec;
        char buf[BSON_DECIMAL128_STRING];
        memcpy(&dec.low, v, 8);
        memcpy(&dec.high, v + 8, 8);
        dec.low = BSON_UINT64_FROM_LE(dec.low);
        dec.high = BSON_UINT64_FROM_LE(dec.high);
        bson_decimal128_to_string(&dec, buf);
        bsg__text_printf(r, raw ? "%s" : "{\"$numberDecimal\":\"%s\"}", buf);
        break;
    }
    case 0x05: {
        uint32_t n = rd32(v);
        bsg__text_printf(r, raw ? "Binary(subtype %u, %u bytes)" : "{\"$binary\":{\"subType\":\"%02x\",\"length\":%u}}",
                         v[4], n);
        break;
    }
    case 0x03:
    case 0x04:
        print_container(r, type, v);
        break;
    default: break;
    }
}

/* MARK: - JSON rendering */

static void json_field(bsg_result *tmp, const char *name, const char *value, bool comma)
{
    bsg__text_printf(tmp, "%s\"%s\":\"", comma ? "," : "", name);
    json_escape(tmp, value, strlen(value));
    bsg__text_add(tmp, "\"", 1);
}

void bsg__result_json_append(const bsg_result *r, bsg_result *out)
{
    bsg__text_add(out, "[", 1);
    for (size_t i = 0; r && i < r->count; i++) {
        const bsg_error *e = &r->errors[i];
        bsg__text_add(out, i ? ",{" : "{", i ? 2 : 1);
        json_field(out, "path", e->path, false);
        json_field(out, "kind", bsg_kind_name(e->kind), true);
        json_field(out, "expected", e->expected, true);
        json_field(out, "actual", e->actual, true);
        json_field(out, "message", e->message, true);
        json_field(out, "value", e->value, true);
        bsg__text_add(out, "}", 1);
    }
    bsg__text_add(out, "]", 1);
}

size_t bsg_result_json(const bsg_result *r, char *buf, size_t cap)
{
    bsg_result tmp = {0};
    bsg__result_json_append(r, &tmp);
    size_t need = tmp.text_len;
    if (cap) {
        size_t n = need < cap - 1 ? need : cap - 1;
        memcpy(buf, tmp.text, n);
        buf[n] = '\0';
    }
    bsg__free(tmp.text);
    return need;
}
