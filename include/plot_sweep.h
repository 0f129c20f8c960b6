/* plot_sweep.h: the charts of a sweep directory, drawn from its CSV files
 * alone (docs/SWEEP.md, "Output files"): per output a tornado, Sobol bars,
 * a Morris screening plot, a grid heatmap and parameter scatters.
 * Ownership: callers own every argument and the geometry records they
 * pass; nothing returned needs freeing. Every chart file is written
 * through a temp name, and a call that fails leaves no new chart behind. */
#ifndef FS_PLOT_SWEEP_H
#define FS_PLOT_SWEEP_H

#include "chart.h"
#include "errors.h"
#include "plot.h"

#define FS_SWEEP_CHART_NAME_MAX 160
#define FS_SWEEP_GEOM_ROWS 64

/* Where one sweep chart put its panels, for tests: the base file name
 * ("tornado_p_escalation"), the panels (fs_plot_geom), and for tornado and
 * Sobol charts the parameter index (row of sweep_params.csv) drawn in each
 * row (tornado, top first) or column (Sobol, left first). */
typedef struct fs_sweep_geom {
    char name[FS_SWEEP_CHART_NAME_MAX];
    fs_plot_geom plot;
    int nrows;
    int row_param[FS_SWEEP_GEOM_ROWS];
} fs_sweep_geom;

/* An output's name as its chart file names use it: every character
 * outside [A-Za-z0-9_-] made '_', cut to fit buf (n bytes, NUL included). */
void fs_plot_sweep_safe_name(const char *name, char *buf, size_t n);

/* Reads sweep.csv, sweep_params.csv, sweep_outputs.csv, sensitivity.csv,
 * tornado.csv and meta.csv from `dir` and draws, for every output of
 * sweep_outputs.csv (file names use the output's name with characters
 * other than [A-Za-z0-9_-] replaced by '_'):
 *   tornado_<output>   one-at-a-time swings, largest on top
 *   sobol_<output>     S1 and ST with 95% whiskers (sobol rows only)
 *   morris_<output>    mu* against sigma (morris rows only)
 *   heatmap_<output>   the output over a grid of exactly two parameters
 *   scatter_<output>   the output against each parameter, one panel each
 * into opts->outdir (default: dir), in opts->format and size; opts may be
 * NULL and opts->geom is not used. Returns FS_OK; FS_EIO when a file
 * cannot be read or written; FS_ECONFIG naming file:line:column when one
 * is malformed or inconsistent (also when two outputs would share a file
 * name); FS_ENOMEM. Either every chart is written or none is replaced. */
fs_status fs_plot_sweep_dir(const char *dir, const fs_plot_opts *opts, fs_err *err);

/* Like fs_plot_sweep_dir, and records the geometry of the first `cap`
 * charts, in drawing order (per output: tornado, sobol, morris, heatmap,
 * scatter), into geom; *n gets the number of charts drawn (which may
 * exceed cap). geom may be NULL when cap is 0; n may be NULL. */
fs_status fs_plot_sweep_dir_geom(const char *dir, const fs_plot_opts *opts,
                                 fs_sweep_geom *geom, int cap, int *n, fs_err *err);

#endif
