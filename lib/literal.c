/*
 * Anchored literal patterns, decided without PCRE2. Schemas often `match`
 * a fixed prefix (`/^https?:\/\//`, `/^sk_live_/`); a call into PCRE2's JIT
 * costs more than comparing those few bytes. A pattern qualifies when it is
 * `^` followed by ASCII literals, each possibly optional (`s?`), with no
 * flag that changes what `^` or a literal matches. Its ASCII bytes match
 * the same in UTF-8 as JavaScript's UTF-16 units do, and since nothing
 * anchors the end, the pattern matches when some choice of the optional
 * atoms spells a prefix of the subject.
 */
#include "schema.h"

#include <string.h>

/* Characters that mean something in a pattern (escaped, they are literal). */
static bool is_syntax(char c)
{
    return c != '\0' && strchr("\\^$.|?*+()[]{}/", c) != NULL;
}

/* Flags that leave `^` and ASCII literals alone: `u` (Unicode mode), `s`
   (dot-all) and `d` (match indices). `i`, `m`, and the stateful `g` and
   `y` keep a pattern on PCRE2. */
static bool flags_keep_literals(const char *flags)
{
    for (; *flags; flags++)
        if (*flags != 'u' && *flags != 's' && *flags != 'd')
            return false;
    return true;
}

bool bsg__literal_parse(const char *pattern, const char *flags, bsg__literal *out)
{
    memset(out, 0, sizeof *out);
    if (pattern[0] != '^' || !flags_keep_literals(flags))
        return false;
    unsigned optional = 0;
    for (const char *p = pattern + 1; *p;) {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            if (!is_syntax(c))
                return false; /* \d, \b, \u…: classes and assertions */
        } else if (is_syntax(c) || (unsigned char)c < 0x20 || (unsigned char)c > 0x7E) {
            return false;
        }
        if (out->count == BSG__LITERAL_MAX)
            return false;
        if (*p == '?') {
            p++;
            if (*p == '?' || *p == '*' || *p == '+' || *p == '{')
                return false;
            /* Each optional atom doubles the ways to try: keep it small. */
            if (++optional > BSG__LITERAL_MAX_OPTIONAL)
                return false;
            out->optional |= UINT32_C(1) << out->count;
        } else if (*p == '*' || *p == '+' || *p == '{') {
            return false;
        }
        out->chars[out->count++] = (uint8_t)c;
    }
    out->ok = true;
    return true;
}

/* Whether atoms [k, count) spell a prefix of s[0..n): an optional atom is
   first taken, then skipped, as a backtracking engine would try them. */
static bool match_from(const bsg__literal *l, uint32_t k, const uint8_t *s, size_t n)
{
    for (; k < l->count; k++) {
        const bool here = n > 0 && *s == l->chars[k];
        if (!(l->optional >> k & 1)) {
            if (!here)
                return false;
            s++;
            n--;
        } else if (here && match_from(l, k + 1, s + 1, n - 1)) {
            return true;
        }
    }
    return true;
}

bool bsg__literal_match(const bsg__literal *l, const uint8_t *s, size_t n)
{
    return match_from(l, 0, s, n);
}
