/* lockstep.c: an fs_lockstep's workspace (lockstep.h) and the choice of
 * its step kernel: the instruction set its lanes.h draws use, so that
 * FS_ISA narrows both. The step itself is lockstep_kernel.h. */
#include "lockstep.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lockstep_state.h"

#define ROW(arr, i) ((arr) + (size_t)(i) * W)

static void build_incidence(fs_lockstep *L)
{
    fs_scenario_incidence(L->sc, L->inc_start, L->inc);
}

static void build_cohesion_pairs(fs_lockstep *L)
{
    L->ncoh = fs_scenario_cohesion_pairs(L->sc, L->coh_pairs);
}

/* The actors that may take part in each mechanism in some run: its
 * participants and the targets of joins (leaves only remove). */
static void build_candidates(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    unsigned char may[FS_MAX_ACTORS];
    int k, i, a;
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        memset(may, 0, sizeof may);
        for (i = 0; i < mc->nparticipants; i++)
            may[mc->participants[i]] = 1;
        for (i = 0; i < L->I; i++)
            if (sc->injects[i].kind == FS_INJ_JOIN && sc->injects[i].mechanism == k)
                may[sc->injects[i].actor] = 1;
        L->ncand[k] = 0;
        for (a = 0; a < L->A; a++)
            if (may[a])
                L->cand[k * L->A + L->ncand[k]++] = a;
    }
}

/* 1 when plots' casualties in sc are drawn by inversion. */
static int cas_inversion(const fs_scenario *sc)
{
    int g;
    for (g = 0; g < sc->nthreats; g++)
        if (!(sc->threats[g].lethality_mean <= FS_LOCKSTEP_INVERSION_MEAN))
            return 0;
    return 1;
}

static void derive(fs_lockstep *L)
{
    const fs_scenario *sc = L->sc;
    int a, e;
    L->cas_inversion = cas_inversion(sc);
    build_incidence(L);
    build_cohesion_pairs(L);
    build_candidates(L);
    for (a = 0; a < L->A; a++) {
        L->region[a] = sc->actors[a].role != FS_ROLE_EXTERNAL;
        L->member[a] = sc->actors[a].role == FS_ROLE_MEMBER;
    }
    for (e = 0; e < L->E; e++) {
        L->end_a[e] = sc->borders[e].a;
        L->end_b[e] = sc->borders[e].b;
    }
}

static size_t nz(size_t n)
{
    return n ? n : 1;
}

fs_lockstep *fs_lockstep_alloc_isa(const fs_scenario *sc, int W, fs_isa isa)
{
    fs_lockstep *L;
    size_t A = sc->nactors, G = sc->nthreats, M = sc->nmechanisms, I = sc->ninjects;
    size_t E = sc->nborders, GA = nz(G * A), total = 0, ntot = 0, j;
    int i, maxatt = 1;

    if (W <= 0 || W % FS_LANES_MULTIPLE != 0)
        return NULL;
    for (i = 0; i < sc->ninjects; i++)
        if (sc->injects[i].kind == FS_INJ_ATTACK && sc->injects[i].attacks > maxatt)
            maxatt = sc->injects[i].attacks;
    L = calloc(1, sizeof *L);
    if (L == NULL)
        return NULL;
    {
        /* Every lane array, with its rows; one block holds them all, each
         * starting on a 64-byte boundary (W is a multiple of 8). */
        struct { double **p; size_t rows; } d[] = {
            {&L->inv_k, GA}, {&L->P, GA}, {&L->Pn, GA}, {&L->S, nz(A)}, {&L->cap, nz(A)},
            {&L->T, nz(A * A)}, {&L->X, nz(A * A)}, {&L->part, nz(M * A)},
            {&L->on, nz(M)}, {&L->active, nz(M)}, {&L->perm, nz(E)},
            {&L->perm_before, nz(I)}, {&L->will, nz(I)}, {&L->first_fire, nz(I)},
            {&L->own, nz(A)}, {&L->keep, nz(A)}, {&L->D, nz(A)}, {&L->CR, nz(A)},
            {&L->reach, nz(A)}, {&L->scaled, nz(A)}, {&L->open, nz(E)},
            {&L->flow, nz(G * E * 2)}, {&L->inflow, GA}, {&L->outflow, GA},
            {&L->att, GA}, {&L->removed, GA}, {&L->plots, nz(A)}, {&L->foiled, nz(A)},
            {&L->attacks, nz(A)}, {&L->cas, nz(A)}, {&L->th_step, nz(G) * FS_TH_N},
            {&L->tot_th, nz(G) * FS_TH_N}, {&L->blame_origin, nz(A * A)},
            {&L->sh_pair, nz(A * A)},
            {&L->tot, FS_TOT_N}, {&L->tot_at, nz(A) * FS_AT_N},
            {&L->mech_steps, nz(M)}, {&L->mech_cost, nz(M)}, {&L->threat0, 1},
            {&L->cohesion0, 1}, {&L->min_member, 1}, {&L->first_mc, 1},
            {&L->u, 1}, {&L->v, 1}, {&L->x, 1}, {&L->n, 1}, {&L->total, 1},
            {&L->last, 1}, {&L->p, 1}, {&L->size, 1}, {&L->fire, 1},
            {&L->sh, 1}, {&L->gs, 1}, {&L->mu, nz(G)},
            {&L->icas, (size_t)maxatt},
            {&L->q_P0, GA}, {&L->q_K, GA}, {&L->q_intel, nz(A)}, {&L->q_cap0, nz(A)},
            {&L->q_stab, nz(A)}, {&L->q_res, nz(A)}, {&L->q_growth, nz(G)},
            {&L->q_orec, nz(G)}, {&L->q_attr, nz(G)}, {&L->q_mob, nz(G)},
            {&L->q_rate, nz(G)}, {&L->q_vol, nz(G)}, {&L->q_nbp, nz(G)}, {&L->q_nbk, nz(G)},
            {&L->q_nbP0, nz(G)}, {&L->p0, 1}, {&L->shk, nz(A)},
            {&L->q_perm0, nz(E)}, {&L->q_w, nz(M)}, {&L->q_1h, nz(M)}, {&L->q_h, nz(M)},
            {&L->q_gt, nz(M)}, {&L->q_gx, nz(M)}, {&L->q_cost, nz(M)},
            {&L->q_T0, nz(A * A)}, {&L->q_X0, nz(A * A)}, {&L->q_prob, nz(I)},
            {&L->q_haz, nz(I)}, {&L->q_tau, 1}, {&L->q_rho, 1}, {&L->q_keep, 1},
            {&L->q_alpha, 1}, {&L->q_kappa, 1}, {&L->q_esc, 1}, {&L->q_fail, 1},
            {&L->q_frac, 1}, {&L->q_cont, 1}, {&L->q_mass, 1},
            {&L->wsum, FS_LOCKSTEP_MAX_WATCH},
        };
        struct { int **p; size_t n; } b[] = {
            {&L->region, nz(A)}, {&L->member, nz(A)}, {&L->end_a, nz(E)}, {&L->end_b, nz(E)},
            {&L->inc_start, A + 1}, {&L->inc, nz(2 * E)}, {&L->coh_pairs, nz(A * A)},
            {&L->cand, nz(M * A)}, {&L->ncand, nz(M)}, {&L->sh_known, nz(A * A)},
            {&L->act, (size_t)W},
        };
        for (j = 0; j < sizeof d / sizeof d[0]; j++)
            total += d[j].rows * W;
        for (j = 0; j < sizeof b / sizeof b[0]; j++)
            ntot += b[j].n;
        L->block = aligned_alloc(64, total * sizeof(double));
        L->bits = calloc(ntot, sizeof(int));
        L->lsc = calloc(W, sizeof *L->lsc);
        L->wskip = calloc(W, sizeof *L->wskip);
        if (L->block == NULL || L->bits == NULL || L->lsc == NULL || L->wskip == NULL) {
            fs_lockstep_free(L);
            return NULL;
        }
        memset(L->block, 0, total * sizeof(double));
        total = ntot = 0;
        for (j = 0; j < sizeof d / sizeof d[0]; j++) {
            *d[j].p = L->block + total;
            total += d[j].rows * W;
        }
        for (j = 0; j < sizeof b / sizeof b[0]; j++) {
            *b[j].p = L->bits + ntot;
            ntot += b[j].n;
        }
    }
    L->rng = fs_lanes_alloc_isa(W, isa);
    if (L->rng == NULL) {
        fs_lockstep_free(L);
        return NULL;
    }
    L->sc = sc;
    fs_layout_init(&L->lay, sc);
    L->o_run = (size_t)L->lay.ncells, L->o_cell = 1;
    L->W = W, L->A = (int)A, L->G = (int)G, L->M = (int)M, L->I = (int)I, L->E = (int)E;
    L->maxatt = maxatt;
    derive(L);
    return L;
}

fs_lockstep *fs_lockstep_alloc(const fs_scenario *sc, int W)
{
    return fs_lockstep_alloc_isa(sc, W, fs_lanes_isa_best());
}

void fs_lockstep_free(fs_lockstep *L)
{
    if (L == NULL)
        return;
    fs_lanes_free(L->rng);
    free(L->block);
    free(L->bits);
    free(L->lsc);
    free(L->wskip);
    free(L);
}

void fs_lockstep_rebind(fs_lockstep *L, const fs_scenario *sc)
{
    L->sc = sc;
    derive(L);
}

int fs_lockstep_width(const fs_lockstep *L)
{
    return L->W;
}

void fs_lockstep_columns(fs_lockstep *L, int stride)
{
    L->o_run = stride > 0 ? 1 : (size_t)L->lay.ncells;
    L->o_cell = stride > 0 ? (size_t)stride : 1;
}


/* Lane l's numbers from its scenario, computed as model.c computes them
 * (the same products and quotients, so the same bits). */
static void fill_lane(fs_lockstep *L, int l)
{
    const fs_scenario *sc = L->lsc[l];
    const fs_dynamics *dy = &sc->dynamics;
    const fs_outcomes *o = &sc->outcomes;
    int W = L->W, A = L->A, g, a, e, k, i;

    for (g = 0; g < L->G; g++) {
        const fs_threat *th = &sc->threats[g];
        double kk = th->lethality_dispersion;
        for (a = 0; a < A; a++) {
            ROW(L->q_P0, g * A + a)[l] = th->presence[a];
            ROW(L->q_K, g * A + a)[l] = th->capacity[a];
            ROW(L->inv_k, g * A + a)[l] = 1.0 / th->capacity[a];
        }
        ROW(L->q_growth, g)[l] = th->growth;
        ROW(L->q_orec, g)[l] = th->online_recruitment;
        ROW(L->q_attr, g)[l] = th->attrition;
        ROW(L->q_mob, g)[l] = th->mobility;
        ROW(L->q_rate, g)[l] = th->plot_rate;
        ROW(L->q_vol, g)[l] = th->volatility;
        ROW(L->q_nbp, g)[l] = kk / (kk + th->lethality_mean);
        ROW(L->q_nbk, g)[l] = kk;
    }
    for (a = 0; a < A; a++) {
        const fs_actor *ac = &sc->actors[a];
        ROW(L->q_intel, a)[l] = ac->intel;
        ROW(L->q_cap0, a)[l] = ac->capacity;
        ROW(L->q_stab, a)[l] = ac->stability;
        ROW(L->q_res, a)[l] = ac->resilience;
    }
    for (i = 0; i < A * A; i++) {
        ROW(L->q_T0, i)[l] = sc->trust[i];
        ROW(L->q_X0, i)[l] = sc->interop[i];
    }
    for (e = 0; e < L->E; e++)
        ROW(L->q_perm0, e)[l] = sc->borders[e].permeability;
    for (k = 0; k < L->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        ROW(L->q_w, k)[l] = dy->sharing_efficiency * mc->intensity;
        ROW(L->q_1h, k)[l] = 1.0 - mc->intensity;
        ROW(L->q_h, k)[l] = mc->intensity;
        ROW(L->q_gt, k)[l] = mc->intensity * dy->drill_trust;
        ROW(L->q_gx, k)[l] = mc->intensity * dy->drill_interop;
        ROW(L->q_cost, k)[l] = mc->cost * mc->intensity;
    }
    for (i = 0; i < L->I; i++) {
        ROW(L->q_prob, i)[l] = sc->injects[i].probability;
        ROW(L->q_haz, i)[l] = sc->injects[i].hazard;
    }
    L->q_tau[l] = dy->blame;
    L->q_rho[l] = dy->trust_recovery;
    L->q_keep[l] = 1.0 - dy->interop_decay;
    L->q_alpha[l] = dy->attack_stability;
    L->q_kappa[l] = dy->casualty_stability;
    L->q_esc[l] = o->escalation_ratio;
    L->q_fail[l] = o->failure_stability;
    L->q_frac[l] = o->fracture_drop;
    L->q_cont[l] = o->contained_ratio;
    L->q_mass[l] = o->mass_casualty;
}

/* Each threat's probability of no casualties, p^k = exp(k log p), in
 * every lane, once a block instead of at every draw (the same bits). */
static void nb_zero(fs_lockstep *L)
{
    fs_isa isa = fs_lanes_isa(L->rng);
    int g, l, W = L->W;
    for (g = 0; g < L->G; g++) {
        double *t = ROW(L->q_nbP0, g);
        fs_lanes_log(isa, W, ROW(L->q_nbp, g), t);
        for (l = 0; l < W; l++)
            t[l] = ROW(L->q_nbk, g)[l] * t[l];
        fs_lanes_exp(isa, W, t, t);
    }
}

static int same_ints(const int *a, const int *b, int n)
{
    return n == 0 || memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

/* 1 when b can share a block with a: the same shape (layout, roles,
 * borders, mechanisms' members and windows) and the same draws (which
 * threats shock, which injects draw and when). Only magnitudes differ. */
static int same_draws(const fs_scenario *a, const fs_scenario *b)
{
    int i;
    if (a == b)
        return 1;
    if (a->steps != b->steps || a->nactors != b->nactors || a->nthreats != b->nthreats ||
        a->nmechanisms != b->nmechanisms || a->ninjects != b->ninjects ||
        a->nborders != b->nborders || cas_inversion(a) != cas_inversion(b))
        return 0;
    for (i = 0; i < a->nactors; i++)
        if (a->actors[i].role != b->actors[i].role)
            return 0;
    for (i = 0; i < a->nborders; i++)
        if (a->borders[i].a != b->borders[i].a || a->borders[i].b != b->borders[i].b)
            return 0;
    for (i = 0; i < a->nthreats; i++)
        if ((a->threats[i].volatility > 0.0) != (b->threats[i].volatility > 0.0))
            return 0;
    for (i = 0; i < a->nmechanisms; i++) {
        const fs_mechanism *x = &a->mechanisms[i], *y = &b->mechanisms[i];
        if (x->kind != y->kind || x->start != y->start || x->end != y->end ||
            x->period != y->period || x->enabled != y->enabled ||
            x->nparticipants != y->nparticipants || x->nborders != y->nborders ||
            !same_ints(x->participants, y->participants, x->nparticipants) ||
            !same_ints(x->borders, y->borders, x->nborders))
            return 0;
    }
    for (i = 0; i < a->ninjects; i++) {
        const fs_inject *x = &a->injects[i], *y = &b->injects[i];
        if (x->kind != y->kind || x->step != y->step || (x->hazard > 0.0) != (y->hazard > 0.0) ||
            (x->hazard == 0.0 && (x->probability < 1.0) != (y->probability < 1.0)) ||
            x->start != y->start || x->end != y->end || x->repeat != y->repeat ||
            x->actor != y->actor || x->actor2 != y->actor2 || x->threat != y->threat ||
            x->mechanism != y->mechanism || x->border != y->border ||
            x->attacks != y->attacks || (x->casualties < 0.0) != (y->casualties < 0.0) ||
            x->per_attack != y->per_attack || x->until != y->until || x->muted != y->muted)
            return 0;
    }
    return 1;
}

int fs_lockstep_compatible(const fs_scenario *a, const fs_scenario *b)
{
    return same_draws(a, b);
}

int fs_lockstep_watch(fs_lockstep *L, const fs_lockstep_window *w, int n)
{
    int W = L->W, k;
    L->nwatch = 0;
    if (n < 0 || n > FS_LOCKSTEP_MAX_WATCH)
        return -1;
    for (k = 0; k < n; k++) {
        const fs_lockstep_window *x = &w[k];
        int m = x->metric;
        if (x->first < 0 || x->first > x->last)
            return -1;
        if (x->threat >= 0 && x->threat < L->G && m >= FS_TH_PLOTS && m <= FS_TH_REMOVED)
            L->w_src[k] = ROW(L->th_step, x->threat * FS_TH_N + m);
        else if (x->threat < 0 && x->actor >= 0 && x->actor < L->A &&
                 (m == FS_AT_ATTACKS || m == FS_AT_FOILED || m == FS_AT_CASUALTIES))
            L->w_src[k] = ROW(m == FS_AT_ATTACKS ? L->attacks : m == FS_AT_FOILED ? L->foiled
                              : L->cas, x->actor);
        else
            return -1;
        L->w_first[k] = x->first;
        L->w_last[k] = x->last;
    }
    L->nwatch = n;
    return 0;
}

double fs_lockstep_watched(const fs_lockstep *L, int k, int lane)
{
    int W = L->W;
    return ROW(L->wsum, k)[lane];
}

static const fs_lockstep_kernel kernels[FS_ISA_N] = {
    fs_lockstep_run_scalar, fs_lockstep_run_sse2, fs_lockstep_run_avx2, fs_lockstep_run_avx512
};

static const fs_lockstep_kernel kernels16[FS_ISA_N] = {
    fs_lockstep_run_scalar, fs_lockstep_run16_sse2, fs_lockstep_run16_avx2,
    fs_lockstep_run16_avx512
};

/* The kernel for L's instruction set and width. */
static fs_lockstep_kernel kernel_of(const fs_lockstep *L)
{
    fs_isa isa = fs_lanes_isa(L->rng);
    return L->W == FS_LOCKSTEP_FAST_W ? kernels16[isa] : kernels[isa];
}

/* Gives lane l the scenario scs[l] (lane 0's from nused on; L's own in
 * every lane when scs is NULL) and fills its numbers. -1, with nothing
 * filled, when one cannot share L's block. */
static int bind_lanes(fs_lockstep *L, const fs_scenario *const *scs, int nused)
{
    int l;
    for (l = 0; l < L->W; l++) {
        L->lsc[l] = scs ? scs[l < nused ? l : 0] : L->sc;
        if (!same_draws(L->sc, L->lsc[l]))
            return -1;
    }
    for (l = 0; l < L->W; l++)
        fill_lane(L, l);
    nb_zero(L);
    return 0;
}

int fs_lockstep_run_lanes(fs_lockstep *L, const fs_scenario *const *scs, const uint64_t *seeds,
                          const uint64_t *runs, int nused, double *obs)
{
    int l;
    if (nused < 1 || nused > L->W || bind_lanes(L, scs, nused))
        return -1;
    for (l = 0; l < L->W; l++) {
        int j = l < nused ? l : 0;
        fs_lanes_seed_lane(L->rng, l, seeds[j], runs[j]);
    }
    kernel_of(L)(L, nused, obs);
    return 0;
}

int fs_lockstep_run_each(fs_lockstep *L, const fs_scenario *const *scs, uint64_t seed,
                         uint64_t run0, int nused, double *obs)
{
    if (bind_lanes(L, scs, nused))
        return -1;
    fs_lanes_seed(L->rng, seed, run0);
    kernel_of(L)(L, nused, obs);
    return 0;
}

void fs_lockstep_run(fs_lockstep *L, uint64_t seed, uint64_t run0, int nused, double *obs)
{
    fs_lockstep_run_each(L, NULL, seed, run0, nused, obs);
}
