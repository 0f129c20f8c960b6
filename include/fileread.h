/* fileread.h: opening an input file without trusting what its name is.
 * A FIFO, a device or a directory given (or linked) where foresight
 * expects a file would block forever or read without end: these open with
 * O_NONBLOCK (opening a FIFO never waits for a writer), check the opened
 * descriptor with fstat (not the path, which can change in between), and
 * refuse anything but a regular file no larger than a bound. The stream
 * returned is owned by the caller (fclose). */
#ifndef FS_FILEREAD_H
#define FS_FILEREAD_H

#include <stdio.h>
#include "errors.h"

/* Opens path for reading ("rb"). NULL with err set on failure: FS_EIO
 * "cannot read PATH: reason" when it cannot be opened, FS_ECONFIG "PATH is
 * not a regular file (a FIFO|a device|a directory|...), expected WHAT" or
 * "PATH is N bytes, more than WHAT can be (M)" when max_bytes >= 0 and the
 * file is larger. `what` names the expected file: "a checkpoint file". */
FILE *fs_open_regular(const char *path, const char *what, long long max_bytes, fs_err *err);

/* The kind of a non-regular file mode, for messages: "a FIFO", "a
 * directory", "a character device", "a block device", "a socket". */
const char *fs_file_kind(unsigned mode);

#endif
