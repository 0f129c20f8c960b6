/* plot.h: the charts of a run directory, drawn from its CSV files alone
 * (docs/OUTPUTS.md), and the comparison charts of several scenarios.
 * Ownership: an fs_plot_data belongs to whoever loaded it and is released
 * with fs_plot_data_free; its arrays and strings live as long as it does.
 * Chart calls only read their inputs. Every chart file is written through
 * a temp name, and a call that fails leaves no new chart file behind. */
#ifndef FS_PLOT_H
#define FS_PLOT_H

#include "chart.h"
#include "errors.h"

/* The charts of fs_plot_run_dir, in this order; file names are
 * fs_plot_chart_name(i) + "." + the format's extension. */
typedef enum fs_plot_chart {
    FS_PLOT_THREAT_INDEX = 0,  /* threat_index */
    FS_PLOT_ATTACKS,           /* attacks */
    FS_PLOT_OUTCOMES,          /* outcomes */
    FS_PLOT_CASUALTIES,        /* casualties */
    FS_PLOT_TRUST,             /* trust */
    FS_PLOT_STABILITY,         /* stability */
    FS_PLOT_COHESION_COST,     /* cohesion_cost */
    FS_PLOT_EARLY_WARNING,     /* early_warning */
    FS_PLOT_NCHARTS
} fs_plot_chart;

/* Where a chart put its panels (plot areas and scales), for tests. */
typedef struct fs_plot_geom {
    int width, height;
    int npanels;
    fs_panel panel[FS_CHART_MAX_PANELS];
} fs_plot_geom;

/* Chart file formats, as the command line names them. */
typedef fs_chart_format fs_plot_format;
#define FS_PLOT_PNG FS_CHART_PNG
#define FS_PLOT_PDF FS_CHART_PDF
#define FS_PLOT_SVG FS_CHART_SVG

typedef struct fs_plot_opts {
    fs_plot_format format;    /* FS_PLOT_PNG by default */
    int width, height;        /* pixels; 0 means 1600 x 1000 */
    const char *outdir;       /* NULL: the run directory itself */
    fs_plot_geom *geom;       /* NULL, or FS_PLOT_NCHARTS records to fill */
    int no_report;            /* run, compare and sweep: no report.html after
                                 the charts (the chart calls ignore it) */
} fs_plot_opts;

/* Percentile bands of one per-step metric: arrays of n = steps + 1 values,
 * NaN where timeseries.csv has no row. */
typedef struct fs_band {
    double *mean, *p5, *p25, *p50, *p75, *p95;
} fs_band;

/* A row of summary.csv. */
typedef struct fs_plot_stat {
    double n, mean, sd, se, min, p5, p25, p50, p75, p95, max;
} fs_plot_stat;

typedef struct fs_plot_actor {
    char *id, *name, *role;
} fs_plot_actor;

typedef struct fs_plot_mechanism {
    char *id, *name, *type;
    double start, end, period, mean_active_steps;
} fs_plot_mechanism;

typedef struct fs_plot_inject {
    char *id, *label, *type;
    char *pair;          /* "A-B" whose trust it acts on, or "" */
    double step, probability, hazard, start, end, fired_share, mean_fire_step;
} fs_plot_inject;

typedef struct fs_plot_outcome {
    char *name;
    double count, runs, probability, lo95, hi95;
} fs_plot_outcome;

/* A measured difference from inject_effects.csv (what an inject did) or
 * baseline.csv (the scenario against its baseline). */
#define FS_PLOT_MAX_SOURCES 8
typedef struct fs_plot_effect {
    int source;          /* index into fs_plot_data.source */
    char *metric;        /* "escalation", "final_trust", "trust", ... */
    char *target;        /* "region", an actor id, or a pair "A-B" */
    double step;         /* for "trust" at a step; NaN otherwise */
    int outcome;         /* a probability (kind "probability") */
    double diff, lo, hi; /* the effect or difference, with its 95% interval */
    double with, without;/* the two means compared (NaN in older files) */
} fs_plot_effect;

typedef struct fs_plot_bucket {
    double lo, hi, count;
} fs_plot_bucket;

/* Region metrics of timeseries.csv. */
typedef enum fs_plot_series {
    FS_SERIES_THREAT_INDEX = 0,
    FS_SERIES_PLOTS,
    FS_SERIES_FOILED,
    FS_SERIES_ATTACKS,
    FS_SERIES_CASUALTIES,
    FS_SERIES_COHESION,
    FS_SERIES_COST,
    FS_SERIES_N
} fs_plot_series;

/* Summary metrics used by the charts. */
typedef enum fs_plot_summary {
    FS_SUM_ATTACKS = 0,
    FS_SUM_FOILED,
    FS_SUM_CASUALTIES,
    FS_SUM_COST,
    FS_SUM_N
} fs_plot_summary;

#define FS_PLOT_MAX_PAIRS 16   /* FS_MAX_TRACKED (metrics.h) */

/* Everything the charts read from one run directory. */
typedef struct fs_plot_data {
    char *dir;
    char *name, *step_unit, *seed;
    int steps;                  /* horizon; arrays below have steps + 1 */
    double runs, mass_casualty;
    double failure_stability;   /* NaN when meta.csv lacks it */
    double escalation_ratio;    /* likewise */
    fs_plot_stat summary[FS_SUM_N];     /* NaN-filled when absent */
    fs_band region[FS_SERIES_N];
    int nactors;
    fs_plot_actor *actors;
    fs_band *stability;         /* [nactors] */
    double *trust_initial;      /* [nactors * nactors], NaN on the diagonal */
    double *trust_final;        /* mean final trust, same layout */
    /* The pairs timeseries.csv tracks step by step (those injects act
     * on), in file order: actor indices and trust bands. */
    int npairs;
    int pair_a[FS_PLOT_MAX_PAIRS], pair_b[FS_PLOT_MAX_PAIRS];
    fs_band pair_trust[FS_PLOT_MAX_PAIRS];
    int nmechanisms, ninjects, noutcomes, nbuckets;
    fs_plot_mechanism *mechanisms;
    fs_plot_inject *injects;
    fs_plot_outcome *outcomes;
    fs_plot_bucket *buckets;    /* distributions.csv, metric casualties */
    double *p_escalated, *first_mass_casualty, *p_mass_casualty_by;
    /* baseline.csv then inject_effects.csv, when there (else 0): source 0
     * is "the baseline" when base_name is set, then one per inject. */
    int neffects, nsources;
    fs_plot_effect *effects;
    char *source[FS_PLOT_MAX_SOURCES];   /* "Against <baseline>", inject labels */
    char *base_name;
} fs_plot_data;

/* Sets defaults: PNG, 1600 x 1000, output into the run directory. */
void fs_plot_opts_default(fs_plot_opts *o);

/* o = *in (the defaults when in is NULL), with a width or height <= 0
 * replaced by the default size. */
void fs_plot_opts_resolve(const fs_plot_opts *in, fs_plot_opts *o);

/* One chart of a set, drawn from data into c. */
typedef fs_status (*fs_plot_draw_fn)(const void *data, fs_chart *c, fs_err *err);

/* Draws the n charts names[i] (base names) with fns[i] from data into
 * opts->outdir (made if missing; default dir) in opts' format and size
 * (opts may be NULL), filling opts->geom for the first FS_PLOT_NCHARTS.
 * Every chart is drawn before any is committed: either every chart file
 * is replaced, or (on failure) none is. */
fs_status fs_plot_set(const char *dir, const fs_plot_opts *opts, int n,
                      const char *const *names, const fs_plot_draw_fn *fns, const void *data,
                      fs_err *err);

/* The base file name of a chart ("threat_index", ...). */
const char *fs_plot_chart_name(fs_plot_chart which);

/* Reads meta, summary, timeseries, outcomes, actors, trust, mechanisms,
 * injects, earlywarning and distributions .csv from dir. Returns NULL and
 * fills err on failure: FS_EIO when a file cannot be read, FS_ECONFIG
 * naming file:line (and column) when one is malformed or inconsistent.
 * mechanisms.csv and injects.csv may be empty or hold only a header. */
fs_plot_data *fs_plot_data_load(const char *dir, fs_err *err);

/* Releases d. Accepts NULL. */
void fs_plot_data_free(fs_plot_data *d);

/* Draws every chart of an already loaded run. Either every chart file is
 * written, or (on failure, err filled) none is replaced. */
fs_status fs_plot_data_draw(const fs_plot_data *d, const fs_plot_opts *opts, fs_err *err);

/* Loads the run directory `dir` and draws its charts into opts->outdir
 * (default dir). opts may be NULL for the defaults. */
fs_status fs_plot_run_dir(const char *dir, const fs_plot_opts *opts, fs_err *err);

/* Compare charts. Each draws one chart to `path` (the format comes from
 * opts, which may be NULL). `runs` are loaded run directories of the
 * scenarios compared, the first being the reference; scenario i is drawn
 * in fs_series_colour(i) in every comparison chart. */

/* Threat index median lines and 90% bands of each scenario on one axis. */
fs_status fs_plot_compare_threat(const char *path, const fs_plot_data *const *runs, int n,
                                 const fs_plot_opts *opts, fs_err *err);

/* Outcome probabilities grouped by outcome, one bar per scenario, with
 * 95% whiskers. */
fs_status fs_plot_compare_outcomes(const char *path, const fs_plot_data *const *runs, int n,
                                   const fs_plot_opts *opts, fs_err *err);

/* One paired difference to the reference scenario, with its 95% interval. */
typedef struct fs_plot_diff {
    const char *metric;     /* e.g. "Escalation"; "P(escalation)" is shown so */
    int scenario;           /* index into the scenarios compared (>= 1) */
    double diff, lo, hi;
} fs_plot_diff;

/* Whether an effect is material, by the briefing's rule: its 95% interval
 * excludes zero and it is at least half a point for a probability, else
 * at least 1% of the larger of the two means (at least 0.001 when the
 * file has no means). */
int fs_plot_effect_material(const fs_plot_effect *e);

/* The rows of effects_trust, at most max, labelled with the actors' names
 * ("Russia–Tajikistan at the end") in labels, which the rows point to:
 * the baseline's material pairs that differ most (at most 8, largest
 * first), then each inject's material trust rows in file order, so that
 * the baseline's dot leads its group as in effects_outcomes. Returns the
 * number of rows; *small counts the rows left out as not material,
 * *beyond the baseline's material pairs past the eight. */
#define FS_PLOT_DIFF_LABEL 192
int fs_plot_trust_rows(const fs_plot_data *d, fs_plot_diff *rows,
                       char (*labels)[FS_PLOT_DIFF_LABEL], int max, int *small, int *beyond);

/* Differences to the reference as points with interval whiskers, one row
 * per metric and scenario (grouped by metric, the metric named once at the
 * middle of its rows; colours name the scenarios in a legend), and a line
 * at zero. `names` holds the scenario names (nnames of them), `title` the
 * chart title, `xlabel` the axis label with its unit (NULL: a generic one),
 * `runs` the scenarios' loaded data for the subtitle's runs, seed and
 * horizon (NULL: the subtitle names the reference only), `subtitle` a
 * subtitle to put before the reference (NULL: none), `note` the footnote
 * (NULL: compare.csv's). The legend lists only the scenarios that have
 * rows. The axis spans at least min_half on each side of zero where the
 * data lie (0: the data alone), so that differences too small to matter
 * look small. */
fs_status fs_plot_compare_diff(const char *path, const char *title, const char *xlabel,
                               const char *subtitle, const char *note,
                               const char *const *names, int nnames,
                               const fs_plot_data *const *runs, const fs_plot_diff *d,
                               int n, double min_half, const fs_plot_opts *opts, fs_err *err);

#endif
