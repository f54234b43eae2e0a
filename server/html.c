/* server/html.c - the plain HTML face of the OGC API pages (f=html, or a browser's Accept):
 * bilingual (Ukrainian first), no scripts, one small inline style, fast on a phone. The
 * Content-Security-Policy allows nothing but that style. */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

void sp_html_text(sp_strbuf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '&'    ? "&amp;"
                          : *p == '<'  ? "&lt;"
                          : *p == '>'  ? "&gt;"
                          : *p == '"'  ? "&quot;"
                          : *p == '\'' ? "&#39;"
                                       : NULL;
        if (!rep)
            continue;
        sp_strbuf_append(b, run, (size_t)(p - run));
        sp_strbuf_puts(b, rep);
        run = p + 1;
    }
    sp_strbuf_puts(b, run);
}

void sp_html_begin(sp_http_req *r, const char *title_uk, const char *title_en)
{
    sp_strbuf *b = &r->body;
    sp_strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"uk\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<link rel=\"icon\" href=\"data:,\">"
                      "<title>");
    sp_html_text(b, title_uk);
    sp_strbuf_puts(b, " / ");
    sp_html_text(b, title_en);
    sp_strbuf_puts(
        b, " — Спадок</title><style>"
           "body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;"
           "padding:0 1rem;color:#1b1b1b;background:#fff}"
           "header{border-bottom:2px solid #0b4f8a;margin-bottom:1rem;padding:.5rem 0}"
           "a{color:#0b4f8a}a:focus{outline:3px solid #f2a900}"
           "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;"
           "padding:.3rem;text-align:left;vertical-align:top}"
           ".en{color:#555}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
           "dt{font-weight:600}nav a{margin-right:1rem}</style></head><body>"
           "<header><nav><a href=\"/?f=html\">Спадок</a><a href=\"/collections?f=html\">"
           "Колекції <span class=\"en\">Collections</span></a>"
           "<a href=\"/api\">API</a></nav></header><main><h1>");
    sp_html_text(b, title_uk);
    sp_strbuf_puts(b, " <span class=\"en\" lang=\"en\">");
    sp_html_text(b, title_en);
    sp_strbuf_puts(b, "</span></h1>");
    r->content_type = "text/html; charset=utf-8";
}

void sp_html_end(sp_http_req *r, const char *json_href)
{
    sp_strbuf *b = &r->body;
    sp_strbuf_puts(b, "</main><footer><p><a href=\"");
    sp_html_text(b, json_href);
    sp_strbuf_puts(b, "\">JSON</a> · Спадок — реєстр пам’яток культурної спадщини "
                      "<span class=\"en\" lang=\"en\">heritage monument registry</span></p>"
                      "<p class=\"attribution\">Дані <span class=\"en\" lang=\"en\">Data"
                      "</span>: ");
    sp_err err = {0};
    char *line = NULL; /* a page already begun: a failure leaves the line out, not the page */
    if (sp_db_attribution(r->db, &line, &err) == SP_OK)
        sp_html_text(b, line);
    free(line);
    sp_strbuf_puts(b, " · <a href=\"/datasets\">джерела й ліцензії <span class=\"en\" "
                      "lang=\"en\">sources and licences</span></a></p></footer></body></html>\n");
}
