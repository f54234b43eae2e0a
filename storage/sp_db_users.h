/* storage/sp_db_users.h - staff accounts and their bearer tokens (only hashes stored). */
#ifndef SP_DB_USERS_H
#define SP_DB_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"

typedef struct sp_db_user {
    int64_t id;
    char login[128];
    char role[32];
    char password_hash[128];
    int disabled;
    char expires[32]; /* the token's, from sp_db_token_user */
} sp_db_user;

/* SP_ECONFLICT when the login exists, SP_EINVAL for an unknown role. */
int sp_db_user_add(sp_db *db, const char *login, const char *password_hash, const char *role,
                   const char *display_name, sp_err *err);
/* Sets the password and revokes the account's tokens; a disabled account stays disabled
 * (*out_is_disabled says so). SP_ENOTFOUND for an unknown login. */
int sp_db_user_set_password(sp_db *db, const char *login, const char *password_hash,
                            int *out_is_disabled, sp_err *err);
/* Disables the account and revokes its tokens; SP_ENOTFOUND for an unknown login. */
int sp_db_user_disable(sp_db *db, const char *login, sp_err *err);
/* *out_found 0 for an unknown login. */
int sp_db_user_by_login(sp_db *db, const char *login, sp_db_user *out, int *out_found, sp_err *err);

/* A token for the user valid for ttl ("+12 hours"); out_expires: its RFC 3339 end. */
int sp_db_token_add(sp_db *db, int64_t user_id, const unsigned char *hash, size_t hash_len,
                    const char *ttl, char out_expires[32], sp_err *err);
/* The enabled user of a live (not revoked, not expired) token; *out_found 0 otherwise. */
int sp_db_token_user(sp_db *db, const unsigned char *hash, size_t hash_len, sp_db_user *out,
                     int *out_found, sp_err *err);
int sp_db_token_revoke(sp_db *db, const unsigned char *hash, size_t hash_len, sp_err *err);

#endif
