/* stats.c: moments and sketches over the cells of a layout. */
#include "stats.h"
#include "stats_columns.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Runs added with fs_acc_add_run go into shifted sums first: with k the
 * first value seen, s1 = sum (x - k) and s2 = sum (x - k)^2. That needs no
 * division per value (Welford's update needs one) and loses no accuracy
 * when values stay near k; fs_acc_merge_moments turns them into moments.
 * They are kept as six arrays over the cells (n, k, s1, s2, min, max, in
 * that order in one allocation), so that adding a run is one pass along
 * its vector, two cells at a time. min and max start at +inf and -inf. */
enum { RAW_N, RAW_K, RAW_S1, RAW_S2, RAW_MIN, RAW_MAX, RAW_ARRAYS };

struct fs_acc {
    fs_layout lay;
    fs_moments *mom;     /* [ncells] merged moments */
    double *raw;         /* [RAW_ARRAYS * ncells] runs added since the last reset */
    fs_sketch **sk;      /* [ncells], NULL where no sketch */
    /* Columns' values staged for the sketches (fs_acc_add_columns): a
     * sketched cell c's keys at keys[kpos[c] * KEY_SLOT], nkeys[c] of
     * them, from `staged` runs; only the sketched cells have room. NULL
     * until the first columns. */
    uint32_t *keys;
    int *nkeys, *kpos;
    int staged;
    int avx512;          /* the columns' pass by stats_avx512.c */
};

#define KEY_RUNS FS_ACC_KEY_RUNS
/* A cell's room for keys: 8 more than it can hold, so that the AVX-512
 * pass may store eight keys where fewer are kept without reaching the
 * next cell's. */
#define KEY_SLOT FS_ACC_KEY_SLOT

void fs_moments_reset(fs_moments *s)
{
    s->n = 0.0;
    s->mean = 0.0;
    s->m2 = 0.0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

void fs_moments_add(fs_moments *s, double x)
{
    double d;
    if (isnan(x))
        return;
    s->n += 1.0;
    d = x - s->mean;
    s->mean += d / s->n;
    s->m2 += d * (x - s->mean);
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
}

void fs_moments_merge(fs_moments *into, const fs_moments *from)
{
    double n, d;
    if (from->n == 0.0)
        return;
    if (into->n == 0.0) {
        *into = *from;
        return;
    }
    n = into->n + from->n;
    d = from->mean - into->mean;
    into->mean += d * (from->n / n);
    into->m2 += from->m2 + d * d * (into->n * from->n / n);
    into->n = n;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

double fs_moments_sd(const fs_moments *s)
{
    if (s->n < 2.0)
        return 0.0;
    return sqrt(s->m2 / (s->n - 1.0));
}

fs_acc *fs_acc_alloc(const fs_layout *l, int sketches)
{
    fs_acc *a = calloc(1, sizeof *a);
    int c;

    if (a == NULL)
        return NULL;
    a->lay = *l;
    a->avx512 = fs_columns_avx512_ok();
    a->mom = malloc((size_t)l->ncells * sizeof *a->mom);
    a->raw = malloc((size_t)RAW_ARRAYS * l->ncells * sizeof *a->raw);
    a->sk = calloc((size_t)l->ncells, sizeof *a->sk);
    if (a->mom == NULL || a->raw == NULL || a->sk == NULL)
        goto fail;
    fs_acc_reset_moments(a);
    if (sketches == FS_SKETCH_NONE)
        return a;
    for (c = 0; c < l->ncells; c++) {
        if (!fs_cell_wants_sketch(l, c) ||
            (sketches == FS_SKETCH_TOTALS && (c < l->tot || c >= l->tot + FS_TOT_N)))
            continue;
        a->sk[c] = fs_sketch_alloc();
        if (a->sk[c] == NULL)
            goto fail;
    }
    return a;
fail:
    fs_acc_free(a);
    return NULL;
}

int fs_acc_add_sketch(fs_acc *a, int cell)
{
    if (cell < 0 || cell >= a->lay.ncells || a->sk[cell] != NULL)
        return 0;
    if (a->keys) {
        /* The keys' room is for the sketches there were: count what
         * waits, and make room anew at the next columns. */
        if (fs_acc_flush(a) != 0)
            return -1;
        free(a->keys), free(a->nkeys), free(a->kpos);
        a->keys = NULL, a->nkeys = a->kpos = NULL;
    }
    a->sk[cell] = fs_sketch_alloc();
    return a->sk[cell] ? 0 : -1;
}

void fs_acc_free(fs_acc *a)
{
    int c;
    if (a == NULL)
        return;
    if (a->sk)
        for (c = 0; c < a->lay.ncells; c++)
            fs_sketch_free(a->sk[c]);
    free(a->sk);
    free(a->keys);
    free(a->nkeys);
    free(a->kpos);
    free(a->raw);
    free(a->mom);
    free(a);
}

void fs_acc_reset_moments(fs_acc *a)
{
    int c, n = a->lay.ncells;
    double *r = a->raw;
    for (c = 0; c < n; c++) {
        fs_moments_reset(&a->mom[c]);
        r[RAW_N * n + c] = 0.0;
        r[RAW_S1 * n + c] = 0.0;
        r[RAW_S2 * n + c] = 0.0;
        r[RAW_MIN * n + c] = INFINITY;
        r[RAW_MAX * n + c] = -INFINITY;
    }
}

/* One cell: the first value sets k; later ones add their shifted
 * squares. NaN is skipped. */
static void raw_add_one(double *r, int n, int c, double v)
{
    double d;
    if (isnan(v))
        return;
    if (v < r[RAW_MIN * n + c])
        r[RAW_MIN * n + c] = v;
    if (v > r[RAW_MAX * n + c])
        r[RAW_MAX * n + c] = v;
    if (r[RAW_N * n + c] == 0.0) {
        r[RAW_N * n + c] = 1.0;
        r[RAW_K * n + c] = v;
        return;
    }
    d = v - r[RAW_K * n + c];
    r[RAW_N * n + c] += 1.0;
    r[RAW_S1 * n + c] += d;
    r[RAW_S2 * n + c] += d * d;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Adds one run's vector x to the shifted sums, two cells at a time with
 * SSE2 (every x86-64 has it), the same operations as raw_add_one: masks
 * pick k = x for a cell's first value and d = 0 with it; a NaN adds 0 to
 * n, s1 and s2 (which are never -0.0, so adding 0 leaves them as they
 * are) and leaves k; min_pd and max_pd return their second operand on a
 * NaN or a tie, as `if (v < min) min = v` does. */
static void raw_add_run(double *r, const double *x, int n)
{
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
    int c;

    for (c = 0; c + 2 <= n; c += 2) {
        __m128d v = _mm_loadu_pd(x + c);
        __m128d N = _mm_loadu_pd(r + RAW_N * n + c), K = _mm_loadu_pd(r + RAW_K * n + c);
        __m128d first = _mm_cmpeq_pd(N, zero), ok = _mm_cmpord_pd(v, v);
        __m128d k = _mm_or_pd(_mm_and_pd(first, v), _mm_andnot_pd(first, K));
        __m128d d = _mm_and_pd(ok, _mm_andnot_pd(first, _mm_sub_pd(v, k)));
        _mm_storeu_pd(r + RAW_N * n + c, _mm_add_pd(N, _mm_and_pd(ok, one)));
        _mm_storeu_pd(r + RAW_K * n + c, _mm_or_pd(_mm_and_pd(ok, k), _mm_andnot_pd(ok, K)));
        _mm_storeu_pd(r + RAW_S1 * n + c, _mm_add_pd(_mm_loadu_pd(r + RAW_S1 * n + c), d));
        _mm_storeu_pd(r + RAW_S2 * n + c,
                      _mm_add_pd(_mm_loadu_pd(r + RAW_S2 * n + c), _mm_mul_pd(d, d)));
        _mm_storeu_pd(r + RAW_MIN * n + c, _mm_min_pd(v, _mm_loadu_pd(r + RAW_MIN * n + c)));
        _mm_storeu_pd(r + RAW_MAX * n + c, _mm_max_pd(v, _mm_loadu_pd(r + RAW_MAX * n + c)));
    }
    for (; c < n; c++)
        raw_add_one(r, n, c, x[c]);
}
#else
static void raw_add_run(double *r, const double *x, int n)
{
    int c;
    for (c = 0; c < n; c++)
        raw_add_one(r, n, c, x[c]);
}
#endif

void fs_acc_add_moments(fs_acc *a, const double *obs)
{
    raw_add_run(a->raw, obs, a->lay.ncells);
}

int fs_acc_add_runs(fs_acc *a, const double *obs, int nruns)
{
    int r;
    for (r = 0; r < nruns; r++)
        fs_acc_add_moments(a, obs + (size_t)r * a->lay.ncells);
    return fs_acc_add_sketches(a, obs, nruns);
}

int fs_acc_add_sketches(fs_acc *a, const double *obs, int nruns)
{
    int c, r, n = a->lay.ncells, bad = 0, inf = 0;
    for (c = 0; c < n; c++) {
        fs_sketch *sk = a->sk[c];
        /* The block's vectors are a run apart (the baseline's 18 KB), so a
         * cell's values are 64 cache lines that the next seven cells share:
         * fetch the next eight cells' lines while these are counted. */
        if ((c & 7) == 0 && c + 8 < n)
            for (r = 0; r < nruns; r++)
                __builtin_prefetch(obs + (size_t)r * n + c + 8);
        /* The sketches outgrow the caches: a few cells ahead, fetch the
         * sketch, then the counts its first and last run will add to
         * (a block's runs mostly fall in a few neighbouring buckets). */
        if (c + 4 < n && a->sk[c + 4])
            __builtin_prefetch(a->sk[c + 4]);
        if (c + 2 < n && nruns > 0 && a->sk[c + 2]) {
            fs_sketch_prefetch(a->sk[c + 2], obs[c + 2]);
            fs_sketch_prefetch(a->sk[c + 2], obs[(size_t)(nruns - 1) * n + c + 2]);
        }
        if (sk == NULL)
            continue;
        if (fs_sketch_add_strided(sk, obs + c, (size_t)n, nruns, &inf) != 0 && bad == 0)
            bad = FS_ACC_NOMEM;
    }
    return inf ? FS_ACC_INFINITE : bad;
}

void fs_columns_note(const fs_columns *cl, int c, int k, const double *nb, const double *na,
                     const int *m, const double *mn, const double *mx)
{
    int j;
    for (j = 0; j < k; j++) {
        uint64_t cnt = (uint64_t)(na[j] - nb[j]);
        if (cl->sk[c + j] == NULL || cnt == 0)
            continue;
        fs_sketch_note(cl->sk[c + j], cnt, cnt - (uint64_t)m[j], mn[j], mx[j]);
        cl->nkeys[c + j] += m[j];
    }
}

/* Cells c0 .. ncells - 1 of the columns, one value at a time: raw_add_one
 * and fs_sketch_stage. Returns 1 when a value was infinite, else 0. */
static int columns_plain(const fs_columns *cl, const double *x, int nruns, size_t stride,
                         int c0)
{
    int c, i, n = cl->ncells, infs = 0;
    for (c = c0; c < n; c++) {
        const double *xc = x + (size_t)c * stride;
        for (i = 0; i < nruns; i++)
            raw_add_one(cl->raw, n, c, xc[i]);
        if (cl->sk[c])
            cl->nkeys[c] += fs_sketch_stage(cl->sk[c], xc, nruns,
                                            cl->keys + (size_t)cl->kpos[c] * cl->slot +
                                            cl->nkeys[c], &infs);
    }
    return infs;
}

#ifdef __SSE2__
/* One run's step of raw_add_run for two cells whose sums are held in
 * registers. */
#define COLUMN_STEP(v, N, K, S1, S2, MN, MX) do { \
        __m128d first_ = _mm_cmpeq_pd(N, zero), ok_ = _mm_cmpord_pd(v, v); \
        __m128d k_ = _mm_or_pd(_mm_and_pd(first_, v), _mm_andnot_pd(first_, K)); \
        __m128d d_ = _mm_and_pd(ok_, _mm_andnot_pd(first_, _mm_sub_pd(v, k_))); \
        N = _mm_add_pd(N, _mm_and_pd(ok_, one)); \
        K = _mm_or_pd(_mm_and_pd(ok_, k_), _mm_andnot_pd(ok_, K)); \
        S1 = _mm_add_pd(S1, d_); \
        S2 = _mm_add_pd(S2, _mm_mul_pd(d_, d_)); \
        MN = _mm_min_pd(v, MN); \
        MX = _mm_max_pd(v, MX); \
    } while (0)

/* The sums of cells c + 2j and c + 2j + 1 into registers, and back. */
#define COLUMN_AT(a, j) (r + (a) * n + c + 2 * (j))
#define COLUMN_LOAD(j) \
    __m128d N##j = _mm_loadu_pd(COLUMN_AT(RAW_N, j)), K##j = _mm_loadu_pd(COLUMN_AT(RAW_K, j)); \
    __m128d S1##j = _mm_loadu_pd(COLUMN_AT(RAW_S1, j)); \
    __m128d S2##j = _mm_loadu_pd(COLUMN_AT(RAW_S2, j)); \
    __m128d MN##j = _mm_loadu_pd(COLUMN_AT(RAW_MIN, j)); \
    __m128d MX##j = _mm_loadu_pd(COLUMN_AT(RAW_MAX, j))

#define COLUMN_STORE(j) \
    _mm_storeu_pd(COLUMN_AT(RAW_N, j), N##j); \
    _mm_storeu_pd(COLUMN_AT(RAW_K, j), K##j); \
    _mm_storeu_pd(COLUMN_AT(RAW_S1, j), S1##j); \
    _mm_storeu_pd(COLUMN_AT(RAW_S2, j), S2##j); \
    _mm_storeu_pd(COLUMN_AT(RAW_MIN, j), MN##j); \
    _mm_storeu_pd(COLUMN_AT(RAW_MAX, j), MX##j)

/* The sketch keys of a pair of cells' values v (fs_sketch_stage's: the
 * bucket of |v| with the sign bit for a negative, none for zeros, NaN
 * and infinities), appended to cells p and q's lists; infinities noted. */
#define COLUMN_KEYS(v, p, q) do { \
        __m128d a_ = _mm_and_pd(v, absmask); \
        __m128d neg_ = _mm_cmple_pd(v, nkmin); \
        __m128d nz_ = _mm_and_pd(_mm_or_pd(_mm_cmpge_pd(v, kmin), neg_), _mm_cmple_pd(a_, big)); \
        __m128i k_ = _mm_srli_epi64(_mm_castpd_si128(a_), 52 - FS_SKETCH_SUB_BITS); \
        int z_ = _mm_movemask_pd(nz_); \
        k_ = _mm_or_si128(_mm_and_si128(k_, _mm_castpd_si128(nz_)), \
                          _mm_and_si128(negbit, _mm_castpd_si128(neg_))); \
        infs |= _mm_movemask_pd(_mm_cmpgt_pd(a_, big)); \
        kp[p][m[p]] = (uint32_t)_mm_cvtsi128_si32(k_); \
        m[p] += z_ & 1; \
        kp[q][m[q]] = (uint32_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(k_, k_)); \
        m[q] += z_ >> 1; \
    } while (0)

/* Columns: runs 0 .. nruns - 1 of each cell (cell c's at x[c * stride],
 * side by side) into the moments with raw_add_run's operations in the
 * same order for each cell, so the same sums to the bit, a cell's sums in
 * registers from its first run to its last, four cells at a time (two
 * pairs whose chains of adds overlap); and into the sketches as
 * fs_sketch_stage stages them, in the same pass: the keys go to each
 * cell's list, and a sketch's count, zeros and extremes
 * come from the moments' own (the same values: no NaN in either, and an
 * infinity fails the block), min and max with -0 made +0 as the sketch
 * makes it. Returns 1 when a value was infinite, else 0. */
static int columns_with_keys(const fs_columns *cl, const double *x, int nruns, size_t stride,
                             int c0)
{
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
    const __m128d absmask = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
    const __m128d big = _mm_set1_pd(DBL_MAX), kmin = _mm_set1_pd(FS_SKETCH_MIN);
    const __m128d nkmin = _mm_set1_pd(-FS_SKETCH_MIN);
    const __m128i negbit = _mm_set1_epi64x(0x80000000LL);
    double *r = cl->raw;
    uint32_t scratch[KEY_SLOT];
    int c, i, j, n = cl->ncells, infs = 0;

    for (c = c0; c + 4 <= n; c += 4) {
        const double *x0 = x + (size_t)c * stride, *x1 = x0 + stride;
        const double *x2 = x1 + stride, *x3 = x2 + stride;
        uint32_t *kp[4];
        int m[4] = {0, 0, 0, 0};
        double nb[4], na[4], mn[4], mx[4];
        COLUMN_LOAD(0);
        COLUMN_LOAD(1);
        /* A cell without a sketch writes its keys to scratch, which stays
         * in cache: most of a run's cells have none when only the run
         * totals are sketched. */
        for (j = 0; j < 4; j++)
            kp[j] = cl->sk[c + j]
                        ? cl->keys + (size_t)cl->kpos[c + j] * cl->slot + cl->nkeys[c + j]
                        : scratch;
        _mm_storeu_pd(nb, N0);
        _mm_storeu_pd(nb + 2, N1);
        for (i = 0; i < nruns; i++) {
            __m128d v0 = _mm_loadh_pd(_mm_load_sd(x0 + i), x1 + i);
            __m128d v1 = _mm_loadh_pd(_mm_load_sd(x2 + i), x3 + i);
            COLUMN_STEP(v0, N0, K0, S10, S20, MN0, MX0);
            COLUMN_STEP(v1, N1, K1, S11, S21, MN1, MX1);
            COLUMN_KEYS(v0, 0, 1);
            COLUMN_KEYS(v1, 2, 3);
        }
        COLUMN_STORE(0);
        COLUMN_STORE(1);
        _mm_storeu_pd(na, N0);
        _mm_storeu_pd(na + 2, N1);
        _mm_storeu_pd(mn, _mm_add_pd(MN0, zero));
        _mm_storeu_pd(mn + 2, _mm_add_pd(MN1, zero));
        _mm_storeu_pd(mx, _mm_add_pd(MX0, zero));
        _mm_storeu_pd(mx + 2, _mm_add_pd(MX1, zero));
        fs_columns_note(cl, c, 4, nb, na, m, mn, mx);
    }
    return (infs != 0) | columns_plain(cl, x, nruns, stride, c);
}
#endif

/* Room for the keys of the cells that have a sketch; 0 or -1. */
static int alloc_keys(fs_acc *a)
{
    int c, k = 0, n = a->lay.ncells;
    a->nkeys = calloc((size_t)n, sizeof *a->nkeys);
    a->kpos = malloc((size_t)n * sizeof *a->kpos);
    if (a->nkeys && a->kpos) {
        for (c = 0; c < n; c++)
            a->kpos[c] = a->sk[c] ? k++ : -1;
        a->keys = malloc(((size_t)k * KEY_SLOT + 1) * sizeof *a->keys);
    }
    if (a->keys == NULL) {
        free(a->nkeys), free(a->kpos);
        a->nkeys = a->kpos = NULL;
        return -1;
    }
    return 0;
}

/* The staged keys into the sketches' buckets, cell by cell. */
int fs_acc_flush(fs_acc *a)
{
    int c, n = a->lay.ncells, bad = 0;
    if (a->keys == NULL || a->staged == 0)
        return 0;
    for (c = 0; c < n; c++) {
        /* A few cells ahead, fetch the sketch, then the counts its first
         * and last keys go to (a cell's keys mostly fall in a few
         * neighbouring buckets). */
        if (c + 4 < n && a->sk[c + 4])
            __builtin_prefetch(a->sk[c + 4]);
        if (c + 2 < n && a->nkeys[c + 2] > 0) {
            const uint32_t *k = a->keys + (size_t)a->kpos[c + 2] * KEY_SLOT;
            fs_sketch_prefetch_key(a->sk[c + 2], k[0]);
            fs_sketch_prefetch_key(a->sk[c + 2], k[a->nkeys[c + 2] - 1]);
        }
        if (a->nkeys[c] == 0)
            continue;
        if (fs_sketch_add_keys(a->sk[c], a->keys + (size_t)a->kpos[c] * KEY_SLOT, a->nkeys[c]) != 0)
            bad = FS_ACC_NOMEM;
        a->nkeys[c] = 0;
    }
    a->staged = 0;
    return bad;
}

/* Moments at once; for the sketches, each value's count, extremes and
 * bucket key now, its bucket's count when KEY_RUNS runs are staged. */
int fs_acc_add_columns(fs_acc *a, const double *obs, int nruns, size_t stride)
{
    int n = a->lay.ncells, bad = 0, inf = 0;
    if (a->keys == NULL && alloc_keys(a) != 0)
        return FS_ACC_NOMEM;
    if (a->staged + nruns > KEY_RUNS)
        bad = fs_acc_flush(a);
    {
        /* Eight cells at a time with AVX-512 where the processor has it,
         * the cells left (or all) four at a time with SSE2, the last few
         * one by one: the same bits. */
        fs_columns cl = {a->raw, n, a->sk, a->keys, a->nkeys, a->kpos, KEY_SLOT};
        int c0 = a->avx512 ? fs_columns_avx512(&cl, obs, nruns, stride, &inf) : 0;
#ifdef __SSE2__
        inf |= columns_with_keys(&cl, obs, nruns, stride, c0);
#else
        inf |= columns_plain(&cl, obs, nruns, stride, c0);
#endif
    }
    a->staged += nruns;
    return inf ? FS_ACC_INFINITE : bad;
}

int fs_acc_add_run(fs_acc *a, const double *obs)
{
    return fs_acc_add_runs(a, obs, 1);
}

void fs_acc_swap_pending(fs_acc *a, fs_acc *b)
{
    double *t = a->raw;
    a->raw = b->raw;
    b->raw = t;
}

void fs_acc_merge_moments(fs_acc *into, const fs_acc *from)
{
    fs_moments m;
    int c;
    int n = into->lay.ncells;
    const double *r = from->raw;
    for (c = 0; c < n; c++) {
        double rn = r[RAW_N * n + c], s1 = r[RAW_S1 * n + c];
        if (rn == 0.0)
            continue;
        m.n = rn;
        m.mean = r[RAW_K * n + c] + s1 / rn;
        m.m2 = r[RAW_S2 * n + c] - s1 * s1 / rn;
        if (m.m2 < 0.0)
            m.m2 = 0.0;
        m.min = r[RAW_MIN * n + c];
        m.max = r[RAW_MAX * n + c];
        fs_moments_merge(&into->mom[c], &m);
    }
}

int fs_acc_merge_sketches(fs_acc *into, const fs_acc *from)
{
    int c;
    for (c = 0; c < into->lay.ncells; c++)
        if (into->sk[c] && from->sk[c] && fs_sketch_merge(into->sk[c], from->sk[c]) != 0)
            return -1;
    return 0;
}

const fs_moments *fs_acc_moments(const fs_acc *a, int cell)
{
    return &a->mom[cell];
}

const fs_sketch *fs_acc_sketch(const fs_acc *a, int cell)
{
    return a->sk[cell];
}

double fs_acc_sketch_bytes(const fs_acc *a, int merged)
{
    double b = 0;
    int c;
    for (c = 0; c < a->lay.ncells; c++)
        if (a->sk[c])
            b += fs_sketch_bytes(a->sk[c], merged);
    return b;
}

double fs_acc_quantile(const fs_acc *a, int cell, double q)
{
    double v;
    if (a->sk[cell] == NULL || fs_sketch_count(a->sk[cell]) == 0)
        return NAN;
    v = fs_sketch_quantile(a->sk[cell], q);
    /* The sketch is within 0.39%, so for integers below 128 rounding
     * recovers the exact value; above that it is the nearest integer. */
    return fs_cell_is_integer(&a->lay, cell) ? nearbyint(v) : v;
}

double fs_percent(double p)
{
    /* The 1e-7 (of a tenth of a percent) absorbs the binary error of
     * 1000 p, far below the spacing of shares of at most 10^7 runs. */
    double t = 1000.0 * fabs(p);
    if (!isfinite(p))
        return 100.0 * p;
    t = floor(t + 0.5 + 1e-7) / 10.0;
    return p < 0 ? -t : t;
}

int fs_material(int probability, double diff, double lo, double hi, double with,
                double without)
{
    double big = fmax(fabs(with), fabs(without));
    if (!(lo > 0.0 || hi < 0.0))
        return 0;
    if (probability)
        return fabs(diff) >= 0.005;
    return fabs(diff) >= (isfinite(big) ? 0.01 * big : 1e-3);
}

void fs_wilson95(double k, double n, double *lo, double *hi)
{
    const double z = FS_Z95;
    double p, den, mid, half;
    if (n <= 0.0) {
        *lo = NAN;
        *hi = NAN;
        return;
    }
    p = k / n;
    den = 1.0 + z * z / n;
    mid = (p + z * z / (2.0 * n)) / den;
    half = z * sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / den;
    /* At k = 0 and k = n the bound is exactly 0 or 1; computed, it is off
     * by rounding. */
    *lo = k <= 0.0 || mid - half < 0.0 ? 0.0 : mid - half;
    *hi = k >= n || mid + half > 1.0 ? 1.0 : mid + half;
}
