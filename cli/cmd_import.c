/* cli/cmd_import.c - `spadok import`: options, the summary line, the first rejections. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "sp_cli.h"
#include "sp_imp.h"

#define SP_SHOWN_PROBLEMS 10

/* The first rejections, printed after the run so they do not break the progress bar. */
typedef struct shown {
    int n;
    char lines[SP_SHOWN_PROBLEMS][640];
} shown;

static void on_reject(void *ctx, const char *layer, long long row, const char *key,
                      const char *reason)
{
    shown *s = ctx;
    if (s->n < SP_SHOWN_PROBLEMS)
        snprintf(s->lines[s->n], sizeof s->lines[0], "  %s row %lld%s%s: %s", layer, row,
                 key ? " key " : "", key ? key : "", reason);
    s->n++;
}

typedef struct db_opening {
    const char *path;
    sp_db *db;
    sp_err err;
    int rc;
} db_opening;

static void *open_db(void *arg)
{
    db_opening *o = arg;
    o->rc = sp_db_open(o->path, SP_DB_FILL_NEW, &o->db, &o->err);
    return NULL;
}

int sp_cmd_import(int argc, char **argv)
{
    const char *db_path = NULL;
    int quiet = 0;
    sp_imp_options opt = {0};
    const sp_cli_opt opts[] = {
        {"db", "FILE", "registry database (created when missing)", &db_path, NULL},
        {"mapping", "M.json", "field mapping (default: fields named like the model)",
         &opt.mapping_path, NULL},
        {"layer", "NAME", "import only this layer", &opt.layer, NULL},
        {"source-crs", "CRS", "CRS of the source, e.g. EPSG:6384 (overrides the file's)",
         &opt.source_crs, NULL},
        {"dataset", "NAME", "data set name that scopes source ids (default: mapping or file)",
         &opt.dataset, NULL},
        {"dry-run", NULL, "validate everything, write nothing", NULL, &opt.is_dry_run},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {
        "spadok import --db FILE [--mapping M.json] [--layer L] [--dry-run] "
        "[--source-crs EPSG:N] FILE...",
        "Import monuments (or districts, by mapping) from any OGR source. Every record ends\n"
        "inserted, updated, unchanged or rejected; rejections are kept with their reason.\n"
        "Condition reports (inspections, damage) of existing monuments, one per row: a mapping\n"
        "with \"target\": \"condition_report\", a key and the monument's protection number.",
        opts, 1, -1};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (!db_path) {
        fprintf(stderr, "spadok: import needs --db FILE\n");
        return SP_EXIT_USAGE;
    }
    opt.show_progress = !quiet;
    shown problems = {0};
    opt.on_reject = on_reject;
    opt.reject_ctx = &problems;
    /* Sources are opened (GDAL reads a GeoJSON once to learn its fields) while another
     * thread opens, and for a new file creates, the database. */
    sp_err err = {0};
    db_opening dbo = {db_path, NULL, {0}, SP_OK};
    pthread_t opener;
    int has_opener = pthread_create(&opener, NULL, open_db, &dbo) == 0;
    if (!has_opener)
        open_db(&dbo);
    sp_imp_source *src = NULL;
    rc = sp_imp_open((const char *const *)argv + first, argc - first, &opt, &src, &err);
    if (has_opener)
        pthread_join(opener, NULL);
    if (rc == SP_OK && dbo.rc != SP_OK)
        rc = dbo.rc, err = dbo.err;
    sp_imp_result res;
    if (rc == SP_OK)
        rc = sp_imp_run_source(dbo.db, src, &res, &err);
    sp_imp_close(src);
    sp_db_close(dbo.db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    const sp_import_counts *c = &res.counts;
    for (int i = 0; i < problems.n && i < SP_SHOWN_PROBLEMS; i++)
        fprintf(stderr, "%s\n", problems.lines[i]);
    if (problems.n > SP_SHOWN_PROBLEMS)
        fprintf(stderr, "  ... and %d more\n", problems.n - SP_SHOWN_PROBLEMS);
    printf("read %lld = inserted %lld + updated %lld + unchanged %lld + rejected %lld"
           " (repaired %lld, reports %lld)",
           c->read, c->inserted, c->updated, c->unchanged, c->rejected, c->repaired, c->reports);
    if (opt.is_dry_run)
        printf(" - dry run, nothing written\n");
    else
        printf(" - import run %lld%s\n", res.run_id,
               c->rejected || c->repaired ? ", details in table import_error" : "");
    return SP_EXIT_OK;
}
