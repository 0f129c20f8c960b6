/* lockstep_avx512.c: the lockstep model's step for AVX-512 (compiled with -mavx512f -mavx512dq -mavx512vl): eight doubles a register.
 * The source is lockstep_kernel.h; the Makefile gives this file its flags. */
#define FS_LOCKSTEP_RUN fs_lockstep_run_avx512
#include "lockstep_kernel.h"
