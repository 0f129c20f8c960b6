/* footprint.c: a run's peak memory, from its shape and a pilot (see
 * footprint.h). */
#include "footprint.h"

#include <math.h>
#include <string.h>

#include "engine.h"
#include "metrics.h"
#include "sketch.h"
#include "stats.h"

/* Runs of the pilot, and when its sketches are first read. */
#define PILOT_RUNS 256
#define PILOT_FIRST 64

/* What malloc takes for a block of n bytes (glibc: an 8-byte header,
 * rounded up to 16, at least 32). */
static double malloc_bytes(double n)
{
    double b = ceil((n + 8) / 16) * 16;
    return b < 32 ? 32 : b;
}

/* An accumulator of n cells: moments (5 doubles), pending sums (6
 * doubles) and sketch pointers (stats.c). */
static double acc_bytes(int n)
{
    return malloc_bytes(40.0 * n) + malloc_bytes(48.0 * n) + malloc_bytes(8.0 * n);
}

/* Per thread: FS_LOCKSTEP_W observation vectors, an accumulator with its
 * sketch keys and two parking slots; once, the totals' accumulator;
 * *nsk: the cells with a sketch. */
static void shape_bytes(const fs_scenario *sc, double *thread, double *fixed, double *nsk)
{
    fs_layout l;
    fs_layout_init(&l, sc);
    *thread = malloc_bytes((double)FS_LOCKSTEP_W * l.ncells * sizeof(double)) +
              3 * acc_bytes(l.ncells) +
              malloc_bytes(4.0 * FS_ACC_KEY_SLOT * l.ncells) + malloc_bytes(4.0 * l.ncells);
    *fixed = acc_bytes(l.ncells) + malloc_bytes(8.0 * (sc->steps + 1));
    *nsk = 0;
    for (int c = 0; c < l.ncells; c++)
        *nsk += fs_cell_wants_sketch(&l, c);
}

static double process_bytes(int charts)
{
    return FS_FOOTPRINT_PROCESS + (charts ? FS_FOOTPRINT_CHARTS : 0);
}

double fs_footprint_bound(const fs_scenario *const *sc, int k, int threads, int charts,
                          double sketch, double merged)
{
    double b = process_bytes(charts), t, f, nsk;
    for (int i = 0; i < k; i++) {
        shape_bytes(sc[i], &t, &f, &nsk);
        b += f + nsk * merged + threads * (t + nsk * sketch);
    }
    return b;
}

fs_status fs_footprint_pilot(const fs_scenario *const *sc, int k, int charts, fs_footprint *fp,
                             fs_err *err)
{
    fs_engine_opts o;
    fs_engine *e;
    long runs = sc[0]->runs;
    double t, f, nsk;

    memset(fp, 0, sizeof *fp);
    fp->runs = runs;
    fp->fixed = process_bytes(charts);
    for (int i = 0; i < k; i++) {
        shape_bytes(sc[i], &t, &f, &nsk);
        fp->fixed += f;
        fp->thread_other += t;
    }
    memset(&o, 0, sizeof o);
    o.runs = runs < PILOT_RUNS ? runs : PILOT_RUNS;
    o.seed = sc[0]->seed;
    o.threads = 1;
    if ((e = fs_engine_alloc_many(sc, k, &o, err)) == NULL)
        return err->code;
    for (int r = 0; r < 2; r++) {
        long to = r == 0 && o.runs > PILOT_FIRST ? PILOT_FIRST : o.runs;
        if (fs_engine_iterate(e, to - fs_engine_done(e), err) != FS_OK) {
            fs_engine_free(e);
            return err->code;
        }
        fp->pilot[r] = fs_engine_done(e);
        fs_engine_sketch_bytes(e, &fp->thread[r], &fp->merged[r]);
    }
    fs_engine_free(e);
    return FS_OK;
}

/* Sketch bytes after n runs, from y[r] after pilot[r] runs: linear in
 * log n beyond the first reading (never shrinking), the first reading
 * below it. Past FS_SKETCH_LOW_MAX runs a bucket may take 6 bytes instead
 * of the 2 the pilot saw (sketch.h): three times as many, a bound. */
static double grow(const double y[2], const long pilot[2], double n)
{
    double slope, b;
    if (n <= pilot[0] || pilot[1] <= pilot[0])
        b = n <= pilot[0] ? y[0] : y[1];
    else {
        slope = (y[1] - y[0]) / log((double)pilot[1] / pilot[0]);
        b = y[1] + (slope > 0 ? slope : 0) * log(n / pilot[1]);
    }
    return n > FS_SKETCH_LOW_MAX ? 3 * b : b;
}

double fs_footprint_bytes(const fs_footprint *fp, int threads)
{
    /* each thread runs whole blocks, a share of them */
    double blocks = ceil((double)fp->runs / FS_BLOCK), mine;
    if (threads < 1)
        threads = 1;
    mine = ceil(blocks / threads) * FS_BLOCK;
    if (mine > fp->runs)
        mine = (double)fp->runs;
    return fp->fixed + grow(fp->merged, fp->pilot, (double)fp->runs) +
           threads * (fp->thread_other + grow(fp->thread, fp->pilot, mine));
}
