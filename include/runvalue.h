/* runvalue.h: a quantity of one run, as a calibration's target reads it
 * (docs/CALIBRATE.md, "Targets"): a run total named as a sweep output is
 * without its statistic ("removed", "foiled.[jihadist]", "attacks.[RU]"),
 * a flow summed over a window of steps ("foiled.[jihadist]@13-36",
 * "attacks.[RU]@1-12", "plots@1-60"), or a level at a step
 * ("threat_index@60", "stability.[TJ]@24"). Parsing validates the name
 * against a scenario; reading is a pure function of one run's observation
 * vector (metrics.h) and, for a threat's or an actor's flows over a
 * window, of the sum a lockstep block keeps of them (fs_lockstep_watch).
 * Nothing here allocates. */
#ifndef FS_RUNVALUE_H
#define FS_RUNVALUE_H

#include <stddef.h>
#include "lockstep.h"
#include "metrics.h"
#include "sweep_output.h"

enum {
    FS_RV_CELL = 0,     /* a cell of the observation vector (a run total) */
    FS_RV_SERIES,       /* a region or actor time series: summed over the
                         * window (a flow) or at its one step (a level) */
    FS_RV_THREAT,       /* a threat's flow over the region's actors, summed
                         * over the window (a lockstep window sum) */
    FS_RV_ACTOR         /* an actor's attacks, foiled plots or casualties,
                         * summed over the window (likewise) */
};

typedef struct fs_runvalue {
    int kind;            /* FS_RV_* */
    fs_sweep_output out; /* scope, metric, a, b as a sweep output's (name NULL) */
    int first, last;     /* the window of steps, inclusive; -1 for a total */
} fs_runvalue;

/* Reads the quantity named `name` against scenario sc into v. 0, or -1
 * with msg saying what is wrong, with a suggestion for a misspelt metric
 * or id. */
int fs_runvalue_parse(const char *name, const fs_scenario *sc, fs_runvalue *v, char *msg,
                      size_t n);

/* v in words, for reports: "foiled plots of threat jihadist in the
 * region's actors, summed over steps 13 to 36". */
void fs_runvalue_describe(const fs_runvalue *v, const fs_scenario *sc, char *buf, size_t n);

/* 1 when v needs a window sum of the model's steps (FS_RV_THREAT,
 * FS_RV_ACTOR). */
int fs_runvalue_stepwise(const fs_runvalue *v);

/* For a stepwise quantity, the window a lockstep block sums it over
 * (lockstep.h, fs_lockstep_watch) into *w: 0, or -1 when v is not
 * stepwise. */
int fs_runvalue_window(const fs_runvalue *v, fs_lockstep_window *w);

/* After a run: its value, from its observation vector obs (layout l)
 * and, for a stepwise quantity, the sum of its window (acc:
 * fs_lockstep_watched). NaN when the run has none (a first mass-casualty
 * step in a run without one). */
double fs_runvalue_read(const fs_runvalue *v, const fs_layout *l, const double *obs,
                        double acc);

#endif
