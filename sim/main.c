/* main.c: the foresight command line. The only place that talks to the
 * user: it parses arguments, calls the modules, prints "foresight: message"
 * on error and chooses the exit code (0 ok, 1 runtime, 2 usage or config,
 * 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <omp.h>

#include "chart.h"
#include "compare.h"
#include "discover.h"
#include "dist.h"
#include "effects.h"
#include "errors.h"
#include "fsio.h"
#include "headroom.h"
#include "outset.h"
#include "load.h"
#include "outlock.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "plot_calibrate.h"
#include "plot_discover.h"
#include "suggest.h"
#include "plot_sweep.h"
#include "sweep.h"
#include "optimize.h"
#include "plot_optimize.h"
#include "calibrate.h"

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
    "  sweep FILE    explore parameters over a design; sensitivity analysis\n"
    "  discover SRC  under which conditions does it go wrong? (PRIM or CART boxes)\n"
    "  optimize FILE search for the best mixes of levers, robust over futures\n"
    "  calibrate FILE fit uncertain parameters to reported figures (ABC-SMC)\n"
    "  plot DIR      redraw the charts of a run, compare, sweep, discover, optimize\n"
    "                or calibrate directory\n"
    "  report DIR    write report.html of a run, compare, sweep, discover, optimize or\n"
    "                calibrate directory\n"
    "  help COMMAND  show the options of a command\n"
    "\n"
    "  --help        this text\n"
    "  --version     the version\n"
    "\n"
    "After a command, -- ends its options: what follows are file names.\n"
    "\n"
    "Exit codes: 0 success, 1 runtime error, 2 usage or scenario error,\n"
    "130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP.\n";

static const char usage_run[] =
    "usage: foresight run FILE [options]\n"
    "\n"
    "Runs the scenario FILE many times and writes into the output directory:\n"
    "summary.csv, timeseries.csv, outcomes.csv, actors.csv, threats.csv,\n"
    "trust.csv, mechanisms.csv, injects.csv, inject_effects.csv,\n"
    "earlywarning.csv, distributions.csv, meta.csv, scenario.resolved.cfg,\n"
    "briefing.md and the charts (runs.csv too with --runs-csv); baseline.csv\n"
    "when the scenario names a baseline. Each scheduled inject is measured\n"
    "against a copy of the run without it, and the baseline runs beside the\n"
    "scenario: each costs one more run per run (--no-effects skips them).\n"
    "See docs/OUTPUTS.md.\n"
    "\n"
    "options:\n"
    "  -n, --runs N          number of runs (default: the scenario's runs)\n"
    "  -s, --seed S          seed, 0 to 2^63-1 (default: the scenario's seed)\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "  -o, --output DIR      output directory (default: plots/<scenario file name>)\n"
    "      --set PATH=VALUE  override a setting, e.g. --set threats.[iskp].growth=0.05\n"
    "                        (repeatable; PATH as in error messages and docs/SCENARIO.md)\n"
    "      --posterior DIR   each run takes its parameter values from a particle of the\n"
    "                        calibration in DIR (its posterior.csv), drawn by weight;\n"
    "                        the briefing splits the variance into parameters and chance\n"
    "      --runs-csv        also write runs.csv, one row per run\n"
    "      --format FMT      chart format: png (default), pdf or svg\n"
    "      --size WxH        chart size in pixels (default 1600x1000)\n"
    "      --no-charts       write the numbers and briefing only (no charts, no\n"
    "                        report.html; foresight plot DIR draws both later)\n"
    "      --no-report       charts but no report.html\n"
    "      --no-effects      neither measure the scheduled injects nor run the\n"
    "                        baseline: one run per run, and no inject_effects.csv\n"
    "                        rows or baseline.csv\n"
    "  -q, --quiet           no progress line\n";

static const char usage_compare[] =
    "usage: foresight compare A.cfg B.cfg [C.cfg ...] [options]\n"
    "\n"
    "Runs up to 8 scenarios side by side with common random numbers: run i of\n"
    "every scenario draws from the same stream, so differences are paired run by\n"
    "run. All use the same runs and seed (the first scenario's unless -n/-s).\n"
    "Writes into the output directory (default plots/compare): compare.csv\n"
    "(each outcome probability and headline metric per scenario, and the paired\n"
    "difference to the first with a 95% interval), compare_pairs.csv (every pair:\n"
    "the paired difference, and per unit of cost where the costs differ),\n"
    "briefing.md (which scenario does better on each headline, at what cost),\n"
    "the charts compare_threat_index, compare_outcomes and compare_difference, and\n"
    "one subdirectory per scenario with its own run files and charts. Scenarios\n"
    "with other actors or outcome thresholds, or whose seed or runs are replaced,\n"
    "get a warning; a different steps or step_unit is refused.\n"
    "\n"
    "options: -n, -s, -j, -o, --set (applied to every scenario), --posterior DIR (run i\n"
    "of every scenario takes the same particle), --runs-csv (runs.csv in each\n"
    "scenario's directory), --format, --size, --no-charts, --no-report, -q, as for\n"
    "foresight run.\n";

static const char usage_optimize[] =
    "usage: foresight optimize FILE [-o DIR] [-j THREADS] [--set PATH=VALUE]... [--quiet]\n"
    "                          [--posterior DIR]\n"
    "                          [--no-charts] [--format png|pdf|svg] [--size WxH]\n"
    "       foresight optimize --resume DIR [-j THREADS] [--quiet]\n"
    "\n"
    "Runs the search file FILE: NSGA-II over its levers, every mix judged on the\n"
    "same futures and random streams; the final set is run again out of sample.\n"
    "Writes into DIR (default plots/<file name>): pareto.csv, evaluations.csv,\n"
    "generations.csv, search.csv, optimize.md and the charts. See docs/OPTIMIZE.md.\n"
    "Every generation is saved in DIR/checkpoint: a killed search resumes with\n"
    "--resume DIR and gives the same files as an uninterrupted one.\n"
    "\n"
    "  -o, --output DIR      output directory\n"
    "  -j, --threads N       threads (default: all cores); the files are the same\n"
    "  -s, --set PATH=VALUE  override a setting of the base scenario (repeatable)\n"
    "      --posterior DIR   each run takes its parameter values from the calibration\n"
    "                        in DIR (its posterior.csv), as for foresight run\n"
    "      --resume DIR      finish the interrupted search in DIR\n"
    "  -q, --quiet           no progress line\n"
    "      --no-charts       CSV and optimize.md only\n"
    "      --format FMT      chart format: png (default), pdf or svg\n"
    "      --size WxH        chart size in pixels\n";

static const char usage_calibrate[] =
    "usage: foresight calibrate FILE [-o DIR] [-j THREADS] [--set PATH=VALUE]...\n"
    "                           [--hold-out TARGET] [--quiet] [--no-charts]\n"
    "                           [--format png|pdf|svg] [--size WxH]\n"
    "       foresight calibrate --resume DIR [-j THREADS] [--quiet]\n"
    "       mpirun -np K foresight calibrate FILE -o DIR   (particles over K ranks)\n"
    "\n"
    "Runs the calibration file FILE: ABC-SMC over its parameters' priors, every\n"
    "candidate's runs compared with the reported figures of its targets, then a\n"
    "posterior predictive check. Writes into DIR (default plots/<file name>):\n"
    "posterior.csv, priors.csv, generations.csv, targets.csv, predictive.csv,\n"
    "calibrate.md and the charts. See docs/CALIBRATE.md. Every generation is\n"
    "saved in DIR/checkpoint: a killed calibration resumes with --resume DIR and\n"
    "gives the same files as an uninterrupted one.\n"
    "\n"
    "  -o, --output DIR      output directory\n"
    "  -j, --threads N       threads (default: all cores); the files are the same\n"
    "      --set PATH=VALUE  override a setting of the base scenario (repeatable);\n"
    "                        --set runs=N and --set seed=S replace the file's\n"
    "      --hold-out TARGET fit without the target TARGET, and check how well the\n"
    "                        posterior predicts it\n"
    "      --resume DIR      finish the interrupted calibration in DIR\n"
    "  -q, --quiet           no progress line\n"
    "      --no-charts       CSV and calibrate.md only (no charts, no report.html)\n"
    "      --format FMT      chart format: png (default), pdf or svg\n"
    "      --size WxH        chart size in pixels\n"
    "\n"
    "Exit codes as every command's; an empty posterior (no run gave every fitted\n"
    "target a value) is a runtime error (1) and writes nothing.\n";

static const char usage_sweep[] =
    "usage: foresight sweep FILE [-o DIR] [-j THREADS] [--set PATH=VALUE]... [--quiet]\n"
    "                      [--posterior DIR] [--format png|pdf|svg] [--size WxH] [--no-charts] [--no-report]\n"
    "                      [--partition dynamic|static]\n"
    "       foresight sweep --resume DIR [-j THREADS] [--partition dynamic|static] [--quiet]\n"
    "                      [--format png|pdf|svg] [--size WxH] [--no-charts] [--no-report]\n"
    "       mpirun -np K foresight sweep FILE -o DIR   (the points spread over K ranks)\n"
    "\n"
    "Runs the sweep file FILE: its base scenario at every point of its design\n"
    "(grid, random, lhs, sobol or morris), each point on the same random streams,\n"
    "plus one-at-a-time points around the base values. Writes into DIR (default\n"
    "plots/<file name>): sweep.csv, sensitivity.csv, tornado.csv, sweep_params.csv,\n"
    "sweep_outputs.csv, meta.csv, sweep.md and the charts. See docs/SWEEP.md.\n"
    "Every finished point is saved in DIR/checkpoint as it finishes: a killed sweep\n"
    "loses only the points in flight, and --resume DIR finishes it, with any\n"
    "number of ranks or threads, giving the same files as an uninterrupted run.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR      output directory\n"
    "  -j, --threads N       threads (default: all cores); results do not depend on it\n"
    "      --set PATH=VALUE  fix a setting of the base scenario at every point;\n"
    "                        --set runs=N and --set seed=S replace the sweep file's\n"
    "                        runs and seed\n"
    "      --posterior DIR   each run takes its parameter values from the calibration\n"
    "                        in DIR (its posterior.csv), as for foresight run\n"
    "      --format, --size, --no-charts, --no-report   as for foresight run\n"
    "      --resume DIR      finish the interrupted sweep in DIR (the chart options\n"
    "                        are not saved in the checkpoint: give them again)\n"
    "      --partition P     how MPI ranks share the points: dynamic (default; shrinking\n"
    "                        batches from a shared counter) or static (every K-th point);\n"
    "                        the files are the same either way\n"
    "  -q, --quiet           no progress line\n";

static const char usage_discover[] =
    "usage: foresight discover SOURCE --output NAME (--above X | --below X) [options]\n"
    "\n"
    "Scenario discovery: which ranges of the inputs hold the cases whose output\n"
    "NAME is above (or below) X? SOURCE is a sweep output directory (inputs: its\n"
    "parameters) or a CSV file with a header row (inputs: its numeric columns).\n"
    "Writes discovery.csv, boxes.csv, discovery_cases.csv, discovery_meta.csv,\n"
    "discovery.md and the charts into DIR (default: the sweep directory, or\n"
    "plots/discover_<file name>). See docs/DISCOVERY.md.\n"
    "\n"
    "options:\n"
    "      --output NAME     the output column (required)\n"
    "      --above X         a case is of interest when NAME > X (or --below X: < X)\n"
    "      --inputs A,B,...  only these inputs (names or a sweep's labels)\n"
    "      --method M        prim (default) or cart\n"
    "  PRIM (defaults as EMA Workbench's):\n"
    "      --threshold D     report the last box whose density reaches D (0.8)\n"
    "      --peel-alpha A    share of the box each peel removes, in (0, 0.5) (0.05)\n"
    "      --paste-alpha A   share of the box each paste adds, in (0, 0.5) (0.05)\n"
    "      --mass-min M      smallest box, as a share of the cases, in (0, 1) (0.05)\n"
    "      --box N           report box N of the trajectory (discovery.csv) instead\n"
    "      --boxes K         up to K boxes by covering (1)\n"
    "      --resample R      PRIM on R bootstrap resamples: how often each input is\n"
    "                        restricted (0)\n"
    "  -s, --seed S          the resamples' seed (1)\n"
    "  -j, --threads N       threads for the resamples; results do not depend on it\n"
    "  CART:\n"
    "      --min-leaf N      cases per leaf at least (20)\n"
    "      --depth N         depth at most, 1 to 12 (4)\n"
    "  -o DIR                output directory\n"
    "      --format, --size, --no-charts   as for foresight run\n"
    "  -q, --quiet           nothing on stderr but errors\n";

static const char usage_check[] =
    "usage: foresight check FILE [--set PATH=VALUE]... [--paths]\n"
    "\n"
    "Validates FILE as foresight run would, writes nothing, and prints a short\n"
    "summary: actors, borders, threats, mechanisms with their windows, injects.\n"
    "\n"
    "options:\n"
    "      --set PATH=VALUE  override a setting, as for foresight run\n"
    "      --paths           instead of the summary, list every PATH that --set\n"
    "                        takes in FILE, one a line\n";

static const char usage_help[] =
    "usage: foresight help [COMMAND]\n"
    "       foresight help --commands | --options COMMAND\n"
    "\n"
    "Shows the options of COMMAND (run, check, compare, sweep,\n"
    "discover, optimize, calibrate, plot, report or help),\n"
    "or without COMMAND the list of commands. --commands lists the command\n"
    "names and --options COMMAND the long options of COMMAND, one a line (for\n"
    "shell completion).\n";

static const char usage_report[] =
    "usage: foresight report DIR [-o OUTDIR]\n"
    "\n"
    "Writes report.html into DIR (or OUTDIR, created if missing) from DIR's files\n"
    "alone, with no simulation: one self-contained page with the briefing (or\n"
    "sweep.md, discovery.md, optimize.md, calibrate.md), every chart inline, the key\n"
    "tables and how to reproduce them. run, compare, sweep, discover and optimize\n"
    "write it themselves unless --no-charts; so does plot. DIR is the output\n"
    "directory of foresight run, compare, sweep, discover, optimize or calibrate;\n"
    "its files say which.\n"
    "See docs/OUTPUTS.md.\n";

static const char usage_plot[] =
    "usage: foresight plot DIR [-o OUTDIR] [--format png|pdf|svg] [--size WxH]\n"
    "\n"
    "Redraws every chart of DIR from its CSV files alone, with no simulation,\n"
    "into DIR (or OUTDIR, created if missing; a comparison's scenario charts go\n"
    "into OUTDIR/<scenario>), and writes report.html beside them. DIR is the output directory of foresight run,\n"
    "foresight compare, sweep, discover, optimize or calibrate; its files say\n"
    "which (a sweep's discovery charts are redrawn with its other charts).\n";

typedef struct options {
    const char *file;   /* the first of files */
    const char *files[FS_MAX_COMPARE];
    int nfiles;
    int many;           /* the command takes several files */
    const char *outdir;
    const char *resume; /* sweep --resume DIR */
    int static_share;   /* sweep --partition static */
    long runs;          /* -1: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads;
    int runs_csv;
    int quiet;
    int charts;
    int no_effects;     /* run --no-effects */
    int paths;          /* check --paths */
    const char *hold_out; /* calibrate --hold-out TARGET */
    fs_override sets[MAX_SETS];
    int nsets;
    char posterior[PATH_MAX];   /* --posterior DIR, made absolute */
    fs_plot_opts plot;
} options;


/* Writes s with its control characters (C0, DEL and the UTF-8 C1 range)
 * as \xNN, so that no text quoted in a message (a name from a scenario
 * file, a file name) can drive the terminal; newlines are kept. */
static void put_safe(FILE *f, const char *s)
{
    const unsigned char *p;
    for (p = (const unsigned char *)s; *p; p++) {
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            fprintf(f, "\\x%02X", *++p);
        else if ((*p < 0x20 && *p != '\n') || *p == 0x7F)
            fprintf(f, "\\x%02X", *p);
        else
            fputc(*p, f);
    }
}

static void die_usage(const char *fmt, const char *arg, const char *cmd)
{
    char msg[FS_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, arg);
    fprintf(stderr, "%s: ", progname);
    put_safe(stderr, msg);
    fprintf(stderr, "\nTry 'foresight help %s'.\n", cmd);
    exit(2);
}

/* The exit code of an interrupt: 128 + the signal (130 SIGINT, 143
 * SIGTERM, 129 SIGHUP). */
static int interrupted_code(void)
{
    return fs_interrupted ? 128 + fs_interrupted : 130;
}

static int fail(const fs_err *e)
{
    fprintf(stderr, "%s: ", progname);
    put_safe(stderr, e->msg);
    fputc('\n', stderr);
    if (e->code == FS_EINTR)
        return interrupted_code();
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
    /* A closed terminal or a dropped ssh session: stop as for SIGTERM,
     * leaving no temp file and (a sweep) a checkpoint to resume. */
    sigaction(SIGHUP, &sa, NULL);
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

/* The value of an option: "--opt=v", "-xv" or the next argument. */
static const char *optval(int argc, char **argv, int *i, const char *cmd)
{
    char *eq = strchr(argv[*i], '=');
    if (argv[*i][1] == '-' && eq)
        return eq + 1;
    if (argv[*i][1] != '-' && argv[*i][2] != '\0')
        return argv[*i] + 2;
    if (*i + 1 >= argc)
        die_usage("option '%s' needs a value", argv[*i], cmd);
    return argv[++*i];
}

/* Whether arg is the short option s ("-j", alone or with its value
 * attached, "-j2") or the long option l ("--threads", alone or as
 * "--threads=2"). */
static int is_opt(const char *arg, const char *s, const char *l)
{
    size_t n = l ? strlen(l) : 0;
    if (s && strncmp(arg, s, 2) == 0)
        return 1;
    return l && strncmp(arg, l, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* A command: its name, function, usage text and the long options it takes
 * (" runs seed "; NULL: it parses its own). commands[] lists them. */
struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *opts;
};

static const struct command *find_command(const char *name);

/* Refuses an option the command does not take (its `opts` in commands[]),
 * so that an option that would do nothing never passes silently. */
static void applies(const char *cmd, const char *opt, const char *given)
{
    const struct command *c = find_command(cmd);
    char key[32];

    snprintf(key, sizeof key, " %s ", opt);
    if (c && c->opts && strstr(c->opts, key) == NULL) {
        fprintf(stderr, "%s: option '%.*s' does not apply to 'foresight %s'\n"
                "Try 'foresight help %s'.\n", progname, (int)strcspn(given, "="), given,
                cmd, cmd);
        exit(2);
    }
}

/* A file or directory argument of cmd. */
static void add_file(options *o, const char *a, const char *cmd)
{
    if (o->nfiles == 0 || (o->many && o->nfiles < FS_MAX_COMPARE)) {
        o->files[o->nfiles++] = a;
        o->file = o->files[0];
    } else if (o->many) {
        die_usage("compare takes at most 8 scenarios, found more at '%s'", a, cmd);
    } else {
        die_usage("unexpected argument '%s'", a, cmd);
    }
}

/* What cmd says when it is given no file or directory. */
static const char *what_it_needs(const char *cmd)
{
    if (strcmp(cmd, "compare") == 0)
        return "compare needs at least two scenario files";
    if (strcmp(cmd, "sweep") == 0)
        return "sweep needs a sweep file, or --resume DIR";
    if (strcmp(cmd, "optimize") == 0)
        return "optimize needs a search file, or --resume DIR";
    if (strcmp(cmd, "calibrate") == 0)
        return "calibrate needs a calibration file, or --resume DIR";
    if (strcmp(cmd, "plot") == 0 || strcmp(cmd, "report") == 0)
        return strcmp(cmd, "plot") == 0
               ? "plot needs an output directory of foresight run, compare, sweep, discover, optimize or calibrate"
               : "report needs an output directory of foresight run, compare, sweep, discover, optimize or calibrate";
    return strcmp(cmd, "check") == 0 ? "check needs a scenario file"
                                     : "run needs a scenario file";
}

static void parse_options(int argc, char **argv, const char *cmd, options *o)
{
    int i, options_end = 0;
    long v;
    memset(o, 0, sizeof *o);
    o->many = strcmp(cmd, "compare") == 0;
    o->runs = -1;
    o->threads = 0;
    o->charts = 1;
    fs_plot_opts_default(&o->plot);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!options_end && strcmp(a, "--") == 0) {
            options_end = 1;   /* what follows are files, even "-x.cfg" */
        } else if (options_end) {
            add_file(o, a, cmd);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(find_command(cmd) ? find_command(cmd)->usage : usage_main, stdout);
            exit(0);
        } else if (is_opt(a, "-n", "--runs")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "runs", a);
            if (parse_long(s, 1, FS_MAX_RUNS, &v))
                die_usage("--runs: expected a whole number from 1 to 100000000, found '%s'", s, cmd);
            o->runs = v;
        } else if (is_opt(a, "-s", "--seed")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "seed", a);
            /* As the scenario's seed key: resolved.cfg must hold it. */
            if (parse_u64(s, &o->seed) || o->seed > (uint64_t)INT64_MAX)
                die_usage("--seed: expected a whole number from 0 to 9223372036854775807, found '%s'", s, cmd);
            o->have_seed = 1;
        } else if (is_opt(a, "-j", "--threads")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "threads", a);
            if (parse_long(s, 1, 1024, &v))
                die_usage("--threads: expected a whole number from 1 to 1024, found '%s'", s, cmd);
            o->threads = (int)v;
        } else if (is_opt(a, "-o", "--output")) {
            applies(cmd, "output", a);
            o->outdir = optval(argc, argv, &i, cmd);
        } else if (is_opt(a, NULL, "--partition")) {
            const char *s;
            applies(cmd, "partition", a);
            s = optval(argc, argv, &i, cmd);
            if (strcmp(s, "static") != 0 && strcmp(s, "dynamic") != 0)
                die_usage("--partition: expected dynamic or static, found '%s'", s, cmd);
            o->static_share = strcmp(s, "static") == 0;
        } else if (is_opt(a, NULL, "--hold-out")) {
            applies(cmd, "hold-out", a);
            o->hold_out = optval(argc, argv, &i, cmd);
        } else if (is_opt(a, NULL, "--resume")) {
            applies(cmd, "resume", a);
            o->resume = optval(argc, argv, &i, cmd);
        } else if (is_opt(a, NULL, "--set")) {
            fs_err e;
            char *s = (char *)optval(argc, argv, &i, cmd);
            applies(cmd, "set", a);
            if (o->nsets == MAX_SETS)
                die_usage("too many --set options (at most %s)", "256", cmd);
            fs_err_clear(&e);
            if (fs_override_parse(s, &o->sets[o->nsets], &e) != FS_OK)
                die_usage("%s", e.msg, cmd);
            o->nsets++;
        } else if (is_opt(a, NULL, "--posterior")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "posterior", a);
            /* The scenario key, absolute: relative to here, not to the
             * scenario file, and carried into a sweep's checkpoint. */
            if (s[0] == '\0' || realpath(s, o->posterior) == NULL)
                die_usage("--posterior: expected the output directory of foresight "
                          "calibrate, found '%s', which does not exist", s, cmd);
            if (o->nsets == MAX_SETS)
                die_usage("too many --set options (at most %s)", "256", cmd);
            o->sets[o->nsets].path = "posterior";
            o->sets[o->nsets].value = o->posterior;
            o->nsets++;
        } else if (strcmp(a, "--paths") == 0) {
            applies(cmd, "paths", a);
            o->paths = 1;
        } else if (strcmp(a, "--runs-csv") == 0) {
            applies(cmd, "runs-csv", a);
            o->runs_csv = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            applies(cmd, "quiet", a);
            o->quiet = 1;
        } else if (strcmp(a, "--no-charts") == 0) {
            applies(cmd, "no-charts", a);
            o->charts = 0;
        } else if (strcmp(a, "--no-report") == 0) {
            applies(cmd, "no-report", a);
            o->plot.no_report = 1;
        } else if (strcmp(a, "--no-effects") == 0) {
            applies(cmd, "no-effects", a);
            o->no_effects = 1;
        } else if (is_opt(a, NULL, "--format")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "format", a);
            if (parse_format(s, &o->plot.format))
                die_usage("--format: expected png, pdf or svg, found '%s'", s, cmd);
        } else if (is_opt(a, NULL, "--size")) {
            const char *s = optval(argc, argv, &i, cmd);
            applies(cmd, "size", a);
            if (parse_size(s, &o->plot.width, &o->plot.height))
                die_usage("--size: expected WIDTHxHEIGHT, e.g. 1600x1000 (200-10000 by 150-10000), found '%s'", s, cmd);
        } else if (a[0] == '-' && a[1] != '\0') {
            die_usage("unknown option '%s'", a, cmd);
        } else {
            add_file(o, a, cmd);
        }
    }
    if (o->resume && (o->file || o->outdir || o->nsets || o->hold_out))
        die_usage("%s", "--resume DIR takes the sweep, search or calibration file, its --set "
                  "options (and --hold-out) and the output directory from DIR/checkpoint: give "
                  "none of them", cmd);
    if (o->file == NULL && o->resume == NULL)
        die_usage("%s", what_it_needs(cmd), cmd);
    if (o->many && o->nfiles < 2)
        die_usage("compare needs at least two scenario files, found only '%s'", o->file, cmd);
}

/* "<prefix><file's base name without ext>" into buf; returns buf. */
static const char *default_outdir(char *buf, size_t n, const char *file, const char *prefix,
                                  const char *ext)
{
    const char *base = strrchr(file, '/');
    size_t len, e = strlen(ext);
    base = base ? base + 1 : file;
    len = strlen(base);
    if (len > e && strcmp(base + len - e, ext) == 0)
        len -= e;
    snprintf(buf, n, "%s%.*s", prefix, (int)len, base);
    return buf;
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

/* Prints each line of text as a warning. */
static void warn_lines(const char *text)
{
    const char *p, *nl;
    for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        fprintf(stderr, "%s: warning: %.*s\n", progname, nl ? (int)(nl - p) : (int)strlen(p), p);
    }
}

static int cmd_check(int argc, char **argv)
{
    options o;
    fs_scenario *sc = NULL, *base = NULL;
    fs_err e;

    fs_err_clear(&e);
    parse_options(argc, argv, "check", &o);
    if (o.paths)
        return fs_load_paths(o.file, o.sets, o.nsets, stdout, &e) == FS_OK ? 0 : fail(&e);

    if (fs_load_scenario(o.file, o.sets, o.nsets, &sc, &e) != FS_OK)
        return fail(&e);
    if (fs_load_baseline(sc, &base, &e) != FS_OK) {
        fs_scenario_free(sc);
        return fail(&e);
    }
    fs_scenario_describe(sc, stdout);
    {
        char note[2048];
        if (fs_effects_unmeasured(sc, note, sizeof note) > 0)
            warn_lines(note);
    }
    if (base)
        printf("Baseline  \"%s\" loads: %d actors, %d threats, %d mechanisms, %d injects, "
               "the same %d steps\n", base->name, base->nactors, base->nthreats,
               base->nmechanisms, base->ninjects, base->steps);
    printf("%s: OK\n", o.file);
    fs_scenario_free(base);
    fs_scenario_free(sc);
    return 0;
}

/* run and compare: open a runner, iterate with a progress line when stderr
 * is a terminal, finish. */
static int run_files(const options *o)
{
    fs_run_opts ro;
    fs_runner *r;
    fs_err e;
    double t0 = now(), last = 0;
    int show = !o->quiet && isatty(2), code = 0;

    fs_err_clear(&e);
    memset(&ro, 0, sizeof ro);
    ro.files = o->files;
    ro.nfiles = o->nfiles;
    ro.sets = o->sets;
    ro.nsets = o->nsets;
    ro.runs = o->runs;
    ro.have_seed = o->have_seed;
    ro.seed = o->seed;
    ro.threads = o->threads > 0 ? o->threads : omp_get_num_procs();
    ro.outdir = o->outdir;
    ro.runs_csv = o->runs_csv;
    ro.charts = o->charts;
    ro.no_effects = o->no_effects;
    ro.plot = o->plot;
    if ((r = fs_runner_open(&ro, &e)) == NULL)
        return fail(&e);
    if (fs_runner_replaces(r))
        fprintf(stderr, "%s: warning: %s\n", progname, fs_runner_replaces(r));
    warn_lines(fs_runner_notes(r));
    while (fs_runner_done(r) < fs_runner_total(r)) {
        if (fs_runner_iterate(r, &e) != FS_OK)
            goto fail;
        if (show && now() - last > 0.2) {
            progress(fs_runner_done(r), fs_runner_total(r), t0, 0);
            last = now();
        }
    }
    if (show)
        progress(fs_runner_total(r), fs_runner_total(r), t0, 1);
    if (fs_runner_finish(r, &e) != FS_OK)
        goto fail;
    if (!o->quiet)
        fprintf(stderr, "%s: %ld runs of %s%s written to %s/\n", progname,
                fs_runner_total(r), fs_runner_name(r),
                o->nfiles > 1 ? " and the scenarios compared with it" : "",
                fs_runner_outdir(r));
    goto done;
fail:
    code = fail(&e);
done:
    fs_runner_free(r);
    return code;
}

static int cmd_run(int argc, char **argv)
{
    options o;
    parse_options(argc, argv, "run", &o);
    return run_files(&o);
}

static int cmd_compare(int argc, char **argv)
{
    options o;
    parse_options(argc, argv, "compare", &o);
    return run_files(&o);
}

/* What sweep and optimize share before loading their file: with --resume,
 * the file, its --set options and the output directory from
 * DIR/checkpoint/resume.cfg; else the command line's, and the default
 * output directory. *sets and *nsets say which options to load with. */
static fs_status batch_setup(options *o, fs_ckpt_id *id, char **rfile, fs_override **rsets,
                             int *nrsets, const fs_override **sets, int *nsets, char *outbuf,
                             size_t n, fs_err *e)
{
    *sets = o->sets;
    *nsets = o->nsets;
    if (o->resume) {
        if (fs_ckpt_read_resume(o->resume, rfile, rsets, nrsets, id, e) != FS_OK)
            return e->code;
        o->file = *rfile;
        o->outdir = o->resume;
        *sets = *rsets;
        *nsets = *nrsets;
    }
    if (o->outdir == NULL)
        o->outdir = default_outdir(outbuf, n, o->file, "plots/", ".cfg");
    return FS_OK;
}

static void sweep_progress(int done, int total, double t0, int final)
{
    double el = now() - t0, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\r%s: %d/%d points, %.1f points/s, ETA %.0f s   ", progname, done,
            total, rate, eta);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int cmd_sweep(int argc, char **argv)
{
    options o;
    fs_sweep *sw = NULL;
    fs_sweep_run *r = NULL;
    fs_ckpt_id id;
    fs_override *rsets = NULL;
    char *rfile = NULL;
    fs_err e;
    char outbuf[4096];
    double t0 = now(), last = 0;
    int show, code = 0, rank = fs_dist_rank(), nrsets = 0, nsets;
    const fs_override *sets;

    fs_err_clear(&e);
    parse_options(argc, argv, "sweep", &o);
    show = !o.quiet && isatty(2) && rank == 0;
    if (batch_setup(&o, &id, &rfile, &rsets, &nrsets, &sets, &nsets, outbuf, sizeof outbuf,
                    &e) != FS_OK || fs_sweep_load(o.file, sets, nsets, &sw, &e) != FS_OK)
        goto fail;
    if (o.charts && fs_chart_font_check(&e) != FS_OK)
        goto fail;
    if ((r = fs_sweep_run_open(sw, o.threads > 0 ? o.threads : omp_get_num_procs(), o.outdir,
                               o.resume ? &id : NULL, !o.static_share, &e)) == NULL)
        goto fail;
    if (fs_sweep_run_note(r) && rank == 0)
        fprintf(stderr, "%s: %s\n", progname, fs_sweep_run_note(r));
    while (!fs_sweep_run_finished(r)) {
        if (fs_sweep_run_iterate(r, &e) != FS_OK)
            goto fail;
        if (show && now() - last > 0.2) {
            sweep_progress(fs_sweep_run_done(r), fs_sweep_run_total(r), t0, 0);
            last = now();
        }
    }
    if (show)
        sweep_progress(fs_sweep_run_total(r), fs_sweep_run_total(r), t0, 1);
    /* Each rank's share and its time: how well the partition balanced
     * the work (make bench reads these lines). */
    if (!o.quiet && fs_dist_size() > 1)
        fprintf(stderr, "%s: rank %d of %d ran %d points in %.2f s\n", progname, rank,
                fs_dist_size(), fs_sweep_run_ran(r), now() - t0);
    if (fs_sweep_run_finish(r, o.charts, &o.plot, &e) != FS_OK)
        goto fail;
    if (!o.quiet && rank == 0)
        fprintf(stderr, "%s: %s finished, written to %s/\n", progname, sw->name, o.outdir);
    goto done;
fail:
    /* A sweep with a bad point can never finish: drop its checkpoint.
     * Nothing else (a failed read or write, memory, a refusal, a signal)
     * ever removes finished points. */
    if (r != NULL && !o.resume && fs_sweep_run_bad_point(r) && fs_dist_rank() == 0)
        fs_ckpt_remove(o.outdir);
    /* An agreed refusal and an interrupt reach every rank: rank 0 speaks. */
    if ((e.everywhere && !e.msg[0]) || (e.code == FS_EINTR && rank != 0))
        code = e.code == FS_EINTR ? interrupted_code()
                                  : fs_status_exit_code(e.code);
    else
        code = fail(&e);
    /* A rank that fails for its own reasons takes the job down; an
     * interrupt reaches every rank, and so does an agreed refusal to
     * start: each stops by itself. */
    if (fs_dist_size() > 1 && e.code != FS_EINTR && !e.everywhere)
        fs_dist_abort(code);
done:
    fs_sweep_run_free(r);
    fs_sweep_free(sw);
    fs_ckpt_resume_free(rfile, rsets, nrsets);
    return code;
}

static void optimize_progress(const fs_search_run *r, const fs_search *s, double t0, int final)
{
    int g = fs_search_run_generation(r);
    double el = now() - t0, rate = el > 0 && g > 0 ? el / g : 0;
    fprintf(stderr, "\r%s: generation %d/%d, %ld mixes run, ETA %.0f s   ", progname, g,
            s->generations, fs_search_run_evaluated(r), rate * (s->generations - g));
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int cmd_optimize(int argc, char **argv)
{
    options o;
    fs_search *s = NULL;
    fs_search_run *r = NULL;
    fs_ckpt_id id;
    fs_override *rsets = NULL;
    char *rfile = NULL, outbuf[4096];
    fs_err e;
    double t0 = now(), last = 0;
    int show, code = 0, nrsets = 0, rank = fs_dist_rank(), nsets;
    const fs_override *sets;

    fs_err_clear(&e);
    parse_options(argc, argv, "optimize", &o);
    show = !o.quiet && isatty(2) && rank == 0;
    if (batch_setup(&o, &id, &rfile, &rsets, &nrsets, &sets, &nsets, outbuf, sizeof outbuf,
                    &e) != FS_OK || fs_search_load(o.file, sets, nsets, &s, &e) != FS_OK)
        goto fail;
    if (o.charts && fs_chart_font_check(&e) != FS_OK)
        goto fail;
    if ((r = fs_search_run_open(s, o.threads > 0 ? o.threads : omp_get_num_procs(), o.outdir,
                                o.resume ? &id : NULL, &e)) == NULL)
        goto fail;
    while (!fs_search_run_finished(r)) {
        if (fs_search_run_iterate(r, &e) != FS_OK)
            goto fail;
        if (show && now() - last > 0.2) {
            optimize_progress(r, s, t0, 0);
            last = now();
        }
    }
    if (show)
        optimize_progress(r, s, t0, 1);
    if (fs_search_run_finish(r, &e) != FS_OK)
        goto fail;
    if (rank == 0 && o.charts && (fs_plot_optimize(o.outdir, &o.plot, &e) != FS_OK ||
                                  fs_report_write(o.outdir, NULL, &e) != FS_OK))
        goto fail;
    if (!o.quiet && rank == 0)
        fprintf(stderr, "%s: %s finished, written to %s/\n", progname, s->name, o.outdir);
    goto done;
fail:
    /* A rank whose own work went well while another failed says nothing:
     * the failing rank explains. Every rank stops with the same code. */
    if ((e.everywhere && !e.msg[0]) || (r == NULL && rank != 0))
        code = fs_status_exit_code(e.code);   /* before the run, every rank says the same */
    else if (e.code == FS_EINTR && rank != 0)
        code = fs_interrupted == SIGTERM ? 143 : 130;
    else
        code = fail(&e);
done:
    fs_search_run_free(r);
    fs_search_free(s);
    fs_ckpt_resume_free(rfile, rsets, nrsets);
    return code;
}

static void calibrate_progress(const fs_calib_run *r, const fs_calib *c, double t0, int final)
{
    int g = fs_calib_run_generation(r);
    double el = now() - t0;
    fprintf(stderr, "\r%s: generation %d/%d, %ld runs, %.0f s   ", progname, g,
            c->opts.generations, fs_calib_run_runs(r), el);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int cmd_calibrate(int argc, char **argv)
{
    options o;
    fs_calib *c = NULL;
    fs_calib_run *r = NULL;
    fs_ckpt_id id;
    fs_override *rsets = NULL;
    char *rfile = NULL, *rhold = NULL, outbuf[4096];
    fs_err e;
    double t0 = now(), last = 0;
    int show, code = 0, nrsets = 0, rank = fs_dist_rank(), nsets;
    const fs_override *sets;

    fs_err_clear(&e);
    parse_options(argc, argv, "calibrate", &o);
    show = !o.quiet && isatty(2) && rank == 0;
    if (batch_setup(&o, &id, &rfile, &rsets, &nrsets, &sets, &nsets, outbuf, sizeof outbuf,
                    &e) != FS_OK ||
        (o.resume && fs_calib_read_hold_out(o.resume, &rhold, &e) != FS_OK) ||
        fs_calib_load(o.file, sets, nsets, o.resume ? rhold : o.hold_out, &c, &e) != FS_OK)
        goto fail;
    if (o.charts && fs_chart_font_check(&e) != FS_OK)
        goto fail;
    if ((r = fs_calib_run_open(c, o.threads > 0 ? o.threads : omp_get_num_procs(), o.outdir,
                               o.resume ? &id : NULL, &e)) == NULL)
        goto fail;
    while (!fs_calib_run_finished(r)) {
        if (fs_calib_run_iterate(r, &e) != FS_OK)
            goto fail;
        if (show && now() - last > 0.2) {
            calibrate_progress(r, c, t0, 0);
            last = now();
        }
    }
    if (show)
        calibrate_progress(r, c, t0, 1);
    if (fs_calib_run_finish(r, &e) != FS_OK)
        goto fail;
    if (rank == 0 && o.charts && (fs_plot_calibrate(o.outdir, &o.plot, &e) != FS_OK ||
                                  fs_report_write(o.outdir, NULL, &e) != FS_OK))
        goto fail;
    if (!o.quiet && rank == 0)
        fprintf(stderr, "%s: %s calibrated in %.1f s, written to %s/ (read calibrate.md)\n",
                progname, c->name, now() - t0, o.outdir);
    goto done;
fail:
    if ((e.everywhere && !e.msg[0]) || (r == NULL && rank != 0))
        code = fs_status_exit_code(e.code);
    else if (e.code == FS_EINTR && rank != 0)
        code = fs_interrupted == SIGTERM ? 143 : 130;
    else
        code = fail(&e);
done:
    fs_calib_run_free(r);
    fs_calib_free(c);
    fs_ckpt_resume_free(rfile, rsets, nrsets);
    free(rhold);
    return code;
}

static int cmd_calibrate_dist(int argc, char **argv)
{
    int code;
    fs_dist_init(&argc, &argv);
    code = cmd_calibrate(argc, argv);
    fs_dist_finalize();
    return code;
}

/* Whether dir holds the file name. */
static int has_file(const char *dir, const char *name)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, name) != NULL && access(path, F_OK) == 0;
}

/* A subdirectory of dir that holds a run (its meta.csv), into sub; what a
 * compare directory without its compare.csv still has. */
static int run_subdir(const char *dir, char *sub, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[4096];
    int found = 0;

    while (d && !found && (de = readdir(d)) != NULL)
        found = de->d_name[0] != '.'
                && fs_path_join(path, sizeof path, dir, de->d_name) != NULL
                && has_file(path, "meta.csv") && snprintf(sub, n, "%s", path) > 0;
    if (d)
        closedir(d);
    return found;
}

/* What plot was given: a sweep (sweep_outputs.csv), a compare (compare.csv)
 * or a run (meta.csv) directory. Anything else is a usage error that says
 * what plot needs, rather than the first file it failed to read. */
static fs_status plot_kind(const char *dir, char *kind, fs_err *e)
{
    char sub[4096];

    if (fs_cdir_present(dir)) {
        *kind = 'k';
        return FS_OK;
    }
    if (has_file(dir, "discovery_meta.csv") && !has_file(dir, "sweep_outputs.csv")) {
        *kind = 'd';
        return FS_OK;
    }
    if (has_file(dir, "search.csv") && has_file(dir, "pareto.csv")) {
        *kind = 'o';
        return FS_OK;
    }
    if (has_file(dir, "sweep_outputs.csv") || has_file(dir, "compare.csv")
        || has_file(dir, "meta.csv")) {
        *kind = has_file(dir, "sweep_outputs.csv") ? 's' : has_file(dir, "compare.csv")
                ? 'c' : 'r';
        return FS_OK;
    }
    if (run_subdir(dir, sub, sizeof sub))
        return fs_err_set(e, FS_EUSAGE, "%s has no compare.csv: it holds runs (such as %s) "
                          "but is not a complete compare directory; plot one run with "
                          "'foresight plot %s', or run 'foresight compare' again", dir, sub,
                          sub);
    return fs_err_set(e, FS_EUSAGE, "%s is not a foresight output directory (no meta.csv): "
                      "give a run, compare, sweep, discover, optimize or calibrate directory",
                      dir);
}

/* report.html of dir into outdir (NULL: dir); for a comparison, each
 * scenario's first (into outdir/<scenario> when outdir is given). */
static fs_status write_reports(const char *dir, const char *outdir, char kind, fs_err *e)
{
    char sub[4096], osub[4096], name[4096];
    DIR *d;
    struct dirent *de;

    if (kind == 'c' && (d = opendir(dir)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            snprintf(name, sizeof name, "%s", de->d_name);
            if (name[0] == '.' || fs_path_join(sub, sizeof sub, dir, name) == NULL ||
                !has_file(sub, "meta.csv"))
                continue;
            if ((outdir && fs_path_join(osub, sizeof osub, outdir, name) == NULL) ||
                fs_report_write(sub, outdir ? osub : NULL, e) != FS_OK) {
                closedir(d);
                return e->code == FS_OK ? fs_err_set(e, FS_EUSAGE, "path too long: %s/%s",
                                                     outdir, name) : e->code;
            }
        }
        closedir(d);
    }
    return fs_report_write(dir, outdir, e);
}

/* plot: the charts of DIR, then its report.html; report: only the page. */
static int cmd_plot(int argc, char **argv, const char *cmd)
{
    options o;
    fs_outlock *lock;
    fs_err e;
    char kind = 'r';
    int code = 0;
    fs_err_clear(&e);
    parse_options(argc, argv, cmd, &o);
    if (o.outdir)
        o.plot.outdir = o.outdir;
    /* A commit a killed run left halfway is finished first, so that the
     * charts are drawn from one whole set of files. */
    if (fs_outset_recover(o.file, &e) != FS_OK || plot_kind(o.file, &kind, &e) != FS_OK ||
        fs_chart_font_check(&e) != FS_OK)
        return fail(&e);
    /* The directory the charts and the page go into: no other writer
     * while they do. */
    if ((o.outdir && fs_mkdir_p(o.outdir, &e) != FS_OK) ||
        (lock = fs_outlock_take(o.outdir ? o.outdir : o.file, &e)) == NULL)
        return fail(&e);
    fs_outset_clean(o.file);
    if (strcmp(cmd, "plot") == 0) {
        if (kind == 'k' ? fs_plot_calibrate(o.file, &o.plot, &e) != FS_OK
            : kind == 'o' ? fs_plot_optimize(o.file, &o.plot, &e) != FS_OK
            : kind == 's' ? fs_plot_sweep_dir(o.file, &o.plot, &e) != FS_OK
            : kind == 'c' ? fs_compare_plot(o.file, &o.plot, 1, &e) != FS_OK
            : kind == 'd' ? 0 : fs_plot_run_dir(o.file, &o.plot, &e) != FS_OK)
            code = fail(&e);
        /* A discovery's charts, alone or beside a sweep's. */
        else if ((kind == 'd' || kind == 's') && fs_plot_discover_present(o.file) &&
                 fs_plot_discover_dir(o.file, &o.plot, &e) != FS_OK)
            code = fail(&e);
    }
    if (code == 0 && write_reports(o.file, o.outdir, kind, &e) != FS_OK)
        code = fail(&e);
    fs_outlock_release(lock);
    return code;
}

static int cmd_plot_only(int argc, char **argv) { return cmd_plot(argc, argv, "plot"); }
static int cmd_report(int argc, char **argv) { return cmd_plot(argc, argv, "report"); }

static int cmd_sweep_dist(int argc, char **argv)
{
    int code;
    fs_dist_init(&argc, &argv);
    code = cmd_sweep(argc, argv);
    fs_dist_finalize();
    return code;
}

/* discover's options: its own, by long name (fs_disc_opt_set knows
 * them), and the chart options every command shares. */
static void parse_discover(int argc, char **argv, fs_disc_opts *d, options *o)
{
    static const char cmd[] = "discover";
    int i, options_end = 0;
    memset(o, 0, sizeof *o);
    o->charts = 1;
    fs_plot_opts_default(&o->plot);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        fs_err e;
        fs_err_clear(&e);
        if (!options_end && strcmp(a, "--") == 0) {
            options_end = 1;
        } else if (options_end || a[0] != '-' || a[1] == '\0') {
            add_file(o, a, cmd);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_discover, stdout);
            exit(0);
        } else if (is_opt(a, "-o", NULL)) {
            o->outdir = optval(argc, argv, &i, cmd);
        } else if (is_opt(a, "-s", "--seed")) {
            if (fs_disc_opt_set(d, "seed", optval(argc, argv, &i, cmd), &e) != FS_OK)
                die_usage("%s", e.msg, cmd);
        } else if (is_opt(a, "-j", "--threads")) {
            const char *s = optval(argc, argv, &i, cmd);
            long v;
            if (parse_long(s, 1, 1024, &v))
                die_usage("--threads: expected a whole number from 1 to 1024, found '%s'", s, cmd);
            d->threads = (int)v;
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
        } else if (a[1] == '-') {
            char key[64];
            const char *eq = strchr(a, '=');
            snprintf(key, sizeof key, "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a + 2)), a + 2);
            if (!fs_disc_opt_known(key)) {
                fs_disc_opt_set(d, key, "", &e);   /* the message with a suggestion */
                die_usage("%s", e.msg, cmd);
            }
            if (fs_disc_opt_set(d, key, optval(argc, argv, &i, cmd), &e) != FS_OK)
                die_usage("%s", e.msg, cmd);
        } else {
            die_usage("unknown option '%s'", a, cmd);
        }
    }
    if (o->file == NULL)
        die_usage("%s", "discover needs a sweep output directory or a CSV file", cmd);
}

static int cmd_discover(int argc, char **argv)
{
    fs_outlock *lock = NULL;
    fs_disc_opts d;
    options o;
    fs_err e;
    char outbuf[4096];
    int code = 0;

    fs_err_clear(&e);
    fs_disc_opts_default(&d);
    parse_discover(argc, argv, &d, &o);
    if (fs_disc_opts_check(&d, &e) != FS_OK) {
        fs_disc_opts_release(&d);
        die_usage("%s", e.msg, "discover");
    }
    if (o.outdir == NULL)
        o.outdir = has_file(o.file, "sweep_params.csv") ? o.file
                   : default_outdir(outbuf, sizeof outbuf, o.file, "plots/discover_", ".csv");
    if ((o.charts && fs_chart_font_check(&e) != FS_OK) || fs_mkdir_p(o.outdir, &e) != FS_OK ||
        (lock = fs_outlock_take(o.outdir, &e)) == NULL ||
        fs_discover(o.file, &d, o.outdir, o.charts, &o.plot, NULL, &e) != FS_OK ||
        (o.charts && fs_report_write(o.outdir, NULL, &e) != FS_OK))
        code = fail(&e);
    else if (!o.quiet)
        fprintf(stderr, "%s: discovery written to %s/ (read discovery.md)\n", progname,
                o.outdir);
    fs_outlock_release(lock);
    fs_disc_opts_release(&d);
    return code;
}

static int cmd_optimize_dist(int argc, char **argv)
{
    int code;
    fs_dist_init(&argc, &argv);
    code = cmd_optimize(argc, argv);
    fs_dist_finalize();
    return code;
}

static int cmd_help(int argc, char **argv);

/* The commands: a new one is a row here, its usage text and its function
 * (and a section in docs/foresight.1; the bash completion asks for them). */
static const struct command commands[] = {
    { "run", cmd_run, usage_run,
      " runs seed threads output set posterior runs-csv quiet no-charts no-report no-effects format size " },
    { "check", cmd_check, usage_check, " set paths " },
    { "compare", cmd_compare, usage_compare,
      " runs seed threads output set posterior runs-csv quiet no-charts no-report format size " },
    { "sweep", cmd_sweep_dist, usage_sweep,
      " threads output set posterior resume partition quiet no-charts no-report format size " },
    { "discover", cmd_discover, usage_discover,
      " output above below inputs method threshold peel-alpha paste-alpha mass-min box boxes resample seed threads min-leaf depth quiet no-charts format size " },
    { "optimize", cmd_optimize_dist, usage_optimize,
      " threads output set posterior resume quiet no-charts format size " },
    { "calibrate", cmd_calibrate_dist, usage_calibrate,
      " threads output set hold-out resume quiet no-charts format size " },
    { "plot", cmd_plot_only, usage_plot, " output format size " },
    { "report", cmd_report, usage_report, " output " },
    { "help", cmd_help, usage_help, NULL },
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
    int i;
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* "unknown command 'runn'; did you mean 'run'?" and the list of commands,
 * or for an option before the command, the options there are. */
static int unknown_command(const char *what, const char *name)
{
    static const char *const top_opts[] = {"--help", "--version"};
    const char *names[NCOMMANDS];
    char hint[256];
    int i;

    for (i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    if (name[0] == '-')
        fs_suggest(hint, sizeof hint, name, top_opts, 2, "options before a command are");
    else
        fs_suggest(hint, sizeof hint, name, names, NCOMMANDS, "commands are");
    fprintf(stderr, "%s: %s '%s'%s\nTry 'foresight --help'.\n", progname, what, name, hint);
    return 2;
}

/* help --commands: the command names; help --options CMD: its options, one
 * a line (what the bash completion offers). */
static int list_for_completion(const char *what, const char *cmd)
{
    const struct command *c = cmd ? find_command(cmd) : NULL;
    const char *p;
    int i;

    if (strcmp(what, "--commands") == 0) {
        for (i = 0; i < NCOMMANDS; i++)
            printf("%s\n", commands[i].name);
        return 0;
    }
    if (c == NULL)
        return cmd ? unknown_command("no such command", cmd)
                   : (fputs("foresight: help --options needs a command\n", stderr), 2);
    for (p = c->opts ? c->opts : ""; *p; p += strspn(p, " ")) {
        size_t n = strcspn(p + strspn(p, " "), " ");
        p += strspn(p, " ");
        if (n)
            printf("--%.*s\n", (int)n, p);
        p += n;
    }
    printf("--help\n");
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    const char *c = argc > 2 ? argv[2] : NULL;
    const struct command *cm;

    if (c && (strcmp(c, "--commands") == 0 || strcmp(c, "--options") == 0))
        return list_for_completion(c, argc > 3 ? argv[3] : NULL);
    if (c == NULL)
        return fputs(usage_main, stdout), 0;
    if ((cm = find_command(c)) == NULL)
        return unknown_command("no such command", c);
    fputs(cm->usage, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const struct command *c;

    fs_gsl_quiet();
    fs_headroom_setup();
    install_signals();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(usage_main, stdout), 0;
    if (strcmp(argv[1], "--version") == 0) {
        printf("foresight %s (rng %s, %s)\n", FS_VERSION, FS_RNG_NAME,
               fs_dist_enabled() ? "MPI" : "no MPI");
        return 0;
    }
    if ((c = find_command(argv[1])) == NULL)
        return unknown_command(argv[1][0] == '-' ? "unknown option" : "unknown command",
                               argv[1]);
    return c->fn(argc, argv);
}
