/* common/sp_err.h - error codes and the caller-owned error message.
 * Every module returns SP_OK or a negative SP_E* and writes detail into an sp_err the
 * caller owns (curl's CURLOPT_ERRORBUFFER habit). Codes map to exit codes and, later,
 * to HTTP status in one place. */
#ifndef SP_ERR_H
#define SP_ERR_H

#define SP_ERR_MSG_MAX 512

enum {
    SP_OK = 0,
    SP_EINVAL = -1,    /* bad input: a file, a field, an option */
    SP_ENOTFOUND = -2, /* a file, layer, record that does not exist */
    SP_EIO = -3,       /* disk, file system */
    SP_EDB = -4,       /* database (SQLite, PostgreSQL) failure */
    SP_ENOMEM = -5,
    SP_ECONFLICT = -6,     /* duplicate key, stale version */
    SP_EGDAL = -7,         /* GDAL/OGR/PROJ failure that is not the input's fault */
    SP_EINTERNAL = -8,     /* a bug */
    SP_ETOOLARGE = -9,     /* input over a configured size limit (HTTP 413) */
    SP_EMEDIA = -10,       /* content that is not of a supported media type (HTTP 415) */
    SP_ENOSPACE = -11,     /* the disk (or quota) is full: nothing was written (HTTP 507) */
    SP_EUNAVAILABLE = -12, /* the database server cannot be reached now: try again (HTTP 503) */
};

typedef struct sp_err {
    int code;
    char msg[SP_ERR_MSG_MAX];
} sp_err;

/* Formats msg, stores code, returns code. */
int sp_err_set(sp_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with context ("importing x.csv: ..."), returns err->code. */
int sp_err_prefix(sp_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sp_err_clear(sp_err *err);
const char *sp_err_name(int code);

#endif
