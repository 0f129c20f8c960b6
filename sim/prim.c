/* prim.c: PRIM on a numeric matrix (Friedman and Fisher 1999; box
 * inspection after Bryant and Lempert 2010; EMA Workbench's choices for
 * the defaults). Each column is sorted once; a search keeps, per case,
 * the number of box sides it falls outside, and per input the positions
 * of the box's limits in the column's order, so that a peel or a paste
 * walks only the cases next to the limit it moves. */
#include "prim.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <omp.h>

#include "rng.h"

#define ABSENT (1 << 28)   /* out[] of a case not searched (weight 0) */

struct fs_prim_sorted {
    int n, k;
    int *ord;              /* [k * n]: column j's case indices by value */
};

/* One search's state. */
typedef struct ws {
    const fs_prim_data *d;
    const fs_prim_sorted *s;
    const int *w;
    int *out;              /* [n] box sides the case is outside of */
    int *lp, *hp;          /* [k] first / last position inside the limits */
    double *lo, *hi;       /* [k] current limits (data values) */
    double *cmin, *cmax;   /* [k] the searched cases' extremes */
    long n, ny;            /* cases (of interest) inside */
} ws;

void fs_prim_opts_default(fs_prim_opts *o)
{
    o->peel_alpha = 0.05;
    o->paste_alpha = 0.05;
    o->mass_min = 0.05;
    o->threshold = 0.8;
    o->box = -1;
}

fs_status fs_prim_opts_check(const fs_prim_opts *o, fs_err *err)
{
    if (!(o->peel_alpha > 0 && o->peel_alpha < 0.5))
        return fs_err_set(err, FS_EUSAGE, "--peel-alpha: expected a number in (0, 0.5), "
                          "found %g", o->peel_alpha);
    if (!(o->paste_alpha > 0 && o->paste_alpha < 0.5))
        return fs_err_set(err, FS_EUSAGE, "--paste-alpha: expected a number in (0, 0.5), "
                          "found %g", o->paste_alpha);
    if (!(o->mass_min > 0 && o->mass_min < 1))
        return fs_err_set(err, FS_EUSAGE, "--mass-min: expected a number in (0, 1), found %g",
                          o->mass_min);
    if (!(o->threshold >= 0 && o->threshold <= 1))
        return fs_err_set(err, FS_EUSAGE, "--threshold: expected a number in [0, 1], found %g",
                          o->threshold);
    return FS_OK;
}

static void box_free(fs_prim_box *b)
{
    free(b->lo);
    free(b->hi);
    b->lo = b->hi = NULL;
}

void fs_prim_result_free(fs_prim_result *r)
{
    int i;
    if (r == NULL)
        return;
    for (i = 0; i < r->nsteps; i++)
        box_free(&r->traj[i]);
    free(r->traj);
    box_free(&r->box);
    free(r->qp);
    free(r->n_drop);
    free(r->ny_drop);
    memset(r, 0, sizeof *r);
}

/* ---- sorting, once ---- */

typedef struct keyed {
    double v;
    int i;
} keyed;

/* Cases by value, ties by case index. */
static int by_value(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->i > y->i) - (x->i < y->i);
}

fs_prim_sorted *fs_prim_sort(const fs_prim_data *d, fs_err *err)
{
    fs_prim_sorted *s = calloc(1, sizeof *s);
    keyed *tmp = malloc((size_t)d->n * sizeof *tmp);
    int i, j;

    if (s == NULL || tmp == NULL ||
        (s->ord = malloc((size_t)d->n * d->k * sizeof *s->ord)) == NULL) {
        fs_prim_sorted_free(s);
        free(tmp);
        fs_err_set(err, FS_ENOMEM, "out of memory sorting %d cases by %d inputs", d->n, d->k);
        return NULL;
    }
    s->n = d->n, s->k = d->k;
    for (j = 0; j < d->k; j++) {
        int *o = s->ord + (size_t)j * d->n;
        for (i = 0; i < d->n; i++)
            tmp[i].v = d->x[(size_t)j * d->n + i], tmp[i].i = i;
        qsort(tmp, (size_t)d->n, sizeof *tmp, by_value);
        for (i = 0; i < d->n; i++)
            o[i] = tmp[i].i;
    }
    free(tmp);
    return s;
}

const int *fs_prim_sorted_order(const fs_prim_sorted *s, int j)
{
    return s->ord + (size_t)j * s->n;
}

void fs_prim_sorted_free(fs_prim_sorted *s)
{
    if (s == NULL)
        return;
    free(s->ord);
    free(s);
}

/* ---- the search state ---- */

static long W(const ws *s, int i) { return s->w ? s->w[i] : 1; }
static const int *ORD(const ws *s, int j) { return s->s->ord + (size_t)j * s->d->n; }
static const double *X(const ws *s, int j) { return s->d->x + (size_t)j * s->d->n; }

static void ws_free(ws *s)
{
    free(s->out), free(s->lp), free(s->hp), free(s->lo), free(s->hi);
    free(s->cmin), free(s->cmax);
}

static fs_status ws_alloc(ws *s, const fs_prim_data *d, const fs_prim_sorted *so,
                          const int *w, fs_err *err)
{
    size_t k = (size_t)d->k;
    memset(s, 0, sizeof *s);
    s->d = d, s->s = so, s->w = w;
    s->out = malloc((size_t)d->n * sizeof *s->out);
    s->lp = malloc(k * sizeof *s->lp), s->hp = malloc(k * sizeof *s->hp);
    s->lo = malloc(k * sizeof *s->lo), s->hi = malloc(k * sizeof *s->hi);
    s->cmin = malloc(k * sizeof *s->cmin), s->cmax = malloc(k * sizeof *s->cmax);
    if (!s->out || !s->lp || !s->hp || !s->lo || !s->hi || !s->cmin || !s->cmax) {
        ws_free(s);
        return fs_err_set(err, FS_ENOMEM, "out of memory for a PRIM search of %d cases",
                          d->n);
    }
    return FS_OK;
}

/* The whole space: every searched case inside, limits at the extremes. */
static void ws_start(ws *s)
{
    int n = s->d->n, i, j, p;
    s->n = s->ny = 0;
    for (i = 0; i < n; i++) {
        s->out[i] = W(s, i) > 0 ? 0 : ABSENT;
        if (W(s, i) > 0)
            s->n += W(s, i), s->ny += W(s, i) * s->d->y[i];
    }
    for (j = 0; j < s->d->k; j++) {
        const int *o = ORD(s, j);
        const double *x = X(s, j);
        for (p = 0; p < n - 1 && W(s, o[p]) == 0; p++)
            ;
        s->cmin[j] = x[o[p]];
        for (p = n - 1; p > 0 && W(s, o[p]) == 0; p--)
            ;
        s->cmax[j] = x[o[p]];
        s->lo[j] = s->cmin[j], s->hi[j] = s->cmax[j];
        s->lp[j] = 0, s->hp[j] = n - 1;
    }
}

/* First position of column j whose value is >= v (lower) or last whose
 * value is <= v (upper), by bisection over the sorted order. */
static int position(const ws *s, int j, double v, int upper)
{
    const int *o = ORD(s, j);
    const double *x = X(s, j);
    int a = 0, b = s->d->n;
    while (a < b) {
        int m = a + (b - a) / 2;
        if (upper ? x[o[m]] <= v : x[o[m]] < v)
            a = m + 1;
        else
            b = m;
    }
    return upper ? a - 1 : a;
}

/* Puts the state at box b (limits +-INFINITY for unrestricted sides). */
static void ws_set(ws *s, const fs_prim_box *b)
{
    int n = s->d->n, k = s->d->k, i, j;
    ws_start(s);
    for (j = 0; j < k; j++) {
        s->lo[j] = isfinite(b->lo[j]) ? b->lo[j] : s->cmin[j];
        s->hi[j] = isfinite(b->hi[j]) ? b->hi[j] : s->cmax[j];
        s->lp[j] = position(s, j, s->lo[j], 0);
        s->hp[j] = position(s, j, s->hi[j], 1);
    }
    s->n = s->ny = 0;
    for (i = 0; i < n; i++) {
        if (s->out[i])
            continue;
        for (j = 0; j < k; j++)
            s->out[i] += (X(s, j)[i] < s->lo[j]) + (X(s, j)[i] > s->hi[j]);
        if (s->out[i] == 0)
            s->n += W(s, i), s->ny += W(s, i) * s->d->y[i];
    }
}

static double density(long ny, long n) { return n > 0 ? (double)ny / (double)n : 0.0; }

/* A move of one side: input j, upper or not, the new limit, and the cases
 * (of interest) it removes (peel) or adds (paste). */
typedef struct move {
    int j, upper;
    double v;
    long dn, dny;
} move;

/* The peel of the lowest (or highest) share of column j's cases inside
 * the box: the cut is the value at which the running count of inside
 * cases first exceeds target; cases below it go. When that is the lowest
 * value inside, the whole value goes. Returns 0 when nothing can go. */
static int peel_side(const ws *s, int j, int upper, long target, move *m)
{
    const int *o = ORD(s, j);
    const double *x = X(s, j);
    int n = s->d->n, step = upper ? -1 : 1, p, start = upper ? s->hp[j] : s->lp[j];
    double first = NAN, v = NAN;
    long cum = 0;

    for (p = start; p >= 0 && p < n; p += step) {
        int i = o[p];
        if (s->out[i])
            continue;
        if (isnan(first))
            first = x[i];
        if ((cum += W(s, i)) > target) {
            v = x[i];
            break;
        }
    }
    if (isnan(v))
        return 0;
    if (v == first) {
        for (; p >= 0 && p < n; p += step)
            if (!s->out[o[p]] && x[o[p]] != first)
                break;
        if (p < 0 || p >= n)
            return 0;   /* one value inside: no peel */
        v = x[o[p]];
    }
    m->j = j, m->upper = upper, m->v = v, m->dn = m->dny = 0;
    for (p = start; p >= 0 && p < n && (upper ? x[o[p]] > v : x[o[p]] < v); p += step)
        if (!s->out[o[p]])
            m->dn += W(s, o[p]), m->dny += W(s, o[p]) * s->d->y[o[p]];
    return 1;
}

static void peel_apply(ws *s, const move *m)
{
    const int *o = ORD(s, m->j);
    const double *x = X(s, m->j);
    int p;
    if (m->upper) {
        for (p = s->hp[m->j]; p >= 0 && x[o[p]] > m->v; p--)
            s->out[o[p]]++;
        s->hp[m->j] = p, s->hi[m->j] = m->v;
    } else {
        for (p = s->lp[m->j]; p < s->d->n && x[o[p]] < m->v; p++)
            s->out[o[p]]++;
        s->lp[m->j] = p, s->lo[m->j] = m->v;
    }
    s->n -= m->dn, s->ny -= m->dny;
}

/* The paste beyond a restricted side of j: the nearest cases outside the
 * box on that side only, until their count reaches target (whole values).
 * Returns 0 when there is none. */
static int paste_side(const ws *s, int j, int upper, long target, move *m)
{
    const int *o = ORD(s, j);
    const double *x = X(s, j);
    int n = s->d->n, step = upper ? 1 : -1, p, start = upper ? s->hp[j] + 1 : s->lp[j] - 1;
    double v = NAN;
    long cum = 0;

    if (upper ? s->hi[j] >= s->cmax[j] : s->lo[j] <= s->cmin[j])
        return 0;
    for (p = start; p >= 0 && p < n; p += step) {
        if (s->out[o[p]] != 1)
            continue;
        v = x[o[p]];
        if ((cum += W(s, o[p])) >= target)
            break;
    }
    if (isnan(v))
        return 0;
    m->j = j, m->upper = upper, m->v = v, m->dn = m->dny = 0;
    for (p = start; p >= 0 && p < n && (upper ? x[o[p]] <= v : x[o[p]] >= v); p += step)
        if (s->out[o[p]] == 1)
            m->dn += W(s, o[p]), m->dny += W(s, o[p]) * s->d->y[o[p]];
    return 1;
}

static void paste_apply(ws *s, const move *m)
{
    const int *o = ORD(s, m->j);
    const double *x = X(s, m->j);
    int p;
    if (m->upper) {
        for (p = s->hp[m->j] + 1; p < s->d->n && x[o[p]] <= m->v; p++)
            s->out[o[p]]--;
        s->hp[m->j] = p - 1, s->hi[m->j] = m->v;
    } else {
        for (p = s->lp[m->j] - 1; p >= 0 && x[o[p]] >= m->v; p--)
            s->out[o[p]]--;
        s->lp[m->j] = p + 1, s->lo[m->j] = m->v;
    }
    s->n += m->dn, s->ny += m->dny;
}

/* Whether move a is better than b: higher density, then the larger box
 * (peels remove fewer; pastes are compared by density alone), then the
 * order the candidates were tried in (b came first). */
static int better(const move *a, const move *b, const ws *s, int peel)
{
    double da = peel ? density(s->ny - a->dny, s->n - a->dn) : density(s->ny + a->dny, s->n + a->dn);
    double db = peel ? density(s->ny - b->dny, s->n - b->dn) : density(s->ny + b->dny, s->n + b->dn);
    if (da != db)
        return da > db;
    return peel && a->dn < b->dn;
}

/* The state as a box (unrestricted sides at +-INFINITY). */
static fs_status snapshot(const ws *s, fs_prim_box *b, fs_err *err)
{
    int j, k = s->d->k;
    b->lo = malloc((size_t)k * sizeof *b->lo);
    b->hi = malloc((size_t)k * sizeof *b->hi);
    if (b->lo == NULL || b->hi == NULL) {
        box_free(b);
        return fs_err_set(err, FS_ENOMEM, "out of memory recording a PRIM box");
    }
    b->nrestricted = 0;
    for (j = 0; j < k; j++) {
        b->lo[j] = s->lo[j] > s->cmin[j] ? s->lo[j] : -INFINITY;
        b->hi[j] = s->hi[j] < s->cmax[j] ? s->hi[j] : INFINITY;
        b->nrestricted += isfinite(b->lo[j]) || isfinite(b->hi[j]);
    }
    b->n = s->n, b->ny = s->ny;
    return FS_OK;
}

static fs_status record(const ws *s, fs_prim_result *r, int *cap, fs_err *err)
{
    if (r->nsteps == *cap) {
        int c = *cap ? *cap * 2 : 64;
        fs_prim_box *t = realloc(r->traj, (size_t)c * sizeof *t);
        if (t == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory recording the PRIM trajectory");
        r->traj = t, *cap = c;
    }
    memset(&r->traj[r->nsteps], 0, sizeof r->traj[0]);
    if (snapshot(s, &r->traj[r->nsteps], err) != FS_OK)
        return err->code;
    r->nsteps++;
    return FS_OK;
}

static fs_status peel(ws *s, const fs_prim_opts *o, fs_prim_result *r, fs_err *err)
{
    int cap = 0, j, side;
    fs_status st;
    double floor_n = o->mass_min * (double)r->n_total;

    if ((st = record(s, r, &cap, err)) != FS_OK)
        return st;
    for (;;) {
        long target = (long)floor(o->peel_alpha * (double)s->n);
        move best = {0, 0, 0, 0, 0}, m;
        int have = 0;
        for (j = 0; j < s->d->k; j++)
            for (side = 0; side < 2; side++)
                if (peel_side(s, j, side, target, &m) && (double)(s->n - m.dn) >= floor_n
                    && (!have || better(&m, &best, s, 1)))
                    best = m, have = 1;
        if (!have || density(s->ny - best.dny, s->n - best.dn) <= density(s->ny, s->n))
            return FS_OK;
        peel_apply(s, &best);
        if ((st = record(s, r, &cap, err)) != FS_OK)
            return st;
    }
}

static void paste(ws *s, const fs_prim_opts *o)
{
    int j, side;
    for (;;) {
        long target = (long)floor(o->paste_alpha * (double)s->n);
        move best = {0, 0, 0, 0, 0}, m;
        int have = 0;
        if (target < 1)
            target = 1;
        for (j = 0; j < s->d->k; j++)
            for (side = 0; side < 2; side++)
                if (paste_side(s, j, side, target, &m) && (!have || better(&m, &best, s, 0)))
                    best = m, have = 1;
        /* A paste that keeps the density adds coverage for nothing: take it. */
        if (!have || density(s->ny + best.dny, s->n + best.dn) < density(s->ny, s->n))
            return;
        paste_apply(s, &best);
    }
}

/* Drops every restricted side beyond which no case is outside the box on
 * that side alone: the other limits already exclude those cases, so the
 * restriction says nothing (a peel made it before later peels covered
 * it). One side at a time, so that a case outside on two such sides
 * keeps one of them. */
static void relax(ws *s)
{
    int j, side;
    move m;
    for (j = 0; j < s->d->k; j++)
        for (side = 0; side < 2; side++) {
            const int *o = ORD(s, j);
            int p;
            if ((side ? s->hi[j] >= s->cmax[j] : s->lo[j] <= s->cmin[j]) ||
                paste_side(s, j, side, 1, &m))
                continue;
            if (side) {
                for (p = s->hp[j] + 1; p < s->d->n; p++)
                    s->out[o[p]]--;
                s->hp[j] = s->d->n - 1, s->hi[j] = s->cmax[j];
            } else {
                for (p = s->lp[j] - 1; p >= 0; p--)
                    s->out[o[p]]--;
                s->lp[j] = 0, s->lo[j] = s->cmin[j];
            }
        }
}

static int choose(const fs_prim_result *r, const fs_prim_opts *o, int *reached)
{
    int i, c = -1, best = 0;
    if (o->box >= 0) {
        c = o->box < r->nsteps ? o->box : r->nsteps - 1;
        *reached = density(r->traj[c].ny, r->traj[c].n) >= o->threshold;
        return c;
    }
    for (i = 0; i < r->nsteps; i++) {
        if (density(r->traj[i].ny, r->traj[i].n) >= o->threshold)
            c = i;
        if (density(r->traj[i].ny, r->traj[i].n) > density(r->traj[best].ny, r->traj[best].n))
            best = i;
    }
    *reached = c >= 0;
    return c >= 0 ? c : best;
}

double fs_prim_binom_sf(long h, long t, double p)
{
    if (h <= 0)
        return 1.0;
    if (h > t || p <= 0)
        return 0.0;
    if (p >= 1)
        return 1.0;
    return gsl_cdf_binomial_Q((unsigned)(h - 1), p, (unsigned)t);
}

/* Quasi-p-values: for each restricted input, the box's cases of interest
 * against the density of the box with that restriction dropped (Bryant
 * and Lempert 2010), one-sided binomial. */
void fs_prim_inspect(const fs_prim_data *d, const int *w, fs_prim_box *b, double *qp,
                     long *n_drop, long *ny_drop)
{
    int n = d->n, k = d->k, i, j;

    b->n = b->ny = 0;
    b->nrestricted = 0;
    for (j = 0; j < k; j++) {
        n_drop[j] = ny_drop[j] = 0;
        b->nrestricted += isfinite(b->lo[j]) || isfinite(b->hi[j]);
    }
    for (i = 0; i < n; i++) {
        long wi = w ? w[i] : 1;
        int nout = 0, which = -1;
        if (wi == 0)
            continue;
        for (j = 0; j < k && nout < 2; j++) {
            double x = d->x[(size_t)j * n + i];
            if (x < b->lo[j] || x > b->hi[j])
                nout++, which = j;
        }
        if (nout == 0)
            b->n += wi, b->ny += wi * d->y[i];
        else if (nout == 1)
            n_drop[which] += wi, ny_drop[which] += wi * d->y[i];
    }
    for (j = 0; j < k; j++) {
        n_drop[j] += b->n, ny_drop[j] += b->ny;
        qp[j] = isfinite(b->lo[j]) || isfinite(b->hi[j])
                ? fs_prim_binom_sf(b->ny, b->n, density(ny_drop[j], n_drop[j])) : NAN;
    }
}

static fs_status inspect(const ws *s, fs_prim_result *r, fs_err *err)
{
    size_t k = (size_t)s->d->k;
    r->qp = malloc(k * sizeof *r->qp);
    r->n_drop = malloc(k * sizeof *r->n_drop);
    r->ny_drop = malloc(k * sizeof *r->ny_drop);
    if (!r->qp || !r->n_drop || !r->ny_drop)
        return fs_err_set(err, FS_ENOMEM, "out of memory inspecting a PRIM box");
    fs_prim_inspect(s->d, s->w, &r->box, r->qp, r->n_drop, r->ny_drop);
    return FS_OK;
}

fs_status fs_prim_run(const fs_prim_data *d, const fs_prim_sorted *so, const int *w,
                      const fs_prim_opts *o, fs_prim_result *r, fs_err *err)
{
    ws s;
    fs_status st;

    memset(r, 0, sizeof *r);
    r->k = d->k;
    if ((st = fs_prim_opts_check(o, err)) != FS_OK || (st = ws_alloc(&s, d, so, w, err)) != FS_OK)
        return st;
    ws_start(&s);
    r->n_total = s.n, r->ny_total = s.ny;
    if (s.n == 0) {
        st = fs_err_set(err, FS_EUSAGE, "no cases to search");
        goto done;
    }
    if ((st = peel(&s, o, r, err)) != FS_OK)
        goto done;
    r->chosen = choose(r, o, &r->reached);
    ws_set(&s, &r->traj[r->chosen]);
    paste(&s, o);
    relax(&s);
    if ((st = snapshot(&s, &r->box, err)) != FS_OK)
        goto done;
    st = inspect(&s, r, err);
done:
    ws_free(&s);
    return st;
}

/* Whether case i lies inside box b. */
static int inside(const fs_prim_data *d, const fs_prim_box *b, int i)
{
    int j;
    for (j = 0; j < d->k; j++) {
        double x = d->x[(size_t)j * d->n + i];
        if (x < b->lo[j] || x > b->hi[j])
            return 0;
    }
    return 1;
}

fs_status fs_prim_cover(const fs_prim_data *d, const fs_prim_sorted *s, const fs_prim_opts *o,
                        int maxboxes, fs_prim_result *boxes, int *nboxes, fs_err *err)
{
    int *w = malloc((size_t)d->n * sizeof *w), b, i;
    fs_status st = FS_OK;

    *nboxes = 0;
    if (w == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory for covering");
    for (i = 0; i < d->n; i++)
        w[i] = 1;
    for (b = 0; b < maxboxes; b++) {
        long left = 0, ny = 0;
        for (i = 0; i < d->n; i++)
            left += w[i], ny += w[i] && d->y[i];
        if (left == 0 || (b > 0 && ny == 0))
            break;
        *nboxes = b + 1;
        if ((st = fs_prim_run(d, s, w, o, &boxes[b], err)) != FS_OK)
            break;
        if (b > 0 && !boxes[b].reached) {
            fs_prim_result_free(&boxes[b]);
            *nboxes = b;
            break;
        }
        for (i = 0; i < d->n; i++)
            if (w[i] && inside(d, &boxes[b].box, i))
                w[i] = 0;
    }
    free(w);
    return st;
}

fs_status fs_prim_resample(const fs_prim_data *d, const fs_prim_sorted *s, const fs_prim_opts *o,
                           int R, uint64_t seed, int threads, double *share, fs_err *err)
{
    unsigned char *restricts = calloc((size_t)R * d->k + 1, 1);
    int bad = FS_OK, r, j;
    fs_err first;

    (void)threads;   /* unused without OpenMP */
    fs_err_clear(&first);
    if (restricts == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory for %d resamples", R);
#pragma omp parallel num_threads(threads > 0 ? threads : 1)
    {
        int *w = malloc((size_t)d->n * sizeof *w);
        gsl_rng *g = fs_rng_alloc();
        fs_err e;
        fs_err_clear(&e);
#pragma omp for schedule(dynamic, 1)
        for (r = 0; r < R; r++) {
            fs_prim_result res;
            int i;
            if (w == NULL || g == NULL) {
#pragma omp critical
                bad = FS_ENOMEM;
                continue;
            }
            memset(w, 0, (size_t)d->n * sizeof *w);
            fs_rng_seed(g, seed, (uint64_t)r);
            for (i = 0; i < d->n; i++)
                w[gsl_rng_uniform_int(g, (unsigned long)d->n)]++;
            if (fs_prim_run(d, s, w, o, &res, &e) == FS_OK) {
                for (j = 0; j < d->k; j++)
                    restricts[(size_t)r * d->k + j] = isfinite(res.box.lo[j])
                                                      || isfinite(res.box.hi[j]);
            } else {
#pragma omp critical
                {
                    if (bad == FS_OK)
                        bad = e.code, first = e;
                }
            }
            fs_prim_result_free(&res);
        }
        free(w);
        gsl_rng_free(g);
    }
    if (bad != FS_OK) {
        free(restricts);
        if (first.code != FS_OK)
            return fs_err_set(err, first.code, "%s", first.msg);
        return fs_err_set(err, FS_ENOMEM, "out of memory for %d resamples", R);
    }
    for (j = 0; j < d->k; j++) {
        int c = 0;
        for (r = 0; r < R; r++)
            c += restricts[(size_t)r * d->k + j];
        share[j] = R > 0 ? (double)c / R : NAN;
    }
    free(restricts);
    return FS_OK;
}
