/* headroom.h: the room left under an address-space limit (ulimit -v), so
 * that a stage that cannot fail cleanly when memory runs out is refused
 * with a message before it starts. Pango and fontconfig start threads and
 * allocate through GLib, which aborts the process (SIGTRAP) when a thread
 * or an allocation fails; the chart stage checks its headroom first.
 * Nothing here allocates or owns memory. */
#ifndef FS_HEADROOM_H
#define FS_HEADROOM_H

#include "errors.h"

/* Address space the chart stage needs beyond what the process already
 * maps: pango's and fontconfig's threads (their stacks), the font files and
 * caches they map, and a chart's surface; measured under ulimit -v (see
 * docs/SCENARIO.md, "Memory"). */
#define FS_CHART_HEADROOM (64.0 * 1024 * 1024)

/* Bytes of address space left under RLIMIT_AS: the limit less the
 * process's mapped size (/proc/self/statm). INFINITY when there is no
 * limit (or it cannot be read). */
double fs_headroom(void);

/* Blocks up to this size come from malloc's heap, and up to twice as
 * much freed memory is kept there for the next blocks (without an
 * address-space limit: fs_headroom_setup). */
#define FS_MMAP_THRESHOLD (16 * 1024 * 1024)

/* Call once at start, before any thread: under a finite RLIMIT_AS, makes
 * every thread allocate from one malloc arena, because glibc reserves 64
 * MiB of address space for each extra arena, which a tight limit cannot
 * spare. Without a limit, fixes malloc's thresholds at FS_MMAP_THRESHOLD,
 * so that the engines a sweep, search or calibration allocates and frees
 * one after another reuse the same memory instead of mapping it anew. */
void fs_headroom_setup(void);

/* FS_OK when the chart stage has FS_CHART_HEADROOM of address space left;
 * else FS_ERUNTIME with a message naming the limit, the use and the need,
 * and how to go on. */
fs_status fs_headroom_charts(fs_err *err);

#endif
