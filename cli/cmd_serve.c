/* cli/cmd_serve.c - `spadok serve`: migrate the database if needed, start the HTTP server,
 * wait for SIGTERM or SIGINT, then stop gracefully (requests in flight finish). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sp_cli.h"
#include "sp_db.h"
#include "sp_http.h"
#include "sp_log.h"

#define SP_SERVE_GRACE_S 10

int sp_cmd_serve(int argc, char **argv)
{
    const char *db_path = NULL, *bind = "127.0.0.1", *port_s = "8080", *threads_s = NULL;
    const sp_cli_opt opts[] = {
        {"db", "FILE", "registry database", &db_path, NULL},
        {"bind", "ADDR", "IPv4 address to listen on (default 127.0.0.1)", &bind, NULL},
        {"port", "N", "port (default 8080; 0 picks a free one, printed in the first log line)",
         &port_s, NULL},
        {"threads", "N", "worker threads (default: number of cores)", &threads_s, NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok serve --db FILE [--bind ADDR] [--port N] [--threads N]",
                            "Serve the registry over HTTP: OGC API - Features (GeoJSON), "
                            "OpenAPI at /api.\nStops gracefully on SIGTERM or SIGINT.",
                            opts, 0, 0};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    char *end;
    long port = strtol(port_s, &end, 10);
    long threads = threads_s ? strtol(threads_s, &end, 10) : 0;
    if (!db_path || *port_s == '\0' || port < 0 || port > 65535 || threads < 0 || threads > 256) {
        fprintf(stderr, "spadok: serve needs --db FILE, a --port from 0 to 65535 and at most "
                        "256 --threads\n");
        return SP_EXIT_USAGE;
    }
    struct stat sb;
    if (stat(db_path, &sb) != 0) {
        fprintf(stderr,
                "spadok: %s: no such database (create it with spadok import or "
                "spadok migrate)\n",
                db_path);
        return SP_EXIT_FAIL;
    }
    sp_err err = {0};
    sp_db *db = NULL;
    if (sp_db_open(db_path, SP_DB_READWRITE, &db, &err) != SP_OK) /* applies migrations */
        return sp_cli_fail(err.msg);
    sp_db_close(db);

    /* Signals are taken by sigwait below: block them before any thread starts. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    sp_http_config cfg = {db_path, bind, (int)port, (int)threads, 0, 0};
    sp_http_server *srv = NULL;
    if (sp_http_start(&cfg, &srv, &err) != SP_OK)
        return sp_cli_fail(err.msg);
    sp_log(SP_LOG_INFO, "msg=listening addr=%s port=%d url=http://%s:%d/", bind, sp_http_port(srv),
           bind, sp_http_port(srv));
    int sig = 0;
    sigwait(&stop, &sig);
    sp_log(SP_LOG_INFO, "msg=stopping signal=%d", sig);
    sp_http_stop(srv, SP_SERVE_GRACE_S);
    sp_log(SP_LOG_INFO, "msg=stopped");
    return SP_EXIT_OK;
}
