/* optimize_report.h: what a search found, as tables, and the files that
 * say it: pareto.csv, evaluations.csv, generations.csv, search.csv and
 * optimize.md (docs/OPTIMIZE.md). A table is a growing array of mixes
 * owned by whoever initialised it (fs_opt_table_free releases it); a
 * result only points at tables and arrays its caller owns. */
#ifndef FS_OPTIMIZE_REPORT_H
#define FS_OPTIMIZE_REPORT_H

#include "errors.h"
#include "optimize.h"

/* Mixes with their objectives (in their own units and sense), the
 * objectives' Monte Carlo standard errors and the constraints' values. */
typedef struct fs_opt_table {
    const fs_search *s;
    long n, cap;
    double *x, *obj, *obj_se, *con;
} fs_opt_table;

fs_status fs_opt_table_init(fs_opt_table *t, const fs_search *s, fs_err *err);
/* Appends one mix (x: nlevers values, obj and obj_se: nobj, con: ncon). */
fs_status fs_opt_table_add(fs_opt_table *t, const double *x, const double *obj,
                           const double *obj_se, const double *con, fs_err *err);
/* The first row whose levers equal x exactly, or -1. */
long fs_opt_table_find(const fs_opt_table *t, const double *x);
void fs_opt_table_free(fs_opt_table *t);

/* Whether constraint k holds for value v. */
int fs_opt_holds(const fs_search *s, int k, double v);

typedef struct fs_opt_result {
    const fs_search *search;
    const fs_opt_table *all;   /* every mix evaluated, in order */
    fs_opt_table front;        /* the final set, in sample */
    fs_opt_table oos;          /* the same mixes, out of sample */
    int any_feasible;          /* the final set meets every constraint */
    int generations, population, futures, oos_futures;
    long oos_runs;
    const double *gen_hv;
    const int *gen_archive, *gen_feasible;
} fs_opt_result;

/* Writes the files into outdir, all committed together or none. */
fs_status fs_opt_write(const char *outdir, const fs_opt_result *r, fs_err *err);

#endif
