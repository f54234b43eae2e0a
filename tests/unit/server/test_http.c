/* tests/unit/server/test_http.c - the server in-process (as tests/fuzz/fuzz_http.c runs it):
 * sp_http_start on an empty registry in a temp folder, a loopback client, and what every
 * route shares, checked on the answers: routing (404; 405 with Allow), error bodies
 * ({"code","description"}, no-store), the role check before a handler (401 with
 * WWW-Authenticate, 403 naming the role), caching headers (ETag, 304 on If-None-Match,
 * Cache-Control) and links that never take the Host header (issue 21). */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sp_auth.h"
#include "sp_db.h"
#include "sp_db_users.h"
#include "sp_http.h"
#include "sp_test.h"

#define SP_TEST_ANSWER_MAX (1024 * 1024)
#define SP_TEST_TIMEOUT_S  20

static sp_http_server *server;
static int port;
static char inspector_token[SP_AUTH_TOKEN_LEN];

typedef struct answer {
    int status;
    char head[8192];   /* status line and headers */
    char body[262144]; /* NUL-terminated */
} answer;
static answer a; /* the last answer */

/* Sends the request (method, path, extra header lines ending in \r\n) and reads the answer
 * into a; a.status 0 when there was none. */
static void request(const char *method, const char *path, const char *headers)
{
    memset(&a, 0, sizeof a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {SP_TEST_TIMEOUT_S, 0};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0)
            close(fd);
        return;
    }
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n", method,
                     path, headers ? headers : "");
    static char raw[SP_TEST_ANSWER_MAX];
    size_t len = 0;
    ssize_t got = n > 0 && n < (int)sizeof req ? write(fd, req, (size_t)n) : -1;
    while (got >= 0 && len < sizeof raw - 1 &&
           (got = read(fd, raw + len, sizeof raw - 1 - len)) > 0)
        len += (size_t)got;
    close(fd);
    raw[len] = '\0';
    char *end = strstr(raw, "\r\n\r\n");
    if (!end || sscanf(raw, "HTTP/1.1 %d", &a.status) != 1)
        return;
    snprintf(a.head, sizeof a.head, "%.*s\r\n", (int)(end - raw), raw);
    snprintf(a.body, sizeof a.body, "%s", end + 4);
}

/* The value of header name in the last answer ("" when absent). */
static const char *header(const char *name)
{
    static char value[512];
    value[0] = '\0';
    size_t n = strlen(name);
    for (const char *l = strstr(a.head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, name, n) == 0 && l[2 + n] == ':') {
            const char *v = l + 3 + n + strspn(l + 3 + n, " ");
            snprintf(value, sizeof value, "%.*s", (int)strcspn(v, "\r"), v);
            break;
        }
    return value;
}

/* 1 when the last body is a JSON error {"code": code, "description": text}. */
static int is_error(const char *code)
{
    json_t *j = json_loads(a.body, 0, NULL);
    const char *c = json_string_value(json_object_get(j, "code"));
    const char *d = json_string_value(json_object_get(j, "description"));
    int ok = json_object_size(j) == 2 && c && strcmp(c, code) == 0 && d && *d;
    json_decref(j);
    return ok;
}

static void test_http__unknown_path_is_404(void)
{
    request("GET", "/no/such/thing", NULL);
    SP_CHECK(a.status == 404);
    SP_CHECK(is_error("NotFound"));
    SP_CHECK_STR(header("Content-Type"), "application/json");
    SP_CHECK_STR(header("Cache-Control"), "no-store");
    SP_CHECK_STR(header("ETag"), "");
}

static void test_http__refused_method_is_405_with_allow(void)
{
    request("DELETE", "/collections", NULL);
    SP_CHECK(a.status == 405);
    SP_CHECK(is_error("MethodNotAllowed"));
    SP_CHECK_STR(header("Allow"), "GET, HEAD");
    request("PUT", "/auth/login", NULL);
    SP_CHECK(a.status == 405);
    SP_CHECK_STR(header("Allow"), "POST");
    request("BREW", "/collections", NULL);
    SP_CHECK(a.status == 405 && is_error("MethodNotAllowed"));
}

static void test_http__bad_parameter_is_400(void)
{
    request("GET", "/collections?colour=red", NULL);
    SP_CHECK(a.status == 400);
    SP_CHECK(is_error("InvalidParameterValue"));
    SP_CHECK_CONTAINS(a.body, "colour");
    request("GET", "/collections/monuments/items?limit=zero", NULL);
    SP_CHECK(a.status == 400 && is_error("InvalidParameterValue"));
    request("GET", "/collections/monuments/items/abc", NULL);
    SP_CHECK(a.status == 404 && is_error("NotFound"));
    request("GET", "/collections?f=xml", NULL);
    SP_CHECK(a.status == 400 && is_error("InvalidParameterValue"));
}

static void test_http__role_is_checked_before_the_handler(void)
{
    request("POST", "/collections/monuments/items", "Content-Type: application/geo+json\r\n");
    SP_CHECK(a.status == 401);
    SP_CHECK(is_error("Unauthorized"));
    SP_CHECK_CONTAINS(header("WWW-Authenticate"), "Bearer");
    request("POST", "/collections/monuments/items",
            "Authorization: Bearer not-a-token\r\nContent-Type: application/geo+json\r\n");
    SP_CHECK(a.status == 401 && is_error("Unauthorized"));
    char h[256];
    snprintf(h, sizeof h, "Authorization: Bearer %s\r\nContent-Type: application/geo+json\r\n",
             inspector_token);
    request("POST", "/collections/monuments/items", h);
    SP_CHECK(a.status == 403);
    SP_CHECK(is_error("Forbidden"));
    SP_CHECK_CONTAINS(a.body, "editor role");
    snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", inspector_token);
    request("GET", "/auth/me", h);
    SP_CHECK(a.status == 200);
    SP_CHECK_CONTAINS(a.body, "test-inspector");
}

static void test_http__etag_304_and_cache_control(void)
{
    request("GET", "/collections", NULL);
    SP_CHECK(a.status == 200);
    SP_CHECK_STR(header("Cache-Control"), "public, max-age=60");
    char etag[128], h[256];
    snprintf(etag, sizeof etag, "%s", header("ETag"));
    SP_CHECK(etag[0] == '"');
    request("GET", "/collections", NULL); /* from the response cache: the same ETag */
    SP_CHECK(a.status == 200);
    SP_CHECK_STR(header("ETag"), etag);
    snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
    request("GET", "/collections", h);
    SP_CHECK(a.status == 304);
    SP_CHECK_STR(a.body, "");
    request("GET", "/collections", "If-None-Match: \"other\"\r\n");
    SP_CHECK(a.status == 200);
    request("GET", "/healthz", NULL);
    SP_CHECK(a.status == 200);
    SP_CHECK_STR(header("Cache-Control"), "no-store");
}

static void test_http__links_never_take_the_host_header(void)
{
    char base[64];
    snprintf(base, sizeof base, "\"http://127.0.0.1:%d/collections", port);
    request("GET", "/collections?f=json", "Host: evil.example\r\n");
    SP_CHECK(a.status == 200);
    SP_CHECK_CONTAINS(a.body, base);
    SP_CHECK(!strstr(a.body, "evil.example"));
}

/* An empty registry in dir, an inspector and a token for it. */
static int registry(const char *dir, char *db_path, size_t size)
{
    sp_err err = {0};
    sp_db *db = NULL;
    char hash[SP_AUTH_HASH_MAX], expires[32];
    unsigned char token_hash[SP_AUTH_TOKEN_HASH];
    sp_db_user u;
    int found = 0;
    snprintf(db_path, size, "%s/r.sqlite", dir);
    if (sp_auth_init(&err) != SP_OK || sp_db_open(db_path, SP_DB_READWRITE, &db, &err) != SP_OK ||
        sp_auth_hash_password("test-password-1", hash, &err) != SP_OK ||
        sp_db_user_add(db, "test-inspector", hash, "inspector", "Test", &err) != SP_OK ||
        sp_db_user_by_login(db, "test-inspector", &u, &found, &err) != SP_OK || !found) {
        fprintf(stderr, "registry: %s\n", err.msg);
        sp_db_close(db);
        return -1;
    }
    sp_auth_new_token(inspector_token, token_hash);
    int rc = sp_db_token_add(db, u.id, token_hash, sizeof token_hash, "+1 hours", expires, &err);
    sp_db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_http__unknown_path_is_404", test_http__unknown_path_is_404},
        {"test_http__refused_method_is_405_with_allow",
         test_http__refused_method_is_405_with_allow},
        {"test_http__bad_parameter_is_400", test_http__bad_parameter_is_400},
        {"test_http__role_is_checked_before_the_handler",
         test_http__role_is_checked_before_the_handler},
        {"test_http__etag_304_and_cache_control", test_http__etag_304_and_cache_control},
        {"test_http__links_never_take_the_host_header",
         test_http__links_never_take_the_host_header},
        {NULL, NULL},
    };
    char dir[] = "/tmp/spadok-test-http-XXXXXX", db_path[512], cmd[600];
    sp_err err = {0};
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir) || registry(dir, db_path, sizeof db_path) != SP_OK)
        return 1;
    sp_http_config cfg = {0};
    cfg.db_path = db_path;
    cfg.bind = "127.0.0.1";
    cfg.threads = 2;
    cfg.timeout_s = SP_TEST_TIMEOUT_S;
    int rc = 1;
    if (sp_http_start(&cfg, &server, &err) == SP_OK) {
        port = sp_http_port(server);
        rc = sp_test_main(argc, argv, cases);
        sp_http_stop(server, 1);
    } else
        fprintf(stderr, "server: %s\n", err.msg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}
