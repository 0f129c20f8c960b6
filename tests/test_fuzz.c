/* test_fuzz.c: the fuzzers' seed corpora and every regression file they
 * found (tests/fuzz/corpus/, tests/fuzz/regress/), replayed through the
 * same harnesses make fuzz runs (a harness aborts on a broken invariant;
 * the sanitizer build also catches memory errors and leaks), and each
 * scenario file loaded through the normal file loader, which must return
 * a scenario or a clean error with a message. Run from the repository
 * root. */
#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "load.h"

#define LLVMFuzzerTestOneInput fuzz_scenario_one
#include "fuzz/fuzz_scenario.c"
#undef LLVMFuzzerTestOneInput
#undef NAME
#define LLVMFuzzerTestOneInput fuzz_set_one
#include "fuzz/fuzz_set.c"
#undef LLVMFuzzerTestOneInput
#undef NAME
#define LLVMFuzzerTestOneInput fuzz_sweep_one
#include "fuzz/fuzz_sweep.c"
#undef LLVMFuzzerTestOneInput

/* The whole of a file, in a fresh buffer; NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        if (*len != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* How many files a replay of dir must feed: every regular file in it,
 * counted with readdir (not glob, so a file glob's "*" misses, such as a
 * name starting with a dot, shows up as a difference), except the
 * placeholder ".keep" that keeps an empty directory in git. -1 when the
 * directory cannot be read. */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    struct stat st;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0
            || strcmp(e->d_name, ".keep") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            n++;
    }
    closedir(d);
    return n;
}

/* Feeds every file of dir (its "*") to fn; returns how many were read and
 * fed. An unreadable file is not fed, so it makes the count fall short. */
static int replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
    glob_t g;
    size_t i, len;
    int n = 0;
    char pattern[4096];

    snprintf(pattern, sizeof pattern, "%s/*", dir);
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    for (i = 0; i < g.gl_pathc; i++) {
        char *buf = slurp(g.gl_pathv[i], &len);
        if (buf == NULL)
            continue;
        fn((const uint8_t *)buf, len);
        free(buf);
        n++;
    }
    globfree(&g);
    return n;
}

/* Every file of dir replayed, none skipped: the count equals the
 * directory's own count (which must exist); at least `least` of them (the
 * corpora must not silently shrink; 0 for a regression directory that is
 * allowed to be empty). */
#define CHECK_REPLAY(dir, fn, least) do { \
    int want_ = files_in(dir), got_ = replay(dir, fn); \
    CHECKF(want_ >= 0, "%s: cannot read the directory", dir); \
    CHECKF(got_ == want_, "%s: %d files replayed, %d in the directory", dir, got_, want_); \
    CHECKF(got_ >= (least), "%s: %d files replayed, at least %d expected", dir, got_, \
           (int)(least)); \
    } while (0)

static void test_scenario_corpus(void)
{
    CHECK_REPLAY("tests/fuzz/corpus/scenario", fuzz_scenario_one, 41);
}

static void test_set_corpus(void)
{
    CHECK_REPLAY("tests/fuzz/corpus/set", fuzz_set_one, 6);
}

static void test_scenario_regressions(void)
{
    CHECK_REPLAY("tests/fuzz/regress/scenario", fuzz_scenario_one, 1);
}

static void test_set_regressions(void)
{
    CHECK_REPLAY("tests/fuzz/regress/set", fuzz_set_one, 1);
}

static void test_sweep_corpus(void)
{
    CHECK_REPLAY("tests/fuzz/corpus/sweep", fuzz_sweep_one, 11);
}

/* No sweep regression yet (the directory holds only .keep): whatever is
 * added later is replayed, all of it. */
static void test_sweep_regressions(void)
{
    CHECK_REPLAY("tests/fuzz/regress/sweep", fuzz_sweep_one, 0);
}

/* Through fs_load_scenario, as `foresight run` reads them. */
static void test_regressions_from_files(void)
{
    glob_t g;
    size_t i;
    int want = files_in("tests/fuzz/regress/scenario");

    CHECKF(want > 0, "tests/fuzz/regress/scenario: %d files", want);
    CHECK(glob("tests/fuzz/regress/scenario/*", 0, NULL, &g) == 0);
    /* Every regression file is loaded, none skipped. */
    CHECKF(g.gl_pathc == (size_t)want, "%zu files loaded, %d in the directory", g.gl_pathc,
           want);
    for (i = 0; i < g.gl_pathc; i++) {
        fs_scenario *sc = NULL;
        fs_err err;
        fs_status st;

        fs_err_clear(&err);
        st = fs_load_scenario(g.gl_pathv[i], NULL, 0, &sc, &err);
        if (st == FS_OK) {
            CHECKF(sc != NULL, "%s", g.gl_pathv[i]);
            fs_scenario_free(sc);
            continue;
        }
        CHECKF(sc == NULL && err.msg[0] != '\0' && (st == FS_ECONFIG || st == FS_EUSAGE),
               "%s: status %d, message '%s'", g.gl_pathv[i], (int)st, err.msg);
        CHECKF(strncmp(err.msg, g.gl_pathv[i], strlen(g.gl_pathv[i])) == 0,
               "%s: the message does not name the file: %s", g.gl_pathv[i], err.msg);
    }
    globfree(&g);
}

/* fs_sweep_load_buffer gives what fs_sweep_load gives for the same text
 * and name: the same sweep identity, or the same message. */
static void test_sweep_buffer_matches_file(void)
{
    static const char *const files[] = {
        "scenarios/sweeps/smoke.cfg", "tests/fixtures/sweepfiles/badpath.cfg",
        "tests/fixtures/sweepfiles/morris.cfg", "tests/fixtures/sweepfiles/nobase.cfg"};
    size_t i, len;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        fs_sweep *a = NULL, *b = NULL;
        fs_ckpt_id ia, ib;
        fs_err ea, eb;
        fs_status sa, sb;
        char *text = slurp(files[i], &len);

        CHECKF(text != NULL, "%s", files[i]);
        fs_err_clear(&ea);
        fs_err_clear(&eb);
        sa = fs_sweep_load(files[i], NULL, 0, &a, &ea);
        sb = fs_sweep_load_buffer(files[i], text, len, NULL, 0, &b, &eb);
        free(text);
        CHECKF(sa == sb, "%s: status %d from the file, %d from memory", files[i], (int)sa,
               (int)sb);
        CHECKF(strcmp(ea.msg, eb.msg) == 0, "%s: '%s' vs '%s'", files[i], ea.msg, eb.msg);
        if (sa == FS_OK) {
            CHECK(fs_sweep_id(a, &ia, &ea) == FS_OK && fs_sweep_id(b, &ib, &eb) == FS_OK);
            CHECKF(ia.settings == ib.settings && ia.base == ib.base, "%s: different sweeps",
                   files[i]);
        }
        fs_sweep_free(a);
        fs_sweep_free(b);
    }
}

/* fs_load_scenario_buffer gives what fs_load_scenario gives for the same
 * text and name: the same scenario, includes resolved relative to the
 * name, the same messages. */
static void test_buffer_matches_file(void)
{
    static const char *const files[] = {
        "scenarios/sco_baseline.cfg", "tests/fixtures/load/inc/main.cfg",
        "tests/fixtures/load/empty.cfg", "tests/fixtures/load/binary.cfg",
        "tests/fixtures/load/cycle_a.cfg", "tests/fixtures/load/err_range.cfg"};
    size_t i, len;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        fs_scenario *a = NULL, *b = NULL;
        fs_err ea, eb;
        fs_status sa, sb;
        char *text = slurp(files[i], &len), *wa = NULL, *wb = NULL;
        size_t la = 0, lb = 0;

        CHECKF(text != NULL, "%s", files[i]);
        fs_err_clear(&ea);
        fs_err_clear(&eb);
        sa = fs_load_scenario(files[i], NULL, 0, &a, &ea);
        sb = fs_load_scenario_buffer(files[i], text, len, NULL, 0, &b, &eb);
        free(text);
        CHECKF(sa == sb, "%s: status %d from the file, %d from memory", files[i], (int)sa,
               (int)sb);
        CHECKF(strcmp(ea.msg, eb.msg) == 0, "%s: '%s' vs '%s'", files[i], ea.msg, eb.msg);
        if (sa == FS_OK) {
            wa = written(a, &la);
            wb = written(b, &lb);
            CHECKF(la == lb && memcmp(wa, wb, la) == 0, "%s: different scenarios", files[i]);
        }
        free(wa);
        free(wb);
        fs_scenario_free(a);
        fs_scenario_free(b);
    }
}

int main(void)
{
    int rc;

    fs_gsl_quiet();
    RUN(test_scenario_corpus);
    RUN(test_set_corpus);
    RUN(test_scenario_regressions);
    RUN(test_set_regressions);
    RUN(test_sweep_corpus);
    RUN(test_sweep_regressions);
    RUN(test_regressions_from_files);
    RUN(test_buffer_matches_file);
    RUN(test_sweep_buffer_matches_file);
    rc = check_report();
    fflush(stdout);   /* LeakSanitizer ends the process without flushing */
    return rc;
}
