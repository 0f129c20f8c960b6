/* outlock.c: an exclusive fcntl lock on DIR/.foresight.lock, with the
 * holder's pid and command line written in it for whoever is refused. */
#include "outlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsio.h"

struct fs_outlock {
    int fd;
    int locked;          /* fd holds the lock on the file under path */
    char path[4200];
};

/* This process's command line, arguments separated by spaces (read with
 * plain system calls: nothing to allocate, so nothing to fail). */
static void own_command(char *buf, size_t n)
{
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, buf, n - 1) : -1;
    size_t k = got > 0 ? (size_t)got : 0, i;

    if (fd >= 0)
        close(fd);
    for (i = 0; i < k; i++)
        if (buf[i] == '\0' || buf[i] == '\n')
            buf[i] = ' ';
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
    if (k == 0)
        snprintf(buf, n, "foresight");
}

/* The refusal: the holder's pid (from the lock itself) and what it wrote. */
static fs_status held(int fd, const char *dir, fs_err *err)
{
    struct flock fl;
    char what[512] = "";
    ssize_t k;

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if ((k = pread(fd, what, sizeof what - 1, 0)) > 0)
        what[k] = '\0';
    what[strcspn(what, "\n")] = '\0';
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0 &&
        strncmp(what, "pid ", 4) != 0)
        snprintf(what, sizeof what, "pid %ld", (long)fl.l_pid);
    return fs_err_set(err, FS_ERUNTIME, "%s is in use by another foresight writer (%s); "
                      "wait for it to finish, or write into another directory", dir,
                      what[0] ? what : "its pid is not known here");
}

fs_outlock *fs_outlock_take(const char *dir, fs_err *err)
{
    fs_outlock *l = calloc(1, sizeof *l);
    struct flock fl;
    struct stat a, b;
    char cmd[400], line[512];
    int tries;

    if (l == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    l->fd = -1;
    if (fs_path_join(l->path, sizeof l->path, dir, FS_OUTLOCK_NAME) == NULL) {
        fs_err_set(err, FS_EUSAGE, "output path too long: %s", dir);
        goto fail;
    }
    /* A holder removes the file before it unlocks: a lock taken on a file
     * no longer under the name is no lock, so try again. */
    for (tries = 0; tries < 100; tries++) {
        l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (l->fd < 0) {
            fs_err_set(err, FS_EIO, "cannot create the lock file %s: %s", l->path,
                       strerror(errno));
            goto fail;
        }
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(l->fd, F_SETLK, &fl) != 0) {
            if (errno == EACCES || errno == EAGAIN)
                held(l->fd, dir, err);
            else
                fs_err_set(err, FS_EIO, "cannot lock %s: %s", l->path, strerror(errno));
            goto fail;
        }
        if (fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            l->locked = 1;
            break;
        }
        close(l->fd);
        l->fd = -1;
    }
    if (!l->locked) {
        fs_err_set(err, FS_EIO, "cannot lock %s: it keeps being replaced", l->path);
        goto fail;
    }
    own_command(cmd, sizeof cmd);
    snprintf(line, sizeof line, "pid %ld: %s\n", (long)getpid(), cmd);
    if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, line, strlen(line), 0) < 0) {
        fs_err_set(err, FS_EIO, "cannot write %s: %s", l->path, strerror(errno));
        goto fail;
    }
    return l;
fail:
    fs_outlock_release(l);
    return NULL;
}

void fs_outlock_release(fs_outlock *l)
{
    if (l == NULL)
        return;
    /* Removed while still locked, so that nobody locks it after us (a
     * taker that opened it before checks that it is still under the name). */
    if (l->locked)
        unlink(l->path);
    if (l->fd >= 0)
        close(l->fd);
    free(l);
}
