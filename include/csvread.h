/* csvread.h: a small reader for the RFC 4180 CSV files foresight writes.
 * fs_csv_read loads a whole file into an fs_csv owned by the caller, who
 * releases it with fs_csv_free; every string the accessors return belongs
 * to the fs_csv and lives until it is freed. Errors name file:line:column. */
#ifndef FS_CSVREAD_H
#define FS_CSVREAD_H

#include <stddef.h>
#include "errors.h"

typedef struct fs_csv fs_csv;

/* Reads and parses `path`: the first record is the header, every later
 * record a row. Quoted fields may hold commas, doubled quotes and newlines;
 * CRLF line ends are accepted; blank lines are skipped. A field that
 * starts with a single quote loses it: fs_csv_field (output.h) puts one
 * before text a spreadsheet would run as a formula. Returns NULL
 * and fills err with FS_EIO when the file cannot be read, FS_ECONFIG when
 * it is malformed (unterminated quote, text after a closing quote, a row
 * with a different number of fields than the header), FS_ENOMEM when out
 * of memory. A file of zero bytes gives an fs_csv with no columns and no
 * rows. */
fs_csv *fs_csv_read(const char *path, fs_err *err);

/* The largest file fs_csv_read reads: about twice the largest file a run
 * can write under the scenario limits (timeseries.csv: 1201 steps x (9
 * regional + 2 x 64 actor + 16 pair series) rows of at most ~200 bytes). */
#define FS_CSV_MAX_BYTES (64LL * 1024 * 1024)

/* fs_csv_read for a file that may be up to max_bytes long (a sweep.csv,
 * bounded by its points). Either refuses, with FS_ECONFIG naming the file,
 * anything but a regular file (a FIFO, a device: opened without blocking)
 * and a file larger than the bound, before reading it. */
fs_csv *fs_csv_read_max(const char *path, long long max_bytes, fs_err *err);

/* Refuses (FS_ECONFIG, naming the file and the lines of both rows) two
 * rows with the same values in the nkeys (1 to 8) columns keys, e.g. {
 * "step", "metric", "scope" } of timeseries.csv: foresight writes each
 * once, so a second is damage or an edit. A missing key column is an
 * error too, unless there are no rows. */
fs_status fs_csv_unique(const fs_csv *c, const char *const *keys, int nkeys, fs_err *err);

/* Releases c and all its strings. Accepts NULL. */
void fs_csv_free(fs_csv *c);

/* The path it was read from, as given to fs_csv_read. */
const char *fs_csv_path(const fs_csv *c);

/* The header of column col (0 <= col < ncols), for messages. */
const char *fs_csv_col_name(const fs_csv *c, int col);

/* Number of data rows (the header not counted) and of header columns. */
size_t fs_csv_nrows(const fs_csv *c);
int fs_csv_ncols(const fs_csv *c);

/* The name of header column col (0 <= col < fs_csv_ncols). */
const char *fs_csv_header(const fs_csv *c, int col);

/* Index of the header column `name`, or -1 when there is none. */
int fs_csv_col(const fs_csv *c, const char *name);

/* Like fs_csv_col, but a missing column is an error: FS_ECONFIG naming the
 * file and the column. *col is set on success. */
fs_status fs_csv_require(const fs_csv *c, const char *name, int *col, fs_err *err);

/* Field `col` of data row `row` (both from 0); "" for an empty field.
 * Both indices must be in range. */
const char *fs_csv_str(const fs_csv *c, size_t row, int col);

/* The 1-based line of the file on which data row `row` starts. */
int fs_csv_line(const fs_csv *c, size_t row);

/* Parses field (row, col) as a number into *out. An empty field is a
 * missing value: *out = NAN and FS_OK. Anything that is not a whole finite
 * number ("abc", "1x", "inf") is FS_ECONFIG with a message of the form
 * "path:line:column: column 'name': expected a number, got 'abc'". */
fs_status fs_csv_num(const fs_csv *c, size_t row, int col, double *out, fs_err *err);

/* Like fs_csv_num, but an empty field is also an error. */
fs_status fs_csv_num_req(const fs_csv *c, size_t row, int col, double *out, fs_err *err);

/* Sets an FS_ECONFIG error located at (row, col) of c: the message is
 * "path:line:column: " followed by the printf-style text. Returns
 * FS_ECONFIG. col may be -1 to name only the line. */
fs_status fs_csv_error(const fs_csv *c, size_t row, int col, fs_err *err,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reads dir/name: *out is the table, or NULL with err set (FS_EUSAGE for a
 * path that is too long, else as fs_csv_read). */
fs_status fs_csv_open_in(const char *dir, const char *name, fs_csv **out, fs_err *err);

/* Looks up every named column into idx[0..n-1]; a missing one is an error
 * (FS_ECONFIG) naming it, as fs_csv_require. */
fs_status fs_csv_require_all(const fs_csv *c, const char *const *names, int *idx, int n,
                             fs_err *err);

#endif
