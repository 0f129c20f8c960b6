/* compare.h: scenarios side by side (foresight compare).
 * The engine runs every scenario on the same streams (run i of each uses
 * stream (seed, i)); this module turns its paired differences into
 * compare.csv and the comparison briefing, and redraws the comparison
 * charts from compare.csv and the scenarios' run directories alone.
 * Nothing here owns the scenarios or the engine. */
#ifndef FS_COMPARE_H
#define FS_COMPARE_H

#include <stdio.h>
#include "engine.h"
#include "errors.h"
#include "plot.h"
#include "scenario.h"

/* What makes scenarios 1..k-1 unlike scenario 0 for a paired comparison,
 * one line each (no trailing newline on the last) into buf (n bytes; ""
 * when they are alike): actors that only one of them has, different
 * outcome thresholds, and a seed or run count of the file that the
 * comparison replaces by the first's (seed_set / runs_set: the command
 * line gave one for all, so nothing is replaced). files[i] names each.
 * Call before the seeds and run counts are made common. Returns the
 * number of lines. */
int fs_compare_unlike(const fs_scenario *const *sc, const char *const *files, int k,
                      int seed_set, int runs_set, char *buf, size_t n);

/* Writes compare.csv: for every scenario and headline metric, its value
 * (probability or mean) with a 95% interval, and for scenarios after the
 * first the paired difference to the first with a 95% interval. dirs[i]
 * is scenario i's run directory name (relative to the compare directory). */
fs_status fs_compare_write_csv(FILE *f, const fs_scenario *const *sc, const char *const *dirs,
                               int k, const fs_engine *e, fs_err *err);

/* Writes compare_pairs.csv: for every pair of scenarios i < j and headline
 * metric, the paired difference j - i with its 95% interval, the mean
 * cost difference, and where the costs differ the difference per unit of
 * cost with a delta-method 95% interval. The engine must have been
 * allocated with all_pairs. */
fs_status fs_compare_write_pairs(FILE *f, const fs_scenario *const *sc, int k,
                                 const fs_engine *e, fs_err *err);

/* Writes the comparison briefing (briefing.md of the compare directory);
 * `unlike` (NULL or "": none) is fs_compare_unlike's text, listed first. */
fs_status fs_compare_write_briefing(FILE *f, const fs_scenario *const *sc,
                                    const char *const *dirs, int k, const fs_engine *e,
                                    const char *unlike, fs_err *err);

/* Whether dir holds a comparison (a compare.csv). */
int fs_compare_is_dir(const char *dir);

/* Draws compare_threat_index, compare_outcomes and compare_difference in
 * dir (or opts->outdir) from dir/compare.csv and the run directories it
 * names; with `runs_too`, redraws each run directory's own charts first. */
fs_status fs_compare_plot(const char *dir, const fs_plot_opts *opts, int runs_too,
                          fs_err *err);

#endif
