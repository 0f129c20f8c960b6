/* lanes_isa.h: the kernels behind lanes.h, one table per instruction set.
 * Internal to lanes.c and the files that build the tables: every table is
 * the same source (lanes_kernel.h) compiled with other flags, so each
 * function gives the same bits in every table (lanes.h says why).
 * Lane counts given to the draw kernels are multiples of FS_LANES_CHUNK;
 * exp and log take any count. Nothing here allocates. */
#ifndef FS_LANES_ISA_H
#define FS_LANES_ISA_H

#include <stdint.h>

#include "lanes.h"   /* the FS_LANES_POISSON_* methods */

/* Lanes a kernel handles together: 8 doubles fill one AVX-512 register. */
#define FS_LANES_CHUNK 8

/* The most steps an inversion by sequential search takes (a bound far
 * past any count it is used for); lanes.c's table draw keeps it too. */
#define FS_LANES_INV_MAX 100000

/* Where retries draw from (lanes.h): every lane's key and run, and its
 * own count of side blocks already used; the side blocks of a substream
 * start at block base. */
typedef struct fs_lanes_side {
    const uint32_t *k0, *k1;   /* [n] the seed's low and high words */
    const uint32_t *r0, *r1;   /* [n] the run's low and high words */
    uint32_t *used;            /* [n] side blocks used since the substream began */
    uint64_t base;             /* the substream's first side block */
} fs_lanes_side;

typedef struct fs_lanes_kernels {
    const char *name;
    /* The Philox4x32-10 block at counter (c0, c1, c2, c3) under key
     * (k0, k1), lane by lane: word j of lane i to out[j * n + i]. */
    void (*philox)(int n, const uint32_t *k0, const uint32_t *k1, const uint32_t *c0,
                   const uint32_t *c1, const uint32_t *c2, const uint32_t *c3, uint32_t *out);
    void (*uniform)(int n, const uint32_t *w, double *u);
    void (*normal)(int n, const uint32_t *w, double *z);
    void (*lognormal)(int n, const uint32_t *w, const double *sigma, double *x);
    void (*exp)(int n, const double *x, double *y);
    void (*log)(int n, const double *x, double *y);
    /* Poisson(min(mu, cap)) from words w0, w1; inversion by method below
     * the PTRS threshold ptrs_from, PTRS from there (retries from side). */
    void (*poisson)(int n, const uint32_t *w0, const uint32_t *w1, const double *mu, double cap,
                    double ptrs_from, int method, fs_lanes_side *side, double *k);
    /* Negative binomial (p, size) from words w[0..4]: by search where
     * cheaper, else as a gamma mixture of Poissons with the Poisson's
     * mean capped at cap and drawn by method; search is an FS_LANES_NB_*
     * mode (lanes.h). p0, when not NULL, holds each lane's p^size as
     * exp(size log p) computes it (else it is computed). */
    void (*negbin)(int n, const uint32_t *const *w, const double *p, const double *size,
                   const double *p0, double cap, int search, int method,
                   fs_lanes_side *side, double *x);
} fs_lanes_kernels;

extern const fs_lanes_kernels fs_lanes_k_scalar, fs_lanes_k_sse2, fs_lanes_k_avx2,
    fs_lanes_k_avx512;

#endif
