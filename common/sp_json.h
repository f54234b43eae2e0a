/* common/sp_json.h - write JSON text straight into a buffer. Responses (feature pages of
 * thousands of features) are written as text rather than built as jansson trees: one pass,
 * no per-value allocation. Input strings must be UTF-8 (checked at the edges). */
#ifndef SP_JSON_H
#define SP_JSON_H

#include "sp_strbuf.h"

/* Appends s as a JSON string literal, quotes included; NULL becomes null. */
void sp_json_str(sp_strbuf *b, const char *s);
/* Appends "key": (with a leading comma unless *first, which it clears). */
void sp_json_key(sp_strbuf *b, const char *key, int *first);

#endif
