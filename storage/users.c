/* storage/users.c - accounts and tokens (sp_db_users.h). */
#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "sp_db_users.h"

static void copy_col(sp_stmt *st, int i, char *out, size_t n)
{
    const char *v = (const char *)sp_stmt_column_text(st, i);
    snprintf(out, n, "%s", v ? v : "");
}

int sp_db_user_add(sp_db *db, const char *login, const char *password_hash, const char *role,
                   const char *display_name, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_ROLE_EXISTS, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, role);
    int known = sp_stmt_step(st) == SP_STMT_ROW && sp_stmt_column_int(st, 0) > 0;
    sp_stmt_reset(st);
    if (!known)
        return sp_err_set(err, SP_EINVAL, "role '%.40s': expected admin, editor or inspector",
                          role);
    if (!(st = sp_db_stmt(db, SP_Q_USER_INSERT, err)))
        return err->code;
    sp_stmt_bind_text(st, 1, login);
    sp_stmt_bind_text(st, 2, password_hash);
    sp_stmt_bind_text(st, 3, role);
    sp_stmt_bind_text(st, 4, display_name);
    int rc = sp_stmt_step(st);
    sp_stmt_reset(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return sp_err_set(err, SP_ECONFLICT, "login '%.100s' exists already", login);
    return rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "add user");
}

static int by_login(sp_db *db, enum sp_q q, const char *login, const char *value, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, login);
    if (value)
        sp_stmt_bind_text(st, 2, value);
    if (sp_db_step_done(db, st, "update user", err) != SP_OK)
        return err->code;
    return sp_db_changes(db) > 0 ? SP_OK
                                 : sp_err_set(err, SP_ENOTFOUND, "no login '%.100s'", login);
}

/* Revokes the live tokens of login (inside the caller's transaction). */
static int revoke_tokens(sp_db *db, const char *login, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_USER_TOKENS_REVOKE, err);
    if (!st || sp_db_bind_text(st, ":login", login, err) != SP_OK)
        return err->code;
    return sp_db_step_done(db, st, "revoke tokens", err);
}

int sp_db_user_set_password(sp_db *db, const char *login, const char *password_hash,
                            int *out_is_disabled, sp_err *err)
{
    *out_is_disabled = 0;
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    sp_stmt *st = sp_db_stmt(db, SP_Q_USER_SET_PASSWORD, err);
    int rc = st ? SP_OK : err->code;
    if (rc == SP_OK && (sp_db_bind_text(st, ":login", login, err) != SP_OK ||
                        sp_db_bind_text(st, ":hash", password_hash, err) != SP_OK))
        rc = err->code;
    if (rc == SP_OK) {
        int step = sp_stmt_step(st);
        if (step == SP_STMT_ROW)
            *out_is_disabled = sp_stmt_column_int(st, 0);
        else if (step == SP_STMT_DONE)
            rc = sp_err_set(err, SP_ENOTFOUND, "no login '%.100s'", login);
        else
            rc = sp_db_sqlerr(db, err, "set password");
        sp_stmt_reset(st);
    }
    if (rc == SP_OK)
        rc = revoke_tokens(db, login, err);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

int sp_db_user_disable(sp_db *db, const char *login, sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    int rc = by_login(db, SP_Q_USER_DISABLE, login, NULL, err);
    if (rc == SP_OK)
        rc = revoke_tokens(db, login, err);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

int sp_db_user_by_login(sp_db *db, const char *login, sp_db_user *out, int *out_found, sp_err *err)
{
    memset(out, 0, sizeof *out);
    *out_found = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_USER_BY_LOGIN, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, login);
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW) {
        out->id = sp_stmt_column_int64(st, 0);
        snprintf(out->login, sizeof out->login, "%s", login);
        copy_col(st, 1, out->password_hash, sizeof out->password_hash);
        copy_col(st, 2, out->role, sizeof out->role);
        out->disabled = sp_stmt_column_int(st, 3);
        *out_found = 1;
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "find user");
}

int sp_db_token_add(sp_db *db, int64_t user_id, const unsigned char *hash, size_t hash_len,
                    const char *ttl, char out_expires[32], sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_TOKEN_INSERT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, user_id);
    sp_stmt_bind_blob(st, 2, hash, (int)hash_len);
    sp_stmt_bind_text(st, 3, ttl);
    if (sp_db_step_done(db, st, "add token", err) != SP_OK ||
        !(st = sp_db_stmt(db, SP_Q_TOKEN_EXPIRES, err)))
        return err->code;
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW)
        copy_col(st, 0, out_expires, 32);
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW ? SP_OK : sp_db_sqlerr(db, err, "token expiry");
}

int sp_db_token_user(sp_db *db, const unsigned char *hash, size_t hash_len, sp_db_user *out,
                     int *out_found, sp_err *err)
{
    memset(out, 0, sizeof *out);
    *out_found = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_TOKEN_USER, err);
    if (!st)
        return err->code;
    sp_stmt_bind_blob(st, 1, hash, (int)hash_len);
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW) {
        out->id = sp_stmt_column_int64(st, 0);
        copy_col(st, 1, out->login, sizeof out->login);
        copy_col(st, 2, out->role, sizeof out->role);
        copy_col(st, 3, out->expires, sizeof out->expires);
        *out_found = 1;
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "find token");
}

int sp_db_token_revoke(sp_db *db, const unsigned char *hash, size_t hash_len, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_TOKEN_REVOKE, err);
    if (!st)
        return err->code;
    sp_stmt_bind_blob(st, 1, hash, (int)hash_len);
    return sp_db_step_done(db, st, "revoke token", err);
}
