/* prim.h: the Patient Rule Induction Method (Friedman and Fisher 1999) for
 * scenario discovery (Bryant and Lempert 2010), on a numeric matrix of
 * cases by inputs and a 0/1 label per case ("of interest"). Peeling,
 * pasting, box choice, box inspection (quasi-p-values), covering and
 * bootstrap resampling; docs/DISCOVERY.md describes the method.
 * Ownership: the caller owns the data and every argument; an fs_prim_sorted
 * and every fs_prim_result it fills are the caller's and are released with
 * fs_prim_sorted_free and fs_prim_result_free (both accept NULL and zeroed
 * records). The data must outlive the fs_prim_sorted built from it. */
#ifndef FS_PRIM_H
#define FS_PRIM_H

#include <stdint.h>
#include "errors.h"

/* The cases: x is column-major (input j of case i at x[j * n + i]), every
 * value finite; y[i] is 1 for a case of interest, else 0. */
typedef struct fs_prim_data {
    int n;                    /* cases, >= 1 */
    int k;                    /* inputs, >= 1 */
    const double *x;
    const unsigned char *y;
} fs_prim_data;

/* Options. The defaults (fs_prim_opts_default) follow EMA Workbench's
 * PRIM: peel_alpha 0.05, paste_alpha 0.05, mass_min 0.05, threshold 0.8. */
typedef struct fs_prim_opts {
    double peel_alpha;        /* share of the box's cases one peel removes, in (0, 0.5) */
    double paste_alpha;       /* share of the box's cases one paste adds, in (0, 0.5) */
    double mass_min;          /* peeling stops before the box holds fewer, in (0, 1) */
    double threshold;         /* density the reported box must reach, in [0, 1] */
    int box;                  /* -1: the threshold rule; else this trajectory index */
} fs_prim_opts;

void fs_prim_opts_default(fs_prim_opts *o);

/* Checks every option's range; FS_EUSAGE naming the option otherwise
 * (the names are those of the command line: --peel-alpha, ...). */
fs_status fs_prim_opts_check(const fs_prim_opts *o, fs_err *err);

/* One box: limits per input, -INFINITY / +INFINITY for a side that is not
 * restricted (the box reaches the data's extreme there); a case is inside
 * when lo[j] <= x <= hi[j] for every j. Counts are of cases (a case drawn
 * twice by a resample counts twice). */
typedef struct fs_prim_box {
    double *lo, *hi;          /* [k] */
    long n;                   /* cases inside */
    long ny;                  /* cases of interest inside */
    int nrestricted;          /* inputs with a restricted side */
} fs_prim_box;

/* What one PRIM search found. */
typedef struct fs_prim_result {
    int k;
    long n_total, ny_total;   /* the cases searched and those of interest */
    int nsteps;               /* boxes on the peeling trajectory; traj[0] holds every case */
    fs_prim_box *traj;
    int chosen;               /* the trajectory index the reported box starts from */
    int reached;              /* its density reaches the threshold */
    fs_prim_box box;          /* the reported box: traj[chosen] after pasting */
    double *qp;               /* [k] quasi-p-value of each restricted input, NAN for others */
    long *n_drop, *ny_drop;   /* [k] cases (of interest) in the box with input j's
                               * restriction dropped (the quasi-p's reference) */
} fs_prim_result;

void fs_prim_result_free(fs_prim_result *r);

/* The columns sorted once (stable by case index within ties); every
 * search on the same data uses them, so that no peel re-sorts anything.
 * NULL with FS_ENOMEM in err when out of memory. */
typedef struct fs_prim_sorted fs_prim_sorted;
fs_prim_sorted *fs_prim_sort(const fs_prim_data *d, fs_err *err);
void fs_prim_sorted_free(fs_prim_sorted *s);

/* Column j's case indices in ascending order of value (n entries, owned
 * by s). */
const int *fs_prim_sorted_order(const fs_prim_sorted *s, int j);

/* One PRIM search over the cases with w[i] > 0, each counted w[i] times
 * (w NULL: every case once). Peels: for every input, the lowest or
 * highest peel_alpha share of the box's cases (whole values: cases tied
 * with the cut are kept, and when the cut falls on the lowest value the
 * whole value goes), keeping the peel that gives the highest density
 * (ties: the larger box, then the lower input, lower side first); stops
 * when no peel raises the density without leaving fewer than
 * mass_min x the cases searched. Chooses traj[o->box] (clamped to the
 * trajectory) or the last box whose density reaches the threshold (when
 * none does, the densest, reached = 0), pastes it (each step adds the
 * paste_alpha share of the box's cases next to one restricted side, the
 * paste with the highest density, as long as the density does not fall),
 * drops restrictions that exclude no case the others do not already
 * exclude, and inspects it (quasi-p-values). r is
 * filled (free it with fs_prim_result_free even on failure). FS_ENOMEM
 * or FS_EUSAGE for bad options. */
fs_status fs_prim_run(const fs_prim_data *d, const fs_prim_sorted *s, const int *w,
                      const fs_prim_opts *o, fs_prim_result *r, fs_err *err);

/* Covering: up to maxboxes searches, each over the cases that no earlier
 * box holds; stops early when no case of interest is left or (after the
 * first) when a search's box does not reach the threshold. boxes must
 * hold maxboxes zeroed records; *nboxes gets how many were filled (free
 * them all). Each box's n_total and ny_total are the cases it searched. */
fs_status fs_prim_cover(const fs_prim_data *d, const fs_prim_sorted *s, const fs_prim_opts *o,
                        int maxboxes, fs_prim_result *boxes, int *nboxes, fs_err *err);

/* Bootstrap: R searches, each on a resample of the n cases drawn with
 * replacement from stream (seed, r) of rng.h, the box chosen as o says;
 * share[j] (k entries) gets the share of resamples whose box restricts
 * input j. Resamples run on up to `threads` OpenMP threads; the result
 * does not depend on their number. */
fs_status fs_prim_resample(const fs_prim_data *d, const fs_prim_sorted *s, const fs_prim_opts *o,
                           int R, uint64_t seed, int threads, double *share, fs_err *err);

/* Box inspection of any box b (limits +-INFINITY where unrestricted) over
 * the cases with w[i] > 0 counted w[i] times (w NULL: once each): sets
 * b->n, b->ny and b->nrestricted from the data, and for every input j
 * qp[j] (NAN when j is not restricted), n_drop[j] and ny_drop[j] (the
 * cases, and cases of interest, of the box with j's restriction dropped).
 * Every array holds d->k entries. */
void fs_prim_inspect(const fs_prim_data *d, const int *w, fs_prim_box *b, double *qp,
                     long *n_drop, long *ny_drop);

/* P(X >= h) for X ~ Binomial(t, p): the one-sided quasi-p-value of a box
 * holding h cases of interest among t when the reference density is p. */
double fs_prim_binom_sf(long h, long t, double p);

#endif
