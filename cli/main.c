/* cli/main.c - `spadok SUBCOMMAND ...`: dispatch to cli/cmd_*.c; `spadok help --man` writes
 * the man pages from the same tables. */
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
    {"basemap", sp_cmd_basemap, "load a base map (OpenStreetMap or any OGR source) to draw"},
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

/* `spadok help --man [CMD]`: the man page spadok(1), or spadok-CMD(1) from CMD's option
 * table (its --help in roff). Hidden: the build runs it to make share/man/man1. */
static int man_page(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[2], "--man") != 0 || argc > 4) {
        fprintf(stderr, "usage: spadok help --man [COMMAND]\n");
        return SP_EXIT_USAGE;
    }
    if (argc == 3) {
        printf(".TH SPADOK 1 \"\" \"spadok %s\" \"Spadok manual\"\n.SH NAME\n"
               "spadok \\- registry of cultural\\-heritage monuments\n.SH SYNOPSIS\n"
               ".B spadok\n.I COMMAND\n[options]\n.SH DESCRIPTION\n"
               "One binary, one database file, one photo folder. Each command is described in "
               "its own page and by\n.BI \"spadok \" COMMAND \" \\-\\-help\" .\n"
               ".SH COMMANDS\n",
               SPADOK_VERSION);
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            printf(".TP\n.BR spadok\\-%s (1)\n", commands[i].name);
            sp_cli_roff(stdout, commands[i].summary);
            putchar('\n');
        }
        return SP_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[3], commands[i].name) == 0) {
            static char help_flag[] = "--help";
            char name[32];
            int n = snprintf(name, sizeof name, "spadok-%s", commands[i].name);
            if (n < 0 || (size_t)n >= sizeof name)
                return sp_cli_fail("command name too long for a man page");
            sp_cli_help_as_man(name);
            char *help_argv[] = {argv[3], help_flag, NULL};
            return commands[i].run(2, help_argv);
        }
    fprintf(stderr, "spadok: unknown command '%s' (see spadok --help)\n", argv[3]);
    return SP_EXIT_USAGE;
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
    if (strcmp(argv[1], "help") == 0)
        return man_page(argc, argv);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "spadok: unknown command '%s' (see spadok --help)\n", argv[1]);
    return SP_EXIT_USAGE;
}
