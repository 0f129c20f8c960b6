/* fsio.h: atomic output files and output directories.
 * Every output is written to "<path>.tmp.<pid>" and renamed over <path> only
 * when complete and flushed, so a failed or interrupted run never leaves a
 * half-written file under a final name. An fs_afile is owned by the caller
 * and ends with exactly one of fs_afile_commit or fs_afile_abort. Temp names
 * of open files are registered so that fs_fsio_cleanup_signal can remove
 * them from a signal handler. */
#ifndef FS_FSIO_H
#define FS_FSIO_H

#include <stdio.h>
#include "errors.h"

typedef struct fs_afile fs_afile;

/* Opens a temp file beside `path` for writing. Returns NULL and fills err
 * (FS_EIO, naming the path and the system's reason) on failure. */
fs_afile *fs_afile_open(const char *path, fs_err *err);

/* The stream to write to; valid until commit or abort. */
FILE *fs_afile_stream(fs_afile *f);

/* The final name it was opened for; valid until commit or abort. */
const char *fs_afile_path(const fs_afile *f);

/* Flushes, syncs and closes the temp file ahead of its commit, so that a
 * batch of finished files committed together (the charts of a set) holds
 * no descriptor each; fs_afile_stream is NULL afterwards. On failure (a
 * write error, a full disk) err is filled (FS_EIO naming the final name
 * and the reason) and f still ends with fs_afile_abort. */
fs_status fs_afile_close(fs_afile *f, fs_err *err);

/* Flushes, syncs, closes (unless fs_afile_close did) and renames the temp
 * file to its final name, then frees f. On any failure (including an earlier write error on the stream,
 * such as a full disk) the temp file is removed, the final name is left as
 * it was, and err is filled (FS_EIO). */
fs_status fs_afile_commit(fs_afile *f, fs_err *err);

/* Flushes, syncs and closes fp (always closed): 0, or the errno of the
 * first failure, including an earlier write error on the stream (EIO when
 * the system gave no reason). */
int fs_stream_close(FILE *fp);

/* Closes and removes the temp file and frees f. Accepts NULL. */
void fs_afile_abort(fs_afile *f);

/* Creates directory `dir` (and its parents) if missing and checks that it is
 * a writable directory. FS_EIO with a message otherwise. */
fs_status fs_mkdir_p(const char *dir, fs_err *err);

/* Like fs_mkdir_p, and remembers each directory it created (not one that
 * was there), so that fs_fsio_remove_made can take them away again: a run
 * that stops before committing its outputs leaves no empty directory. */
fs_status fs_mkdir_made(const char *dir, fs_err *err);

/* Removes the directories fs_mkdir_made created, the last made first,
 * each only while it is empty, and forgets them. Async-signal-safe
 * (fs_fsio_cleanup_signal calls it). */
void fs_fsio_remove_made(void);

/* Forgets the directories fs_mkdir_made created: they hold outputs now. */
void fs_fsio_keep_made(void);

/* Joins dir and name into buf (size n); returns buf, or NULL if too long. */
char *fs_path_join(char *buf, size_t n, const char *dir, const char *name);

/* Registers a temp file (is_dir 0) or a temp directory (1) for removal
 * by fs_fsio_cleanup_signal. Returns a slot for fs_fsio_unregister, or -1
 * when the path is too long or every slot is taken (it is then not
 * removed on a signal). */
int fs_fsio_register(const char *path, int is_dir);
/* Forgets a slot (a committed or removed file). Accepts -1. */
void fs_fsio_unregister(int slot);

/* Removes every registered temp file, then every registered directory,
 * then the directories made for them (fs_fsio_remove_made).
 * Async-signal-safe: call it from a
 * SIGINT/SIGTERM handler before re-raising or _exit. */
void fs_fsio_cleanup_signal(void);

/* Set by the signal handler main installs; long loops poll it to stop
 * between runs. 0 when no signal came; else the signal number. */
extern volatile int fs_interrupted;

#endif
