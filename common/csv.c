/* common/csv.c - CSV cells that spreadsheets cannot run (sp_csv.h). One rule in one place:
 * the server's items?f=csv writes cells with it, and the export neutralises values with it
 * before GDAL's CSV driver sees them. */
#include <stdlib.h>
#include <string.h>

#include "sp_csv.h"
#include "sp_err.h"

static int is_number(const char *v)
{
    char *end;
    if (!v[0] || !v[1])
        return 0;
    strtod(v, &end);
    return *end == '\0' && strchr("+-", v[0]) && (v[1] == '.' || (v[1] >= '0' && v[1] <= '9'));
}

int sp_csv_is_formula(const char *v)
{
    return v && v[0] && strchr("=+-@\t\r", v[0]) != NULL && !is_number(v);
}

int sp_csv_neutral(const char *v, sp_strbuf *out)
{
    sp_strbuf_reset(out);
    if (sp_csv_is_formula(v))
        sp_strbuf_puts(out, "'");
    sp_strbuf_puts(out, v ? v : "");
    return out->failed ? SP_ENOMEM : SP_OK;
}

void sp_csv_cell(sp_strbuf *b, const char *v)
{
    if (!v)
        return;
    int is_formula = sp_csv_is_formula(v);
    if (!is_formula && !strpbrk(v, ",\"\r\n")) {
        sp_strbuf_puts(b, v);
        return;
    }
    sp_strbuf_puts(b, "\"");
    if (is_formula)
        sp_strbuf_puts(b, "'");
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            sp_strbuf_puts(b, "\""); /* doubled */
        sp_strbuf_append(b, p, 1);
    }
    sp_strbuf_puts(b, "\"");
}
