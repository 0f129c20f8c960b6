/* bgfile.c: a file saved on a thread of its own (bgfile.h), each version
 * through fsio.h's atomic files. One mutex guards the hand-over: the
 * version waiting (at most one), whether the thread is writing, the first
 * failure, and the stop flag. */
#include "bgfile.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsio.h"

struct fs_bgfile {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;   /* to the writer: a version waits, or stop */
    pthread_cond_t idle;   /* to the waiters: nothing waits, nothing written */
    char *path;
    char *next;            /* the version waiting, or NULL */
    size_t next_len;
    int busy;              /* the writer is writing a version */
    int stop;
    fs_status st;          /* the first failure since the last wait */
    fs_err err;
};

/* Writes one version; its outcome. */
static fs_status write_version(const char *path, const char *buf, size_t len, fs_err *err)
{
    fs_afile *af = fs_afile_open(path, err);
    if (af == NULL)
        return err->code;
    /* a short write leaves an error on the stream, which the commit
     * reports (and the final name is left as it was) */
    fwrite(buf, 1, len, fs_afile_stream(af));
    return fs_afile_commit(af, err);
}

static void *writer(void *arg)
{
    fs_bgfile *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->next && !w->stop)
            pthread_cond_wait(&w->wake, &w->mu);
        if (!w->next)
            break;   /* stop, with nothing left to write */
        char *buf = w->next;
        size_t len = w->next_len;
        w->next = NULL;
        w->busy = 1;
        pthread_mutex_unlock(&w->mu);
        fs_err e;
        fs_status st = write_version(w->path, buf, len, &e);
        free(buf);
        pthread_mutex_lock(&w->mu);
        w->busy = 0;
        if (st != FS_OK && w->st == FS_OK) {
            w->st = st;
            w->err = e;
        }
        if (!w->next)
            pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

fs_bgfile *fs_bgfile_open(const char *path, fs_err *err)
{
    fs_bgfile *w = calloc(1, sizeof *w);
    sigset_t all, old;
    if (w == NULL || (w->path = strdup(path)) == NULL) {
        free(w);
        fs_err_set(err, FS_ENOMEM, "out of memory saving %s", path);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->idle, NULL);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&w->thread, NULL, writer, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        fs_err_set(err, FS_ENOMEM, "cannot start a thread to save %s: %s", path, strerror(rc));
        pthread_cond_destroy(&w->idle);
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->mu);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

fs_status fs_bgfile_save(fs_bgfile *w, char *buf, size_t len, fs_err *err)
{
    fs_status st;
    pthread_mutex_lock(&w->mu);
    if ((st = w->st) != FS_OK) {
        if (err)
            *err = w->err;
        free(buf);
    } else {
        free(w->next);   /* a version not yet started: this one replaces it */
        w->next = buf;
        w->next_len = len;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->mu);
    return st;
}

fs_status fs_bgfile_wait(fs_bgfile *w, fs_err *err)
{
    fs_status st;
    pthread_mutex_lock(&w->mu);
    while (w->next || w->busy)
        pthread_cond_wait(&w->idle, &w->mu);
    if ((st = w->st) != FS_OK && err)
        *err = w->err;
    w->st = FS_OK;
    pthread_mutex_unlock(&w->mu);
    return st;
}

void fs_bgfile_free(fs_bgfile *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);   /* it writes what waits, then stops */
    pthread_cond_destroy(&w->idle);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->mu);
    free(w->path);
    free(w);
}
