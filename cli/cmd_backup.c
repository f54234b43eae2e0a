/* cli/cmd_backup.c - `spadok backup`: online copy, then an integrity check of the copy. */
#include <stdio.h>

#include "sp_cli.h"
#include "sp_db.h"

int sp_cmd_backup(int argc, char **argv)
{
    const char *db_path = NULL;
    const sp_cli_opt opts[] = {
        {"db", "FILE", "registry database to copy", &db_path, NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok backup --db FILE OUT",
                            "Copy the database with SQLite's online backup API: a consistent "
                            "snapshot,\nsafe while the server or an import is writing.",
                            opts, 1, 1};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (!db_path) {
        fprintf(stderr, "spadok: backup needs --db FILE\n");
        return SP_EXIT_USAGE;
    }
    const char *out = argv[first];
    sp_err err = {0};
    sp_db *db = NULL, *copy = NULL;
    if (sp_db_open(db_path, SP_DB_READONLY, &db, &err) != SP_OK)
        return sp_cli_fail(err.msg);
    rc = sp_db_backup(db, out, &err);
    sp_db_close(db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    if (sp_db_open(out, SP_DB_READONLY, &copy, &err) != SP_OK ||
        sp_db_integrity_check(copy, &err) != SP_OK) {
        sp_db_close(copy);
        return sp_cli_fail(err.msg);
    }
    sp_db_close(copy);
    printf("backed up %s to %s (integrity ok)\n", db_path, out);
    return SP_EXIT_OK;
}
