/* moea.h: many-objective search by NSGA-II (Deb, Pratap, Agarwal and
 * Meyarivan 2002) with an epsilon-dominance archive (Laumanns, Thiele,
 * Deb and Zitzler 2002, as in Kollat and Reed's epsilon-NSGA-II), and the
 * exact hypervolume of a point set. It knows nothing about scenarios: the
 * caller evaluates candidates through a callback that takes a whole batch,
 * so that it can spread them over threads and processes. Every objective
 * is minimised (negate one to maximise it); constraint values g <= 0 hold,
 * and a candidate's violation is the sum of its positive g. The search
 * works as alloc / step (generation 0 is the initial population) / read,
 * so the caller can report progress and checkpoint between generations.
 * Generation t draws only from the random stream (seed, t), so the search
 * depends on its seed and the values the callback returns, never on the
 * order or the threads the callback evaluates them on; replaying the same
 * values gives the same search bit for bit (resume by replay). An fs_moea
 * is owned by its allocator and released with fs_moea_free (accepts NULL);
 * the arrays its accessors return live until the next step or the free. */
#ifndef FS_MOEA_H
#define FS_MOEA_H

#include <stdint.h>
#include "errors.h"

#define FS_MOEA_MAX_VARS 1000
#define FS_MOEA_MAX_OBJS 16
#define FS_MOEA_MAX_CONS 64
#define FS_MOEA_MAX_POP  100000

/* The problem: nvars variables in [lo[i], hi[i]] (integer[i] != 0: an
 * integer variable with integral bounds; integer may be NULL), nobjs
 * objectives, ncons constraints. The arrays are copied. */
typedef struct fs_moea_problem {
    int nvars, nobjs, ncons;
    const double *lo, *hi;
    const int *integer;
} fs_moea_problem;

/* Options; zero means the default, given in brackets.
 *   population  even, >= 4 [100]
 *   seed        the search's random streams [0 is a seed like any other]
 *   pc          crossover probability per pair [1.0]
 *   eta_c       SBX distribution index [15]
 *   pm          mutation probability per variable [1 / nvars]
 *   eta_m       polynomial mutation distribution index [20]
 *   epsilons    nobjs box sizes of the archive, each > 0; NULL: 1e-9 each
 *               (an archive of every non-dominated candidate, in effect) */
typedef struct fs_moea_opts {
    int population;
    uint64_t seed;
    double pc, eta_c, pm, eta_m;
    const double *epsilons;
} fs_moea_opts;

/* Evaluates n candidates: x holds n rows of nvars values; the callback
 * fills f (n x nobjs) and g (n x ncons; NULL when ncons is 0). Any status
 * but FS_OK stops the step with that status and err as the callback set
 * it. A NaN objective or constraint is refused by the step (FS_ERUNTIME). */
typedef fs_status (*fs_moea_eval_fn)(void *ctx, int n, const double *x, double *f,
                                     double *g, fs_err *err);

typedef struct fs_moea fs_moea;

/* A search over p with options o: NULL with err set (FS_ECONFIG naming the
 * bad setting, FS_ENOMEM). Nothing is evaluated yet. */
fs_moea *fs_moea_alloc(const fs_moea_problem *p, const fs_moea_opts *o, fs_err *err);
void fs_moea_free(fs_moea *m);

/* Runs one generation: the first call draws (a Latin hypercube) and
 * evaluates the initial population (generation 0); every later call breeds and evaluates
 * `population` offspring (binary tournament on rank and crowding, SBX,
 * polynomial mutation; integer variables are bred on the real line and
 * rounded) and keeps the best `population` of parents and offspring by
 * constraint domination and crowding. Each evaluated candidate is offered
 * to the archive in batch order. On failure the search is unchanged. */
fs_status fs_moea_step(fs_moea *m, fs_moea_eval_fn fn, void *ctx, fs_err *err);

/* Objectives that depend on the other candidates evaluated (a regret
 * against the best candidate found per future, say): from generation 1
 * on, once a step has evaluated its offspring, fn re-scores the current
 * population and the archive (called with their rows of x, as the
 * evaluation callback, population first), the archive is rebuilt by
 * offering its members again in their order, and only then are the
 * offspring offered and the survivors chosen. fn must depend only on x
 * and the values evaluated so far, so that replay stays bit for bit. */
void fs_moea_set_rescore(fs_moea *m, fs_moea_eval_fn fn, void *ctx);

/* Generations done (0 before the first step) and candidates evaluated. */
int fs_moea_generations(const fs_moea *m);
long fs_moea_evaluations(const fs_moea *m);

/* The current population (after a step): n rows of x, f, g and the
 * violation cv (0: feasible), and rank (0: the first front). */
int fs_moea_population(const fs_moea *m, const double **x, const double **f,
                       const double **g, const double **cv, const int **rank);

/* The archive: n rows, in the order they entered. Feasible candidates
 * only once one is found; until then the least-violating ones. */
int fs_moea_archive(const fs_moea *m, const double **x, const double **f,
                    const double **g, const double **cv);

/* The hypervolume dominated by n points f (rows of m objectives, all
 * minimised) and bounded by the reference point ref: exact (recursive
 * slicing, Zitzler's HSO; quick for m <= 3 and a few hundred points).
 * Points not strictly better than ref in every objective add nothing.
 * Returns -1 when out of memory. */
double fs_moea_hypervolume(int n, int m, const double *f, const double *ref);

/* Whether a dominates b under constraint domination (cva, cvb: their
 * violations): a feasible candidate dominates an infeasible one, the
 * smaller violation dominates among infeasible ones, and Pareto dominance
 * decides between feasible ones. */
int fs_moea_dominates(int m, const double *a, double cva, const double *b, double cvb);

#endif
