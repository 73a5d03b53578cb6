/*
 * Writing untrusted bytes safely: as JSON string literals, and as text for a
 * terminal. Document keys, values and file names can hold anything; neither
 * output may carry a raw control character or invalid UTF-8.
 */
#ifndef BSG_TOOLS_ESCAPE_H
#define BSG_TOOLS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4), or 0 when the
   bytes there are not one (bad lead byte, overlong, surrogate, truncated). */
size_t esc_utf8_len(const unsigned char *s, size_t len);

/* Write `s` as a quoted JSON string: `"` and `\` escaped, control characters
   as \u00XX, each invalid UTF-8 byte as \ufffd. */
void esc_json(FILE *out, const char *s, size_t len);

/* Same, for a NUL-terminated string; NULL writes "". */
void esc_json_str(FILE *out, const char *s);

/* Write `s` for a person: C0/C1 controls and DEL as \xNN (so a document key
   cannot drive the terminal), invalid UTF-8 bytes as U+FFFD. */
void esc_text(FILE *out, const char *s, size_t len);

/* Number of characters `s` shows as, for column alignment. */
size_t esc_text_width(const char *s);

#endif
