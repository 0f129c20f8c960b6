/* fileread.c: opening input files as regular files only, never blocking. */
#include "fileread.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *fs_file_kind(unsigned mode)
{
    return S_ISFIFO(mode) ? "a FIFO" : S_ISDIR(mode) ? "a directory"
         : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
         : S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

FILE *fs_open_regular(const char *path, const char *what, long long max_bytes, fs_err *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), flags;
    struct stat st;
    FILE *fp;

    if (fd < 0) {
        fs_err_set(err, FS_EIO, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        fs_err_set(err, FS_EIO, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        fs_err_set(err, FS_ECONFIG, "%s is %s, expected %s (a regular file)", path,
                   fs_file_kind(st.st_mode), what);
        goto fail;
    }
    if (max_bytes >= 0 && (long long)st.st_size > max_bytes) {
        fs_err_set(err, FS_ECONFIG, "%s is %lld bytes, more than %s can be (%lld)", path,
                   (long long)st.st_size, what, max_bytes);
        goto fail;
    }
    /* A regular file: blocking reads from here on. */
    if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
        (fp = fdopen(fd, "rb")) == NULL) {
        fs_err_set(err, FS_EIO, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    return fp;
fail:
    close(fd);
    return NULL;
}
