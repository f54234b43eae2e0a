/* cli/cmd_backup.c - `spadok backup`: online copy, then an integrity check of the copy.
 * A PostgreSQL registry is backed up by PostgreSQL's own tools (pg_dump for a copy,
 * pg_basebackup and WAL archiving for a standby or point-in-time recovery): the command says
 * so and runs pg_dump, whose custom format pg_restore reads. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

#include "sp_cli.h"
#include "sp_db.h"

extern char **environ;

static int pg_dump(const char *uri, const char *out)
{
    fprintf(stderr, "spadok: a PostgreSQL database is backed up with PostgreSQL's own tools: "
                    "pg_dump (a copy; running it now), pg_basebackup with WAL archiving (a "
                    "standby, point-in-time recovery)\n");
    char *const args[] = {"pg_dump",   "--format=custom", "--no-owner", "--file",
                          (char *)out, "--dbname",        (char *)uri,  NULL};
    pid_t pid;
    int status = 0;
    if (posix_spawnp(&pid, "pg_dump", NULL, NULL, args, environ) != 0)
        return sp_cli_fail("cannot run pg_dump: install postgresql-client");
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return sp_cli_fail("pg_dump failed (its message is above)");
    printf("backed up the PostgreSQL database to %s (pg_dump custom format: restore with "
           "pg_restore)\n",
           out);
    return SP_EXIT_OK;
}

int sp_cmd_backup(int argc, char **argv)
{
    const char *db_path = NULL;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry database to copy", &db_path, NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok backup --db FILE OUT",
                            "Copy the database with SQLite's online backup API: a consistent "
                            "snapshot,\nsafe while the server or an import is writing. For a "
                            "PostgreSQL --db, runs pg_dump.",
                            opts, 1, 1};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    if (!db_path) {
        fprintf(stderr, "spadok: backup needs --db FILE\n");
        return SP_EXIT_USAGE;
    }
    const char *out = argv[first];
    if (sp_db_is_server(db_path))
        return pg_dump(db_path, out);
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
