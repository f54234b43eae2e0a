/* cli/cmd_export.c - `spadok export`. */
#include <stdio.h>

#include "sp_cli.h"
#include "sp_exp.h"

int sp_cmd_export(int argc, char **argv)
{
    const char *db_path = NULL, *format = NULL;
    int quiet = 0, is_public = 0;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file or a postgresql:// URI", &db_path, NULL},
        {"format", "F", "gpkg, geojson, csv or kml", &format, NULL},
        {"public", NULL, "the public view, exactly what /exports serves (default: the staff view)",
         NULL, &is_public},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {
        "spadok export --db FILE --format gpkg|geojson|csv|kml [--public] OUT",
        "Write every monument with all its fields (UTF-8) through GDAL, with the credit and\n"
        "licence of each data set it holds (in the file, or in OUT's README beside it).\n"
        "The default is the staff view, with the exact places of location-sensitive sites, and\n"
        "says so; --public writes what the registry publishes.",
        opts, 1, 1};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (!db_path || !format) {
        fprintf(stderr, "spadok: export needs --db FILE and --format F\n");
        return SP_EXIT_USAGE;
    }
    sp_err err = {0};
    sp_db *db = NULL;
    if (sp_db_open(db_path, SP_DB_READONLY, &db, &err) != SP_OK)
        return sp_cli_fail(err.msg);
    long long n = 0;
    rc = sp_exp_run(db, format, argv[first], is_public, !quiet, &n, &err);
    sp_db_close(db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    printf("exported %lld monuments to %s (%s view)\n", n, argv[first],
           is_public ? "public" : "staff");
    return SP_EXIT_OK;
}
