/* footprint.h: the peak memory of a run (k scenarios side by side on a
 * number of threads), estimated before the run starts, for the guard that
 * refuses a run too large for the machine (runner.h).
 *
 * Most of a run's memory is fixed by the scenario's shape: per thread,
 * FS_BLOCK observation vectors and three accumulators of moments, and once
 * the merged totals. The rest is its quantile sketches, one per cell per
 * thread and one merged, and their size depends on the values the runs
 * produce, not on the shape: a sketch holds 512 bytes for every power of
 * two its values span (sketch.h), and a cell whose values barely vary
 * holds one small store, while a cell of a threat that decays towards zero
 * spans a dozen powers of two. No formula of the scenario's settings
 * predicts that within 20%, so the estimate measures it: a pilot runs the
 * first 256 runs (the same runs the real run begins with) on one thread,
 * reads the size of its sketches after 64 and after 256 runs, and
 * extends that growth, which is linear in the logarithm of the runs (the
 * tails reach further), to the runs each thread and the totals will see.
 * Nothing here keeps memory beyond the call. */
#ifndef FS_FOOTPRINT_H
#define FS_FOOTPRINT_H

#include "errors.h"
#include "scenario.h"

/* The process itself (code, libraries, stacks, I/O buffers), measured as
 * the peak resident memory of `run` of a small scenario with --no-charts;
 * and what drawing the charts adds to it (pango, fontconfig, fonts, a
 * chart's surface), while the engine is still allocated. */
#define FS_FOOTPRINT_PROCESS (10.0 * 1024 * 1024)
#define FS_FOOTPRINT_CHARTS (16.0 * 1024 * 1024)

/* The estimate without a pilot: the process (and the charts when
 * `charts`), the observation vectors and accumulators of `threads`
 * threads and the totals, and every sketch counted at `sketch` bytes in
 * each thread and `merged` bytes in the totals. With the smallest sketch
 * (FS_FOOTPRINT_SKETCH_MIN: no store) a lower bound; with
 * FS_FOOTPRINT_SKETCH_HIGH, more than any sketch measured (the largest,
 * a decaying threat's presence over 1024 runs, averaged 3.9 kB in a
 * thread and 2.5 kB merged). */
#define FS_FOOTPRINT_SKETCH_MIN 80.0
#define FS_FOOTPRINT_SKETCH_HIGH 8192.0
double fs_footprint_bound(const fs_scenario *const *sc, int k, int threads, int charts,
                          double sketch, double merged);

/* A run's estimate from its pilot: fixed bytes, and the bytes of each
 * thread when `runs` runs are spread over `threads` threads. */
typedef struct fs_footprint {
    double fixed;        /* the process, the charts, the totals */
    double thread[2];    /* a thread's sketches after pilot[0] and pilot[1] runs */
    double merged[2];    /* the same sketches merged (what the totals hold) */
    double thread_other; /* a thread's observation vectors and accumulators */
    long pilot[2];       /* runs of the pilot when each was read */
    long runs;
} fs_footprint;

/* Runs the pilot of k scenarios (1 to FS_MAX_COMPARE, with their runs and
 * seed set) on one thread and fills *fp. FS_OK, FS_ENOMEM, or FS_EINTR
 * on a signal. */
fs_status fs_footprint_pilot(const fs_scenario *const *sc, int k, int charts, fs_footprint *fp,
                             fs_err *err);

/* The estimated peak memory in bytes of the run on `threads` threads. */
double fs_footprint_bytes(const fs_footprint *fp, int threads);

#endif
