/* moea.c: NSGA-II with an epsilon-dominance archive, and the exact
 * hypervolume (recursive slicing). See moea.h for the contract. */
#include "moea.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

struct fs_moea {
    int nv, no, nc, npop;
    double *lo, *hi;
    int *integer;
    double pc, eta_c, pm, eta_m;
    double *eps;
    uint64_t seed;
    gsl_rng *rng;
    int gen;
    long evals;
    /* population: npop rows; work: 2 npop rows (parents then offspring) */
    double *x, *f, *g, *cv;
    int *rank;
    double *crowd;
    double *wx, *wf, *wg, *wcv, *wcrowd;
    int *wrank, *idx, *tmp, *count;
    /* archive */
    int na, acap;
    double *ax, *af, *ag, *acv;
    fs_moea_eval_fn rescore;
    void *rescore_ctx;
};

/* ---- ordering: a stable merge sort of indices by one key column ---- */

static void merge_sort(int *idx, int n, const double *key, int stride, int *tmp)
{
    if (n < 2)
        return;
    int h = n / 2;
    merge_sort(idx, h, key, stride, tmp);
    merge_sort(idx + h, n - h, key, stride, tmp);
    int i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = key[(size_t)idx[j] * stride] < key[(size_t)idx[i] * stride] ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, (size_t)n * sizeof *idx);
}

/* ---- dominance ---- */

int fs_moea_dominates(int m, const double *a, double cva, const double *b, double cvb)
{
    if (cva > 0 || cvb > 0)
        return cva < cvb;
    int better = 0;
    for (int k = 0; k < m; k++) {
        if (a[k] > b[k])
            return 0;
        if (a[k] < b[k])
            better = 1;
    }
    return better;
}

/* Fast non-dominated sorting (Deb et al. 2002) of n rows into rank[],
 * peeling one front at a time with domination counts. */
static void nondominated_sort(int n, int m, const double *f, const double *cv, int *rank,
                              int *count, int *front)
{
    for (int i = 0; i < n; i++) {
        count[i] = 0;
        rank[i] = -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (j != i && fs_moea_dominates(m, f + (size_t)j * m, cv[j], f + (size_t)i * m, cv[i]))
                count[i]++;
    int assigned = 0;
    for (int r = 0; assigned < n; r++) {
        int nf = 0;
        for (int i = 0; i < n; i++)
            if (rank[i] < 0 && count[i] == 0)
                front[nf++] = i;
        for (int q = 0; q < nf; q++)
            rank[front[q]] = r;
        assigned += nf;
        for (int q = 0; q < nf; q++) {
            int i = front[q];
            for (int j = 0; j < n; j++)
                if (rank[j] < 0 &&
                    fs_moea_dominates(m, f + (size_t)i * m, cv[i], f + (size_t)j * m, cv[j]))
                    count[j]--;
        }
    }
}

/* Crowding distance of the nf rows listed in front (Deb et al. 2002):
 * per objective, the normalised gap between each row's neighbours; the
 * extremes get infinity. */
static void crowding(int nf, const int *front, int m, const double *f, double *crowd,
                     int *order, int *tmp)
{
    for (int q = 0; q < nf; q++)
        crowd[front[q]] = 0;
    if (nf <= 2) {
        for (int q = 0; q < nf; q++)
            crowd[front[q]] = INFINITY;
        return;
    }
    for (int k = 0; k < m; k++) {
        memcpy(order, front, (size_t)nf * sizeof *order);
        merge_sort(order, nf, f + k, m, tmp);
        double lo = f[(size_t)order[0] * m + k], hi = f[(size_t)order[nf - 1] * m + k];
        crowd[order[0]] = crowd[order[nf - 1]] = INFINITY;
        if (!(hi > lo))
            continue;
        for (int q = 1; q < nf - 1; q++)
            crowd[order[q]] += (f[(size_t)order[q + 1] * m + k] - f[(size_t)order[q - 1] * m + k]) /
                               (hi - lo);
    }
}

/* ---- the epsilon-box archive (Laumanns et al. 2002) ---- */

/* -1: s replaces a; 1: a keeps s out; 0: neither dominates. */
static int eps_compare(const fs_moea *m, const double *fs, double cvs, const double *fa,
                       double cva)
{
    if ((cvs > 0 || cva > 0) && cvs != cva)
        return cvs < cva ? -1 : 1;
    int s_better = 0, a_better = 0;
    double ds = 0, da = 0;
    for (int k = 0; k < m->no; k++) {
        double bs = floor(fs[k] / m->eps[k]), ba = floor(fa[k] / m->eps[k]);
        if (bs < ba)
            s_better = 1;
        else if (ba < bs)
            a_better = 1;
        double es = fs[k] - bs * m->eps[k], ea = fa[k] - ba * m->eps[k];
        ds += es * es;
        da += ea * ea;
    }
    if (s_better && a_better)
        return 0;
    if (s_better)
        return -1;
    if (a_better)
        return 1;
    return ds < da ? -1 : 1;   /* the same box: the one nearer its corner */
}

static int archive_grow(fs_moea *m)
{
    if (m->na < m->acap)
        return 0;
    int cap = m->acap ? 2 * m->acap : 64;
    double *ax = realloc(m->ax, (size_t)cap * m->nv * sizeof *ax);
    if (ax) m->ax = ax;
    double *af = realloc(m->af, (size_t)cap * m->no * sizeof *af);
    if (af) m->af = af;
    double *ag = realloc(m->ag, (size_t)cap * (m->nc ? m->nc : 1) * sizeof *ag);
    if (ag) m->ag = ag;
    double *acv = realloc(m->acv, (size_t)cap * sizeof *acv);
    if (acv) m->acv = acv;
    if (!ax || !af || !ag || !acv)
        return -1;
    m->acap = cap;
    return 0;
}

static int archive_add(fs_moea *m, const double *x, const double *f, const double *g, double cv)
{
    int keep = 0;
    for (int a = 0; a < m->na; a++)
        if (eps_compare(m, f, cv, m->af + (size_t)a * m->no, m->acv[a]) > 0)
            return 0;
    for (int a = 0; a < m->na; a++) {
        if (eps_compare(m, f, cv, m->af + (size_t)a * m->no, m->acv[a]) < 0)
            continue;
        if (keep != a) {
            memcpy(m->ax + (size_t)keep * m->nv, m->ax + (size_t)a * m->nv, m->nv * sizeof(double));
            memcpy(m->af + (size_t)keep * m->no, m->af + (size_t)a * m->no, m->no * sizeof(double));
            memcpy(m->ag + (size_t)keep * m->nc, m->ag + (size_t)a * m->nc, m->nc * sizeof(double));
            m->acv[keep] = m->acv[a];
        }
        keep++;
    }
    m->na = keep;
    if (archive_grow(m))
        return -1;
    memcpy(m->ax + (size_t)m->na * m->nv, x, m->nv * sizeof(double));
    memcpy(m->af + (size_t)m->na * m->no, f, m->no * sizeof(double));
    memcpy(m->ag + (size_t)m->na * m->nc, g, m->nc * sizeof(double));
    m->acv[m->na++] = cv;
    return 0;
}

/* ---- allocation ---- */

void fs_moea_free(fs_moea *m)
{
    if (!m)
        return;
    free(m->lo); free(m->hi); free(m->integer); free(m->eps);
    if (m->rng)
        gsl_rng_free(m->rng);
    free(m->x); free(m->f); free(m->g); free(m->cv); free(m->rank); free(m->crowd);
    free(m->wx); free(m->wf); free(m->wg); free(m->wcv); free(m->wcrowd);
    free(m->wrank); free(m->idx); free(m->tmp); free(m->count);
    free(m->ax); free(m->af); free(m->ag); free(m->acv);
    free(m);
}

static fs_status check_problem(const fs_moea_problem *p, const fs_moea_opts *o, fs_err *err)
{
    if (p->nvars < 1 || p->nvars > FS_MOEA_MAX_VARS)
        return fs_err_set(err, FS_ECONFIG, "search: %d variables; expected 1 to %d", p->nvars,
                          FS_MOEA_MAX_VARS);
    if (p->nobjs < 1 || p->nobjs > FS_MOEA_MAX_OBJS)
        return fs_err_set(err, FS_ECONFIG, "search: %d objectives; expected 1 to %d", p->nobjs,
                          FS_MOEA_MAX_OBJS);
    if (p->ncons < 0 || p->ncons > FS_MOEA_MAX_CONS)
        return fs_err_set(err, FS_ECONFIG, "search: %d constraints; expected 0 to %d", p->ncons,
                          FS_MOEA_MAX_CONS);
    for (int i = 0; i < p->nvars; i++) {
        if (!isfinite(p->lo[i]) || !isfinite(p->hi[i]) || p->lo[i] > p->hi[i])
            return fs_err_set(err, FS_ECONFIG,
                              "search: variable %d has bounds [%g, %g]; expected finite lo <= hi",
                              i + 1, p->lo[i], p->hi[i]);
        if (p->integer && p->integer[i] && (p->lo[i] != floor(p->lo[i]) || p->hi[i] != floor(p->hi[i])))
            return fs_err_set(err, FS_ECONFIG,
                              "search: integer variable %d has bounds [%g, %g]; expected integers",
                              i + 1, p->lo[i], p->hi[i]);
    }
    int n = o->population ? o->population : 100;
    if (n < 4 || n % 2 || n > FS_MOEA_MAX_POP)
        return fs_err_set(err, FS_ECONFIG, "search: population %d; expected an even number from 4 to %d",
                          n, FS_MOEA_MAX_POP);
    if (o->epsilons)
        for (int k = 0; k < p->nobjs; k++)
            if (!(o->epsilons[k] > 0) || !isfinite(o->epsilons[k]))
                return fs_err_set(err, FS_ECONFIG, "search: epsilon %d is %g; expected > 0", k + 1,
                                  o->epsilons[k]);
    if (o->pc < 0 || o->pc > 1 || o->pm < 0 || o->pm > 1 || o->eta_c < 0 || o->eta_m < 0)
        return fs_err_set(err, FS_ECONFIG,
                          "search: crossover and mutation probabilities must be in [0, 1] and "
                          "distribution indices >= 0");
    return FS_OK;
}

fs_moea *fs_moea_alloc(const fs_moea_problem *p, const fs_moea_opts *o, fs_err *err)
{
    if (check_problem(p, o, err) != FS_OK)
        return NULL;
    fs_moea *m = calloc(1, sizeof *m);
    if (!m)
        goto fail;
    m->nv = p->nvars;
    m->no = p->nobjs;
    m->nc = p->ncons;
    m->npop = o->population ? o->population : 100;
    m->pc = o->pc > 0 ? o->pc : 1.0;
    m->eta_c = o->eta_c > 0 ? o->eta_c : 15;
    m->pm = o->pm > 0 ? o->pm : 1.0 / m->nv;
    m->eta_m = o->eta_m > 0 ? o->eta_m : 20;
    m->seed = o->seed;
    size_t nv = (size_t)m->nv, no = (size_t)m->no, nc = (size_t)(m->nc ? m->nc : 1);
    size_t n = (size_t)m->npop, w = 2 * n;
    m->lo = malloc(nv * sizeof *m->lo);
    m->hi = malloc(nv * sizeof *m->hi);
    m->integer = calloc(nv, sizeof *m->integer);
    m->eps = malloc(no * sizeof *m->eps);
    m->rng = fs_rng_alloc();
    m->x = malloc(n * nv * sizeof *m->x);
    m->f = malloc(n * no * sizeof *m->f);
    m->g = calloc(n * nc, sizeof *m->g);
    m->cv = malloc(n * sizeof *m->cv);
    m->rank = malloc(n * sizeof *m->rank);
    m->crowd = malloc(n * sizeof *m->crowd);
    m->wx = malloc(w * nv * sizeof *m->wx);
    m->wf = malloc(w * no * sizeof *m->wf);
    m->wg = calloc(w * nc, sizeof *m->wg);
    m->wcv = malloc(w * sizeof *m->wcv);
    m->wcrowd = malloc(w * sizeof *m->wcrowd);
    m->wrank = malloc(w * sizeof *m->wrank);
    m->idx = malloc(2 * w * sizeof *m->idx);
    m->tmp = malloc(w * sizeof *m->tmp);
    m->count = malloc(w * sizeof *m->count);
    if (!m->lo || !m->hi || !m->integer || !m->eps || !m->rng || !m->x || !m->f || !m->g ||
        !m->cv || !m->rank || !m->crowd || !m->wx || !m->wf || !m->wg || !m->wcv ||
        !m->wcrowd || !m->wrank || !m->idx || !m->tmp || !m->count)
        goto fail;
    memcpy(m->lo, p->lo, nv * sizeof *m->lo);
    memcpy(m->hi, p->hi, nv * sizeof *m->hi);
    for (size_t i = 0; i < nv; i++)
        m->integer[i] = p->integer ? p->integer[i] != 0 : 0;
    for (size_t k = 0; k < no; k++)
        m->eps[k] = o->epsilons ? o->epsilons[k] : 1e-9;
    return m;
fail:
    fs_moea_free(m);
    fs_err_set(err, FS_ENOMEM, "search: out of memory");
    return NULL;
}

/* ---- variation ---- */

/* The interval a variable is bred on: integers on [lo - 1/2, hi + 1/2],
 * so that rounding gives every integer the same share. */
static void breed_bounds(const fs_moea *m, int i, double *lb, double *ub)
{
    double h = m->integer[i] ? 0.5 - 1e-9 : 0;
    *lb = m->lo[i] - h;
    *ub = m->hi[i] + h;
}

static double repair(const fs_moea *m, int i, double v)
{
    if (m->integer[i])
        v = floor(v + 0.5);
    return v < m->lo[i] ? m->lo[i] : v > m->hi[i] ? m->hi[i] : v;
}

/* Simulated binary crossover, bounded (Deb and Agrawal 1995; Deb's
 * NSGA-II code): each variable with probability 1/2. */
static void sbx(fs_moea *m, double *c1, double *c2)
{
    if (gsl_rng_uniform(m->rng) >= m->pc)
        return;
    double e = m->eta_c + 1;
    for (int i = 0; i < m->nv; i++) {
        double u = gsl_rng_uniform(m->rng), r = gsl_rng_uniform(m->rng), s = gsl_rng_uniform(m->rng);
        double lb, ub;
        breed_bounds(m, i, &lb, &ub);
        if (u >= 0.5 || fabs(c1[i] - c2[i]) <= 1e-14 || !(ub > lb))
            continue;
        double y1 = fmin(c1[i], c2[i]), y2 = fmax(c1[i], c2[i]), d = y2 - y1;
        double beta = 1 + 2 * (y1 - lb) / d, alpha = 2 - pow(beta, -e);
        double bq = r <= 1 / alpha ? pow(r * alpha, 1 / e) : pow(1 / (2 - r * alpha), 1 / e);
        double a = 0.5 * (y1 + y2 - bq * d);
        beta = 1 + 2 * (ub - y2) / d;
        alpha = 2 - pow(beta, -e);
        bq = r <= 1 / alpha ? pow(r * alpha, 1 / e) : pow(1 / (2 - r * alpha), 1 / e);
        double b = 0.5 * (y1 + y2 + bq * d);
        a = fmin(fmax(a, lb), ub);
        b = fmin(fmax(b, lb), ub);
        c1[i] = s < 0.5 ? b : a;
        c2[i] = s < 0.5 ? a : b;
    }
}

/* Polynomial mutation, bounded (Deb and Goyal 1996; Deb's NSGA-II code). */
static void mutate(fs_moea *m, double *c)
{
    double e = m->eta_m + 1;
    for (int i = 0; i < m->nv; i++) {
        double u = gsl_rng_uniform(m->rng), r = gsl_rng_uniform(m->rng);
        double lb, ub;
        breed_bounds(m, i, &lb, &ub);
        if (u >= m->pm || !(ub > lb))
            continue;
        double y = c[i], d1 = (y - lb) / (ub - lb), d2 = (ub - y) / (ub - lb), dq;
        if (r < 0.5)
            dq = pow(2 * r + (1 - 2 * r) * pow(1 - d1, e), 1 / e) - 1;
        else
            dq = 1 - pow(2 * (1 - r) + 2 * (r - 0.5) * pow(1 - d2, e), 1 / e);
        c[i] = fmin(fmax(y + dq * (ub - lb), lb), ub);
    }
}

/* Binary tournament on rank, then crowding; a tie goes to the first. */
static int tournament(fs_moea *m)
{
    int a = (int)gsl_rng_uniform_int(m->rng, (unsigned long)m->npop);
    int b = (int)gsl_rng_uniform_int(m->rng, (unsigned long)m->npop);
    if (m->rank[b] < m->rank[a] || (m->rank[b] == m->rank[a] && m->crowd[b] > m->crowd[a]))
        return b;
    return a;
}

/* Fills the offspring rows of the work arrays (rows npop..2 npop-1). */
static void breed(fs_moea *m)
{
    size_t nv = (size_t)m->nv;
    double *off = m->wx + (size_t)m->npop * nv;
    for (int k = 0; k < m->npop; k += 2) {
        int p1 = tournament(m), p2 = tournament(m);
        double *c1 = off + (size_t)k * nv, *c2 = c1 + nv;
        memcpy(c1, m->x + (size_t)p1 * nv, nv * sizeof *c1);
        memcpy(c2, m->x + (size_t)p2 * nv, nv * sizeof *c2);
        sbx(m, c1, c2);
        mutate(m, c1);
        mutate(m, c2);
        for (int i = 0; i < m->nv; i++) {
            c1[i] = repair(m, i, c1[i]);
            c2[i] = repair(m, i, c2[i]);
        }
    }
}

/* The initial population: a Latin hypercube (each variable's range cut
 * into npop equal strata, one candidate in each, strata shuffled per
 * variable), so that even a small population covers every range. */
static void initial(fs_moea *m)
{
    size_t nv = (size_t)m->nv;
    double *off = m->wx + (size_t)m->npop * nv;
    int *perm = m->tmp;
    for (int i = 0; i < m->nv; i++) {
        double lb, ub;
        breed_bounds(m, i, &lb, &ub);
        for (int k = 0; k < m->npop; k++)
            perm[k] = k;
        for (int k = m->npop - 1; k > 0; k--) {
            int j = (int)gsl_rng_uniform_int(m->rng, (unsigned long)k + 1), t = perm[k];
            perm[k] = perm[j];
            perm[j] = t;
        }
        for (int k = 0; k < m->npop; k++) {
            double u = (perm[k] + gsl_rng_uniform(m->rng)) / m->npop;
            off[(size_t)k * nv + i] = repair(m, i, lb + u * (ub - lb));
        }
    }
}

/* ---- one generation ---- */

/* Evaluates cnt rows of x into f, g and their violations cv. */
static fs_status evaluate_rows(fs_moea *m, fs_moea_eval_fn fn, void *ctx, int cnt,
                               const double *x, double *f, double *g, double *cv, fs_err *err)
{
    size_t no = (size_t)m->no, nc = (size_t)m->nc;
    fs_status st = fn(ctx, cnt, x, f, nc ? g : NULL, err);
    if (st != FS_OK)
        return st;
    for (size_t k = 0; k < (size_t)cnt; k++) {
        cv[k] = 0;
        for (size_t j = 0; j < no; j++)
            if (isnan(f[k * no + j]))
                return fs_err_set(err, FS_ERUNTIME, "search: objective %zu of a candidate is NaN",
                                  j + 1);
        for (size_t j = 0; j < nc; j++) {
            double v = g[k * nc + j];
            if (isnan(v))
                return fs_err_set(err, FS_ERUNTIME, "search: constraint %zu of a candidate is NaN",
                                  j + 1);
            if (v > 0)
                cv[k] += v;
        }
    }
    return FS_OK;
}

static fs_status evaluate(fs_moea *m, fs_moea_eval_fn fn, void *ctx, fs_err *err)
{
    size_t n = (size_t)m->npop, nv = (size_t)m->nv, no = (size_t)m->no, nc = (size_t)m->nc;
    return evaluate_rows(m, fn, ctx, m->npop, m->wx + n * nv, m->wf + n * no, m->wg + n * nc,
                         m->wcv + n, err);
}

void fs_moea_set_rescore(fs_moea *m, fs_moea_eval_fn fn, void *ctx)
{
    m->rescore = fn;
    m->rescore_ctx = ctx;
}

/* Re-scores the population and the archive (fs_moea_set_rescore): both
 * evaluated into scratch rows first, so a failure changes nothing. */
static fs_status rescore(fs_moea *m, fs_err *err)
{
    size_t n = (size_t)m->npop, na = (size_t)m->na, nv = (size_t)m->nv, no = (size_t)m->no;
    size_t nc = (size_t)m->nc, rows = n + na;
    double *x = malloc(rows * nv * sizeof *x), *f = malloc(rows * no * sizeof *f);
    double *g = malloc(rows * (nc ? nc : 1) * sizeof *g), *cv = malloc(rows * sizeof *cv);
    fs_status st = FS_OK;
    if (!x || !f || !g || !cv) {
        st = fs_err_set(err, FS_ENOMEM, "search: out of memory");
        goto done;
    }
    memcpy(x, m->x, n * nv * sizeof *x);
    memcpy(x + n * nv, m->ax, na * nv * sizeof *x);
    if ((st = evaluate_rows(m, m->rescore, m->rescore_ctx, (int)rows, x, f, g, cv, err)) != FS_OK)
        goto done;
    memcpy(m->f, f, n * no * sizeof *f);
    memcpy(m->g, g, n * nc * sizeof *g);
    memcpy(m->cv, cv, n * sizeof *cv);
    /* the archive's members offered again, in their order (never more
     * than it held, so it does not grow) */
    m->na = 0;
    for (size_t a = 0; a < na; a++)
        archive_add(m, x + (n + a) * nv, f + (n + a) * no, g + (n + a) * nc, cv[n + a]);
done:
    free(x);
    free(f);
    free(g);
    free(cv);
    return st;
}

/* Keeps the best npop of the nw work rows (fronts in order, the last one
 * cut by crowding) as the new population. */
static void select_survivors(fs_moea *m, int nw)
{
    size_t nv = (size_t)m->nv, no = (size_t)m->no, nc = (size_t)m->nc;
    int *front = m->idx, *order = m->idx + 2 * m->npop, *tmp = m->tmp;
    nondominated_sort(nw, m->no, m->wf, m->wcv, m->wrank, m->count, front);
    int kept = 0;
    for (int r = 0; kept < m->npop; r++) {
        int nf = 0;
        for (int i = 0; i < nw; i++)
            if (m->wrank[i] == r)
                m->count[nf++] = i;
        crowding(nf, m->count, m->no, m->wf, m->wcrowd, order, tmp);
        if (kept + nf > m->npop) {
            /* by crowding, largest first; ties keep row order */
            for (int q = 0; q < nf; q++)
                m->wcrowd[m->count[q]] = -m->wcrowd[m->count[q]];
            merge_sort(m->count, nf, m->wcrowd, 1, tmp);
            for (int q = 0; q < nf; q++)
                m->wcrowd[m->count[q]] = -m->wcrowd[m->count[q]];
            nf = m->npop - kept;
        }
        for (int q = 0; q < nf; q++)
            front[kept + q] = m->count[q];
        kept += nf;
    }
    for (int k = 0; k < m->npop; k++) {
        int i = front[k];
        memcpy(m->x + k * nv, m->wx + i * nv, nv * sizeof(double));
        memcpy(m->f + k * no, m->wf + i * no, no * sizeof(double));
        memcpy(m->g + k * nc, m->wg + i * nc, nc * sizeof(double));
        m->cv[k] = m->wcv[i];
        m->rank[k] = m->wrank[i];
        m->crowd[k] = m->wcrowd[i];
    }
}

fs_status fs_moea_step(fs_moea *m, fs_moea_eval_fn fn, void *ctx, fs_err *err)
{
    size_t n = (size_t)m->npop, nv = (size_t)m->nv, no = (size_t)m->no, nc = (size_t)m->nc;
    fs_rng_seed(m->rng, m->seed, (uint64_t)m->gen);
    if (m->gen == 0)
        initial(m);
    else
        breed(m);
    fs_status st = evaluate(m, fn, ctx, err);
    if (st == FS_OK && m->gen > 0 && m->rescore)
        st = rescore(m, err);
    if (st != FS_OK)
        return st;
    for (size_t k = 0; k < n; k++)
        if (archive_add(m, m->wx + (n + k) * nv, m->wf + (n + k) * no, m->wg + (n + k) * nc,
                        m->wcv[n + k]))
            return fs_err_set(err, FS_ENOMEM, "search: out of memory");
    if (m->gen == 0) {
        /* the initial population alone: move it to the front rows */
        memmove(m->wx, m->wx + n * nv, n * nv * sizeof(double));
        memmove(m->wf, m->wf + n * no, n * no * sizeof(double));
        memmove(m->wg, m->wg + n * nc, n * nc * sizeof(double));
        memmove(m->wcv, m->wcv + n, n * sizeof(double));
        select_survivors(m, m->npop);
    } else {
        memcpy(m->wx, m->x, n * nv * sizeof(double));
        memcpy(m->wf, m->f, n * no * sizeof(double));
        memcpy(m->wg, m->g, n * nc * sizeof(double));
        memcpy(m->wcv, m->cv, n * sizeof(double));
        select_survivors(m, 2 * m->npop);
    }
    m->gen++;
    m->evals += m->npop;
    return FS_OK;
}

int fs_moea_generations(const fs_moea *m) { return m->gen; }
long fs_moea_evaluations(const fs_moea *m) { return m->evals; }

int fs_moea_population(const fs_moea *m, const double **x, const double **f,
                       const double **g, const double **cv, const int **rank)
{
    if (x) *x = m->x;
    if (f) *f = m->f;
    if (g) *g = m->g;
    if (cv) *cv = m->cv;
    if (rank) *rank = m->rank;
    return m->gen ? m->npop : 0;
}

int fs_moea_archive(const fs_moea *m, const double **x, const double **f,
                    const double **g, const double **cv)
{
    if (x) *x = m->ax;
    if (f) *f = m->af;
    if (g) *g = m->ag;
    if (cv) *cv = m->acv;
    return m->na;
}

/* ---- hypervolume: recursive slicing over the last objective ---- */

static double hv_rec(int n, int m, const double *f, const double *ref, int *idx, int *tmp,
                     double *buf)
{
    if (n == 0)
        return 0;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    merge_sort(idx, n, f + (m - 1), m, tmp);
    if (m == 1)
        return ref[0] - f[(size_t)idx[0]];
    if (m == 2) {
        /* sorted by the second objective: the area is the integral over y
         * of ref0 minus the least first objective among points below y */
        double v = 0, best0 = ref[0];
        for (int q = 0; q < n; q++) {
            const double *p = f + (size_t)idx[q] * 2;
            double ynext = q + 1 < n ? f[(size_t)idx[q + 1] * 2 + 1] : ref[1];
            if (p[0] < best0)
                best0 = p[0];
            v += (ref[0] - best0) * (ynext - p[1]);
        }
        return v;
    }
    /* slices between successive values of the last objective: the points
     * at or below a slice, projected on the first m-1 objectives */
    double v = 0, *sub = buf;
    int *sidx = idx + n;
    for (int q = 0; q < n; q++) {
        const double *p = f + (size_t)idx[q] * m;
        memcpy(sub + (size_t)q * (m - 1), p, (size_t)(m - 1) * sizeof *sub);
        double znext = q + 1 < n ? f[(size_t)idx[q + 1] * m + m - 1] : ref[m - 1];
        double depth = znext - p[m - 1];
        if (depth > 0)
            v += depth * hv_rec(q + 1, m - 1, sub, ref, sidx, tmp, sub + (size_t)n * (m - 1));
    }
    return v;
}

double fs_moea_hypervolume(int n, int m, const double *f, const double *ref)
{
    if (n <= 0 || m <= 0)
        return 0;
    /* keep the points strictly inside the reference box */
    double *pts = malloc((size_t)n * m * sizeof *pts);
    int *idx = malloc((size_t)n * (m + 1) * sizeof *idx);
    int *tmp = malloc((size_t)n * sizeof *tmp);
    double *buf = malloc((size_t)n * m * (m + 1) * sizeof *buf);
    double v = -1;
    if (!pts || !idx || !tmp || !buf)
        goto done;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int in = 1;
        for (int j = 0; j < m; j++)
            if (!(f[(size_t)i * m + j] < ref[j]))
                in = 0;
        if (in)
            memcpy(pts + (size_t)k++ * m, f + (size_t)i * m, (size_t)m * sizeof *pts);
    }
    v = hv_rec(k, m, pts, ref, idx, tmp, buf);
done:
    free(pts);
    free(idx);
    free(tmp);
    free(buf);
    return v;
}
