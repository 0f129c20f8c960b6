/* errors.h: one status type and one error record for the whole program.
 * Functions that can fail take an fs_err * and return an fs_status; they
 * fill the record with a message naming where and what, and only main
 * prints it. The caller owns the record; nothing in it needs freeing. */
#ifndef FS_ERRORS_H
#define FS_ERRORS_H

#include <stdarg.h>

typedef enum fs_status {
    FS_OK = 0,
    FS_ERUNTIME,  /* the run itself failed: exit 1 */
    FS_ENOMEM,    /* an allocation failed: exit 1 */
    FS_EIO,       /* reading or writing a file failed: exit 1 */
    FS_EINTR,     /* interrupted by SIGINT or SIGTERM: exit 130 or 143 */
    FS_ECONFIG,   /* a scenario or sweep file is wrong: exit 2 */
    FS_EUSAGE     /* the command line is wrong: exit 2 */
} fs_status;

#define FS_ERR_MSG_MAX 2048

typedef struct fs_err {
    fs_status code;
    char msg[FS_ERR_MSG_MAX];
    int everywhere;   /* every MPI rank stopped with this code (an agreed
                         refusal): no abort needed; only rank 0 has msg */
} fs_err;

/* Clears a record (code FS_OK, empty message). Accepts NULL. */
void fs_err_clear(fs_err *e);

/* Sets code and message (printf-style) and returns code, so that callers
 * can write `return fs_err_set(e, FS_ECONFIG, "...")`. A NULL e is allowed:
 * the code is still returned. A message already set is replaced. */
fs_status fs_err_set(fs_err *e, fs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
fs_status fs_err_vset(fs_err *e, fs_status code, const char *fmt, va_list ap);

/* The process exit code for a status: 0, 1, 2, or 130 (EINTR; main may
 * use 143 for SIGTERM instead). */
int fs_status_exit_code(fs_status s);

/* Turns GSL's aborting error handler off for the whole process. Call once
 * from main (tests call it too); GSL return codes are checked instead. */
void fs_gsl_quiet(void);

#endif
