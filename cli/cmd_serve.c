/* cli/cmd_serve.c - `spadok serve`: migrate the database if needed, start the HTTP server,
 * wait for SIGTERM or SIGINT, then stop gracefully (requests in flight finish). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sp_auth.h"
#include "sp_cli.h"
#include "sp_db.h"
#include "sp_http.h"
#include "sp_log.h"
#include "sp_photo.h"
#include "sp_tile.h"

#define SP_SERVE_GRACE_S       10
#define SP_SERVE_SPARE_FILES   256 /* files beside the connections: databases, photos, logs */
#define SP_SERVE_TILE_CACHE_MB 256
#define SP_SERVE_PHOTO_MB      50  /* largest photo upload by default */
#define SP_SERVE_PHOTO_MP      100 /* most pixels of a photo by default (decoding costs memory) */

/* The options as given (NULL: not given). */
typedef struct serve_opts {
    const char *db_path, *bind, *port, *threads, *conns, *per_ip, *timeout, *tiles_mb, *photos,
        *photo_mb, *photo_mp, *basemap, *basemap_attribution, *citizen_per_hour, *trusted_proxy,
        *citizen_mp, *heavy_jobs, *public_url, *tile_cache, *exports, *read_db;
} serve_opts;

/* Each connection is a file descriptor: raises the soft limit of open files (up to the
 * hard one) so that *conns of them fit beside the database files, or lowers *conns to what
 * fits, saying so. -1 when not even a few connections fit. */
static int open_files_for(long *conns)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;
    rlim_t want = (rlim_t)*conns + SP_SERVE_SPARE_FILES;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        if (rl.rlim_cur < 2 * SP_SERVE_SPARE_FILES) {
            fprintf(stderr, "spadok: only %llu open files allowed (ulimit -n): too few to serve\n",
                    (unsigned long long)rl.rlim_cur);
            return -1;
        }
        *conns = (long)(rl.rlim_cur - SP_SERVE_SPARE_FILES);
        sp_log(SP_LOG_WARN, "msg=\"open files limited (ulimit -n): connections lowered\" max=%ld",
               *conns);
    }
    return 0;
}

static int serve(const serve_opts *o)
{
    const char *db_path = o->db_path, *bind = o->bind;
    long photo_mb = o->photo_mb ? sp_cli_number(o->photo_mb, 1, 4096) : SP_SERVE_PHOTO_MB;
    long photo_mp = o->photo_mp ? sp_cli_number(o->photo_mp, 1, 1000) : SP_SERVE_PHOTO_MP;
    long citizen_mp = o->citizen_mp ? sp_cli_number(o->citizen_mp, 1, 1000) : 0;
    long heavy = o->heavy_jobs ? sp_cli_number(o->heavy_jobs, 1, 256) : 0;
    if (photo_mb < 0 || photo_mp < 0 || citizen_mp < 0 || heavy < 0) {
        fprintf(stderr, "spadok: --max-photo-mb takes 1 to 4096, --max-photo-mp and "
                        "--max-citizen-photo-mp 1 to 1000, --heavy-jobs 1 to 256\n");
        return SP_EXIT_USAGE;
    }
    if (db_path && sp_db_is_server(db_path) && (!o->photos || !o->tile_cache || !o->exports)) {
        fprintf(stderr, "spadok: with a PostgreSQL --db, give --photos DIR (a folder every "
                        "node mounts), --tile-cache FILE and --exports DIR (this node's own)\n");
        return SP_EXIT_USAGE;
    }
    if (o->read_db && (!db_path || !sp_db_is_server(db_path) || !sp_db_is_server(o->read_db))) {
        fprintf(stderr, "spadok: --read-db takes a postgresql:// URI of a streaming replica of "
                        "the PostgreSQL --db\n");
        return SP_EXIT_USAGE;
    }
    char photos[4096], tiles[4096], exports[4096]; /* the defaults: beside the registry */
    const char *photos_dir =
        o->photos ? o->photos : sp_cli_beside(photos, sizeof photos, db_path, ".photos");
    const char *tiles_path =
        o->tile_cache ? o->tile_cache : sp_cli_beside(tiles, sizeof tiles, db_path, ".tiles");
    const char *exports_dir =
        o->exports ? o->exports : sp_cli_beside(exports, sizeof exports, db_path, ".exports");
    long tiles_mb = o->tiles_mb ? sp_cli_number(o->tiles_mb, 0, 1L << 20) : SP_SERVE_TILE_CACHE_MB;
    long port = sp_cli_number(o->port, 0, 65535), threads = sp_cli_number(o->threads, 1, 256);
    long conns = sp_cli_number(o->conns, 1, 100000), timeout = sp_cli_number(o->timeout, 1, 3600);
    long per_ip = sp_cli_number(o->per_ip, 1, 100000);
    long citizen = sp_cli_number(o->citizen_per_hour, 1, 1000000);
    if (!db_path || !photos_dir || !tiles_path || !exports_dir || port < 0 || threads == -2 ||
        conns == -2 || per_ip == -2 || timeout == -2 || tiles_mb < 0 || citizen == -2) {
        fprintf(stderr, "spadok: serve needs --db FILE, a --port from 0 to 65535, --threads "
                        "from 1 to 256, --max-connections and --max-per-ip from 1 to 100000, "
                        "--timeout from 1 to 3600 seconds, --tile-cache-mb from 0 to "
                        "1048576 and --citizen-reports-per-hour from 1 to 1000000\n");
        return SP_EXIT_USAGE;
    }
    if (conns <= 0)
        conns = SP_HTTP_MAX_CONNECTIONS;
    if (open_files_for(&conns) != 0)
        return SP_EXIT_FAIL;
    struct stat sb;
    if (!sp_db_is_server(db_path) && stat(db_path, &sb) != 0) {
        fprintf(stderr,
                "spadok: %s: no such database (create it with spadok import or "
                "spadok migrate)\n",
                db_path);
        return SP_EXIT_FAIL;
    }
    sp_err err = {0};
    if (sp_auth_init(&err) != SP_OK || sp_photo_init("spadok", &err) != SP_OK ||
        sp_tile_init(&err) != SP_OK)
        return sp_cli_fail(err.msg);
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

    sp_http_config cfg = {.db_path = db_path,
                          .read_db_path = o->read_db,
                          .bind = bind,
                          .port = (int)port,
                          .threads = threads > 0 ? (int)threads : 0,
                          .max_connections = (int)conns,
                          .max_per_ip = per_ip > 0 ? (int)per_ip : 0,
                          .timeout_s = timeout > 0 ? (int)timeout : 0,
                          .tile_cache_mb = (int)tiles_mb,
                          .tiles_path = tiles_path,
                          .exports_dir = exports_dir,
                          .photos_dir = photos_dir,
                          .max_photo_bytes = (long long)photo_mb * 1024 * 1024,
                          .max_photo_pixels = (long long)photo_mp * 1000 * 1000,
                          .basemap_url = o->basemap,
                          .basemap_attribution = o->basemap_attribution,
                          .citizen_per_hour = citizen > 0 ? (int)citizen : 0,
                          .trusted_proxy = o->trusted_proxy,
                          .max_citizen_pixels = (long long)citizen_mp * 1000 * 1000,
                          .heavy_jobs = (int)heavy,
                          .public_url = o->public_url};
    sp_http_server *srv = NULL;
    if (sp_http_start(&cfg, &srv, &err) != SP_OK)
        return sp_cli_fail(err.msg);
    sp_log(SP_LOG_INFO, "msg=listening addr=%s port=%d url=http://%s:%d/", bind, sp_http_port(srv),
           bind, sp_http_port(srv));
    sp_log_buffer_start(); /* after the line that says the port, which scripts wait for */
    int sig = 0;
    sigwait(&stop, &sig);
    sp_log(SP_LOG_INFO, "msg=stopping signal=%d", sig);
    sp_http_stop(srv, SP_SERVE_GRACE_S);
    sp_log(SP_LOG_INFO, "msg=stopped");
    sp_log_buffer_stop();
    return SP_EXIT_OK;
}

int sp_cmd_serve(int argc, char **argv)
{
    serve_opts o = {0};
    const char *config = NULL;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file or a postgresql:// URI", &o.db_path, NULL},
        {"read-db", "URI",
         "a streaming replica of the PostgreSQL --db (postgresql:// URI) that public reads go "
         "to (requests with a token go to the primary); a client that wrote reads from the "
         "primary until the replica has replayed its write (the cookie spadok_wal); when the "
         "replica does not answer, reads go to the primary",
         &o.read_db, NULL},
        {"bind", "ADDR", "IPv4 address to listen on (default 127.0.0.1)", &o.bind, NULL},
        {"port", "N", "port (default 8080; 0 picks a free one, printed in the first log line)",
         &o.port, NULL},
        {"threads", "N", "worker threads (default: number of cores)", &o.threads, NULL},
        {"max-connections", "N",
         "connections open at once (default 4096; lowered to what ulimit -n allows)", &o.conns,
         NULL},
        {"max-per-ip", "N",
         "connections open at once from one address (default 256), so that slow clients "
         "cannot take them all; raise it behind a proxy that connects from one address",
         &o.per_ip, NULL},
        {"timeout", "S", "seconds before an idle connection is closed (default 30)", &o.timeout,
         NULL},
        {"tile-cache-mb", "N", "size bound of the tile cache (default 256; 0: no cache)",
         &o.tiles_mb, NULL},
        {"photos", "DIR", "the photo folder (default: FILE.photos beside the database)", &o.photos,
         NULL},
        {"tile-cache", "PATH", "the tile cache file (default: FILE.tiles beside the database)",
         &o.tile_cache, NULL},
        {"exports", "DIR",
         "the folder of the downloads under /exports (default: FILE.exports beside the database)",
         &o.exports, NULL},
        {"max-photo-mb", "N", "largest photo upload in MiB (default 50; 413 beyond)", &o.photo_mb,
         NULL},
        {"max-photo-mp", "N",
         "most megapixels of a photo (default 100; 415 beyond): decoding a photo costs about 3 "
         "bytes a pixel",
         &o.photo_mp, NULL},
        {"basemap", "URL",
         "the web map's base map, an XYZ URL template such as "
         "https://tile.openstreetmap.org/{z}/{x}/{y}.png (default: none, a plain background "
         "that works offline); its origin is allowed in the pages' Content-Security-Policy",
         &o.basemap, NULL},
        {"max-citizen-photo-mp", "N",
         "most megapixels of a photo in a citizen's (anonymous) report (default 24, at most "
         "--max-photo-mp; 415 beyond): anonymous uploads cannot make the server decode posters",
         &o.citizen_mp, NULL},
        {"heavy-jobs", "N",
         "heavy requests (photo decoding, sign-in's Argon2id, export rebuilds) run at once in a "
         "pool of N threads, N more wait, beyond that 503 with Retry-After; the request threads "
         "stay free for cheap requests (default: number of cores)",
         &o.heavy_jobs, NULL},
        {"citizen-reports-per-hour", "N",
         "citizens' reports accepted per address in any hour (default 20; 429 beyond); raise it "
         "where many share an address (a proxy, a mobile network)",
         &o.citizen_per_hour, NULL},
        {"trusted-proxy", "CIDR",
         "the reverse proxy in front (an address or block, e.g. 127.0.0.1 or 10.0.0.0/8): "
         "X-Forwarded-For is taken as the client's address (for the login and report limits) "
         "only on connections from it (default: none, the header is ignored)",
         &o.trusted_proxy, NULL},
        {"basemap-attribution", "HTML",
         "the base map's attribution (default: OpenStreetMap's for openstreetmap.org tiles)",
         &o.basemap_attribution, NULL},
        {"public-url", "URL",
         "what absolute links start with, e.g. https://heritage.example/spadok behind a proxy "
         "(default: http://ADDR:PORT as the server listens; the Host header is never used)",
         &o.public_url, NULL},
        {"config", "FILE",
         "read these settings from FILE, one 'name = value' a line "
         "(the command line wins)",
         &config, NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok serve --db FILE [--bind ADDR] [--port N] [--threads N] "
                            "[--config FILE]",
                            "Serve the registry over HTTP: OGC API - Features (GeoJSON), "
                            "OpenAPI at /api.\nStops gracefully on SIGTERM or SIGINT.",
                            opts, 0, 0};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    char *config_text = NULL, msg[512];
    if (config && sp_cli_config_load(config, opts, &config_text, msg, sizeof msg) != 0)
        return sp_cli_fail(msg);
    if (!o.bind)
        o.bind = "127.0.0.1";
    if (!o.port)
        o.port = "8080";
    rc = serve(&o);
    free(config_text);
    return rc;
}
