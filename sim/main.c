/* main.c: the foresight command line. The only place that talks to the
 * user: it parses arguments, calls the modules, prints "foresight: message"
 * on error and chooses the exit code (0 ok, 1 runtime, 2 usage or config,
 * 130/143 interrupted). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <omp.h>

#include "engine.h"
#include "errors.h"
#include "fsio.h"
#include "load.h"
#include "output.h"
#include "briefing.h"
#include "compare.h"
#include "plot.h"
#include "chart.h"
#include "rng.h"
#include "scenario.h"

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

#define MAX_SETS 256

static const char *progname = "foresight";

static const char usage_main[] =
    "usage: foresight COMMAND [options]\n"
    "\n"
    "Scenario-planning simulator for regional security dynamics.\n"
    "\n"
    "commands:\n"
    "  run FILE      run a scenario: CSV files, briefing.md and charts\n"
    "  check FILE    validate a scenario and print what it contains\n"
    "  compare A B.. run scenarios side by side on the same random streams\n"
    "  plot DIR      redraw the charts of a run or compare directory from its CSV files\n"
    "  help COMMAND  show the options of a command\n"
    "\n"
    "  --help        this text\n"
    "  --version     the version\n"
    "\n"
    "Exit codes: 0 success, 1 runtime error, 2 usage or scenario error,\n"
    "130/143 interrupted by SIGINT/SIGTERM.\n";

static const char usage_run[] =
    "usage: foresight run FILE [options]\n"
    "\n"
    "Runs the scenario FILE many times and writes into the output directory:\n"
    "summary.csv, timeseries.csv, outcomes.csv, actors.csv, trust.csv,\n"
    "mechanisms.csv, injects.csv, earlywarning.csv, distributions.csv,\n"
    "meta.csv, scenario.resolved.cfg, briefing.md and the charts.\n"
    "\n"
    "options:\n"
    "  -n, --runs N          number of runs (default: the scenario's runs)\n"
    "  -s, --seed S          seed, 0 to 2^64-1 (default: the scenario's seed)\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "  -o, --output DIR      output directory (default: plots/<scenario file name>)\n"
    "      --set PATH=VALUE  override a setting, e.g. --set threats.[iskp].growth=0.05\n"
    "                        (repeatable; PATH as in error messages and docs/SCENARIO.md)\n"
    "      --runs-csv        also write runs.csv, one row per run\n"
    "      --format FMT      chart format: png (default), pdf or svg\n"
    "      --size WxH        chart size in pixels (default 1600x1000)\n"
    "      --no-charts       write the numbers and briefing only\n"
    "  -q, --quiet           no progress line\n";

static const char usage_compare[] =
    "usage: foresight compare A.cfg B.cfg [C.cfg ...] [options]\n"
    "\n"
    "Runs up to 8 scenarios side by side with common random numbers: run i of\n"
    "every scenario draws from the same stream, so differences are paired run by\n"
    "run. All use the same runs and seed (the first scenario's unless -n/-s).\n"
    "Writes into the output directory (default plots/compare): compare.csv\n"
    "(each outcome probability and headline metric per scenario, and the paired\n"
    "difference to the first with a 95% interval), briefing.md, the charts\n"
    "compare_threat_index, compare_outcomes and compare_difference, and one\n"
    "subdirectory per scenario with its own run files and charts.\n"
    "\n"
    "options: -n, -s, -j, -o, --set (applied to every scenario), --format,\n"
    "--size, --no-charts, -q, as for foresight run.\n";

static const char usage_check[] =
    "usage: foresight check FILE [--set PATH=VALUE]...\n"
    "\n"
    "Validates FILE as foresight run would, writes nothing, and prints a short\n"
    "summary: actors, borders, threats, mechanisms with their windows, injects.\n";

static const char usage_plot[] =
    "usage: foresight plot DIR [-o OUTDIR] [--format png|pdf|svg] [--size WxH]\n"
    "\n"
    "Redraws every chart of the run directory DIR from its CSV files alone,\n"
    "with no simulation, into DIR (or OUTDIR).\n";

typedef struct options {
    const char *file;   /* the first of files */
    const char *files[FS_MAX_COMPARE];
    int nfiles;
    int many;           /* the command takes several files */
    const char *outdir;
    long runs;          /* -1: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads;
    int runs_csv;
    int quiet;
    int charts;
    fs_override sets[MAX_SETS];
    int nsets;
    fs_plot_opts plot;
} options;

static void die_usage(const char *fmt, const char *arg, const char *cmd)
{
    fprintf(stderr, "%s: ", progname);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'foresight help %s'.\n", cmd);
    exit(2);
}

static int fail(const fs_err *e)
{
    fprintf(stderr, "%s: %s\n", progname, e->msg);
    if (e->code == FS_EINTR)
        return fs_interrupted == SIGTERM ? 143 : 130;
    return fs_status_exit_code(e->code);
}

static void on_signal(int sig)
{
    if (fs_interrupted) {
        /* A second signal: stop now, leaving nothing half-written. */
        fs_fsio_cleanup_signal();
        _exit(128 + sig);
    }
    fs_interrupted = sig;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Parses a whole decimal number in [lo, hi]. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (s[0] == '-' || s[0] == '\0')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_size(const char *s, int *w, int *h)
{
    char *x;
    long a, b;
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    x = strchr(buf, 'x');
    if (x == NULL)
        return -1;
    *x = '\0';
    if (parse_long(buf, 200, 10000, &a) || parse_long(x + 1, 150, 10000, &b))
        return -1;
    *w = (int)a, *h = (int)b;
    return 0;
}

static int parse_format(const char *s, fs_plot_format *f)
{
    if (strcmp(s, "png") == 0) *f = FS_PLOT_PNG;
    else if (strcmp(s, "pdf") == 0) *f = FS_PLOT_PDF;
    else if (strcmp(s, "svg") == 0) *f = FS_PLOT_SVG;
    else return -1;
    return 0;
}

/* The value of an option: "--opt=v" or the next argument. */
static const char *optval(int argc, char **argv, int *i, const char *cmd)
{
    char *eq = strchr(argv[*i], '=');
    if (argv[*i][1] == '-' && eq)
        return eq + 1;
    if (*i + 1 >= argc)
        die_usage("option '%s' needs a value", argv[*i], cmd);
    return argv[++*i];
}

static int is_opt(const char *arg, const char *s, const char *l)
{
    size_t n = l ? strlen(l) : 0;
    if (s && strcmp(arg, s) == 0)
        return 1;
    return l && strncmp(arg, l, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static void parse_options(int argc, char **argv, const char *cmd, options *o)
{
    int i;
    long v;
    memset(o, 0, sizeof *o);
    o->many = strcmp(cmd, "compare") == 0;
    o->runs = -1;
    o->threads = 0;
    o->charts = 1;
    fs_plot_opts_default(&o->plot);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(strcmp(cmd, "run") == 0 ? usage_run : strcmp(cmd, "check") == 0
                  ? usage_check : strcmp(cmd, "compare") == 0 ? usage_compare : usage_plot,
                  stdout);
            exit(0);
        } else if (is_opt(a, "-n", "--runs")) {
            const char *s = optval(argc, argv, &i, cmd);
            if (parse_long(s, 1, FS_MAX_RUNS, &v))
                die_usage("--runs: expected a whole number from 1 to 100000000, found '%s'", s, cmd);
            o->runs = v;
        } else if (is_opt(a, "-s", "--seed")) {
            const char *s = optval(argc, argv, &i, cmd);
            if (parse_u64(s, &o->seed))
                die_usage("--seed: expected a whole number from 0 to 18446744073709551615, found '%s'", s, cmd);
            o->have_seed = 1;
        } else if (is_opt(a, "-j", "--threads")) {
            const char *s = optval(argc, argv, &i, cmd);
            if (parse_long(s, 1, 1024, &v))
                die_usage("--threads: expected a whole number from 1 to 1024, found '%s'", s, cmd);
            o->threads = (int)v;
        } else if (is_opt(a, "-o", "--output")) {
            o->outdir = optval(argc, argv, &i, cmd);
        } else if (is_opt(a, NULL, "--set")) {
            fs_err e;
            char *s = (char *)optval(argc, argv, &i, cmd);
            if (o->nsets == MAX_SETS)
                die_usage("too many --set options (at most %s)", "256", cmd);
            fs_err_clear(&e);
            if (fs_override_parse(s, &o->sets[o->nsets], &e) != FS_OK)
                die_usage("%s", e.msg, cmd);
            o->nsets++;
        } else if (strcmp(a, "--runs-csv") == 0) {
            o->runs_csv = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--no-charts") == 0) {
            o->charts = 0;
        } else if (is_opt(a, NULL, "--format")) {
            const char *s = optval(argc, argv, &i, cmd);
            if (parse_format(s, &o->plot.format))
                die_usage("--format: expected png, pdf or svg, found '%s'", s, cmd);
        } else if (is_opt(a, NULL, "--size")) {
            const char *s = optval(argc, argv, &i, cmd);
            if (parse_size(s, &o->plot.width, &o->plot.height))
                die_usage("--size: expected WIDTHxHEIGHT, e.g. 1600x1000 (200-10000 by 150-10000), found '%s'", s, cmd);
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("unknown option '%s'", a, cmd);
        } else if (o->nfiles == 0 || (o->many && o->nfiles < FS_MAX_COMPARE)) {
            o->files[o->nfiles++] = a;
            o->file = o->files[0];
        } else if (o->many) {
            die_usage("compare takes at most 8 scenarios, found more at '%s'", a, cmd);
        } else {
            die_usage("unexpected argument '%s'", a, cmd);
        }
    }
    if (o->file == NULL)
        die_usage("%s needs a file or directory argument", cmd, cmd);
    if (o->many && o->nfiles < 2)
        die_usage("%s needs at least two scenario files", cmd, cmd);
}

/* plots/<file name without directory and .cfg>. */
static void default_outdir(const char *file, char *buf, size_t n)
{
    const char *base = strrchr(file, '/');
    size_t len;
    base = base ? base + 1 : file;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    snprintf(buf, n, "plots/%.*s", (int)len, base);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(long done, long total, double t0, int final)
{
    double el = now() - t0, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\r%s: %ld/%ld runs, %.0f runs/s, ETA %.0f s   ", progname, done,
            total, rate, eta);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int cmd_check(int argc, char **argv)
{
    options o;
    fs_scenario *sc = NULL;
    fs_err e;

    fs_err_clear(&e);
    parse_options(argc, argv, "check", &o);
    if (fs_load_scenario(o.file, o.sets, o.nsets, &sc, &e) != FS_OK)
        return fail(&e);
    fs_scenario_describe(sc, stdout);
    printf("%s: OK\n", o.file);
    fs_scenario_free(sc);
    return 0;
}

/* Runs the engine, printing progress between iterations when wanted. */
static fs_status run_engine(fs_engine *e, long runs, int show, fs_err *err)
{
    double t0 = now(), last = 0;
    long chunk = 256;
    fs_status st;

    while (fs_engine_done(e) < runs) {
        st = fs_engine_iterate(e, chunk, err);
        if (st != FS_OK)
            return st;
        if (show && now() - last > 0.2) {
            progress(fs_engine_done(e), runs, t0, 0);
            last = now();
        }
        /* Grow chunks to about a quarter second of work. */
        if (now() - t0 > 0 && chunk < runs) {
            double rate = fs_engine_done(e) / (now() - t0);
            long want = (long)(rate * 0.25);
            chunk = want > chunk ? want : chunk;
        }
    }
    if (show)
        progress(runs, runs, t0, 1);
    return fs_engine_finish(e, err);
}

static int cmd_run(int argc, char **argv)
{
    options o;
    fs_scenario *sc = NULL;
    fs_engine *eng = NULL;
    fs_outset *set = NULL;
    fs_engine_opts eo;
    fs_results res;
    fs_err e;
    char outbuf[4096];
    FILE *f;
    int code = 0;

    fs_err_clear(&e);
    parse_options(argc, argv, "run", &o);
    if (fs_load_scenario(o.file, o.sets, o.nsets, &sc, &e) != FS_OK)
        return fail(&e);
    if (o.runs > 0)
        sc->runs = o.runs;
    if (o.have_seed)
        sc->seed = o.seed;
    if (o.outdir == NULL) {
        default_outdir(o.file, outbuf, sizeof outbuf);
        o.outdir = outbuf;
    }
    if (o.charts && fs_chart_font_check(&e) != FS_OK)
        goto fail;
    if (fs_mkdir_p(o.outdir, &e) != FS_OK)
        goto fail;
    if ((set = fs_outset_new(o.outdir, &e)) == NULL)
        goto fail;
    memset(&eo, 0, sizeof eo);
    eo.runs = sc->runs;
    eo.seed = sc->seed;
    eo.threads = o.threads > 0 ? o.threads : omp_get_num_procs();
    if (o.runs_csv) {
        if ((eo.runs_csv = fs_outset_open(set, "runs.csv", &e)) == NULL)
            goto fail;
        fs_output_runs_header(eo.runs_csv);
    }
    if ((eng = fs_engine_alloc(sc, &eo, &e)) == NULL)
        goto fail;
    if (run_engine(eng, sc->runs, !o.quiet && isatty(2), &e) != FS_OK)
        goto fail;
    res = fs_engine_results(eng, 0);
    if (fs_output_write(set, sc, &res, &e) != FS_OK)
        goto fail;
    if ((f = fs_outset_open(set, "scenario.resolved.cfg", &e)) == NULL ||
        fs_scenario_write(sc, f, &e) != FS_OK)
        goto fail;
    if ((f = fs_outset_open(set, "briefing.md", &e)) == NULL ||
        fs_briefing_write(f, sc, &res, &e) != FS_OK)
        goto fail;
    if (fs_interrupted) {
        fs_err_set(&e, FS_EINTR, "interrupted; no output written");
        goto fail;
    }
    if (fs_outset_commit(set, &e) != FS_OK) {
        set = NULL;
        goto fail;
    }
    set = NULL;
    if (o.charts && fs_plot_run_dir(o.outdir, &o.plot, &e) != FS_OK)
        goto fail;
    if (!o.quiet)
        fprintf(stderr, "%s: %ld runs of %s written to %s/\n", progname, sc->runs,
                sc->name, o.outdir);
    goto done;
fail:
    if (e.code == FS_EINTR && strstr(e.msg, "no output") == NULL)
        strncat(e.msg, "; no output written", sizeof e.msg - strlen(e.msg) - 1);
    code = fail(&e);
done:
    fs_outset_abort(set);
    fs_engine_free(eng);
    fs_scenario_free(sc);
    return code;
}

/* The base name of a file without its directory and .cfg, into buf. */
static void file_label(const char *file, char *buf, size_t n)
{
    const char *base = strrchr(file, '/');
    size_t len;
    base = base ? base + 1 : file;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    snprintf(buf, n, "%.*s", (int)len, base);
}

/* Writes one scenario's run files into set. */
static fs_status write_run(fs_outset *set, const fs_scenario *sc, const fs_results *res,
                           fs_err *e)
{
    FILE *f;
    if (fs_output_write(set, sc, res, e) != FS_OK)
        return e->code;
    if ((f = fs_outset_open(set, "scenario.resolved.cfg", e)) == NULL ||
        fs_scenario_write(sc, f, e) != FS_OK)
        return e->code;
    if ((f = fs_outset_open(set, "briefing.md", e)) == NULL ||
        fs_briefing_write(f, sc, res, e) != FS_OK)
        return e->code;
    return FS_OK;
}

static int cmd_compare(int argc, char **argv)
{
    options o;
    fs_scenario *sc[FS_MAX_COMPARE] = {0};
    fs_outset *sets[FS_MAX_COMPARE + 1] = {0};
    char labels[FS_MAX_COMPARE][256], sub[4096];
    const char *dirs[FS_MAX_COMPARE];
    fs_engine *eng = NULL;
    fs_engine_opts eo;
    fs_results res;
    fs_err e;
    FILE *f;
    int i, j, code = 0, k;

    fs_err_clear(&e);
    parse_options(argc, argv, "compare", &o);
    k = o.nfiles;
    for (i = 0; i < k; i++) {
        if (fs_load_scenario(o.files[i], o.sets, o.nsets, &sc[i], &e) != FS_OK)
            goto fail;
        if (sc[i]->steps != sc[0]->steps) {
            fs_err_set(&e, FS_ECONFIG, "%s: steps = %d, but %s has %d: compared scenarios "
                       "need the same horizon", o.files[i], sc[i]->steps, o.files[0],
                       sc[0]->steps);
            goto fail;
        }
    }
    /* Common random numbers: one seed and one run count for all. */
    for (i = 0; i < k; i++) {
        sc[i]->runs = o.runs > 0 ? o.runs : sc[0]->runs;
        sc[i]->seed = o.have_seed ? o.seed : sc[0]->seed;
        file_label(o.files[i], labels[i], sizeof labels[i]);
        for (j = 0; j < i; j++)
            if (strcmp(labels[i], labels[j]) == 0)
                snprintf(labels[i] + strlen(labels[i]) - (strlen(labels[i]) > 240 ? 10 : 0),
                         16, "-%d", i + 1);
        dirs[i] = labels[i];
    }
    if (o.outdir == NULL)
        o.outdir = "plots/compare";
    if (o.charts && fs_chart_font_check(&e) != FS_OK)
        goto fail;
    if (fs_mkdir_p(o.outdir, &e) != FS_OK)
        goto fail;
    memset(&eo, 0, sizeof eo);
    eo.runs = sc[0]->runs;
    eo.seed = sc[0]->seed;
    eo.threads = o.threads > 0 ? o.threads : omp_get_num_procs();
    if ((eng = fs_engine_alloc_many((const fs_scenario *const *)sc, k, &eo, &e)) == NULL)
        goto fail;
    if (run_engine(eng, sc[0]->runs, !o.quiet && isatty(2), &e) != FS_OK)
        goto fail;
    for (i = 0; i < k; i++) {
        if (fs_path_join(sub, sizeof sub, o.outdir, dirs[i]) == NULL) {
            fs_err_set(&e, FS_EUSAGE, "output path too long");
            goto fail;
        }
        if (fs_mkdir_p(sub, &e) != FS_OK || (sets[i] = fs_outset_new(sub, &e)) == NULL)
            goto fail;
        res = fs_engine_results(eng, i);
        if (write_run(sets[i], sc[i], &res, &e) != FS_OK)
            goto fail;
    }
    if ((sets[k] = fs_outset_new(o.outdir, &e)) == NULL)
        goto fail;
    if ((f = fs_outset_open(sets[k], "compare.csv", &e)) == NULL ||
        fs_compare_write_csv(f, (const fs_scenario *const *)sc, dirs, k, eng, &e) != FS_OK)
        goto fail;
    if ((f = fs_outset_open(sets[k], "briefing.md", &e)) == NULL ||
        fs_compare_write_briefing(f, (const fs_scenario *const *)sc, dirs, k, eng, &e) != FS_OK)
        goto fail;
    if (fs_interrupted) {
        fs_err_set(&e, FS_EINTR, "interrupted; no output written");
        goto fail;
    }
    for (i = 0; i <= k; i++) {
        fs_status st = fs_outset_commit(sets[i], &e);
        sets[i] = NULL;
        if (st != FS_OK)
            goto fail;
    }
    if (o.charts) {
        for (i = 0; i < k; i++) {
            fs_path_join(sub, sizeof sub, o.outdir, dirs[i]);
            if (fs_plot_run_dir(sub, &o.plot, &e) != FS_OK)
                goto fail;
        }
        if (fs_compare_plot(o.outdir, &o.plot, 0, &e) != FS_OK)
            goto fail;
    }
    if (!o.quiet)
        fprintf(stderr, "%s: %d scenarios, %ld runs each, compared in %s/\n", progname, k,
                sc[0]->runs, o.outdir);
    goto done;
fail:
    if (e.code == FS_EINTR && strstr(e.msg, "no output") == NULL)
        strncat(e.msg, "; no output written", sizeof e.msg - strlen(e.msg) - 1);
    code = fail(&e);
done:
    for (i = 0; i <= k; i++)
        fs_outset_abort(sets[i]);
    fs_engine_free(eng);
    for (i = 0; i < k; i++)
        fs_scenario_free(sc[i]);
    return code;
}

static int cmd_plot(int argc, char **argv)
{
    options o;
    fs_err e;
    fs_err_clear(&e);
    parse_options(argc, argv, "plot", &o);
    if (o.outdir)
        o.plot.outdir = o.outdir;
    if (fs_chart_font_check(&e) != FS_OK)
        return fail(&e);
    if (fs_compare_is_dir(o.file) ? fs_compare_plot(o.file, &o.plot, 1, &e) != FS_OK
                                  : fs_plot_run_dir(o.file, &o.plot, &e) != FS_OK)
        return fail(&e);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    const char *c = argc > 2 ? argv[2] : NULL;
    if (c == NULL) fputs(usage_main, stdout);
    else if (strcmp(c, "run") == 0) fputs(usage_run, stdout);
    else if (strcmp(c, "check") == 0) fputs(usage_check, stdout);
    else if (strcmp(c, "plot") == 0) fputs(usage_plot, stdout);
    else if (strcmp(c, "compare") == 0) fputs(usage_compare, stdout);
    else {
        fprintf(stderr, "%s: no such command '%s'\n%s", progname, c, usage_main);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd;

    fs_gsl_quiet();
    install_signals();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return fputs(usage_main, stdout), 0;
    if (strcmp(cmd, "--version") == 0) {
        printf("foresight %s (rng %s)\n", FS_VERSION, FS_RNG_NAME);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv);
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc, argv);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc, argv);
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc, argv);
    fprintf(stderr, "%s: unknown command '%s'\n%s", progname, cmd, usage_main);
    return 2;
}
