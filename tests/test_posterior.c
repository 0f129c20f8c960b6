/* test_posterior.c: reading a posterior, the particle each run draws (a
 * function of (seed, run) alone, by weight), and the law-of-total-variance
 * split on a synthetic case whose two parts are known exactly. */
#include "check.h"
#include "errors.h"
#include "posterior.h"
#include "rng.h"
#include "stats.h"

#include <stdlib.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

static char dir[64];

/* Writes text as dir/posterior.csv and reads it; the status, with *p set
 * on success. */
static fs_status read_text(const char *text, fs_posterior **p, fs_err *e)
{
    char path[128];
    FILE *f;
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    f = fopen(path, "w");
    if (f == NULL)
        return FS_EIO;
    fputs(text, f);
    fclose(f);
    fs_err_clear(e);
    return fs_posterior_read(dir, p, e);
}

static const char four[] =
    "particle,threats.[iskp].plot_rate,dynamics.tau,weight,distance\n"
    "0,0.01,0.1,0.1,3\n"
    "1,0.02,0.2,0,2\n"
    "2,0.03,0.3,0.25,1\n"
    "3,0.04,0.4,0.65,0.5\n";

static void test_read(void)
{
    fs_posterior *p = NULL;
    fs_err e;
    CHECK(read_text(four, &p, &e) == FS_OK);
    CHECK(p->n == 4 && p->nparams == 2);
    CHECK(strcmp(p->paths[0], "threats.[iskp].plot_rate") == 0);
    CHECK(p->value[3 * 2 + 1] == 0.4 && p->weight[2] == 0.25);
    /* Weighted mean of tau: 0.01 + 0.075 + 0.26. */
    CHECK_NEAR(p->mean[1], 0.345, 1e-15);
    CHECK(p->hash != 0);
    fs_posterior_free(p);
}

/* Each bad file is refused with FS_ECONFIG and a message that says why. */
static void test_refusals(void)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"particle,a,weight,distance\n0,1,0.5,0\n1,2,0.4999,0\n", "the weights sum to"},
        {"particle,a,weight\n0,1,1.5\n", "expected a number from 0 to 1"},
        {"particle,a,weight\n0,x,1\n", "expected a number"},
        {"particle,a,weight\n1,1,1\n", "column 'particle': expected 0"},
        {"particle,weight\n0,1\n", "at least one setting path"},
        {"id,a,weight\n0,1,1\n", "expected the header particle"},
        {"particle,a,b\n0,1,1\n", "expected a column 'weight'"},
        {"particle,a,a,weight\n0,1,1,1\n", "appears twice"},
        {"particle,a,weight,extra\n0,1,1,2\n", "expected only 'distance'"},
        {"particle,a,weight,distance\n", "expected at least one particle"},
        {"particle,a,weight\n0,1,1\n1,2\n", "fields"},
    };
    size_t i;
    fs_posterior *p;
    fs_err e;
    char missing[128];

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = NULL;
        CHECKF(read_text(bad[i].text, &p, &e) == FS_ECONFIG, "case %zu", i);
        CHECK(p == NULL);
        CHECKF(strstr(e.msg, bad[i].msg) != NULL, "case %zu: %s", i, e.msg);
        CHECKF(strstr(e.msg, "posterior.csv") != NULL, "case %zu: %s", i, e.msg);
    }
    snprintf(missing, sizeof missing, "%s/nothing", dir);
    fs_err_clear(&e);
    CHECK(fs_posterior_read(missing, &p, &e) == FS_ECONFIG);
    CHECK_STR_CONTAINS(e.msg, "posterior.csv");
}

/* The particle of run i depends on (seed, i) alone: the same from a fresh
 * generator and from one used for anything before; runs 2j and 2j + 1
 * share it; another seed draws others. */
static void test_pick_pure(void)
{
    fs_posterior *p = NULL;
    fs_err e;
    gsl_rng *a = fs_rng_alloc(), *b = fs_rng_alloc();
    long i;
    int differ = 0;

    CHECK(a && b && read_text(four, &p, &e) == FS_OK);
    for (i = 0; i < 2000; i++) {
        int q = fs_posterior_pick(p, a, 42, i);
        gsl_rng_free(b);
        b = fs_rng_alloc();
        fs_rng_seed(b, 7, (uint64_t)i);   /* any earlier use */
        gsl_rng_get(b);
        CHECK(q == fs_posterior_pick(p, b, 42, i));
        CHECK(q == fs_posterior_pick(p, a, 42, i ^ 1));
        differ += q != fs_posterior_pick(p, a, 43, i);
    }
    CHECK(differ > 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    fs_posterior_free(p);
}

/* Over N pairs, particle q's count is Binomial(N, w_q): within 5 of its
 * standard errors sqrt(N w (1 - w)) of N w; a weight of 0 never drawn. */
static void test_pick_weights(void)
{
    const long N = 200000;
    long count[4] = {0}, j;
    fs_posterior *p = NULL;
    fs_err e;
    gsl_rng *r = fs_rng_alloc();
    int q;

    CHECK(r && read_text(four, &p, &e) == FS_OK);
    for (j = 0; j < N; j++)
        count[fs_posterior_pick(p, r, 20240322, 2 * j)]++;
    CHECK(count[1] == 0);
    for (q = 0; q < 4; q++) {
        double w = p->weight[q];
        CHECK_NEAR((double)count[q], N * w, 5.0 * sqrt(N * w * (1.0 - w)));
    }
    gsl_rng_free(r);
    fs_posterior_free(p);
}

/* Y = theta + eps, theta the run's particle value (0, 1 or 3 with weights
 * 0.5, 0.3, 0.2: Var theta = 1.29), eps ~ N(0, 1) independent: E[Var(Y |
 * theta)] = 1, Var(E[Y | theta]) = 1.29, the parameter share 1.29 / 2.29,
 * and theta alone explains the same share (Y is linear in it). The
 * tolerances are 5 standard errors of each estimator, derived below,
 * treating the J pairs (not the 2J runs) as the independent draws, which
 * only widens them. */
static void test_split_synthetic(void)
{
    static const char text[] = "particle,dynamics.tau,weight,distance\n"
                               "0,0,0.5,0\n1,1,0.3,0\n2,3,0.2,0\n";
    const long J = 100000;
    const double vt = 1.29, s2 = 1.0, total = vt + s2, share = vt / total;
    fs_posterior *p = NULL;
    fs_posterior_split sp;
    fs_layout ly, lp;
    fs_acc *ya, *yt, *pa, *pt;
    fs_err e;
    gsl_rng *pick = fs_rng_alloc(), *noise = fs_rng_alloc();
    double y[FS_HEAD_N] = {0}, prev[FS_HEAD_N] = {0}, *out, mu4 = 0.0, m = 0.9;
    double se_w, se_t, se_share, se_r2;
    long run;
    int i;

    CHECK(pick && noise && read_text(text, &p, &e) == FS_OK);
    memset(&ly, 0, sizeof ly);
    memset(&lp, 0, sizeof lp);
    ly.ncells = 1;
    lp.ncells = fs_posterior_ncells(p);
    ya = fs_acc_alloc(&ly, FS_SKETCH_NONE);
    yt = fs_acc_alloc(&ly, FS_SKETCH_NONE);
    pa = fs_acc_alloc(&lp, FS_SKETCH_NONE);
    pt = fs_acc_alloc(&lp, FS_SKETCH_NONE);
    out = malloc(lp.ncells * sizeof *out);
    CHECK(ya && yt && pa && pt && out);
    for (run = 0; run < 2 * J; run++) {
        int q = fs_posterior_pick(p, pick, 5, run);
        fs_rng_seed(noise, 6, (uint64_t)run);
        y[0] = p->value[q] + gsl_ran_gaussian(noise, 1.0);
        fs_posterior_observe(p, q, y, run & 1 ? prev : NULL, out);
        memcpy(prev, y, sizeof prev);
        fs_acc_add_moments(ya, y);
        fs_acc_add_moments(pa, out);
        if (run % 64 == 63) {   /* blocks, merged in order, as the engine does */
            fs_acc_merge_moments(yt, ya);
            fs_acc_merge_moments(pt, pa);
            fs_acc_reset_moments(ya);
            fs_acc_reset_moments(pa);
        }
    }
    fs_acc_merge_moments(yt, ya);
    fs_acc_merge_moments(pt, pa);
    fs_posterior_split_of(p, pt, fs_acc_moments(yt, 0), 0, &sp);
    CHECK(sp.pairs == J && sp.best == 0);
    /* (Y_2j - Y_2j+1)^2 / 2 = eps'^2 with eps' ~ N(0, 1): variance 2. */
    se_w = sqrt(2.0 / J);
    CHECK_NEAR(sp.within, s2, 5.0 * se_w);
    /* The sample variance: sd sqrt((mu4 - V^2) / n), mu4 of the mixture of
     * normals sum w (a^4 + 6 a^2 s2 + 3 s2^2), a = theta - E theta. */
    for (i = 0; i < 3; i++) {
        double a = p->value[i] - m;
        mu4 += p->weight[i] * (a * a * a * a + 6.0 * a * a * s2 + 3.0 * s2 * s2);
    }
    se_t = sqrt((mu4 - total * total) / J);
    CHECK_NEAR(sp.total, total, 5.0 * se_t);
    /* share = 1 - W / T: its error at most (W / T^2) dT + dW / T. */
    se_share = s2 / (total * total) * se_t + se_w / total;
    CHECK_NEAR(sp.param_share, share, 5.0 * se_share);
    /* r^2 = rho^2: sd about 2 |rho| (1 - rho^2) / sqrt(n) (delta method on
     * the correlation's sd (1 - rho^2) / sqrt(n)). */
    se_r2 = 2.0 * sqrt(share) * (1.0 - share) / sqrt((double)J);
    CHECK_NEAR(sp.r2[0], share, 5.0 * se_r2);
    free(out);
    fs_acc_free(ya);
    fs_acc_free(yt);
    fs_acc_free(pa);
    fs_acc_free(pt);
    gsl_rng_free(pick);
    gsl_rng_free(noise);
    fs_posterior_free(p);
}

static void test_share_edges(void)
{
    CHECK(isnan(fs_posterior_param_share(0.0, 0.0)));
    CHECK(fs_posterior_param_share(1.0, 2.0) == 0.0);
    CHECK(fs_posterior_param_share(2.0, -1.0) == 1.0);
    CHECK_NEAR(fs_posterior_param_share(4.0, 1.0), 0.75, 1e-15);
}

int main(void)
{
    char path[128];
    fs_gsl_quiet();
    snprintf(dir, sizeof dir, "/tmp/test_posterior.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_read);
    RUN(test_refusals);
    RUN(test_pick_pure);
    RUN(test_pick_weights);
    RUN(test_split_synthetic);
    RUN(test_share_edges);
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    unlink(path);
    rmdir(dir);
    return check_report();
}
