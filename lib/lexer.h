/*
 * The lexer of the schema DSL: JavaScript's lexical grammar, cut down to what
 * object literals need. The parser pulls one token at a time and says whether
 * a value may start there, because `/` and a sign mean different things inside
 * and outside value position (as in JavaScript itself).
 */
#ifndef BSG_LEXER_H
#define BSG_LEXER_H

#include "internal.h"

typedef enum bsg__tok_kind {
    BSG__TOK_EOF,
    BSG__TOK_IDENT, /* also the keywords: the parser decides what they mean */
    BSG__TOK_STRING,
    BSG__TOK_NUMBER,
    BSG__TOK_REGEX,
    BSG__TOK_LBRACE,
    BSG__TOK_RBRACE,
    BSG__TOK_LBRACKET,
    BSG__TOK_RBRACKET,
    BSG__TOK_LPAREN, /* never valid: lexed so the parser can name a function */
    BSG__TOK_RPAREN,
    BSG__TOK_COLON,
    BSG__TOK_COMMA,
    BSG__TOK_SEMI,
    BSG__TOK_DOT,
    BSG__TOK_ARROW, /* `=>`, likewise only for a helpful error */
    BSG__TOK_OTHER  /* any other ASCII punctuation, one byte */
} bsg__tok_kind;

typedef enum bsg__lex_mode {
    BSG__LEX_DEFAULT,
    BSG__LEX_VALUE /* a value may start here: `/` opens a regex, `-1` is a number */
} bsg__lex_mode;

typedef struct bsg__token {
    bsg__tok_kind kind;
    uint32_t offset; /* first byte of the token in the source */
    uint32_t len;    /* its length in the source, quotes and flags included */
    /* STRING: the decoded text, NUL-terminated, in the arena (may hold NULs).
       REGEX: the pattern between the slashes. Any other kind: the token's
       source bytes (not NUL-terminated). */
    const char *text;
    size_t text_len;
    const char *flags; /* REGEX: the flags as written (not NUL-terminated) */
    size_t flags_len;
    double number; /* NUMBER: the value, sign included */
} bsg__token;

typedef struct bsg__lexer {
    const bsg__source *src;
    const char *text;
    size_t len;
    size_t pos;
    bsg__arena *arena; /* receives decoded strings */
    bsg_diag *diag;
} bsg__lexer;

/* Prepare to lex `src`. Fails (filling `diag`, code "syntax") when the source
   is larger than its size limit or is not valid UTF-8, so every later
   stage may assume well-formed text. */
bool bsg__lexer_init(bsg__lexer *lx, const bsg__source *src, bsg__arena *arena,
                     bsg_diag *diag);

/* The next token into `tok`; false on a lexical error (diag filled). After
   the end of input it keeps returning BSG__TOK_EOF. */
bool bsg__lex(bsg__lexer *lx, bsg__lex_mode mode, bsg__token *tok);

/* A short description of `tok` for messages: "`name`", "a string",
   "end of input", ... Always NUL-terminated when cap > 0. */
void bsg__token_describe(const bsg__token *tok, char *buf, size_t cap);

/* Decode one UTF-8 sequence from `s` (n bytes available) into *cp. Returns
   its length, or 0 when it is not well-formed (overlong, surrogate, beyond
   U+10FFFF, truncated). */
size_t bsg__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif /* BSG_LEXER_H */
