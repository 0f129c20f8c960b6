/* sweep.h: batch parameter exploration and sensitivity analysis
 * (foresight sweep; file format and outputs in docs/SWEEP.md).
 * A sweep file names a base scenario, parameters addressed by the paths
 * --set takes, each with a range or levels, a design and the outputs to
 * record. fs_sweep_load validates all of it against the base scenario
 * before anything runs. A sweep run then works as init / iterate / finish:
 * the design's points (and a one-at-a-time set around the base values for
 * the tornado chart) are run in parallel, each point on the same random
 * streams (common random numbers), and finish writes every file and chart.
 * A sweep and a sweep run are owned by the caller; the _free functions
 * accept NULL. The run reads the sweep, which must outlive it. */
#ifndef FS_SWEEP_H
#define FS_SWEEP_H

#include <stdint.h>
#include "checkpoint.h"
#include "design.h"
#include "discover.h"
#include "errors.h"
#include "load.h"
#include "plot.h"
#include "scenario.h"
#include "sweep_output.h"

#define FS_SWEEP_MAX_PARAMS  64
#define FS_SWEEP_MAX_OUTPUTS 32
#define FS_SWEEP_MAX_LEVELS  1000

typedef struct fs_sweep_param {
    char *path;          /* as --set takes it */
    char *label;         /* readable name: the file's label, or the element's
                          * name and the key ("RATS intelligence sharing: intensity") */
    int lever;           /* 1: a policy lever; 0: an uncertainty */
    double lo, hi;
    int integer;         /* the setting is an integer */
    int nlevels;         /* explicit levels (grid designs), or 0 */
    double *levels;
    double base;         /* its value in the base scenario */
} fs_sweep_param;


typedef struct fs_sweep {
    char *path;          /* the sweep file */
    char *name;
    char *description;
    char *base_path;     /* the base scenario, relative to the working directory */
    char *base_given;    /* the base scenario as the sweep file writes it */
    long runs;           /* runs per point */
    uint64_t seed;
    fs_design_kind design;
    fs_design_opts dopts;   /* n, r, p, seed (base is set when running) */
    int bootstrap;       /* bootstrap samples for Sobol intervals */
    int nparams;
    fs_sweep_param *params;
    int noutputs;
    fs_sweep_output *outputs;
    fs_override *sets;   /* --set overrides of the base scenario (copied) */
    int nsets;
    fs_scenario *base;   /* the base scenario with the --set overrides */
    fs_disc_opts *discovery;   /* the discovery section, or NULL */
    fs_scenario_text *base_text;  /* its files as read once; every point loads this */
    struct fs_posterior *posterior;  /* the posterior base names, as read once, or NULL */
} fs_sweep;

/* Reads and validates a sweep file: FS_ECONFIG naming file:line and the
 * setting for a bad file (every parameter path is checked against the base
 * scenario, and both its bounds are loaded into it), FS_EUSAGE for a bad
 * --set, FS_ENOMEM. The overrides apply to the base scenario at every point;
 * a path may not be both overridden and swept. */
fs_status fs_sweep_load(const char *file, const fs_override *ov, int nov, fs_sweep **out,
                        fs_err *err);

/* The same for a sweep text in memory (len bytes) that stands for the file
 * `name`: messages name it, and its base path resolves relative to name's
 * directory. Used by the fuzzer. */
fs_status fs_sweep_load_buffer(const char *name, const char *text, size_t len,
                               const fs_override *ov, int nov, fs_sweep **out, fs_err *err);
void fs_sweep_free(fs_sweep *sw);

/* The sweep's parameters as the design module takes them (sp must hold
 * sw->nparams entries; they point into sw). */
void fs_sweep_sparams(const fs_sweep *sw, fs_sparam *sp);

typedef struct fs_sweep_run fs_sweep_run;

/* The identity of a sweep's results: hashes of its resolved settings and
 * of its resolved base scenario, and its sizes (for checkpoints). */
fs_status fs_sweep_id(const fs_sweep *sw, fs_ckpt_id *id, fs_err *err);

/* Builds the design and the per-point result arrays, creates the output
 * directory, and starts or resumes the checkpoint in DIR/checkpoint:
 * fresh (resume NULL) refuses a directory holding an unfinished sweep;
 * with resume (what resume.cfg recorded) it refuses a sweep whose file or
 * base scenario changed since, naming which, and reads the points already
 * done. With several MPI ranks the missing points are handed out in
 * shrinking batches from a counter all ranks share (dynamic), or each rank
 * takes every size-th missing point (dynamic 0: static); the files are the
 * same either way. Rank 0 alone starts a fresh checkpoint, and the ranks
 * agree on a refusal (every rank returns its code with err->everywhere
 * set; only rank 0's message is non-empty). Collective under MPI, as is
 * fs_sweep_run_free. threads >= 1. */
fs_sweep_run *fs_sweep_run_open(const fs_sweep *sw, int threads, const char *outdir,
                                const fs_ckpt_id *resume, int dynamic, fs_err *err);

/* Claims and runs the next batch of points (about a second of work), or
 * marks the run finished when none is left. FS_EINTR when fs_interrupted
 * was set; points already done stay done. Call until finished. Each point
 * loads the base from the text fs_sweep_load read, never from disk. */
fs_status fs_sweep_run_iterate(fs_sweep_run *r, fs_err *err);
int fs_sweep_run_finished(const fs_sweep_run *r);

/* Whether iterate failed because a point's settings are refused by the
 * base scenario (FS_ECONFIG or FS_EUSAGE from loading it): the sweep can
 * never finish. Any other failure (I/O, memory, an interrupt) leaves a
 * resumable checkpoint and returns 0. */
int fs_sweep_run_bad_point(const fs_sweep_run *r);

/* Progress: points handed out so far (to every rank, dynamic; to this
 * one, static) of those to run (points found in a resumed checkpoint do
 * not count), and the points this rank ran. */
int fs_sweep_run_done(const fs_sweep_run *r);
int fs_sweep_run_total(const fs_sweep_run *r);
int fs_sweep_run_ran(const fs_sweep_run *r);

/* What resuming found and dropped (damaged or torn checkpoint records,
 * how many and the file), for the user; NULL when nothing was dropped. */
const char *fs_sweep_run_note(const fs_sweep_run *r);

/* After the last iterate (and on every rank): waits for the other ranks;
 * then rank 0 reads every rank's checkpoint, computes the sensitivity
 * indices and writes sweep.csv, sweep_params.csv, sweep_outputs.csv,
 * sensitivity.csv, tornado.csv, meta.csv and sweep.md (all or none), then,
 * with charts, the charts; with a discovery section, the discovery on the
 * directory (discover.h) after them, whose reading is added to sweep.md
 * as "When does it go wrong?". Other ranks write nothing. */
fs_status fs_sweep_run_finish(fs_sweep_run *r, int charts, const fs_plot_opts *plot,
                              fs_err *err);

void fs_sweep_run_free(fs_sweep_run *r);

#endif
