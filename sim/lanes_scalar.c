/* lanes_scalar.c: lanes.h's kernels for the reference: compiled without vectorisation, one lane at a time.
 * The source is lanes_kernel.h; the Makefile gives this file its flags. */
#define FS_LANES_TABLE fs_lanes_k_scalar
#define FS_LANES_NAME "scalar"
#define FS_LANES_PLAIN 1   /* no intrinsics: the loops as written */
#include "lanes_kernel.h"
