/* cql/cql_int.h - internals shared by the cql/ files (lexer, node pool, parser state);
 * not for other modules. lex.c turns bytes into tokens and owns error wording, parse.c
 * builds the tree, wkt.c reads geometry literals, text.c prints the canonical form. */
#ifndef SP_CQL_INT_H
#define SP_CQL_INT_H

#include <locale.h>
#include <stddef.h>

#include "sp_cql.h"

/* Longest numeric token we convert; longer ones are refused as out of range. */
#define CQL_MAX_NUMBER_CHARS 128

typedef enum {
    CQL_T_EOF,
    CQL_T_LPAREN,
    CQL_T_RPAREN,
    CQL_T_COMMA,
    CQL_T_EQ,
    CQL_T_NE,
    CQL_T_LT,
    CQL_T_GT,
    CQL_T_LE,
    CQL_T_GE,
    CQL_T_STRING, /* 'raw text' with quotes, '' not yet unescaped */
    CQL_T_NUMBER, /* [+-]digits[.digits][e[+-]digits] */
    CQL_T_IDENT,  /* bare identifier or keyword */
    CQL_T_QIDENT, /* "quoted identifier", quotes included */
} cql_tok_type;

typedef struct cql_tok {
    cql_tok_type type;
    size_t off, len; /* bytes of the token in the input */
    size_t pos;      /* 1-based character position of its first byte */
} cql_tok;

/* Nodes and strings come from chunks that are freed together with the tree. */
typedef struct cql_chunk cql_chunk;

typedef struct cql_parser {
    const char *src;
    size_t len;
    size_t off, pos; /* lexer cursor: byte offset and its character position */
    cql_tok tok;     /* current token */
    int depth, nodes;
    cql_chunk **chunks;
    sp_err *err;
} cql_parser;

/* lex.c */
int cql_lex_next(cql_parser *p);               /* reads the next token into p->tok */
int cql_lex_peek(cql_parser *p, cql_tok *out); /* the token after p->tok, not consumed */
int cql_is_kw(const cql_parser *p, const cql_tok *t, const char *kw); /* upper-case kw */
/* "filter: unexpected 'X' at position N: expected <expected>" (or "unexpected end of
 * filter"); returns SP_EINVAL. */
int cql_unexpected(cql_parser *p, const cql_tok *t, const char *expected);
/* Copies token text for a message: at most ~40 bytes, cut on a character boundary. */
void cql_tok_quote(const cql_parser *p, const cql_tok *t, char *buf, size_t n);
void *cql_alloc(cql_parser *p, size_t n); /* NULL with err set on failure */
char *cql_strndup(cql_parser *p, const char *s, size_t n);
sp_cql_expr *cql_node(cql_parser *p, sp_cql_kind kind, size_t pos); /* counts nodes */
void cql_chunks_free(cql_chunk *c);
/* Converts a NUMBER token; *out_is_int tells which of the two is set. */
int cql_number(cql_parser *p, const cql_tok *t, int *out_is_int, long long *out_i, double *out_d);
/* Shortest text that reads back as d, '.' as decimal point. */
void cql_format_double(double d, char *buf, size_t n);

/* 1-based character position of byte offset off. */
size_t cql_char_pos(const char *s, size_t off);
/* Switches the calling thread to the C numeric locale and back (strtod, printf "%g"). */
typedef struct cql_locale {
    locale_t c, old;
} cql_locale;
int cql_locale_enter(cql_locale *l, sp_err *err);
void cql_locale_leave(cql_locale *l);

/* wkt.c: p->tok is a WKT keyword or BBOX followed by '('; reads through its ')'. */
int cql_parse_geometry(cql_parser *p, sp_cql_expr **out);

#endif
