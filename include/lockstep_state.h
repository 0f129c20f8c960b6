/* lockstep_state.h: the inside of an fs_lockstep (lockstep.h), for
 * sim/lockstep.c, which allocates it, and the step kernels, one per
 * instruction set: lockstep_kernel.h compiled by sim/lockstep_{scalar,
 * sse2,avx2,avx512}.c with that set's flags (and sim/lockstep16_*.c for
 * sixteen lanes). A lane array holds rows of W
 * doubles, row i of lane array p at p + i * W, every row 64-byte aligned.
 * Nothing here allocates. */
#ifndef FS_LOCKSTEP_STATE_H
#define FS_LOCKSTEP_STATE_H

#include <stdint.h>
#include "lanes.h"
#include "lockstep.h"
#include "metrics.h"
#include "scenario.h"

/* model.c's caps on Poisson means and its escalation threshold from 0. */
#define FS_LOCKSTEP_MAX_PLOTS 1e3
#define FS_LOCKSTEP_MAX_CASUALTIES 1e8
#define FS_LOCKSTEP_ESCALATION_FROM_ZERO 1.0

/* Plots' casualties are drawn by inversion (fs_lanes_negbin_inversion:
 * one word, no retries) when every threat's lethality mean is at most
 * this; by the gamma mixture (fs_lanes_negbin) otherwise. */
#define FS_LOCKSTEP_INVERSION_MEAN 50.0

struct fs_lockstep {
    const fs_scenario *sc;
    fs_layout lay;
    size_t o_run, o_cell;   /* cell c of lane i at obs[i * o_run + c * o_cell] */
    fs_lanes *rng;
    int W, A, G, M, I, E, t, maxatt;
    int cas_inversion;      /* plots' casualties by inversion (the scenario's choice) */
    /* Shared, derived from the scenario (int block). */
    int *region, *member;   /* [A] */
    int *end_a, *end_b;     /* [E] */
    int *inc_start, *inc;   /* [A+1], [2E]: flow slots into each actor */
    int *coh_pairs, ncoh;   /* pairs a*A+b that cohesion averages over */
    int *cand, *ncand;      /* [M*A], [M]: actors that may take part in k in
                             * some run (participants and joiners), ascending */
    int *bits;              /* the int block */
    /* Lane arrays (double block), [rows][W]. */
    double *inv_k;          /* [G*A] 1 / K, the same in every lane */
    double *P, *Pn;         /* [G*A] presence */
    double *S, *cap;        /* [A] */
    double *T, *X;          /* [A*A] */
    double *part;           /* [M*A] 1 when a takes part in k */
    double *on, *active;    /* [M] */
    double *perm;           /* [E] */
    double *perm_before;    /* [I] */
    double *will;           /* [I] 1 when a scheduled inject fires this run */
    double *first_fire;     /* [I] step of first firing, 0 if none */
    double *own, *keep, *D, *CR, *reach, *scaled;  /* [A] */
    double *open;           /* [E] */
    double *flow;           /* [G*E*2] */
    double *inflow, *outflow, *att, *removed;      /* [G*A] */
    double *plots, *foiled, *attacks, *cas;        /* [A] this step */
    double *th_step, *tot_th;                      /* [G*FS_TH_N] */
    double *blame_origin;   /* [A*A] */
    double *sh_pair;        /* [A*A] h_ab of the step, at TRI(a, b) once known */
    int *sh_known;          /* [A*A] 1 when sh_pair holds this step's h_ab */
    int *act;               /* [W] the lanes with a k-th plot (step_plots) */
    double *tot;            /* [FS_TOT_N] */
    double *tot_at;         /* [A*FS_AT_N] */
    double *mech_steps, *mech_cost;                /* [M] */
    double *threat0, *cohesion0, *min_member, *first_mc;  /* [1] */
    /* Scratch for draws and sums. */
    double *u, *v, *x, *n, *total, *last, *p, *size, *fire, *sh, *gs;  /* [1] */
    double *mu;             /* [G] */
    double *icas;           /* [maxatt] an attack inject's casualty draws */
    uint32_t *wskip;        /* [W] words skipped */
    /* Each lane's scenario numbers, filled at the block's start from the
     * lane's scenario (lsc), in the forms model.c computes them. */
    const fs_scenario **lsc;                         /* [W] */
    double *q_P0, *q_K;                              /* [G*A] presence, capacity K */
    double *q_intel, *q_cap0, *q_stab, *q_res;       /* [A] */
    double *q_growth, *q_orec, *q_attr, *q_mob, *q_rate, *q_vol;  /* [G] */
    double *q_nbp, *q_nbk;                           /* [G] k / (k + mean), k */
    double *q_nbP0;                                  /* [G] q_nbp^q_nbk */
    double *p0;                                      /* [1] a draw's q_nbP0 */
    double *shk;                                     /* [A] a threat's shocks */
    double *q_perm0;                                 /* [E] */
    double *q_w, *q_1h, *q_h, *q_gt, *q_gx, *q_cost; /* [M] phi h, 1 - h, h, h gamma,
                                                      * h eta, cost h */
    double *q_T0, *q_X0;                             /* [A*A] */
    double *q_prob, *q_haz;                          /* [I] */
    double *q_tau, *q_rho, *q_keep, *q_alpha, *q_kappa;   /* [1] blame, trust recovery,
                                                      * 1 - interop decay, attack and
                                                      * casualty stability */
    double *q_esc, *q_fail, *q_frac, *q_cont, *q_mass;    /* [1] the outcomes */
    double *block;          /* the double block */
    int any_origin;         /* some lane has a blame_origin entry this step */
    /* Window sums the caller watches (fs_lockstep_watch). */
    int nwatch;
    int w_first[FS_LOCKSTEP_MAX_WATCH], w_last[FS_LOCKSTEP_MAX_WATCH];
    const double *w_src[FS_LOCKSTEP_MAX_WATCH];   /* the row a step adds: a
                                                   * th_step, attacks, foiled
                                                   * or cas row */
    double *wsum;           /* [FS_LOCKSTEP_MAX_WATCH] */
};

/* A whole block from start to finish, its lanes already seeded (lockstep.c
 * seeds them: one seed and consecutive runs, or a stream for each lane):
 * fs_lockstep_run's work, one function per instruction set, the same
 * bits from each. */
typedef void (*fs_lockstep_kernel)(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run_scalar(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run_sse2(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run_avx2(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run_avx512(fs_lockstep *L, int nused, double *obs);

/* The same for blocks of exactly FS_LOCKSTEP_FAST_W lanes (lockstep.h),
 * compiled by sim/lockstep16_{sse2,avx2,avx512}.c with that count fixed:
 * measurably faster, and the same bits. The scalar reference has no such
 * twin. */
void fs_lockstep_run16_sse2(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run16_avx2(fs_lockstep *L, int nused, double *obs);
void fs_lockstep_run16_avx512(fs_lockstep *L, int nused, double *obs);

#endif
