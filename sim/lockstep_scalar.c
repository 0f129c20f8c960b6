/* lockstep_scalar.c: the lockstep model's step for the reference, one lane at a time (not vectorised).
 * The source is lockstep_kernel.h; the Makefile gives this file its flags. */
#define FS_LOCKSTEP_RUN fs_lockstep_run_scalar
#include "lockstep_kernel.h"
