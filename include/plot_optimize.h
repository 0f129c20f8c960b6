/* plot_optimize.h: the charts of a search, drawn from the files of its
 * output directory alone (pareto.csv, evaluations.csv, generations.csv,
 * search.csv), so that `foresight plot DIR` redraws them: the trade-off
 * (optimize_tradeoff: the first two objectives, every mix evaluated,
 * feasible or not, the final set in and out of sample), the levers of the
 * final set (optimize_levers: parallel coordinates coloured by the first
 * objective) and the convergence (optimize_convergence: hypervolume by
 * generation). Nothing is owned across calls. */
#ifndef FS_PLOT_OPTIMIZE_H
#define FS_PLOT_OPTIMIZE_H

#include "errors.h"
#include "plot.h"

/* Draws every chart of the search directory dir into dir (or opts'
 * output directory). FS_EIO / FS_ECONFIG naming a missing or bad file. */
fs_status fs_plot_optimize(const char *dir, const fs_plot_opts *opts, fs_err *err);

#endif
