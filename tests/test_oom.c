/* test_oom.c: fault injection. This binary is linked with
 * -Wl,--wrap for malloc, calloc, realloc, free, strdup, fopen and
 * gsl_rng_alloc (see the Makefile), so every allocation our own code makes
 * goes through the counting wrappers below, which can make the Nth one
 * fail. Allocations made inside libraries (libconfig, GSL, cairo, libc's
 * stdio buffers) are not counted and never fail: libconfig 1.5, for one,
 * does not survive a failed malloc, so failing them would test nothing of
 * ours. For every N from 1 to the number of allocations a whole small run
 * makes (load with an @include and a --set, engine, every output file,
 * the charts; and a comparison of two scenarios; report.html of a run), the run must end with a clean error (FS_ENOMEM,
 * or FS_EIO for a failed fopen), free everything it allocated (checked
 * here against a table of live pointers, and by LeakSanitizer in the
 * sanitizer build) and leave no file under a final name and no temp file.
 * Run from the repository root. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "errors.h"
#include "fsio.h"
#include "load.h"
#include "plot.h"
#include "report.h"
#include "runner.h"

/* ---- the counting allocator ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t k);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
FILE *__real_fopen(const char *path, const char *mode);
gsl_rng *__real_gsl_rng_alloc(const gsl_rng_type *t);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t k);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
FILE *__wrap_fopen(const char *path, const char *mode);
gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t);

/* Volatile: the compiler may assume that malloc and free touch no global
 * of this file, and would otherwise keep stale copies across the calls. */
static volatile int armed;      /* count (and maybe fail) allocations */
static volatile long fail_at;   /* 1-based allocation to fail; 0: none */
static volatile long nallocs;   /* allocations counted since arming */
static volatile long nfailed;   /* allocations failed since arming */

/* Live pointers allocated while armed: open addressing, deleted slots
 * marked with TOMB. Large enough for a small run many times over. The
 * slots ever filled since the last reset are listed in used[], so that a
 * reset clears those alone rather than the whole 8 MiB table (thousands
 * of resets a run). */
#define LIVE_BITS 20
#define LIVE_N (1L << LIVE_BITS)
#define TOMB ((void *)1)
static void *live[LIVE_N];
static size_t used[LIVE_N];
static volatile long nused;
static volatile long nlive;

static size_t live_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)(x & (LIVE_N - 1));
}

static void live_add(void *p)
{
    size_t i = live_hash(p);
    while (live[i] != NULL && live[i] != TOMB)
        i = (i + 1) & (LIVE_N - 1);
    if (live[i] == NULL)
        used[nused++] = i;
    live[i] = p;
    nlive++;
}

/* Removes p if it is there; returns 1 if it was. */
static int live_remove(const void *p)
{
    size_t i = live_hash(p);
    while (live[i] != NULL) {
        if (live[i] == p) {
            live[i] = TOMB;
            nlive--;
            return 1;
        }
        i = (i + 1) & (LIVE_N - 1);
    }
    return 0;
}

static void live_reset(void)
{
    long k;
    for (k = 0; k < nused; k++)
        live[used[k]] = NULL;
    nused = 0;
    nlive = 0;
}

/* The calls of a clean run in order, each as its size times 8 plus its
 * kind (CALL_*), when trace is set: test_oom_charts compares a run with
 * charts to one without. */
enum { CALL_MALLOC, CALL_CALLOC, CALL_REALLOC, CALL_FOPEN, CALL_RNG };
#define TRACE_N 65536
static unsigned long *volatile trace;
static unsigned long trace_run[TRACE_N], trace_charts[TRACE_N];

/* Counts one allocation of the given kind and size; 1 when it must fail. */
static int should_fail(int kind, size_t size)
{
    if (!armed)
        return 0;
    if (trace != NULL && nallocs < TRACE_N)
        trace[nallocs] = (unsigned long)size * 8 + (unsigned long)kind;
    nallocs++;
    if (fail_at > 0 && nallocs == fail_at) {
        nfailed++;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    void *p;
    if (should_fail(CALL_MALLOC, n)) {
        errno = ENOMEM;
        return NULL;
    }
    p = __real_malloc(n);
    if (p && armed)
        live_add(p);
    return p;
}

void *__wrap_calloc(size_t n, size_t k)
{
    void *p;
    if (should_fail(CALL_CALLOC, n * k)) {
        errno = ENOMEM;
        return NULL;
    }
    p = __real_calloc(n, k);
    if (p && armed)
        live_add(p);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q;
    if (should_fail(CALL_REALLOC, n)) {
        errno = ENOMEM;
        return NULL;
    }
    q = __real_realloc(p, n);
    if (q != NULL || n == 0) {
        int tracked = p && nlive > 0 && live_remove(p);
        if (q && (armed || tracked))
            live_add(q);
    }
    return q;
}

void __wrap_free(void *p)
{
    if (p && nlive > 0)
        live_remove(p);
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = __wrap_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* fopen allocates its FILE: a failure here is what ENOMEM inside fopen
 * looks like to the caller. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (should_fail(CALL_FOPEN, 0)) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_fopen(path, mode);
}

gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t)
{
    if (should_fail(CALL_RNG, 0))
        return NULL;
    return __real_gsl_rng_alloc(t);
}

static void arm(long n)
{
    live_reset();
    nallocs = nfailed = 0;
    fail_at = n;
    armed = 1;
}

static void disarm(void)
{
    armed = 0;
}

/* ---- the run under test ---- */

static char tmpdir[256];   /* $TMPDIR/fs_oom_XXXXXX (/tmp without TMPDIR) */
static char outdir[512];

/* A small scenario with one of everything, split over an include. */
static const char part_cfg[] =
    "actors = (\n"
    "  { id = \"A\"; name = \"Alpha\"; capacity = 0.7; },\n"
    "  { id = \"B\"; capacity = 0.5; stability = 0.5; },\n"
    "  { id = \"X\"; role = \"external\"; capacity = 0.2; }\n"
    ");\n"
    "borders = ( { a = \"A\"; b = \"B\"; permeability = 0.3; },\n"
    "            { a = \"B\"; b = \"X\"; permeability = 0.6; } );\n";
static const char main_cfg[] =
    "name = \"oom\";\n"
    "description = \"fault injection\";\n"
    "steps = 4;\n"
    "runs = 10;\n"
    "seed = 3;\n"
    "baseline = \"base.cfg\";\n"
    "@include \"part.cfg\"\n"
    "threats = ( { id = \"net\"; growth = 0.05; plot_rate = 0.2; volatility = 0.2;\n"
    "    lethality = { mean = 10.0; dispersion = 0.5; };\n"
    "    presence = { B = 10.0; X = 40.0; }; } );\n"
    "trust = { default = 0.6; pairs = ( { a = \"A\"; b = \"B\"; value = 0.4; } ); };\n"
    "mechanisms = (\n"
    "  { id = \"share\"; type = \"intel_sharing\"; participants = \"members\"; intensity = 0.5; },\n"
    "  { id = \"drill\"; type = \"joint_drill\"; participants = [\"A\", \"B\"]; intensity = 0.5; period = 2; },\n"
    "  { id = \"bop\"; type = \"border_operation\"; borders = ( [\"B\", \"X\"] ); intensity = 0.5; }\n"
    ");\n"
    "injects = (\n"
    "  { id = \"hit\"; type = \"attack\"; target = \"A\"; threat = \"net\"; origin = \"B\"; step = 2; },\n"
    "  { id = \"spat\"; type = \"trust_shock\"; target = \"A\"; other = \"B\"; delta = -0.2; step = 3; }\n"
    ");\n";

/* The baseline the run measures itself against: the same actors, no
 * mechanisms. */
static const char base_cfg[] =
    "name = \"oom baseline\";\n"
    "steps = 4;\n"
    "@include \"part.cfg\"\n"
    "threats = ( { id = \"net\"; growth = 0.05; plot_rate = 0.2; volatility = 0.2;\n"
    "    presence = { B = 10.0; X = 40.0; }; } );\n";

static char main_path[512];

static int write_file(const char *path, const char *text)
{
    FILE *f = __real_fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Removes every entry of dir (one level, and the compare subdirectories'
 * files). */
static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        if (unlink(p) != 0) {
            empty_dir(p);
            rmdir(p);
        }
    }
    closedir(d);
}

/* Regular files under dir (recursively), and among them temp files: a
 * NAME.tmp.PID, or anything in a staging or commit directory (outset.h)
 * or that directory itself, even empty. */
static void count_files_in(const char *dir, int in_temp, int *files, int *temps)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    char p[1024];
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        int temp = in_temp || strncmp(e->d_name, ".foresight-", 11) == 0;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p
            || stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            *temps += temp && !in_temp;
            count_files_in(p, temp, files, temps);
            continue;
        }
        (*files)++;
        if (temp || strstr(e->d_name, ".tmp.") != NULL)
            (*temps)++;
    }
    closedir(d);
}

static void count_files(const char *dir, int *files, int *temps)
{
    count_files_in(dir, 0, files, temps);
}

/* One whole run through the runner API; returns its status. report.html
 * is left out: test_oom_report fails its allocations on their own. */
static fs_status run_all(int charts, int compare, fs_err *err)
{
    static char set_arg[64];
    static fs_override ov;
    const char *files[2];
    fs_run_opts o;
    fs_runner *r;
    fs_status st = FS_OK;

    snprintf(set_arg, sizeof set_arg, "dynamics.tau=0.1");
    if (fs_override_parse(set_arg, &ov, err) != FS_OK)
        return err->code;
    files[0] = files[1] = main_path;
    memset(&o, 0, sizeof o);
    o.files = files;
    o.nfiles = compare ? 2 : 1;
    o.sets = &ov;
    o.nsets = 1;
    o.runs = 70;   /* two blocks of FS_BLOCK */
    o.threads = 1;
    o.outdir = outdir;
    o.runs_csv = !compare;
    o.charts = charts;
    fs_plot_opts_default(&o.plot);
    o.plot.width = 400;
    o.plot.height = 300;
    o.plot.no_report = 1;
    r = fs_runner_open(&o, err);
    if (r == NULL)
        return err->code;
    while (st == FS_OK && fs_runner_done(r) < fs_runner_total(r))
        st = fs_runner_iterate(r, err);
    if (st == FS_OK)
        st = fs_runner_finish(r, err);
    fs_runner_free(r);
    return st;
}

static int quiet_failures;

/* Files of a finished run without charts: 13 CSVs (inject_effects.csv and
 * baseline.csv among them), runs.csv, the resolved scenario and
 * briefing.md. */
#define NRUNFILES 16

/* For every N from the first call at which the clean run differs from
 * the clean run traced in same[0..nsame) (every N when same is NULL):
 * fail allocation N, and check the aftermath. The clean run's calls are
 * traced into rec; *from gets the first N failed. Returns the number of
 * allocations of a clean run (0 if the clean run failed). */
static long sweep(int charts, int compare, unsigned long *rec, const unsigned long *same,
                  long nsame, long *from, long *checked)
{
    fs_err err;
    fs_status st;
    long total, n;
    int files, temps;

    empty_dir(outdir);
    arm(0);
    trace = rec;
    fs_err_clear(&err);
    st = run_all(charts, compare, &err);
    trace = NULL;
    disarm();
    total = nallocs;
    if (st != FS_OK) {
        fprintf(stderr, "  clean run failed: %s\n", err.msg);
        return 0;
    }
    if (nlive != 0) {
        fprintf(stderr, "  clean run leaked %ld allocations\n", nlive);
        return 0;
    }
    n = 1;
    if (same != NULL)
        while (n <= total && n <= nsame && n <= TRACE_N && rec[n - 1] == same[n - 1])
            n++;
    *from = n;
    for (; n <= total; n++) {
        empty_dir(outdir);
        arm(n);
        fs_err_clear(&err);
        st = run_all(charts, compare, &err);
        disarm();
        files = temps = 0;
        count_files(outdir, &files, &temps);
        if (nfailed != 1 || st == FS_OK || (st != FS_ENOMEM && st != FS_EIO)
            || err.msg[0] == '\0' || nlive != 0 || temps != 0
            || (files != 0 && !(charts && files >= NRUNFILES))) {
            if (quiet_failures++ < 10)
                fprintf(stderr, "  allocation %ld of %ld (charts %d, compare %d): status %d, "
                        "failed %ld, message '%s', %ld leaked, %d files, %d temp files\n",
                        n, total, charts, compare, (int)st, nfailed, err.msg, nlive,
                        files, temps);
            continue;
        }
        (*checked)++;
    }
    return total;
}

/* The clean run's calls, for test_oom_charts. */
static long run_total;

static void test_oom_run(void)
{
    long from, checked = 0, total = sweep(0, 0, trace_run, NULL, 0, &from, &checked);
    printf("  run: %ld allocations, %ld failures handled cleanly\n", total, checked);
    CHECK(total > 100);
    CHECK(checked == total);
    run_total = checked == total ? total : 0;
}

static void test_oom_compare(void)
{
    long from, checked = 0, total = sweep(0, 1, NULL, NULL, 0, &from, &checked);
    printf("  compare: %ld allocations, %ld failures handled cleanly\n", total, checked);
    CHECK(total > 100);
    CHECK(checked == total);
}

/* The charts: our drawing code's allocations fail one by one (cairo's and
 * pango's own are not counted). The CSV files are committed before the
 * charts are drawn from them, so a chart failure leaves the complete CSVs
 * and no chart file half-written: sweep() accepts files then, as long as
 * there is no temp file and every CSV is there. A run with charts makes
 * the calls of one without (test_oom_run), the same kind and size in the
 * same order, until its first call of its own: those test_oom_run failed
 * one by one (when all of them were handled), so the sweep fails every
 * call from that one on, and there must be more than 100 of them. */
static void test_oom_charts(void)
{
    long from, checked = 0,
         total = sweep(1, 0, trace_charts, trace_run, run_total, &from, &checked);
    printf("  charts: %ld allocations, the first %ld those of a run without charts, "
           "%ld failures handled cleanly\n", total, from - 1, checked);
    CHECK(total - (from - 1) > 100);
    CHECK(checked == total - (from - 1));
}

/* report.html of a finished run: fs_report_write's allocations (and
 * fopen calls) fail one by one: reading the files, drawing the charts
 * (between the marks __wrap_fs_plot_data_draw takes, which must be there),
 * writing the page. Each failure must be a clean FS_ENOMEM (or FS_EIO),
 * leave no report.html and no temp file, and free everything. */
static volatile long draw_first, draw_last;

fs_status __real_fs_plot_data_draw(const fs_plot_data *d, const fs_plot_opts *o, fs_err *err);
fs_status __wrap_fs_plot_data_draw(const fs_plot_data *d, const fs_plot_opts *o, fs_err *err);
fs_status __wrap_fs_plot_data_draw(const fs_plot_data *d, const fs_plot_opts *o, fs_err *err)
{
    fs_status st;
    draw_first = nallocs;
    st = __real_fs_plot_data_draw(d, o, err);
    draw_last = nallocs;
    return st;
}

static void test_oom_report(void)
{
    char path[600];
    fs_err err;
    fs_status st;
    long total, draw_from, draw_to, n, checked = 0, tried = 0;
    int files, temps;

    empty_dir(outdir);
    fs_err_clear(&err);
    CHECK(run_all(0, 0, &err) == FS_OK);
    snprintf(path, sizeof path, "%s/report.html", outdir);
    arm(0);
    st = fs_report_write(outdir, NULL, &err);
    disarm();
    total = nallocs;
    CHECKF(st == FS_OK && nlive == 0, "clean report: %s, %ld leaked", err.msg, nlive);
    /* Where the charts' allocations are (__wrap_fs_plot_data_draw). */
    draw_from = draw_first, draw_to = draw_last;
    for (n = 1; n <= total; n++) {
        tried++;
        remove(path);
        arm(n);
        fs_err_clear(&err);
        st = fs_report_write(outdir, NULL, &err);
        disarm();
        files = temps = 0;
        count_files(outdir, &files, &temps);
        if (nfailed != 1 || (st != FS_ENOMEM && st != FS_EIO) || err.msg[0] == '\0' ||
            nlive != 0 || temps != 0 || access(path, F_OK) == 0) {
            if (quiet_failures++ < 10)
                fprintf(stderr, "  report: allocation %ld of %ld: status %d, failed %ld, "
                        "message '%s', %ld leaked, %d temp files\n", n, total, (int)st,
                        nfailed, err.msg, nlive, temps);
            continue;
        }
        checked++;
    }
    printf("  report: %ld allocations (the charts' from %ld to %ld), %ld failures handled "
           "cleanly of %ld\n", total, draw_from, draw_to, checked, tried);
    CHECK(total > 100 && draw_to > draw_from);
    CHECK(checked == tried);
}

/* The wrappers themselves: counting, failing, and the live table. */
static void test_allocator(void)
{
    char *p, *q;

    arm(0);
    p = malloc(10);
    q = strdup("x");
    disarm();
    CHECKF(p != NULL && q != NULL && nallocs == 2 && nlive == 2, "%ld allocations, %ld live",
           nallocs, nlive);
    p = realloc(p, 100000);
    CHECK(p != NULL && nlive == 2);
    free(p);
    free(q);
    CHECK(nlive == 0);
    arm(2);
    p = malloc(10);
    q = malloc(10);
    disarm();
    CHECK(p != NULL && q == NULL && nfailed == 1 && nlive == 1);
    free(p);
    CHECK(nlive == 0);
}

/* The loader alone: a scenario given in memory. */
static void test_oom_load_buffer(void)
{
    fs_scenario *sc = NULL;
    fs_err err;
    long total, n, bad = 0;
    fs_status st;

    arm(0);
    st = fs_load_scenario_buffer(main_path, main_cfg, strlen(main_cfg), NULL, 0, &sc, &err);
    fs_scenario_free(sc);
    disarm();
    total = nallocs;
    CHECK(st == FS_OK);
    for (n = 1; n <= total; n++) {
        arm(n);
        sc = NULL;
        fs_err_clear(&err);
        st = fs_load_scenario_buffer(main_path, main_cfg, strlen(main_cfg), NULL, 0, &sc,
                                     &err);
        disarm();
        if (st != FS_ENOMEM || sc != NULL || nlive != 0) {
            if (bad++ < 5)
                fprintf(stderr, "  load allocation %ld: status %d, %ld leaked: %s\n", n,
                        (int)st, nlive, err.msg);
            fs_scenario_free(sc);
        }
    }
    CHECK(bad == 0);
}

/* After a clean run every file is there and nothing else. */
static void test_clean_run_complete(void)
{
    fs_err err;
    int files = 0, temps = 0;
    char p[600];

    empty_dir(outdir);
    fs_err_clear(&err);
    CHECKF(run_all(0, 0, &err) == FS_OK, "%s", err.msg);
    count_files(outdir, &files, &temps);
    CHECK(temps == 0);
    CHECK(files == NRUNFILES);
    snprintf(p, sizeof p, "%s/summary.csv", outdir);
    CHECK(access(p, R_OK) == 0);
}

int main(void)
{
    char part_path[512], base_path[512];
    const char *tmp;
    int rc;

    fs_gsl_quiet();
    tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    if (snprintf(tmpdir, sizeof tmpdir, "%s/fs_oom_XXXXXX", tmp) >= (int)sizeof tmpdir ||
        mkdtemp(tmpdir) == NULL)
        return 1;
    snprintf(main_path, sizeof main_path, "%s/main.cfg", tmpdir);
    snprintf(part_path, sizeof part_path, "%s/part.cfg", tmpdir);
    snprintf(base_path, sizeof base_path, "%s/base.cfg", tmpdir);
    snprintf(outdir, sizeof outdir, "%s/out", tmpdir);
    if (write_file(main_path, main_cfg) != 0 || write_file(part_path, part_cfg) != 0 ||
        write_file(base_path, base_cfg) != 0)
        return 1;
    RUN(test_allocator);
    RUN(test_clean_run_complete);
    RUN(test_oom_load_buffer);
    RUN(test_oom_run);
    RUN(test_oom_compare);
    RUN(test_oom_charts);
    RUN(test_oom_report);
    empty_dir(tmpdir);
    rmdir(tmpdir);
    rc = check_report();
    fflush(stdout);   /* LeakSanitizer ends the process without flushing */
    return rc;
}
