/* sketch.h: a mergeable quantile sketch with integer counts.
 * Values are kept in buckets of bounded relative width, as in DDSketch
 * (Masson et al., VLDB 2019): each power of two is split into
 * 2^FS_SKETCH_SUB_BITS = 128 equal buckets, so a bucket's upper bound is at
 * most (1 + 1/128) times its lower, and every quantile it reports is within
 * alpha = FS_SKETCH_ALPHA = 1/257 (0.39%, relative) of the exact lower
 * quantile of the values added: the value of rank floor(q*(n-1)) in sorted
 * order. Values with |x| < FS_SKETCH_MIN are counted as zero and reported
 * as 0. Counts are integers, so adding and merging give the same sketch in
 * any order: this is what makes results independent of thread count.
 * Memory grows with the spread of the values (log range), never with how
 * many are added: a bucket's count takes 2 bytes, and 4 more once it
 * passes FS_SKETCH_LOW_MAX (at most 2^48 - 1 values in one bucket, far
 * above FS_MAX_RUNS). A sketch is owned by its creator; fs_sketch_free
 * accepts NULL. */
#ifndef FS_SKETCH_H
#define FS_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/* Buckets to a power of two are 2^FS_SKETCH_SUB_BITS; alpha follows from
 * it: (1 + alpha) / (1 - alpha) = 1 + 2^-SUB_BITS. */
#define FS_SKETCH_SUB_BITS 7
#define FS_SKETCH_ALPHA (1.0 / ((2 << FS_SKETCH_SUB_BITS) + 1))
#define FS_SKETCH_MIN   1e-9

/* The largest count a bucket holds in its 2 bytes: the store takes 4
 * bytes more a bucket from the first count above it. */
#define FS_SKETCH_LOW_MAX 65535u

typedef struct fs_sketch fs_sketch;

/* An empty sketch, or NULL when out of memory. */
fs_sketch *fs_sketch_alloc(void);
void fs_sketch_free(fs_sketch *s);

/* Empties s, keeping its memory. */
void fs_sketch_reset(fs_sketch *s);

/* Adds one finite value. Returns 0, or -1 when growing the buckets failed
 * (the value is then not counted). NaN and infinities are ignored and
 * return -1. */
int fs_sketch_add(fs_sketch *s, double x);

/* Counts x[0], x[stride], ..., x[(n - 1) stride] as fs_sketch_add does,
 * skipping NaN, and infinities too (setting *saw_inf); 0, or -1 when a
 * value could not be counted for want of memory (the others are). */
int fs_sketch_add_strided(fs_sketch *s, const double *x, size_t stride, int n, int *saw_inf);

/* Counting in two halves, for a caller that counts the values of many
 * sketches and wants each sketch's buckets touched once for many of
 * them (stats.c's columns). fs_sketch_stage counts x[0 .. n-1]'s number,
 * zeros, min and max in s at once, as fs_sketch_add_strided would (NaN
 * skipped, an infinity skipped and noted in *saw_inf), and writes to keys
 * the buckets its nonzero values go to, in order, returning how many it
 * wrote (at most n). fs_sketch_add_keys adds such keys to s's buckets:
 * 0, or -1 when a store could not grow (those values are then missing
 * from the buckets, and the sketch is fit only to be freed). Until its
 * keys are added, s's quantiles, buckets and merges are wrong; its
 * count, min and max are right. Staged and added, the values give the
 * sketch fs_sketch_add_strided gives. */
int fs_sketch_stage(fs_sketch *s, const double *x, int n, uint32_t *keys, int *saw_inf);
int fs_sketch_add_keys(fs_sketch *s, const uint32_t *keys, int n);
/* What fs_sketch_stage counts, from a caller that has it at hand: n
 * values, zero of them zeros (the others' keys to be added), the least
 * min and the greatest max (-0 made +0, no NaN or infinity among them). */
void fs_sketch_note(fs_sketch *s, uint64_t n, uint64_t zero, double min, double max);
/* fs_sketch_prefetch for a key of fs_sketch_stage's. */
void fs_sketch_prefetch_key(const fs_sketch *s, uint32_t key);

/* A hint, changing nothing: fetches into cache the count that adding x
 * would increment, when s already has a bucket for it. Sketches of many
 * cells outgrow the caches; hinted a little ahead, their counts arrive
 * while other cells are counted. */
void fs_sketch_prefetch(const fs_sketch *s, double x);

/* Adds every count of src into dst. Returns 0 or -1 (out of memory; dst is
 * then unchanged). */
int fs_sketch_merge(fs_sketch *dst, const fs_sketch *src);

uint64_t fs_sketch_count(const fs_sketch *s);

/* Bytes s takes from malloc (glibc's: each block with an 8-byte header,
 * rounded up to 16 bytes, at least 32): the sketch and its bucket stores,
 * their slack included. merged != 0: what a copy of s merged into an empty
 * sketch would take (its stores cut to the buckets in use). */
double fs_sketch_bytes(const fs_sketch *s, int merged);
/* Exact smallest and largest values added (NaN when empty). */
double fs_sketch_min(const fs_sketch *s);
double fs_sketch_max(const fs_sketch *s);

/* The lower q-quantile, q in [0,1], within relative error alpha, clamped to
 * [min, max]; NaN when the sketch is empty. */
double fs_sketch_quantile(const fs_sketch *s, double q);

/* Buckets in ascending order of value, for histograms: calls fn once per
 * non-empty bucket with its value range and its count: [lo, hi) for
 * positive values, (lo, hi] for negative ones, lo == hi == 0 for the zero
 * bucket; the top bucket's bound is capped at DBL_MAX. */
void fs_sketch_foreach(const fs_sketch *s,
                       void (*fn)(double lo, double hi, uint64_t count, void *arg),
                       void *arg);

#endif
