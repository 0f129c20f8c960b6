/* lockstep16_avx512.c: the lockstep model's step for AVX-512: eight doubles a register, for
 * blocks of sixteen lanes (the engine's FS_LOCKSTEP_W), the count fixed
 * at compile time so that each loop over lanes is a fixed run of vector
 * instructions. Same source (lockstep_kernel.h), same bits as
 * lockstep_avx512.c, which serves every other width. */
#define FS_LOCKSTEP_RUN fs_lockstep_run16_avx512
#define FS_LOCKSTEP_FIXED_W FS_LOCKSTEP_FAST_W
#include "lockstep_kernel.h"
