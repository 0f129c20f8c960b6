/* model.c: the model's step, in the brief's order (docs/MODEL.md):
 * injects, detection, threat presence, plots, stability, trust, record.
 * All flows of a step are computed from the state at its start, so the
 * result never depends on the order in which actors are visited. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct fs_model {
    const fs_scenario *sc;
    fs_layout lay;
    int A, G, M, I, E;
    int t;
    /* State. */
    double *P;            /* [G*A] presence */
    double *Pn;           /* [G*A] next presence */
    double *S;            /* [A] stability */
    double *cap;          /* [A] capacity (shocks change it) */
    double *T;            /* [A*A] trust */
    double *X;            /* [A*A] interoperability */
    unsigned char *part;  /* [M*A] participation (joins change it) */
    unsigned char *on;    /* [M] switched on */
    unsigned char *active; /* [M] on and within its window this step */
    unsigned char *region; /* [A] not external: counts toward regional totals */
    unsigned char *member; /* [A] a member */
    int *plist;           /* [M*A] participants of each mechanism, ascending */
    int *pcount;          /* [M] */
    double *keep;         /* [A] scratch for detection */
    unsigned char *will;  /* [I] scheduled inject fires this run */
    int *first_fire;      /* [I] step of first firing, 0 if none */
    /* Per-step scratch. */
    double *own;          /* [A] d_a */
    double *D;            /* [A] effective detection */
    double *CR;           /* [A] counter-radicalisation coverage */
    double *open;         /* [E] 1 - B_e */
    double *reach;        /* [A] sum over borders of pi * (1 - B) */
    double *scaled;       /* [A] presence times the outflow scale factor */
    int *inc_start;       /* [A+1] actor a's incident borders are inc[inc_start[a] .. inc_start[a+1]) */
    int *inc;             /* [2E] flow slots into a: 2e+1 if a is border e's a, 2e if its b */
    int *end_a, *end_b;   /* [E] border e's two actors */
    double *mob_perm;     /* [G*E] threat g's mobility times border e's permeability */
    double *perm;         /* [E] border e's permeability now (border_change injects) */
    double *perm_before;  /* [I] a border_change's border's permeability before it fired */
    int perm_changed;     /* perm differs from the scenario's in this run */
    int *coh_pairs;       /* pairs (a*A+b) cohesion averages over */
    double *inv_k;        /* [G*A] 1 / K_ga */
    int ncoh;
    double *flow;         /* [G*E*2] flow along e: [0] a->b, [1] b->a */
    double *inflow;       /* [G*A] total inflow */
    double *outflow;      /* [G*A] total outflow */
    double *att;          /* [G*A] attacks (plots and injects without origin) */
    double *plots, *foiled, *attacks, *cas;  /* [A] this step */
    double *removed;      /* [G*A] cells removed by attrition this step */
    double *th_step;      /* [G*FS_TH_N] this step's per-threat sums (non-external) */
    double *tot_th;       /* [G*FS_TH_N] run totals per threat */
    double *blame_origin; /* [A*A] injected attacks in a blamed on b */
    int any_origin;       /* blame_origin has an entry this step */
    /* Run accumulators. */
    double *tot_at;       /* [A*FS_AT_N] */
    double tot[FS_TOT_N];
    double *mech_steps, *mech_cost;  /* [M] */
    double threat0, cohesion0, min_member;
    int first_mc;
    fs_draw *trace;       /* benchmarks: every draw, or NULL */
    size_t trace_cap, traced;
};

/* Random draws go through these, so that benchmarks can record them. */
static void trace(fs_model *m, int kind, double p1, double p2)
{
    if (m->traced < m->trace_cap) {
        fs_draw *d = &m->trace[m->traced];
        d->kind = kind, d->p1 = p1, d->p2 = p2;
    }
    m->traced++;
}

/* Moves to the substream of step t and phase k (rng.h): 0 the injects,
 * 1 the threats, 2 + a the plots of actor a. */
static void substream(fs_model *m, gsl_rng *r, int k)
{
    if (m->trace)
        trace(m, FS_DRAW_SUBSTREAM, m->t, k);
    fs_rng_substream(r, (uint32_t)m->t, (uint32_t)k);
}

static double draw_uniform(fs_model *m, gsl_rng *r)
{
    if (m->trace)
        trace(m, FS_DRAW_UNIFORM, 0, 0);
    return gsl_rng_uniform(r);
}

/* A log-normal factor with mean 1: exp(sigma Z - sigma^2 / 2), Z ~ N(0,1). */
static double draw_lognormal(fs_model *m, gsl_rng *r, double sigma)
{
    if (m->trace)
        trace(m, FS_DRAW_LOGNORMAL, sigma, 0);
    return exp(sigma * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * sigma * sigma);
}

/* Poisson means are capped. GSL's sampler never returns when the mean
 * exceeds 2^32 (its unsigned cast wraps), and each plot is a loop
 * iteration, so a plot mean past MAX_PLOTS (per actor and step) or a
 * casualty mean past MAX_CASUALTIES can only come from parameters far
 * outside any real scenario (extreme rates, surges or a heavy-tailed
 * lethality's rare draws); the caps keep such a run finite and quick.
 * Means below them, every realistic one, are drawn unchanged. A NaN or
 * non-positive mean draws 0. */
#define MAX_PLOTS 1e3
#define MAX_CASUALTIES 1e8

static unsigned poisson_capped(gsl_rng *r, double mu, double cap)
{
    if (!(mu > 0.0))
        return 0;
    return gsl_ran_poisson(r, mu < cap ? mu : cap);
}

static unsigned draw_poisson(fs_model *m, gsl_rng *r, double mu)
{
    if (m->trace)
        trace(m, FS_DRAW_POISSON, mu, 0);
    return poisson_capped(r, mu, MAX_PLOTS);
}

/* Casualties of one attack: negative binomial with the threat's mean and
 * size (dispersion) k, so the variance is mean + mean^2/k. Drawn as GSL's
 * gsl_ran_negative_binomial draws it (a gamma mixture of Poissons, the same
 * draws in the same order), with the Poisson mean capped as above. */
static double draw_casualties(fs_model *m, gsl_rng *r, const fs_threat *th)
{
    double k = th->lethality_dispersion, p = k / (k + th->lethality_mean);
    if (m->trace)
        trace(m, FS_DRAW_NEGBIN, p, k);
    return poisson_capped(r, gsl_ran_gamma(r, k, 1.0) * (1 - p) / p, MAX_CASUALTIES);
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

static void build_incidence(fs_model *m)
{
    fs_scenario_incidence(m->sc, m->inc_start, m->inc);
}

static void build_cohesion_pairs(fs_model *m)
{
    m->ncoh = fs_scenario_cohesion_pairs(m->sc, m->coh_pairs);
}

/* What the model keeps of its scenario beyond the pointer: 1 / K, the
 * actors' roles, the borders' ends and incidence, the cohesion pairs;
 * perm and mob_perm are filled again by the next fs_model_start. */
static void derive(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    int g, a, e;
    build_incidence(m);
    build_cohesion_pairs(m);
    for (g = 0; g < m->G; g++)
        for (a = 0; a < m->A; a++)
            m->inv_k[g * m->A + a] = 1.0 / sc->threats[g].capacity[a];
    for (a = 0; a < m->A; a++) {
        m->region[a] = sc->actors[a].role != FS_ROLE_EXTERNAL;
        m->member[a] = sc->actors[a].role == FS_ROLE_MEMBER;
    }
    for (e = 0; e < m->E; e++) {
        m->end_a[e] = sc->borders[e].a;
        m->end_b[e] = sc->borders[e].b;
    }
    m->perm_changed = 1;
}

fs_model *fs_model_alloc(const fs_scenario *sc)
{
    fs_model *m = calloc(1, sizeof *m);
    int A = sc->nactors, G = sc->nthreats, M = sc->nmechanisms;
    int I = sc->ninjects, E = sc->nborders;
    size_t GA = (size_t)(G ? G : 1) * A;

    if (m == NULL)
        return NULL;
    m->sc = sc;
    fs_layout_init(&m->lay, sc);
    m->A = A, m->G = G, m->M = M, m->I = I, m->E = E;
    m->P = calloc(GA, sizeof *m->P);
    m->Pn = calloc(GA, sizeof *m->Pn);
    m->S = calloc(A, sizeof *m->S);
    m->cap = calloc(A, sizeof *m->cap);
    m->T = calloc((size_t)A * A, sizeof *m->T);
    m->X = calloc((size_t)A * A, sizeof *m->X);
    m->part = calloc((size_t)(M ? M : 1) * A, 1);
    m->on = calloc(M ? M : 1, 1);
    m->active = calloc(M ? M : 1, 1);
    m->region = calloc(A ? A : 1, 1);
    m->member = calloc(A ? A : 1, 1);
    m->end_a = calloc(E ? E : 1, sizeof *m->end_a);
    m->end_b = calloc(E ? E : 1, sizeof *m->end_b);
    m->mob_perm = calloc((size_t)(G ? G : 1) * (E ? E : 1), sizeof *m->mob_perm);
    m->perm = calloc(E ? E : 1, sizeof *m->perm);
    m->perm_before = calloc(I ? I : 1, sizeof *m->perm_before);
    m->plist = calloc((size_t)(M ? M : 1) * A, sizeof *m->plist);
    m->pcount = calloc(M ? M : 1, sizeof *m->pcount);
    m->keep = calloc(A, sizeof *m->keep);
    m->will = calloc(I ? I : 1, 1);
    m->first_fire = calloc(I ? I : 1, sizeof *m->first_fire);
    m->own = calloc(A, sizeof *m->own);
    m->D = calloc(A, sizeof *m->D);
    m->CR = calloc(A, sizeof *m->CR);
    m->open = calloc(E ? E : 1, sizeof *m->open);
    m->reach = calloc(A, sizeof *m->reach);
    m->scaled = calloc(A, sizeof *m->scaled);
    m->inc_start = calloc((size_t)A + 1, sizeof *m->inc_start);
    m->inc = calloc((size_t)2 * (E ? E : 1), sizeof *m->inc);
    m->coh_pairs = calloc((size_t)A * A, sizeof *m->coh_pairs);
    m->inv_k = calloc(GA, sizeof *m->inv_k);
    m->flow = calloc((size_t)(G ? G : 1) * (E ? E : 1) * 2, sizeof *m->flow);
    m->inflow = calloc(GA, sizeof *m->inflow);
    m->outflow = calloc(GA, sizeof *m->outflow);
    m->att = calloc(GA, sizeof *m->att);
    m->plots = calloc(A, sizeof *m->plots);
    m->foiled = calloc(A, sizeof *m->foiled);
    m->attacks = calloc(A, sizeof *m->attacks);
    m->cas = calloc(A, sizeof *m->cas);
    m->removed = calloc(GA, sizeof *m->removed);
    m->th_step = calloc((size_t)(G ? G : 1) * FS_TH_N, sizeof *m->th_step);
    m->tot_th = calloc((size_t)(G ? G : 1) * FS_TH_N, sizeof *m->tot_th);
    m->blame_origin = calloc((size_t)A * A, sizeof *m->blame_origin);
    m->tot_at = calloc((size_t)A * FS_AT_N, sizeof *m->tot_at);
    m->mech_steps = calloc(M ? M : 1, sizeof *m->mech_steps);
    m->mech_cost = calloc(M ? M : 1, sizeof *m->mech_cost);
    if (!m->P || !m->Pn || !m->S || !m->cap || !m->T || !m->X || !m->part ||
        !m->on || !m->active || !m->region || !m->member || !m->end_a || !m->end_b ||
        !m->mob_perm || !m->perm || !m->perm_before || !m->plist || !m->pcount || !m->keep || !m->will || !m->first_fire || !m->own || !m->D || !m->CR ||
        !m->open || !m->reach || !m->scaled || !m->inc_start || !m->inc || !m->coh_pairs || !m->inv_k || !m->flow || !m->inflow || !m->outflow ||
        !m->att || !m->plots || !m->foiled || !m->attacks || !m->cas ||
        !m->removed || !m->th_step || !m->tot_th ||
        !m->blame_origin || !m->tot_at || !m->mech_steps || !m->mech_cost) {
        fs_model_free(m);
        return NULL;
    }
    derive(m);
    return m;
}

void fs_model_rebind(fs_model *m, const fs_scenario *sc)
{
    m->sc = sc;
    derive(m);
}

/* Border e's permeability becomes p, with the products that depend on it. */
static void set_permeability(fs_model *m, int e, double p)
{
    int g;
    m->perm[e] = p;
    for (g = 0; g < m->G; g++)
        m->mob_perm[g * m->E + e] = m->sc->threats[g].mobility * p;
}

void fs_model_free(fs_model *m)
{
    if (m == NULL)
        return;
    free(m->P); free(m->Pn); free(m->S); free(m->cap); free(m->T); free(m->X);
    free(m->part); free(m->on); free(m->active); free(m->region); free(m->member);
    free(m->end_a); free(m->end_b); free(m->mob_perm); free(m->perm); free(m->perm_before); free(m->plist); free(m->pcount); free(m->keep); free(m->will); free(m->first_fire);
    free(m->own); free(m->D); free(m->CR); free(m->open); free(m->reach); free(m->scaled);
    free(m->inc_start); free(m->inc); free(m->coh_pairs); free(m->inv_k);
    free(m->flow); free(m->inflow); free(m->outflow); free(m->att);
    free(m->plots); free(m->foiled); free(m->attacks); free(m->cas);
    free(m->removed); free(m->th_step); free(m->tot_th);
    free(m->blame_origin); free(m->tot_at); free(m->mech_steps);
    free(m->mech_cost);
    free(m);
}

/* Rebuilds mechanism k's participant list from part(k, .), ascending. */
static void rebuild_participants(fs_model *m, int k)
{
    int a, n = 0;
    for (a = 0; a < m->A; a++)
        if (m->part[k * m->A + a])
            m->plist[k * m->A + n++] = a;
    m->pcount[k] = n;
}

/* Which mechanisms act this step: switched on (after this step's injects)
 * and within their window. */
static void mark_active(fs_model *m)
{
    int k;
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &m->sc->mechanisms[k];
        m->active[k] = m->on[k] && m->t >= mc->start && m->t <= mc->end;
    }
}

/* h_ab: the combined intensity of the active intel sharing mechanisms that
 * hold both a and b, 1 - prod(1 - h). */
static double sharing_between(const fs_model *m, int a, int b)
{
    double keep = 1.0;
    int k;
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &m->sc->mechanisms[k];
        if (mc->kind == FS_MECH_INTEL_SHARING && m->active[k] &&
            m->part[k * m->A + a] && m->part[k * m->A + b])
            keep *= 1.0 - mc->intensity;
    }
    return 1.0 - keep;
}

static double region_threat(const fs_model *m)
{
    double sum = 0.0;
    int g, a;
    for (a = 0; a < m->A; a++) {
        if (!m->region[a])
            continue;
        for (g = 0; g < m->G; g++)
            sum += m->P[g * m->A + a];
    }
    return sum;
}

static double cohesion(const fs_model *m)
{
    double sum = 0.0;
    int i;
    for (i = 0; i < m->ncoh; i++)
        sum += m->T[m->coh_pairs[i]];
    return m->ncoh ? sum / m->ncoh : 1.0;
}

#define ESCALATION_FROM_ZERO 1.0   /* cells; docs/MODEL.md, Outcomes */

static int escalated(const fs_model *m, double threat)
{
    const fs_outcomes *o = &m->sc->outcomes;
    /* From a start of 0 no ratio can be reached: a threat that appears
     * (through a surge) escalates once it holds one cell. */
    return (m->threat0 > 0.0 ? threat >= o->escalation_ratio * m->threat0
                             : threat >= ESCALATION_FROM_ZERO) ||
           m->min_member < o->failure_stability;
}

static void track_member_stability(fs_model *m)
{
    int a;
    for (a = 0; a < m->A; a++)
        if (m->member[a] && m->S[a] < m->min_member)
            m->min_member = m->S[a];
}

/* Writes the step's cells; flows are those of the step just taken. */
static void record_step(fs_model *m, double *obs)
{
    const fs_layout *l = &m->lay;
    int a, g, k, t = m->t, A = m->A;
    double threat = region_threat(m), sums[4] = {0, 0, 0, 0}, removed = 0.0;
    double *ta = obs + fs_cell_ta(l, t, 0, 0);

    for (a = 0; a < A; a++, ta += FS_TA_N) {
        double pres = 0.0;
        for (g = 0; g < m->G; g++)
            pres += m->P[g * A + a];
        ta[FS_TA_STABILITY] = m->S[a];
        ta[FS_TA_PRESENCE] = pres;
        if (!m->region[a])
            continue;
        for (g = 0; g < m->G; g++)
            removed += m->removed[g * A + a];
        sums[0] += m->plots[a];
        sums[1] += m->foiled[a];
        sums[2] += m->attacks[a];
        sums[3] += m->cas[a];
    }
    for (k = 0; k < l->ntracked; k++)
        obs[fs_cell_tp(l, t, k)] = m->T[l->tracked_a[k] * m->A + l->tracked_b[k]];
    obs[fs_cell_ts(l, t, FS_TS_THREAT)] = threat;
    obs[fs_cell_ts(l, t, FS_TS_PLOTS)] = sums[0];
    obs[fs_cell_ts(l, t, FS_TS_FOILED)] = sums[1];
    obs[fs_cell_ts(l, t, FS_TS_ATTACKS)] = sums[2];
    obs[fs_cell_ts(l, t, FS_TS_CASUALTIES)] = sums[3];
    obs[fs_cell_ts(l, t, FS_TS_COHESION)] = cohesion(m);
    obs[fs_cell_ts(l, t, FS_TS_COST)] = m->tot[FS_TOT_COST];
    obs[fs_cell_ts(l, t, FS_TS_ESCALATED)] = escalated(m, threat);
    obs[fs_cell_ts(l, t, FS_TS_REMOVED)] = removed;
    m->tot[FS_TOT_REMOVED] += removed;
    for (k = 0; k < m->G * FS_TH_N; k++)
        m->tot_th[k] += m->th_step[k];
    m->tot[FS_TOT_PLOTS] += sums[0];
    m->tot[FS_TOT_FOILED] += sums[1];
    m->tot[FS_TOT_ATTACKS] += sums[2];
    m->tot[FS_TOT_CASUALTIES] += sums[3];
    if (threat > m->tot[FS_TOT_THREAT_PEAK])
        m->tot[FS_TOT_THREAT_PEAK] = threat;
    for (a = 0; a < m->A; a++) {
        double *at = m->tot_at + a * FS_AT_N;
        at[FS_AT_ATTACKS] += m->attacks[a];
        at[FS_AT_FOILED] += m->foiled[a];
        at[FS_AT_CASUALTIES] += m->cas[a];
        if (m->S[a] < at[FS_AT_MIN_STABILITY])
            at[FS_AT_MIN_STABILITY] = m->S[a];
    }
}

void fs_model_start(fs_model *m, gsl_rng *r, double *obs)
{
    const fs_scenario *sc = m->sc;
    int A = m->A, a, g, k, i;

    m->t = 0;
    for (g = 0; g < m->G; g++)
        memcpy(m->P + g * A, sc->threats[g].presence, A * sizeof *m->P);
    for (a = 0; a < A; a++) {
        m->S[a] = sc->actors[a].stability;
        m->cap[a] = sc->actors[a].capacity;
    }
    memcpy(m->T, sc->trust, (size_t)A * A * sizeof *m->T);
    memcpy(m->X, sc->interop, (size_t)A * A * sizeof *m->X);
    if (m->perm_changed)   /* only after a run that changed a border */
        for (i = 0; i < m->E; i++)
            set_permeability(m, i, sc->borders[i].permeability);
    m->perm_changed = 0;
    memset(m->part, 0, (size_t)(m->M ? m->M : 1) * A);
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        for (i = 0; i < mc->nparticipants; i++)
            m->part[k * A + mc->participants[i]] = 1;
        m->on[k] = (unsigned char)(mc->enabled != 0);
        rebuild_participants(m, k);
        m->mech_steps[k] = m->mech_cost[k] = 0.0;
    }
    /* Once-per-run draws, in inject order; certain injects draw nothing. */
    for (i = 0; i < m->I; i++) {
        const fs_inject *in = &sc->injects[i];
        m->first_fire[i] = 0;
        m->will[i] = 1;
        if (in->hazard == 0.0 && in->probability < 1.0)
            m->will[i] = draw_uniform(m, r) < in->probability;
    }
    memset(m->plots, 0, A * sizeof *m->plots);
    memset(m->foiled, 0, A * sizeof *m->foiled);
    memset(m->attacks, 0, A * sizeof *m->attacks);
    memset(m->cas, 0, A * sizeof *m->cas);
    memset(m->tot_at, 0, (size_t)A * FS_AT_N * sizeof *m->tot_at);
    for (a = 0; a < A; a++)
        m->tot_at[a * FS_AT_N + FS_AT_MIN_STABILITY] = m->S[a];
    memset(m->tot, 0, sizeof m->tot);
    memset(m->removed, 0, (size_t)(m->G ? m->G : 1) * A * sizeof *m->removed);
    memset(m->th_step, 0, (size_t)(m->G ? m->G : 1) * FS_TH_N * sizeof *m->th_step);
    memset(m->tot_th, 0, (size_t)(m->G ? m->G : 1) * FS_TH_N * sizeof *m->tot_th);
    m->first_mc = 0;
    m->min_member = 1.0;
    track_member_stability(m);
    m->threat0 = region_threat(m);
    m->cohesion0 = cohesion(m);
    m->tot[FS_TOT_THREAT_PEAK] = m->threat0;
    record_step(m, obs);
}

/* Step 1: one inject's effect. */
static void apply_inject(fs_model *m, gsl_rng *r, const fs_inject *in)
{
    const fs_scenario *sc = m->sc;
    int A = m->A, a = in->actor, b = in->actor2, g = in->threat, k;

    if (in->muted) {
        /* The same draws, so that the runs stay paired; no effect. */
        if (in->kind == FS_INJ_ATTACK && in->casualties < 0.0)
            for (k = 0; k < in->attacks; k++)
                draw_casualties(m, r, &sc->threats[g]);
        return;
    }
    switch (in->kind) {
    case FS_INJ_ATTACK: {
        double cas = 0.0, one;
        for (k = 0; k < in->attacks; k++) {
            one = in->casualties < 0.0 ? draw_casualties(m, r, &sc->threats[g])
                  : in->per_attack ? in->casualties : in->casualties / in->attacks;
            cas += one;
            if (one >= sc->outcomes.mass_casualty && m->first_mc == 0 &&
                sc->actors[a].role != FS_ROLE_EXTERNAL)
                m->first_mc = m->t;
        }
        m->attacks[a] += in->attacks;
        m->cas[a] += cas;
        if (sc->actors[a].role != FS_ROLE_EXTERNAL) {
            m->th_step[g * FS_TH_N + FS_TH_ATTACKS] += in->attacks;
            m->th_step[g * FS_TH_N + FS_TH_CASUALTIES] += cas;
        }
        if (b >= 0) {
            m->blame_origin[a * A + b] += in->attacks;
            m->any_origin = 1;
        }
        else
            m->att[g * A + a] += in->attacks;
        break;
    }
    case FS_INJ_CAPACITY_SHOCK:
        m->cap[a] = clamp01(m->cap[a] + in->delta);
        break;
    case FS_INJ_STABILITY_SHOCK:
        m->S[a] = clamp01(m->S[a] + in->delta);
        break;
    case FS_INJ_TRUST_SHOCK:
        m->T[a * A + b] = m->T[b * A + a] = clamp01(m->T[a * A + b] + in->delta);
        break;
    case FS_INJ_THREAT_SURGE:
        for (k = 0; k < A; k++)
            if (a < 0 || k == a)
                m->P[g * A + k] = m->P[g * A + k] * in->factor + in->add;
        break;
    case FS_INJ_MECHANISM_ON:
        m->on[in->mechanism] = 1;
        break;
    case FS_INJ_MECHANISM_OFF:
        m->on[in->mechanism] = 0;
        break;
    case FS_INJ_JOIN:
    case FS_INJ_LEAVE:
        m->part[in->mechanism * A + a] = in->kind == FS_INJ_JOIN;
        rebuild_participants(m, in->mechanism);
        break;
    case FS_INJ_BORDER_CHANGE:
        m->perm_before[in - sc->injects] = m->perm[in->border];
        m->perm_changed = 1;
        set_permeability(m, in->border, in->value >= 0.0 ? in->value
                         : clamp01(m->perm[in->border] * in->factor));
        break;
    }
}

/* A border_change with `until` ends after that step: its border gets back
 * the permeability it had before the change fired. */
static void end_border_changes(fs_model *m)
{
    int i;
    for (i = 0; i < m->I; i++) {
        const fs_inject *in = &m->sc->injects[i];
        if (in->kind == FS_INJ_BORDER_CHANGE && in->until > 0 && in->until + 1 == m->t
            && m->first_fire[i] != 0 && !in->muted)
            set_permeability(m, in->border, m->perm_before[i]);
    }
}

static void step_injects(fs_model *m, gsl_rng *r)
{
    int i;

    substream(m, r, 0);
    if (m->perm_changed)
        end_border_changes(m);
    for (i = 0; i < m->I; i++) {
        const fs_inject *in = &m->sc->injects[i];
        int fire;
        if (in->hazard > 0.0)
            fire = m->t >= in->start && m->t <= in->end &&
                   (in->repeat || m->first_fire[i] == 0) &&
                   draw_uniform(m, r) < in->hazard;
        else
            fire = in->step == m->t && m->will[i];
        if (!fire)
            continue;
        apply_inject(m, r, in);
        if (m->first_fire[i] == 0)
            m->first_fire[i] = m->t;
    }
}

/* Step 2: D_a = 1 - (1 - d_a) prod_{m,b} (1 - phi h_m T_ab d_b). For each
 * a the factors are multiplied in the order mechanism, then partner b
 * ascending, whatever the loop nesting. */
static void step_detection(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    double phi = sc->dynamics.sharing_efficiency;
    int A = m->A, a, i, j, k;

    for (a = 0; a < A; a++) {
        m->own[a] = sc->actors[a].intel * m->cap[a];
        m->keep[a] = 1.0;
    }
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        const int *p = m->plist + k * A, n = m->pcount[k];
        double w = phi * mc->intensity;
        if (mc->kind != FS_MECH_INTEL_SHARING || !m->active[k])
            continue;
        for (i = 0; i < n; i++) {
            double keep = m->keep[p[i]];
            const double *T = m->T + p[i] * A;
            for (j = 0; j < i; j++)
                keep *= 1.0 - w * T[p[j]] * m->own[p[j]];
            for (j = i + 1; j < n; j++)
                keep *= 1.0 - w * T[p[j]] * m->own[p[j]];
            m->keep[p[i]] = keep;
        }
    }
    for (a = 0; a < A; a++)
        m->D[a] = 1.0 - (1.0 - m->own[a]) * m->keep[a];
}

/* Coverage of counter-radicalisation and border closure this step. */
static void step_coverage(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    int A = m->A, a, e, k, j;

    for (a = 0; a < A; a++)
        m->CR[a] = 1.0;   /* product of (1 - h) first */
    for (e = 0; e < m->E; e++)
        m->open[e] = 1.0; /* product of (1 - B) */
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        if (!m->active[k])
            continue;
        if (mc->kind == FS_MECH_COUNTER_RADICALISATION) {
            for (a = 0; a < A; a++)
                if (m->part[k * A + a])
                    m->CR[a] *= 1.0 - mc->intensity;
        } else if (mc->kind == FS_MECH_BORDER_OPERATION) {
            for (j = 0; j < mc->nborders; j++) {
                const fs_border *bd = &sc->borders[mc->borders[j]];
                double B = mc->intensity * (0.5 + 0.5 * m->X[bd->a * A + bd->b]);
                m->open[mc->borders[j]] *= 1.0 - B;
            }
        }
    }
    for (a = 0; a < A; a++) {
        m->CR[a] = 1.0 - m->CR[a];
        m->reach[a] = 0.0;
    }
    for (e = 0; e < m->E; e++) {
        const fs_border *bd = &sc->borders[e];
        double w = m->perm[e] * m->open[e];
        m->reach[bd->a] += w;
        m->reach[bd->b] += w;
    }
}

/* Step 3: growth, flows over borders, attrition, log-normal shock. */
static void step_threats(fs_model *m, gsl_rng *r)
{
    const fs_scenario *sc = m->sc;
    int A = m->A, E = m->E, g, a, e;

    substream(m, r, 1);
    for (g = 0; g < m->G; g++) {
        const fs_threat *th = &sc->threats[g];
        double *P = m->P + g * A, *in = m->inflow + g * A, *out = m->outflow + g * A;
        double *flow = m->flow + (size_t)g * E * 2, removed = 0.0;
        const double *mp = m->mob_perm + (size_t)g * E;

        for (a = 0; a < A; a++) {
            /* A cell cannot leave twice: when the shares of all borders of
             * an actor add up to more than 1, they are scaled to 1. The
             * factor is exactly 1 otherwise. */
            double share = th->mobility * m->reach[a];
            m->scaled[a] = P[a] * (share > 1.0 ? 1.0 / share : 1.0);
        }
        /* Each actor's inflow and outflow are summed in border order. */
        memset(in, 0, A * sizeof *in);
        memset(out, 0, A * sizeof *out);
        for (e = 0; e < E; e++) {
            int ea = m->end_a[e], eb = m->end_b[e];
            double w = mp[e] * m->open[e];
            double ab = w * m->scaled[ea], ba = w * m->scaled[eb];
            flow[2 * e] = ab;
            flow[2 * e + 1] = ba;
            in[eb] += ab;
            out[ea] += ab;
            in[ea] += ba;
            out[eb] += ba;
        }
        for (a = 0; a < A; a++) {
            double p = P[a];
            double growth = th->growth * p * (1.0 - p * m->inv_k[g * A + a]) *
                            (1.0 + th->online_recruitment * (1.0 - m->CR[a]));
            /* Above its capacity presence declines toward K, but one step
             * of the discrete logistic overshoots once the decline exceeds
             * P - K (P > K (1 + 1/r) for r the step's rate): a large surge
             * would wipe the threat out. The decline stops at K instead. */
            if (growth < 0.0 && growth < th->capacity[a] - p)
                growth = th->capacity[a] - p;
            double attr = th->attrition * m->cap[a] * m->D[a] * p;
            double next = p + growth + in[a] - out[a] - attr;
            /* What attrition removed: all of it, unless it took the
             * presence below zero. */
            m->removed[g * A + a] = next < 0.0 ? (attr + next > 0.0 ? attr + next : 0.0) : attr;
            if (m->region[a])
                removed += m->removed[g * A + a];
            if (next < 0.0)
                next = 0.0;
            if (th->volatility > 0.0 && next > 0.0)
                next *= draw_lognormal(m, r, th->volatility);
            m->Pn[g * A + a] = next;
        }
        /* Injects record no removals, so this step's sum starts at 0. */
        m->th_step[g * FS_TH_N + FS_TH_REMOVED] = removed;
    }
    if (m->G > 0)
        memcpy(m->P, m->Pn, (size_t)m->G * A * sizeof *m->P);
}

/* Step 4: plots, foiled plots, attacks and casualties. The brief draws
 * N_ga ~ Poisson(mu_ga) for each threat and Foiled ~ Binomial(N_ga, D_a).
 * This draws the same joint distribution with fewer draws: the actor's
 * plots N_a ~ Poisson(sum_g mu_ga) (a sum of independent Poissons is
 * Poisson), each plot's threat g with probability mu_ga / sum_g mu_ga
 * (thinning), and each plot foiled with probability D_a (a binomial is a sum
 * of Bernoulli trials). Plots are rare, so this saves one Poisson draw per
 * threat and actor and step. */
static void step_plots(fs_model *m, gsl_rng *r)
{
    const fs_scenario *sc = m->sc;
    double mu[FS_MAX_THREATS];
    int A = m->A, g, a, last;
    unsigned n, k;

    for (a = 0; a < A; a++) {
        int region = m->region[a];
        double total = 0.0, u;
        last = -1;
        for (g = 0; g < m->G; g++) {
            mu[g] = sc->threats[g].plot_rate * m->P[g * A + a] * (1.0 - 0.5 * m->S[a]);
            total += mu[g];
            if (mu[g] > 0.0)
                last = g;
        }
        if (total <= 0.0)
            continue;
        substream(m, r, 2 + a);
        n = draw_poisson(m, r, total);
        for (k = 0; k < n; k++) {
            double *th_step;
            int foiled;
            /* The plot's threat: the first g whose cumulative rate passes u;
             * rounding can leave u at the very top, which goes to the last
             * threat with a positive rate. */
            u = draw_uniform(m, r) * total;
            for (g = 0; g < last && (u -= mu[g]) >= 0.0; g++)
                ;
            foiled = draw_uniform(m, r) < m->D[a];
            th_step = m->th_step + g * FS_TH_N;
            m->plots[a] += 1.0;
            if (region)
                th_step[FS_TH_PLOTS] += 1.0;
            if (foiled) {
                m->foiled[a] += 1.0;
                if (region)
                    th_step[FS_TH_FOILED] += 1.0;
                continue;
            }
            m->attacks[a] += 1.0;
            m->att[g * A + a] += 1.0;
            {
                double c = draw_casualties(m, r, &sc->threats[g]);
                m->cas[a] += c;
                if (region) {
                    th_step[FS_TH_ATTACKS] += 1.0;
                    th_step[FS_TH_CASUALTIES] += c;
                    if (c >= sc->outcomes.mass_casualty && m->first_mc == 0)
                        m->first_mc = m->t;
                }
            }
        }
    }
}

/* Step 5: recovery toward baseline, losses from attacks and casualties. */
static void step_stability(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    const fs_dynamics *dy = &sc->dynamics;
    int a;
    for (a = 0; a < m->A; a++) {
        const fs_actor *ac = &sc->actors[a];
        /* log1p(0) is 0: most actors have no casualties in a step. */
        double lc = m->cas[a] > 0.0 ? log1p(m->cas[a]) : 0.0;
        m->S[a] = clamp01(m->S[a] + ac->resilience * (ac->stability - m->S[a]) -
                          dy->attack_stability * m->attacks[a] -
                          dy->casualty_stability * lc);
    }
}

static void lower_trust(fs_model *m, int a, int b, double by)
{
    double v = m->T[a * m->A + b] - by;
    m->T[a * m->A + b] = m->T[b * m->A + a] = v < 0.0 ? 0.0 : v;
}

/* Step 6a: neighbours whose inflow fed an attack lose trust. */
static void step_blame(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    double tau = sc->dynamics.blame;
    int A = m->A, E = m->E, g, a, b, j;

    for (g = 0; g < m->G; g++) {
        const double *flow = m->flow + (size_t)g * E * 2;
        for (a = 0; a < A; a++) {
            double n = m->att[g * A + a], total = m->inflow[g * A + a];
            if (n <= 0.0 || total <= 0.0)
                continue;
            for (j = m->inc_start[a]; j < m->inc_start[a + 1]; j++) {
                /* Slot 2e+1 brings cells from border e's b to its a, slot
                 * 2e from its a to its b. */
                int slot = m->inc[j];
                const fs_border *bd = &sc->borders[slot >> 1];
                double f = flow[slot];
                b = (slot & 1) ? bd->b : bd->a;
                if (f > 0.0)
                    lower_trust(m, a, b, tau * (f / total) * n *
                                (1.0 - sharing_between(m, a, b)));
            }
        }
    }
    if (!m->any_origin)
        return;
    for (a = 0; a < A; a++)
        for (b = 0; b < A; b++)
            if (m->blame_origin[a * A + b] > 0.0)
                lower_trust(m, a, b, tau * m->blame_origin[a * A + b] *
                            (1.0 - sharing_between(m, a, b)));
}

/* Step 6c over whole matrices: T += rho (T0 - T), clamped to [0, 1], and
 * X *= keep. Both are symmetric, and (a, b) and (b, a) get the same
 * operations on the same values, so they stay so; the diagonal (trust 1,
 * never read) stays 1 in T. Two entries per SSE2 instruction (every
 * x86-64 has it): max_pd(0, t) and min_pd(1, t) return t when it is NaN
 * or -0.0, as clamp01 does. */
static void drift(double *T, double *X, const double *T0, int n, double rho, double keep)
{
    int i = 0;
#ifdef __SSE2__
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
    const __m128d r = _mm_set1_pd(rho), k = _mm_set1_pd(keep);
    for (; i + 2 <= n; i += 2) {
        __m128d t = _mm_loadu_pd(T + i);
        t = _mm_add_pd(t, _mm_mul_pd(r, _mm_sub_pd(_mm_loadu_pd(T0 + i), t)));
        _mm_storeu_pd(T + i, _mm_min_pd(one, _mm_max_pd(zero, t)));
        _mm_storeu_pd(X + i, _mm_mul_pd(_mm_loadu_pd(X + i), k));
    }
#endif
    for (; i < n; i++) {
        T[i] = clamp01(T[i] + rho * (T0[i] - T[i]));
        X[i] *= keep;
    }
}

/* Step 6b: drills among participants; 6c: drift toward T0, decay of X. */
static void step_drills_and_drift(fs_model *m)
{
    const fs_scenario *sc = m->sc;
    const fs_dynamics *dy = &sc->dynamics;
    int A = m->A, a, b, k;

    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        double gt = mc->intensity * dy->drill_trust, gx = mc->intensity * dy->drill_interop;
        if (mc->kind != FS_MECH_JOINT_DRILL || !m->active[k] ||
            (m->t - mc->start) % mc->period != 0)
            continue;
        for (a = 0; a < A; a++) {
            if (!m->part[k * A + a])
                continue;
            for (b = a + 1; b < A; b++) {
                if (!m->part[k * A + b])
                    continue;
                m->T[a * A + b] += gt * (1.0 - m->T[a * A + b]);
                m->X[a * A + b] += gx * (1.0 - m->X[a * A + b]);
                m->T[b * A + a] = m->T[a * A + b];
                m->X[b * A + a] = m->X[a * A + b];
            }
        }
    }
    drift(m->T, m->X, sc->trust, A * A, dy->trust_recovery, 1.0 - dy->interop_decay);
}

static void step_costs(fs_model *m)
{
    int k;
    for (k = 0; k < m->M; k++) {
        const fs_mechanism *mc = &m->sc->mechanisms[k];
        if (!m->active[k])
            continue;
        m->mech_steps[k] += 1.0;
        m->mech_cost[k] += mc->cost * mc->intensity;
        m->tot[FS_TOT_COST] += mc->cost * mc->intensity;
    }
}

void fs_model_step(fs_model *m, gsl_rng *r, double *obs)
{
    int A = m->A;
    size_t GA = (size_t)m->G * A;

    m->t++;
    memset(m->plots, 0, A * sizeof *m->plots);
    memset(m->foiled, 0, A * sizeof *m->foiled);
    memset(m->attacks, 0, A * sizeof *m->attacks);
    memset(m->cas, 0, A * sizeof *m->cas);
    memset(m->att, 0, (GA ? GA : 1) * sizeof *m->att);
    memset(m->removed, 0, (GA ? GA : 1) * sizeof *m->removed);
    memset(m->th_step, 0, (size_t)(m->G ? m->G : 1) * FS_TH_N * sizeof *m->th_step);
    if (m->any_origin) {
        memset(m->blame_origin, 0, (size_t)A * A * sizeof *m->blame_origin);
        m->any_origin = 0;
    }

    step_injects(m, r);
    mark_active(m);
    step_detection(m);
    step_coverage(m);
    step_threats(m, r);
    step_plots(m, r);
    step_stability(m);
    step_blame(m);
    step_drills_and_drift(m);
    step_costs(m);
    track_member_stability(m);
    record_step(m, obs);
}

void fs_model_finish(fs_model *m, double *obs)
{
    const fs_scenario *sc = m->sc;
    const fs_layout *l = &m->lay;
    const fs_outcomes *o = &sc->outcomes;
    double threat = region_threat(m), coh = cohesion(m);
    int A = m->A, a, b, k, esc, frac, cont;

    m->tot[FS_TOT_THREAT_START] = m->threat0;
    m->tot[FS_TOT_THREAT_FINAL] = threat;
    m->tot[FS_TOT_COHESION_START] = m->cohesion0;
    m->tot[FS_TOT_COHESION_FINAL] = coh;
    m->tot[FS_TOT_MIN_MEMBER_STABILITY] = m->min_member;
    m->tot[FS_TOT_FIRST_MASS_CASUALTY] = m->first_mc ? (double)m->first_mc : NAN;
    for (k = 0; k < FS_TOT_N; k++)
        obs[fs_cell_tot(l, k)] = m->tot[k];
    for (a = 0; a < A; a++) {
        m->tot_at[a * FS_AT_N + FS_AT_FINAL_STABILITY] = m->S[a];
        for (k = 0; k < FS_AT_N; k++)
            obs[fs_cell_at(l, a, k)] = m->tot_at[a * FS_AT_N + k];
        for (b = a + 1; b < A; b++)
            obs[fs_cell_trust(l, a, b)] = m->T[a * A + b];
    }
    for (k = 0; k < m->G; k++) {
        int j;
        m->tot_th[k * FS_TH_N + FS_TH_FINAL_PRESENCE] = 0.0;
        for (a = 0; a < A; a++)
            if (sc->actors[a].role != FS_ROLE_EXTERNAL)
                m->tot_th[k * FS_TH_N + FS_TH_FINAL_PRESENCE] += m->P[k * A + a];
        for (j = 0; j < FS_TH_N; j++)
            obs[fs_cell_th(l, k, j)] = m->tot_th[k * FS_TH_N + j];
    }
    for (k = 0; k < m->M; k++) {
        obs[fs_cell_mech(l, k, FS_MC_ACTIVE_STEPS)] = m->mech_steps[k];
        obs[fs_cell_mech(l, k, FS_MC_COST)] = m->mech_cost[k];
    }
    for (k = 0; k < m->I; k++) {
        obs[fs_cell_inj(l, k, FS_IN_FIRED)] = m->first_fire[k] > 0;
        obs[fs_cell_inj(l, k, FS_IN_FIRST_STEP)] =
            m->first_fire[k] > 0 ? (double)m->first_fire[k] : NAN;
    }
    esc = escalated(m, threat);
    frac = coh < m->cohesion0 - o->fracture_drop;
    cont = !esc && !frac &&
           (m->threat0 > 0.0 ? threat <= o->contained_ratio * m->threat0 : threat <= 0.0);
    obs[fs_cell_out(l, FS_OUT_ESCALATION)] = esc;
    obs[fs_cell_out(l, FS_OUT_FRACTURE)] = frac;
    obs[fs_cell_out(l, FS_OUT_CONTAINED)] = cont;
    obs[fs_cell_out(l, FS_OUT_MASS_CASUALTY)] = m->first_mc > 0;
}

void fs_model_trace(fs_model *m, fs_draw *buf, size_t cap)
{
    m->trace = buf;
    m->trace_cap = buf ? cap : 0;
    m->traced = 0;
}

size_t fs_model_traced(const fs_model *m)
{
    return m->traced;
}

const double *fs_model_detection(const fs_model *m)
{
    return m->D;
}

const double *fs_model_threat_step(const fs_model *m)
{
    return m->th_step;
}

void fs_model_actor_step(const fs_model *m, int a, double *attacks, double *foiled,
                         double *casualties)
{
    *attacks = m->attacks[a];
    *foiled = m->foiled[a];
    *casualties = m->cas[a];
}
