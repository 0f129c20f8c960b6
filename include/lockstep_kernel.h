/* lockstep_kernel.h: the lockstep model's step (lockstep.h), included
 * once by each of sim/lockstep_{scalar,sse2,avx2,avx512}.c with
 * FS_LOCKSTEP_RUN set to the function's name (lockstep_state.h); the
 * Makefile compiles those files with their instruction set's flags,
 * -ffp-contract=off and -fno-trapping-math, and the compiler vectorises
 * the loops over lanes. A lane's bits are the same in every build: each
 * operation is an IEEE-754 add, multiply, divide or comparison done on
 * each lane as written (no fused multiply-add, no reassociation), and the
 * only libm call, log1p, is the same function in all four.
 *
 * model.c's step for W runs at once: every state quantity is an array of
 * W lanes; each step's arithmetic is a loop over the lanes written as
 * model.c writes the scalar expression, operation for operation, so that
 * a lane computes the bits fs_model computes from the same values.
 * Conditions become selects; a lane's participation in a mechanism and a
 * mechanism being on are masks of 0 and 1, since injects change them run
 * by run. Rare events that differ between lanes (injects firing, each
 * plot's bookkeeping, a blamed origin) go lane by lane.
 *
 * The draws: lanes.h takes a fixed number of words a draw, so a lane's
 * place in its stream depends only on the kinds of draws made. Where
 * model.c draws only in some runs (a log-normal shock where presence is
 * above 0; a hazard's uniform until it fires; an attack inject's
 * casualties when it fires; a casualty draw when a plot is not foiled),
 * every lane draws whenever any run could need the draw at that point,
 * whatever its own state, and a lane uses the value only where model.c
 * would have drawn. Plots: n ~ Poisson per lane, then for k up to the
 * largest n in the block each lane draws its k-th plot's threat, foiling
 * and casualties, used where k < n. The k-th plot of a lane always sits at
 * the same place in its substream, so a larger n in another lane changes
 * nothing in this one. */
#ifndef FS_LOCKSTEP_RUN
#error "lockstep_kernel.h is included by sim/lockstep_*.c with FS_LOCKSTEP_RUN defined"
#endif

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lockstep_state.h"

/* The lanes of L: a constant where the file compiling this one fixes it
 * (FS_LOCKSTEP_FIXED_W), so that every loop over lanes is a few vector
 * instructions with no count to test. */
#ifdef FS_LOCKSTEP_FIXED_W
#define KW(L) FS_LOCKSTEP_FIXED_W
#else
#define KW(L) ((L)->W)
#endif

#define MAX_PLOTS FS_LOCKSTEP_MAX_PLOTS
#define MAX_CASUALTIES FS_LOCKSTEP_MAX_CASUALTIES
#define ESCALATION_FROM_ZERO FS_LOCKSTEP_ESCALATION_FROM_ZERO

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* Row i of a lane array. */
#define ROW(arr, i) ((arr) + (size_t)(i) * W)

/* Trust and interoperability are symmetric: the lanes keep the pair
 * {a, b} in row a*A+b with a < b only (model.c keeps both triangles,
 * equal, and computes the same on each). The rest of the matrix holds
 * the initial values and is never read. */
#define TRI(a, b) ((a) < (b) ? (a) * A + (b) : (b) * A + (a))

/* y += x over n lanes; restrict tells the compiler the rows are apart, so
 * the loop vectorises without run-time overlap checks. */
static void acc(double *restrict y, const double *restrict x, int n)
{
    int l;
    for (l = 0; l < n; l++)
        y[l] += x[l];
}

/* y = min(y, x) over n lanes, as model.c's `if (x < y) y = x`. */
static void acc_min(double *restrict y, const double *restrict x, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double a = x[l], b = y[l];
        y[l] = a < b ? a : b;
    }
}

/* y = y * f where the masks' product is not 0. */
static void mul_where(double *restrict y, const double *restrict f, const double *restrict m1,
                      const double *restrict m2, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double v = y[l], m = m1[l] * m2[l];
        y[l] = m != 0.0 ? v * f[l] : v;
    }
}

/* y = x, n lanes. */
static void copy(double *restrict y, const double *restrict x, int n)
{
    memcpy(y, x, (size_t)n * sizeof *y);
}

/* ---- Sums over actors and pairs, lane by lane in model.c's order. ---- */

/* Regional threat index into out: actors ascending, threats within. */
static void region_threat(const fs_lockstep *L, double *out)
{
    int W = KW(L), A = L->A, a, g, l;
    for (l = 0; l < W; l++)
        out[l] = 0.0;
    for (a = 0; a < A; a++) {
        if (!L->region[a])
            continue;
        for (g = 0; g < L->G; g++) {
            const double *P = ROW(L->P, g * A + a);
            for (l = 0; l < W; l++)
                out[l] += P[l];
        }
    }
}

static void cohesion(const fs_lockstep *L, double *out)
{
    int W = KW(L), i, l;
    for (l = 0; l < W; l++)
        out[l] = 0.0;
    for (i = 0; i < L->ncoh; i++) {
        const double *T = ROW(L->T, L->coh_pairs[i]);
        for (l = 0; l < W; l++)
            out[l] += T[l];
    }
    for (l = 0; l < W; l++)
        out[l] = L->ncoh ? out[l] / L->ncoh : 1.0;
}

/* 1.0 where the run has escalated (model.c's escalated), else 0.0. */
static void escalated(const fs_lockstep *L, const double *threat, double *out)
{
    int W = KW(L), l;
    for (l = 0; l < W; l++)
        out[l] = ((L->threat0[l] > 0.0 ? threat[l] >= L->q_esc[l] * L->threat0[l]
                                       : threat[l] >= ESCALATION_FROM_ZERO) ||
                  L->min_member[l] < L->q_fail[l]) ? 1.0 : 0.0;
}

static void track_member_stability(fs_lockstep *L)
{
    int W = KW(L), a;
    for (a = 0; a < L->A; a++)
        if (L->member[a])
            acc_min(L->min_member, ROW(L->S, a), W);
}

/* Writes one cell of the first nused runs: a row's cell each, or one
 * stretch of a column (fs_lockstep_columns). */
static void put(const fs_lockstep *L, double *obs, int nused, int cell, const double *v)
{
    double *o = obs + (size_t)cell * L->o_cell;
    int l;
    if (L->o_run == 1) {
        /* A column: eight lanes a fixed-size copy (a few vector moves,
         * not a call), the rest one by one. */
        for (l = 0; l + 8 <= nused; l += 8)
            memcpy(o + l, v + l, 8 * sizeof *v);
        for (; l < nused; l++)
            o[l] = v[l];
    } else
        for (l = 0; l < nused; l++)
            o[(size_t)l * L->o_run] = v[l];
}

/* model.c's record_step, lane by lane. */
static void record_step(fs_lockstep *L, double *obs, int nused)
{
    const fs_layout *lay = &L->lay;
    int W = KW(L), A = L->A, G = L->G, t = L->t, a, g, k, l;
    double *threat = L->u, *removed = L->v, *pres = L->x, *esc = L->fire;
    double *sums[4];

    region_threat(L, threat);
    sums[0] = L->n, sums[1] = L->total, sums[2] = L->p, sums[3] = L->size;
    for (k = 0; k < 4; k++)
        memset(sums[k], 0, W * sizeof(double));
    memset(removed, 0, W * sizeof(double));
    for (a = 0; a < A; a++) {
        memset(pres, 0, W * sizeof(double));
        for (g = 0; g < G; g++) {
            const double *P = ROW(L->P, g * A + a);
            for (l = 0; l < W; l++)
                pres[l] += P[l];
        }
        put(L, obs, nused, fs_cell_ta(lay, t, a, FS_TA_STABILITY), ROW(L->S, a));
        put(L, obs, nused, fs_cell_ta(lay, t, a, FS_TA_PRESENCE), pres);
        if (!L->region[a])
            continue;
        for (g = 0; g < G; g++)
            acc(removed, ROW(L->removed, g * A + a), W);
        acc(sums[0], ROW(L->plots, a), W);
        acc(sums[1], ROW(L->foiled, a), W);
        acc(sums[2], ROW(L->attacks, a), W);
        acc(sums[3], ROW(L->cas, a), W);
    }
    for (k = 0; k < lay->ntracked; k++)
        put(L, obs, nused, fs_cell_tp(lay, t, k),
            ROW(L->T, lay->tracked_a[k] * A + lay->tracked_b[k]));
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_THREAT), threat);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_PLOTS), sums[0]);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_FOILED), sums[1]);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_ATTACKS), sums[2]);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_CASUALTIES), sums[3]);
    cohesion(L, pres);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_COHESION), pres);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_COST), ROW(L->tot, FS_TOT_COST));
    escalated(L, threat, esc);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_ESCALATED), esc);
    put(L, obs, nused, fs_cell_ts(lay, t, FS_TS_REMOVED), removed);
    acc(ROW(L->tot, FS_TOT_REMOVED), removed, W);
    acc(ROW(L->tot, FS_TOT_PLOTS), sums[0], W);
    acc(ROW(L->tot, FS_TOT_FOILED), sums[1], W);
    acc(ROW(L->tot, FS_TOT_ATTACKS), sums[2], W);
    acc(ROW(L->tot, FS_TOT_CASUALTIES), sums[3], W);
    {
        double *pk = ROW(L->tot, FS_TOT_THREAT_PEAK);
        for (l = 0; l < W; l++)
            pk[l] = threat[l] > pk[l] ? threat[l] : pk[l];
    }
    acc(L->tot_th, L->th_step, G * FS_TH_N * W);
    for (a = 0; a < A; a++) {
        acc(ROW(L->tot_at, a * FS_AT_N + FS_AT_ATTACKS), ROW(L->attacks, a), W);
        acc(ROW(L->tot_at, a * FS_AT_N + FS_AT_FOILED), ROW(L->foiled, a), W);
        acc(ROW(L->tot_at, a * FS_AT_N + FS_AT_CASUALTIES), ROW(L->cas, a), W);
        acc_min(ROW(L->tot_at, a * FS_AT_N + FS_AT_MIN_STABILITY), ROW(L->S, a), W);
    }
}

/* ---- The run's start: fs_model_start for every lane. ---- */

static void start(fs_lockstep *L, double *obs, int nused)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), A = L->A, a, k, i, l;
    size_t GA = (size_t)L->G * A;

    L->t = 0;
    L->any_origin = 0;
    memset(L->blame_origin, 0, (size_t)A * A * W * sizeof(double));
    copy(L->P, L->q_P0, (int)GA * W);
    copy(L->S, L->q_stab, A * W);
    copy(L->cap, L->q_cap0, A * W);
    copy(L->T, L->q_T0, A * A * W);
    copy(L->X, L->q_X0, A * A * W);
    copy(L->perm, L->q_perm0, L->E * W);
    memset(L->part, 0, (size_t)L->M * A * W * sizeof(double));
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        for (i = 0; i < mc->nparticipants; i++)
            for (l = 0; l < W; l++)
                ROW(L->part, k * A + mc->participants[i])[l] = 1.0;
        for (l = 0; l < W; l++) {
            ROW(L->on, k)[l] = mc->enabled != 0;
            ROW(L->mech_steps, k)[l] = ROW(L->mech_cost, k)[l] = 0.0;
        }
    }
    /* Once-per-run draws at the stream's start, in inject order. */
    for (i = 0; i < L->I; i++) {
        const fs_inject *in = &sc->injects[i];
        double *will = ROW(L->will, i);
        for (l = 0; l < W; l++) {
            ROW(L->first_fire, i)[l] = 0.0;
            will[l] = 1.0;
        }
        if (in->hazard == 0.0 && in->probability < 1.0) {
            const double *prob = ROW(L->q_prob, i);
            fs_lanes_uniform(L->rng, L->u);
            for (l = 0; l < W; l++)
                will[l] = L->u[l] < prob[l];
        }
    }
    memset(L->plots, 0, (size_t)A * W * sizeof(double));
    memset(L->foiled, 0, (size_t)A * W * sizeof(double));
    memset(L->attacks, 0, (size_t)A * W * sizeof(double));
    memset(L->cas, 0, (size_t)A * W * sizeof(double));
    memset(L->tot_at, 0, (size_t)A * FS_AT_N * W * sizeof(double));
    for (a = 0; a < A; a++)
        memcpy(ROW(L->tot_at, a * FS_AT_N + FS_AT_MIN_STABILITY), ROW(L->S, a),
               W * sizeof(double));
    memset(L->tot, 0, (size_t)FS_TOT_N * W * sizeof(double));
    memset(L->removed, 0, GA * W * sizeof(double));
    memset(L->th_step, 0, (size_t)L->G * FS_TH_N * W * sizeof(double));
    memset(L->tot_th, 0, (size_t)L->G * FS_TH_N * W * sizeof(double));
    for (l = 0; l < W; l++) {
        L->first_mc[l] = 0.0;
        L->min_member[l] = 1.0;
    }
    track_member_stability(L);
    region_threat(L, L->threat0);
    cohesion(L, L->cohesion0);
    memcpy(ROW(L->tot, FS_TOT_THREAT_PEAK), L->threat0, W * sizeof(double));
    record_step(L, obs, nused);
}

/* ---- Step 1: injects. ---- */

static void set_first_mc(fs_lockstep *L, int l)
{
    if (L->first_mc[l] == 0.0)
        L->first_mc[l] = L->t;
}

/* Inject i's effect in lane l (model.c's apply_inject); an attack's drawn
 * casualties are in icas. */
static void apply_inject(fs_lockstep *L, int i, int l)
{
    const fs_scenario *sc = L->lsc[l];
    const fs_inject *in = &sc->injects[i];
    int W = KW(L), A = L->A, a = in->actor, b = in->actor2, g = in->threat, k;

    if (in->muted)
        return;
    switch (in->kind) {
    case FS_INJ_ATTACK: {
        double cas = 0.0, one;
        for (k = 0; k < in->attacks; k++) {
            one = in->casualties < 0.0 ? ROW(L->icas, k)[l]
                  : in->per_attack ? in->casualties : in->casualties / in->attacks;
            cas += one;
            if (one >= L->q_mass[l] && sc->actors[a].role != FS_ROLE_EXTERNAL)
                set_first_mc(L, l);
        }
        ROW(L->attacks, a)[l] += in->attacks;
        ROW(L->cas, a)[l] += cas;
        if (sc->actors[a].role != FS_ROLE_EXTERNAL) {
            ROW(L->th_step, g * FS_TH_N + FS_TH_ATTACKS)[l] += in->attacks;
            ROW(L->th_step, g * FS_TH_N + FS_TH_CASUALTIES)[l] += cas;
        }
        if (b >= 0) {
            ROW(L->blame_origin, a * A + b)[l] += in->attacks;
            L->any_origin = 1;
        } else
            ROW(L->att, g * A + a)[l] += in->attacks;
        break;
    }
    case FS_INJ_CAPACITY_SHOCK:
        ROW(L->cap, a)[l] = clamp01(ROW(L->cap, a)[l] + in->delta);
        break;
    case FS_INJ_STABILITY_SHOCK:
        ROW(L->S, a)[l] = clamp01(ROW(L->S, a)[l] + in->delta);
        break;
    case FS_INJ_TRUST_SHOCK:
        ROW(L->T, TRI(a, b))[l] = clamp01(ROW(L->T, TRI(a, b))[l] + in->delta);
        break;
    case FS_INJ_THREAT_SURGE:
        for (k = 0; k < A; k++)
            if (a < 0 || k == a)
                ROW(L->P, g * A + k)[l] = ROW(L->P, g * A + k)[l] * in->factor + in->add;
        break;
    case FS_INJ_MECHANISM_ON:
        ROW(L->on, in->mechanism)[l] = 1.0;
        break;
    case FS_INJ_MECHANISM_OFF:
        ROW(L->on, in->mechanism)[l] = 0.0;
        break;
    case FS_INJ_JOIN:
    case FS_INJ_LEAVE:
        ROW(L->part, in->mechanism * A + a)[l] = in->kind == FS_INJ_JOIN;
        break;
    case FS_INJ_BORDER_CHANGE: {
        double *pe = ROW(L->perm, in->border);
        ROW(L->perm_before, i)[l] = pe[l];
        pe[l] = in->value >= 0.0 ? in->value : clamp01(pe[l] * in->factor);
        break;
    }
    }
}

/* A border_change with `until` ends after that step. */
static void end_border_changes(fs_lockstep *L)
{
    int W = KW(L), i, l;
    for (i = 0; i < L->I; i++) {
        const fs_inject *in = &L->sc->injects[i];
        if (in->kind != FS_INJ_BORDER_CHANGE || in->until <= 0 || in->until + 1 != L->t ||
            in->muted)
            continue;
        for (l = 0; l < W; l++)
            if (ROW(L->first_fire, i)[l] != 0.0)
                ROW(L->perm, in->border)[l] = ROW(L->perm_before, i)[l];
    }
}

/* Every lane draws a hazard's uniform at each step of its window, and an
 * attack's casualties at each step it could fire, whether it fires there
 * or not (muted copies too, as in model.c). */
static void step_injects(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), t = L->t, i, k, l;

    fs_lanes_substream(L->rng, (uint32_t)t, 0);
    end_border_changes(L);
    for (i = 0; i < L->I; i++) {
        const fs_inject *in = &sc->injects[i];
        const double *ff = ROW(L->first_fire, i);
        double *fire = L->fire;
        int any = 0;
        if (in->hazard > 0.0) {
            if (t < in->start || t > in->end)
                continue;
            const double *haz = ROW(L->q_haz, i);
            fs_lanes_uniform(L->rng, L->u);
            for (l = 0; l < W; l++)
                fire[l] = (in->repeat || ff[l] == 0.0) && L->u[l] < haz[l];
        } else {
            if (in->step != t)
                continue;
            memcpy(fire, ROW(L->will, i), W * sizeof(double));
        }
        if (in->kind == FS_INJ_ATTACK && in->casualties < 0.0)
            for (k = 0; k < in->attacks; k++)
                fs_lanes_negbin(L->rng, ROW(L->q_nbp, in->threat), ROW(L->q_nbk, in->threat),
                                MAX_CASUALTIES, ROW(L->icas, k));
        for (l = 0; l < W; l++)
            any |= fire[l] != 0.0;
        if (!any)
            continue;
        for (l = 0; l < W; l++) {
            if (fire[l] == 0.0)
                continue;
            apply_inject(L, i, l);
            if (ROW(L->first_fire, i)[l] == 0.0)
                ROW(L->first_fire, i)[l] = t;
        }
    }
}

static void mark_active(fs_lockstep *L)
{
    int W = KW(L), k, l;
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &L->sc->mechanisms[k];
        const double *on = ROW(L->on, k);
        double *act = ROW(L->active, k), within = L->t >= mc->start && L->t <= mc->end;
        for (l = 0; l < W; l++)
            act[l] = on[l] * within;
    }
}

/* ---- Step 2: detection, D_a = 1 - (1 - d_a) prod (1 - phi h T_ab d_b),
 * the factors in the order mechanism, then partner b ascending. ---- */

/* keep *= 1 - w T own, where the mask and part are not 0. */
static void keep_factor(double *restrict keep, const double *restrict w,
                        const double *restrict T, const double *restrict own,
                        const double *restrict mask, const double *restrict part, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double f = 1.0 - w[l] * T[l] * own[l], k = keep[l];
        keep[l] = mask[l] * part[l] != 0.0 ? k * f : k;
    }
}

static void step_detection(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), A = L->A, a, i, j, k, l;

    for (a = 0; a < A; a++) {
        const double *cap = ROW(L->cap, a), *intel = ROW(L->q_intel, a);
        double *own = ROW(L->own, a), *keep = ROW(L->keep, a);
        for (l = 0; l < W; l++) {
            own[l] = intel[l] * cap[l];
            keep[l] = 1.0;
        }
    }
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        const int *c = L->cand + k * A, n = L->ncand[k];
        const double *act = ROW(L->active, k), *w = ROW(L->q_w, k);
        if (mc->kind != FS_MECH_INTEL_SHARING)
            continue;
        for (i = 0; i < n; i++) {
            double *mask = L->sh;
            const double *pa = ROW(L->part, k * A + c[i]);
            for (l = 0; l < W; l++)
                mask[l] = act[l] * pa[l];
            for (j = 0; j < n; j++)
                if (j != i)
                    keep_factor(ROW(L->keep, c[i]), w, ROW(L->T, TRI(c[i], c[j])),
                                ROW(L->own, c[j]), mask, ROW(L->part, k * A + c[j]), W);
        }
    }
    for (a = 0; a < A; a++) {
        const double *own = ROW(L->own, a), *keep = ROW(L->keep, a);
        double *D = ROW(L->D, a);
        for (l = 0; l < W; l++)
            D[l] = 1.0 - (1.0 - own[l]) * keep[l];
    }
}

/* open *= 1 - B, B = h (1/2 + X/2), where the border operation is active. */
static void border_open(double *restrict open, const double *restrict h,
                        const double *restrict X, const double *restrict act, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double B = h[l] * (0.5 + 0.5 * X[l]), o = open[l];
        open[l] = act[l] != 0.0 ? o * (1.0 - B) : o;
    }
}

/* Coverage of counter-radicalisation and border closure this step. */
static void step_coverage(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), A = L->A, a, e, k, j, l;

    for (l = 0; l < A * W; l++)
        L->CR[l] = 1.0;
    for (l = 0; l < L->E * W; l++)
        L->open[l] = 1.0;
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        const double *act = ROW(L->active, k);
        if (mc->kind == FS_MECH_COUNTER_RADICALISATION) {
            for (j = 0; j < L->ncand[k]; j++) {
                a = L->cand[k * A + j];
                mul_where(ROW(L->CR, a), ROW(L->q_1h, k), act, ROW(L->part, k * A + a), W);
            }
        } else if (mc->kind == FS_MECH_BORDER_OPERATION) {
            for (j = 0; j < mc->nborders; j++) {
                const fs_border *bd = &sc->borders[mc->borders[j]];
                border_open(ROW(L->open, mc->borders[j]), ROW(L->q_h, k),
                            ROW(L->X, TRI(bd->a, bd->b)), act, W);
            }
        }
    }
    for (l = 0; l < A * W; l++) {
        L->CR[l] = 1.0 - L->CR[l];
        L->reach[l] = 0.0;
    }
    for (e = 0; e < L->E; e++) {
        const double *perm = ROW(L->perm, e), *open = ROW(L->open, e);
        double *w = L->x;
        for (l = 0; l < W; l++)
            w[l] = perm[l] * open[l];
        acc(ROW(L->reach, L->end_a[e]), w, W);
        acc(ROW(L->reach, L->end_b[e]), w, W);
    }
}

/* ---- Step 3: growth, flows, attrition, log-normal shock. ---- */

/* The flows along one border: w = m pi (1 - B), a->b w scaled_a, b->a w
 * scaled_b, kept in ab and ba and added to the four rows they feed (a
 * border joins two actors, so the rows are apart). */
static void edge_flows(double *restrict ab, double *restrict ba, double *restrict in_b,
                       double *restrict out_a, double *restrict in_a, double *restrict out_b,
                       const double *restrict mob, const double *restrict perm,
                       const double *restrict open, const double *restrict sa,
                       const double *restrict sb, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double w = mob[l] * perm[l] * open[l], x = w * sa[l], y = w * sb[l];
        ab[l] = x;
        ba[l] = y;
        in_b[l] += x;
        out_a[l] += x;
        in_a[l] += y;
        out_b[l] += y;
    }
}

static void threat_flows(fs_lockstep *L, int g)
{
    int W = KW(L), A = L->A, E = L->E, a, e, l;
    const double *mob = ROW(L->q_mob, g);
    double *in = ROW(L->inflow, g * A), *out = ROW(L->outflow, g * A);

    for (a = 0; a < A; a++) {
        const double *P = ROW(L->P, g * A + a), *reach = ROW(L->reach, a);
        double *scaled = ROW(L->scaled, a);
        for (l = 0; l < W; l++) {
            double share = mob[l] * reach[l];
            scaled[l] = P[l] * (share > 1.0 ? 1.0 / share : 1.0);
        }
    }
    memset(in, 0, (size_t)A * W * sizeof(double));
    memset(out, 0, (size_t)A * W * sizeof(double));
    for (e = 0; e < E; e++) {
        int ea = L->end_a[e], eb = L->end_b[e];
        double *fab = ROW(L->flow, ((size_t)g * E + e) * 2), *fba = fab + W;
        /* Each of the four rows gets one addition per border, in border
         * order, as in model.c. */
        edge_flows(fab, fba, in + (size_t)eb * W, out + (size_t)ea * W, in + (size_t)ea * W,
                   out + (size_t)eb * W, mob, ROW(L->perm, e), ROW(L->open, e),
                   ROW(L->scaled, ea), ROW(L->scaled, eb), W);
    }
}

/* Growth, flows and attrition of threat g in actor a: the next presence
 * before its shock, and what attrition removed. */
static void grow_lanes(double *restrict Pn, double *restrict rm, const double *restrict P,
                       const double *restrict ik, const double *restrict CR,
                       const double *restrict cap, const double *restrict D,
                       const double *restrict in, const double *restrict out,
                       const double *restrict r, const double *restrict o,
                       const double *restrict k, const double *restrict K, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double p = P[l];
        double growth = r[l] * p * (1.0 - p * ik[l]) * (1.0 + o[l] * (1.0 - CR[l]));
        /* The decline above K stops at K (model.c). */
        growth = ((growth < 0.0) & (growth < K[l] - p)) ? K[l] - p : growth;
        double attr = k[l] * cap[l] * D[l] * p;
        double next = p + growth + in[l] - out[l] - attr;
        double kept = attr + next > 0.0 ? attr + next : 0.0;
        rm[l] = next < 0.0 ? kept : attr;
        Pn[l] = next < 0.0 ? 0.0 : next;
    }
}

static void grow(fs_lockstep *L, int g, int a, double *rm, double *Pn)
{
    int W = KW(L), A = L->A;
    grow_lanes(Pn, rm, ROW(L->P, g * A + a), ROW(L->inv_k, g * A + a), ROW(L->CR, a),
               ROW(L->cap, a), ROW(L->D, a), ROW(L->inflow, g * A + a),
               ROW(L->outflow, g * A + a), ROW(L->q_growth, g), ROW(L->q_orec, g),
               ROW(L->q_attr, g), ROW(L->q_K, g * A + a), W);
}

/* The log-normal shock where presence is above 0. */
static void shock(double *restrict Pn, const double *restrict x, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double p = Pn[l], f = x[l];
        Pn[l] = p > 0.0 ? p * f : p;
    }
}

static void step_threats(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), A = L->A, g, a;

    fs_lanes_substream(L->rng, (uint32_t)L->t, 1);
    for (g = 0; g < L->G; g++) {
        const fs_threat *th = &sc->threats[g];
        double *removed = ROW(L->th_step, g * FS_TH_N + FS_TH_REMOVED);
        threat_flows(L, g);
        /* Injects record no removals, so this step's sum starts at 0. */
        memset(removed, 0, W * sizeof(double));
        /* Every actor's shock of this threat at once (actor a's the a-th
         * draw of every lane, as one draw an actor would take them). */
        if (th->volatility > 0.0)
            fs_lanes_lognormal_rows(L->rng, A, ROW(L->q_vol, g), L->shk);
        for (a = 0; a < A; a++) {
            double *rm = ROW(L->removed, g * A + a), *Pn = ROW(L->Pn, g * A + a);
            grow(L, g, a, rm, Pn);
            if (L->region[a])
                acc(removed, rm, W);
            if (th->volatility > 0.0)
                shock(Pn, ROW(L->shk, a), W);
        }
    }
    memcpy(L->P, L->Pn, (size_t)L->G * A * W * sizeof(double));
}

/* ---- Step 4: plots, foiled plots, attacks and casualties. ---- */

/* One plot of lane l in actor a: its threat from u (model.c's search),
 * foiled or not from v; returns the threat, or -1 when foiled. */
static int plot_one(fs_lockstep *L, int a, int l)
{
    int W = KW(L), A = L->A, g, j, go = 1, last = (int)L->last[l];
    double u = L->u[l] * L->total[l], *th_step;
    int foiled = L->v[l] < ROW(L->D, a)[l];

    /* The first g whose cumulative rate passes u; rounding can leave u
     * at the very top, which goes to the last threat with a positive rate. */
    for (g = j = 0; j < L->G; j++) {   /* the search, without a branch a threat */
        int in = go & (j < last);
        double nu = u - ROW(L->mu, j)[l];
        u = in ? nu : u;
        go = in & (nu >= 0.0);
        g += go;
    }
    th_step = L->th_step + (size_t)g * FS_TH_N * W + l;
    ROW(L->plots, a)[l] += 1.0;
    if (L->region[a])
        th_step[FS_TH_PLOTS * W] += 1.0;
    if (foiled) {
        ROW(L->foiled, a)[l] += 1.0;
        if (L->region[a])
            th_step[FS_TH_FOILED * W] += 1.0;
        return -1;
    }
    ROW(L->attacks, a)[l] += 1.0;
    ROW(L->att, g * A + a)[l] += 1.0;
    return g;
}

static void plot_casualties(fs_lockstep *L, int a, int g, int l)
{
    int W = KW(L);
    double c = L->x[l];
    ROW(L->cas, a)[l] += c;
    if (L->region[a]) {
        double *th_step = L->th_step + (size_t)g * FS_TH_N * W + l;
        th_step[FS_TH_ATTACKS * W] += 1.0;
        th_step[FS_TH_CASUALTIES * W] += c;
        if (c >= L->q_mass[l])
            set_first_mc(L, l);
    }
}

/* Threat g's plot rate in one actor, its running total over threats and
 * the last threat with a positive rate. */
static void plot_rates(double *restrict mu, double *restrict total, double *restrict last,
                       const double *restrict rate, const double *restrict P,
                       const double *restrict S, int g, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double m = rate[l] * P[l] * (1.0 - 0.5 * S[l]);
        mu[l] = m;
        total[l] += m;
        last[l] = m > 0.0 ? g : last[l];
    }
}

/* This plot's casualties, in L->x, where L->p is a probability. By
 * inversion, one word a lane and no retries, so when no lane needs a
 * value the word is only skipped: every lane stands where it would
 * have. The gamma mixture takes its retries from side blocks, which a
 * lane would not have used had the draw been skipped, so it always draws. */
static void plot_draw_casualties(fs_lockstep *L)
{
    int W = KW(L), l, any = 0;
    if (!L->cas_inversion) {
        fs_lanes_negbin(L->rng, L->p, L->size, MAX_CASUALTIES, L->x);
        return;
    }
    for (l = 0; l < W; l++)
        any |= L->p[l] > 0.0;
    if (any)
        fs_lanes_negbin_inversion(L->rng, L->p, L->size, L->p0, L->x);
    else
        fs_lanes_words(L->rng, L->wskip);
}

static void step_plots(fs_lockstep *L)
{
    int W = KW(L), A = L->A, G = L->G, a, g, l;
    double *gsel = L->gs;   /* a lane's plot threat, -1 when foiled */
    int *act = L->act, nact;

    for (a = 0; a < A; a++) {
        const double *S = ROW(L->S, a);
        double nmax = 0.0;
        int any = 0, k;
        for (l = 0; l < W; l++) {
            L->total[l] = 0.0;
            L->last[l] = -1.0;
        }
        for (g = 0; g < G; g++)
            plot_rates(ROW(L->mu, g), L->total, L->last, ROW(L->q_rate, g),
                       ROW(L->P, g * A + a), S, g, W);
        for (l = 0; l < W; l++)
            any |= !(L->total[l] <= 0.0);
        if (!any)
            continue;
        fs_lanes_substream(L->rng, (uint32_t)L->t, (uint32_t)(2 + a));
        fs_lanes_poisson(L->rng, L->total, MAX_PLOTS, L->n);
        for (l = 0; l < W; l++)
            nmax = L->n[l] > nmax ? L->n[l] : nmax;
        /* The lanes with a k-th plot, ascending: all of them narrowed
         * as k grows (a lane's state is its own, so only they are
         * visited; every lane still draws each uniform). */
        for (l = 0; l < W; l++)
            act[l] = l;
        nact = W;
        for (k = 0; k < nmax; k++) {
            int m, na = 0;
            fs_lanes_uniform(L->rng, L->u);
            fs_lanes_uniform(L->rng, L->v);
            for (m = 0; m < nact; m++) {   /* without a branch a lane */
                act[na] = act[m];
                na += k < L->n[act[m]];
            }
            nact = na;
            for (l = 0; l < W; l++)
                L->p[l] = L->size[l] = L->p0[l] = 0.0;
            for (m = 0; m < nact; m++) {
                int gl;
                l = act[m];
                gl = plot_one(L, a, l);
                gsel[l] = gl;
                if (gl >= 0) {
                    L->p[l] = ROW(L->q_nbp, gl)[l];
                    L->size[l] = ROW(L->q_nbk, gl)[l];
                    L->p0[l] = ROW(L->q_nbP0, gl)[l];
                }
            }
            plot_draw_casualties(L);
            for (m = 0; m < nact; m++) {
                l = act[m];
                if (gsel[l] >= 0)
                    plot_casualties(L, a, (int)gsel[l], l);
            }
        }
    }
}

/* ---- Step 5: stability. ---- */

static void stability_lanes(double *restrict S, const double *restrict res,
                            const double *restrict stab, const double *restrict alpha,
                            const double *restrict att, const double *restrict kappa,
                            const double *restrict lc, int n)
{
    int l;
    for (l = 0; l < n; l++)
        S[l] = clamp01(S[l] + res[l] * (stab[l] - S[l]) - alpha[l] * att[l] -
                       kappa[l] * lc[l]);
}

static void step_stability(fs_lockstep *L)
{
    int W = KW(L), a, l;
    double *lc = L->u;

    for (a = 0; a < L->A; a++) {
        const double *cas = ROW(L->cas, a), *att = ROW(L->attacks, a);
        const double *res = ROW(L->q_res, a), *stab = ROW(L->q_stab, a);
        double *S = ROW(L->S, a);
        /* log1p(0) is 0: most lanes have no casualties in a step, and
         * most steps none in any lane. */
        int any = 0;
        for (l = 0; l < W; l++)
            any |= cas[l] > 0.0;
        for (l = 0; l < W; l++)
            lc[l] = 0.0;
        for (l = 0; any && l < W; l++)
            if (cas[l] > 0.0)
                lc[l] = log1p(cas[l]);
        stability_lanes(S, res, stab, L->q_alpha, att, L->q_kappa, lc, W);
    }
}

/* ---- Step 6: blame, drills and drift. ---- */

/* h_ab in every lane: 1 - prod(1 - h) over the active intel sharing
 * mechanisms that hold both. */
static void sharing_between(const fs_lockstep *L, int a, int b, double *sh)
{
    int W = KW(L), A = L->A, k, l;
    double *mask = L->fire;
    for (l = 0; l < W; l++)
        sh[l] = 1.0;
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &L->sc->mechanisms[k];
        const double *act = ROW(L->active, k);
        const double *pa = ROW(L->part, k * A + a), *pb = ROW(L->part, k * A + b);
        if (mc->kind != FS_MECH_INTEL_SHARING)
            continue;
        for (l = 0; l < W; l++)
            mask[l] = act[l] * pa[l];
        mul_where(sh, ROW(L->q_1h, k), mask, pb, W);
    }
    for (l = 0; l < W; l++)
        sh[l] = 1.0 - sh[l];
}

/* model.c's lower_trust(a, b, tau (f / total) n (1 - h_ab)) where n > 0,
 * total > 0 and f > 0 (a NaN n or total counts as positive there). */
static void blame_flow(double *restrict Tab, const double *restrict tau,
                       const double *restrict f, const double *restrict total,
                       const double *restrict n, const double *restrict sh, int len)
{
    int l;
    for (l = 0; l < len; l++) {
        double t = Tab[l], v = t - tau[l] * (f[l] / total[l]) * n[l] * (1.0 - sh[l]);
        int on = !(n[l] <= 0.0) & !(total[l] <= 0.0) & (f[l] > 0.0);
        v = v < 0.0 ? 0.0 : v;
        Tab[l] = on ? v : t;
    }
}

/* h_ab of the step (sharing_between), computed once a step for each
 * pair: the mechanisms' activity and participation do not change while
 * blame is laid, and h_ab = h_ba (masks of 0 and 1). */
static const double *pair_sharing(fs_lockstep *L, int a, int b)
{
    int W = KW(L), A = L->A, k = TRI(a, b);
    double *sh = ROW(L->sh_pair, k);
    if (!L->sh_known[k]) {
        sharing_between(L, a, b, sh);
        L->sh_known[k] = 1;
    }
    return sh;
}

static void step_blame(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    const double *tau = L->q_tau;
    int W = KW(L), A = L->A, E = L->E, g, a, b, j, l;

    memset(L->sh_known, 0, (size_t)A * A * sizeof *L->sh_known);
    for (g = 0; g < L->G; g++)
        for (a = 0; a < A; a++) {
            const double *n = ROW(L->att, g * A + a), *total = ROW(L->inflow, g * A + a);
            int any = 0;
            for (l = 0; l < W; l++)
                any |= !(n[l] <= 0.0 || total[l] <= 0.0);
            if (!any)
                continue;
            for (j = L->inc_start[a]; j < L->inc_start[a + 1]; j++) {
                int slot = L->inc[j];
                const fs_border *bd = &sc->borders[slot >> 1];
                const double *f = ROW(L->flow, (size_t)g * E * 2 + slot);
                b = (slot & 1) ? bd->b : bd->a;
                blame_flow(ROW(L->T, TRI(a, b)), tau, f, total, n, pair_sharing(L, a, b), W);
            }
        }
    if (!L->any_origin)
        return;
    for (a = 0; a < A; a++)
        for (b = 0; b < A; b++) {
            const double *bo = ROW(L->blame_origin, a * A + b);
            double *Tab = ROW(L->T, TRI(a, b));
            int any = 0;
            for (l = 0; l < W; l++)
                any |= bo[l] > 0.0;
            if (!any)
                continue;
            const double *sh = pair_sharing(L, a, b);
            for (l = 0; l < W; l++) {
                double v = Tab[l] - tau[l] * bo[l] * (1.0 - sh[l]);
                v = v < 0.0 ? 0.0 : v;
                Tab[l] = bo[l] > 0.0 ? v : Tab[l];
            }
        }
}

/* A drill: v += gamma (1 - v) where both masks are not 0. */
static void drill(double *restrict ab, const double *restrict gamma,
                  const double *restrict m1, const double *restrict m2, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double v = ab[l], nv = v + gamma[l] * (1.0 - v);
        ab[l] = m1[l] * m2[l] != 0.0 ? nv : v;
    }
}

/* Drift toward T0 and decay of X (model.c's drift). */
static void drift(double *restrict T, double *restrict X, const double *restrict t0,
                  const double *restrict rho, const double *restrict keep, int n)
{
    int l;
    for (l = 0; l < n; l++) {
        T[l] = clamp01(T[l] + rho[l] * (t0[l] - T[l]));
        X[l] *= keep[l];
    }
}

static void step_drills_and_drift(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int W = KW(L), A = L->A, i, j, k, l;

    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        const int *c = L->cand + k * A;
        const double *act = ROW(L->active, k);
        const double *gt = ROW(L->q_gt, k), *gx = ROW(L->q_gx, k);
        if (mc->kind != FS_MECH_JOINT_DRILL || L->t < mc->start ||
            (L->t - mc->start) % mc->period != 0)
            continue;
        for (i = 0; i < L->ncand[k]; i++)
            for (j = i + 1; j < L->ncand[k]; j++) {
                const double *pa = ROW(L->part, k * A + c[i]), *pb = ROW(L->part, k * A + c[j]);
                double *mask = L->x;
                for (l = 0; l < W; l++)
                    mask[l] = act[l] * pa[l];
                drill(ROW(L->T, TRI(c[i], c[j])), gt, mask, pb, W);
                drill(ROW(L->X, TRI(c[i], c[j])), gx, mask, pb, W);
            }
    }
    /* Drift toward T0 and decay of X, as model.c, on the upper triangle. */
    for (i = 0; i < A; i++)
        for (j = i + 1; j < A; j++)
            drift(ROW(L->T, i * A + j), ROW(L->X, i * A + j), ROW(L->q_T0, i * A + j),
                  L->q_rho, L->q_keep, W);
}

/* y += c (c[l], or 1 when c is NULL) where the mask is not 0. */
static void add_where(double *restrict y, const double *restrict c, const double *restrict m,
                      int n)
{
    int l;
    for (l = 0; l < n; l++) {
        double v = y[l], d = c ? c[l] : 1.0;
        y[l] = m[l] != 0.0 ? v + d : v;
    }
}

static void step_costs(fs_lockstep *L)
{
    int W = KW(L), k;
    double *cost = ROW(L->tot, FS_TOT_COST);
    for (k = 0; k < L->M; k++) {
        const double *act = ROW(L->active, k), *c = ROW(L->q_cost, k);
        add_where(ROW(L->mech_steps, k), NULL, act, W);
        add_where(ROW(L->mech_cost, k), c, act, W);
        add_where(cost, c, act, W);
    }
}

static void step(fs_lockstep *L, double *obs, int nused)
{
    int W = KW(L), A = L->A;
    size_t GA = (size_t)L->G * A;

    L->t++;
    memset(L->plots, 0, (size_t)A * W * sizeof(double));
    memset(L->foiled, 0, (size_t)A * W * sizeof(double));
    memset(L->attacks, 0, (size_t)A * W * sizeof(double));
    memset(L->cas, 0, (size_t)A * W * sizeof(double));
    memset(L->att, 0, GA * W * sizeof(double));
    memset(L->removed, 0, GA * W * sizeof(double));
    memset(L->th_step, 0, (size_t)L->G * FS_TH_N * W * sizeof(double));
    if (L->any_origin) {
        memset(L->blame_origin, 0, (size_t)A * A * W * sizeof(double));
        L->any_origin = 0;
    }
    step_injects(L);
    mark_active(L);
    step_detection(L);
    step_coverage(L);
    step_threats(L);
    step_plots(L);
    step_stability(L);
    step_blame(L);
    step_drills_and_drift(L);
    step_costs(L);
    track_member_stability(L);
    record_step(L, obs, nused);
}

/* model.c's fs_model_finish, lane by lane. */
static void finish(fs_lockstep *L, double *obs, int nused)
{
    const fs_scenario *sc = L->sc;
    const fs_layout *lay = &L->lay;
    int W = KW(L), A = L->A, a, b, k, l;
    double *threat = L->u, *coh = L->v, *esc = L->fire, *frac = L->x, *cont = L->sh;

    region_threat(L, threat);
    cohesion(L, coh);
    memcpy(ROW(L->tot, FS_TOT_THREAT_START), L->threat0, W * sizeof(double));
    memcpy(ROW(L->tot, FS_TOT_THREAT_FINAL), threat, W * sizeof(double));
    memcpy(ROW(L->tot, FS_TOT_COHESION_START), L->cohesion0, W * sizeof(double));
    memcpy(ROW(L->tot, FS_TOT_COHESION_FINAL), coh, W * sizeof(double));
    memcpy(ROW(L->tot, FS_TOT_MIN_MEMBER_STABILITY), L->min_member, W * sizeof(double));
    for (l = 0; l < W; l++)
        ROW(L->tot, FS_TOT_FIRST_MASS_CASUALTY)[l] = L->first_mc[l] != 0.0 ? L->first_mc[l] : NAN;
    for (k = 0; k < FS_TOT_N; k++)
        put(L, obs, nused, fs_cell_tot(lay, k), ROW(L->tot, k));
    for (a = 0; a < A; a++) {
        memcpy(ROW(L->tot_at, a * FS_AT_N + FS_AT_FINAL_STABILITY), ROW(L->S, a),
               W * sizeof(double));
        for (k = 0; k < FS_AT_N; k++)
            put(L, obs, nused, fs_cell_at(lay, a, k), ROW(L->tot_at, a * FS_AT_N + k));
        for (b = a + 1; b < A; b++)
            put(L, obs, nused, fs_cell_trust(lay, a, b), ROW(L->T, a * A + b));
    }
    for (k = 0; k < L->G; k++) {
        double *fp = ROW(L->tot_th, k * FS_TH_N + FS_TH_FINAL_PRESENCE);
        int j;
        memset(fp, 0, W * sizeof(double));
        for (a = 0; a < A; a++)
            if (sc->actors[a].role != FS_ROLE_EXTERNAL)
                for (l = 0; l < W; l++)
                    fp[l] += ROW(L->P, k * A + a)[l];
        for (j = 0; j < FS_TH_N; j++)
            put(L, obs, nused, fs_cell_th(lay, k, j), ROW(L->tot_th, k * FS_TH_N + j));
    }
    for (k = 0; k < L->M; k++) {
        put(L, obs, nused, fs_cell_mech(lay, k, FS_MC_ACTIVE_STEPS), ROW(L->mech_steps, k));
        put(L, obs, nused, fs_cell_mech(lay, k, FS_MC_COST), ROW(L->mech_cost, k));
    }
    /* frac and cont serve as scratch here, before their own turn below. */
    for (k = 0; k < L->I; k++) {
        const double *ff = ROW(L->first_fire, k);
        for (l = 0; l < W; l++) {
            frac[l] = ff[l] > 0.0;
            cont[l] = ff[l] > 0.0 ? ff[l] : NAN;
        }
        put(L, obs, nused, fs_cell_inj(lay, k, FS_IN_FIRED), frac);
        put(L, obs, nused, fs_cell_inj(lay, k, FS_IN_FIRST_STEP), cont);
    }
    escalated(L, threat, esc);
    for (l = 0; l < W; l++) {
        frac[l] = coh[l] < L->cohesion0[l] - L->q_frac[l];
        cont[l] = esc[l] == 0.0 && frac[l] == 0.0 &&
                  (L->threat0[l] > 0.0 ? threat[l] <= L->q_cont[l] * L->threat0[l]
                                       : threat[l] <= 0.0);
        L->n[l] = L->first_mc[l] > 0.0;
    }
    put(L, obs, nused, fs_cell_out(lay, FS_OUT_ESCALATION), esc);
    put(L, obs, nused, fs_cell_out(lay, FS_OUT_FRACTURE), frac);
    put(L, obs, nused, fs_cell_out(lay, FS_OUT_CONTAINED), cont);
    put(L, obs, nused, fs_cell_out(lay, FS_OUT_MASS_CASUALTY), L->n);
}

/* The watched window sums (fs_lockstep_watch): this step's flows added
 * where the step is in the window, after it is recorded. */
static void watch_step(fs_lockstep *L)
{
    int W = KW(L), k;
    for (k = 0; k < L->nwatch; k++)
        if (L->t >= L->w_first[k] && L->t <= L->w_last[k])
            acc(ROW(L->wsum, k), L->w_src[k], W);
}

void FS_LOCKSTEP_RUN(fs_lockstep *L, int nused, double *obs)
{
    int t;
    start(L, obs, nused);
    if (L->nwatch) {
        memset(L->wsum, 0, (size_t)L->nwatch * KW(L) * sizeof *L->wsum);
        watch_step(L);
    }
    for (t = 1; t <= L->sc->steps; t++) {
        step(L, obs, nused);
        if (L->nwatch)
            watch_step(L);
    }
    finish(L, obs, nused);
}
