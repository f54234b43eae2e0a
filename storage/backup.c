/* storage/backup.c - `spadok backup`: a consistent copy through SQLite's online backup API.
 * One backup step copies every page inside one read transaction: in WAL mode writers go on
 * meanwhile, and the copy is the snapshot at the step's start (a stepwise copy would restart
 * on every write by another process and might never finish under load). The copy goes to a
 * temp file that is checked, fsynced and renamed, so OUT is either complete or absent. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "db_int.h"

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int sp_db_backup(sp_db *db, const char *out_path, sp_err *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out_path, (long)getpid()) >= (int)sizeof tmp)
        return sp_err_set(err, SP_EINVAL, "backup path too long");
    unlink(tmp);
    sqlite3 *dest = NULL;
    if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sp_err_set(err, SP_EIO, "cannot create %s: %s", tmp,
                   dest ? sqlite3_errmsg(dest) : "out of memory");
        sqlite3_close(dest);
        return SP_EIO;
    }
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", db->conn, "main");
    int rc = SQLITE_ERROR;
    if (b) {
        do {
            rc = sqlite3_backup_step(b, -1);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep(50);
        } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
    }
    if (rc != SP_STMT_DONE) {
        sp_err_set(err, (rc & 0xff) == SQLITE_FULL ? SP_ENOSPACE : SP_EDB, "backup failed: %s",
                   sqlite3_errmsg(dest));
        sqlite3_close(dest);
        unlink(tmp);
        return err->code;
    }
    /* Checkpoint the copy's WAL so the single file is complete on its own. */
    sqlite3_wal_checkpoint_v2(dest, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    if (sqlite3_close(dest) != SQLITE_OK || fsync_path(tmp) != 0) {
        unlink(tmp);
        return sp_err_set(err, SP_EIO, "cannot finish %s", tmp);
    }
    if (rename(tmp, out_path) != 0) {
        unlink(tmp);
        return sp_err_set(err, SP_EIO, "cannot rename backup to %s", out_path);
    }
    return SP_OK;
}
