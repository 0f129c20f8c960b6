/* outset.h: the files of one run, comparison or sweep, committed to their
 * output directory as a whole or not at all.
 * The files are written into a private staging directory,
 * DIR/.foresight-stage.PID, beside a manifest naming every file to put in
 * place and every stale file to remove. One rename of that directory to
 * DIR/.foresight-commit is the commit: before it the earlier set is whole,
 * after it the new set is decided, and moving the files into place is
 * finished by whoever comes next (this commit, the next writer, or
 * `foresight plot`) if a kill stops it halfway. Files of DIR that the set
 * neither writes nor lists as stale are never touched. An fs_outset is
 * owned by the caller and ends with exactly one of fs_outset_commit or
 * fs_outset_abort. */
#ifndef FS_OUTSET_H
#define FS_OUTSET_H

#include <stdio.h>
#include "errors.h"

typedef struct fs_outset fs_outset;

/* Starts a set for directory dir, which must exist. First finishes a
 * commit an earlier process left in dir (fs_outset_recover) and removes
 * what dead foresight processes left there (fs_outset_clean). NULL with
 * err filled (FS_EIO naming the path and the reason, or FS_ENOMEM). */
fs_outset *fs_outset_new(const char *dir, fs_err *err);

/* Opens `name` (a file name, or "sub/name" for a file one subdirectory
 * down) in the set and returns its stream. The stream stays valid until
 * the next fs_outset_open: that call (or commit) flushes and closes it, so
 * that a set holds one descriptor however many files it writes. NULL with
 * err set (naming the file and the system's reason) on failure, including
 * a failed write of the file it closes. */
FILE *fs_outset_open(fs_outset *s, const char *name, fs_err *err);

/* As fs_outset_open, but the stream stays valid until commit or abort (a
 * file written a little at a time, such as runs.csv). */
FILE *fs_outset_open_keep(fs_outset *s, const char *name, fs_err *err);

/* After a writer into the stream fs_outset_open last returned failed with
 * err filled: when that stream has a write error (a full disk), err is
 * replaced with one naming the file and the system's reason. Returns
 * err->code. */
fs_status fs_outset_failed(fs_outset *s, fs_err *err);

/* Lists `name` (as for fs_outset_open) as stale: the commit removes it
 * from the directory unless the set writes it. FS_ENOMEM or FS_EUSAGE (a
 * name with a newline) on failure. */
fs_status fs_outset_remove(fs_outset *s, const char *name, fs_err *err);

/* Checks and syncs every file, then commits the set as described at the
 * top, and frees it. On a failure before the commit point (a full disk:
 * the message names the file and the system's reason) the staging
 * directory is removed and the directory is left as it was. */
fs_status fs_outset_commit(fs_outset *s, fs_err *err);

/* Removes the staging directory and frees s. Accepts NULL. */
void fs_outset_abort(fs_outset *s);

/* Finishes a commit interrupted in dir (a DIR/.foresight-commit left by a
 * killed process), so that readers see one whole set. FS_OK when there was
 * none; FS_EIO with a message when it cannot be finished (a read-only
 * directory, say). */
fs_status fs_outset_recover(const char *dir, fs_err *err);

/* Removes from dir and its immediate subdirectories the temp files
 * (NAME.tmp.PID, NAME a file foresight writes) and staging directories of
 * foresight processes that are no longer running. Best effort: errors are
 * ignored. */
void fs_outset_clean(const char *dir);

#endif
