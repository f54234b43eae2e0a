/* tests/fuzz/fuzz_http.c - the in-process server and the loopback client of the HTTP fuzz
 * targets; see fuzz_http.h. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_http.h"
#include "sp_auth.h"
#include "sp_db_reports.h"
#include "sp_db_users.h"
#include "sp_http.h"
#include "sp_imp.h"
#include "sp_photo.h"

#define SP_FUZZ_TIMEOUT_S     20 /* no answer in this time is a hang: a finding */
#define SP_FUZZ_IDLE_S        3  /* the server closes idle connections after this */
#define SP_FUZZ_HALF_CLOSE_MS 20 /* no answer in this time: the request may be incomplete */
#define SP_FUZZ_PHOTO_BYTES   (2 * 1024 * 1024)
#define SP_FUZZ_PHOTO_PIXELS  (4 * 1000 * 1000)
#define SP_FUZZ_TILE_MB       16
#define SP_FUZZ_ANSWER_MAX    (64 * 1024 * 1024) /* bytes of an answer read at most */

static sp_http_server *server;
static int port;
static unsigned next_client; /* the loopback address of the next connection */
/* File descriptor 0 as the server started: the server must never close a file descriptor it
 * does not own, and 0 is the one a zeroed struct names (once closed, the number is reused by
 * the next socket or database file, which a second close then pulls from under its owner). */
static struct stat fd0;

static void check_fd0(const uint8_t *input, size_t size)
{
    struct stat st;
    if (fstat(0, &st) != 0 || st.st_dev != fd0.st_dev || st.st_ino != fd0.st_ino)
        sp_fuzz_fail(input, size, "the server closed file descriptor 0, which is not its own");
}

static void stop_server(void)
{
    sp_http_stop(server, 1); /* every request completed: any wrong close() has happened */
    server = NULL;
    check_fd0(NULL, 0);
}

typedef struct staff {
    const char *login, *role, *mark;
    char token[SP_AUTH_TOKEN_LEN];
    int64_t id;
} staff;

static staff accounts[] = {
    {"fuzz-editor", "editor", SP_FUZZ_EDITOR, "", 0},
    {"fuzz-inspector", "inspector", SP_FUZZ_INSPECTOR, "", 0},
};
#define NACCOUNTS ((int)(sizeof accounts / sizeof accounts[0]))

/* What the registry has beside the sample, so that every route has something to show:
 * an approved condition report on monument 1, a protection zone, a citizen's report waiting
 * for moderation. */
static void add_records(sp_db *db)
{
    static const char report[] = "{\"report_type\":\"inspection\",\"observed_on\":\"2024-05-01\","
                                 "\"condition\":\"satisfactory\",\"damage_level\":\"minor\","
                                 "\"causes\":[\"shelling\"],\"description\":\"Тріщини фасаду\"}";
    static const char zone[] =
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[30.51,50.45],"
        "[30.52,50.45],[30.52,50.46],[30.51,50.46],[30.51,50.45]]]},\"properties\":"
        "{\"zone_type\":\"protection_zone\",\"name_uk\":\"Охоронна зона\",\"monument_id\":1}}";
    sp_vocab *v = sp_vocab_new();
    sp_imp_body how = {SP_IMP_CREATE, NULL, 0, 0};
    sp_imp_feature f, z;
    sp_db_actor actor = {accounts[0].login, accounts[0].role, 0, 0};
    sp_db_citizen_in citizen = {.monument_id = 1,
                                .description = "Обвалився дах",
                                .contact = "+380 00 000 00 00",
                                .client = "127.0.0.1"};
    int64_t id;
    int changed;
    char ref[32];
    sp_err err = {0};
    if (!v || sp_db_load_vocab(db, v, &err) != SP_OK ||
        sp_imp_feature_parse(report, strlen(report), sp_model_entity(SP_ENT_REPORT), v, &how, &f,
                             &err) != SP_OK ||
        sp_imp_feature_parse(zone, strlen(zone), sp_model_entity(SP_ENT_ZONE), v, &how, &z, &err) !=
            SP_OK)
        sp_fuzz_fail(NULL, 0, "records: %s", err.msg);
    sp_db_report_in in = {1, f.rec.values, 0, NULL};
    if (sp_db_report_create(db, &in, &actor, accounts[0].id, &id, &err) != SP_OK ||
        sp_db_item_save(db, 0, 0, &z.rec, &actor, &id, &changed, &err) != SP_OK ||
        sp_db_citizen_add(db, &citizen, &id, ref, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "records: %s", err.msg);
    sp_imp_feature_clear(&f);
    sp_imp_feature_clear(&z);
    sp_vocab_free(v);
}

/* The staff accounts and their tokens; then add_records. */
static void add_staff_and_records(sp_db *db)
{
    char hash[SP_AUTH_HASH_MAX];
    unsigned char token_hash[SP_AUTH_TOKEN_HASH];
    char expires[32];
    sp_err err = {0};
    if (sp_auth_hash_password("fuzz-password-1", hash, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "password: %s", err.msg);
    for (int i = 0; i < NACCOUNTS; i++) {
        staff *a = &accounts[i];
        sp_db_user u;
        int found = 0;
        if (sp_db_user_add(db, a->login, hash, a->role, a->login, &err) != SP_OK ||
            sp_db_user_by_login(db, a->login, &u, &found, &err) != SP_OK || !found)
            sp_fuzz_fail(NULL, 0, "staff account: %s", err.msg);
        a->id = u.id;
        sp_auth_new_token(a->token, token_hash);
        if (sp_db_token_add(db, u.id, token_hash, sizeof token_hash, "+100 days", expires, &err))
            sp_fuzz_fail(NULL, 0, "token: %s", err.msg);
    }
    add_records(db);
}

void sp_fuzz_http_start(void)
{
    static char db_path[512], photos[512], tiles[512], exports[512];
    sp_err err = {0};
    sp_fuzz_quiet();
    signal(SIGPIPE, SIG_IGN);
    if (fcntl(0, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != 0)
        sp_fuzz_fail(NULL, 0, "cannot open /dev/null as file descriptor 0");
    fstat(0, &fd0);
    if (sp_auth_init(&err) != SP_OK || sp_photo_init("spadok", &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "%s", err.msg);
    sp_fuzz_path("http.sqlite", db_path, sizeof db_path);
    sp_fuzz_path("photos", photos, sizeof photos);
    sp_fuzz_path("http.sqlite.tiles", tiles, sizeof tiles);
    sp_fuzz_path("http.sqlite.exports", exports, sizeof exports);
    sp_db *db = sp_fuzz_sample_db(db_path);
    add_staff_and_records(db);
    sp_db_close(db);
    sp_http_config cfg = {0};
    cfg.db_path = db_path;
    cfg.bind = "127.0.0.1";
    cfg.threads = 1; /* one request at a time anyway; one connection to reason about */
    cfg.timeout_s = SP_FUZZ_IDLE_S;
    cfg.tile_cache_mb = SP_FUZZ_TILE_MB;
    cfg.photos_dir = photos;
    cfg.tiles_path = tiles;
    cfg.exports_dir = exports;
    cfg.max_photo_bytes = SP_FUZZ_PHOTO_BYTES;
    cfg.max_photo_pixels = SP_FUZZ_PHOTO_PIXELS;
    if (sp_http_start(&cfg, &server, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "server: %s", err.msg);
    port = sp_http_port(server);
    atexit(stop_server);
}

void sp_fuzz_http_target(sp_strbuf *b, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        if (s[i] > 0x20 && s[i] < 0x7f && s[i] != '#') {
            sp_strbuf_append(b, (const char *)&s[i], 1);
        } else {
            char e[3] = {'%', hex[s[i] >> 4], hex[s[i] & 15]};
            sp_strbuf_append(b, e, 3);
        }
    }
}

/* The request with the token marks replaced. */
static void with_tokens(sp_strbuf *out, const char *req, size_t len)
{
    for (size_t i = 0; i < len;) {
        int k = 0;
        size_t mark = 0;
        for (; k < NACCOUNTS; k++) {
            mark = strlen(accounts[k].mark);
            if (len - i >= mark && memcmp(req + i, accounts[k].mark, mark) == 0)
                break;
        }
        if (k < NACCOUNTS) {
            sp_strbuf_puts(out, accounts[k].token);
            i += mark;
        } else {
            sp_strbuf_append(out, req + i, 1);
            i++;
        }
    }
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        sp_fuzz_fail(NULL, 0, "socket: %s", strerror(errno));
    struct timeval tv = {SP_FUZZ_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    /* 127.1.x.y: all of 127/8 is this machine, and each client address is counted apart. */
    unsigned n = next_client++ % (254 * 254);
    struct sockaddr_in me = {0}, to = {0};
    me.sin_family = to.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((n / 254 + 1) << 8) | (n % 254 + 1));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0)
        sp_fuzz_fail(NULL, 0, "bind to %s: %s", inet_ntoa(me.sin_addr), strerror(errno));
    int rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    if (rc != 0 && errno == EINTR) { /* libFuzzer's timer: the connection goes on meanwhile */
        struct pollfd pfd = {fd, POLLOUT, 0};
        int error = 0;
        socklen_t len = sizeof error;
        while (poll(&pfd, 1, SP_FUZZ_TIMEOUT_S * 1000) < 0 && errno == EINTR)
            ;
        rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && !error ? 0 : -1;
        errno = error;
    }
    if (rc != 0)
        sp_fuzz_fail(NULL, 0, "connect to 127.0.0.1:%d: %s", port, strerror(errno));
    return fd;
}

/* Bytes of the answer's first message (status line, headers, body) once they are all in
 * a[0..n): 0 while more are needed, or when only the end of the connection tells. A 1xx
 * interim answer counts as its own message. */
static size_t message_end(const char *a, size_t n, int is_head)
{
    const char *end = memmem(a, n, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end - a) + 4;
    int status = n >= 12 && strncmp(a, "HTTP/1.", 7) == 0 ? atoi(a + 9) : 0;
    if (is_head || (status >= 100 && status < 200) || status == 204 || status == 304)
        return head;
    for (const char *p = a; p < end;) { /* Content-Length, any case */
        const char *eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
        if (eol - p > 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
            unsigned long long len = strtoull(p + 15, NULL, 10);
            return n - head >= len ? head + (size_t)len : 0;
        }
        p = eol + 2;
    }
    return 0;
}

/* 1 for a 5xx that breaks the rule "bad input gets a clear 4xx". Not: 503 (busy), 507 (the
 * disk is full: not the request's fault), and libmicrohttpd's own refusals of what is not
 * HTTP/1.x as it implements it, sent before any of our code runs (so without the headers
 * every answer of ours has): 505 (HTTP/2.1) and 501 (a Transfer-Encoding but chunked). */
static int is_server_error(int status, const char *head, size_t head_len)
{
    int is_ours = memmem(head, head_len, "\r\nX-Content-Type-Options:", 26) != NULL;
    return status >= 500 && status != 503 && status != 507 &&
           !((status == 505 || status == 501) && !is_ours);
}

int sp_fuzz_http_send(const char *req, size_t len, const uint8_t *input, size_t input_size)
{
    sp_strbuf out = {0}, answer = {0};
    with_tokens(&out, req, len);
    int fd = connect_server();
    for (size_t sent = 0; sent < out.len;) {
        ssize_t k = send(fd, out.data + sent, out.len - sent, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break; /* the server may answer (413) and close before reading everything */
        sent += (size_t)k;
    }
    /* No answer yet: the request may be incomplete, and ending our side ends it at once
     * (without an answer). Not straight after sending: libmicrohttpd (edge-triggered epoll)
     * does not notice an end that arrives together with the request's last bytes, and would
     * then wait out its idle timeout before closing. */
    struct pollfd pfd = {fd, POLLIN, 0};
    int ready;
    while ((ready = poll(&pfd, 1, SP_FUZZ_HALF_CLOSE_MS)) < 0 && errno == EINTR)
        ;
    if (ready == 0)
        shutdown(fd, SHUT_WR);
    /* Read until the first final answer is whole: a keep-alive connection (a raw request
     * without Connection: close) is not closed by the server when it is done. */
    int is_head = out.len >= 5 && memcmp(out.data, "HEAD ", 5) == 0, is_timeout = 0;
    size_t skip = 0, end = 0; /* 1xx interim answers skipped */
    char buf[16384];
    while (!end) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            is_timeout = k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            break;
        }
        if (answer.len > SP_FUZZ_ANSWER_MAX)
            break; /* a status is all that is checked */
        sp_strbuf_append(&answer, buf, (size_t)k);
        for (;;) {
            size_t e = message_end(answer.data + skip, answer.len - skip, is_head);
            if (e && answer.len - skip >= 12 && answer.data[skip + 9] == '1') {
                skip += e;
                continue;
            }
            end = e;
            break;
        }
    }
    close(fd);
    check_fd0(input, input_size);
    const char *a = sp_strbuf_cstr(&answer) + skip;
    int status = 0;
    if (strncmp(a, "HTTP/1.", 7) == 0 && answer.len - skip >= 12)
        status = atoi(a + 9);
    if (is_timeout && !status)
        sp_fuzz_fail(input, input_size, "no answer in %d s to:\n%.*s", SP_FUZZ_TIMEOUT_S,
                     (int)(out.len > 2000 ? 2000 : out.len), out.data);
    const char *body = strstr(a, "\r\n\r\n");
    if (is_server_error(status, a, body ? (size_t)(body - a) : strlen(a))) {
        sp_fuzz_fail(input, input_size, "status %d to:\n%.*s\nanswer: %.500s", status,
                     (int)(out.len > 2000 ? 2000 : out.len), out.data, body ? body + 4 : a);
    }
    sp_strbuf_free(&out);
    sp_strbuf_free(&answer);
    return status;
}
