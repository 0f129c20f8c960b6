/* effects.h: what each scheduled inject did, measured against the same
 * runs without it. Beside the scenario the runner runs one copy per
 * scheduled inject (up to FS_MAX_EFFECTS of them, in inject order) in
 * which that inject is muted: it makes the same random draws but changes
 * nothing. Run i of every copy draws from stream (seed, i), so each
 * difference is paired run by run, and what differs is the inject alone:
 * ordinary drift, drills and other injects are in both. A plan says which
 * injects and which extra cells the engine pairs; a table holds the
 * measured rows for inject_effects.csv and the briefing. */
#ifndef FS_EFFECTS_H
#define FS_EFFECTS_H

#include <stdio.h>
#include <stddef.h>
#include "engine.h"
#include "errors.h"
#include "metrics.h"
#include "scenario.h"

#define FS_MAX_EFFECTS (FS_MAX_COMPARE - 1)
#define FS_EFFECT_EXTRA 5   /* extra paired cells per inject, at most */

typedef struct fs_effects_plan {
    int n;                          /* injects measured */
    int inject[FS_MAX_EFFECTS];     /* their indices in sc->injects */
    int skipped;                    /* scheduled injects past the limit */
    int ncells;                     /* extra paired cells, for fs_engine_opts */
    int cells[FS_MAX_PAIR_CELLS];
    int nextra[FS_MAX_EFFECTS];     /* inject j's extra cells: ... */
    int extra[FS_MAX_EFFECTS][FS_EFFECT_EXTRA];   /* ... indices into cells */
    /* Against a baseline: the final trust of every pair of actors that both
     * scenarios have (by id), when they fit after the cells above; pair m
     * is cells[nfirst + m] here and base_cells[m] in the baseline. */
    int nfirst;                     /* cells of the injects' copies */
    int npairs;
    int pair_a[FS_MAX_PAIR_CELLS], pair_b[FS_MAX_PAIR_CELLS];
    int base_cells[FS_MAX_PAIR_CELLS];
} fs_effects_plan;

/* One measured quantity of one inject: its mean with the inject, without
 * it, and the paired difference (with minus without) with a normal 95%
 * interval from the differences' own spread. */
typedef struct fs_effect {
    int inject;          /* index in sc->injects */
    const char *metric;  /* "escalation", "attacks", "final_stability", "final_trust", ... */
    int a, b;            /* the actor (b = -1) or pair it is of; a = -1: the region */
    int step;            /* trust at this step; 0: at the end */
    int outcome;         /* 1: a probability (outcome flag), 0: a mean */
    double with, without, effect, lo95, hi95;
} fs_effect;

typedef struct fs_effects {
    int off;             /* measuring was switched off (run --no-effects) */
    int n;
    fs_effect row[FS_MAX_EFFECTS * (FS_HEAD_N + FS_EFFECT_EXTRA)];
    /* Against the scenario's baseline (inject = -1), when it has one:
     * "with" is the scenario, "without" the baseline; the headlines, then
     * the final trust of the planned pairs. */
    int nbase;
    fs_effect base[FS_HEAD_N + FS_MAX_PAIR_CELLS];
} fs_effects;

/* When sc has more injects to measure than a run measures (FS_MAX_EFFECTS,
 * one fewer with a baseline): a one-line warning naming those left out
 * into buf (n bytes), and their number; else "" and 0. */
int fs_effects_unmeasured(const fs_scenario *sc, char *buf, size_t n);

/* Plans the copies for sc: every inject with `measure` set (by default
 * those with a step, not a hazard), in inject order, up to FS_MAX_EFFECTS (one fewer when sc has a baseline,
 * which runs beside them); for each, beside the headline
 * metrics, the attacks, casualties and final stability of its target
 * actor, and for a pair (trust shock, attack with an origin) their trust
 * at the end and 12 steps after the inject. sc's layout gives the cells;
 * nothing is allocated. */
void fs_effects_plan_make(fs_effects_plan *p, const fs_scenario *sc);

/* Adds to p the pairs to compare with baseline b (after the injects'
 * cells: call fs_effects_plan_make first). */
void fs_effects_plan_baseline(fs_effects_plan *p, const fs_scenario *sc, const fs_scenario *b);

/* The cells of the engine's scenario i (1 + j for inject j's copy, 1 + p->n
 * for the baseline) matching p->cells, -1 where it has none: for
 * fs_engine_opts.pair_cells_of. out holds p->ncells. */
void fs_effects_cells_of(const fs_effects_plan *p, int i, int *out);

/* Reads the table from a finished engine whose scenario 0 is sc and whose
 * scenario j + 1 is the copy for p->inject[j], paired with p->cells, and,
 * when base > 0, whose scenario base is sc's baseline (headlines only). */
void fs_effects_measure(fs_effects *t, const fs_effects_plan *p, const fs_scenario *sc,
                        const fs_engine *e, int base);

/* inject_effects.csv and baseline.csv (docs/OUTPUTS.md); bname is the
 * baseline's name. */
void fs_effects_write_csv(FILE *f, const fs_effects *t, const fs_scenario *sc);
void fs_effects_write_baseline_csv(FILE *f, const fs_effects *t, const fs_scenario *sc,
                                   const char *bname);

#endif
