/* sketch.c: a quantile sketch with relative-error buckets, as DDSketch
 * (Masson et al., VLDB 2019), but with its buckets cut by the bits of the
 * value instead of by a logarithm, as in HdrHistogram: |x| goes to bucket
 * i = (the IEEE 754 bits of |x|) >> SHIFT, its binary exponent followed by
 * the top FS_SKETCH_SUB_BITS bits of its significand. Each power of two is
 * split into 2^FS_SKETCH_SUB_BITS equal parts, so bucket i holds
 * [lo_i, lo_(i+1)) with lo_(i+1) / lo_i at most 1 + 2^-FS_SKETCH_SUB_BITS =
 * (1 + alpha) / (1 - alpha) for alpha = FS_SKETCH_ALPHA. The index is one shift: no log(), and
 * the same on every machine with IEEE doubles. Positive and negative
 * values have a dense store each, and |x| < FS_SKETCH_MIN goes to a zero
 * count. */
#include "sketch.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SHIFT (52 - FS_SKETCH_SUB_BITS)

/* Every index lies in [IDX_MIN, IDX_MAX]: those of FS_SKETCH_MIN and of
 * DBL_MAX (0x7fefffffffffffff >> 45), for FS_SKETCH_SUB_BITS = 7. Slack is
 * never added beyond them. */
_Static_assert(FS_SKETCH_SUB_BITS == 7, "IDX_MIN and IDX_MAX are for 7 bits");
#define IDX_MIN 127113
#define IDX_MAX 262015

/* A store grows to at least this many buckets on its first value: a
 * factor of 2^(64 / 128) = 1.41 in range, enough for many variables. */
#define INIT_BUCKETS 64
#define MIN_SLACK    16

/* The count of bucket off + k, for k in [0, cap), is
 * lo[k] + 2^16 hi[k]: its low 16 bits apart from the rest, so that adding
 * a value touches two bytes. The sketches of the thousands of cells of a
 * run then take half the memory 32-bit counts would, and more of them
 * stay in the caches while they are counted; hi, allocated when a count
 * first passes FS_SKETCH_LOW_MAX, is touched once in 2^16 adds. A bucket
 * holds at most 2^48 - 1 values. */
typedef struct store {
    uint16_t *lo;
    uint32_t *hi;   /* NULL while every count is at most FS_SKETCH_LOW_MAX */
    int32_t off;
    int32_t cap;
} store;

#define LO_BITS 16
_Static_assert(FS_SKETCH_LOW_MAX == (1u << LO_BITS) - 1, "the low counts' width");

static uint64_t store_count(const store *st, int k)
{
    return st->lo[k] + (st->hi ? (uint64_t)st->hi[k] << LO_BITS : 0);
}

/* Gives st its high words if it has none: 0, or -1 (st unchanged). */
static int store_hi(store *st)
{
    if (st->hi == NULL && (st->hi = calloc((size_t)st->cap, sizeof *st->hi)) == NULL)
        return -1;
    return 0;
}

/* Bucket off + k's low count has just wrapped to 0: carries into its
 * high word. 0, or -1 with the add undone when the high words cannot be
 * had. */
static int store_carry(store *st, uint32_t k)
{
    if (store_hi(st) != 0) {
        st->lo[k] = FS_SKETCH_LOW_MAX;
        return -1;
    }
    st->hi[k]++;
    return 0;
}

struct fs_sketch {
    store pos;      /* x >= FS_SKETCH_MIN, by index of x */
    store neg;      /* x <= -FS_SKETCH_MIN, by index of -x */
    uint64_t zero;  /* |x| < FS_SKETCH_MIN */
    uint64_t n;
    double min, max;  /* +inf and -inf while empty */
};

/* The bucket of a finite a >= FS_SKETCH_MIN: its bits, shifted. Doubles
 * of the same sign order as their bits do, so indices ascend with a. */
static int bucket_index(double a)
{
    uint64_t u;

    memcpy(&u, &a, sizeof u);
    return (int)(u >> SHIFT);
}

/* The lower bound of bucket i: the double whose bits are i << SHIFT. */
static double bucket_lo(int i)
{
    uint64_t u = (uint64_t)i << SHIFT;
    double v;

    memcpy(&v, &u, sizeof v);
    return v;
}

/* The upper bound of bucket i (not in it), capped at DBL_MAX: the top
 * bucket's would be infinity. */
static double bucket_hi(int i)
{
    return i >= IDX_MAX ? DBL_MAX : bucket_lo(i + 1);
}

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

/* Makes st cover bucket indices [lo, hi]. With slack, adds the current
 * size (at least MIN_SLACK) on each side that grows, so that a run of
 * growing values costs amortised O(1) and a sketch filling its range
 * grows a few times, not many (each growth is an allocation and a copy);
 * without, grows to [lo, hi] and no further (a merge: the threads'
 * sketches are merged once each, at the end, and slack there would only
 * hold memory). Returns 0 or -1 (st unchanged). */
static int store_reserve(store *st, int lo, int hi, int with_slack)
{
    int cur_hi = st->off + st->cap - 1;
    int nlo, nhi, slack, ncap;
    uint32_t *h = NULL;
    uint16_t *l;

    if (st->cap > 0 && lo >= st->off && hi <= cur_hi)
        return 0;
    if (st->cap == 0) {
        slack = max_int(0, (INIT_BUCKETS - (hi - lo + 1)) / 2);
        nlo = lo - slack;
        nhi = hi + slack;
    } else {
        slack = with_slack ? max_int(MIN_SLACK, st->cap) : 0;
        nlo = lo < st->off ? lo - slack : st->off;
        nhi = hi > cur_hi ? hi + slack : cur_hi;
    }
    nlo = max_int(nlo, min_int(lo, IDX_MIN));
    nhi = min_int(nhi, max_int(hi, IDX_MAX));
    ncap = nhi - nlo + 1;
    l = calloc((size_t)ncap, sizeof *l);
    if (l == NULL || (st->hi && (h = calloc((size_t)ncap, sizeof *h)) == NULL)) {
        free(l);
        return -1;
    }
    if (st->cap > 0)
        memcpy(l + (st->off - nlo), st->lo, (size_t)st->cap * sizeof *l);
    if (h)
        memcpy(h + (st->off - nlo), st->hi, (size_t)st->cap * sizeof *h);
    free(st->lo);
    free(st->hi);
    st->hi = h;
    st->lo = l;
    st->off = nlo;
    st->cap = ncap;
    return 0;
}

/* The lowest and highest non-empty indices of st; returns 0 when empty. */
static int store_extent(const store *st, int *lo, int *hi)
{
    int a = 0, b = st->cap - 1;

    while (a <= b && store_count(st, a) == 0)
        a++;
    if (a > b)
        return 0;
    while (store_count(st, b) == 0)
        b--;
    *lo = st->off + a;
    *hi = st->off + b;
    return 1;
}

/* 1 when adding src's counts into dst (which covers src's extent) takes
 * a count past FS_SKETCH_LOW_MAX where dst has no high words. */
static int needs_hi(const store *dst, const store *src)
{
    int k;
    if (dst->hi)
        return 0;
    for (k = 0; k < src->cap; k++) {
        uint64_t c = store_count(src, k);
        if (c != 0 && c + dst->lo[src->off + k - dst->off] > FS_SKETCH_LOW_MAX)
            return 1;
    }
    return 0;
}

static void store_add_counts(store *dst, const store *src)
{
    int k;

    for (k = 0; k < src->cap; k++) {
        uint64_t c = store_count(src, k);
        if (c != 0) {
            int j = src->off + k - dst->off;
            c += store_count(dst, j);
            dst->lo[j] = (uint16_t)(c & FS_SKETCH_LOW_MAX);
            if (dst->hi)   /* else c <= FS_SKETCH_LOW_MAX: fs_sketch_merge saw to it */
                dst->hi[j] = (uint32_t)(c >> LO_BITS);
        }
    }
}

/* Adds one value to bucket i of st, growing st when i is outside it. */
static int store_add_index(store *st, int i)
{
    uint32_t k = (uint32_t)(i - st->off);

    if (k >= (uint32_t)st->cap) {
        if (store_reserve(st, i, i, 1) != 0)
            return -1;
        k = (uint32_t)(i - st->off);
    }
    if (++st->lo[k] == 0)
        return store_carry(st, k);
    return 0;
}

/* Adds one value of magnitude a >= FS_SKETCH_MIN to st. */
static int store_add(store *st, double a)
{
    return store_add_index(st, bucket_index(a));
}

/* An empty sketch with no buckets yet, or NULL; free with fs_sketch_free. */
fs_sketch *fs_sketch_alloc(void)
{
    fs_sketch *s = calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->min = INFINITY;
    s->max = -INFINITY;
    return s;
}

/* Releases s and its stores; accepts NULL. */
void fs_sketch_free(fs_sketch *s)
{
    if (s == NULL)
        return;
    free(s->pos.lo);
    free(s->pos.hi);
    free(s->neg.lo);
    free(s->neg.hi);
    free(s);
}

/* Zeroes every count, keeping the stores' memory and ranges. */
void fs_sketch_reset(fs_sketch *s)
{
    if (s->pos.cap > 0)
        memset(s->pos.lo, 0, (size_t)s->pos.cap * sizeof *s->pos.lo);
    if (s->pos.hi)
        memset(s->pos.hi, 0, (size_t)s->pos.cap * sizeof *s->pos.hi);
    if (s->neg.cap > 0)
        memset(s->neg.lo, 0, (size_t)s->neg.cap * sizeof *s->neg.lo);
    if (s->neg.hi)
        memset(s->neg.hi, 0, (size_t)s->neg.cap * sizeof *s->neg.hi);
    s->zero = 0;
    s->n = 0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

/* Counts x: 0, or -1 for NaN and infinities or when a store could not
 * grow (x is then not counted). The common case is a shift, a range
 * compare and an increment. */
int fs_sketch_add(fs_sketch *s, double x)
{
    if (!(fabs(x) <= DBL_MAX))
        return -1;
    x += 0.0;  /* -0.0 becomes +0.0, so min and max do not depend on order */
    if (x >= FS_SKETCH_MIN) {
        if (store_add(&s->pos, x) != 0)
            return -1;
    } else if (x <= -FS_SKETCH_MIN) {
        if (store_add(&s->neg, -x) != 0)
            return -1;
    } else {
        s->zero++;
    }
    s->n++;
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
    return 0;
}

void fs_sketch_prefetch(const fs_sketch *s, double x)
{
    if (x >= FS_SKETCH_MIN && x <= DBL_MAX) {
        uint32_t k = (uint32_t)(bucket_index(x) - s->pos.off);
        if (k < (uint32_t)s->pos.cap)
            __builtin_prefetch(s->pos.lo + k, 1);
    }
}

/* A key's sign bit: the bucket is the negative store's. */
#define KEY_NEG 0x80000000u

int fs_sketch_stage(fs_sketch *s, const double *x, int n, uint32_t *keys, int *saw_inf)
{
    double mn = s->min, mx = s->max;
    uint64_t cnt = s->n, zero = s->zero;
    int r, m = 0;
    for (r = 0; r < n; r++) {
        double v = x[r];
        uint32_t pos, neg;
        if (!(fabs(v) <= DBL_MAX)) {   /* NaN is skipped, an infinity noted */
            if (isinf(v))
                *saw_inf = 1;
            continue;
        }
        v += 0.0;
        cnt++;
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
        /* Without a branch on the sign: the bucket of |v|, the sign bit
         * for a negative v, and nothing kept for a zero. */
        pos = v >= FS_SKETCH_MIN;
        neg = v <= -FS_SKETCH_MIN;
        zero += !(pos | neg);
        keys[m] = ((uint32_t)bucket_index(fabs(v)) & -(pos | neg)) | (neg << 31);
        m += (int)(pos | neg);
    }
    s->min = mn, s->max = mx, s->n = cnt, s->zero = zero;
    return m;
}

void fs_sketch_note(fs_sketch *s, uint64_t n, uint64_t zero, double min, double max)
{
    s->n += n;
    s->zero += zero;
    if (min < s->min)
        s->min = min;
    if (max > s->max)
        s->max = max;
}

void fs_sketch_prefetch_key(const fs_sketch *s, uint32_t key)
{
    uint32_t k = key - (uint32_t)s->pos.off;
    if (k < (uint32_t)s->pos.cap)
        __builtin_prefetch(s->pos.lo + k, 1);
}

int fs_sketch_add_keys(fs_sketch *s, const uint32_t *keys, int n)
{
    uint16_t *pc = s->pos.lo;
    int32_t off = s->pos.off, cap = s->pos.cap;
    int r, bad = 0;
    for (r = 0; r < n; r++) {
        uint32_t key = keys[r], k = key - (uint32_t)off;
        if (k < (uint32_t)cap) {
            if (++pc[k] == 0 && store_carry(&s->pos, k) != 0)
                bad = -1;
            continue;
        }
        /* A negative value's bucket, or a positive one outside the store:
         * the store may grow, so its range is read again. */
        if (store_add_index(key & KEY_NEG ? &s->neg : &s->pos, (int)(key & ~KEY_NEG)) != 0)
            bad = -1;
        pc = s->pos.lo, off = s->pos.off, cap = s->pos.cap;
    }
    return bad;
}

int fs_sketch_add_strided(fs_sketch *s, const double *x, size_t stride, int n, int *saw_inf)
{
    /* The sketch's scalars in locals, so that the loop keeps them in
     * registers rather than reloading them after every count. */
    double mn = s->min, mx = s->max;
    uint64_t cnt = s->n, zero = s->zero;
    uint16_t *pc = s->pos.lo;
    int32_t off = s->pos.off, cap = s->pos.cap;
    int r, bad = 0;
    for (r = 0; r < n; r++) {
        double v = x[(size_t)r * stride];
        if (!(fabs(v) <= DBL_MAX)) {   /* NaN is skipped, an infinity noted */
            if (isinf(v))
                *saw_inf = 1;
            continue;
        }
        v += 0.0;
        if (v >= FS_SKETCH_MIN) {
            /* The common case inline: the bucket is in the store's range. */
            uint32_t k = (uint32_t)(bucket_index(v) - off);
            if (k < (uint32_t)cap) {
                if (++pc[k] == 0 && store_carry(&s->pos, k) != 0) {
                    bad = -1;
                    continue;
                }
            } else if (store_add(&s->pos, v) != 0) {
                bad = -1;
                continue;
            } else
                pc = s->pos.lo, off = s->pos.off, cap = s->pos.cap;
        } else if (v <= -FS_SKETCH_MIN) {
            if (store_add(&s->neg, -v) != 0) {
                bad = -1;
                continue;
            }
        } else
            zero++;
        cnt++;
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
    }
    s->min = mn, s->max = mx, s->n = cnt, s->zero = zero;
    return bad;
}

/* Adds src's counts into dst: 0, or -1 when out of memory with dst's
 * contents unchanged. Integer adds, so any merge order gives the same dst. */
int fs_sketch_merge(fs_sketch *dst, const fs_sketch *src)
{
    int plo, phi, nlo, nhi;
    int has_pos = store_extent(&src->pos, &plo, &phi);
    int has_neg = store_extent(&src->neg, &nlo, &nhi);

    /* Grow both stores before changing any count, so that a failure leaves
     * dst's contents as they were. */
    if (has_pos && store_reserve(&dst->pos, plo, phi, 0) != 0)
        return -1;
    if (has_neg && store_reserve(&dst->neg, nlo, nhi, 0) != 0)
        return -1;
    if ((has_pos && needs_hi(&dst->pos, &src->pos) && store_hi(&dst->pos) != 0) ||
        (has_neg && needs_hi(&dst->neg, &src->neg) && store_hi(&dst->neg) != 0))
        return -1;
    if (has_pos)
        store_add_counts(&dst->pos, &src->pos);
    if (has_neg)
        store_add_counts(&dst->neg, &src->neg);
    dst->zero += src->zero;
    dst->n += src->n;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    return 0;
}

/* What malloc takes for a block of n bytes (glibc: an 8-byte header,
 * rounded up to 16, at least 32). */
static double malloc_bytes(double n)
{
    double b = ceil((n + 8) / 16) * 16;
    return b < 32 ? 32 : b;
}

/* A store's buckets, or those a merge into an empty store would give it:
 * its extent, at least INIT_BUCKETS (store_reserve). */
static double store_bytes(const store *st, int merged)
{
    int lo, hi, cap = st->cap;
    if (merged)
        cap = store_extent(st, &lo, &hi) ? max_int(hi - lo + 1, INIT_BUCKETS) : 0;
    if (cap == 0)
        return 0;
    return malloc_bytes((double)cap * sizeof *st->lo) +
           (st->hi ? malloc_bytes((double)cap * sizeof *st->hi) : 0);
}

double fs_sketch_bytes(const fs_sketch *s, int merged)
{
    return malloc_bytes(sizeof *s) + store_bytes(&s->pos, merged) + store_bytes(&s->neg, merged);
}

/* The number of values counted. */
uint64_t fs_sketch_count(const fs_sketch *s)
{
    return s->n;
}

/* The exact smallest value, NaN when empty. */
double fs_sketch_min(const fs_sketch *s)
{
    return s->n > 0 ? s->min : NAN;
}

/* The exact largest value, NaN when empty. */
double fs_sketch_max(const fs_sketch *s)
{
    return s->n > 0 ? s->max : NAN;
}

static double clamp(const fs_sketch *s, double v)
{
    return v < s->min ? s->min : v > s->max ? s->max : v;
}

/* The value for rank `at` of the `count` values of bucket i, ranks
 * counted from the smallest magnitude (up = 1) or the largest (up = 0),
 * within [lo, hi], the bucket's part of [min, max] in magnitude. Every v in
 * [hi (1 - alpha), lo (1 + alpha)] is within alpha of every magnitude in
 * [lo, hi]. For the widest buckets (significand bits 0) that window is a
 * single value, the representative 2 lo hi / (lo + hi); for narrower ones,
 * and when min and max cut the bucket short (a metric that varies little,
 * all of its runs in a bucket or two), it leaves room to place the rank by
 * linear interpolation between lo and hi, so that the quantiles of a
 * narrow metric spread between its min and max instead of all reporting
 * one value. */
static double in_bucket(int i, double lo, double hi, uint64_t at, uint64_t count, int up)
{
    double f = ((double)at + 0.5) / (double)count, v, a, b;
    if (lo < bucket_lo(i))
        lo = bucket_lo(i);
    if (hi > bucket_hi(i))
        hi = bucket_hi(i);
    v = up ? lo + f * (hi - lo) : hi - f * (hi - lo);
    a = hi * (1.0 - FS_SKETCH_ALPHA);
    b = lo * (1.0 + FS_SKETCH_ALPHA);
    if (b <= a)
        return a;   /* the widest bucket: a and b differ by rounding only */
    return v < a ? a : v > b ? b : v;
}

/* The value of rank floor(q (n-1)): within alpha of it (relative), inside
 * [min, max], and exactly min or max for the first and last ranks. NaN
 * when empty or q is NaN; q outside [0, 1] is clamped. */
double fs_sketch_quantile(const fs_sketch *s, double q)
{
    uint64_t rank, seen = 0;
    int k;

    if (s->n == 0 || isnan(q))
        return NAN;
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    rank = (uint64_t)floor(q * (double)(s->n - 1));
    /* The extremes are known exactly. */
    if (rank == 0)
        return s->min;
    if (rank >= s->n - 1)
        return s->max;
    /* Ascending value order: negatives by descending magnitude, zero,
     * positives by ascending magnitude. */
    for (k = s->neg.cap - 1; k >= 0; k--) {
        uint64_t c = store_count(&s->neg, k);
        if (seen + c > rank)
            return clamp(s, -in_bucket(s->neg.off + k, s->max < 0 ? -s->max : 0.0, -s->min,
                                       rank - seen, c, 0));
        seen += c;
    }
    seen += s->zero;
    if (seen > rank)
        return clamp(s, 0.0);
    for (k = 0; k < s->pos.cap; k++) {
        uint64_t c = store_count(&s->pos, k);
        if (seen + c > rank)
            return clamp(s, in_bucket(s->pos.off + k, s->min > 0 ? s->min : 0.0, s->max,
                                      rank - seen, c, 1));
        seen += c;
    }
    return s->max;  /* not reached: the counts sum to n */
}

/* Calls fn for each non-empty bucket in ascending order of value. */
void fs_sketch_foreach(const fs_sketch *s,
                       void (*fn)(double lo, double hi, uint64_t count, void *arg),
                       void *arg)
{
    int k, i;

    for (k = s->neg.cap - 1; k >= 0; k--) {
        uint64_t c = store_count(&s->neg, k);
        if (c == 0)
            continue;
        i = s->neg.off + k;
        fn(-bucket_hi(i), -bucket_lo(i), c, arg);
    }
    if (s->zero > 0)
        fn(0.0, 0.0, s->zero, arg);
    for (k = 0; k < s->pos.cap; k++) {
        uint64_t c = store_count(&s->pos, k);
        if (c == 0)
            continue;
        i = s->pos.off + k;
        fn(bucket_lo(i), bucket_hi(i), c, arg);
    }
}
