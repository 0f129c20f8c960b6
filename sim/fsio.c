/* fsio.c: atomic output files: write to a temp name, fsync, rename. */
#include "fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile int fs_interrupted = 0;

struct fs_afile {
    FILE *fp;
    char *path;
    char *tmp;
    int slot;
};

/* Registered temp names, for removal from a signal handler. The names are
 * copied into fixed buffers so the handler never touches the heap. Enough
 * for every file of a comparison of FS_MAX_COMPARE scenarios (8 x 13, and
 * the comparison's own) open at once; untouched slots cost no memory. */
#define FSIO_SLOTS 256
#define FSIO_PATH 4096
static char fsio_tmp[FSIO_SLOTS][FSIO_PATH];
/* 1: a file to unlink; 2: a directory to rmdir once its files are gone. */
static volatile sig_atomic_t fsio_used[FSIO_SLOTS];

int fs_fsio_register(const char *path, int is_dir)
{
    int i;
    int slot = -1;
    if (strlen(path) >= FSIO_PATH)
        return -1;
    /* Charts and report.html may be written on two threads at once. */
#pragma omp critical(fs_fsio_slots)
    for (i = 0; i < FSIO_SLOTS && slot < 0; i++) {
        if (!fsio_used[i]) {
            strcpy(fsio_tmp[i], path);
            fsio_used[i] = is_dir ? 2 : 1;
            slot = i;
        }
    }
    return slot;
}

void fs_fsio_unregister(int slot)
{
    if (slot >= 0)
        fsio_used[slot] = 0;
}

/* Directories fs_mkdir_made created, in the order made, in fixed buffers
 * as the temp names are: removed again (when still empty) by a run that
 * stops before its outputs are committed. More than FSIO_DIRS levels made
 * at once are not remembered, and so are never removed. */
#define FSIO_DIRS 32
static char fsio_dir[FSIO_DIRS][FSIO_PATH];
static volatile sig_atomic_t fsio_ndirs;

void fs_fsio_remove_made(void)
{
    static char lock[FSIO_PATH + sizeof "/.foresight.lock"];
    /* A directory this process made holds at most its own lock file
     * (outlock.h), which goes first; rmdir refuses a directory that holds
     * anything else: nothing is lost. Signal-safe: unlink, rmdir, memcpy. */
    while (fsio_ndirs > 0) {
        const char *d = fsio_dir[--fsio_ndirs];
        size_t n = strlen(d);
        memcpy(lock, d, n);
        memcpy(lock + n, "/.foresight.lock", sizeof "/.foresight.lock");
        unlink(lock);
        rmdir(d);
    }
}

void fs_fsio_keep_made(void)
{
    fsio_ndirs = 0;
}

void fs_fsio_cleanup_signal(void)
{
    int i;
    for (i = 0; i < FSIO_SLOTS; i++)
        if (fsio_used[i] == 1)
            unlink(fsio_tmp[i]);
    /* Directories last, the most recently registered (the deepest) first. */
    for (i = FSIO_SLOTS - 1; i >= 0; i--)
        if (fsio_used[i] == 2)
            rmdir(fsio_tmp[i]);
    fs_fsio_remove_made();
}

fs_afile *fs_afile_open(const char *path, fs_err *err)
{
    fs_afile *f = calloc(1, sizeof *f);
    size_t n = strlen(path) + 32;

    if (f == NULL)
        goto nomem;
    f->slot = -1;
    f->path = strdup(path);
    f->tmp = malloc(n);
    if (f->path == NULL || f->tmp == NULL)
        goto nomem;
    snprintf(f->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    f->slot = fs_fsio_register(f->tmp, 0);
    f->fp = fopen(f->tmp, "w");
    if (f->fp == NULL) {
        fs_err_set(err, FS_EIO, "cannot write %s: %s", path, strerror(errno));
        fs_fsio_unregister(f->slot);
        free(f->path);
        free(f->tmp);
        free(f);
        return NULL;
    }
    return f;
nomem:
    if (f) {
        free(f->path);
        free(f->tmp);
        free(f);
    }
    fs_err_set(err, FS_ENOMEM, "out of memory opening %s", path);
    return NULL;
}

const char *fs_afile_path(const fs_afile *f)
{
    return f->path;
}

FILE *fs_afile_stream(fs_afile *f)
{
    return f->fp;
}

static void afile_release(fs_afile *f)
{
    fs_fsio_unregister(f->slot);
    free(f->path);
    free(f->tmp);
    free(f);
}

int fs_stream_close(FILE *fp)
{
    int saved = 0;

    if (ferror(fp))
        saved = errno ? errno : EIO;
    if (!saved && fflush(fp) != 0)
        saved = errno ? errno : EIO;
    if (!saved && fsync(fileno(fp)) != 0 && errno != EINVAL)
        saved = errno ? errno : EIO;
    if (fclose(fp) != 0 && !saved)
        saved = errno ? errno : EIO;
    return saved;
}

fs_status fs_afile_close(fs_afile *f, fs_err *err)
{
    int saved = f->fp ? fs_stream_close(f->fp) : 0;

    f->fp = NULL;
    if (saved)
        return fs_err_set(err, FS_EIO, "cannot write %s: %s", f->path, strerror(saved));
    return FS_OK;
}

fs_status fs_afile_commit(fs_afile *f, fs_err *err)
{
    int saved = f->fp ? fs_stream_close(f->fp) : 0;

    if (!saved && rename(f->tmp, f->path) != 0)
        saved = errno ? errno : EIO;
    if (saved) {
        unlink(f->tmp);
        fs_err_set(err, FS_EIO, "cannot write %s: %s", f->path, strerror(saved));
        afile_release(f);
        return FS_EIO;
    }
    afile_release(f);
    return FS_OK;
}

void fs_afile_abort(fs_afile *f)
{
    if (f == NULL)
        return;
    if (f->fp)
        fclose(f->fp);
    unlink(f->tmp);
    afile_release(f);
}

/* mkdir that remembers the directory when it made it and track is set. */
static int make_dir(const char *path, int track)
{
    if (mkdir(path, 0777) != 0)
        return errno == EEXIST ? 0 : -1;
    if (track && fsio_ndirs < FSIO_DIRS) {
        strcpy(fsio_dir[fsio_ndirs], path);
        fsio_ndirs++;
    }
    return 0;
}

static fs_status mkdir_p(const char *dir, int track, fs_err *err)
{
    char buf[FSIO_PATH];
    struct stat st;
    char *p;

    if (dir == NULL || dir[0] == '\0')
        return fs_err_set(err, FS_EUSAGE, "empty output directory name");
    if (strlen(dir) >= sizeof buf)
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    strcpy(buf, dir);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (make_dir(buf, track) != 0)
            return fs_err_set(err, FS_EIO, "cannot create directory %s: %s",
                              buf, strerror(errno));
        *p = '/';
    }
    if (make_dir(buf, track) != 0)
        return fs_err_set(err, FS_EIO, "cannot create directory %s: %s",
                          buf, strerror(errno));
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return fs_err_set(err, FS_EIO, "output path %s is not a directory", dir);
    if (access(buf, W_OK | X_OK) != 0)
        return fs_err_set(err, FS_EIO, "output directory %s is not writable: %s",
                          dir, strerror(errno));
    return FS_OK;
}

fs_status fs_mkdir_p(const char *dir, fs_err *err)
{
    return mkdir_p(dir, 0, err);
}

fs_status fs_mkdir_made(const char *dir, fs_err *err)
{
    return mkdir_p(dir, 1, err);
}

char *fs_path_join(char *buf, size_t n, const char *dir, const char *name)
{
    int k = snprintf(buf, n, "%s/%s", dir, name);
    return (k < 0 || (size_t)k >= n) ? NULL : buf;
}
