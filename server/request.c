/* server/request.c - what a handler asks of its request, apart from the daemon (http.c) and
 * the router (router.c), so that every route file depends on this one and it on none of
 * them: error answers and the SP_E* they stand for, query arguments, the response format,
 * absolute links, the client's address and a JSON request body. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "http_int.h"
#include "sp_json.h"
#include "sp_log.h"
#include "sp_utf8.h"

/* The SP_E* an error answer of that status stands for, so that the answer can travel up. */
static int code_of_status(int status)
{
    switch (status) {
    case 404:
        return SP_ENOTFOUND;
    case 409:
    case 412:
        return SP_ECONFLICT;
    case 413:
        return SP_ETOOLARGE;
    case 415:
        return SP_EMEDIA;
    case 507:
        return SP_ENOSPACE;
    default:
        return status >= 500 ? SP_EINTERNAL : SP_EINVAL;
    }
}

int sp_http_error(sp_http_req *r, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages may quote request bytes: keep the JSON valid whatever they are. */
    if (!sp_utf8_valid(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "%s", "the request contains bytes that are not UTF-8");
    sp_strbuf_reset(&r->body);
    sp_strbuf_puts(&r->body, "{\"code\":");
    sp_json_str(&r->body, code);
    sp_strbuf_puts(&r->body, ",\"description\":");
    sp_json_str(&r->body, msg);
    sp_strbuf_puts(&r->body, "}");
    r->status = status;
    r->content_type = "application/json";
    r->cache_control = "no-store";
    r->has_etag = 0;
    return code_of_status(status);
}

int sp_http_error_from(sp_http_req *r, const sp_err *err)
{
    switch (err->code) {
    case SP_EINVAL:
        return sp_http_error(r, 400, "InvalidParameterValue", "%s", err->msg);
    case SP_ENOTFOUND:
        return sp_http_error(r, 404, "NotFound", "%s", err->msg);
    case SP_ECONFLICT:
        return sp_http_error(r, 409, "Conflict", "%s", err->msg);
    case SP_ETOOLARGE:
        return sp_http_error(r, 413, "PayloadTooLarge", "%s", err->msg);
    case SP_EMEDIA:
        return sp_http_error(r, 415, "UnsupportedMediaType", "%s", err->msg);
    case SP_ENOSPACE: /* the detail names files: for the log, not the client */
        sp_log(SP_LOG_ERROR, "req=%llx msg=\"disk full\" detail=\"%s\"", (unsigned long long)r->id,
               err->msg);
        r->retry_after = SP_HTTP_FULL_RETRY_S;
        return sp_http_error(r, 507, "InsufficientStorage",
                             "the server's disk is full: nothing was written; try again later");
    case SP_EUNAVAILABLE: /* PostgreSQL down or restarting: the next request reconnects */
        sp_log(SP_LOG_WARN, "req=%llx msg=\"database unavailable\" detail=\"%s\"",
               (unsigned long long)r->id, err->msg);
        r->retry_after = SP_HTTP_DB_RETRY_S;
        return sp_http_error(r, 503, "ServiceUnavailable",
                             "the database cannot be reached just now; try again shortly");
    default:
        sp_log(SP_LOG_ERROR, "req=%llx msg=\"%s\"", (unsigned long long)r->id, err->msg);
        return sp_http_error(r, 500, "ServerError", "internal error (logged as req %llx)",
                             (unsigned long long)r->id);
    }
}

int sp_http_parse_id(sp_http_req *r, const char *s, const char *what, long long *out)
{
    char *end;
    long long n = s && *s >= '0' && *s <= '9' ? strtoll(s, &end, 10) : 0;
    if (n < 1 || *end)
        return sp_http_error(r, 404, "NotFound", "no %s '%.40s'", what, s ? s : "");
    *out = n;
    return SP_OK;
}

const char *sp_http_arg_get(const sp_http_req *r, const char *key)
{
    for (int i = 0; i < r->nargs; i++)
        if (strcmp(r->args[i].key, key) == 0)
            return r->args[i].value;
    return NULL;
}

int sp_http_check_args(sp_http_req *r, const char *const *allowed)
{
    for (int i = 0; i < r->nargs; i++) {
        const char *k = r->args[i].key;
        int ok = strcmp(k, "f") == 0;
        for (int j = 0; allowed && allowed[j] && !ok; j++)
            ok = strcmp(k, allowed[j]) == 0;
        if (!ok)
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "unknown query parameter '%.100s' for %s", k, r->path);
        for (int j = 0; j < i; j++)
            if (strcmp(r->args[j].key, k) == 0)
                return sp_http_error(r, 400, "InvalidParameterValue",
                                     "query parameter '%.100s' given more than once", k);
    }
    return SP_OK;
}

int sp_http_date_arg(sp_http_req *r, const char *name, const char **out)
{
    const char *v = sp_http_arg_get(r, name);
    int y, m, d, n = 0;
    *out = v;
    if (v && (sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || v[n] || m < 1 ||
              m > 12 || d < 1 || d > 31))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "%s=%.40s: expected a date, YYYY-MM-DD", name, v);
    return SP_OK;
}

static void url_encode(sp_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~,:", *p))
            sp_strbuf_append(b, (const char *)p, 1);
        else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sp_strbuf_append(b, e, 3);
        }
    }
}

void sp_http_link_url(sp_http_req *r, sp_strbuf *b, const char *path, const char *query)
{
    sp_strbuf_puts(b, r->base);
    sp_strbuf_puts(b, path);
    if (query && *query) {
        sp_strbuf_puts(b, "?");
        sp_strbuf_puts(b, query);
    }
}

enum MHD_Result sp_http_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    sp_http_req *r = cls;
    if (r->nargs == SP_HTTP_MAX_ARGS) {
        r->args_overflow = 1;
        return MHD_NO;
    }
    r->args[r->nargs].key = key;
    r->args[r->nargs].value = value ? value : "";
    r->nargs++;
    if (r->query.len)
        sp_strbuf_puts(&r->query, "&");
    url_encode(&r->query, key);
    sp_strbuf_puts(&r->query, "=");
    url_encode(&r->query, value ? value : "");
    return MHD_YES;
}

/* f= wins over Accept; browsers asking for text/html get HTML. */
int sp_http_negotiate(sp_http_req *r)
{
    const char *f = sp_http_arg_get(r, "f");
    r->format_is_explicit = f != NULL;
    if (f) {
        if (strcmp(f, "json") == 0 || strcmp(f, "geojson") == 0)
            r->format = SP_FMT_JSON;
        else if (strcmp(f, "html") == 0)
            r->format = SP_FMT_HTML;
        else if (strcmp(f, "csv") == 0)
            r->format = SP_FMT_CSV;
        else
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "f=%.40s: supported formats are json, html, csv", f);
        return SP_OK;
    }
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
    r->format = SP_FMT_JSON;
    if (accept && strstr(accept, "text/html") && !strstr(accept, "json"))
        r->format = SP_FMT_HTML;
    else if (accept && strstr(accept, "text/csv") && !strstr(accept, "json"))
        r->format = SP_FMT_CSV;
    return SP_OK;
}

/* The best of Accept-Language's languages that Spadok speaks (uk, en), by q-value, the first
 * of equals; NULL when it names neither. "uk-UA;q=0.9, en;q=0.8" is uk. */
static const char *accept_language(const char *h)
{
    const char *best = NULL;
    double best_q = 0;
    while (h && *h) {
        size_t n = strcspn(h, ",");
        char tag[3] = {0};
        const char *p = h + strspn(h, " \t");
        for (int i = 0; i < 2 && p + i < h + n && isalpha((unsigned char)p[i]); i++)
            tag[i] = (char)tolower((unsigned char)p[i]);
        int is_primary = !isalpha((unsigned char)p[2]); /* "en", "en-GB", not "enx" */
        double q = 1;
        const char *qp = strstr(p, ";q=");
        if (qp && qp < h + n)
            q = strtod(qp + 3, NULL);
        const char *lang = !is_primary              ? NULL
                           : strcmp(tag, "uk") == 0 ? "uk"
                           : strcmp(tag, "en") == 0 ? "en"
                                                    : NULL;
        if (lang && q > best_q)
            best = lang, best_q = q;
        h += n + (h[n] == ',');
    }
    return best;
}

/* lang= wins over Accept-Language; Ukrainian when neither names a language Spadok speaks. */
int sp_http_negotiate_lang(sp_http_req *r)
{
    const char *l = sp_http_arg_get(r, "lang");
    r->lang_is_explicit = l != NULL;
    if (l) {
        if (strcmp(l, "uk") != 0 && strcmp(l, "en") != 0)
            return sp_http_error(r, 400, "InvalidParameterValue", "lang=%.20s: expected uk or en",
                                 l);
        r->lang = strcmp(l, "en") == 0 ? "en" : "uk";
        return SP_OK;
    }
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
    const char *best = accept_language(h);
    r->lang = best ? best : "uk";
    return SP_OK;
}

const char *sp_http_lang(sp_http_req *r)
{
    r->is_localized = 1;
    return r->lang;
}

const char *sp_http_in_lang(sp_http_req *r, const char *uk, const char *en)
{
    return strcmp(sp_http_lang(r), "en") == 0 ? en : uk;
}

int sp_http_json_body(sp_http_req *r, const char *const *types, const char *what, json_t **out)
{
    *out = NULL;
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    int is_type = types == NULL;
    for (int i = 0; types && types[i] && !is_type; i++)
        is_type = ct && strncmp(ct, types[i], strlen(types[i])) == 0;
    if (!is_type)
        return sp_http_error(r, 415, "UnsupportedMediaType", "send %s", what);
    json_error_t jerr;
    json_t *j = json_loadb(r->req_body.data ? r->req_body.data : "", r->req_body.len,
                           JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(j)) {
        json_decref(j);
        return sp_http_error(r, 400, "InvalidBody", "the body is not a JSON object%s%s",
                             j ? "" : ": ", j ? "" : jerr.text);
    }
    *out = j;
    return SP_OK;
}
