/* outset.c: a set of output files staged in a private directory and
 * committed by one rename (the protocol is described in outset.h). */
#include "outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsio.h"

#define STAGE_PREFIX ".foresight-stage."
#define COMMIT_NAME ".foresight-commit"
#define MANIFEST "manifest"
#define PATH_MAX_ 4096

typedef struct staged {
    char *name;
    FILE *fp;
    int slot;
} staged;

struct fs_outset {
    char *dir;
    char stage[PATH_MAX_];
    int made;          /* the staging directory exists */
    int slots[9];      /* the staging directory and its subdirectories */
    int nslots;
    staged *files;
    int n, cap;
    char **dels;
    int ndel, capdel;
    int cur;           /* the file fs_outset_open left open, or -1 */
};

/* ---- a test hook: kill -9 at the Nth step of a commit ---- */

/* FS_TEST_COMMIT_KILL=N (tests only) makes the Nth step of a commit (the
 * rename that commits, then each file moved or removed, then the
 * clean-up) kill the process with SIGKILL just before it is taken, so
 * tests can stop a commit at every point of its window. */
static void step(void)
{
    static long count, at = -1;
    if (at < 0) {
        const char *e = getenv("FS_TEST_COMMIT_KILL");
        at = e ? atol(e) : 0;
    }
    if (at > 0 && ++count == at)
        raise(SIGKILL);
}

static int join(char *buf, const char *a, const char *b)
{
    return fs_path_join(buf, PATH_MAX_, a, b) != NULL ? 0 : -1;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The subdirectory part of "sub/name" into sub (empty for a plain name). */
static void sub_of(const char *name, char *sub, size_t n)
{
    const char *slash = strchr(name, '/');
    size_t len = slash ? (size_t)(slash - name) : 0;
    if (len >= n)
        len = n - 1;
    memcpy(sub, name, len);
    sub[len] = '\0';
}

/* ---- finishing a commit ---- */

/* Removes the commit directory's subdirectories (emptied by the moves),
 * then the directory itself. */
static void remove_tree_shallow(const char *top)
{
    DIR *d = opendir(top);
    struct dirent *de;
    char path[PATH_MAX_], inner[PATH_MAX_];

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (join(path, top, de->d_name) != 0)
            continue;
        if (unlink(path) != 0 && errno == EISDIR) {
            DIR *d2 = opendir(path);
            struct dirent *e2;
            while (d2 && (e2 = readdir(d2)) != NULL)
                if (e2->d_name[0] != '.' && join(inner, path, e2->d_name) == 0)
                    unlink(inner);
            if (d2)
                closedir(d2);
            rmdir(path);
        }
    }
    closedir(d);
    rmdir(top);
}

static fs_status apply_line(const char *dir, const char *cdir, char *line, fs_err *err)
{
    char src[PATH_MAX_], dst[PATH_MAX_], sub[PATH_MAX_], subpath[PATH_MAX_];
    const char *name = line + 4;

    if (strncmp(line, "put ", 4) != 0 && strncmp(line, "del ", 4) != 0)
        return FS_OK;
    if (join(dst, dir, name) != 0 || join(src, cdir, name) != 0)
        return fs_err_set(err, FS_EIO, "%s: name too long in the commit manifest", dir);
    step();
    if (line[0] == 'd') {
        if (unlink(dst) != 0 && errno != ENOENT)
            return fs_err_set(err, FS_EIO, "cannot remove %s: %s", dst, strerror(errno));
        return FS_OK;
    }
    sub_of(name, sub, sizeof sub);
    if (sub[0] && join(subpath, dir, sub) == 0 && mkdir(subpath, 0777) != 0 && errno != EEXIST)
        return fs_err_set(err, FS_EIO, "cannot create directory %s: %s", subpath,
                          strerror(errno));
    if (rename(src, dst) != 0 && errno != ENOENT)
        return fs_err_set(err, FS_EIO, "cannot move %s to %s: %s", src, dst, strerror(errno));
    return FS_OK;
}

/* A line reader over a descriptor with a fixed buffer: finishing a
 * commit allocates nothing, so that running out of memory after the
 * commit point cannot stop it. */
typedef struct lines {
    int fd;
    char buf[8192];
    size_t len, pos;
} lines;

/* The next line (without its newline) into out (size n); 0 at the end. A
 * line longer than n - 1 is cut (no manifest line is that long). */
static int next_line(lines *l, char *out, size_t n)
{
    size_t k = 0;
    for (;;) {
        if (l->pos == l->len) {
            ssize_t got = read(l->fd, l->buf, sizeof l->buf);
            if (got <= 0)
                break;
            l->len = (size_t)got, l->pos = 0;
        }
        if (l->buf[l->pos] == '\n') {
            l->pos++;
            out[k] = '\0';
            return 1;
        }
        if (k + 1 < n)
            out[k++] = l->buf[l->pos];
        l->pos++;
    }
    out[k] = '\0';
    return k > 0;
}

/* Removes the commit directory's subdirectories, emptied by the moves (the
 * "sub" of every "put sub/name"). */
static void remove_subdirs(lines *l, const char *cdir)
{
    char line[PATH_MAX_], sub[PATH_MAX_], path[PATH_MAX_];

    lseek(l->fd, 0, SEEK_SET);
    l->len = l->pos = 0;
    while (next_line(l, line, sizeof line)) {
        if (strncmp(line, "put ", 4) != 0)
            continue;
        sub_of(line + 4, sub, sizeof sub);
        if (sub[0] && join(path, cdir, sub) == 0)
            rmdir(path);
    }
}

/* Moves every file of dir's commit directory into place and removes the
 * stale ones, then the commit directory. Every step can be taken again:
 * a file already moved is gone from the commit directory. */
static fs_status apply(const char *dir, fs_err *err)
{
    char cdir[PATH_MAX_], man[PATH_MAX_], line[PATH_MAX_ + 8];
    fs_status st = FS_OK;
    lines l;

    if (join(cdir, dir, COMMIT_NAME) != 0 || join(man, cdir, MANIFEST) != 0)
        return fs_err_set(err, FS_EIO, "output path too long: %s", dir);
    l.len = l.pos = 0;
    if ((l.fd = open(man, O_RDONLY)) < 0) {
        if (errno != ENOENT)
            return fs_err_set(err, FS_EIO, "cannot read %s: %s", man, strerror(errno));
        /* Every file was moved and the manifest removed: only clean up. */
        remove_tree_shallow(cdir);
        return FS_OK;
    }
    while (st == FS_OK && next_line(&l, line, sizeof line))
        st = apply_line(dir, cdir, line, err);
    if (st == FS_OK) {
        sync_dir(dir);
        remove_subdirs(&l, cdir);
    }
    close(l.fd);
    if (st != FS_OK)
        return st;
    step();
    unlink(man);
    step();
    rmdir(cdir);
    return FS_OK;
}

fs_status fs_outset_recover(const char *dir, fs_err *err)
{
    char cdir[PATH_MAX_], msg[FS_ERR_MSG_MAX];
    struct stat st;

    if (join(cdir, dir, COMMIT_NAME) != 0 || lstat(cdir, &st) != 0)
        return FS_OK;
    if (apply(dir, err) == FS_OK)
        return FS_OK;
    snprintf(msg, sizeof msg, "%s", err->msg);
    return fs_err_set(err, FS_EIO, "%s holds a commit a killed process left unfinished "
                      "(%s), and it cannot be finished: %s", dir, cdir, msg);
}

/* ---- removing what dead processes left ---- */

static int pid_dead(long pid)
{
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* The pid of "NAME.tmp.PID" with NAME ending in one of foresight's
 * extensions, or of a staging directory's name; 0 for anything else. */
static long stale_pid(const char *name)
{
    static const char *const ext[] = {
        ".csv", ".md", ".cfg", ".png", ".pdf", ".svg", ".bin", ".html"
    };
    const char *t = strstr(name, ".tmp."), *p;
    size_t i;

    if (strncmp(name, STAGE_PREFIX, strlen(STAGE_PREFIX)) == 0)
        p = name + strlen(STAGE_PREFIX);
    else if (t != NULL && t[5] != '\0') {
        for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
            size_t k = strlen(ext[i]);
            if ((size_t)(t - name) > k && strncmp(t - k, ext[i], k) == 0)
                break;
        }
        if (i == sizeof ext / sizeof ext[0])
            return 0;
        p = t + 5;
    } else {
        return 0;
    }
    if (*p == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 9)
        return 0;
    return atol(p);
}

static void clean_one(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[PATH_MAX_];
    struct stat st;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        long pid;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            join(path, dir, de->d_name) != 0 || lstat(path, &st) != 0)
            continue;
        pid = stale_pid(de->d_name);
        if (pid > 0 && pid_dead(pid)) {
            if (S_ISREG(st.st_mode))
                unlink(path);
            else if (S_ISDIR(st.st_mode) && de->d_name[0] == '.')
                remove_tree_shallow(path);
        } else if (depth == 0 && S_ISDIR(st.st_mode) && de->d_name[0] != '.') {
            clean_one(path, 1);
        }
    }
    closedir(d);
}

void fs_outset_clean(const char *dir)
{
    clean_one(dir, 0);
}

/* ---- writing a set ---- */

fs_outset *fs_outset_new(const char *dir, fs_err *err)
{
    fs_outset *s;

    if (fs_outset_recover(dir, err) != FS_OK)
        return NULL;
    fs_outset_clean(dir);
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->dir = strdup(dir)) == NULL) {
        free(s);
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    s->cur = -1;
    snprintf(s->stage, sizeof s->stage, "%s/%s%ld", dir, STAGE_PREFIX, (long)getpid());
    return s;
}

static fs_status make_dir(fs_outset *s, const char *path, fs_err *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return fs_err_set(err, FS_EIO, "cannot write in %s: %s", s->dir, strerror(errno));
    if (s->nslots < (int)(sizeof s->slots / sizeof s->slots[0]))
        s->slots[s->nslots++] = fs_fsio_register(path, 1);
    return FS_OK;
}

/* Makes the staging directory, and sub in it, when first needed. */
static fs_status stage_dirs(fs_outset *s, const char *name, fs_err *err)
{
    char sub[PATH_MAX_], path[PATH_MAX_];
    int i;

    if (!s->made) {
        if (make_dir(s, s->stage, err) != FS_OK)
            return err->code;
        s->made = 1;
    }
    sub_of(name, sub, sizeof sub);
    if (sub[0] == '\0')
        return FS_OK;
    for (i = 0; i < s->n; i++)
        if (strncmp(s->files[i].name, sub, strlen(sub)) == 0 &&
            s->files[i].name[strlen(sub)] == '/')
            return FS_OK;
    if (join(path, s->stage, sub) != 0)
        return fs_err_set(err, FS_EIO, "output path too long: %s/%s", s->dir, name);
    return make_dir(s, path, err);
}

/* Flushes, syncs and closes file i; FS_EIO naming it on a write error. */
static fs_status finish_file(fs_outset *s, int i, fs_err *err)
{
    staged *sf = &s->files[i];
    int saved;

    if (sf->fp == NULL)
        return FS_OK;
    saved = fs_stream_close(sf->fp);
    sf->fp = NULL;
    if (saved)
        return fs_err_set(err, FS_EIO, "cannot write %s/%s: %s", s->dir, sf->name,
                          strerror(saved));
    return FS_OK;
}

static int valid_part(const char *p, size_t len)
{
    return len > 0 && !(len == 1 && p[0] == '.') && !(len == 2 && p[0] == '.' && p[1] == '.');
}

/* "name" or "sub/name", neither part empty, "." or "..", no newline. */
static int valid_name(const char *name)
{
    const char *slash = strchr(name, '/'), *last = slash ? slash + 1 : name;
    return strchr(name, '\n') == NULL && strchr(last, '/') == NULL &&
           valid_part(last, strlen(last)) &&
           (slash == NULL || valid_part(name, (size_t)(slash - name)));
}

static FILE *open_file(fs_outset *s, const char *name, int keep, fs_err *err)
{
    char path[PATH_MAX_];
    staged *sf;

    if (s->cur >= 0 && finish_file(s, s->cur, err) != FS_OK)
        return NULL;
    s->cur = -1;
    if (!valid_name(name)) {
        fs_err_set(err, FS_EUSAGE, "bad output file name \"%s\"", name);
        return NULL;
    }
    if (stage_dirs(s, name, err) != FS_OK)
        return NULL;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        staged *nf = realloc(s->files, (size_t)cap * sizeof *nf);
        if (nf == NULL) {
            fs_err_set(err, FS_ENOMEM, "out of memory");
            return NULL;
        }
        s->files = nf, s->cap = cap;
    }
    if (join(path, s->stage, name) != 0) {
        fs_err_set(err, FS_EIO, "output path too long: %s/%s", s->dir, name);
        return NULL;
    }
    sf = &s->files[s->n];
    if ((sf->name = strdup(name)) == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    sf->slot = fs_fsio_register(path, 0);
    if ((sf->fp = fopen(path, "w")) == NULL) {
        fs_err_set(err, FS_EIO, "cannot write %s/%s: %s", s->dir, name, strerror(errno));
        fs_fsio_unregister(sf->slot);
        free(sf->name);
        return NULL;
    }
    if (!keep)
        s->cur = s->n;
    return s->files[s->n++].fp;
}

FILE *fs_outset_open(fs_outset *s, const char *name, fs_err *err)
{
    return open_file(s, name, 0, err);
}

FILE *fs_outset_open_keep(fs_outset *s, const char *name, fs_err *err)
{
    return open_file(s, name, 1, err);
}

fs_status fs_outset_failed(fs_outset *s, fs_err *err)
{
    FILE *fp = s->cur >= 0 ? s->files[s->cur].fp : NULL;
    int saved = errno;   /* the failed write's reason, as the writer left it */

    if (fp == NULL)
        return err->code;
    if (!ferror(fp)) {
        errno = 0;
        if (fflush(fp) == 0)
            return err->code;
        saved = errno;
    }
    return fs_err_set(err, FS_EIO, "cannot write %s/%s: %s", s->dir, s->files[s->cur].name,
                      strerror(saved ? saved : EIO));
}

fs_status fs_outset_remove(fs_outset *s, const char *name, fs_err *err)
{
    if (!valid_name(name))
        return fs_err_set(err, FS_EUSAGE, "bad output file name \"%s\"", name);
    if (s->ndel == s->capdel) {
        int cap = s->capdel ? 2 * s->capdel : 64;
        char **nd = realloc(s->dels, (size_t)cap * sizeof *nd);
        if (nd == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        s->dels = nd, s->capdel = cap;
    }
    if ((s->dels[s->ndel] = strdup(name)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    s->ndel++;
    return FS_OK;
}

static void release(fs_outset *s, int remove_stage)
{
    int i;
    for (i = 0; i < s->n; i++) {
        if (s->files[i].fp)
            fclose(s->files[i].fp);
        fs_fsio_unregister(s->files[i].slot);
        free(s->files[i].name);
    }
    for (i = 0; i < s->nslots; i++)
        fs_fsio_unregister(s->slots[i]);
    if (remove_stage && s->made)
        remove_tree_shallow(s->stage);
    for (i = 0; i < s->ndel; i++)
        free(s->dels[i]);
    free(s->dels);
    free(s->files);
    free(s->dir);
    free(s);
}

void fs_outset_abort(fs_outset *s)
{
    if (s != NULL)
        release(s, 1);
}

static int written(const fs_outset *s, const char *name)
{
    int i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->files[i].name, name) == 0)
            return 1;
    return 0;
}

/* The manifest: every file to put, every stale file to remove, "end". */
static fs_status write_manifest(fs_outset *s, fs_err *err)
{
    char path[PATH_MAX_];
    FILE *f;
    int i, bad;

    if (join(path, s->stage, MANIFEST) != 0 || (f = fopen(path, "w")) == NULL)
        return fs_err_set(err, FS_EIO, "cannot write in %s: %s", s->dir, strerror(errno));
    for (i = 0; i < s->n; i++)
        fprintf(f, "put %s\n", s->files[i].name);
    for (i = 0; i < s->ndel; i++)
        if (!written(s, s->dels[i]))
            fprintf(f, "del %s\n", s->dels[i]);
    fputs("end\n", f);
    bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
        fs_err_set(err, FS_EIO, "cannot write in %s: %s", s->dir,
                   strerror(errno ? errno : EIO));
        unlink(path);
        return FS_EIO;
    }
    return FS_OK;
}

fs_status fs_outset_commit(fs_outset *s, fs_err *err)
{
    char cdir[PATH_MAX_];
    int i;

    for (i = 0; i < s->n; i++)
        if (finish_file(s, i, err) != FS_OK)
            goto fail;
    if ((!s->made && stage_dirs(s, "", err) != FS_OK) || write_manifest(s, err) != FS_OK)
        goto fail;
    sync_dir(s->stage);
    if (join(cdir, s->dir, COMMIT_NAME) != 0) {
        fs_err_set(err, FS_EIO, "output path too long: %s", s->dir);
        goto fail;
    }
    step();
    if (rename(s->stage, cdir) != 0) {
        fs_err_set(err, FS_EIO, "cannot commit the output in %s: %s%s", s->dir,
                   strerror(errno), errno == EEXIST || errno == ENOTEMPTY
                   ? " (another foresight process is committing there)" : "");
        goto fail;
    }
    sync_dir(s->dir);
    /* Committed: the files are moved into place, now or by a recovery. */
    cdir[strlen(cdir) - strlen(COMMIT_NAME) - 1] = '\0';
    release(s, 0);
    return apply(cdir, err);
fail:
    release(s, 1);
    return FS_EIO;
}
