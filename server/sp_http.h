/* server/sp_http.h - `spadok serve`: the registry over HTTP (OGC API - Features and friends)
 * on libmicrohttpd. Reads are public; each worker thread has its own read-only connection
 * to the database. */
#ifndef SP_HTTP_H
#define SP_HTTP_H

#include "sp_err.h"

/* Slow clients (slowloris) hold a connection each; one address may hold at most max_per_ip
 * of them, so it cannot take the max_connections that everyone shares. */
#define SP_HTTP_MAX_CONNECTIONS  4096
#define SP_HTTP_MAX_PER_IP       256
#define SP_HTTP_CITIZEN_PER_HOUR 20
#define SP_HTTP_CITIZEN_PIXELS   (24LL * 1000 * 1000) /* a phone's photo, not a poster */

typedef struct sp_http_config {
    const char *db_path;
    /* A streaming replica of db_path (PostgreSQL) that public reads go to; writes, requests
     * with a token, and the reads of a client that wrote since the replica last caught up go to
     * db_path. NULL: all to db_path. */
    const char *read_db_path;
    const char *bind;           /* address, default 127.0.0.1 */
    int port;                   /* 0: any free port (printed in the first log line) */
    int threads;                /* worker threads, default: number of cores */
    int max_connections;        /* default SP_HTTP_MAX_CONNECTIONS */
    int max_per_ip;             /* connections from one address; default SP_HTTP_MAX_PER_IP */
    int timeout_s;              /* idle connection timeout */
    int tile_cache_mb;          /* size bound of the tile cache; 0: no cache */
    const char *tiles_path;     /* the tile cache file (`spadok serve`: <db>.tiles); NULL: none */
    const char *exports_dir;    /* the downloads' folder (<db>.exports); NULL: no /exports */
    const char *photos_dir;     /* the photo folder; NULL: no photo uploads */
    long long max_photo_bytes;  /* per upload (413 beyond) */
    long long max_photo_pixels; /* per photo (413 beyond); 0: the photo module's default */
    /* The web map's base map: an XYZ URL template (http or https, with {z}, {x} and {y}) and
     * its attribution; NULL: none (a plain background, which works offline). */
    const char *basemap_url, *basemap_attribution;
    /* Citizens' reports accepted per client address in any hour (429 beyond); 0: the
     * default SP_HTTP_CITIZEN_PER_HOUR. Raise it where many citizens share an address. */
    int citizen_per_hour;
    /* The reverse proxy in front (an address or CIDR block, e.g. 127.0.0.1/32): only from it
     * is X-Forwarded-For taken as the client's address (limits); NULL: never. */
    const char *trusted_proxy;
    /* Per photo of a citizen's (anonymous) report, lower than staff's: decoding costs time
     * and memory; 0: the default SP_HTTP_CITIZEN_PIXELS. */
    long long max_citizen_pixels;
    /* Heavy requests (photo decoding, sign-in, export rebuilds) run at once in a pool of
     * this many threads, as many more wait, beyond that 503; 0: the number of cores. */
    int heavy_jobs;
    /* What absolute links start with (scheme://host[:port][/path]), since the server may sit
     * behind a proxy; NULL: http://BIND:PORT as it listens. The Host header is never read. */
    const char *public_url;
} sp_http_config;

typedef struct sp_http_server sp_http_server;

int sp_http_start(const sp_http_config *cfg, sp_http_server **out, sp_err *err);
int sp_http_port(const sp_http_server *s);
/* Stops accepting, lets requests in flight finish (up to grace_s seconds), frees. */
void sp_http_stop(sp_http_server *s, int grace_s);

#endif
