/* common/json.c - JSON string escaping for hand-written responses; see sp_json.h. */
#include "sp_json.h"

#include <string.h>

void sp_json_str(sp_strbuf *b, const char *s)
{
    if (!s) {
        sp_strbuf_puts(b, "null");
        return;
    }
    sp_strbuf_append(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sp_strbuf_append(b, run, (size_t)(p - run));
        switch (c) {
        case '"':
            sp_strbuf_puts(b, "\\\"");
            break;
        case '\\':
            sp_strbuf_puts(b, "\\\\");
            break;
        case '\n':
            sp_strbuf_puts(b, "\\n");
            break;
        case '\r':
            sp_strbuf_puts(b, "\\r");
            break;
        case '\t':
            sp_strbuf_puts(b, "\\t");
            break;
        default:
            sp_strbuf_printf(b, "\\u%04x", c);
        }
        run = p + 1;
    }
    sp_strbuf_append(b, run, strlen(run));
    sp_strbuf_append(b, "\"", 1);
}

void sp_json_key(sp_strbuf *b, const char *key, int *first)
{
    if (!*first)
        sp_strbuf_append(b, ",", 1);
    *first = 0;
    sp_json_str(b, key);
    sp_strbuf_append(b, ":", 1);
}
