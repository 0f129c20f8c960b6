/* rng.h: reproducible per-run random streams.
 * The generator is Philox4x32-10 (Salmon et al., SC'11, from Debian's
 * librandom123-dev) wrapped as a gsl_rng type, so every GSL distribution
 * can draw from it. A stream is fixed by (seed, run): the 64-bit seed is
 * Philox's key and the 64-bit run index fills half of its 128-bit counter,
 * so no two runs share a stream for any run count below 2^64, and each run
 * can draw 2^64 blocks of four 32-bit words. Generators from fs_rng_alloc
 * are owned by the caller and released with gsl_rng_free. */
#ifndef FS_RNG_H
#define FS_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#define FS_RNG_NAME "philox4x32-10"

/* The gsl_rng type: 32-bit output, min 0, max 2^32-1. gsl_rng_set(r, s)
 * selects stream (s, 0). */
extern const gsl_rng_type *fs_rng_philox;

/* A new generator positioned at stream (0, 0), or NULL when out of memory. */
gsl_rng *fs_rng_alloc(void);

/* Positions r at the start of stream (seed, run). r must come from
 * fs_rng_alloc. Cheap: call it once per run. */
void fs_rng_seed(gsl_rng *r, uint64_t seed, uint64_t run);

/* Moves r within its current stream (seed, run) to substream (major,
 * minor): block major * 2^32 + minor * 2^20 of the run's counter, so that
 * draws there do not depend on how many were made before. The model takes
 * one substream per step and phase (docs/MODEL.md), which keeps two runs
 * of the same stream drawing the same numbers for the same purpose even
 * after they differ in how many draws an earlier phase made. */
void fs_rng_substream(gsl_rng *r, uint32_t major, uint32_t minor);

/* The substream major the model never uses (its majors are steps, at most
 * FS_MAX_STEPS): a run's posterior particle is drawn there (posterior.h). */
#define FS_RNG_MAJOR_POSTERIOR 0xFFFFFFFFu

#endif
