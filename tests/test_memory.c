/* test_memory.c: the memory guard's estimate (footprint.h: a pilot of
 * the first runs measures the quantile sketches) against the peak
 * resident memory of real runs: `foresight run --no-charts` of each shape
 * (bin/foresight, or FS_BIN), its peak from wait4, and the estimate
 * computed in another child process, so that the test's own heap counts
 * in neither; the estimate must be within 20% of the peak, on either
 * side. The shapes are lively (attacks in every step), calm (no plots,
 * slow growth) and frozen (nothing moves), since a sketch's size follows
 * how its cell's values vary, at 1 and 2 threads and at runs beyond the
 * pilot's 256. Skipped when the binary is not there. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "footprint.h"
#include "load.h"
#include "runner.h"

enum { LIVELY, CALM, FROZEN };

/* A scenario of a actors in a chain of borders, g threats present in
 * every actor (calm: every fourth), intelligence sharing among the
 * members, s steps. Lively threats grow, move and plot; calm ones grow
 * and wane slowly and never plot; frozen ones do nothing. */
static char *shape_text(int a, int s, int g, int mood)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int i, k;

    if (f == NULL)
        return NULL;
    fprintf(f, "name = \"shape\";\nsteps = %d;\nruns = 256;\nseed = 1;\nactors = (\n", s);
    for (i = 0; i < a; i++)
        fprintf(f, "%s  { id = \"A%d\"; capacity = %.2f; intel = 0.5; stability = %.2f; }\n",
                i ? "," : "", i, 0.3 + 0.05 * ((i * 37) % 10), 0.4 + 0.04 * ((i * 13) % 10));
    fputs(");\nborders = (\n", f);
    for (i = 0; i + 1 < a; i++)
        fprintf(f, "%s  { a = \"A%d\"; b = \"A%d\"; permeability = 0.3; }\n", i ? "," : "",
                i, i + 1);
    fputs(");\nthreats = (\n", f);
    for (k = 0; k < g; k++) {
        static const double rates[3][5] = {   /* growth, mobility, plots, volatility, attrition */
            {0.04, 0.05, 0.03, 0.2, 0.05}, {0.02, 0.01, 0, 0.05, 0.02}, {0, 0, 0, 0, 0}};
        const double *r = rates[mood];
        fprintf(f, "%s  { id = \"t%d\"; growth = %g; mobility = %g; plot_rate = %g; "
                "volatility = %g; attrition = %g; carrying_capacity = 80.0; "
                "lethality = { mean = 8.0; dispersion = 0.5; }; presence = {", k ? "," : "", k,
                r[0], r[1], r[2], r[3], r[4]);
        for (i = 0; i < a; i++)
            fprintf(f, " A%d = %.1f;", i, mood != LIVELY && i % 4 ? 0.0 : 5.0 + (i * k * 11) % 20);
        fputs(" }; }\n", f);
    }
    fputs(");\ntrust = { default = 0.6; };\nmechanisms = ( { id = \"share\"; "
          "type = \"intel_sharing\"; participants = \"members\"; intensity = 0.6; } );\n", f);
    fclose(f);
    return text;
}

/* Runs fn(file, runs, threads) in a child process, so that the parent's
 * heap never counts in what is measured; returns its value, or -1. */
static double in_child(double (*fn)(const char *, long, int), const char *file, long runs,
                       int threads)
{
    int fd[2];
    double v = -1;
    pid_t pid;

    if (pipe(fd) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        close(fd[0]);
        v = fn(file, runs, threads);
        _exit(write(fd[1], &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1);
    }
    close(fd[1]);
    if (pid < 0 || read(fd[0], &v, sizeof v) != (ssize_t)sizeof v)
        v = -1;
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return v;
}

/* The peak resident memory in bytes of `foresight run file -n runs -j
 * threads -q --no-charts --no-report` (the binary FS_BIN, or bin/foresight
 * as `make check` builds it), or -1. */
static double run_peak(const char *file, long runs, int threads)
{
    const char *bin = getenv("FS_BIN") ? getenv("FS_BIN") : "bin/foresight";
    char dir[] = "/tmp/fs_memory_XXXXXX", n[32], j[32], cmd[64];
    struct rusage ru;
    int status;
    pid_t pid;

    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(n, sizeof n, "%ld", runs);
    snprintf(j, sizeof j, "%d", threads);
    if ((pid = fork()) == 0) {
        execl(bin, bin, "run", file, "-n", n, "-j", j, "-q", "--no-charts", "--no-report", "-o",
              dir, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        ru.ru_maxrss = -1;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    return ru.ru_maxrss < 0 ? -1 : ru.ru_maxrss * 1024.0;
}

/* The guard's estimate for the same run, from its pilot; -1 on failure. */
static double estimate(const char *file, long runs, int threads)
{
    fs_scenario *sc = NULL;
    fs_footprint fp;
    fs_err err;
    double est = -1;

    if (fs_load_scenario(file, NULL, 0, &sc, &err) != FS_OK)
        return -1;
    sc->runs = runs;
    if (fs_footprint_pilot((const fs_scenario *const *)&sc, 1, 0, &fp, &err) == FS_OK)
        est = fs_footprint_bytes(&fp, threads);
    fs_scenario_free(sc);
    return est;
}

static const char *mood_name[] = {"lively", "calm", "frozen"};

static void check_shape(int a, int s, int g, int mood, long runs, int threads)
{
    char *text = shape_text(a, s, g, mood), file[] = "/tmp/fs_shape_XXXXXX";
    double est = -1, got = -1;
    int fd = mkstemp(file);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

    CHECK(text != NULL && f != NULL);
    if (text == NULL || f == NULL)
        return;
    fputs(text, f);
    fclose(f);
    free(text);
    est = in_child(estimate, file, runs, threads);
    got = run_peak(file, runs, threads);
    unlink(file);
    printf("  %d actors x %d steps x %d threats, %s, %ld runs, -j %d: estimate %.0f MiB, "
           "peak %.0f MiB (%+.0f%%)\n", a, s, g, mood_name[mood], runs, threads,
           est / 1048576, got / 1048576, 100 * (est / got - 1));
    CHECK(got > 0 && est > 0);
    CHECKF(est >= 0.8 * got && est <= 1.2 * got, "estimate %.0f MiB, measured %.0f MiB",
           est / 1048576, got / 1048576);
}

static void test_lively_j1(void) { check_shape(32, 400, 2, LIVELY, 256, 1); }
static void test_lively_j2(void) { check_shape(32, 400, 2, LIVELY, 256, 2); }
static void test_calm_j1(void) { check_shape(32, 400, 2, CALM, 256, 1); }
static void test_calm_j2(void) { check_shape(32, 400, 2, CALM, 256, 2); }
static void test_frozen_j2(void) { check_shape(32, 400, 2, FROZEN, 256, 2); }
/* beyond the pilot: the sketches' growth extended from 256 runs */
static void test_lively_more_runs(void) { check_shape(16, 300, 4, LIVELY, 2048, 2); }
static void test_calm_more_runs(void) { check_shape(16, 300, 4, CALM, 2048, 1); }

int main(void)
{
    fs_gsl_quiet();
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer's shadow memory and quarantine are no measure of
     * the program's own. */
    puts("tests/test_memory.c: skipped under AddressSanitizer");
    return check_report();
#endif
    if (access(getenv("FS_BIN") ? getenv("FS_BIN") : "bin/foresight", X_OK) != 0) {
        puts("tests/test_memory.c: skipped: no bin/foresight (run from the source tree)");
        return check_report();
    }
    RUN(test_lively_j1);
    RUN(test_lively_j2);
    RUN(test_calm_j1);
    RUN(test_calm_j2);
    RUN(test_frozen_j2);
    RUN(test_lively_more_runs);
    RUN(test_calm_more_runs);
    return check_report();
}
