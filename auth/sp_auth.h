/* auth/sp_auth.h - passwords and bearer tokens, with libsodium. Passwords are kept only as
 * Argon2id strings; a token is 32 random bytes shown once to its owner (base64url) and kept
 * only as its BLAKE2b hash, so a copy of the database lets nobody log in. */
#ifndef SP_AUTH_H
#define SP_AUTH_H

#include <stddef.h>

#include "sp_err.h"

#define SP_AUTH_HASH_MAX     128 /* crypto_pwhash_STRBYTES */
#define SP_AUTH_TOKEN_LEN    44  /* base64url of 32 bytes, no padding, plus NUL */
#define SP_AUTH_TOKEN_HASH   32
#define SP_AUTH_PASSWORD_MIN 10
#define SP_AUTH_PASSWORD_MAX 256

/* Once, before threads start (about 0.1 s: it makes the dummy hash); SP_EINTERNAL when
 * libsodium cannot start. */
int sp_auth_init(sp_err *err);
/* SP_EINVAL when the password is too short or too long (the message says why). */
int sp_auth_hash_password(const char *password, char out[SP_AUTH_HASH_MAX], sp_err *err);
/* 1 when password matches the stored Argon2id string. Takes the same time whether or not
 * the login exists when called with a dummy hash for unknown logins. */
int sp_auth_password_ok(const char *stored, const char *password);
/* What to check a password against when the login does not exist (same cost). */
const char *sp_auth_dummy_hash(void);
/* A new token (text to give out) and its hash (to store). */
void sp_auth_new_token(char out[SP_AUTH_TOKEN_LEN], unsigned char hash[SP_AUTH_TOKEN_HASH]);
void sp_auth_token_hash(const char *token, size_t len, unsigned char hash[SP_AUTH_TOKEN_HASH]);

#endif
