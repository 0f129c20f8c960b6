/* calibrate.h: fitting a scenario's uncertain parameters to reported
 * figures (foresight calibrate; file format and outputs in
 * docs/CALIBRATE.md). A calibration file names a base scenario, the
 * parameters to fit with their priors, the targets (reported figures,
 * each mapped to a quantity of one run, runvalue.h, with its uncertainty)
 * and the method (ABC-SMC, abc.h). fs_calib_load validates all of it
 * against the base scenario. A calibration run then works as open /
 * iterate (one generation: every candidate's runs through evaluate.h on
 * streams fixed by the calibration's seed, the candidate's id and the
 * replicate, so the result is the same for any thread or rank count) /
 * finish (the posterior predictive check, then priors.csv, posterior.csv,
 * generations.csv, targets.csv, predictive.csv and calibrate.md). Each
 * generation is saved to DIR/checkpoint, and a resumed calibration is
 * byte-identical to an uninterrupted one. A calibration and a run are
 * owned by the caller; the _free functions accept NULL; the run reads the
 * calibration, which must outlive it. */
#ifndef FS_CALIBRATE_H
#define FS_CALIBRATE_H

#include <stdint.h>
#include "abc.h"
#include "checkpoint.h"
#include "errors.h"
#include "load.h"
#include "runvalue.h"

#define FS_CAL_MAX_PARAMS 32
#define FS_CAL_MAX_TARGETS 32

typedef struct fs_cal_param {
    char *path;
    char *label;           /* as reports name it (the path when none) */
    fs_prior prior;        /* truncated to the setting's range */
    double base;           /* the base scenario's value */
} fs_cal_param;

enum { FS_UNC_RELATIVE = 0, FS_UNC_ABSOLUTE, FS_UNC_COUNT };

typedef struct fs_cal_target {
    char *name;
    char *output;          /* as written: "foiled.[jihadist]@1-60" */
    char *source;          /* "" when none given */
    char *mapping;         /* the output in words */
    fs_runvalue value;
    double figure;
    int uncertainty;       /* FS_UNC_* */
    double given;          /* the relative share or absolute sd as written */
    double sd;             /* the sd the distance divides by (> 0) */
    int held_out;          /* left out of the distance (--hold-out) */
} fs_cal_target;

typedef struct fs_calib {
    char *path, *name, *description, *base_path;
    char *base_name;           /* the base scenario's name */
    long runs;                 /* replicates per particle */
    uint64_t seed;
    int nparams, ntargets;
    fs_cal_param params[FS_CAL_MAX_PARAMS];
    fs_cal_target targets[FS_CAL_MAX_TARGETS];
    fs_abc_opts opts;          /* replicates = runs, seed = seed */
    long budget;               /* method.budget in runs (0: none) */
    int predictive;            /* posterior predictive draws */
    int held;                  /* the held-out target, or -1 */
    fs_override *sets;         /* --set overrides of the base scenario (copied) */
    int nsets;
} fs_calib;

/* Reads and validates a calibration file: FS_ECONFIG naming file:line and
 * the setting for a bad file, FS_EUSAGE for a bad --set or a hold_out
 * naming no target (hold_out NULL: none), FS_ENOMEM. */
fs_status fs_calib_load(const char *file, const fs_override *ov, int nov, const char *hold_out,
                        fs_calib **out, fs_err *err);
void fs_calib_free(fs_calib *c);

/* The stream seed of candidate `id` (abc.h's ids; the predictive check's
 * draws use ids from FS_CAL_PREDICTIVE_ID): a candidate's replicate j runs
 * on stream (fs_calib_seed(seed, id), j). */
#define FS_CAL_PREDICTIVE_ID (UINT64_C(1) << 62)
uint64_t fs_calib_seed(uint64_t seed, uint64_t id);

typedef struct fs_calib_run fs_calib_run;

/* Checks the work and memory (budget.h), creates the output directory,
 * takes its lock (outlock.h) and starts the checkpoint in DIR/checkpoint
 * (resume.cfg: the file, its --set options and the calibration's
 * identity; hold-out: the held-out target). With resume (what resume.cfg
 * recorded) it refuses a calibration whose file or base scenario changed
 * and restores the last generation saved. NULL with err set on failure.
 * threads >= 1. */
fs_calib_run *fs_calib_run_open(const fs_calib *c, int threads, const char *outdir,
                                const fs_ckpt_id *resume, fs_err *err);

/* Runs the next generation and saves it. FS_EINTR on a signal. */
fs_status fs_calib_run_iterate(fs_calib_run *r, fs_err *err);
int fs_calib_run_finished(const fs_calib_run *r);
int fs_calib_run_generation(const fs_calib_run *r);
/* Model runs spent so far (restored generations and one a stop rule cut
 * short included). */
long fs_calib_run_runs(const fs_calib_run *r);

/* Seconds spent in the simulation callback (the runs and the distances)
 * and in iterate as a whole (the difference is the method's own work:
 * proposals, weights, the kernel, the checkpoint). */
void fs_calib_run_times(const fs_calib_run *r, double *callback, double *total);

/* The posterior predictive check, then every file (all or none, outset.h);
 * removes the checkpoint. An empty posterior (no candidate gave every
 * fitted target a value) is FS_ERUNTIME with a message saying so, and
 * nothing is written. */
fs_status fs_calib_run_finish(fs_calib_run *r, fs_err *err);
void fs_calib_run_free(fs_calib_run *r);

/* Reads the held-out target's name recorded in DIR/checkpoint (NULL when
 * none; malloc'd for the caller). */
fs_status fs_calib_read_hold_out(const char *outdir, char **name, fs_err *err);

#endif
