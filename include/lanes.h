/* lanes.h: random draws for many runs side by side, a vector of lanes at a
 * time. An fs_lanes holds n lanes; lane i draws from its own stream (seed,
 * run) of rng.h's Philox4x32-10, and its words are, bit for bit, the words
 * fs_rng_philox gives that stream (after fs_rng_seed and, when one is
 * chosen, fs_rng_substream). Each draw fills an array of n values, one per
 * lane, and the same bits come out whichever instruction set computes
 * them: scalar, SSE2, AVX2 or AVX-512, chosen at run time by the processor
 * (FS_ISA narrows the choice; see fs_lanes_isa_best).
 *
 * A draw takes a fixed number of words from every lane's stream, whatever
 * the values: 1 for uniform, normal and log-normal, 2 for Poisson, 5 for
 * the negative binomial. Draws that reject and try again (PTRS for large
 * Poisson means, the gamma of the negative binomial) take their further
 * tries from the lane's side blocks: blocks 2^19 and on of the current
 * substream, used by that lane alone. So where a lane stands in its stream
 * depends only on the kinds of draws made since the substream began,
 * never on other lanes or on how many tries a draw needed; a substream has
 * room for 2^19 blocks (2^21 words) of draws and as many side blocks.
 *
 * Ownership: an fs_lanes is the caller's, released with fs_lanes_free
 * (NULL is fine); draws write into the caller's arrays of n elements and
 * keep no pointer to them. An fs_lanes is not shared between threads. */
#ifndef FS_LANES_H
#define FS_LANES_H

#include <stdint.h>

/* Lane counts are multiples of this: 8 doubles fill an AVX-512 register. */
#define FS_LANES_MULTIPLE 8

/* The instruction sets, narrowest first. */
typedef enum fs_isa {
    FS_ISA_SCALAR,   /* one lane at a time: the reference */
    FS_ISA_SSE2,     /* every x86-64 processor */
    FS_ISA_AVX2,
    FS_ISA_AVX512,   /* AVX-512 F, DQ and VL */
    FS_ISA_N
} fs_isa;

/* The set's name ("scalar", "sse2", "avx2", "avx512"), or NULL. */
const char *fs_lanes_isa_name(fs_isa isa);

/* Sets *isa from its name; 0 on success, -1 for an unknown name. */
int fs_lanes_isa_parse(const char *name, fs_isa *isa);

/* 1 when this processor (and build) can run isa, else 0. */
int fs_lanes_isa_available(fs_isa isa);

/* The widest set this processor runs, or, when the environment variable
 * FS_ISA names a set (scalar, sse2, avx2 or avx512), the widest up to that
 * one: FS_ISA=scalar forces the reference path. Other values of FS_ISA
 * are ignored. */
fs_isa fs_lanes_isa_best(void);

typedef struct fs_lanes fs_lanes;

/* n lanes (a positive multiple of FS_LANES_MULTIPLE) computed with
 * fs_lanes_isa_best(); lane i at stream (0, i). NULL when out of memory
 * or n is not such a multiple. */
fs_lanes *fs_lanes_alloc(int n);

/* The same with the instruction set isa; NULL also when the processor
 * cannot run it. */
fs_lanes *fs_lanes_alloc_isa(int n, fs_isa isa);

void fs_lanes_free(fs_lanes *L);

int fs_lanes_count(const fs_lanes *L);
fs_isa fs_lanes_isa(const fs_lanes *L);

/* Positions lane i at the start of stream (seed, run0 + i), every lane. */
void fs_lanes_seed(fs_lanes *L, uint64_t seed, uint64_t run0);

/* Gives one lane the stream (seed, run); 0 <= lane < n. Lanes of one
 * fs_lanes may hold streams of different seeds. The lanes share one
 * position, so every lane goes back to the start of its stream. */
void fs_lanes_seed_lane(fs_lanes *L, int lane, uint64_t seed, uint64_t run);

/* Moves every lane, within its stream, to substream (major, minor), as
 * fs_rng_substream does, and starts its side blocks afresh. */
void fs_lanes_substream(fs_lanes *L, uint32_t major, uint32_t minor);

/* The next 32-bit word of every lane's stream. */
void fs_lanes_words(fs_lanes *L, uint32_t *w);

/* Uniform in (0, 1): (w + 1/2) / 2^32 from one word w, in [2^-33, 1 - 2^-33]. */
void fs_lanes_uniform(fs_lanes *L, double *u);

/* Standard normal by inversion of one uniform (AS241): |z| <= 6.24. */
void fs_lanes_normal(fs_lanes *L, double *z);

/* The model's log-normal factor of mean 1, exp(sigma Z - sigma^2 / 2),
 * with sigma[i] for lane i. */
void fs_lanes_lognormal(fs_lanes *L, const double *sigma, double *x);

/* nrows log-normal draws in a row for every lane, the same values as
 * nrows calls of fs_lanes_lognormal with sigma (n values, one a lane):
 * row r of x (x + r n) holds the r-th. Faster, as the rows are computed
 * together. */
void fs_lanes_lognormal_rows(fs_lanes *L, int nrows, const double *sigma, double *x);

/* Poisson with mean min(mu[i], cap) in lane i; 0 where mu[i] is not above
 * 0 (NaN too), as the model's capped draws. Means below 10 by inversion
 * (sequential search), from 10 on by PTRS (Hormann 1993). */
void fs_lanes_poisson(fs_lanes *L, const double *mu, double cap, double *k);

/* The model's casualties: negative binomial with probability p[i] in
 * (0, 1] and size size[i] > 0 (mean size (1 - p) / p, variance mean +
 * mean^2 / size); 0 where p or size is out of range. A lane whose mean
 * plus 4 standard deviations is below 250 searches the probabilities on
 * its own (inversion of one uniform); the others draw Poisson(Gamma(size) (1 - p)
 * / p) as the model does with GSL, that Poisson's mean capped at cap. */
void fs_lanes_negbin(fs_lanes *L, const double *p, const double *size, double cap, double *x);

/* The negative binomial by inversion alone: one word a lane, never a
 * retry, every lane with p in (0, 1] and size > 0 searching its own
 * probabilities (0 elsewhere). For moderate means (the search's length
 * grows with the mean and the tail); a caller that skips a draw no lane
 * needs can skip the one word with fs_lanes_words and leave every lane
 * where the draw would have. p0, when not NULL, holds each lane's
 * probability of 0, p^size, as fs_lanes_exp(size fs_lanes_log(p)) gives
 * it (the same bits as computing it here, once for many draws). The
 * count is looked up in a table of the search's own sums, kept for the
 * last few parameter sets (lanes.c): the search's count, found faster. */
void fs_lanes_negbin_inversion(fs_lanes *L, const double *p, const double *size,
                               const double *p0, double *x);

/* exp and log of n doubles (any n >= 0) with isa's code (the scalar code
 * when this processor cannot run isa): the same bits on every set, less
 * than 1 ulp from the true value (docs/LANES.md).
 * exp overflows to inf past 709.78 and is 0 below -745.13; log is -inf at
 * 0 and NaN below. */
void fs_lanes_exp(fs_isa isa, int n, const double *x, double *y);
void fs_lanes_log(fs_isa isa, int n, const double *x, double *y);

/* For benchmarks and tests: the alternatives that docs/LANES.md measures.
 * method FS_LANES_POISSON_LOCKSTEP (the default) searches all lanes of a
 * vector in step; FS_LANES_POISSON_PERLANE searches lane by lane, each
 * stopping at its own count (the same bits). ptrs_from is the Poisson
 * mean from which PTRS replaces the search (default FS_LANES_PTRS_FROM,
 * at least 10). negbin is FS_LANES_NB_AUTO (the default, as
 * fs_lanes_negbin says, the search lane by lane), FS_LANES_NB_MIXTURE
 * (every lane the gamma mixture), FS_LANES_NB_STEP or FS_LANES_NB_LANE
 * (every lane the search, in step or lane by lane: moderate means only).
 * Any change but the Poisson's method changes the draws. */
enum { FS_LANES_POISSON_LOCKSTEP, FS_LANES_POISSON_PERLANE };
enum { FS_LANES_NB_AUTO, FS_LANES_NB_MIXTURE, FS_LANES_NB_STEP, FS_LANES_NB_LANE };
#define FS_LANES_PTRS_FROM 10.0
void fs_lanes_tune(fs_lanes *L, int method, double ptrs_from, int negbin);

#endif
