/* cli/cmd_export.c - `spadok export`. */
#include <stdio.h>

#include "sp_cli.h"
#include "sp_exp.h"

int sp_cmd_export(int argc, char **argv)
{
    const char *db_path = NULL, *format = NULL;
    int quiet = 0;
    const sp_cli_opt opts[] = {
        {"db", "FILE", "registry database", &db_path, NULL},
        {"format", "F", "gpkg, geojson, csv or kml", &format, NULL},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok export --db FILE --format gpkg|geojson|csv|kml OUT",
                            "Write every monument with all its fields (UTF-8) through GDAL.", opts,
                            1, 1};
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
    rc = sp_exp_run(db, format, argv[first], 0, !quiet, &n, &err);
    sp_db_close(db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    printf("exported %lld monuments to %s\n", n, argv[first]);
    return SP_EXIT_OK;
}
