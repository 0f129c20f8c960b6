/* test_rng.c: the Philox gsl_rng type: known answers, stream separation and
 * statistical sanity with fixed seeds. */
#include "check.h"
#include "errors.h"
#include "rng.h"

#include <stdint.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <Random123/philox.h>

/* Published Philox4x32-10 known answers (Random123's kat_vectors). */
static const struct {
    uint32_t ctr[4], key[2], out[4];
} kat[] = {
    {{0, 0, 0, 0}, {0, 0},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

static philox4x32_ctr_t block(uint64_t seed, uint64_t run, uint64_t blk)
{
    philox4x32_ctr_t c = {{(uint32_t)blk, (uint32_t)(blk >> 32),
                           (uint32_t)run, (uint32_t)(run >> 32)}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    return philox4x32_R(10, c, k);
}

static void test_kat_library(void)
{
    size_t i;
    int j;

    for (i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        philox4x32_ctr_t c = {{kat[i].ctr[0], kat[i].ctr[1], kat[i].ctr[2], kat[i].ctr[3]}};
        philox4x32_key_t k = {{kat[i].key[0], kat[i].key[1]}};
        philox4x32_ctr_t r = philox4x32_R(10, c, k);
        philox4x32_ctr_t r2 = philox4x32(c, k);
        for (j = 0; j < 4; j++) {
            CHECKF(r.v[j] == kat[i].out[j], "vector %zu word %d: %08x", i, j, r.v[j]);
            CHECK(r2.v[j] == kat[i].out[j]);
        }
    }
}

/* The wrapper's first block of stream (seed, run) is Philox at counter
 * {0, 0, run_lo, run_hi} and key {seed_lo, seed_hi}: the zero KAT and the
 * KATs' keys and run words check the layout. */
static void test_kat_wrapper(void)
{
    gsl_rng *r = fs_rng_alloc();
    int j;

    CHECK(r != NULL);
    for (j = 0; j < 4; j++)
        CHECK(gsl_rng_get(r) == kat[0].out[j]);
    fs_rng_seed(r, 0, 0);
    for (j = 0; j < 4; j++)
        CHECK(gsl_rng_get(r) == kat[0].out[j]);
    gsl_rng_set(r, 0);
    for (j = 0; j < 4; j++)
        CHECK(gsl_rng_get(r) == kat[0].out[j]);
    gsl_rng_free(r);
}

/* Blocks 0..39 of a few streams (ten refills of the wrapper's vectorised
 * four-block fill), including run and seed words from the KATs, match
 * Philox called directly. */
static void test_layout(void)
{
    static const uint64_t seeds[] = {0, 1, 0x299f31d0a4093822ULL, UINT64_MAX};
    static const uint64_t runs[] = {0, 7, 0x0370734413198a2eULL, UINT64_MAX};
    gsl_rng *r = fs_rng_alloc();
    size_t a, b;
    uint64_t blk;
    int j;

    CHECK(r != NULL);
    for (a = 0; a < 4; a++)
        for (b = 0; b < 4; b++) {
            fs_rng_seed(r, seeds[a], runs[b]);
            for (blk = 0; blk < 40; blk++) {
                philox4x32_ctr_t want = block(seeds[a], runs[b], blk);
                for (j = 0; j < 4; j++)
                    CHECK(gsl_rng_get(r) == want.v[j]);
            }
        }
    gsl_rng_free(r);
}

/* A substream (major, minor) starts at block major * 2^32 + minor * 2^20 of
 * the run's stream and runs on block by block across refills, whatever was
 * drawn before the move (minor 0 borrows from the high word). */
static void test_substream(void)
{
    static const uint32_t major[] = {0, 1, 60, 0xffffffffU};
    static const uint32_t minor[] = {0, 1, 2, 13};
    gsl_rng *r = fs_rng_alloc();
    size_t a, b;
    int before, j;
    uint64_t blk;

    CHECK(r != NULL);
    for (a = 0; a < 4; a++)
        for (b = 0; b < 4; b++)
            for (before = 0; before < 40; before += 13) {
                fs_rng_seed(r, 0x299f31d0a4093822ULL, 77);
                for (j = 0; j < before; j++)
                    gsl_rng_get(r);
                fs_rng_substream(r, major[a], minor[b]);
                for (blk = 0; blk < 9; blk++) {
                    philox4x32_ctr_t want = block(0x299f31d0a4093822ULL, 77,
                                                  ((uint64_t)major[a] << 32) +
                                                  ((uint64_t)minor[b] << 20) + blk);
                    for (j = 0; j < 4; j++)
                        CHECKF(gsl_rng_get(r) == want.v[j], "substream (%u, %u) block %d",
                               major[a], minor[b], (int)blk);
                }
            }
    gsl_rng_free(r);
}

static void test_type(void)
{
    gsl_rng *r = fs_rng_alloc();

    CHECK(r != NULL);
    CHECK(strcmp(gsl_rng_name(r), FS_RNG_NAME) == 0);
    CHECK(gsl_rng_min(r) == 0);
    CHECK(gsl_rng_max(r) == 0xffffffffUL);
    CHECK(gsl_rng_size(r) > 0);
    gsl_rng_free(r);
}

/* gsl_rng_set(r, s) is stream (s, 0). */
static void test_set(void)
{
    gsl_rng *a = fs_rng_alloc(), *b = fs_rng_alloc();
    int i;

    CHECK(a != NULL && b != NULL);
    gsl_rng_set(a, 123456789UL);
    fs_rng_seed(b, 123456789, 0);
    for (i = 0; i < 100; i++)
        CHECK(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void first8(gsl_rng *r, uint64_t seed, uint64_t run, unsigned long out[8])
{
    int i;

    fs_rng_seed(r, seed, run);
    for (i = 0; i < 8; i++)
        out[i] = gsl_rng_get(r);
}

static int all_differ(const unsigned long *a, const unsigned long *b)
{
    int i;

    for (i = 0; i < 8; i++)
        if (a[i] == b[i])
            return 0;
    return 1;
}

static void test_streams(void)
{
    gsl_rng *r = fs_rng_alloc();
    unsigned long x[8], y[8];
    static const uint64_t runs[] = {1, 2, 0xffffffffULL, 1ULL << 32,
                                    (1ULL << 32) + 1, 1ULL << 63, (1ULL << 63) + 1};
    size_t i;

    CHECK(r != NULL);
    /* Same stream twice, and reseeding mid-block restarts it. */
    first8(r, 42, 17, x);
    (void)gsl_rng_get(r);
    first8(r, 42, 17, y);
    CHECK(memcmp(x, y, sizeof x) == 0);
    /* Different runs, including runs that agree in their low 32 bits. */
    first8(r, 42, 0, x);
    for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        first8(r, 42, runs[i], y);
        CHECKF(all_differ(x, y), "run %llu", (unsigned long long)runs[i]);
    }
    first8(r, 42, 1, x);
    first8(r, 42, (1ULL << 32) + 1, y);
    CHECK(all_differ(x, y));
    first8(r, 42, (1ULL << 63) + 1, y);
    CHECK(all_differ(x, y));
    /* Different seeds, including seeds that agree in their low 32 bits. */
    first8(r, 42, 5, x);
    first8(r, 43, 5, y);
    CHECK(all_differ(x, y));
    first8(r, 42 + (1ULL << 32), 5, y);
    CHECK(all_differ(x, y));
    /* Seed and run are not interchangeable. */
    first8(r, 5, 42, y);
    CHECK(all_differ(x, y));
    gsl_rng_free(r);
}

static void test_uniform(void)
{
    enum { N = 1000000, BINS = 16 };
    gsl_rng *r = fs_rng_alloc();
    long bins[BINS] = {0};
    double sum = 0, chi2 = 0, expect = (double)N / BINS, bound;
    int i;

    CHECK(r != NULL);
    fs_rng_seed(r, 20240601, 3);
    for (i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        CHECK(u >= 0 && u < 1);
        sum += u;
        bins[(int)(u * BINS)]++;
    }
    CHECK_NEAR(sum / N, 0.5, 5 * sqrt(1.0 / 12 / N));
    for (i = 0; i < BINS; i++)
        chi2 += (bins[i] - expect) * (bins[i] - expect) / expect;
    bound = gsl_cdf_chisq_Qinv(1e-6, BINS - 1);
    CHECKF(chi2 < bound, "chi2 %g, bound %g", chi2, bound);
    gsl_rng_free(r);
}

/* get_double is u / 2^32, so even u = 2^32 - 1 maps below 1. */
static void test_double(void)
{
    gsl_rng *a = fs_rng_alloc(), *b = fs_rng_alloc();
    int i;

    CHECK(a != NULL && b != NULL);
    fs_rng_seed(a, 31, 4);
    fs_rng_seed(b, 31, 4);
    for (i = 0; i < 1000; i++)
        CHECK(gsl_rng_uniform(a) == (double)gsl_rng_get(b) / 4294967296.0);
    CHECK((double)gsl_rng_max(a) / 4294967296.0 < 1.0);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_distributions(void)
{
    enum { N = 200000 };
    gsl_rng *r = fs_rng_alloc();
    double mu = 3.5, sigma = 2.0, sp = 0, sg = 0;
    int i;

    CHECK(r != NULL);
    fs_rng_seed(r, 7, 11);
    for (i = 0; i < N; i++) {
        sp += gsl_ran_poisson(r, mu);
        sg += gsl_ran_gaussian(r, sigma);
    }
    CHECK_NEAR(sp / N, mu, 5 * sqrt(mu / N));
    CHECK_NEAR(sg / N, 0.0, 5 * sigma / sqrt(N));
    gsl_rng_free(r);
}

/* A generator copied mid-block continues identically. */
static void test_clone(void)
{
    gsl_rng *r = fs_rng_alloc(), *c;
    int i;

    CHECK(r != NULL);
    fs_rng_seed(r, 9, 9);
    for (i = 0; i < 6; i++)
        (void)gsl_rng_get(r);
    c = gsl_rng_clone(r);
    CHECK(c != NULL);
    for (i = 0; i < 20; i++)
        CHECK(gsl_rng_get(r) == gsl_rng_get(c));
    gsl_rng_free(c);
    gsl_rng_free(r);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_kat_library);
    RUN(test_kat_wrapper);
    RUN(test_layout);
    RUN(test_substream);
    RUN(test_type);
    RUN(test_set);
    RUN(test_streams);
    RUN(test_uniform);
    RUN(test_double);
    RUN(test_distributions);
    RUN(test_clone);
    return check_report();
}
