/* lanes.c: the state of n lanes' streams, the choice of instruction set,
 * and the draws of lanes.h; the kernels (lanes_kernel.h) do the work.
 * The lanes of a substream stand at the same block of their streams, so
 * one counter serves them all; a refill computes that block in every lane
 * and the draws take its four words one row (one word a lane) at a time. */
#include "lanes.h"

#include <stdlib.h>
#include <string.h>

#include "lanes_isa.h"

_Static_assert(FS_LANES_MULTIPLE % FS_LANES_CHUNK == 0, "lanes come in whole chunks");

#define SIDE_START (1u << 19)   /* a substream's first side block */
#define MAX_ROWS 5              /* the most words a draw takes */
#define WIDE_ROWS 16            /* rows a many-row draw computes in one call */

/* The negative binomial by inversion (fs_lanes_negbin_inversion) walks a
 * table of its cumulative probabilities, kept for the last CDF_SLOTS
 * parameter sets a lanes object has seen, each growing as far as the
 * draws have searched, up to CDF_LEN terms. */
#define CDF_SLOTS 8
#define CDF_LEN   1024
#define INV_MAX   FS_LANES_INV_MAX   /* the kernels' bound on a search */

#define CDF_GUIDE 512      /* guide buckets, a power of two */

/* F[k] = P(0) + ... + P(k) for k < len, summed as the kernels' sequential
 * search sums it; P is P(len - 1), from which a search goes on past the
 * table. len is 0 for an empty slot, else at least 1. The guide (Chen
 * and Asau's) says where a search starts: guide[j], for j < nguide, is
 * the first k with F[k] >= j / CDF_GUIDE; the buckets from nguide on lie
 * above F[len - 1]. */
typedef struct cdf {
    double p, size, p0;   /* the parameters, compared bit for bit */
    double A, B;          /* (1 - p) size and 1 - p */
    double P;
    double *F;            /* [CDF_LEN], in the block of wsig */
    int len;
    int nguide;
    uint16_t guide[CDF_GUIDE];
} cdf;

struct fs_lanes {
    int n;
    fs_isa isa;
    const fs_lanes_kernels *k;
    uint32_t *k0, *k1;    /* [n] each lane's seed, low and high words */
    uint32_t *r0, *r1;    /* [n] each lane's run */
    uint32_t *c0, *c1;    /* [n] the block counter, copied to every lane */
    uint32_t *used;       /* [n] side blocks used in this substream */
    uint32_t *idx;        /* [n] scratch: the lanes a draw visits */
    uint32_t *buf;        /* [4n] the current block: word j of lane i at j * n + i */
    uint32_t *hold;       /* [MAX_ROWS n] rows kept aside while a draw refills */
    uint32_t *wide;       /* [WIDE_ROWS n] a many-row draw's words, row after row */
    double *wsig;         /* [WIDE_ROWS n] its parameters, row after row */
    uint64_t block;       /* the next block to compute */
    uint64_t side_base;   /* the substream's side block 0 */
    int next;             /* the next row of buf; 4 when it is spent */
    int method;           /* FS_LANES_POISSON_* */
    double ptrs_from;
    int negbin;           /* FS_LANES_NB_* */
    cdf cdf[CDF_SLOTS];   /* fs_lanes_negbin_inversion's tables */
    int cdf_next;         /* the slot the next new table takes */
    int cdf_hit;          /* the slot last found, looked at first */
};

static const fs_lanes_kernels *const kernels[FS_ISA_N] = {
    &fs_lanes_k_scalar, &fs_lanes_k_sse2, &fs_lanes_k_avx2, &fs_lanes_k_avx512
};

static const char *const isa_names[FS_ISA_N] = {"scalar", "sse2", "avx2", "avx512"};

const char *fs_lanes_isa_name(fs_isa isa)
{
    return (unsigned)isa < FS_ISA_N ? isa_names[isa] : NULL;
}

int fs_lanes_isa_parse(const char *name, fs_isa *isa)
{
    int i;
    for (i = 0; name != NULL && i < FS_ISA_N; i++)
        if (strcmp(name, isa_names[i]) == 0) {
            *isa = (fs_isa)i;
            return 0;
        }
    return -1;
}

int fs_lanes_isa_available(fs_isa isa)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    switch (isa) {
    case FS_ISA_SCALAR:
    case FS_ISA_SSE2:
        return 1;
    case FS_ISA_AVX2:
        return __builtin_cpu_supports("avx2") != 0;
    case FS_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
    default:
        return 0;
    }
#else
    /* Elsewhere every table is plain C: the reference is the one to use. */
    return isa == FS_ISA_SCALAR;
#endif
}

fs_isa fs_lanes_isa_best(void)
{
    fs_isa limit = FS_ISA_AVX512;
    int i;

    if (fs_lanes_isa_parse(getenv("FS_ISA"), &limit) != 0)
        limit = FS_ISA_AVX512;
    for (i = limit; i > FS_ISA_SCALAR; i--)
        if (fs_lanes_isa_available((fs_isa)i))
            break;
    return (fs_isa)i;
}

fs_lanes *fs_lanes_alloc(int n)
{
    return fs_lanes_alloc_isa(n, fs_lanes_isa_best());
}

fs_lanes *fs_lanes_alloc_isa(int n, fs_isa isa)
{
    fs_lanes *L;
    size_t N;
    int i;

    if (n <= 0 || n % FS_LANES_MULTIPLE != 0 || n > (1 << 24) || !fs_lanes_isa_available(isa))
        return NULL;
    if ((L = calloc(1, sizeof *L)) == NULL)
        return NULL;
    N = (size_t)n;
    L->n = n;
    L->isa = isa;
    L->k = kernels[isa];
    L->k0 = malloc((8 + 4 + MAX_ROWS + WIDE_ROWS) * N * sizeof *L->k0);
    L->wsig = malloc((WIDE_ROWS * N + CDF_SLOTS * CDF_LEN) * sizeof *L->wsig);
    if (L->k0 == NULL || L->wsig == NULL) {
        free(L->k0);
        free(L->wsig);
        free(L);
        return NULL;
    }
    L->k1 = L->k0 + N;
    L->r0 = L->k1 + N;
    L->r1 = L->r0 + N;
    L->c0 = L->r1 + N;
    L->c1 = L->c0 + N;
    L->used = L->c1 + N;
    L->idx = L->used + N;
    L->buf = L->idx + N;
    L->hold = L->buf + 4 * N;
    L->wide = L->hold + MAX_ROWS * N;
    for (i = 0; i < CDF_SLOTS; i++)
        L->cdf[i].F = L->wsig + WIDE_ROWS * N + (size_t)i * CDF_LEN;
    L->method = FS_LANES_POISSON_LOCKSTEP;
    L->ptrs_from = FS_LANES_PTRS_FROM;
    L->negbin = FS_LANES_NB_AUTO;
    fs_lanes_seed(L, 0, 0);
    return L;
}

void fs_lanes_free(fs_lanes *L)
{
    if (L == NULL)
        return;
    free(L->k0);
    free(L->wsig);
    free(L);
}

int fs_lanes_count(const fs_lanes *L)
{
    return L->n;
}

fs_isa fs_lanes_isa(const fs_lanes *L)
{
    return L->isa;
}

/* Block 0 of every lane's stream (as fs_rng_seed): the substream (0, 0). */
void fs_lanes_seed(fs_lanes *L, uint64_t seed, uint64_t run0)
{
    int i;
    for (i = 0; i < L->n; i++) {
        uint64_t run = run0 + (uint64_t)i;
        L->k0[i] = (uint32_t)seed;
        L->k1[i] = (uint32_t)(seed >> 32);
        L->r0[i] = (uint32_t)run;
        L->r1[i] = (uint32_t)(run >> 32);
    }
    fs_lanes_substream(L, 0, 0);
}

void fs_lanes_seed_lane(fs_lanes *L, int lane, uint64_t seed, uint64_t run)
{
    L->k0[lane] = (uint32_t)seed;
    L->k1[lane] = (uint32_t)(seed >> 32);
    L->r0[lane] = (uint32_t)run;
    L->r1[lane] = (uint32_t)(run >> 32);
    fs_lanes_substream(L, 0, 0);
}

/* rng.c's counter layout: block major * 2^32 + (minor * 2^20 mod 2^32). */
void fs_lanes_substream(fs_lanes *L, uint32_t major, uint32_t minor)
{
    L->block = (uint64_t)major << 32 | (uint32_t)(minor << 20);
    L->side_base = L->block + SIDE_START;
    memset(L->used, 0, (size_t)L->n * sizeof *L->used);
    L->next = 4;
}

static void refill(fs_lanes *L)
{
    uint32_t lo = (uint32_t)L->block, hi = (uint32_t)(L->block >> 32);
    int i;
    for (i = 0; i < L->n; i++) {
        L->c0[i] = lo;
        L->c1[i] = hi;
    }
    L->k->philox(L->n, L->k0, L->k1, L->c0, L->c1, L->r0, L->r1, L->buf);
    L->block++;
    L->next = 0;
}

/* Points w[0 .. r-1] at the next r rows of words. A row handed out before
 * a refill is first copied to hold, where the refill cannot reach it. */
static void rows(fs_lanes *L, int r, const uint32_t **w)
{
    size_t N = (size_t)L->n;
    int j, t;
    for (j = 0; j < r; j++) {
        if (L->next == 4) {
            for (t = 0; t < j; t++) {
                memcpy(L->hold + t * N, w[t], N * sizeof *L->hold);
                w[t] = L->hold + t * N;
            }
            refill(L);
        }
        w[j] = L->buf + L->next++ * N;
    }
}

static fs_lanes_side side_of(fs_lanes *L)
{
    fs_lanes_side s = {L->k0, L->k1, L->r0, L->r1, L->used, L->side_base};
    return s;
}

void fs_lanes_words(fs_lanes *L, uint32_t *w)
{
    const uint32_t *r;
    rows(L, 1, &r);
    memcpy(w, r, (size_t)L->n * sizeof *w);
}

void fs_lanes_uniform(fs_lanes *L, double *u)
{
    const uint32_t *r;
    rows(L, 1, &r);
    L->k->uniform(L->n, r, u);
}

void fs_lanes_normal(fs_lanes *L, double *z)
{
    const uint32_t *r;
    rows(L, 1, &r);
    L->k->normal(L->n, r, z);
}

void fs_lanes_lognormal(fs_lanes *L, const double *sigma, double *x)
{
    const uint32_t *r;
    rows(L, 1, &r);
    L->k->lognormal(L->n, r, sigma, x);
}

void fs_lanes_lognormal_rows(fs_lanes *L, int nrows, const double *sigma, double *x)
{
    size_t N = (size_t)L->n;
    int r0, r, m;
    for (r0 = 0; r0 < nrows; r0 += m) {
        m = nrows - r0 < WIDE_ROWS ? nrows - r0 : WIDE_ROWS;
        for (r = 0; r < m; r++) {
            const uint32_t *w;
            rows(L, 1, &w);
            memcpy(L->wide + r * N, w, N * sizeof *L->wide);
            memcpy(L->wsig + r * N, sigma, N * sizeof *L->wsig);
        }
        /* Each value is computed from its word and sigma alone, so one
         * call over m rows gives the bits m calls would. */
        L->k->lognormal((int)(m * N), L->wide, L->wsig, x + r0 * N);
    }
}

void fs_lanes_poisson(fs_lanes *L, const double *mu, double cap, double *k)
{
    const uint32_t *r[2];
    fs_lanes_side s = side_of(L);
    rows(L, 2, r);
    L->k->poisson(L->n, r[0], r[1], mu, cap, L->ptrs_from, L->method, &s, k);
}

void fs_lanes_negbin(fs_lanes *L, const double *p, const double *size, double cap, double *x)
{
    const uint32_t *r[MAX_ROWS];
    fs_lanes_side s = side_of(L);
    rows(L, 5, r);
    L->k->negbin(L->n, r, p, size, NULL, cap, L->negbin, L->method, &s, x);
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Guides the buckets F[len - 1] has reached (j / CDF_GUIDE is exact, and
 * a NaN is never in the table). */
static void cdf_guide(cdf *c)
{
    double top = c->F[c->len - 1];
    while (c->nguide < CDF_GUIDE && top >= c->nguide * (1.0 / CDF_GUIDE)) {
        c->guide[c->nguide] = (uint16_t)(c->len - 1);
        c->nguide++;
    }
}

/* The table of (p, size, p0), or a new one in the next slot holding
 * F(0) = p0 alone. */
static cdf *cdf_table(fs_lanes *L, double p, double size, double p0)
{
    cdf *c;
    int i;

    for (i = 0; i < CDF_SLOTS; i++) {
        c = &L->cdf[(L->cdf_hit + i) % CDF_SLOTS];
        if (c->len > 0 && same_bits(c->p, p) && same_bits(c->size, size) &&
            same_bits(c->p0, p0)) {
            L->cdf_hit = (int)(c - L->cdf);
            return c;
        }
    }
    c = &L->cdf[L->cdf_next];
    L->cdf_next = (L->cdf_next + 1) % CDF_SLOTS;
    c->p = p, c->size = size, c->p0 = p0;
    c->B = 1.0 - p;
    c->A = c->B * size;
    c->P = c->F[0] = p0;
    c->len = 1;
    c->nguide = 0;
    cdf_guide(c);
    return c;
}

/* The smallest k with u <= F(k), k at most INV_MAX: the kernels' search
 * (k_search_perlane). In the table, from where the guide points: every
 * F before guide[j] is below j / CDF_GUIDE <= u (u CDF_GUIDE is exact,
 * so j is its floor), and the first F not below u is the answer, as the
 * sequential search finds it. Past the table's end, the search goes on
 * from there with the kernels' own sums, P(k) = P(k-1) ((A + B (k-1))
 * (1/k)) and F(k) = F(k-1) + P(k), in that order and without
 * contraction (the Makefile gives this file -ffp-contract=off), and the
 * table keeps what it sums, up to CDF_LEN terms. A NaN, where the search
 * stops, is not kept, so the table stays sorted and a NaN p0 gives 0 as
 * the search does. */
static double cdf_search(cdf *c, double u)
{
    double P, F, g = u * CDF_GUIDE;
    int it = c->len;

    /* u is in (0, 1), so g is below CDF_GUIDE. */
    if (g < c->nguide) {
        for (it = c->guide[(int)g]; it < c->len && u > c->F[it]; it++)
            ;
        if (it < c->len)
            return it;
    }
    P = c->P;
    F = c->F[c->len - 1];
    for (; it <= INV_MAX && u > F; it++) {
        double r = 1.0 / it, km1 = it - 1;
        P = P * ((c->A + c->B * km1) * r);
        F = F + P;
        if (it == c->len && it < CDF_LEN && F == F) {
            c->F[it] = F;
            c->P = P;
            c->len = it + 1;
            cdf_guide(c);
        }
    }
    return it - 1;
}

/* The kernels' FS_LANES_NB_LANE draw, lane by lane from a table of the
 * probabilities: the same word, the same uniform, the same count, without
 * a division at every step of every search once a table holds it. */
void fs_lanes_negbin_inversion(fs_lanes *L, const double *p, const double *size,
                               const double *p0, double *x)
{
    const uint32_t *r;
    double *u = L->wsig, *q0 = L->wsig + L->n;   /* scratch: [n] each */
    int i, j, m;
    rows(L, 1, &r);
    if (p0 == NULL) {
        /* p^size as the kernel computes it: exp(size log p). */
        L->k->log(L->n, p, q0);
        for (j = 0; j < L->n; j++)
            q0[j] = size[j] * q0[j];
        L->k->exp(L->n, q0, q0);
        p0 = q0;
    }
    L->k->uniform(L->n, r, u);
    /* The lanes with p in (0, 1] and size > 0, listed without a branch a
     * lane (most lanes of a plot's draw have none to make). */
    for (j = m = 0; j < L->n; j++) {
        x[j] = 0.0;
        L->idx[m] = (uint32_t)j;
        m += (p[j] > 0.0) & (p[j] <= 1.0) & (size[j] > 0.0);
    }
    for (i = 0; i < m; i++) {
        j = (int)L->idx[i];
        x[j] = cdf_search(cdf_table(L, p[j], size[j], p0[j]), u[j]);
    }
}

void fs_lanes_tune(fs_lanes *L, int method, double ptrs_from, int negbin)
{
    L->method = method == FS_LANES_POISSON_PERLANE ? method : FS_LANES_POISSON_LOCKSTEP;
    L->ptrs_from = ptrs_from >= 10.0 ? ptrs_from : 10.0;
    L->negbin = negbin >= FS_LANES_NB_AUTO && negbin <= FS_LANES_NB_LANE ? negbin
                                                                        : FS_LANES_NB_AUTO;
}

void fs_lanes_exp(fs_isa isa, int n, const double *x, double *y)
{
    kernels[fs_lanes_isa_available(isa) ? isa : FS_ISA_SCALAR]->exp(n, x, y);
}

void fs_lanes_log(fs_isa isa, int n, const double *x, double *y)
{
    kernels[fs_lanes_isa_available(isa) ? isa : FS_ISA_SCALAR]->log(n, x, y);
}
