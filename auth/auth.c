/* auth/auth.c - see sp_auth.h. Argon2id at libsodium's "interactive" cost: about 0.1 s and
 * 64 MiB a login on this machine, which makes guessing slow without making logging in slow
 * (the server also limits login attempts per address). */
#include <sodium.h>
#include <string.h>

#include "sp_auth.h"

/* A real Argon2id string of a random password: unknown logins are checked against it, so
 * that they take as long as known ones. Made once by sp_auth_init. */
static char dummy_hash[SP_AUTH_HASH_MAX];

int sp_auth_init(sp_err *err)
{
    if (sodium_init() < 0)
        return sp_err_set(err, SP_EINTERNAL, "libsodium cannot start");
    if (!dummy_hash[0]) {
        char pw[33];
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
        if (sp_auth_hash_password(pw, dummy_hash, err) != SP_OK)
            return err->code;
    }
    return SP_OK;
}

const char *sp_auth_dummy_hash(void)
{
    return dummy_hash;
}

int sp_auth_hash_password(const char *password, char out[SP_AUTH_HASH_MAX], sp_err *err)
{
    size_t n = strlen(password);
    if (n < SP_AUTH_PASSWORD_MIN || n > SP_AUTH_PASSWORD_MAX)
        return sp_err_set(err, SP_EINVAL, "a password needs %d to %d characters",
                          SP_AUTH_PASSWORD_MIN, SP_AUTH_PASSWORD_MAX);
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return sp_err_set(err, SP_ENOMEM, "out of memory hashing a password");
    return SP_OK;
}

int sp_auth_password_ok(const char *stored, const char *password)
{
    return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

void sp_auth_token_hash(const char *token, size_t len, unsigned char hash[SP_AUTH_TOKEN_HASH])
{
    crypto_generichash(hash, SP_AUTH_TOKEN_HASH, (const unsigned char *)token, len, NULL, 0);
}

void sp_auth_new_token(char out[SP_AUTH_TOKEN_LEN], unsigned char hash[SP_AUTH_TOKEN_HASH])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SP_AUTH_TOKEN_LEN, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    sp_auth_token_hash(out, strlen(out), hash);
}
