/* discover.h: scenario discovery (foresight discover; docs/DISCOVERY.md).
 * Reads an experiment table (a sweep directory or any CSV with a header),
 * marks the cases whose output is above or below a value as "of
 * interest", finds boxes of inputs that hold them (PRIM, prim.h, or a
 * classification tree, cart.h) and writes discovery.csv, boxes.csv,
 * discovery_cases.csv, discovery_meta.csv and discovery.md (all or none),
 * then the charts (plot_discover.h).
 * Ownership: the caller owns every argument; a table from
 * fs_disc_table_load is the caller's and is released with
 * fs_disc_table_free (accepts NULL); a reading returned through `reading`
 * is malloc'd text the caller frees. */
#ifndef FS_DISCOVER_H
#define FS_DISCOVER_H

#include <stdint.h>
#include <stdio.h>
#include "errors.h"
#include "plot.h"
#include "prim.h"

#define FS_DISC_NAME_MAX 256
#define FS_DISC_MAX_INPUTS 1024
#define FS_DISC_MAX_BOXES 20

typedef enum fs_disc_method { FS_DISC_PRIM = 0, FS_DISC_CART } fs_disc_method;

typedef struct fs_disc_opts {
    char output[FS_DISC_NAME_MAX];   /* the output column ("" until set) */
    int side;                        /* 0 unset, 1 above, -1 below */
    double value;                    /* the --above / --below value */
    char *inputs;                    /* comma-separated names, or NULL: all (owned) */
    fs_disc_method method;
    fs_prim_opts prim;
    int boxes;                       /* covering: at most this many boxes, 1 to 20 */
    int resample;                    /* bootstrap resamples, 0 to 10000 */
    uint64_t seed;                   /* for the resamples */
    int min_leaf;                    /* CART: cases per leaf at least */
    int depth;                       /* CART: depth at most */
    int threads;                     /* OpenMP threads for the resamples */
    unsigned given;                  /* bit i: option i of fs_disc_opt_set was set */
} fs_disc_opts;

/* Defaults: PRIM with EMA Workbench's settings (prim.h), 1 box, no
 * resampling, seed 1, CART min_leaf 20 and depth 4, 1 thread. */
void fs_disc_opts_default(fs_disc_opts *o);

/* Releases what o owns (inputs). Accepts NULL. */
void fs_disc_opts_release(fs_disc_opts *o);

/* Sets one option from text, by the command line's long name without the
 * dashes ("output", "above", "below", "inputs", "method", "threshold",
 * "peel-alpha", "paste-alpha", "mass-min", "box", "boxes", "resample",
 * "seed", "min-leaf", "depth"); '_' may stand for '-'. FS_EUSAGE naming
 * the option, what it expects and what was found, for an unknown key, a
 * bad value or --above together with --below. */
fs_status fs_disc_opt_set(fs_disc_opts *o, const char *key, const char *value, fs_err *err);

/* Whether key names an option of fs_disc_opt_set. */
int fs_disc_opt_known(const char *key);

/* Checks the whole set: an output and exactly one of above/below, every
 * option in range, no option of one method given to the other (PRIM's
 * threshold, alphas, mass-min, box, boxes and resample; CART's min-leaf
 * and depth). FS_EUSAGE naming what is wrong. */
fs_status fs_disc_opts_check(const fs_disc_opts *o, fs_err *err);

/* One input column. */
typedef struct fs_disc_input {
    char *name;          /* the column (a sweep parameter's path) */
    char *label;         /* readable name (a sweep parameter's label, else name) */
    int kind;            /* 1 lever, 0 uncertainty, -1 unknown (a CSV column) */
    double lo, hi;       /* its full range: the sweep's, or the observed one */
    int integer;         /* whole values only */
} fs_disc_input;

/* The experiment table. */
typedef struct fs_disc_table {
    char *source;        /* as given */
    int sweep;           /* 1: a sweep directory */
    char *title;         /* the sweep's name, or the file's name */
    int n, k;
    double *x;           /* [k * n], column-major */
    double *y;           /* [n] the output */
    fs_disc_input *in;   /* [k] */
    int percent;         /* the output is a probability (a sweep's outcome) */
} fs_disc_table;

/* Loads SOURCE: a directory with sweep.csv and sweep_params.csv (inputs:
 * the swept parameters, or those --inputs names by path or label), or a
 * CSV file (inputs: every column but the output whose first value is a
 * number, or the --inputs columns). FS_EUSAGE for a source that is
 * neither, FS_ECONFIG naming file:line:column for a missing column, an
 * empty, non-numeric or NaN cell, FS_EIO, FS_ENOMEM. */
fs_status fs_disc_table_load(const char *source, const fs_disc_opts *o, fs_disc_table **out,
                             fs_err *err);
void fs_disc_table_free(fs_disc_table *t);

/* Runs the discovery on SOURCE with o and writes its files into outdir
 * (created if missing), then, with charts, its charts (plot opts may be
 * NULL). A threshold that leaves no case of interest is FS_EUSAGE saying
 * how many cases there are and the output's range. When reading is not
 * NULL it gets discovery.md's findings as a markdown section body (for
 * sweep.md). Results do not depend on o->threads. */
fs_status fs_discover(const char *source, const fs_disc_opts *o, const char *outdir, int charts,
                      const fs_plot_opts *plot, char **reading, fs_err *err);

#endif
