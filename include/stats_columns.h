/* stats_columns.h: stats.c's pass over a part's columns (fs_acc_add_columns)
 * for AVX-512, in sim/stats_avx512.c, compiled with that set's flags and
 * without contraction. It computes what stats.c's SSE2 pass computes, to
 * the bit: each cell's shifted sums with the same operations in run
 * order, eight cells at a time, and each value's sketch key. For stats.c
 * only. */
#ifndef FS_STATS_COLUMNS_H
#define FS_STATS_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "sketch.h"

/* An accumulator's insides, as the pass needs them. */
typedef struct fs_columns {
    double *raw;            /* six arrays of ncells: n, k, s1, s2, min, max */
    int ncells;
    fs_sketch *const *sk;   /* [ncells], NULL where a cell has none */
    uint32_t *keys;         /* cell c's next key at keys[kpos[c] * slot + nkeys[c]] */
    int *nkeys;
    const int *kpos;        /* -1 where a cell has no sketch */
    int slot;               /* FS_ACC_KEY_SLOT: 8 more than a cell's keys can reach */
} fs_columns;

/* After a pass over cells c .. c + k - 1: each sketched cell's count
 * (its moments' count now, na, less before, nb), zeros (the count less
 * its m keys) and extremes into its sketch (fs_sketch_note), and its m
 * keys to those waiting. mn and max are the moments' own, -0 made +0. */
void fs_columns_note(const fs_columns *cl, int c, int k, const double *nb, const double *na,
                     const int *m, const double *mn, const double *mx);

/* 1 when the processor runs fs_columns_avx512 and FS_ISA allows AVX-512
 * (lanes.h's fs_lanes_isa_best), else 0. */
int fs_columns_avx512_ok(void);

/* Runs 0 .. nruns - 1 (nruns at most slot - 8 less the keys waiting) of
 * cells 0 .. 8 floor(ncells / 8) - 1, cell c's at x[c * stride]: their
 * sums, keys, and the sketches' counts and extremes (fs_sketch_note).
 * Returns how many cells it took (the caller takes the rest); sets *inf
 * when a value was infinite. */
int fs_columns_avx512(const fs_columns *cl, const double *x, int nruns, size_t stride, int *inf);

#endif
