/*
 * Numbers as JavaScript prints them (Number.prototype.toString): the
 * shortest digits that read back as the same double, in fixed notation for
 * exponents from -7 to 20 and as `1.5e-7` / `1e+21` outside. Mongoose puts
 * values and bounds into messages this way, so bsonguard's messages match.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bsg__js_number(double d, char *buf, size_t cap)
{
    if (isnan(d))
        return (size_t)snprintf(buf, cap, "NaN");
    if (isinf(d))
        return (size_t)snprintf(buf, cap, d > 0 ? "Infinity" : "-Infinity");
    if (d == 0)
        return (size_t)snprintf(buf, cap, "0"); /* -0 too, as String(-0) */
    /* The shortest round-tripping digits, from %e: "d.ddde±x". */
    char e[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, d);
        if (strtod(e, NULL) == d)
            break;
    }
    const char *p = e;
    bool negative = *p == '-';
    p += negative;
    char digits[24];
    size_t k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(p + 1) + 1; /* the decimal point sits after n digits */

    char out[48];
    size_t len = 0;
    if (negative)
        out[len++] = '-';
    if ((int)k <= n && n <= 21) {
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%.*s", digits, n - (int)k,
                                "000000000000000000000");
    } else if (0 < n && n <= 21) {
        len += (size_t)snprintf(out + len, sizeof out - len, "%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        len += (size_t)snprintf(out + len, sizeof out - len, "0.%.*s%s", -n, "000000", digits);
    } else {
        len += (size_t)snprintf(out + len, sizeof out - len, "%c%s%se%c%d", digits[0],
                                k > 1 ? "." : "", digits + 1, n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    return (size_t)snprintf(buf, cap, "%s", out);
}
