/* optimize.h: robust search for the best mixes of policy levers
 * (foresight optimize; file format and outputs in docs/OPTIMIZE.md).
 * A search file names a base scenario, levers with ranges, uncertainties
 * with ranges and an ensemble of futures drawn from them, objectives (an
 * output, a sense and a robustness statistic over the futures) and
 * constraints. fs_search_load validates all of it against the base
 * scenario. A search run then works as open / iterate (one generation of
 * NSGA-II, moea.h, every mix judged on the same futures and the same
 * random streams through evaluate.h) / finish (the final set re-evaluated
 * out of sample, then pareto.csv, generations.csv, optimize.md). A search
 * and a search run are owned by the caller; the _free functions accept
 * NULL. The run reads the search, which must outlive it. */
#ifndef FS_OPTIMIZE_H
#define FS_OPTIMIZE_H

#include <stdint.h>
#include "checkpoint.h"
#include "design.h"
#include "errors.h"
#include "load.h"
#include "sweep.h"

#define FS_SEARCH_MAX_LEVERS 32
#define FS_SEARCH_MAX_UNCERTAIN 32
#define FS_SEARCH_MAX_OBJECTIVES 8
#define FS_SEARCH_MAX_CONSTRAINTS 8
#define FS_SEARCH_MAX_FUTURES 10000

typedef enum fs_robust {
    FS_ROBUST_MEAN,         /* the mean over the futures */
    FS_ROBUST_P90,          /* the worst tenth: 90th percentile (10th when maximised) */
    FS_ROBUST_MAX,          /* the worst future */
    FS_ROBUST_SATISFICING,  /* the share of futures meeting a threshold (maximised) */
    FS_ROBUST_REGRET        /* the largest shortfall from the best mix found per future
                             * (minimised) */
} fs_robust;


typedef struct fs_search_var {
    char *path;
    char *label;             /* levers: as reports name it (the path when none) */
    double lo, hi;
    int integer;
} fs_search_var;

typedef struct fs_search_obj {
    int out;                 /* index into outputs */
    int maximize;
    fs_robust stat;
    double threshold;        /* satisficing */
    char *name;              /* "cost.mean mean" */
} fs_search_obj;

/* 1 when larger values of objective o are better (maximize, or a share of
 * futures); regret is always smaller-is-better, whatever its sense (the
 * sense says which value is the best in each future). */
int fs_search_obj_larger_better(const fs_search_obj *o);

typedef struct fs_search_con {
    int out;
    fs_robust stat;          /* mean, p90 or max (of the output itself) */
    int ge;                  /* 1: >=; 0: <= */
    double value;
    char *text;              /* as written */
} fs_search_con;

typedef struct fs_search {
    char *path, *name, *description, *base_path;
    struct fs_posterior *posterior;  /* the posterior the base names, as read once, or NULL */
    long runs;
    uint64_t seed;
    int nlevers, nuncertain;
    fs_search_var levers[FS_SEARCH_MAX_LEVERS];
    fs_search_var uncertain[FS_SEARCH_MAX_UNCERTAIN];
    int nfutures;            /* 0: the base scenario alone */
    fs_design_kind ensemble_design;
    uint64_t ensemble_seed;
    int nobj, ncon;
    fs_search_obj obj[FS_SEARCH_MAX_OBJECTIVES];
    fs_search_con con[FS_SEARCH_MAX_CONSTRAINTS];
    int noutputs;            /* distinct outputs the objectives and constraints read */
    fs_sweep_output outputs[FS_SEARCH_MAX_OBJECTIVES + FS_SEARCH_MAX_CONSTRAINTS];
    int population, generations;
    uint64_t algo_seed;
    double epsilons[FS_SEARCH_MAX_OBJECTIVES];
    int have_epsilons;
    fs_override *sets;       /* --set overrides of the base scenario (copied) */
    int nsets;
} fs_search;

/* Reads and validates a search file: FS_ECONFIG naming file:line and the
 * setting for a bad file, FS_EUSAGE for a bad --set, FS_ENOMEM. */
fs_status fs_search_load(const char *file, const fs_override *ov, int nov, fs_search **out,
                         fs_err *err);
void fs_search_free(fs_search *s);

typedef struct fs_search_run fs_search_run;

/* Builds the ensemble and the search, creates the output directory and
 * starts the checkpoint in DIR/checkpoint (the search file, its --set
 * options and a hash of its settings in resume.cfg, then one record per
 * mix evaluated, synced as each generation ends). With resume (what
 * resume.cfg recorded) it refuses a search whose file or base scenario
 * changed, and the recorded mixes are replayed instead of run: the search
 * goes on exactly as it would have. NULL with err set on failure.
 * threads >= 1. */
fs_search_run *fs_search_run_open(const fs_search *s, int threads, const char *outdir,
                                  const fs_ckpt_id *resume, fs_err *err);

/* Runs the next generation. FS_EINTR on a signal. */
fs_status fs_search_run_iterate(fs_search_run *r, fs_err *err);
int fs_search_run_finished(const fs_search_run *r);
int fs_search_run_generation(const fs_search_run *r);

/* Mixes run so far (replayed ones not counted), and the seconds spent in
 * their runs, in the evaluation callback as a whole (the runs, the
 * statistics over the futures, the checkpoint) and in iterate (total
 * minus callback is the search's own work: sorting, crowding, breeding,
 * the archive, the hypervolume). */
long fs_search_run_evaluated(const fs_search_run *r);
void fs_search_run_times(const fs_search_run *r, double *eval, double *callback, double *total);

/* Re-evaluates the final set out of sample (fresh streams, a fresh
 * ensemble, 5x the runs), writes pareto.csv, generations.csv,
 * evaluations.csv, search.csv and optimize.md (all or none), then removes
 * the checkpoint. */
fs_status fs_search_run_finish(fs_search_run *r, fs_err *err);
void fs_search_run_free(fs_search_run *r);

#endif
