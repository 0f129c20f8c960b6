/* lockstep_sse2.c: the lockstep model's step for SSE2: two doubles a register.
 * The source is lockstep_kernel.h; the Makefile gives this file its flags. */
#define FS_LOCKSTEP_RUN fs_lockstep_run_sse2
#include "lockstep_kernel.h"
