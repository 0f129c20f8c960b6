/* test_memory.c: the memory guard's estimate (fs_runner_memory_estimate)
 * against the peak resident memory of real runs. Each shape runs in a
 * child process (so that one shape's peak does not hide the next one's),
 * which reports its VmHWM; the estimate must be within 20% of it. The
 * shapes are scenarios whose metrics vary from run to run, the case the
 * estimate is fitted to (its sketches are then as large as they get). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "engine.h"
#include "load.h"
#include "runner.h"

/* A scenario of a actors in a chain of borders, g threats present in
 * every actor, intelligence sharing among the members, s steps. */
static char *shape_text(int a, int s, int g)
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
        fprintf(f, "%s  { id = \"t%d\"; growth = 0.04; mobility = 0.05; plot_rate = 0.03; "
                "volatility = 0.2; attrition = 0.05; carrying_capacity = 80.0; "
                "lethality = { mean = 8.0; dispersion = 0.5; }; presence = {", k ? "," : "", k);
        for (i = 0; i < a; i++)
            fprintf(f, " A%d = %.1f;", i, 5.0 + (i * k * 11) % 20);
        fputs(" }; }\n", f);
    }
    fputs(");\ntrust = { default = 0.6; };\nmechanisms = ( { id = \"share\"; "
          "type = \"intel_sharing\"; participants = \"members\"; intensity = 0.6; } );\n", f);
    fclose(f);
    return text;
}

/* Peak resident memory of this process in bytes, or -1. */
static double vm_hwm(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024.0;
}

/* Runs the scenario's 256 runs on `threads` threads in a child process;
 * returns the child's peak resident memory in bytes, or -1. */
static double measure(const fs_scenario *sc, int threads)
{
    int fd[2];
    double peak = -1;
    pid_t pid;

    if (pipe(fd) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        fs_engine_opts o;
        fs_engine *e;
        fs_err err;
        close(fd[0]);
        memset(&o, 0, sizeof o);
        o.runs = sc->runs, o.seed = sc->seed, o.threads = threads;
        e = fs_engine_run(sc, &o, &err);
        peak = e ? vm_hwm() : -1;
        if (write(fd[1], &peak, sizeof peak) != (ssize_t)sizeof peak)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (pid < 0 || read(fd[0], &peak, sizeof peak) != (ssize_t)sizeof peak)
        peak = -1;
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return peak;
}

static void check_shape(int a, int s, int g, int threads)
{
    char *text = shape_text(a, s, g);
    fs_scenario *sc = NULL;
    fs_err err;
    double est, got;

    CHECK(text != NULL);
    CHECKF(fs_load_scenario_buffer("shape.cfg", text, strlen(text), NULL, 0, &sc, &err) == FS_OK,
           "%s", err.msg);
    free(text);
    est = fs_runner_memory_estimate((const fs_scenario *const *)&sc, 1, threads);
    got = measure(sc, threads);
    fs_scenario_free(sc);
    printf("  %d actors x %d steps x %d threats, -j %d: estimate %.0f MiB, peak %.0f MiB "
           "(%+.0f%%)\n", a, s, g, threads, est / 1048576, got / 1048576,
           100 * (est / got - 1));
    CHECK(got > 0);
    CHECKF(est >= 0.8 * got && est <= 1.2 * got, "estimate %.0f MiB, measured %.0f MiB",
           est / 1048576, got / 1048576);
}

static void test_16x300x4_j1(void) { check_shape(16, 300, 4, 1); }
static void test_16x300x4_j2(void) { check_shape(16, 300, 4, 2); }
static void test_32x400x2_j1(void) { check_shape(32, 400, 2, 1); }
static void test_32x400x2_j2(void) { check_shape(32, 400, 2, 2); }

int main(void)
{
    fs_gsl_quiet();
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer's shadow memory and quarantine are no measure of
     * the program's own. */
    puts("tests/test_memory.c: skipped under AddressSanitizer");
    return check_report();
#endif
    RUN(test_16x300x4_j1);
    RUN(test_16x300x4_j2);
    RUN(test_32x400x2_j1);
    RUN(test_32x400x2_j2);
    return check_report();
}
