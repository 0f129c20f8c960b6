/* test_cart.c: the classification tree on the planted box of test_prim
 * (x1 < 0.3 and x2 > 0.6 among five uniform inputs, label noise). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cart.h"
#include "check.h"
#include "rng.h"

#define N 4000
#define K 5

static double x[K * N];
static unsigned char y[N], truth[N];

static void make(double noise, uint64_t seed)
{
    gsl_rng *g = fs_rng_alloc();
    int i, j;
    fs_rng_seed(g, seed, 0);
    for (i = 0; i < N; i++) {
        for (j = 0; j < K; j++)
            x[j * N + i] = gsl_rng_uniform(g);
        truth[i] = x[i] < 0.3 && x[N + i] > 0.6;
        y[i] = gsl_rng_uniform(g) < noise ? !truth[i] : truth[i];
    }
    gsl_rng_free(g);
}

/* The leaf a case falls in. */
static int leaf_of(const fs_cart_tree *t, int i)
{
    int c = 0;
    while (t->nodes[c].input >= 0)
        c = x[t->nodes[c].input * N + i] <= t->nodes[c].split ? t->nodes[c].left
                                                             : t->nodes[c].right;
    return c;
}

/* The tree's majority leaves find the planted region: the cases it calls
 * of interest are those inside the box, up to a few near its edges. */
static void test_planted_region(void)
{
    fs_prim_data d = {N, K, x, y};
    fs_cart_tree t;
    fs_err e;
    fs_prim_sorted *s;
    int i, agree = 0, c;
    double lo[K], hi[K];

    make(0.1, 42);
    s = fs_prim_sort(&d, &e);
    CHECK(fs_cart_grow(&d, s, 20, 4, &t, &e) == FS_OK);
    CHECK(t.nodes[0].input == 0 || t.nodes[0].input == 1);
    CHECK_NEAR(t.nodes[0].split, t.nodes[0].input == 0 ? 0.3 : 0.6, 0.02);
    for (i = 0; i < N; i++) {
        c = leaf_of(&t, i);
        agree += (2 * t.nodes[c].ny > t.nodes[c].n) == truth[i];
    }
    CHECKF(agree >= 0.97 * N, "%d of %d", agree, N);
    /* The leaf holding most cases of interest lies in the planted box and
     * restricts nothing else (noise may split the box into leaves). */
    c = -1;
    for (i = 0; i < t.nnodes; i++)
        if (t.nodes[i].input < 0 && 2 * t.nodes[i].ny > t.nodes[i].n &&
            (c < 0 || t.nodes[i].ny > t.nodes[c].ny))
            c = i;
    CHECK(c >= 0);
    fs_cart_box(&t, c, K, lo, hi);
    CHECK(hi[0] <= 0.32 && lo[1] >= 0.58 && lo[1] <= 0.65 && isinf(hi[1]));
    for (i = 2; i < K; i++)
        CHECKF(isinf(lo[i]) && isinf(hi[i]), "x%d [%g, %g]", i + 1, lo[i], hi[i]);
    for (i = 0; i < t.nnodes; i++) {
        CHECK(t.nodes[i].depth <= 4);
        CHECK(t.nodes[i].input >= 0 || t.nodes[i].n >= 20);
    }
    fs_cart_free(&t);
    fs_prim_sorted_free(s);
}

static void test_pure_and_limits(void)
{
    fs_prim_data d = {N, K, x, y};
    fs_cart_tree t;
    fs_err e;
    fs_prim_sorted *s;

    make(0.0, 1);
    memset(y, 0, sizeof y);
    s = fs_prim_sort(&d, &e);
    CHECK(fs_cart_grow(&d, s, 20, 4, &t, &e) == FS_OK);
    CHECK(t.nnodes == 1 && t.nodes[0].ny == 0);
    fs_cart_free(&t);
    CHECK(fs_cart_grow(&d, s, 0, 4, &t, &e) == FS_EUSAGE);
    CHECK_STR_CONTAINS(e.msg, "--min-leaf");
    CHECK(fs_cart_grow(&d, s, 5, 13, &t, &e) == FS_EUSAGE);
    CHECK_STR_CONTAINS(e.msg, "--depth");
    fs_prim_sorted_free(s);
}

/* Depth 1: one split, two leaves of at least min_leaf cases. */
static void test_depth_one(void)
{
    fs_prim_data d = {N, K, x, y};
    fs_cart_tree t;
    fs_err e;
    fs_prim_sorted *s;

    make(0.05, 3);
    s = fs_prim_sort(&d, &e);
    CHECK(fs_cart_grow(&d, s, 1500, 1, &t, &e) == FS_OK);
    CHECK(t.nnodes == 3);
    CHECK(t.nodes[1].n >= 1500 && t.nodes[2].n >= 1500);
    fs_cart_free(&t);
    fs_prim_sorted_free(s);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_planted_region);
    RUN(test_pure_and_limits);
    RUN(test_depth_one);
    return check_report();
}
