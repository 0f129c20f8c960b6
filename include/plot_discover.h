/* plot_discover.h: the charts of a discovery (foresight discover; a sweep
 * with a discovery section), drawn from its files alone: discovery.csv,
 * boxes.csv, discovery_cases.csv and discovery_meta.csv (docs/DISCOVERY.md).
 * Ownership: callers own every argument; nothing returned needs freeing.
 * Every chart file is written through a temp name. */
#ifndef FS_PLOT_DISCOVER_H
#define FS_PLOT_DISCOVER_H

#include "errors.h"
#include "plot.h"

/* Draws discovery_tradeoff (coverage against density along the peeling
 * trajectory, coloured by the number of restricted inputs, each reported
 * box marked; for a tree, its leaves), discovery_limits (box 1's
 * restricted inputs: the box's range inside the full range, with the
 * quasi-p-values) and discovery_scatter (the two most restrictive inputs,
 * cases of interest highlighted, box 1 drawn) into opts->outdir (default
 * dir) in opts' format and size (opts may be NULL). FS_EIO when a file
 * cannot be read or written, FS_ECONFIG naming file:line:column for a
 * malformed one, FS_ENOMEM. */
fs_status fs_plot_discover_dir(const char *dir, const fs_plot_opts *opts, fs_err *err);

/* Whether dir holds a discovery (its discovery_meta.csv). */
int fs_plot_discover_present(const char *dir);

#endif
