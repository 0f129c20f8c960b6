/* model.h: one stochastic replication of a scenario, step by step.
 * A model is a workspace allocated once per thread (fs_model_alloc) and
 * reused for every run: fs_model_start begins a run, fs_model_step advances
 * it one step, and each call records that step's metrics into the run's
 * observation vector (layout in metrics.h). fs_model_finish records the run
 * totals and outcomes. No allocation happens after fs_model_alloc. The
 * model reads the scenario but does not own it; the scenario must outlive
 * the model. Random draws come only from the gsl_rng passed in, in a fixed
 * order, so a run is a pure function of (scenario, stream). */
#ifndef FS_MODEL_H
#define FS_MODEL_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "metrics.h"
#include "scenario.h"

typedef struct fs_model fs_model;

/* One random draw, as the model made it (for measuring the RNG floor). */
typedef enum fs_draw_kind {
    FS_DRAW_UNIFORM = 0, FS_DRAW_LOGNORMAL, FS_DRAW_POISSON, FS_DRAW_NEGBIN,
    FS_DRAW_SUBSTREAM   /* a move to substream (p1, p2): one Philox block */
} fs_draw_kind;

typedef struct fs_draw {
    int kind;          /* fs_draw_kind */
    double p1, p2;     /* lognormal sigma; poisson mean; negbin p and size */
} fs_draw;

/* A workspace for sc, or NULL when out of memory. */
fs_model *fs_model_alloc(const fs_scenario *sc);
void fs_model_free(fs_model *m);

/* Points m at sc for the runs that follow: a scenario of the same shape
 * as the one m was allocated for (the same layout, borders and roles, as
 * a posterior's particles have: posterior.h), whose numbers may differ.
 * No allocation; sc must outlive its runs. */
void fs_model_rebind(fs_model *m, const fs_scenario *sc);

/* Starts a run: resets the state to the scenario's initial values, draws
 * the once-per-run inject probabilities from r, and records step 0 into
 * obs (fs_layout.ncells doubles, owned by the caller). */
void fs_model_start(fs_model *m, gsl_rng *r, double *obs);

/* Advances one step (1..steps, in order) and records it into obs. */
void fs_model_step(fs_model *m, gsl_rng *r, double *obs);

/* Records run totals, final trust, mechanism and inject cells and outcome
 * flags into obs. Call after the last step. */
void fs_model_finish(fs_model *m, double *obs);

/* Records every draw into buf (cap entries) from now on; NULL stops.
 * Recording costs a branch per draw; it is for benchmarks only. */
void fs_model_trace(fs_model *m, fs_draw *buf, size_t cap);
/* Draws recorded so far (may exceed cap: only the first cap are kept). */
size_t fs_model_traced(const fs_model *m);

/* What the step just recorded (valid after fs_model_start or
 * fs_model_step, until the next call): each threat's sums over the
 * region's (non-external) actors, G rows of FS_TH_N (plots, foiled,
 * attacks, casualties, removed; FS_TH_FINAL_PRESENCE not set), and one
 * actor's attacks, foiled plots and casualties. For quantities summed over
 * a window of steps (a calibration's targets). */
const double *fs_model_threat_step(const fs_model *m);
void fs_model_actor_step(const fs_model *m, int a, double *attacks, double *foiled,
                         double *casualties);

/* Effective detection D_a of the current step (for tests). */
const double *fs_model_detection(const fs_model *m);

#endif
