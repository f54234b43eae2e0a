/* common/sp_strbuf.h - a growable NUL-terminated byte buffer (Redis sds, smaller).
 * The owner calls sp_strbuf_free; on allocation failure `failed` is set and later
 * appends are no-ops, so callers check once at the end. */
#ifndef SP_STRBUF_H
#define SP_STRBUF_H

#include <stddef.h>

typedef struct sp_strbuf {
    char *data; /* always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    int failed;
} sp_strbuf;

void sp_strbuf_append(sp_strbuf *b, const char *s, size_t n);
void sp_strbuf_puts(sp_strbuf *b, const char *s);
void sp_strbuf_printf(sp_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sp_strbuf_reset(sp_strbuf *b);             /* keeps the memory */
const char *sp_strbuf_cstr(const sp_strbuf *b); /* "" when empty */
void sp_strbuf_free(sp_strbuf *b);

#endif
