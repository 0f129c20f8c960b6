/* test_prim.c: PRIM on synthetic data with a planted box (x1 < 0.3 and
 * x2 > 0.6 among five uniform inputs), and its edge cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prim.h"
#include "rng.h"

#define K 5

typedef struct synth {
    int n, k;
    double *x;
    unsigned char *y;
} synth;

/* n cases of k uniform inputs; of interest inside the planted box, and
 * with probability `noise_out` outside it; a case inside loses its label
 * with probability `noise_in`. */
static synth planted(int n, int k, double noise_out, double noise_in, uint64_t seed)
{
    synth s = {n, k, malloc((size_t)n * k * sizeof(double)), malloc((size_t)n)};
    gsl_rng *g = fs_rng_alloc();
    int i, j;
    fs_rng_seed(g, seed, 0);
    for (i = 0; i < n; i++) {
        int in;
        for (j = 0; j < k; j++)
            s.x[(size_t)j * n + i] = gsl_rng_uniform(g);
        in = s.x[i] < 0.3 && (k < 2 || s.x[n + i] > 0.6);
        double u = gsl_rng_uniform(g);
        s.y[i] = in ? u >= noise_in : u < noise_out;
    }
    gsl_rng_free(g);
    return s;
}

static void synth_free(synth *s) { free(s->x), free(s->y); }

static fs_prim_data data_of(const synth *s)
{
    fs_prim_data d = {s->n, s->k, s->x, s->y};
    return d;
}

static int restricted(const fs_prim_box *b, int j)
{
    return isfinite(b->lo[j]) || isfinite(b->hi[j]);
}

/* The tolerance on a planted limit: PRIM may stop up to one peel short of
 * the edge (a peel removes peel_alpha of the box's cases, which spans
 * peel_alpha x mass / slab of the input, slab being the width of the
 * planted box in the other input), twice that for safety, plus ten case
 * spacings n x slab beyond it. */
static double tol(int n, double alpha, double mass, double slab)
{
    return 2 * alpha * mass / slab + 10.0 / (n * slab);
}

static void test_planted_box(void)
{
    int n = 4000, j;
    synth s = planted(n, K, 0.1, 0.0, 42);
    fs_prim_data d = data_of(&s);
    fs_prim_opts o;
    fs_prim_result r;
    fs_err e;
    fs_prim_sorted *so = fs_prim_sort(&d, &e);

    fs_prim_opts_default(&o);
    CHECK(so != NULL);
    CHECK(fs_prim_run(&d, so, NULL, &o, &r, &e) == FS_OK);
    CHECK(r.reached);
    CHECK(r.box.nrestricted == 2);
    CHECK(isinf(r.box.lo[0]) && isinf(r.box.hi[1]));
    CHECK_NEAR(r.box.hi[0], 0.3, tol(n, o.peel_alpha, 0.12, 0.4));
    CHECK_NEAR(r.box.lo[1], 0.6, tol(n, o.peel_alpha, 0.12, 0.3));
    for (j = 2; j < K; j++)
        CHECKF(!restricted(&r.box, j), "x%d restricted to [%g, %g]", j + 1, r.box.lo[j],
               r.box.hi[j]);
    CHECK(r.qp[0] < 1e-6 && r.qp[1] < 1e-6 && isnan(r.qp[2]));
    /* The trajectory starts with every case and ends at the chosen box or
     * later; densities never fall along it. */
    CHECK(r.traj[0].n == n && r.traj[0].nrestricted == 0);
    for (j = 1; j < r.nsteps; j++)
        CHECK((double)r.traj[j].ny / r.traj[j].n > (double)r.traj[j - 1].ny / r.traj[j - 1].n);
    CHECK(r.traj[r.nsteps - 1].n >= o.mass_min * n);
    fs_prim_result_free(&r);
    fs_prim_sorted_free(so);
    synth_free(&s);
}

/* With noise inside the box too, peeling goes on past the planted box by
 * chance; the inspection tells the analyst: the planted restrictions are
 * overwhelmingly significant and restricted in every resample, any other
 * is not significant at 1%. */
static void test_noise_both_ways(void)
{
    int n = 4000, j;
    synth s = planted(n, K, 0.1, 0.1, 42);
    fs_prim_data d = data_of(&s);
    fs_prim_opts o;
    fs_prim_result r;
    fs_err e;
    fs_prim_sorted *so = fs_prim_sort(&d, &e);
    double share[K], share1[K];

    fs_prim_opts_default(&o);
    CHECK(fs_prim_run(&d, so, NULL, &o, &r, &e) == FS_OK);
    CHECK(restricted(&r.box, 0) && restricted(&r.box, 1));
    CHECK_NEAR(r.box.hi[0], 0.3, tol(n, o.peel_alpha, 0.12, 0.4));
    CHECK_NEAR(r.box.lo[1], 0.6, tol(n, o.peel_alpha, 0.12, 0.3));
    CHECK(r.qp[0] < 1e-6 && r.qp[1] < 1e-6);
    for (j = 2; j < K; j++)
        CHECKF(!restricted(&r.box, j) || r.qp[j] > 0.01, "x%d quasi-p %g", j + 1, r.qp[j]);
    CHECK(fs_prim_resample(&d, so, &o, 20, 7, 2, share, &e) == FS_OK);
    CHECK(share[0] == 1.0 && share[1] == 1.0);
    /* The same shares whatever the thread count. */
    CHECK(fs_prim_resample(&d, so, &o, 20, 7, 1, share1, &e) == FS_OK);
    CHECK(memcmp(share, share1, sizeof share) == 0);
    fs_prim_result_free(&r);
    fs_prim_sorted_free(so);
    synth_free(&s);
}

/* Counting every case twice finds the same box as counting it once. */
static void test_weights(void)
{
    synth s = planted(1500, K, 0.1, 0.05, 3);
    fs_prim_data d = data_of(&s);
    fs_prim_opts o;
    fs_prim_result a, b;
    fs_err e;
    fs_prim_sorted *so = fs_prim_sort(&d, &e);
    int *w = malloc(1500 * sizeof *w), i;

    for (i = 0; i < 1500; i++)
        w[i] = 2;
    fs_prim_opts_default(&o);
    CHECK(fs_prim_run(&d, so, NULL, &o, &a, &e) == FS_OK);
    CHECK(fs_prim_run(&d, so, w, &o, &b, &e) == FS_OK);
    CHECK(a.nsteps == b.nsteps && b.box.n == 2 * a.box.n && b.box.ny == 2 * a.box.ny);
    CHECK(memcmp(a.box.lo, b.box.lo, K * sizeof(double)) == 0);
    CHECK(memcmp(a.box.hi, b.box.hi, K * sizeof(double)) == 0);
    fs_prim_result_free(&a), fs_prim_result_free(&b);
    fs_prim_sorted_free(so);
    free(w);
    synth_free(&s);
}

/* Two planted boxes: covering finds the second after removing the first. */
static void test_covering(void)
{
    int n = 4000, i, nb = 0;
    synth s = planted(n, K, 0.0, 0.0, 9);
    fs_prim_data d;
    fs_prim_opts o;
    fs_prim_result b[3];
    fs_err e;
    fs_prim_sorted *so;

    for (i = 0; i < n; i++)   /* a second box: x3 > 0.75 and x4 > 0.75 */
        s.y[i] |= s.x[2 * n + i] > 0.75 && s.x[3 * n + i] > 0.75;
    d = data_of(&s);
    so = fs_prim_sort(&d, &e);
    memset(b, 0, sizeof b);
    fs_prim_opts_default(&o);
    CHECK(fs_prim_cover(&d, so, &o, 3, b, &nb, &e) == FS_OK);
    CHECK(nb >= 2);
    CHECK(restricted(&b[0].box, 0) && restricted(&b[0].box, 1));
    CHECK(restricted(&b[1].box, 2) && restricted(&b[1].box, 3));
    CHECK_NEAR(b[1].box.lo[2], 0.75, tol(n, o.peel_alpha, 0.0625, 0.25));
    CHECK(b[1].n_total < n && b[1].ny_total < b[0].ny_total);
    for (i = 0; i < nb; i++)
        fs_prim_result_free(&b[i]);
    fs_prim_sorted_free(so);
    synth_free(&s);
}

static void run_simple(const synth *s, fs_prim_result *r)
{
    fs_prim_data d = data_of(s);
    fs_prim_opts o;
    fs_err e;
    fs_prim_sorted *so = fs_prim_sort(&d, &e);
    fs_prim_opts_default(&o);
    if (fs_prim_run(&d, so, NULL, &o, r, &e) != FS_OK)
        r->nsteps = -1;
    fs_prim_sorted_free(so);
}

static void test_no_case_of_interest(void)
{
    synth s = planted(500, K, 0.0, 1.0, 5);
    fs_prim_result r;
    run_simple(&s, &r);
    CHECK(r.nsteps == 1 && r.ny_total == 0 && !r.reached && r.box.nrestricted == 0);
    fs_prim_result_free(&r);
    synth_free(&s);
}

static void test_all_cases_of_interest(void)
{
    synth s = planted(500, K, 1.0, 0.0, 5);
    fs_prim_result r;
    run_simple(&s, &r);
    CHECK(r.nsteps == 1 && r.ny_total == 500 && r.reached && r.box.n == 500);
    fs_prim_result_free(&r);
    synth_free(&s);
}

/* A constant column is never restricted and does not disturb the others. */
static void test_constant_column(void)
{
    synth s = planted(2000, K, 0.1, 0.0, 11);
    fs_prim_result r;
    int i;
    for (i = 0; i < 2000; i++)
        s.x[4 * 2000 + i] = 7.0;
    run_simple(&s, &r);
    CHECK(r.nsteps > 1 && !restricted(&r.box, 4) && restricted(&r.box, 0));
    fs_prim_result_free(&r);
    synth_free(&s);
}

/* Integer inputs are peeled by whole values: limits are values the data
 * holds, and cases of interest at x1 in {0, 1, 2} of 0..9 give x1 <= 2. */
static void test_integer_input(void)
{
    synth s = planted(3000, 3, 0.0, 0.0, 13);
    fs_prim_result r;
    int i;
    for (i = 0; i < 3000; i++) {
        s.x[i] = floor(s.x[i] * 10);
        s.y[i] = s.x[i] <= 2 && s.x[3000 + i] > 0.6;
    }
    run_simple(&s, &r);
    CHECK(r.reached && isinf(r.box.lo[0]));
    CHECK(r.box.hi[0] == 2.0);
    for (i = 0; i < r.nsteps; i++)
        CHECK(!isfinite(r.traj[i].hi[0]) || r.traj[i].hi[0] == floor(r.traj[i].hi[0]));
    fs_prim_result_free(&r);
    synth_free(&s);
}

static void test_single_input(void)
{
    synth s = planted(2000, 1, 0.05, 0.0, 17);
    fs_prim_result r;
    run_simple(&s, &r);
    CHECK(r.reached && r.box.nrestricted == 1 && isinf(r.box.lo[0]));
    CHECK_NEAR(r.box.hi[0], 0.3, tol(2000, 0.05, 0.3, 1.0));
    fs_prim_result_free(&r);
    synth_free(&s);
}

/* A restriction that later peels made empty is dropped: x1 < 0.1 holds
 * only cases with x2 < 0.5, so a peel of x1's low end raises the density
 * at first, and once x2 > 0.5 is peeled to, x1's limit excludes nothing
 * more. */
static void test_vacuous_restriction(void)
{
    synth s = planted(2000, 2, 0.0, 0.0, 23);
    fs_prim_result r;
    int i;
    for (i = 0; i < 2000; i++) {
        if (s.x[i] < 0.1)
            s.x[2000 + i] *= 0.5;
        s.y[i] = s.x[2000 + i] > 0.5;
    }
    run_simple(&s, &r);
    CHECK(r.reached);
    CHECK(restricted(&r.box, 1) && !restricted(&r.box, 0));
    for (i = 0; i < r.nsteps && !isfinite(r.traj[i].lo[0]); i++)
        ;
    CHECKF(i < r.nsteps, "no peel of x1 on the trajectory: the test tests nothing");
    fs_prim_result_free(&r);
    synth_free(&s);
}

/* --box N takes that trajectory box (clamped to the last one). */
static void test_box_choice(void)
{
    synth s = planted(2000, K, 0.1, 0.0, 19);
    fs_prim_data d = data_of(&s);
    fs_prim_opts o;
    fs_prim_result r;
    fs_err e;
    fs_prim_sorted *so = fs_prim_sort(&d, &e);
    fs_prim_opts_default(&o);
    o.box = 3;
    o.paste_alpha = 0.01;
    CHECK(fs_prim_run(&d, so, NULL, &o, &r, &e) == FS_OK);
    CHECK(r.chosen == 3 && r.box.n >= r.traj[3].n);
    fs_prim_result_free(&r);
    o.box = 100000;
    CHECK(fs_prim_run(&d, so, NULL, &o, &r, &e) == FS_OK);
    CHECK(r.chosen == r.nsteps - 1);
    fs_prim_result_free(&r);
    fs_prim_sorted_free(so);
    synth_free(&s);
}

static void test_options(void)
{
    fs_prim_opts o;
    fs_err e;
    fs_prim_opts_default(&o);
    CHECK(o.peel_alpha == 0.05 && o.paste_alpha == 0.05 && o.mass_min == 0.05 &&
          o.threshold == 0.8);
    CHECK(fs_prim_opts_check(&o, &e) == FS_OK);
    o.peel_alpha = 0.5;
    CHECK(fs_prim_opts_check(&o, &e) == FS_EUSAGE);
    CHECK_STR_CONTAINS(e.msg, "--peel-alpha: expected a number in (0, 0.5), found 0.5");
    fs_prim_opts_default(&o);
    o.mass_min = 0;
    CHECK(fs_prim_opts_check(&o, &e) == FS_EUSAGE);
    CHECK_STR_CONTAINS(e.msg, "--mass-min");
}

/* The binomial tail against exact values. */
static void test_binom(void)
{
    CHECK_NEAR(fs_prim_binom_sf(3, 3, 0.5), 0.125, 1e-15);
    CHECK_NEAR(fs_prim_binom_sf(2, 3, 0.5), 0.5, 1e-15);
    CHECK_NEAR(fs_prim_binom_sf(0, 3, 0.5), 1.0, 0);
    CHECK_NEAR(fs_prim_binom_sf(10, 10, 0.1), 1e-10, 1e-22);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_planted_box);
    RUN(test_noise_both_ways);
    RUN(test_weights);
    RUN(test_covering);
    RUN(test_no_case_of_interest);
    RUN(test_all_cases_of_interest);
    RUN(test_constant_column);
    RUN(test_integer_input);
    RUN(test_single_input);
    RUN(test_vacuous_restriction);
    RUN(test_box_choice);
    RUN(test_options);
    RUN(test_binom);
    return check_report();
}
