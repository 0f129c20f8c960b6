/* lanes_avx2.c: lanes.h's kernels for AVX2 (compiled with -mavx2): four doubles a register.
 * The source is lanes_kernel.h; the Makefile gives this file its flags. */
#define FS_LANES_TABLE fs_lanes_k_avx2
#define FS_LANES_NAME "avx2"
#include "lanes_kernel.h"
