/* cli/cmd_basemap.c - `spadok basemap import`: loads base-map data (OpenStreetMap or any OGR
 * source) into the registry, replacing the base map before it (importers/basemap.c), for
 * /tiles/basemap/... to draw offline. */
#include <stdio.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_imp.h"

int sp_cmd_basemap(int argc, char **argv)
{
    const char *db_path = NULL;
    int quiet = 0;
    sp_imp_basemap_options opt = {.dataset = "basemap"};
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file (created when missing) or a postgresql:// URI",
         &db_path, NULL},
        {"dataset", "NAME", "the data set it is credited as (default: basemap)", &opt.dataset,
         NULL},
        {"title", "TEXT", "the data set's title (OSM files: OpenStreetMap)", &opt.about.title,
         NULL},
        {"publisher", "TEXT", "who publishes the data", &opt.about.publisher, NULL},
        {"licence", "SPDX", "its licence as an SPDX id (OSM files: ODbL-1.0; else unknown)",
         &opt.about.licence, NULL},
        {"licence-url", "URL", "the licence's text", &opt.about.licence_url, NULL},
        {"attribution", "TEXT",
         "the credit its licence asks for (OSM files: \"(c) OpenStreetMap contributors\")",
         &opt.about.attribution, NULL},
        {"class", "CLASS",
         "every feature is of this class, for a source without OSM tags: road_motorway, "
         "road_primary, road_secondary, road_tertiary, road_minor, road_service, road_path, "
         "rail, tram, river, stream, water, wood, park, cemetery, industrial, building, "
         "place_city, place_town, place_village, place_minor",
         &opt.class_code, NULL},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {
        "spadok basemap import --db FILE [--licence SPDX --attribution TEXT] [--class C] FILE...",
        "Load a base map (streets, railways, water, green, buildings, place names) from\n"
        "OpenStreetMap files (.osm.pbf, .osm) or any OGR source whose fields are named like\n"
        "OSM's keys (highway, waterway, natural, landuse, building, place, name, name:en), for\n"
        "/tiles/basemap/... It replaces the base map before it in one transaction.",
        opts, 2, -1};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (strcmp(argv[first], "import") != 0 || !db_path) {
        fprintf(stderr, "spadok: basemap needs import, --db FILE and the files to load\n");
        return SP_EXIT_USAGE;
    }
    if (opt.class_code && !sp_imp_basemap_class_known(opt.class_code)) {
        fprintf(stderr, "spadok: --class %s: no such base-map class (see --help)\n",
                opt.class_code);
        return SP_EXIT_USAGE;
    }
    opt.show_progress = !quiet;
    sp_err err = {0};
    sp_db *db = NULL;
    sp_imp_basemap_result res;
    rc = sp_db_open(db_path, SP_DB_READWRITE, &db, &err);
    if (rc == SP_OK)
        rc = sp_imp_basemap(db, (const char *const *)argv + first + 1, argc - first - 1, &opt, &res,
                            &err);
    sp_db_close(db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    const long long *g = res.groups;
    printf("base map: read %lld features, kept %lld (roads %lld, railways %lld, water %lld, "
           "green and land use %lld, buildings %lld, places %lld), skipped %lld without a "
           "base-map class; data set %s\n",
           res.read, res.kept, g[0], g[1], g[2], g[3], g[4], g[5], res.skipped, opt.dataset);
    return SP_EXIT_OK;
}
