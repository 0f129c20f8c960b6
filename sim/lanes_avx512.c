/* lanes_avx512.c: lanes.h's kernels for AVX-512 (compiled with -mavx512f -mavx512dq -mavx512vl): eight doubles a register.
 * The source is lanes_kernel.h; the Makefile gives this file its flags. */
#define FS_LANES_TABLE fs_lanes_k_avx512
#define FS_LANES_NAME "avx512"
#include "lanes_kernel.h"
