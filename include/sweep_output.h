/* sweep_output.h: the outputs a sweep records at every point, named as the
 * run's own files name their quantities (docs/SWEEP.md, "Outputs"): an
 * outcome, a summary metric, an actor's or a threat's total, a pair's final
 * trust, or any of these time series at a step, each with a statistic.
 * Pure functions over caller-owned data; an fs_sweep_output holds no
 * pointers but its name, which its owner (fs_sweep) frees. */
#ifndef FS_SWEEP_OUTPUT_H
#define FS_SWEEP_OUTPUT_H

#include <stddef.h>
#include "metrics.h"
#include "scenario.h"

/* What an output reads: the files it mirrors. */
typedef enum fs_output_scope {
    FS_SO_OUTCOME = 0,   /* outcomes.csv: escalation */
    FS_SO_TOTAL,         /* summary.csv: casualties.mean */
    FS_SO_ACTOR,         /* actors.csv: attacks.[AF].mean */
    FS_SO_THREAT,        /* threats.csv: plots.[iskp].p95 */
    FS_SO_PAIR,          /* trust.csv: trust.[IR-PK].mean (final trust) */
    FS_SO_REGION_STEP,   /* timeseries.csv, region: cohesion.mean@24 */
    FS_SO_ACTOR_STEP,    /* timeseries.csv, an actor: stability.[TJ].p5@24 */
    FS_SO_PAIR_STEP      /* timeseries.csv, a tracked pair: trust.[RU-TJ].mean@6 */
} fs_output_scope;

typedef struct fs_sweep_output {
    char *name;          /* as written: "escalation", "attacks.[AF].p95", ... */
    int outcome;         /* 1: an outcome probability (scope FS_SO_OUTCOME) */
    int scope;           /* fs_output_scope */
    int metric;          /* FS_OUT_*, FS_TOT_*, FS_AT_*, FS_TH_*, FS_TS_* or FS_TA_* */
    int a, b;            /* actor (or threat) index, and the pair's second actor */
    int step;            /* the step for time series, else -1 */
    int stat;            /* -1 mean, else the index into 0.05 0.25 0.5 0.75 0.95 */
} fs_sweep_output;

/* Reads the output named `name` against scenario sc into o (o->name is
 * left to the caller). Returns 0, or -1 with msg holding what is wrong and
 * a suggestion ("unknown actor 'TX' in attacks.[TX].mean; did you mean
 * 'TJ'?"). */
int fs_sweep_output_parse(const char *name, const fs_scenario *sc, fs_sweep_output *o,
                          char *msg, size_t n);

/* The cell of layout l that o reads, or -1 when l has none (a step beyond
 * its horizon, a pair it does not track). */
int fs_sweep_output_cell(const fs_sweep_output *o, const fs_layout *l);

/* 1 when o's statistic is a quantile of a cell that a sweep point's
 * accumulator sketches only when asked (not an outcome or summary total). */
int fs_sweep_output_needs_sketch(const fs_sweep_output *o);

/* The metric column of sweep_outputs.csv: "casualties", "attacks.[AF]",
 * "stability.[TJ]@24", written into buf. */
void fs_sweep_output_metric(const fs_sweep_output *o, const fs_scenario *sc, char *buf,
                            size_t n);

#endif
