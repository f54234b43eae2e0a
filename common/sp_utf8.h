/* common/sp_utf8.h - UTF-8 checks at the edges (import, HTTP). Lengths are bytes. */
#ifndef SP_UTF8_H
#define SP_UTF8_H

#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sp_utf8_valid(const char *s, size_t len);
/* Byte offset of the first invalid sequence, or len when valid. */
size_t sp_utf8_invalid_at(const char *s, size_t len);

#endif
