/* bgfile.h: a file saved again and again behind the caller's back, such
 * as a checkpoint after each step of a computation. The caller hands over
 * the whole of a version's bytes and goes on; a thread of its own writes
 * each version as fsio.h's atomic files are written (a temp name, fsync,
 * rename), so that the file always holds one whole version. A version
 * still waiting when a newer one is handed over is dropped for it: the
 * caller never waits for the disk, only fs_bgfile_wait does. An
 * fs_bgfile is owned by its caller; the bytes handed over become the
 * writer's; fs_bgfile_free waits for the versions handed over and
 * accepts NULL. */
#ifndef FS_BGFILE_H
#define FS_BGFILE_H

#include <stddef.h>
#include "errors.h"

typedef struct fs_bgfile fs_bgfile;

/* The writer of path, its thread started (with every signal blocked, so
 * that a signal never interrupts its writes). NULL with err set when out
 * of memory or when no thread can be started. */
fs_bgfile *fs_bgfile_open(const char *path, fs_err *err);

/* Hands over the next version: len bytes of buf, a malloc'd buffer the
 * writer frees. Returns at once: FS_OK, or the failure of an earlier
 * version not yet reported (as fs_bgfile_wait; buf is then freed and
 * nothing more is written until the failure has been waited for). */
fs_status fs_bgfile_save(fs_bgfile *w, char *buf, size_t len, fs_err *err);

/* Waits until the last version handed over is on disk, and returns the
 * first failure since the last wait (FS_EIO or FS_ENOMEM, err naming the
 * file and the reason; the final name left as it was, as
 * fs_afile_commit leaves it), else FS_OK. */
fs_status fs_bgfile_wait(fs_bgfile *w, fs_err *err);

void fs_bgfile_free(fs_bgfile *w);

#endif
