/* lanes_sse2.c: lanes.h's kernels for SSE2, which every x86-64 processor has: two doubles a register.
 * The source is lanes_kernel.h; the Makefile gives this file its flags. */
#define FS_LANES_TABLE fs_lanes_k_sse2
#define FS_LANES_NAME "sse2"
#include "lanes_kernel.h"
