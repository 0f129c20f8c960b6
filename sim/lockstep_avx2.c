/* lockstep_avx2.c: the lockstep model's step for AVX2 (compiled with -mavx2): four doubles a register.
 * The source is lockstep_kernel.h; the Makefile gives this file its flags. */
#define FS_LOCKSTEP_RUN fs_lockstep_run_avx2
#include "lockstep_kernel.h"
