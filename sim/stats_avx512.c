/* stats_avx512.c: stats_columns.h's pass with AVX-512 (the Makefile gives
 * this file -mavx512f -mavx512dq -mavx512vl and no contraction). Eight
 * cells at a time: eight runs of each cell are loaded as they lie (a
 * column's stretch), their sketch keys compressed into the cell's list
 * with one instruction, then the 8 x 8 tile is transposed so that the
 * cells' sums step through the runs in order, eight cells a register. */
#include "stats_columns.h"

#include "lanes.h"
#include "stats.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#include <float.h>
#include <immintrin.h>

/* stats.c's order of the six arrays. */
enum { RAW_N, RAW_K, RAW_S1, RAW_S2, RAW_MIN, RAW_MAX };

int fs_columns_avx512_ok(void)
{
    return fs_lanes_isa_best() == FS_ISA_AVX512;
}

/* r[j][i] into c[i][j]: eight rows of eight doubles transposed. */
static void transpose8(const __m512d r[8], __m512d c[8])
{
    __m512d t[8], u[8];
    int j;
    for (j = 0; j < 4; j++) {
        t[2 * j] = _mm512_unpacklo_pd(r[2 * j], r[2 * j + 1]);
        t[2 * j + 1] = _mm512_unpackhi_pd(r[2 * j], r[2 * j + 1]);
    }
    for (j = 0; j < 2; j++) {
        u[4 * j] = _mm512_shuffle_f64x2(t[4 * j], t[4 * j + 2], 0x88);
        u[4 * j + 1] = _mm512_shuffle_f64x2(t[4 * j + 1], t[4 * j + 3], 0x88);
        u[4 * j + 2] = _mm512_shuffle_f64x2(t[4 * j], t[4 * j + 2], 0xdd);
        u[4 * j + 3] = _mm512_shuffle_f64x2(t[4 * j + 1], t[4 * j + 3], 0xdd);
    }
    for (j = 0; j < 4; j++) {
        c[j] = _mm512_shuffle_f64x2(u[j], u[4 + j], 0x88);
        c[4 + j] = _mm512_shuffle_f64x2(u[j], u[4 + j], 0xdd);
    }
}

int fs_columns_avx512(const fs_columns *cl, const double *x, int nruns, size_t stride, int *inf)
{
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    const __m512d big = _mm512_set1_pd(DBL_MAX), kmin = _mm512_set1_pd(FS_SKETCH_MIN);
    const __m512d nkmin = _mm512_set1_pd(-FS_SKETCH_MIN);
    const __m512i absmask = _mm512_set1_epi64(0x7fffffffffffffffLL);
    const __m512i negbit = _mm512_set1_epi64(0x80000000LL);
    double *raw = cl->raw;
    uint32_t scratch[FS_ACC_KEY_SLOT];
    int n = cl->ncells, c, i, j, infs = 0;

    for (c = 0; c + 8 <= n; c += 8) {
        double *at = raw + c;
        __m512d N = _mm512_loadu_pd(at + RAW_N * (size_t)n);
        __m512d K = _mm512_loadu_pd(at + RAW_K * (size_t)n);
        __m512d S1 = _mm512_loadu_pd(at + RAW_S1 * (size_t)n);
        __m512d S2 = _mm512_loadu_pd(at + RAW_S2 * (size_t)n);
        __m512d MN = _mm512_loadu_pd(at + RAW_MIN * (size_t)n);
        __m512d MX = _mm512_loadu_pd(at + RAW_MAX * (size_t)n);
        __m512d N0 = N;
        uint32_t *kp[8];
        int m[8];
        double na[8], nb[8], mn[8], mx[8];

        /* A cell without a sketch writes its keys to scratch, which stays
         * in cache (stats.c does the same). */
        for (j = 0; j < 8; j++) {
            kp[j] = cl->sk[c + j]
                        ? cl->keys + (size_t)cl->kpos[c + j] * cl->slot + cl->nkeys[c + j]
                        : scratch;
            m[j] = 0;
        }
        for (i = 0; i < nruns; i += 8) {
            int t = nruns - i < 8 ? nruns - i : 8, s;
            __mmask8 live = (__mmask8)((1u << t) - 1);
            __m512d row[8], col[8];
            for (j = 0; j < 8; j++) {
                /* Cell c + j's runs i .. i + t - 1, and their keys as
                 * fs_sketch_stage makes them, kept in run order. */
                __m512d v = _mm512_maskz_loadu_pd(live, x + (size_t)(c + j) * stride + i);
                __m512i a = _mm512_and_si512(_mm512_castpd_si512(v), absmask);
                __m512d av = _mm512_castsi512_pd(a);
                __mmask8 fin = _mm512_mask_cmp_pd_mask(live, av, big, _CMP_LE_OQ);
                __mmask8 neg = _mm512_mask_cmp_pd_mask(fin, v, nkmin, _CMP_LE_OQ);
                __mmask8 nz = _mm512_mask_cmp_pd_mask(fin, v, kmin, _CMP_GE_OQ) | neg;
                __m512i k = _mm512_srli_epi64(a, 52 - FS_SKETCH_SUB_BITS);
                k = _mm512_mask_or_epi64(k, neg, k, negbit);
                /* Compressed in a register and stored whole (the slot
                 * has room): a compressing store to memory is slow on
                 * some processors. */
                _mm256_storeu_si256((__m256i *)(kp[j] + m[j]),
                                    _mm256_maskz_compress_epi32(nz, _mm512_cvtepi64_epi32(k)));
                m[j] += __builtin_popcount(nz);
                infs |= _mm512_mask_cmp_pd_mask(live, av, big, _CMP_GT_OQ);
                row[j] = v;
            }
            transpose8(row, col);
            for (s = 0; s < t; s++) {
                /* raw_add_run's step, eight cells at once. */
                __m512d v = col[s];
                __mmask8 first = _mm512_cmp_pd_mask(N, zero, _CMP_EQ_OQ);
                __mmask8 ok = _mm512_cmp_pd_mask(v, v, _CMP_ORD_Q);
                __m512d k = _mm512_mask_blend_pd(first, K, v);
                __m512d d = _mm512_maskz_sub_pd(ok & (__mmask8)~first, v, k);
                N = _mm512_mask_add_pd(N, ok, N, one);
                K = _mm512_mask_blend_pd(ok, K, k);
                S1 = _mm512_add_pd(S1, d);
                S2 = _mm512_add_pd(S2, _mm512_mul_pd(d, d));
                MN = _mm512_min_pd(v, MN);
                MX = _mm512_max_pd(v, MX);
            }
        }
        _mm512_storeu_pd(at + RAW_N * (size_t)n, N);
        _mm512_storeu_pd(at + RAW_K * (size_t)n, K);
        _mm512_storeu_pd(at + RAW_S1 * (size_t)n, S1);
        _mm512_storeu_pd(at + RAW_S2 * (size_t)n, S2);
        _mm512_storeu_pd(at + RAW_MIN * (size_t)n, MN);
        _mm512_storeu_pd(at + RAW_MAX * (size_t)n, MX);
        _mm512_storeu_pd(nb, N0);
        _mm512_storeu_pd(na, N);
        _mm512_storeu_pd(mn, _mm512_add_pd(MN, zero));
        _mm512_storeu_pd(mx, _mm512_add_pd(MX, zero));
        fs_columns_note(cl, c, 8, nb, na, m, mn, mx);
    }
    if (infs)
        *inf = 1;
    return c;
}
#else
int fs_columns_avx512_ok(void)
{
    return 0;
}

int fs_columns_avx512(const fs_columns *cl, const double *x, int nruns, size_t stride, int *inf)
{
    (void)cl, (void)x, (void)nruns, (void)stride, (void)inf;
    return 0;
}
#endif
