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

#define SP_AUTH_TOKEN_TTL     "+12 hours"
#define SP_LOGIN_WINDOW_S     60
#define SP_LOGIN_MAX_ATTEMPTS 10 /* per address and window */

int sp_http_limit(sp_http_req *r, sp_http_limiter *l, int window_s, int max, const char *what)
{
    uint32_t addr = sp_http_client_ipv4(r);
    int64_t now = (int64_t)time(NULL), window = now / window_s;
    pthread_mutex_lock(&l->lock);
    __typeof__(l->slots[0]) *slot = &l->slots[addr % SP_HTTP_LIMIT_SLOTS];
    if (slot->addr != addr || slot->window != window) {
        slot->addr = addr;
        slot->window = window;
        slot->count = 0;
    }
    int ok = ++slot->count <= max;
    pthread_mutex_unlock(&l->lock);
    if (!ok) {
        r->retry_after = (int)(window_s - now % window_s);
        sp_http_error(r, 429, "TooManyRequests",
                      "more than %d %s in %d minutes from this address: please wait", max, what,
                      window_s / 60);
    }
    return ok;
}

static int login(sp_http_req *r)
{
    if (!sp_http_limit(r, r->login_limit, SP_LOGIN_WINDOW_S, SP_LOGIN_MAX_ATTEMPTS,
                       "login attempts"))
        return SP_OK;
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
