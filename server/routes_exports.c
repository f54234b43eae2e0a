/* server/routes_exports.c - /exports/monuments.{gpkg,geojson,csv,kml}: the whole registry as
 * a download, written through GDAL (exporters/) once per data version into a cache folder
 * beside the database, then sent from the file. One export is written at a time; older
 * versions are removed when a newer one is written. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"
#include "sp_exp.h"

static pthread_mutex_t export_lock = PTHREAD_MUTEX_INITIALIZER; /* one GDAL export at a time */

typedef struct export_kind {
    const char *ext, *format, *content_type;
} export_kind;

static const export_kind kinds[] = {
    {"gpkg", "gpkg", "application/geopackage+sqlite3"},
    {"geojson", "geojson", "application/geo+json"},
    {"csv", "csv", "text/csv; charset=utf-8"},
    {"kml", "kml", "application/vnd.google-earth.kml+xml"},
};

/* Removes monuments-*.<ext> (and CSV side files) other than keep. */
static void remove_old(const char *dir, const char *ext, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4096 + 260];
    while ((e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (strncmp(e->d_name, "monuments-", 10) != 0 || !dot || strcmp(keep, e->d_name) == 0)
            continue;
        size_t stem = (size_t)(dot - e->d_name), keep_stem = strcspn(keep, ".");
        if (strcmp(dot + 1, ext) == 0 ||
            (strcmp(ext, "csv") == 0 && (stem != keep_stem || strncmp(e->d_name, keep, stem)) &&
             (strcmp(dot, ".csvt") == 0 || strcmp(dot, ".prj") == 0))) {
            if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
                unlink(path);
        }
    }
    closedir(d);
}

int sp_route_export(sp_http_req *r)
{
    int rc = SP_OK;
    const char *dir = r->cfg->exports_dir;
    const char *file = sp_http_param(r, "file");
    const export_kind *k = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "monuments.%s", kinds[i].ext);
        if (strcmp(file, name) == 0)
            k = &kinds[i];
    }
    if (!k && strcmp(file, "README.txt") == 0) { /* what the downloads are, whose data */
        sp_err err = {0};
        if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
            return rc;
        if (sp_exp_about(r->db, 1, &r->body, &err) != SP_OK)
            return sp_http_error_from(r, &err);
        r->content_type = "text/plain; charset=utf-8";
        return SP_OK;
    }
    if (!k || !dir)
        return sp_http_error(r, 404, "NotFound",
                             "no export '%.60s' (monuments.gpkg, .geojson, .csv, .kml, "
                             "README.txt)",
                             file);
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    char name[64], path[4200];
    snprintf(name, sizeof name, "monuments-%lld.%s", (long long)r->data_version, k->ext);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sp_err err = {0};
    pthread_mutex_lock(&export_lock);
    struct stat st;
    if (stat(path, &st) != 0) {
        long long n = 0;
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            rc = sp_err_set(&err, SP_EIO, "cannot create %s: %s", dir, strerror(errno));
        if (rc == SP_OK)
            rc = sp_exp_run(r->db, k->format, path, 1, 0, &n, &err);
        if (rc == SP_OK)
            remove_old(dir, k->ext, name);
    }
    pthread_mutex_unlock(&export_lock);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return sp_http_error(r, 500, "ServerError", "export not readable");
    }
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    r->content_type = k->content_type;
    r->cache_control = "public, max-age=300";
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"monuments.%s\"",
             k->ext);
    return SP_OK;
}
