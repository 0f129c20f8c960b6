/* oatpair.h: a tornado's ends compared with its base point, paired run by
 * run. A sweep's one-at-a-time points share the base point's random
 * streams (run i of every point draws from stream (seed, i)), so the
 * difference of an end to the base is best judged from the run-by-run
 * differences, whose spread leaves out the noise the two points share.
 * Nothing here owns the scenarios. */
#ifndef FS_OATPAIR_H
#define FS_OATPAIR_H

#include <stdint.h>
#include "errors.h"
#include "scenario.h"
#include "sweep.h"

/* One end's difference to the base point: the mean of the paired
 * differences, their standard error and a 95% interval (for a probability
 * Newcombe's hybrid score interval for paired proportions, built from the
 * two Wilson intervals and the runs' correlation, so that it stays within
 * what proportions allow; for a mean the normal interval). `paired` is 0
 * for an output that is not a run-level quantity (a quantile over runs),
 * whose fields are then NaN for the caller to fill. */
typedef struct fs_oat_pair {
    double diff, se, lo, hi;
    int paired;
} fs_oat_pair;

/* Runs base, low and high side by side for `runs` runs from `seed` on
 * `threads` threads and fills low[j] and high[j] (each end minus the
 * base) for the nout outputs. The three scenarios must differ only in
 * values (the same actors, threats, mechanisms and injects). FS_OK,
 * FS_ENOMEM, FS_EINTR (a signal), or the engine's error. */
fs_status fs_oat_pair_run(const fs_scenario *base, const fs_scenario *low,
                          const fs_scenario *high, const fs_sweep_output *outs, int nout,
                          long runs, uint64_t seed, int threads, fs_oat_pair *low_out,
                          fs_oat_pair *high_out, fs_err *err);

/* Newcombe's (1998, method 10) 95% interval for p1 - p2 of two paired
 * proportions over n pairs with phi their correlation; into lo and hi. */
void fs_paired_proportions95(double p1, double p2, double n, double phi, double *lo,
                             double *hi);

#endif
