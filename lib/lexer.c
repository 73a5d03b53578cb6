/*
 * The lexer: schema text to tokens, following JavaScript's lexical grammar
 * (ECMA-262 §12) for the parts that object literals use. The source need not
 * be NUL-terminated, so every read goes through peek_at(), which knows len.
 * Each lexical error is reported once, at the byte where the bad token starts.
 */
#include "lexer.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MARK: - Characters */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_ident_part(int c) { return is_ident_start(c) || is_digit(c); }

/* The value of `c` as a digit of any radix up to 16, or 16 when it is none. */
static int digit_value(int c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 16;
}

size_t bsg__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned lead = s[0];
    size_t len;
    uint32_t v, min;
    if (lead < 0x80) {
        *cp = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2, v = lead & 0x1Fu, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3, v = lead & 0x0Fu, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4, v = lead & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* MARK: - Reading */

/* The byte at `i`, or -1 past the end: the one place that touches the text. */
static int peek_at(const bsg__lexer *lx, size_t i)
{
    return i < lx->len ? (unsigned char)lx->text[i] : -1;
}

static int peek(const bsg__lexer *lx, size_t ahead) { return peek_at(lx, lx->pos + ahead); }

/* The code point at `i` (the text is valid UTF-8 by now), and its length. */
static size_t code_point_at(const bsg__lexer *lx, size_t i, uint32_t *cp)
{
    if (i >= lx->len)
        return 0;
    return bsg__utf8_decode((const unsigned char *)lx->text + i, lx->len - i, cp);
}

static bool lex_error(bsg__lexer *lx, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool lex_error(bsg__lexer *lx, size_t offset, const char *fmt, ...)
{
    char message[sizeof lx->diag->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    bsg__diag_at(lx->diag, lx->src, (uint32_t)offset, "syntax", "%s", message);
    return false;
}

/* MARK: - Setup */

/* Checked once up front, so strings, comments and diagnostics can copy
   source bytes without re-validating them. */
static bool check_utf8(bsg__lexer *lx)
{
    size_t i = 0;
    while (i < lx->len) {
        const unsigned char *s = (const unsigned char *)lx->text + i;
        uint32_t cp;
        size_t n = *s < 0x80 ? 1 : bsg__utf8_decode(s, lx->len - i, &cp);
        if (n == 0)
            return lex_error(lx, i,
                             "invalid UTF-8 (byte 0x%02X); schema text must be UTF-8", *s);
        i += n;
    }
    return true;
}

bool bsg__lexer_init(bsg__lexer *lx, const bsg__source *src, bsg__arena *arena,
                     bsg_diag *diag)
{
    lx->src = src;
    lx->text = src->text;
    lx->len = src->text ? src->len : 0;
    lx->pos = 0;
    lx->arena = arena;
    lx->diag = diag;
    uint32_t cap = src->max_size ? src->max_size : BSG__MAX_SOURCE_SIZE;
    if (lx->len > cap) {
        bsg__diag_at(diag, src, 0, "limit", "the schema text is %zu bytes; the limit is %u bytes",
                     lx->len, cap);
        lx->len = 0; /* nothing past here may scan it */
        return false;
    }
    return check_utf8(lx);
}

/* MARK: - Whitespace and comments */

/* JavaScript's WhiteSpace and LineTerminator beyond ASCII: NBSP, the BOM,
   the Zs spaces, LS and PS. Pasted code brings them along. */
static bool is_unicode_space(uint32_t cp)
{
    return cp == 0xA0 || cp == 0xFEFF || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static void skip_line_comment(bsg__lexer *lx)
{
    while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n' && peek(lx, 0) != '\r')
        lx->pos++;
}

static bool skip_block_comment(bsg__lexer *lx)
{
    size_t open = lx->pos;
    for (lx->pos += 2; peek(lx, 0) >= 0; lx->pos++) {
        if (peek(lx, 0) == '*' && peek(lx, 1) == '/') {
            lx->pos += 2;
            return true;
        }
    }
    return lex_error(lx, open, "unterminated comment: `/*` is never closed by `*/`");
}

static bool skip_trivia(bsg__lexer *lx)
{
    for (;;) {
        int c = peek(lx, 0);
        uint32_t cp = 0;
        size_t n;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            lx->pos++;
        } else if (c == '/' && peek(lx, 1) == '/') {
            skip_line_comment(lx);
        } else if (c == '/' && peek(lx, 1) == '*') {
            if (!skip_block_comment(lx))
                return false;
        } else if (c >= 0x80 && (n = code_point_at(lx, lx->pos, &cp)) && is_unicode_space(cp)) {
            lx->pos += n;
        } else {
            return true;
        }
    }
}

/* MARK: - Identifiers and punctuation */

static bool lex_ident(bsg__lexer *lx, bsg__token *tok)
{
    while (is_ident_part(peek(lx, 0)))
        lx->pos++;
    tok->kind = BSG__TOK_IDENT;
    return true;
}

static bsg__tok_kind punct_kind(int c)
{
    switch (c) {
    case '{': return BSG__TOK_LBRACE;
    case '}': return BSG__TOK_RBRACE;
    case '[': return BSG__TOK_LBRACKET;
    case ']': return BSG__TOK_RBRACKET;
    case '(': return BSG__TOK_LPAREN;
    case ')': return BSG__TOK_RPAREN;
    case ':': return BSG__TOK_COLON;
    case ',': return BSG__TOK_COMMA;
    case ';': return BSG__TOK_SEMI;
    case '.': return BSG__TOK_DOT;
    default: return BSG__TOK_OTHER;
    }
}

static bool lex_punct(bsg__lexer *lx, bsg__token *tok)
{
    int c = peek(lx, 0);
    if (c < 0x20 || c == 0x7F)
        return lex_error(lx, lx->pos, "unexpected control character U+%04X", (unsigned)c);
    if (c == '=' && peek(lx, 1) == '>') {
        lx->pos += 2;
        tok->kind = BSG__TOK_ARROW;
        return true;
    }
    lx->pos++;
    tok->kind = punct_kind(c);
    return true;
}

/* Outside strings and comments only ASCII may appear. Curly quotes get their
   own message: they are what word processors turn '...' into. */
static bool reject_non_ascii(bsg__lexer *lx)
{
    uint32_t cp = 0;
    code_point_at(lx, lx->pos, &cp);
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D)
        return lex_error(lx, lx->pos,
                         "typographic quote U+%04X; strings use straight quotes ' or \"",
                         (unsigned)cp);
    return lex_error(lx, lx->pos,
                     "unexpected character U+%04X; identifiers must be ASCII, so quote "
                     "such a key as a string",
                     (unsigned)cp);
}

/* MARK: - Numbers */

/* Digits of `radix` with JavaScript's numeric separators, which may only sit
   between two digits. Counts the digits read. */
static bool scan_digits(bsg__lexer *lx, int radix, size_t *count)
{
    *count = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (digit_value(c) < radix) {
            lx->pos++;
            (*count)++;
        } else if (c == '_') {
            if (*count == 0 || digit_value(peek(lx, 1)) >= radix)
                return lex_error(lx, lx->pos,
                                 "numeric separator `_` must sit between two digits");
            lx->pos++;
        } else {
            return true;
        }
    }
}

/* The radix of a `0x`, `0o` or `0b` prefix at pos (consumed), else 10. */
static int radix_prefix(bsg__lexer *lx)
{
    if (peek(lx, 0) != '0')
        return 10;
    switch (peek(lx, 1)) {
    case 'x': case 'X': lx->pos += 2; return 16;
    case 'o': case 'O': lx->pos += 2; return 8;
    case 'b': case 'B': lx->pos += 2; return 2;
    default: return 10;
    }
}

static const char *radix_name(int radix)
{
    return radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : radix == 2 ? "binary" : "decimal";
}

/* Exact up to 2^64, then accumulated in double: integers that large are
   approximations in JavaScript as well. */
static double radix_value(const char *s, size_t n, int radix)
{
    uint64_t u = 0;
    double d = 0;
    bool big = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            continue;
        unsigned dv = (unsigned)digit_value((unsigned char)s[i]);
        if (!big && u <= (UINT64_MAX - dv) / (unsigned)radix) {
            u = u * (unsigned)radix + dv;
        } else {
            if (!big)
                d = (double)u, big = true;
            d = d * radix + dv;
        }
    }
    return big ? d : (double)u;
}

/* strtod() in the "C" locale: a host that called setlocale() must not turn
   `1.5` into 1. uselocale() is per thread, so this touches no global state. */
static double c_strtod(const char *s)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c == (locale_t)0)
        return strtod(s, NULL);
    locale_t old = uselocale(c);
    double v = strtod(s, NULL);
    uselocale(old);
    freelocale(c);
    return v;
}

static double decimal_value(const char *s, size_t n)
{
    char *digits = bsg__malloc(n + 1);
    if (!digits)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            digits[k++] = s[i];
    digits[k] = '\0';
    double v = c_strtod(digits);
    bsg__free(digits);
    return v;
}

/* Digits, an optional fraction and an optional exponent. */
static bool lex_decimal(bsg__lexer *lx, double *value)
{
    size_t start = lx->pos, n;
    if (peek(lx, 0) == '0' && (is_digit(peek(lx, 1)) || peek(lx, 1) == '_'))
        return lex_error(lx, start,
                         "a number cannot start with `0` followed by digits; "
                         "write octal as `0o17`");
    if (!scan_digits(lx, 10, &n))
        return false;
    if (peek(lx, 0) == '.') {
        lx->pos++;
        if (!scan_digits(lx, 10, &n))
            return false;
    }
    if (peek(lx, 0) == 'e' || peek(lx, 0) == 'E') {
        size_t e = lx->pos++;
        if (peek(lx, 0) == '+' || peek(lx, 0) == '-')
            lx->pos++;
        if (!scan_digits(lx, 10, &n))
            return false;
        if (n == 0)
            return lex_error(lx, e, "the exponent of a number needs digits, as in `1e3`");
    }
    *value = decimal_value(lx->text + start, lx->pos - start);
    return true;
}

static bool lex_radix_int(bsg__lexer *lx, int radix, size_t number_start, double *value)
{
    size_t start = lx->pos, n;
    if (!scan_digits(lx, radix, &n))
        return false;
    if (n == 0)
        return lex_error(lx, number_start, "`%.2s` must be followed by %s digits",
                         lx->text + number_start + (lx->text[number_start] == '0' ? 0 : 1),
                         radix_name(radix));
    *value = radix_value(lx->text + start, lx->pos - start, radix);
    return true;
}

/* JavaScript rejects `3in` and `0b12`: a number must not run into a name or
   into digits of another radix. */
static bool check_number_end(bsg__lexer *lx, int radix)
{
    int c = peek(lx, 0);
    if (is_digit(c))
        return lex_error(lx, lx->pos, "`%c` is not a %s digit", c, radix_name(radix));
    if (c == 'n')
        return lex_error(lx, lx->pos,
                         "BigInt literals are not supported; drop the `n` suffix");
    if (is_ident_part(c))
        return lex_error(lx, lx->pos, "a number cannot be followed directly by `%c`", c);
    return true;
}

/* A numeric literal, with a leading sign only when the parser asked for a
   value (`-1` is an expression in JavaScript, a value here). */
static bool lex_number(bsg__lexer *lx, bsg__token *tok)
{
    size_t start = lx->pos;
    bool negative = false;
    if (peek(lx, 0) == '-' || peek(lx, 0) == '+')
        negative = lx->text[lx->pos++] == '-';
    int radix = radix_prefix(lx);
    double value = 0;
    bool ok = radix == 10 ? lex_decimal(lx, &value) : lex_radix_int(lx, radix, start, &value);
    if (!ok || !check_number_end(lx, radix))
        return false;
    tok->kind = BSG__TOK_NUMBER;
    tok->number = negative ? -value : value;
    return true;
}

static bool starts_number(const bsg__lexer *lx, size_t ahead)
{
    return is_digit(peek(lx, ahead)) || (peek(lx, ahead) == '.' && is_digit(peek(lx, ahead + 1)));
}

/* MARK: - Strings */

static bool is_line_break(int c) { return c == '\n' || c == '\r'; }

/* Where the closing quote is. Quotes and backslashes are ASCII, so skipping
   one byte after a backslash never lands inside a multi-byte character. */
static bool find_string_end(bsg__lexer *lx, size_t open, size_t *end)
{
    int quote = peek_at(lx, open);
    for (size_t i = open + 1; i < lx->len; i++) {
        int c = peek_at(lx, i);
        if (c == quote) {
            *end = i;
            return true;
        }
        if (c == '\\' && peek_at(lx, i + 1) == '\r' && peek_at(lx, i + 2) == '\n')
            i += 2;
        else if (c == '\\')
            i++;
        else if (is_line_break(c) && quote != '`')
            return lex_error(lx, open, "unterminated string: no closing quote on this line "
                                       "(use `\\n`, or a `template` for several lines)");
    }
    return lex_error(lx, open, "unterminated string: no closing quote before the end of input");
}

/* Exactly `digits` hex digits at `*i` (after the `x` or `u`), all before `end`. */
static bool read_hex(bsg__lexer *lx, size_t *i, size_t end, size_t digits, uint32_t *cp)
{
    uint32_t v = 0;
    for (size_t k = 0; k < digits; k++, (*i)++) {
        int d = *i < end ? digit_value(peek_at(lx, *i)) : 16;
        if (d >= 16)
            return false;
        v = v * 16 + (uint32_t)d;
    }
    *cp = v;
    return true;
}

/* `{H...}` at `*i`: any number of digits, at most 10FFFF. */
static bool read_braced_hex(bsg__lexer *lx, size_t *i, size_t end, uint32_t *cp)
{
    uint32_t v = 0;
    size_t n = 0;
    for ((*i)++; *i < end && digit_value(peek_at(lx, *i)) < 16; (*i)++, n++) {
        v = v * 16 + (uint32_t)digit_value(peek_at(lx, *i));
        if (v > 0x10FFFF)
            v = 0x110000; /* saturate: only "too large" matters from here */
    }
    if (n == 0 || *i >= end || peek_at(lx, *i) != '}' || v > 0x10FFFF)
        return false;
    (*i)++;
    *cp = v;
    return true;
}

static bool read_unicode_escape(bsg__lexer *lx, size_t *i, size_t end, uint32_t *cp)
{
    if (*i < end && peek_at(lx, *i) == '{')
        return read_braced_hex(lx, i, end, cp);
    return read_hex(lx, i, end, 4, cp);
}

static bool is_high_surrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
static bool is_low_surrogate(uint32_t cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

/* `\u` escapes spell UTF-16 code units: a high surrogate must be followed
   at once by an escaped low one, and the pair becomes one code point. */
static bool decode_unicode(bsg__lexer *lx, size_t at, size_t *i, size_t end, uint32_t *cp)
{
    if (!read_unicode_escape(lx, i, end, cp))
        return lex_error(lx, at, "bad escape: `\\u` needs four hex digits or `{` hex digits "
                                 "`}` up to 10FFFF");
    if (is_low_surrogate(*cp))
        return lex_error(lx, at, "lone surrogate \\u%04X: strings must be valid Unicode",
                         (unsigned)*cp);
    if (!is_high_surrogate(*cp))
        return true;
    size_t j = *i + 2;
    uint32_t low = 0;
    if (peek_at(lx, *i) != '\\' || peek_at(lx, *i + 1) != 'u' || *i + 1 >= end ||
        !read_unicode_escape(lx, &j, end, &low) || !is_low_surrogate(low))
        return lex_error(lx, at, "lone surrogate \\u%04X: strings must be valid Unicode",
                         (unsigned)*cp);
    *i = j;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
    return true;
}

static int simple_escape(int c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return -1;
    }
}

/* The length of a line terminator at `i` that a backslash continues, else 0. */
static size_t continuation_len(const bsg__lexer *lx, size_t i)
{
    uint32_t cp = 0;
    if (peek_at(lx, i) == '\r')
        return peek_at(lx, i + 1) == '\n' ? 2 : 1;
    if (peek_at(lx, i) == '\n')
        return 1;
    size_t n = code_point_at(lx, i, &cp);
    return cp == 0x2028 || cp == 0x2029 ? n : 0;
}

/* One escape sequence at `*i` (the backslash) appended to `out`. The escapes
   and errors are those of strict-mode JavaScript; any other escaped character
   stands for itself, as in JavaScript (`\d` is `d`). */
static bool decode_escape(bsg__lexer *lx, size_t *i, size_t end, char *out, size_t *n)
{
    size_t at = *i;
    int c = peek_at(lx, at + 1);
    uint32_t cp;
    *i = at + 2;
    if (simple_escape(c) >= 0) {
        out[(*n)++] = (char)simple_escape(c);
    } else if (c == '0' && !is_digit(*i < end ? peek_at(lx, *i) : -1)) {
        out[(*n)++] = '\0';
    } else if (c == '8' || c == '9') {
        return lex_error(lx, at, "bad escape `\\%c`: write the digit without a backslash", c);
    } else if (is_digit(c)) {
        return lex_error(lx, at, "bad escape `\\%c`: octal escapes are not allowed; "
                                 "use `\\xHH`", c);
    } else if (c == 'x') {
        if (!read_hex(lx, i, end, 2, &cp))
            return lex_error(lx, at, "bad escape: `\\x` needs two hex digits");
        *n += utf8_encode(cp, out + *n);
    } else if (c == 'u') {
        if (!decode_unicode(lx, at, i, end, &cp))
            return false;
        *n += utf8_encode(cp, out + *n);
    } else if (continuation_len(lx, at + 1)) {
        *i = at + 1 + continuation_len(lx, at + 1);
    } else {
        size_t len = code_point_at(lx, at + 1, &cp);
        memcpy(out + *n, lx->text + at + 1, len);
        *n += len;
        *i = at + 1 + len;
    }
    return true;
}

/* Decode the body (open, end) into `out`. Decoding never lengthens the text,
   so `out` has room for end - open - 1 bytes. Templates read a raw CR LF or
   CR as LF, as JavaScript does. */
static bool decode_string(bsg__lexer *lx, size_t open, size_t end, char *out, size_t *n)
{
    bool template = peek_at(lx, open) == '`';
    size_t i = open + 1;
    *n = 0;
    while (i < end) {
        int c = peek_at(lx, i);
        if (c == '\\') {
            if (!decode_escape(lx, &i, end, out, n))
                return false;
        } else if (c == '\r' && template) {
            out[(*n)++] = '\n';
            i += peek_at(lx, i + 1) == '\n' && i + 1 < end ? 2 : 1;
        } else {
            out[(*n)++] = (char)c;
            i++;
        }
    }
    return true;
}

static bool lex_string(bsg__lexer *lx, bsg__token *tok)
{
    size_t open = lx->pos, end = 0, n = 0;
    if (!find_string_end(lx, open, &end))
        return false;
    char *out = bsg__arena_alloc(lx->arena, end - open);
    if (!out)
        return lex_error(lx, open, "out of memory");
    if (!decode_string(lx, open, end, out, &n))
        return false;
    out[n] = '\0';
    lx->pos = end + 1;
    tok->kind = BSG__TOK_STRING;
    tok->text = out;
    tok->text_len = n;
    return true;
}

/* MARK: - Regular expressions */

/* The body of `/.../`: a `/` inside `[...]` or after a backslash does not
   end it, and neither may span lines. */
static bool find_regex_end(bsg__lexer *lx, size_t open, size_t *end)
{
    bool in_class = false;
    for (size_t i = open + 1;; i++) {
        int c = peek_at(lx, i);
        if (c == '\\')
            c = peek_at(lx, ++i);
        else if (c == '[')
            in_class = true;
        else if (c == ']')
            in_class = false;
        else if (c == '/' && !in_class) {
            *end = i;
            return true;
        }
        if (c < 0 || is_line_break(c))
            return lex_error(lx, open, "unterminated regular expression: no closing `/` "
                                       "on this line");
    }
}

static bool check_regex_flags(bsg__lexer *lx, size_t start, size_t end)
{
    static const char known[] = "dgimsuvy";
    bool seen[sizeof known] = {false};
    for (size_t i = start; i < end; i++) {
        int c = peek_at(lx, i);
        const char *k = c > 0 ? strchr(known, c) : NULL;
        if (!k)
            return lex_error(lx, i, "unknown regular expression flag `%c`; flags are "
                                    "d, g, i, m, s, u, v and y", c);
        if (seen[k - known])
            return lex_error(lx, i, "repeated regular expression flag `%c`", c);
        seen[k - known] = true;
    }
    const char *flags = lx->text + start;
    if (memchr(flags, 'u', end - start) && memchr(flags, 'v', end - start))
        return lex_error(lx, start, "regular expression flags `u` and `v` cannot be combined");
    return true;
}

static bool lex_regex(bsg__lexer *lx, bsg__token *tok)
{
    size_t open = lx->pos, end = 0;
    if (!find_regex_end(lx, open, &end))
        return false;
    size_t flags = end + 1;
    for (lx->pos = flags; is_ident_part(peek(lx, 0));)
        lx->pos++;
    if (!check_regex_flags(lx, flags, lx->pos))
        return false;
    tok->kind = BSG__TOK_REGEX;
    tok->text = lx->text + open + 1;
    tok->text_len = end - open - 1;
    tok->flags = lx->text + flags;
    tok->flags_len = lx->pos - flags;
    return true;
}

/* MARK: - Tokens */

static bool lex_token(bsg__lexer *lx, bsg__lex_mode mode, bsg__token *tok)
{
    int c = peek(lx, 0);
    if (c < 0) {
        tok->kind = BSG__TOK_EOF;
        return true;
    }
    if (is_ident_start(c))
        return lex_ident(lx, tok);
    if (starts_number(lx, 0))
        return lex_number(lx, tok);
    if (c == '"' || c == '\'' || c == '`')
        return lex_string(lx, tok);
    if (mode == BSG__LEX_VALUE && c == '/')
        return lex_regex(lx, tok);
    if (mode == BSG__LEX_VALUE && (c == '-' || c == '+') && starts_number(lx, 1))
        return lex_number(lx, tok);
    if (c >= 0x80)
        return reject_non_ascii(lx);
    return lex_punct(lx, tok);
}

bool bsg__lex(bsg__lexer *lx, bsg__lex_mode mode, bsg__token *tok)
{
    memset(tok, 0, sizeof *tok);
    if (!skip_trivia(lx))
        return false;
    size_t start = lx->pos;
    if (!lex_token(lx, mode, tok))
        return false;
    tok->offset = (uint32_t)start;
    tok->len = (uint32_t)(lx->pos - start);
    if (tok->kind != BSG__TOK_STRING && tok->kind != BSG__TOK_REGEX) {
        tok->text = lx->text ? lx->text + start : "";
        tok->text_len = lx->pos - start;
    }
    return true;
}

void bsg__token_describe(const bsg__token *tok, char *buf, size_t cap)
{
    enum { MAX_SHOWN = 32 };
    if (cap == 0)
        return;
    switch (tok->kind) {
    case BSG__TOK_EOF: snprintf(buf, cap, "end of input"); return;
    case BSG__TOK_STRING: snprintf(buf, cap, "a string"); return;
    case BSG__TOK_REGEX: snprintf(buf, cap, "a regular expression"); return;
    default: break;
    }
    /* Every other token is ASCII, so cutting it never splits a character. */
    int shown = tok->text_len > MAX_SHOWN ? MAX_SHOWN : (int)tok->text_len;
    snprintf(buf, cap, "`%.*s%s`", shown, tok->text, tok->text_len > MAX_SHOWN ? "..." : "");
}
