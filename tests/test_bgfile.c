/* test_bgfile.c: a file saved on a thread of its own (bgfile.h): the
 * last version handed over is the one on disk, whole, after a wait or the
 * writer's release, versions handed over faster than the disk takes them
 * are dropped for the newer, no temp name is left, and a failure (a
 * directory that does not exist) is reported by the wait, or by the next
 * save, naming the file. */
#include "bgfile.h"
#include "check.h"
#include "errors.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

/* A malloc'd copy of s (the writer frees what it is given). */
static char *dup_text(const char *s, size_t *len)
{
    *len = strlen(s);
    char *b = malloc(*len + 1);
    if (b)
        memcpy(b, s, *len + 1);
    return b;
}

/* The contents of path into buf (NUL-terminated); -1 when unreadable. */
static long slurp(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = 0;
    fclose(f);
    return (long)got;
}

/* Files in dir (temp names included). */
static int count_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_versions(void)
{
    fs_err e;
    char path[128], got[256];
    size_t len;
    snprintf(path, sizeof path, "%s/state", dir);
    fs_bgfile *w = fs_bgfile_open(path, &e);
    CHECK(w != NULL);
    CHECK(fs_bgfile_wait(w, &e) == FS_OK);   /* nothing handed over */
    CHECK(slurp(path, got, sizeof got) < 0);
    /* versions handed over faster than they are written: the last wins */
    for (int v = 0; v < 50; v++) {
        char text[64];
        snprintf(text, sizeof text, "version %d\n", v);
        char *b = dup_text(text, &len);
        CHECK(fs_bgfile_save(w, b, len, &e) == FS_OK);
    }
    CHECK(fs_bgfile_wait(w, &e) == FS_OK);
    CHECK(slurp(path, got, sizeof got) == 11 && strcmp(got, "version 49\n") == 0);
    CHECK(count_files() == 1);
    char *b = dup_text("last\n", &len);
    CHECK(fs_bgfile_save(w, b, len, &e) == FS_OK);
    fs_bgfile_free(w);   /* writes what was handed over */
    CHECK(slurp(path, got, sizeof got) == 5 && strcmp(got, "last\n") == 0);
    CHECK(count_files() == 1);
    unlink(path);
}

static void test_failure(void)
{
    fs_err e;
    char bad[128], got[64];
    size_t len;
    snprintf(bad, sizeof bad, "%s/missing/state", dir);
    fs_bgfile *w = fs_bgfile_open(bad, &e);
    CHECK(w != NULL);
    char *b = dup_text("lost\n", &len);
    CHECK(fs_bgfile_save(w, b, len, &e) == FS_OK);
    fs_err_clear(&e);
    CHECK(fs_bgfile_wait(w, &e) == FS_EIO);
    CHECK_STR_CONTAINS(e.msg, "missing/state");
    CHECK(fs_bgfile_wait(w, &e) == FS_OK);   /* each failure once */
    /* a failure not yet waited for is the next save's answer */
    b = dup_text("lost\n", &len);
    CHECK(fs_bgfile_save(w, b, len, &e) == FS_OK);
    while (fs_bgfile_save(w, dup_text("lost\n", &len), len, &e) == FS_OK)
        usleep(1000);
    CHECK(e.code == FS_EIO);
    CHECK_STR_CONTAINS(e.msg, "missing/state");
    CHECK(fs_bgfile_wait(w, &e) == FS_EIO);   /* still to be waited for */
    CHECK(fs_bgfile_wait(w, &e) == FS_OK);
    CHECK(slurp(bad, got, sizeof got) < 0);
    fs_bgfile_free(w);
    fs_bgfile_free(NULL);
    CHECK(count_files() == 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fs-test-bgfile-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(test_versions);
    RUN(test_failure);
    rmdir(dir);
    return check_report();
}
