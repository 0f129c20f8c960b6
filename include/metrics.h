/* metrics.h: what one run records, as a flat vector of cells.
 * The model writes one double per cell per run (NaN = "did not happen",
 * e.g. no mass-casualty attack); the statistics module accumulates cells
 * without knowing what they mean; the outputs name them. A layout is a
 * plain value computed from a scenario; it owns nothing. */
#ifndef FS_METRICS_H
#define FS_METRICS_H

#include "scenario.h"

/* Region metrics recorded at every step 0..steps. */
enum {
    FS_TS_THREAT = 0,   /* regional threat index (non-external actors) */
    FS_TS_PLOTS,        /* plots this step */
    FS_TS_FOILED,
    FS_TS_ATTACKS,      /* successful attacks, injected ones included */
    FS_TS_CASUALTIES,
    FS_TS_COHESION,     /* mean member trust */
    FS_TS_COST,         /* cumulative mechanism cost */
    FS_TS_ESCALATED,    /* 1 if the escalation condition holds at this step */
    FS_TS_REMOVED,      /* cells removed by security pressure (attrition) */
    FS_TS_NREGION
};

/* Actor metrics recorded at every step. */
enum {
    FS_TA_STABILITY = 0,
    FS_TA_PRESENCE,     /* cells of all threats */
    FS_TA_N
};

/* Run totals (summary.csv). */
enum {
    FS_TOT_PLOTS = 0,
    FS_TOT_FOILED,
    FS_TOT_ATTACKS,
    FS_TOT_CASUALTIES,
    FS_TOT_THREAT_START,
    FS_TOT_THREAT_FINAL,
    FS_TOT_THREAT_PEAK,
    FS_TOT_COHESION_START,
    FS_TOT_COHESION_FINAL,
    FS_TOT_MIN_MEMBER_STABILITY,
    FS_TOT_COST,
    FS_TOT_FIRST_MASS_CASUALTY,  /* NaN when none */
    FS_TOT_REMOVED,
    FS_TOT_N
};

/* Per-actor run totals (actors.csv). */
enum {
    FS_AT_ATTACKS = 0,
    FS_AT_FOILED,
    FS_AT_CASUALTIES,
    FS_AT_FINAL_STABILITY,
    FS_AT_MIN_STABILITY,
    FS_AT_N
};

/* Per-threat run totals over non-external actors (threats.csv). */
enum {
    FS_TH_PLOTS = 0,
    FS_TH_FOILED,
    FS_TH_ATTACKS,
    FS_TH_CASUALTIES,
    FS_TH_REMOVED,
    FS_TH_FINAL_PRESENCE,
    FS_TH_N
};

/* Outcome flags, 0 or 1 (outcomes.csv). */
enum {
    FS_OUT_ESCALATION = 0,
    FS_OUT_FRACTURE,
    FS_OUT_CONTAINED,
    FS_OUT_MASS_CASUALTY,
    FS_OUT_N
};

/* Per-mechanism and per-inject cells. */
enum { FS_MC_ACTIVE_STEPS = 0, FS_MC_COST, FS_MC_N };
enum { FS_IN_FIRED = 0, FS_IN_FIRST_STEP, FS_IN_N };   /* first step NaN if never */

/* Pairs whose trust is recorded at every step: those an inject acts on
 * (trust shocks, and attacks with an origin), in inject order, without
 * repeats, at most FS_MAX_TRACKED. */
#define FS_MAX_TRACKED 16

typedef struct fs_layout {
    int steps, nactors, nthreats, nmechanisms, ninjects, npairs;
    int ntracked;
    int tracked_a[FS_MAX_TRACKED], tracked_b[FS_MAX_TRACKED];  /* a < b */
    int ts;       /* base of the step cells: (steps+1) x per_step, where a step
                   * holds NREGION region cells, nactors*TA_N actor cells and
                   * ntracked pair-trust cells */
    int per_step; /* cells per step */
    int tot;      /* FS_TOT_N run totals */
    int atot;     /* nactors x FS_AT_N */
    int thr;      /* nthreats x FS_TH_N */
    int trust;    /* npairs final trust values, pairs (a<b) in row order */
    int mech;     /* nmechanisms x FS_MC_N */
    int inj;      /* ninjects x FS_IN_N */
    int out;      /* FS_OUT_N outcome flags */
    int ncells;
} fs_layout;

void fs_layout_init(fs_layout *l, const fs_scenario *sc);

/* Names of run totals and outcomes as summary.csv and outcomes.csv write
 * them ("casualties", "escalation", ...); "?" when out of range. */
const char *fs_total_name(int k);
const char *fs_outcome_name(int k);

/* Names of the other quantities, as the CSV files write them: region time
 * series (FS_TS_*, timeseries.csv "threat_index", "cohesion", ...), actor
 * time series (FS_TA_*: "stability", "presence"), actor totals (FS_AT_*,
 * actors.csv) and threat totals (FS_TH_*, threats.csv); "?" when out of
 * range. */
const char *fs_region_series_name(int k);
const char *fs_actor_series_name(int k);
const char *fs_actor_total_name(int k);
const char *fs_threat_total_name(int k);

/* Headline metrics, compared between scenarios run side by side: outcome
 * flags and run totals that every scenario has, whatever its actors. */
enum {
    FS_HEAD_ESCALATION = 0,
    FS_HEAD_FRACTURE,
    FS_HEAD_CONTAINED,
    FS_HEAD_MASS_CASUALTY,
    FS_HEAD_ATTACKS,
    FS_HEAD_CASUALTIES,
    FS_HEAD_THREAT_FINAL,
    FS_HEAD_COHESION_FINAL,
    FS_HEAD_MIN_MEMBER_STABILITY,
    FS_HEAD_COST,
    FS_HEAD_N
};

/* The cell of headline h in layout l. */
int fs_headline_cell(const fs_layout *l, int h);
/* Its name in compare.csv ("escalation", "attacks", ...). */
const char *fs_headline_name(int h);
/* 1 for the outcome flags (probabilities), 0 for totals (means). */
int fs_headline_is_outcome(int h);

static inline int fs_cell_ts(const fs_layout *l, int step, int metric)
{
    return l->ts + step * l->per_step + metric;
}
static inline int fs_cell_ta(const fs_layout *l, int step, int actor, int metric)
{
    return l->ts + step * l->per_step + FS_TS_NREGION + actor * FS_TA_N + metric;
}
static inline int fs_cell_tp(const fs_layout *l, int step, int j)
{
    return l->ts + step * l->per_step + FS_TS_NREGION + l->nactors * FS_TA_N + j;
}
static inline int fs_cell_tot(const fs_layout *l, int metric) { return l->tot + metric; }
static inline int fs_cell_at(const fs_layout *l, int actor, int metric)
{
    return l->atot + actor * FS_AT_N + metric;
}
static inline int fs_cell_th(const fs_layout *l, int g, int metric)
{
    return l->thr + g * FS_TH_N + metric;
}
/* Index of the unordered pair a<b among nactors. */
static inline int fs_pair_index(int n, int a, int b)
{
    return a * n - a * (a + 1) / 2 + (b - a - 1);
}
static inline int fs_cell_trust(const fs_layout *l, int a, int b)
{
    return l->trust + fs_pair_index(l->nactors, a, b);
}
static inline int fs_cell_mech(const fs_layout *l, int m, int k) { return l->mech + m * FS_MC_N + k; }
static inline int fs_cell_inj(const fs_layout *l, int i, int k) { return l->inj + i * FS_IN_N + k; }
static inline int fs_cell_out(const fs_layout *l, int k) { return l->out + k; }

/* Whether a cell keeps a quantile sketch (indicator and bookkeeping cells
 * keep only moments), and whether its values are integers (its quantiles
 * are then rounded to the nearest integer). */
int fs_cell_wants_sketch(const fs_layout *l, int cell);
int fs_cell_is_integer(const fs_layout *l, int cell);

#endif
