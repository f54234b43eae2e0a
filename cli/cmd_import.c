/* cli/cmd_import.c - `spadok import`: options, the summary line, the first rejections. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
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

/* A conflict or a missing record, as one line: what, the two values, who changed it. */
static void on_conflict(void *ctx, const sp_db_conflict *c)
{
    shown *s = ctx;
    if (s->n < SP_SHOWN_PROBLEMS && strcmp(c->kind, "missing") == 0)
        snprintf(s->lines[s->n], sizeof s->lines[0],
                 "  missing: %s %lld key %s (%.80s) is no longer in the source: kept, %s",
                 c->entity, (long long)c->entity_id, c->source_id ? c->source_id : "-",
                 c->name ? c->name : "",
                 strcmp(c->status, "open") == 0 ? "flagged for review" : "reported");
    else if (s->n < SP_SHOWN_PROBLEMS)
        snprintf(s->lines[s->n], sizeof s->lines[0],
                 "  conflict %lld: %s %lld (%.60s) %s: source '%.100s', current '%.100s' "
                 "(changed by %s at %s): kept",
                 (long long)c->id, c->entity, (long long)c->entity_id, c->name ? c->name : "",
                 c->field, c->source_value ? c->source_value : "",
                 c->current_value ? c->current_value : "", c->changed_by ? c->changed_by : "?",
                 c->changed_at ? c->changed_at : "?");
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
    const char *db_path = NULL, *missing = "report";
    int quiet = 0;
    sp_imp_options opt = {0};
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file (created when missing) or a postgresql:// URI",
         &db_path, NULL},
        {"mapping", "M.json", "field mapping (default: fields named like the model)",
         &opt.mapping_path, NULL},
        {"layer", "NAME", "import only this layer", &opt.layer, NULL},
        {"source-crs", "CRS", "CRS of the source, e.g. EPSG:6384 (overrides the file's)",
         &opt.source_crs, NULL},
        {"dataset", "NAME", "data set name that scopes source ids (default: mapping or file)",
         &opt.dataset, NULL},
        {"title", "TEXT", "the data set's title", &opt.about.title, NULL},
        {"publisher", "TEXT", "who publishes the data set", &opt.about.publisher, NULL},
        {"licence", "SPDX",
         "its licence as an SPDX id, e.g. CC-BY-4.0, ODbL-1.0 (default: the "
         "mapping's, else unknown)",
         &opt.about.licence, NULL},
        {"licence-url", "URL", "the licence's text", &opt.about.licence_url, NULL},
        {"attribution", "TEXT",
         "the credit the licence asks for, e.g. \"(c) OpenStreetMap "
         "contributors\"",
         &opt.about.attribution, NULL},
        {"prefer-source", NULL, "take the source's values over people's edits (audited)", NULL,
         &opt.prefer_source},
        {"missing", "report|flag",
         "records of the data set no longer in it: list them (report) "
         "or flag them for review (flag); never deleted",
         &missing, NULL},
        {"dry-run", NULL, "validate everything, write nothing", NULL, &opt.is_dry_run},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {
        "spadok import --db FILE [--mapping M.json] [--layer L] [--dry-run] "
        "[--source-crs EPSG:N] FILE...",
        "Import monuments (or districts, by mapping) from any OGR source. Every record ends\n"
        "inserted, updated, unchanged, conflicted or rejected; rejections are kept with their\n"
        "reason. A re-import updates only the values that still come from its data set: a\n"
        "value a person changed since is kept and listed as a conflict for an editor.\n"
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
    if (strcmp(missing, "report") != 0 && strcmp(missing, "flag") != 0) {
        fprintf(stderr, "spadok: --missing is report or flag, not '%s'\n", missing);
        return SP_EXIT_USAGE;
    }
    opt.missing = strcmp(missing, "flag") == 0 ? SP_IMP_MISSING_FLAG : SP_IMP_MISSING_REPORT;
    opt.show_progress = !quiet;
    shown problems = {0}, conflicts = {0};
    opt.on_reject = on_reject;
    opt.reject_ctx = &problems;
    opt.on_conflict = on_conflict;
    opt.conflict_ctx = &conflicts;
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
    for (int i = 0; i < conflicts.n && i < SP_SHOWN_PROBLEMS; i++)
        fprintf(stderr, "%s\n", conflicts.lines[i]);
    if (conflicts.n > SP_SHOWN_PROBLEMS)
        fprintf(stderr, "  ... and %d more conflicts and missing records\n",
                conflicts.n - SP_SHOWN_PROBLEMS);
    printf("read %lld = inserted %lld + updated %lld + unchanged %lld + conflicted %lld + "
           "rejected %lld (repaired %lld, reports %lld, missing %lld)",
           c->read, c->inserted, c->updated, c->unchanged, c->conflicted, c->rejected, c->repaired,
           c->reports, c->missing);
    if (opt.is_dry_run)
        printf(" - dry run, nothing written\n");
    else
        printf(" - import run %lld%s%s\n", res.run_id,
               c->rejected || c->repaired ? ", details in table import_error" : "",
               c->conflicted || c->missing ? "; conflicts for an editor in import_conflict "
                                             "(/department/conflicts)"
                                           : "");
    return SP_EXIT_OK;
}
