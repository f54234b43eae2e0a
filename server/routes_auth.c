/* server/routes_auth.c - staff sign-in: POST /auth/login {"login", "password"} gives a
 * bearer token and when it expires; POST /auth/logout revokes the token it is called with;
 * GET /auth/me says whose token it is. Wrong login and wrong password get the same answer
 * in about the same time (an unknown login is checked against a dummy hash), and attempts
 * are limited per client address. Nothing here is ever cached. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http_int.h"
#include "sp_auth.h"
#include "sp_db_users.h"
#include "sp_json.h"

#define SP_AUTH_TOKEN_TTL "+12 hours"
#define SP_FORWARDED_MAX  64 /* bytes of one X-Forwarded-For entry */

/* The address of one X-Forwarded-For entry (spaces around it, an IPv4 port or a bracketed
 * IPv6 ignored); 0 when it is none. */
static int forwarded_entry(const char *s, size_t n, sp_addr *out)
{
    char buf[SP_FORWARDED_MAX];
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && *s == '[') { /* [2001:db8::1]:443 */
        const char *close = memchr(s, ']', n);
        if (!close)
            return 0;
        n = (size_t)(close - s - 1), s++;
    } else if (memchr(s, '.', n) && memchr(s, ':', n)) { /* 192.0.2.1:443 */
        n = (size_t)((const char *)memchr(s, ':', n) - s);
    }
    if (!n || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    sp_err err = {0};
    return sp_addr_parse(buf, out, &err) == SP_OK;
}

int sp_http_client_addr(const sp_http_req *r, sp_addr *out)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    memset(out, 0, sizeof *out);
    if (!ci || !ci->client_addr)
        return 0;
    if (ci->client_addr->sa_family == AF_INET) {
        out->b[10] = out->b[11] = 0xff;
        memcpy(out->b + 12, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
               4);
    } else if (ci->client_addr->sa_family == AF_INET6) {
        memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
               16);
    } else {
        return 0;
    }
    if (!r->trusted_proxy || !sp_cidr_has(r->trusted_proxy, out))
        return 1; /* X-Forwarded-For from anyone else is the client's own claim */
    /* From the right: each proxy appends the address it was connected from. The first that
     * is not the trusted proxy's is the client's; a malformed entry stops the walk there. */
    const char *xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For");
    size_t end = xff ? strlen(xff) : 0;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        sp_addr a;
        if (!forwarded_entry(xff + start, end - start, &a))
            break;
        *out = a;
        if (!sp_cidr_has(r->trusted_proxy, &a))
            break;
        end = start ? start - 1 : 0;
    }
    return 1;
}

int sp_http_limit(sp_http_req *r, sp_limiter *l, const char *what)
{
    sp_addr addr;
    struct timespec ts;
    int retry_s = 0;
    sp_http_client_addr(r, &addr); /* no address (a socket pair): all such share one key */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (sp_limiter_hit(l, &addr, (double)ts.tv_sec + ts.tv_nsec / 1e9, &retry_s) == SP_OK)
        return SP_OK;
    r->retry_after = retry_s;
    return sp_http_error(r, 429, "TooManyRequests",
                         "too many %s from this address: please wait %d seconds", what, retry_s);
}

static int login(sp_http_req *r)
{
    int limited = sp_http_limit(r, r->login_limit, "login attempts");
    if (limited != SP_OK)
        return limited;
    json_error_t jerr;
    json_t *body = json_loadb(r->req_body.data ? r->req_body.data : "", r->req_body.len, 0, &jerr);
    const char *user = body ? json_string_value(json_object_get(body, "login")) : NULL;
    const char *pass = body ? json_string_value(json_object_get(body, "password")) : NULL;
    if (!body || !json_is_object(body) || !user || !pass) {
        json_decref(body);
        return sp_http_error(r, 400, "InvalidBody",
                             "expected JSON {\"login\": \"...\", \"password\": \"...\"}");
    }
    sp_db_user u;
    int found = 0;
    sp_err err = {0};
    if (sp_db_user_by_login(r->db, user, &u, &found, &err) != SP_OK) {
        json_decref(body);
        return sp_http_error_from(r, &err);
    }
    /* An unknown login costs the same Argon2id check as a known one. */
    int ok = sp_auth_password_ok(found ? u.password_hash : sp_auth_dummy_hash(), pass) && found &&
             !u.disabled;
    json_decref(body);
    if (!ok)
        return sp_http_error(r, 401, "Unauthorized", "wrong login or password");
    char token[SP_AUTH_TOKEN_LEN], expires[32] = "";
    unsigned char hash[SP_AUTH_TOKEN_HASH];
    sp_auth_new_token(token, hash);
    pthread_mutex_lock(&r->writer->lock);
    int rc =
        sp_db_token_add(r->writer->db, u.id, hash, sizeof hash, SP_AUTH_TOKEN_TTL, expires, &err);
    pthread_mutex_unlock(&r->writer->lock);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_puts(&r->body, "{\"token\":");
    sp_json_str(&r->body, token);
    sp_strbuf_puts(&r->body, ",\"expires\":");
    sp_json_str(&r->body, expires);
    sp_strbuf_puts(&r->body, ",\"login\":");
    sp_json_str(&r->body, u.login);
    sp_strbuf_puts(&r->body, ",\"role\":");
    sp_json_str(&r->body, u.role);
    sp_strbuf_puts(&r->body, "}");
    return SP_OK;
}

/* The token of "Authorization: Bearer <token>", or NULL. */
static const char *bearer(sp_http_req *r, size_t *len)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    *len = strcspn(h, " ");
    return *len ? h : NULL;
}

int sp_http_auth(sp_http_req *r, sp_db_user *out)
{
    size_t len = 0;
    const char *token = bearer(r, &len);
    int found = 0;
    sp_err err = {0};
    if (token) {
        unsigned char hash[SP_AUTH_TOKEN_HASH];
        sp_auth_token_hash(token, len, hash);
        if (sp_db_token_user(r->db, hash, sizeof hash, out, &found, &err) != SP_OK)
            return sp_http_error_from(r, &err);
    }
    if (!found)
        return sp_http_error(r, 401, "Unauthorized",
                             token ? "the token is unknown, expired or revoked: log in again"
                                   : "this needs a staff token: Authorization: Bearer <token> "
                                     "from POST /auth/login");
    return SP_OK;
}

static int logout(sp_http_req *r)
{
    size_t len = 0;
    const char *token = bearer(r, &len);
    unsigned char hash[SP_AUTH_TOKEN_HASH];
    sp_auth_token_hash(token, len, hash);
    sp_err err = {0};
    pthread_mutex_lock(&r->writer->lock);
    int rc = sp_db_token_revoke(r->writer->db, hash, sizeof hash, &err);
    pthread_mutex_unlock(&r->writer->lock);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_puts(&r->body, "{\"status\":\"logged out\"}");
    return SP_OK;
}

static int me(sp_http_req *r)
{
    const sp_db_user *u = &r->user; /* the router checked the token */
    sp_strbuf_puts(&r->body, "{\"login\":");
    sp_json_str(&r->body, u->login);
    sp_strbuf_puts(&r->body, ",\"role\":");
    sp_json_str(&r->body, u->role);
    sp_strbuf_puts(&r->body, ",\"expires\":");
    sp_json_str(&r->body, u->expires);
    sp_strbuf_puts(&r->body, "}");
    return SP_OK;
}

int sp_route_login(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    return login(r);
}

int sp_route_logout(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    return logout(r);
}

int sp_route_me(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    return me(r);
}
