/* cli/main.c - `spadok SUBCOMMAND ...`: dispatch to cli/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "sp_cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"import", sp_cmd_import, "read OGR sources (CSV, GeoJSON, Shapefile, GPKG, KML, XLSX)"},
    {"export", sp_cmd_export, "write the registry as GeoPackage, GeoJSON, CSV or KML"},
    {"migrate", sp_cmd_migrate, "create or upgrade a registry database"},
    {"backup", sp_cmd_backup, "copy a registry database safely while it is in use"},
    {"serve", sp_cmd_serve, "serve the registry over HTTP (OGC API - Features, map tiles)"},
    {"tiles", sp_cmd_tiles, "draw map tiles ahead (seed) or export them as MBTiles"},
    {"user", sp_cmd_user, "add staff accounts, set passwords, disable accounts"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: spadok COMMAND [options]\n\n"
                 "Spadok - registry of cultural-heritage monuments (реєстр пам'яток).\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'spadok COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? SP_EXIT_USAGE : SP_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("spadok %s\n", SPADOK_VERSION);
        return SP_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "spadok: unknown command '%s' (see spadok --help)\n", argv[1]);
    return SP_EXIT_USAGE;
}
