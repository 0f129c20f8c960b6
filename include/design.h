/* design.h: experimental designs over k numbered parameters.
 * A design is a fixed matrix of npoints rows and k columns, in parameter
 * units and in unit-cube coordinates, built deterministically from its
 * options (and, for the random kinds, a seed): the same options give the
 * same bytes on every machine and every run. It knows nothing about
 * scenarios. A design is owned by its creator and released with
 * fs_design_free, which accepts NULL; the pointers it hands out live as
 * long as the design. */
#ifndef FS_DESIGN_H
#define FS_DESIGN_H

#include <stdint.h>
#include "errors.h"

/* Limits, checked before anything is allocated. */
#define FS_DESIGN_MAX_POINTS 10000000   /* rows of any design */
#define FS_DESIGN_MAX_PARAMS 1000       /* k of any design */
#define FS_SOBOL_MAX_PARAMS 20          /* GSL's Sobol sequence: 40 = 2k dims */

/* The random stream (fs_rng_seed's run argument) the random designs draw
 * from: the last of the seed's streams, so that design draws never share
 * a stream with a simulation run (runs count up from 0). */
#define FS_DESIGN_STREAM UINT64_MAX

/* One parameter. lo <= hi, both finite; an integer parameter has integral
 * lo and hi and takes integer values only. levels (nlevels values, each
 * in [lo, hi], distinct, integral for an integer parameter) are used by
 * the grid design only; nlevels 0 means evenly spaced levels. name, when
 * not NULL, is used in error messages ("parameter 3" otherwise). Nothing
 * here is kept after fs_design_alloc returns. */
typedef struct fs_sparam {
    double lo, hi;
    int integer;
    int nlevels;
    const double *levels;
    const char *name;
} fs_sparam;

typedef enum fs_design_kind {
    FS_DESIGN_GRID,     /* cartesian product of levels */
    FS_DESIGN_RANDOM,   /* n points uniform in the box */
    FS_DESIGN_LHS,      /* Latin hypercube of n points */
    FS_DESIGN_SOBOL,    /* Saltelli's A, B, AB_i on GSL's Sobol sequence */
    FS_DESIGN_MORRIS,   /* r Morris trajectories on a p-level grid */
    FS_DESIGN_OAT       /* one at a time around base values */
} fs_design_kind;

/* Options. Fields a kind does not use are ignored; zero-initialise the
 * struct and set what the kind needs:
 *   grid    n: levels of each parameter without explicit levels (>= 2)
 *   random  n: points (>= 1); seed
 *   lhs     n: points (>= 1); seed
 *   sobol   n: base rows N (>= 2; a power of two balances the sequence
 *           best); the design is N(k+2) points; no seed (the sequence is
 *           deterministic)
 *   morris  r: trajectories (>= 2); p: grid levels, even, 0 for 4; seed
 *   oat     base: k base values in [lo, hi], or NULL for the midpoints
 *           (rounded for integer parameters) */
typedef struct fs_design_opts {
    int n;
    int r;
    int p;
    uint64_t seed;
    const double *base;
} fs_design_opts;

typedef struct fs_design fs_design;

/* Builds a design of the given kind over parameters p[0..k-1]. Returns the
 * design, or NULL with err set: FS_ECONFIG when a parameter or option is
 * wrong or the design would exceed a limit (the message names the
 * parameter and the limit; nothing is allocated in that case), FS_ENOMEM
 * when out of memory. Integer parameters: see docs/SWEEP.md, "Designs". */
fs_design *fs_design_alloc(fs_design_kind kind, const fs_sparam *p, int k,
                           const fs_design_opts *o, fs_err *err);

/* The number of points fs_design_alloc would build, with the same checks
 * and errors, allocating nothing (*npoints 0 on error); and the bytes a
 * design keeps per point for k parameters. For guards (budget.h). */
fs_status fs_design_count(fs_design_kind kind, const fs_sparam *p, int k,
                          const fs_design_opts *o, int *npoints, fs_err *err);
double fs_design_point_bytes(fs_design_kind kind, int k);

/* Releases d and everything it owns. Accepts NULL. */
void fs_design_free(fs_design *d);

fs_design_kind fs_design_get_kind(const fs_design *d);
int fs_design_npoints(const fs_design *d);
int fs_design_nparams(const fs_design *d);

/* The base size: N for sobol, r for morris, npoints for the others. */
int fs_design_nbase(const fs_design *d);

/* Morris only: the number of grid levels p and the step delta in unit
 * coordinates, p / (2 (p - 1)); 0 for other kinds. */
int fs_design_morris_levels(const fs_design *d);
double fs_design_morris_delta(const fs_design *d);

/* Point i's k values in parameter units (integers for integer
 * parameters), and its k unit-cube coordinates in [0, 1]. i must be in
 * [0, npoints). */
const double *fs_design_point(const fs_design *d, int i);
const double *fs_design_unit(const fs_design *d, int i);

/* The whole matrices, npoints x k, row-major. */
const double *fs_design_points(const fs_design *d);
const double *fs_design_units(const fs_design *d);

/* Parameter j's bounds and integer flag as given to fs_design_alloc. */
double fs_design_lo(const fs_design *d, int j);
double fs_design_hi(const fs_design *d, int j);
int fs_design_is_integer(const fs_design *d, int j);

/* Morris only: the parameter that changes between point i - 1 and point
 * i, or -1 when point i starts a trajectory (or d is not a Morris design). */
int fs_design_morris_changed(const fs_design *d, int i);

/* "grid", "random", "lhs", "sobol", "morris", "oat". */
const char *fs_design_kind_name(fs_design_kind kind);

/* Looks a kind up by its name; 0 on success, -1 when the name is unknown. */
int fs_design_kind_parse(const char *name, fs_design_kind *kind);

#endif
