/* cli/cmd_migrate.c - `spadok migrate`: create or upgrade a database, report its schema. */
#include <stdio.h>

#include "sp_cli.h"
#include "sp_db.h"

int sp_cmd_migrate(int argc, char **argv)
{
    const char *db_path = NULL;
    int check = 0;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file (created when missing) or a postgresql:// URI",
         &db_path, NULL},
        {"check", NULL, "also run PRAGMA integrity_check and foreign_key_check", NULL, &check},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok migrate --db FILE [--check]",
                            "Apply the schema migrations embedded in this binary (also done on "
                            "every open).",
                            opts, 0, 0};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (!db_path) {
        fprintf(stderr, "spadok: migrate needs --db FILE\n");
        return SP_EXIT_USAGE;
    }
    sp_err err = {0};
    sp_db *db = NULL;
    int version = 0;
    char versions[128] = "";
    if (sp_db_open(db_path, SP_DB_READWRITE, &db, &err) != SP_OK ||
        sp_db_schema_version(db, &version, &err) != SP_OK ||
        sp_db_versions(db, versions, sizeof versions, &err) != SP_OK ||
        (check && sp_db_integrity_check(db, &err) != SP_OK)) {
        sp_db_close(db);
        return sp_cli_fail(err.msg);
    }
    sp_db_close(db);
    printf("%s: schema version %d (%s)%s\n", db_path, version, versions,
           check ? ", integrity ok" : "");
    return SP_EXIT_OK;
}
