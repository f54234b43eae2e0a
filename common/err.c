/* common/err.c - sp_err formatting; see sp_err.h for why errors travel this way. */
#include "sp_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sp_err_set(sp_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

int sp_err_prefix(sp_err *err, const char *fmt, ...)
{
    char prefix[SP_ERR_MSG_MAX], old[SP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof err->msg - n - 3;
    size_t oldlen = strnlen(old, room);
    memcpy(err->msg + n + 2, old, oldlen);
    err->msg[n + 2 + oldlen] = '\0';
    return err->code;
}

void sp_err_clear(sp_err *err)
{
    err->code = SP_OK;
    err->msg[0] = '\0';
}

const char *sp_err_name(int code)
{
    switch (code) {
    case SP_OK:
        return "ok";
    case SP_EINVAL:
        return "invalid input";
    case SP_ENOTFOUND:
        return "not found";
    case SP_EIO:
        return "i/o error";
    case SP_EDB:
        return "database error";
    case SP_ENOMEM:
        return "out of memory";
    case SP_ECONFLICT:
        return "conflict";
    case SP_EGDAL:
        return "gdal error";
    case SP_ETOOLARGE:
        return "too large";
    case SP_EMEDIA:
        return "unsupported media";
    case SP_ENOSPACE:
        return "disk full";
    case SP_EUNAVAILABLE:
        return "database unavailable";
    default:
        return "internal error";
    }
}
