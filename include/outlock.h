/* outlock.h: one writer at a time in an output directory.
 * Every command that writes into an output directory (run, compare, sweep,
 * plot) first takes an exclusive lock on DIR/.foresight.lock (an fcntl
 * write lock, which NFS carries through its lock manager), and records its
 * process id and command line in that file; a second writer is refused
 * with the holder's pid and command. The lock is the kernel's: a killed
 * holder (even by SIGKILL) releases it, and the stale file it leaves is
 * reused. An fs_outlock is owned by its taker; fs_outlock_release accepts
 * NULL. */
#ifndef FS_OUTLOCK_H
#define FS_OUTLOCK_H

#include "errors.h"

#define FS_OUTLOCK_NAME ".foresight.lock"

typedef struct fs_outlock fs_outlock;

/* Takes the lock of the existing directory dir without waiting. NULL with
 * err set on failure: FS_ERUNTIME (exit 1) when another process holds it,
 * naming dir and the holder ("pid 1234: foresight sweep ..."), FS_EIO when
 * the lock file cannot be created or locked (naming it and the system's
 * reason). Not for a directory this process has locked already: a second
 * lock of one file in one process would release the first when closed. */
fs_outlock *fs_outlock_take(const char *dir, fs_err *err);

/* Removes the lock file and releases the lock. Accepts NULL. */
void fs_outlock_release(fs_outlock *l);

#endif
