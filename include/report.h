/* report.h: report.html, one self-contained page per output directory
 * (docs/OUTPUTS.md, "report.html"): the briefing (or sweep.md) rendered
 * as HTML, every chart inline as SVG under the text it supports with a
 * text alternative in numbers, the key tables as HTML tables, and a
 * footer to reproduce it. Written from the directory's files alone.
 * Ownership: callers own every argument; nothing returned needs freeing. */
#ifndef FS_REPORT_H
#define FS_REPORT_H

#include "errors.h"

/* The kind of output directory dir is, by the file that marks it
 * ("sweep", "compare", "run", ...; report_kind.h lists them), or NULL
 * when it is none of them. */
const char *fs_report_kind_of(const char *dir);

/* Writes outdir/report.html (outdir NULL: dir) from the files of the
 * output directory dir, atomically (a temp file renamed into place; on
 * failure the earlier report, if any, is left as it was). The charts are
 * drawn again as SVG into a temporary directory, which is removed.
 * Returns FS_OK; FS_EUSAGE when dir is no output directory; FS_EIO when a
 * file cannot be read or written; FS_ECONFIG naming file:line when a file
 * is malformed; FS_ENOMEM; FS_EINTR when interrupted. It shares no state
 * with the chart calls (each thread lays out text with its own pango font
 * map), so it may run on one thread while another draws the charts. */
fs_status fs_report_write(const char *dir, const char *outdir, fs_err *err);

#endif
