/* lanes_kernel.h: the source of lanes.h's kernels, included once by each
 * of sim/lanes_{scalar,sse2,avx2,avx512}.c with FS_LANES_TABLE set to the
 * table's name (lanes_isa.h). The Makefile compiles those files with their
 * instruction set's flags, -ffp-contract=off (no FMA) and
 * -fno-trapping-math (so that masked code may be computed in every lane;
 * no value changes); the compiler vectorises the loops over lanes below. Vectorising never changes what a lane
 * computes: every operation is an IEEE-754 add, multiply, divide, square
 * root, comparison, conversion or integer operation, done on each lane
 * as written (no FMA, no reassociation, no libm call), so all tables give
 * the same bits. The branchy draws keep lanes in step the same way: every
 * lane evaluates every expression and a mask keeps or drops the result.
 *
 * The approximations (accuracy as measured by tests/test_lanes.c):
 *   exp: fdlibm's e_exp.c (Sun, 1993): x = k ln2 + r, |r| <= ln2/2, with
 *        ln2 split in two (Cody and Waite) and exp(r) from a degree-5
 *        rational form in r^2; 2^k applied as two exact powers of two, so
 *        subnormal results round once. Within 0.87 ulp of the true value.
 *   log: fdlibm's e_log.c: x = 2^k m, sqrt(2)/2 <= m < sqrt(2), and
 *        log(m) = 2 atanh(s), s = (m - 1)/(m + 1), from a degree-14
 *        polynomial in s. Within 0.75 ulp of the true value.
 *   normal: Wichura's AS241 (Applied Statistics 37, 1988, PPND16), the
 *        inverse of the normal distribution function to about 1e-16: the
 *        centre's branch in every lane, the tail's only in the lanes that
 *        need it (k_normal_n). Uniforms from one 32-bit word lie in
 *        [2^-33, 1 - 2^-33], so |z| <= 6.24 and AS241's third branch
 *        (r > 5) is never needed.
 *   lgamma (PTRS's log k!): Stirling's series with 10 terms from 7 on,
 *        exact values below. */
#ifndef FS_LANES_TABLE
#error "lanes_kernel.h is included by sim/lanes_*.c with FS_LANES_TABLE defined"
#endif

#include <stdint.h>
#include <string.h>
#include <Random123/philox.h>

#include "lanes_isa.h"

#define CH FS_LANES_CHUNK

/* ---- Philox4x32-10, lane by lane (rng.c gives one stream the same). ---- */

#define PHILOX_ROUND(K0, K1) do { \
        uint64_t p0_ = (uint64_t)x0 * PHILOX_M4x32_0, p1_ = (uint64_t)x2 * PHILOX_M4x32_1; \
        x0 = (uint32_t)(p1_ >> 32) ^ x1 ^ (K0); \
        x1 = (uint32_t)p1_; \
        x2 = (uint32_t)(p0_ >> 32) ^ x3 ^ (K1); \
        x3 = (uint32_t)p0_; \
    } while (0)

/* Lanes i .. end-1 by plain C: the reference, and what vectors leave over. */
static void k_philox_c(int i, int end, int n, const uint32_t *k0, const uint32_t *k1,
                       const uint32_t *c0, const uint32_t *c1, const uint32_t *c2,
                       const uint32_t *c3, uint32_t *restrict out)
{
    for (; i < end; i++) {
        uint32_t x0 = c0[i], x1 = c1[i], x2 = c2[i], x3 = c3[i], a = k0[i], b = k1[i];
        int r;
        for (r = 0; r < 10; r++) {
            PHILOX_ROUND(a, b);
            a += PHILOX_W32_0;
            b += PHILOX_W32_1;
        }
        out[i] = x0;
        out[n + i] = x1;
        out[2 * n + i] = x2;
        out[3 * n + i] = x3;
    }
}

/* The vector versions hold one lane in each 32-bit element: a 32 x 32 ->
 * 64-bit multiply (pmuludq) takes the even elements, a second one the odd
 * elements shifted down, and the products' halves are merged back into
 * hi and lo. The compiler's own vectorisation of the loop above is several
 * times slower (it widens every lane to 64 bits). */
#if !defined(FS_LANES_PLAIN) && defined(__AVX2__)
#include <immintrin.h>
#define HAVE_VECTOR_PHILOX 1

#define PHILOX_VROUND(MUL) do { \
        __m_ hi0_, lo0_, hi1_, lo1_; \
        MUL(x0, m0, hi0_, lo0_); \
        MUL(x2, m1, hi1_, lo1_); \
        x0 = XOR(XOR(hi1_, x1), a); \
        x1 = lo1_; \
        x2 = XOR(XOR(hi0_, x3), b); \
        x3 = lo0_; \
        a = ADD(a, w0); \
        b = ADD(b, w1); \
    } while (0)

#define PHILOX_VBODY(LOAD, STORE, SET1) do { \
        const __m_ m0 = SET1(PHILOX_M4x32_0), m1 = SET1(PHILOX_M4x32_1); \
        const __m_ w0 = SET1(PHILOX_W32_0), w1 = SET1(PHILOX_W32_1); \
        __m_ x0 = LOAD(c0 + i), x1 = LOAD(c1 + i), x2 = LOAD(c2 + i), x3 = LOAD(c3 + i); \
        __m_ a = LOAD(k0 + i), b = LOAD(k1 + i); \
        int r_; \
        for (r_ = 0; r_ < 10; r_++) \
            PHILOX_VROUND(MULHILO); \
        STORE(out + i, x0); \
        STORE(out + n + i, x1); \
        STORE(out + 2 * n + i, x2); \
        STORE(out + 3 * n + i, x3); \
    } while (0)

/* Eight lanes with AVX2. */
#define __m_ __m256i
#define XOR _mm256_xor_si256
#define ADD _mm256_add_epi32
#define MULHILO(x, m, hi, lo) do { \
        __m256i e_ = _mm256_mul_epu32(x, m), o_ = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m); \
        lo = _mm256_blend_epi32(e_, _mm256_slli_epi64(o_, 32), 0xAA); \
        hi = _mm256_blend_epi32(_mm256_srli_epi64(e_, 32), o_, 0xAA); \
    } while (0)
#define LOAD8(p) _mm256_loadu_si256((const __m256i *)(p))
#define STORE8(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define SET8(v) _mm256_set1_epi32((int)(v))
static void k_philox8(int i, int n, const uint32_t *k0, const uint32_t *k1, const uint32_t *c0,
                      const uint32_t *c1, const uint32_t *c2, const uint32_t *c3, uint32_t *out)
{
    PHILOX_VBODY(LOAD8, STORE8, SET8);
}
#undef __m_
#undef XOR
#undef ADD
#undef MULHILO

#if defined(__AVX512F__)
/* Sixteen lanes with AVX-512. */
#define __m_ __m512i
#define XOR _mm512_xor_si512
#define ADD _mm512_add_epi32
#define MULHILO(x, m, hi, lo) do { \
        __m512i e_ = _mm512_mul_epu32(x, m), o_ = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m); \
        lo = _mm512_mask_blend_epi32(0xAAAA, e_, _mm512_slli_epi64(o_, 32)); \
        hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(e_, 32), o_); \
    } while (0)
#define LOAD16(p) _mm512_loadu_si512((const void *)(p))
#define STORE16(p, v) _mm512_storeu_si512((void *)(p), v)
#define SET16(v) _mm512_set1_epi32((int)(v))
static void k_philox16(int i, int n, const uint32_t *k0, const uint32_t *k1, const uint32_t *c0,
                       const uint32_t *c1, const uint32_t *c2, const uint32_t *c3, uint32_t *out)
{
    PHILOX_VBODY(LOAD16, STORE16, SET16);
}
#undef __m_
#undef XOR
#undef ADD
#undef MULHILO
#endif

#elif !defined(FS_LANES_PLAIN) && defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_VECTOR_PHILOX 1

/* Four lanes with SSE2, which has no 32-bit blend: masks merge instead. */
static void k_philox4(int i, int n, const uint32_t *k0, const uint32_t *k1, const uint32_t *c0,
                      const uint32_t *c1, const uint32_t *c2, const uint32_t *c3, uint32_t *out)
{
    const __m128i m0 = _mm_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm_set1_epi32((int)PHILOX_M4x32_1);
    const __m128i w0 = _mm_set1_epi32((int)PHILOX_W32_0), w1 = _mm_set1_epi32((int)PHILOX_W32_1);
    const __m128i even = _mm_set_epi32(0, -1, 0, -1), odd = _mm_set_epi32(-1, 0, -1, 0);
    __m128i x0 = _mm_loadu_si128((const __m128i *)(c0 + i)), x1 = _mm_loadu_si128((const __m128i *)(c1 + i));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(c2 + i)), x3 = _mm_loadu_si128((const __m128i *)(c3 + i));
    __m128i a = _mm_loadu_si128((const __m128i *)(k0 + i)), b = _mm_loadu_si128((const __m128i *)(k1 + i));
    int r;
    for (r = 0; r < 10; r++) {
        __m128i e0 = _mm_mul_epu32(x0, m0), o0 = _mm_mul_epu32(_mm_srli_epi64(x0, 32), m0);
        __m128i e1 = _mm_mul_epu32(x2, m1), o1 = _mm_mul_epu32(_mm_srli_epi64(x2, 32), m1);
        __m128i lo0 = _mm_or_si128(_mm_and_si128(e0, even), _mm_slli_epi64(o0, 32));
        __m128i hi0 = _mm_or_si128(_mm_srli_epi64(e0, 32), _mm_and_si128(o0, odd));
        __m128i lo1 = _mm_or_si128(_mm_and_si128(e1, even), _mm_slli_epi64(o1, 32));
        __m128i hi1 = _mm_or_si128(_mm_srli_epi64(e1, 32), _mm_and_si128(o1, odd));
        x0 = _mm_xor_si128(_mm_xor_si128(hi1, x1), a);
        x1 = lo1;
        x2 = _mm_xor_si128(_mm_xor_si128(hi0, x3), b);
        x3 = lo0;
        a = _mm_add_epi32(a, w0);
        b = _mm_add_epi32(b, w1);
    }
    _mm_storeu_si128((__m128i *)(out + i), x0);
    _mm_storeu_si128((__m128i *)(out + n + i), x1);
    _mm_storeu_si128((__m128i *)(out + 2 * n + i), x2);
    _mm_storeu_si128((__m128i *)(out + 3 * n + i), x3);
}
#endif

static void k_philox(int n, const uint32_t *k0, const uint32_t *k1, const uint32_t *c0,
                     const uint32_t *c1, const uint32_t *c2, const uint32_t *c3,
                     uint32_t *restrict out)
{
    int i = 0;
#if defined(HAVE_VECTOR_PHILOX) && defined(__AVX512F__)
    for (; i + 16 <= n; i += 16)
        k_philox16(i, n, k0, k1, c0, c1, c2, c3, out);
#endif
#if defined(HAVE_VECTOR_PHILOX) && defined(__AVX2__)
    for (; i + 8 <= n; i += 8)
        k_philox8(i, n, k0, k1, c0, c1, c2, c3, out);
#elif defined(HAVE_VECTOR_PHILOX)
    for (; i + 4 <= n; i += 4)
        k_philox4(i, n, k0, k1, c0, c1, c2, c3, out);
#endif
    k_philox_c(i, n, n, k0, k1, c0, c1, c2, c3, out);
}

/* ---- Elementary functions, one lane each (inlined into the loops). ---- */

static inline uint64_t k_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline double k_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

#define K_ROUND 0x1.8p52   /* x + K_ROUND - K_ROUND rounds |x| < 2^51 to an integer */

/* 2^k for an integer k in [-1022, 1023] held in a double: k + K_ROUND
 * carries k in its low bits, and shifting k + 1023 to the exponent field
 * drops K_ROUND's own bits. */
static inline double k_pow2(double k)
{
    return k_double((k_bits(k + K_ROUND) + 1023) << 52);
}

/* floor(x) for |x| < 2^51. */
static inline double k_floor(double x)
{
    double t = (x + K_ROUND) - K_ROUND;
    return t > x ? t - 1.0 : t;
}

static const double
    ln2_hi = 6.93147180369123816490e-01,   /* 0x3fe62e42 fee00000 */
    ln2_lo = 1.90821492927058770002e-10,   /* 0x3dea39ef 35793c76 */
    inv_ln2 = 1.44269504088896338700e+00;

static inline double k_exp(double x)
{
    static const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                        P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                        P5 = 4.13813679705723846039e-08;
    double kd, hi, lo, r, z, c, y, k1;

    /* Beyond these exp is 0 or infinite either way; a NaN passes both. */
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    kd = (x * inv_ln2 + K_ROUND) - K_ROUND;
    hi = x - kd * ln2_hi;
    lo = kd * ln2_lo;
    r = hi - lo;
    z = r * r;
    c = r - z * (P1 + z * (P2 + z * (P3 + z * (P4 + z * P5))));
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    k1 = (kd * 0.5 + K_ROUND) - K_ROUND;
    return y * k_pow2(k1) * k_pow2(kd - k1);
}

static inline double k_log(double x)
{
    static const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                        Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                        Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                        Lg7 = 1.479819860511658591e-01;
    /* Subnormals are scaled up by 2^54 first. */
    int tiny = x < 0x1p-1022;
    double xs = tiny ? x * 0x1p54 : x, k, f, s, z, w, R, hfsq, y;
    uint64_t b = k_bits(xs) + ((uint64_t)(0x3ff00000 - 0x3fe6a09e) << 32);

    /* The exponent as a double: b >> 52 placed in the low bits of 2^52. */
    k = (k_double(0x4330000000000000ULL | (b >> 52)) - 0x1p52) - (tiny ? 1077.0 : 1023.0);
    f = k_double((b & 0x000fffffffffffffULL) + ((uint64_t)0x3fe6a09e << 32)) - 1.0;
    s = f / (2.0 + f);
    z = s * s;
    w = z * z;
    R = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7))) + w * (Lg2 + w * (Lg4 + w * Lg6));
    hfsq = 0.5 * f * f;
    y = k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
    y = x > 0.0 ? y : (x == 0.0 ? -__builtin_inf() : __builtin_nan(""));
    return x == __builtin_inf() ? x : y;
}

/* A uniform in (0, 1) from one word: (w + 1/2) / 2^32, exact. The signed
 * conversion is the one every instruction set has. */
static inline double k_uniform(uint32_t w)
{
    return ((double)(int32_t)(w ^ 0x80000000u) + 2147483648.5) * 0x1p-32;
}

/* AS241 for u in [2^-33, 1 - 2^-33]: a ratio of two polynomials in the
 * centre, |u - 1/2| <= 0.425, another in the tails. */
static inline int k_central(double u)
{
    return __builtin_fabs(u - 0.5) <= 0.425;
}

static inline double k_normal_centre(double u)
{
    double q = u - 0.5, r = 0.180625 - q * q;
    return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                     67265.770927008700853) * r + 45921.953931549871457) * r +
                   13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
           (((((((r * 5226.4952788528545610 + 28729.085735721942674) * r +
                 39307.895800092710610) * r + 21213.794301586595867) * r +
               5394.1960214247511077) * r + 687.18700749205790830) * r +
             42.313330701600911252) * r + 1.0);
}

static inline double k_normal_tail(double u)
{
    /* 1 - u is exact: u has at most 33 significant bits. */
    double q = u - 0.5, t = __builtin_sqrt(-k_log(q < 0.0 ? u : 1.0 - u)) - 1.6, z;
    z = (((((((t * 7.74545014278341407640e-4 + 0.0227238449892691845833) * t +
              0.241780725177450611770) * t + 1.27045825245236838258) * t +
            3.64784832476320460504) * t + 5.76949722146069140550) * t +
          4.63033784615654529590) * t + 1.42343711074968357734) /
        (((((((t * 1.05075007164441684324e-9 + 5.47593808499534494600e-4) * t +
              0.0151986665636164571966) * t + 0.148103976427480074590) * t +
            0.689767334985100004550) * t + 1.67638483018380384940) * t +
          2.05319162663775882187) * t + 1.0);
    return q < 0.0 ? -z : z;
}

static inline double k_normal(double u)
{
    double zc = k_normal_centre(u), zt = k_normal_tail(u);
    return k_central(u) ? zc : zt;
}

/* log Gamma(x) = log (x-1)! for the integers x >= 1: exact values below
 * 7, Stirling's series (numpy's random_loggam's ten terms) from 7 on. */
static inline double k_lgamma(double x)
{
    double x0 = x < 7.0 ? 7.0 : x, x2 = (1.0 / x0) * (1.0 / x0), g, small;

    g = (((((((((-1.39243221690590e+00 * x2 + 1.796443723688307e-01) * x2 -
                 2.955065359477124e-02) * x2 + 6.410256410256410e-03) * x2 -
               1.917526917526918e-03) * x2 + 8.417508417508418e-04) * x2 -
             5.952380952380952e-04) * x2 + 7.936507936507937e-04) * x2 -
           2.777777777777778e-03) * x2 + 8.333333333333333e-02);
    g = g / x0 + 0.91893853320467267 + (x0 - 0.5) * k_log(x0) - x0;
    /* One select at a time: nested ones defeat the vectoriser. */
    small = x > 2.5 ? 0.69314718055994531 : 0.0;
    small = x > 3.5 ? 1.7917594692280550 : small;
    small = x > 4.5 ? 3.1780538303479456 : small;
    small = x > 5.5 ? 4.7874917427820460 : small;
    return x < 6.5 ? small : g;
}

/* ---- The transforms over n lanes. ---- */

static void k_uniform_n(int n, const uint32_t *w, double *restrict u)
{
    int i;
    for (i = 0; i < n; i++)
        u[i] = k_uniform(w[i]);
}

/* The lanes b .. b+m-1 whose uniform u[i] lies in the tails: their
 * indices to idx and uniforms to tu, in order; returns their count. */
static int k_tails(const double *u, int b, int m, int *idx, double *tu)
{
    int i = 0, cnt = 0;
#if !defined(FS_LANES_PLAIN) && defined(__AVX512F__) && defined(__AVX512VL__)
    /* AVX-512 compresses the list in a few instructions per 8 lanes, where
     * the loop below takes a few per lane. The test is k_central's. */
    const __m512d half = _mm512_set1_pd(0.5), lim = _mm512_set1_pd(0.425);
    const __m256i step = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (; i + 8 <= m; i += 8) {
        __m512d v = _mm512_loadu_pd(u + i);
        __mmask8 t = _mm512_cmp_pd_mask(_mm512_abs_pd(_mm512_sub_pd(v, half)), lim, _CMP_NLE_UQ);
        _mm512_mask_compressstoreu_pd(tu + cnt, t, v);
        _mm256_mask_compressstoreu_epi32(idx + cnt, t, _mm256_add_epi32(_mm256_set1_epi32(b + i), step));
        cnt += __builtin_popcount(t);
    }
#endif
    for (; i < m; i++) {
        idx[cnt] = b + i;
        tu[cnt] = u[i];
        cnt += !k_central(u[i]);
    }
    return cnt;
}

/* Normals for n lanes. About 15% of uniforms fall in the tails, whose
 * branch (a log and a square root) costs twice the centre's: the centre
 * is computed in every lane, the tail only in the lanes that need it,
 * gathered into a short list and scattered back. Each lane computes what
 * k_normal computes. */
#define NB 64
/* Doubles a vector holds: 1 for the plain C reference. */
#if defined(FS_LANES_PLAIN)
#define K_VEC 1
#elif defined(__AVX512F__)
#define K_VEC 8
#elif defined(__AVX2__)
#define K_VEC 4
#else
#define K_VEC 2
#endif
static void k_normal_n(int n, const uint32_t *w, double *restrict z)
{
    double u[NB], tu[NB], tz[NB];
    int idx[NB], b, i, m, cnt;

    for (b = 0; b < n; b += NB) {
        m = n - b < NB ? n - b : NB;
        for (i = 0; i < m; i++) {
            u[i] = k_uniform(w[b + i]);
            z[b + i] = k_normal_centre(u[i]);
        }
        cnt = k_tails(u, b, m, idx, tu);
        /* Whole vectors: the list padded with a tail's uniform, whose
         * values are dropped (the remainder's loop would be scalar). */
        for (i = cnt; i % K_VEC != 0; i++)
            tu[i] = 0.01;
        for (i = 0; i < (cnt + K_VEC - 1) / K_VEC * K_VEC; i++)
            tz[i] = k_normal_tail(tu[i]);
        for (i = 0; i < cnt; i++)
            z[idx[i]] = tz[i];
    }
}

/* exp(sigma Z - sigma^2 / 2): the model's log-normal factor of mean 1. */
static void k_lognormal_n(int n, const uint32_t *w, const double *sigma, double *restrict x)
{
    int i;
    k_normal_n(n, w, x);
    for (i = 0; i < n; i++) {
        double s = sigma[i];
        x[i] = k_exp(s * x[i] - 0.5 * s * s);
    }
}

static void k_exp_n(int n, const double *x, double *restrict y)
{
    int i;
    for (i = 0; i < n; i++)
        y[i] = k_exp(x[i]);
}

static void k_log_n(int n, const double *x, double *restrict y)
{
    int i;
    for (i = 0; i < n; i++)
        y[i] = k_log(x[i]);
}

/* ---- Retries: each lane's own side blocks (lanes.h). ---- */

/* The next side block of lanes i .. i+CH-1, words 0 and 1 to w0 and w1,
 * counted as used only in the lanes that wanted one (want[j]). */
static void k_side(fs_lanes_side *s, int i, const int64_t *want, uint32_t *w0, uint32_t *w1)
{
    uint32_t c0[CH], c1[CH], out[4 * CH];
    int j;
    for (j = 0; j < CH; j++) {
        uint64_t b = s->base + s->used[i + j];
        c0[j] = (uint32_t)b;
        c1[j] = (uint32_t)(b >> 32);
        s->used[i + j] += want[j] ? 1 : 0;
    }
    k_philox(CH, s->k0 + i, s->k1 + i, c0, c1, s->r0 + i, s->r1 + i, out);
    for (j = 0; j < CH; j++) {
        w0[j] = out[j];
        w1[j] = out[CH + j];
    }
}

static int k_any(const int64_t *m)
{
    int64_t any = 0;
    int j;
    for (j = 0; j < CH; j++)
        any |= m[j];
    return any != 0;
}

/* ---- Inversion by sequential search. ---- */

#define INV_MAX FS_LANES_INV_MAX

/* The smallest k with u <= P(0) + ... + P(k), for lanes on[j], where
 * P(k) = P(k-1) (A + B (k-1)) / k: a Poisson of mean m has P(0) = e^-m,
 * A = m, B = 0; a negative binomial (p, size) has P(0) = p^size,
 * A = (1-p) size, B = 1-p. All lanes of the chunk step in turn until the
 * last has stopped. */
static void k_search_lockstep(const double *u, const double *P0, const double *A,
                              const double *B, const int64_t *on, double *res)
{
    double P[CH], F[CH], k[CH];
    int64_t act[CH];
    int j, it;

    for (j = 0; j < CH; j++) {
        P[j] = P0[j];
        F[j] = P0[j];
        k[j] = 0.0;
        act[j] = on[j] & -(int64_t)(u[j] > F[j]);
    }
    for (it = 1; it <= INV_MAX && k_any(act); it++) {
        double r = 1.0 / it, km1 = it - 1;
        /* Left whole for the vectoriser: unrolled first, it stays scalar. */
#pragma GCC unroll 1
        for (j = 0; j < CH; j++) {
            double Pn = P[j] * ((A[j] + B[j] * km1) * r), Fn = F[j] + Pn;
            P[j] = act[j] ? Pn : P[j];
            F[j] = act[j] ? Fn : F[j];
            k[j] = act[j] ? (double)it : k[j];
            act[j] = act[j] & -(int64_t)(u[j] > Fn);
        }
    }
    for (j = 0; j < CH; j++)
        res[j] = on[j] ? k[j] : res[j];
}

/* The same search lane by lane, each stopping at its own count: the same
 * operations in each lane, so the same bits. */
static void k_search_perlane(const double *u, const double *P0, const double *A,
                             const double *B, const int64_t *on, double *res)
{
    int j, it;
    for (j = 0; j < CH; j++) {
        double P = P0[j], F = P0[j];
        if (!on[j])
            continue;
        for (it = 1; it <= INV_MAX && u[j] > F; it++) {
            double r = 1.0 / it, km1 = it - 1;
            P = P * ((A[j] + B[j] * km1) * r);
            F = F + P;
        }
        res[j] = it - 1;
    }
}

static void k_search(const double *u, const double *P0, const double *A, const double *B,
                     const int64_t *on, int method, double *res)
{
    if (method == FS_LANES_POISSON_PERLANE)
        k_search_perlane(u, P0, A, B, on, res);
    else
        k_search_lockstep(u, P0, A, B, on, res);
}

/* ---- Poisson. ---- */

/* PTRS, Hörmann's transformed rejection with squeeze (Insurance:
 * Mathematics and Economics 12, 1993), as numpy's random_poisson_ptrs,
 * for the lanes on[j] (means of 10 and more): the first try from U, V,
 * retries from the lane's side blocks. */
static void k_ptrs(int i, double *U, double *V, const double *m, const int64_t *on,
                   fs_lanes_side *side, double *res)
{
    double lam[CH], lglam[CH], a[CH], b[CH], ia[CH], vr[CH], kk[CH], us[CH];
    int64_t act[CH], fast[CH];
    uint32_t w0[CH], w1[CH];
    int j;

    for (j = 0; j < CH; j++) {
        lam[j] = on[j] ? m[j] : 10.0;
        lglam[j] = k_log(lam[j]);
        b[j] = 0.931 + 2.53 * __builtin_sqrt(lam[j]);
        a[j] = -0.059 + 0.02483 * b[j];
        ia[j] = 1.1239 + 1.1328 / (b[j] - 3.4);
        vr[j] = 0.9277 - 3.6224 / (b[j] - 2.0);
        act[j] = on[j] ? -1 : 0;
    }
    for (;;) {
        int64_t slow = 0;
        for (j = 0; j < CH; j++) {
            double y;
            U[j] -= 0.5;
            us[j] = 0.5 - __builtin_fabs(U[j]);
            y = (2.0 * a[j] / us[j] + b[j]) * U[j] + lam[j] + 0.43;
            /* Counts past 2^40 are refused below anyway. */
            y = y > 0x1p40 ? 0x1p40 : (y < -1.0 ? -1.0 : y);
            kk[j] = k_floor(y);
            fast[j] = -(int64_t)((us[j] >= 0.07) & (V[j] <= vr[j]));
            res[j] = act[j] & fast[j] ? kk[j] : res[j];
            act[j] = act[j] & ~fast[j];
            slow |= act[j];
        }
        if (!slow)
            return;
        for (j = 0; j < CH; j++) {
            int64_t rej = (kk[j] < 0.0) | ((us[j] < 0.013) & (V[j] > us[j]));
            double k1 = kk[j] < 0.0 ? 1.0 : kk[j] + 1.0;
            /* numpy's log(V) + log(1/alpha) - log(a/us^2 + b), in one log. */
            double lhs = k_log(V[j] * ia[j] / (a[j] / (us[j] * us[j]) + b[j]));
            double rhs = -lam[j] + (k1 - 1.0) * lglam[j] - k_lgamma(k1);
            int64_t ok = act[j] & -(int64_t)(!rej & (lhs <= rhs));
            res[j] = ok ? kk[j] : res[j];
            act[j] = act[j] & ~ok;
        }
        if (!k_any(act))
            return;
        k_side(side, i, act, w0, w1);
        for (j = 0; j < CH; j++) {
            U[j] = k_uniform(w0[j]);
            V[j] = k_uniform(w1[j]);
        }
    }
}

/* Poisson(min(mu, cap)) for lanes i .. i+CH-1 from uniforms u, v (v
 * only for PTRS); 0 where mu is not above 0 (NaN included). */
static void k_poisson_chunk(int i, double *u, double *v, const double *mu, double cap,
                            double ptrs_from, int method, fs_lanes_side *side, double *res)
{
    double m[CH];
    int64_t inv[CH], pt[CH];
    int j;

    for (j = 0; j < CH; j++) {
        double x = mu[j] < cap ? mu[j] : cap;
        int64_t valid = -(int64_t)(mu[j] > 0.0), below = -(int64_t)(x < ptrs_from);
        m[j] = valid ? x : 0.0;
        inv[j] = valid & below;
        pt[j] = valid & ~below;
        res[j] = 0.0;
    }
    if (k_any(inv)) {
        double P0[CH], zero[CH];
        for (j = 0; j < CH; j++) {
            P0[j] = k_exp(-m[j]);
            zero[j] = 0.0;
        }
        k_search(u, P0, m, zero, inv, method, res);
    }
    if (k_any(pt))
        k_ptrs(i, u, v, m, pt, side, res);
}

static void k_poisson_n(int n, const uint32_t *w0, const uint32_t *w1, const double *mu,
                        double cap, double ptrs_from, int method, fs_lanes_side *side,
                        double *k)
{
    int i, j;
    for (i = 0; i < n; i += CH) {
        double u[CH], v[CH];
        for (j = 0; j < CH; j++) {
            u[j] = k_uniform(w0[i + j]);
            v[j] = k_uniform(w1[i + j]);
        }
        k_poisson_chunk(i, u, v, mu + i, cap, ptrs_from, method, side, k + i);
    }
}

/* ---- Negative binomial. ---- */

/* Gamma(a, 1) for lanes on[j] of i .. i+CH-1 by Marsaglia and Tsang (ACM
 * TOMS 26, 2000), as GSL draws it: a < 1 from Gamma(a + 1) times
 * u^(1/a). The first try from x (normal) and u, retries from side blocks;
 * boost is the uniform for a < 1. */
static void k_gamma_chunk(int i, double *x, double *u, const double *boost, const double *shape,
                          const int64_t *on, fs_lanes_side *side, double *g)
{
    double d[CH], c[CH], a[CH];
    int64_t act[CH];
    uint32_t w0[CH], w1[CH];
    int j;

    for (j = 0; j < CH; j++) {
        a[j] = on[j] ? shape[j] : 1.0;
        d[j] = (a[j] < 1.0 ? a[j] + 1.0 : a[j]) - 1.0 / 3.0;
        c[j] = (1.0 / 3.0) / __builtin_sqrt(d[j]);
        act[j] = on[j];
        g[j] = 0.0;
    }
    for (;;) {
        for (j = 0; j < CH; j++) {
            double v = 1.0 + c[j] * x[j], v3 = v * v * v, xx = x[j] * x[j];
            double lu = k_log(u[j]), lv = k_log(v > 0.0 ? v3 : 1.0);
            int64_t ok = (v > 0.0) & ((u[j] < 1.0 - 0.0331 * xx * xx) |
                                      (lu < 0.5 * xx + d[j] * (1.0 - v3 + lv)));
            ok = act[j] & -ok;
            g[j] = ok ? d[j] * v3 : g[j];
            act[j] = act[j] & ~ok;
        }
        if (!k_any(act))
            break;
        k_side(side, i, act, w0, w1);
        for (j = 0; j < CH; j++) {
            x[j] = k_normal(k_uniform(w0[j]));
            u[j] = k_uniform(w1[j]);
        }
    }
    for (j = 0; j < CH; j++)
        g[j] = a[j] < 1.0 ? g[j] * k_exp(k_log(boost[j]) / a[j]) : g[j];
}

/* The negative binomial for lanes i .. i+CH-1 from words w[0..4]; 0 where
 * p is not in (0, 1] or size not above 0. A lane whose mean plus 4
 * standard deviations stays below NB_SEARCH (and below the cap) searches
 * its probabilities with w[0], lane by lane (cheaper by measurement than
 * in step or the mixture: docs/LANES.md); the others draw Poisson(Gamma(size) (1 - p) / p), the Poisson's mean
 * capped at cap, as the model does with GSL, the Poisson by method.
 * search (FS_LANES_NB_*) can force one way for every lane (the
 * benchmark's alternatives). */
#define NB_SEARCH 250.0
static void k_negbin_chunk(int i, const uint32_t *const *w, const double *p, const double *size,
                           const double *p0, double cap, int search, int method,
                           fs_lanes_side *side, double *x)
{
    double u[CH], P0[CH], A[CH], B[CH], z[CH], v[CH], bst[CH], g[CH], mu[CH], pu[CH], pv[CH];
    int64_t valid[CH], inv[CH], mix[CH];
    int j;

    for (j = 0; j < CH; j++) {
        double pp = p[i + j], s = size[i + j], q = 1.0 - pp, m = s * q / pp;
        int64_t near = -(int64_t)(m + 4.0 * __builtin_sqrt(m + m * m / s) < NB_SEARCH);
        valid[j] = -(int64_t)((pp > 0.0) & (pp <= 1.0) & (s > 0.0));
        inv[j] = valid[j] & (search == FS_LANES_NB_STEP || search == FS_LANES_NB_LANE ? -1 :
                             search == FS_LANES_NB_AUTO && NB_SEARCH <= cap ? near : 0);
        mix[j] = valid[j] & ~inv[j];
        u[j] = k_uniform(w[0][i + j]);
        P0[j] = p0 ? p0[i + j] : k_exp(s * k_log(pp));
        A[j] = q * s;
        B[j] = q;
        x[i + j] = 0.0;
    }
    if (k_any(inv))
        k_search(u, P0, A, B, inv, search == FS_LANES_NB_STEP ? FS_LANES_POISSON_LOCKSTEP
                                                              : FS_LANES_POISSON_PERLANE, x + i);
    if (!k_any(mix))
        return;
    for (j = 0; j < CH; j++) {
        z[j] = k_normal(u[j]);
        v[j] = k_uniform(w[1][i + j]);
        bst[j] = k_uniform(w[2][i + j]);
        pu[j] = k_uniform(w[3][i + j]);
        pv[j] = k_uniform(w[4][i + j]);
    }
    k_gamma_chunk(i, z, v, bst, size + i, mix, side, g);
    for (j = 0; j < CH; j++)
        mu[j] = mix[j] ? g[j] * (1.0 - p[i + j]) / p[i + j] : 0.0;
    {
        double y[CH];
        k_poisson_chunk(i, pu, pv, mu, cap, FS_LANES_PTRS_FROM, method, side, y);
        for (j = 0; j < CH; j++)
            x[i + j] = mix[j] ? y[j] : x[i + j];
    }
}

static void k_negbin_n(int n, const uint32_t *const *w, const double *p, const double *size,
                       const double *p0, double cap, int search, int method,
                       fs_lanes_side *side, double *x)
{
    int i;
    for (i = 0; i < n; i += CH)
        k_negbin_chunk(i, w, p, size, p0, cap, search, method, side, x);
}

const fs_lanes_kernels FS_LANES_TABLE = {
    FS_LANES_NAME,
    k_philox,
    k_uniform_n,
    k_normal_n,
    k_lognormal_n,
    k_exp_n,
    k_log_n,
    k_poisson_n,
    k_negbin_n
};
