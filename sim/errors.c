/* errors.c: the error record shared by every module. */
#include "errors.h"

#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>

void fs_err_clear(fs_err *e)
{
    if (e == NULL)
        return;
    e->code = FS_OK;
    e->everywhere = 0;
    e->msg[0] = '\0';
}

fs_status fs_err_vset(fs_err *e, fs_status code, const char *fmt, va_list ap)
{
    if (e == NULL)
        return code;
    e->code = code;
    e->everywhere = 0;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

fs_status fs_err_set(fs_err *e, fs_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fs_err_vset(e, code, fmt, ap);
    va_end(ap);
    return code;
}

int fs_status_exit_code(fs_status s)
{
    switch (s) {
    case FS_OK: return 0;
    case FS_ECONFIG:
    case FS_EUSAGE: return 2;
    case FS_EINTR: return 130;
    default: return 1;
    }
}

void fs_gsl_quiet(void)
{
    gsl_set_error_handler_off();
}
