/* cql/lex.c - CQL2-Text tokens, the node pool and the wording of parse errors.
 * Kept apart from the grammar so that every message quotes the offending token and its
 * character position the same way. The input was checked for UTF-8 and control bytes
 * before the first token (parse.c), so a token never splits a character. */
#include "cql_int.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CQL_CHUNK_BYTES 16384 /* nodes of a typical filter fit in one chunk */
#define CQL_QUOTE_BYTES 40    /* longest token excerpt quoted in a message */

struct cql_chunk {
    cql_chunk *next;
    size_t used, cap;
    max_align_t mem[]; /* cap bytes */
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident_part(unsigned char c)
{
    return is_ident_start(c) || is_digit(c) || c == '.' || c == ':';
}

/* Bytes in a UTF-8 sequence that starts with c (input is known to be valid). */
static size_t utf8_seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Characters in s[a..b): every byte that is not a continuation byte starts one. */
static size_t count_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* Length of a number at s[i..len), 0 when there is none; -1 for a malformed exponent. */
static long scan_number(const char *s, size_t len, size_t i)
{
    size_t start = i, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit((unsigned char)s[i]))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j >= len || !is_digit((unsigned char)s[j]))
            return -1;
        while (j < len && is_digit((unsigned char)s[j]))
            j++;
        i = j;
    }
    return (long)(i - start);
}

static int lex_at(cql_parser *p, size_t *off, size_t *pos, cql_tok *t)
{
    const char *s = p->src;
    size_t i = *off;
    while (i < p->len && is_space((unsigned char)s[i]))
        i++;
    *pos += i - *off; /* whitespace is ASCII: one byte, one character */
    *off = i;
    t->off = i;
    t->pos = *pos;
    t->len = 0;
    if (i == p->len) {
        t->type = CQL_T_EOF;
        return SP_OK;
    }
    unsigned char c = (unsigned char)s[i];
    size_t n = 1;
    switch (c) {
    case '(':
        t->type = CQL_T_LPAREN;
        break;
    case ')':
        t->type = CQL_T_RPAREN;
        break;
    case ',':
        t->type = CQL_T_COMMA;
        break;
    case '=':
        t->type = CQL_T_EQ;
        break;
    case '<':
        t->type = CQL_T_LT;
        if (i + 1 < p->len && s[i + 1] == '>')
            t->type = CQL_T_NE, n = 2;
        else if (i + 1 < p->len && s[i + 1] == '=')
            t->type = CQL_T_LE, n = 2;
        break;
    case '>':
        t->type = CQL_T_GT;
        if (i + 1 < p->len && s[i + 1] == '=')
            t->type = CQL_T_GE, n = 2;
        break;
    case '\'': {
        size_t j = i + 1;
        for (;;) {
            if (j >= p->len)
                return sp_err_set(p->err, SP_EINVAL,
                                  "filter: unterminated string starting at position %zu", t->pos);
            if (s[j] == '\'') {
                if (j + 1 < p->len && s[j + 1] == '\'') {
                    j += 2;
                    continue;
                }
                j++;
                break;
            }
            j++;
        }
        t->type = CQL_T_STRING;
        n = j - i;
        break;
    }
    case '"': {
        const char *end = memchr(s + i + 1, '"', p->len - i - 1);
        if (!end)
            return sp_err_set(p->err, SP_EINVAL,
                              "filter: unterminated property name starting at position %zu",
                              t->pos);
        t->type = CQL_T_QIDENT;
        n = (size_t)(end - s) + 1 - i;
        for (size_t k = i + 1; k < i + n - 1; k++)
            if (s[k] == '\t' || s[k] == '\n' || s[k] == '\r') /* names end up in messages */
                return sp_err_set(p->err, SP_EINVAL,
                                  "filter: property name at position %zu contains a tab or line "
                                  "break",
                                  t->pos);
        break;
    }
    default:
        if (is_digit(c) || c == '.' || c == '+' || c == '-') {
            long k = scan_number(s, p->len, i);
            if (k < 0) {
                size_t e = i + 1;
                while (e < p->len &&
                       (is_ident_part((unsigned char)s[e]) || s[e] == '+' || s[e] == '-'))
                    e++;
                t->type = CQL_T_NUMBER;
                t->len = e - i;
                char q[CQL_QUOTE_BYTES + 8];
                cql_tok_quote(p, t, q, sizeof q);
                return sp_err_set(p->err, SP_EINVAL, "filter: malformed number %s at position %zu",
                                  q, t->pos);
            }
            if (k > 0) {
                t->type = CQL_T_NUMBER;
                n = (size_t)k;
                break;
            }
        } else if (is_ident_start(c)) {
            size_t j = i + 1;
            while (j < p->len && is_ident_part((unsigned char)s[j]))
                j++;
            t->type = CQL_T_IDENT;
            n = j - i;
            break;
        }
        t->type = CQL_T_IDENT; /* only so that it is quoted */
        t->len = utf8_seq_len(c);
        if (t->len > p->len - i)
            t->len = p->len - i;
        char q[CQL_QUOTE_BYTES + 8];
        cql_tok_quote(p, t, q, sizeof q);
        return sp_err_set(p->err, SP_EINVAL, "filter: unexpected character %s at position %zu", q,
                          t->pos);
    }
    t->len = n;
    *pos += count_chars(s, i, i + n);
    *off = i + n;
    return SP_OK;
}

int cql_lex_next(cql_parser *p)
{
    return lex_at(p, &p->off, &p->pos, &p->tok);
}

int cql_lex_peek(cql_parser *p, cql_tok *out)
{
    size_t off = p->off, pos = p->pos;
    return lex_at(p, &off, &pos, out);
}

int cql_is_kw(const cql_parser *p, const cql_tok *t, const char *kw)
{
    if (t->type != CQL_T_IDENT || strlen(kw) != t->len)
        return 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = p->src[t->off + i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != kw[i])
            return 0;
    }
    return 1;
}

void cql_tok_quote(const cql_parser *p, const cql_tok *t, char *buf, size_t n)
{
    if (t->type == CQL_T_EOF || t->len == 0) {
        snprintf(buf, n, "end of filter");
        return;
    }
    size_t take = t->len, room = n > 8 ? n - 8 : 0;
    if (room > CQL_QUOTE_BYTES)
        room = CQL_QUOTE_BYTES;
    int cut = take > room;
    if (cut) {
        take = room;
        while (take > 0 && ((unsigned char)p->src[t->off + take] & 0xc0) == 0x80)
            take--; /* back to a character boundary */
    }
    int wrap = t->type != CQL_T_STRING; /* a string token brings its own quotes */
    size_t k = 0;
    if (wrap)
        buf[k++] = '\'';
    for (size_t i = 0; i < take; i++) {
        char c = p->src[t->off + i];
        buf[k++] = is_space((unsigned char)c) ? ' ' : c;
    }
    if (cut) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    if (wrap || cut)
        buf[k++] = '\'';
    buf[k] = '\0';
}

int cql_unexpected(cql_parser *p, const cql_tok *t, const char *expected)
{
    char q[CQL_QUOTE_BYTES + 8];
    cql_tok_quote(p, t, q, sizeof q);
    return sp_err_set(p->err, SP_EINVAL, "filter: unexpected %s at position %zu: expected %s", q,
                      t->pos, expected);
}

void *cql_alloc(cql_parser *p, size_t n)
{
    size_t align = sizeof(max_align_t);
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2) {
        sp_err_set(p->err, SP_ENOMEM, "filter: out of memory");
        return NULL;
    }
    n = (n + align - 1) / align * align;
    cql_chunk *c = *p->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CQL_CHUNK_BYTES ? n : CQL_CHUNK_BYTES;
        c = calloc(1, sizeof *c + cap);
        if (!c) {
            sp_err_set(p->err, SP_ENOMEM, "filter: out of memory");
            return NULL;
        }
        c->cap = cap;
        c->next = *p->chunks;
        *p->chunks = c;
    }
    void *out = (unsigned char *)c->mem + c->used;
    c->used += n;
    return out;
}

char *cql_strndup(cql_parser *p, const char *s, size_t n)
{
    char *out = cql_alloc(p, n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

sp_cql_expr *cql_node(cql_parser *p, sp_cql_kind kind, size_t pos)
{
    if (++p->nodes > SP_CQL_MAX_NODES) {
        sp_err_set(p->err, SP_EINVAL, "filter: more than %d nodes at position %zu",
                   SP_CQL_MAX_NODES, pos);
        return NULL;
    }
    sp_cql_expr *e = cql_alloc(p, sizeof *e);
    if (e) {
        e->kind = kind;
        e->pos = pos;
    }
    return e;
}

void cql_chunks_free(cql_chunk *c)
{
    while (c) {
        cql_chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* strtod and snprintf follow LC_NUMERIC; sp_cql_parse and sp_cql_to_text switch the
 * calling thread to the C locale around their work (uselocale), so '.' is the point. */
int cql_number(cql_parser *p, const cql_tok *t, int *out_is_int, long long *out_i, double *out_d)
{
    char buf[CQL_MAX_NUMBER_CHARS + 1], q[CQL_QUOTE_BYTES + 8];
    cql_tok_quote(p, t, q, sizeof q);
    if (t->len > CQL_MAX_NUMBER_CHARS)
        return sp_err_set(p->err, SP_EINVAL, "filter: number %s at position %zu is out of range", q,
                          t->pos);
    memcpy(buf, p->src + t->off, t->len);
    buf[t->len] = '\0';
    int is_int = !strpbrk(buf, ".eE");
    char *end = NULL;
    errno = 0;
    if (is_int) {
        long long v = strtoll(buf, &end, 10);
        if (errno == ERANGE || *end != '\0')
            return sp_err_set(p->err, SP_EINVAL,
                              "filter: number %s at position %zu is out of range", q, t->pos);
        *out_i = v;
    } else {
        double v = strtod(buf, &end);
        if (*end != '\0' || !isfinite(v))
            return sp_err_set(p->err, SP_EINVAL,
                              "filter: number %s at position %zu is out of range", q, t->pos);
        *out_d = v; /* underflow to 0 or a subnormal is accepted */
    }
    *out_is_int = is_int;
    return SP_OK;
}

void cql_format_double(double d, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

size_t cql_char_pos(const char *s, size_t off)
{
    return count_chars(s, 0, off) + 1;
}

int cql_locale_enter(cql_locale *l, sp_err *err)
{
    l->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!l->c)
        return sp_err_set(err, SP_ENOMEM, "filter: out of memory (C locale)");
    l->old = uselocale(l->c);
    return SP_OK;
}

void cql_locale_leave(cql_locale *l)
{
    uselocale(l->old);
    freelocale(l->c);
}
