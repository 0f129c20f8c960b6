/* runner.h: a whole `foresight run` or `foresight compare`, from scenario
 * files to a finished output directory, as a library: open (load and
 * validate every file, prepare the output directory and the engine),
 * iterate (run the next chunk of runs; the caller reports progress and
 * checks for signals in between), finish (write every file, then the
 * charts). Nothing appears in the output directory before finish, and
 * nothing half-written ever does. A runner is owned by the caller and
 * released with fs_runner_free (accepts NULL); the option strings must
 * outlive it. */
#ifndef FS_RUNNER_H
#define FS_RUNNER_H

#include <stdint.h>
#include "errors.h"
#include "load.h"
#include "plot.h"

typedef struct fs_run_opts {
    const char *const *files;  /* scenario files: one for run, 2..FS_MAX_COMPARE to compare */
    int nfiles;
    const fs_override *sets;   /* --set, applied to every file */
    int nsets;
    long runs;                 /* <= 0: the (first) scenario's */
    int have_seed;
    uint64_t seed;             /* when have_seed; else the (first) scenario's */
    int threads;               /* >= 1 */
    const char *outdir;        /* NULL: plots/<file name> for run, plots/compare to compare */
    int runs_csv;              /* write runs.csv (in each scenario's directory to compare) */
    int charts;                /* draw the charts */
    int no_effects;            /* run: no inject copies, no baseline */
    fs_plot_opts plot;
} fs_run_opts;

typedef struct fs_runner fs_runner;

/* The limit on runs x steps x actors x (threats + 2), summed over the
 * scenarios of a run: about 140 hours of one core (docs/SCENARIO.md). */
#define FS_MAX_WORK 1e13

/* Refuses, before anything is allocated, k scenarios (1 to FS_MAX_COMPARE,
 * their runs and seed set) run side by side for `runs` runs on `threads`
 * threads (drawing the charts when `charts`) when the work would exceed
 * FS_MAX_WORK or the run would need more than half of the machine's
 * physical memory (footprint.h: far below the limit, or above it even
 * with the smallest sketches, it says so at once; near it, a pilot of the
 * first 256 runs measures the sketches). FS_OK, or FS_ECONFIG with a
 * message that gives the estimate, the limit and how to lower the load;
 * `what` (NULL: none) says in it what scenarios 1..k-1 are, e.g. ",
 * summed over the scenarios,"; FS_EINTR when a signal stopped the pilot. */
fs_status fs_runner_check_size(const fs_scenario *const *sc, int k, long runs, int threads,
                               int charts, const char *what, fs_err *err);

/* The engine's memory for one scenario on `threads` threads, in bytes,
 * with every sketch as large as a varying cell's over a few hundred runs,
 * and the limit the guards hold that to (half of the machine's physical
 * memory). For the guard of commands that run many points (budget.h). */
double fs_runner_engine_bytes(const fs_scenario *sc, int threads);
double fs_runner_memory_limit(void);

/* Loads and validates every scenario (FS_ECONFIG / FS_EUSAGE on a bad file
 * or --set; compared scenarios must have the same horizon), refuses a load
 * too large (fs_runner_check_size), checks the
 * font when charts are wanted, creates the output directory (and removes
 * again, in fs_runner_free, the directories it made when nothing was
 * committed into them) and allocates the engine. NULL with err filled on failure. */
fs_runner *fs_runner_open(const fs_run_opts *o, fs_err *err);

/* Runs the next chunk of runs (about a quarter of a second of work).
 * FS_EINTR when a signal arrived (fs_interrupted). */
fs_status fs_runner_iterate(fs_runner *r, fs_err *err);

long fs_runner_done(const fs_runner *r);
long fs_runner_total(const fs_runner *r);
/* The output directory and the first scenario's name, for messages. */
const char *fs_runner_outdir(const fs_runner *r);
const char *fs_runner_name(const fs_runner *r);
/* When the output directory holds the results of another scenario (or of
 * another comparison, or a sweep), a sentence naming them and the
 * scenarios that will replace them, for a warning; else NULL. */
const char *fs_runner_replaces(const fs_runner *r);

/* Warnings for the user, one a line ("" when none), known once open
 * returns: for a comparison, what makes the scenarios unlike
 * (fs_compare_unlike). Owned by the runner. */
const char *fs_runner_notes(const fs_runner *r);

/* After the last iterate: writes every output file (all committed
 * together, or none), then draws the charts. */
fs_status fs_runner_finish(fs_runner *r, fs_err *err);

void fs_runner_free(fs_runner *r);

#endif
