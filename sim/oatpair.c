/* oatpair.c: a tornado's ends against its base point, paired run by run. */
#include "oatpair.h"

#include <math.h>
#include <string.h>

#include "engine.h"
#include "metrics.h"
#include "stats.h"

void fs_paired_proportions95(double p1, double p2, double n, double phi, double *lo,
                             double *hi)
{
    /* Newcombe, "Improved confidence intervals for the difference between
     * binomial proportions based on paired data", Stat. Med. 17 (1998),
     * method 10: the Wilson limits of each proportion, combined with the
     * correlation of the pairs. */
    double l1, u1, l2, u2, d = p1 - p2, a, b;
    fs_wilson95(nearbyint(p1 * n), n, &l1, &u1);
    fs_wilson95(nearbyint(p2 * n), n, &l2, &u2);
    a = (p1 - l1) * (p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) * (u2 - p2);
    b = (u1 - p1) * (u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) * (p2 - l2);
    *lo = d - sqrt(a > 0 ? a : 0);
    *hi = d + sqrt(b > 0 ? b : 0);
}

/* The cell an output pairs on, or -1 for a quantile (not a run-level
 * quantity). */
static int output_cell(const fs_sweep_output *o, const fs_layout *l)
{
    return o->outcome || o->stat < 0 ? fs_sweep_output_cell(o, l) : -1;
}

/* One end (scenario e = 1 or 2) of output j, paired cell index h. */
static fs_oat_pair end_pair(const fs_engine *eng, const fs_sweep_output *o, int e, int h,
                            int cell)
{
    fs_oat_pair r = { NAN, NAN, NAN, NAN, 0 };
    const fs_moments *d, *m1, *m0;
    double sd;
    if (cell < 0)
        return r;
    d = fs_acc_moments(fs_engine_pairs(eng), (e - 1) * fs_engine_pair_width(eng) + FS_HEAD_N + h);
    if (!(d->n > 0))
        return r;
    sd = fs_moments_sd(d);
    r.paired = 1;
    r.diff = d->mean;
    r.se = sd / sqrt(d->n);
    if (!o->outcome) {
        r.lo = r.diff - FS_Z95 * r.se;
        r.hi = r.diff + FS_Z95 * r.se;
        return r;
    }
    /* The correlation of the two points' outcome flags from the spread of
     * their difference: var(d) = v1 + v0 - 2 cov. */
    m1 = fs_acc_moments(fs_engine_acc_of(eng, e), cell);
    m0 = fs_acc_moments(fs_engine_acc_of(eng, 0), cell);
    {
        double s1 = fs_moments_sd(m1), s0 = fs_moments_sd(m0);
        double phi = s1 > 0 && s0 > 0 ? (s1 * s1 + s0 * s0 - sd * sd) / (2 * s1 * s0) : 0;
        phi = phi > 1 ? 1 : phi < -1 ? -1 : phi;
        fs_paired_proportions95(m1->mean, m0->mean, d->n, phi, &r.lo, &r.hi);
    }
    return r;
}

fs_status fs_oat_pair_run(const fs_scenario *base, const fs_scenario *low,
                          const fs_scenario *high, const fs_sweep_output *outs, int nout,
                          long runs, uint64_t seed, int threads, fs_oat_pair *low_out,
                          fs_oat_pair *high_out, fs_err *err)
{
    const fs_scenario *sc[3] = { base, low, high };
    int cells[FS_MAX_PAIR_CELLS], idx[FS_SWEEP_MAX_OUTPUTS], j, n = 0;
    fs_engine_opts eo;
    fs_engine *e;
    fs_layout l;
    fs_status st = FS_OK;

    fs_layout_init(&l, base);
    for (j = 0; j < nout; j++) {
        int cell = output_cell(&outs[j], &l);
        idx[j] = cell >= 0 && n < FS_MAX_PAIR_CELLS ? n : -1;
        if (idx[j] >= 0)
            cells[n++] = cell;
    }
    memset(&eo, 0, sizeof eo);
    eo.runs = runs;
    eo.seed = seed;
    eo.threads = threads;
    eo.totals_only = 1;
    eo.pair_cells = cells;
    eo.pair_cells_of[1] = eo.pair_cells_of[2] = cells;
    eo.npair_cells = n;
    if ((e = fs_engine_alloc_many(sc, 3, &eo, err)) == NULL)
        return err->code;
    while (st == FS_OK && fs_engine_done(e) < runs)
        st = fs_engine_iterate(e, runs - fs_engine_done(e), err);
    if (st == FS_OK)
        st = fs_engine_finish(e, err);
    for (j = 0; st == FS_OK && j < nout; j++) {
        low_out[j] = end_pair(e, &outs[j], 1, idx[j], idx[j] >= 0 ? cells[idx[j]] : -1);
        high_out[j] = end_pair(e, &outs[j], 2, idx[j], idx[j] >= 0 ? cells[idx[j]] : -1);
    }
    fs_engine_free(e);
    return st;
}
