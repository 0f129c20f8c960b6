/* csvread.c: RFC 4180 CSV reading into one flat buffer of fields, with
 * lookup of columns by name and number parsing that names file:line:col. */
#include "csvread.h"
#include "fileread.h"
#include "fsio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fs_csv {
    char *path;
    char *text;       /* every field, NUL-terminated, back to back */
    size_t *field;    /* offset into text of each field, row-major */
    int *line;        /* starting line of each record (header first) */
    size_t nfields, capfields;
    size_t nrecords, caprecords;
    int ncols;
};

/* The parser's cursor over the raw file. */
typedef struct csv_cur {
    const char *s;
    size_t n, i;
    int line;
} csv_cur;

static int csv_push_field(fs_csv *c, size_t off)
{
    if (c->nfields == c->capfields) {
        size_t cap = c->capfields ? 2 * c->capfields : 256;
        size_t *p = realloc(c->field, cap * sizeof *p);
        if (p == NULL)
            return -1;
        c->field = p;
        c->capfields = cap;
    }
    c->field[c->nfields++] = off;
    return 0;
}

static int csv_push_record(fs_csv *c, int line)
{
    if (c->nrecords == c->caprecords) {
        size_t cap = c->caprecords ? 2 * c->caprecords : 64;
        int *p = realloc(c->line, cap * sizeof *p);
        if (p == NULL)
            return -1;
        c->line = p;
        c->caprecords = cap;
    }
    c->line[c->nrecords++] = line;
    return 0;
}

static fs_status csv_fail(const fs_csv *c, int line, int col, fs_err *err, const char *what)
{
    return fs_err_set(err, FS_ECONFIG, "%s:%d:%d: %s", c->path, line, col, what);
}

/* Parses one field starting at cur->i, copying its text to c->text at *w.
 * Leaves cur->i on the delimiter (',', '\n', '\r' or the end). */
static fs_status csv_field(fs_csv *c, csv_cur *cur, size_t *w, int col, fs_err *err)
{
    int start_line = cur->line;
    size_t start = *w;

    if (cur->i < cur->n && cur->s[cur->i] == '"') {
        cur->i++;
        for (;;) {
            if (cur->i >= cur->n)
                return csv_fail(c, start_line, col, err, "unterminated quoted field");
            if (cur->s[cur->i] == '"') {
                if (cur->i + 1 < cur->n && cur->s[cur->i + 1] == '"') {
                    c->text[(*w)++] = '"';
                    cur->i += 2;
                    continue;
                }
                cur->i++;
                break;
            }
            if (cur->s[cur->i] == '\n')
                cur->line++;
            c->text[(*w)++] = cur->s[cur->i++];
        }
        if (cur->i < cur->n && cur->s[cur->i] != ',' && cur->s[cur->i] != '\n'
            && cur->s[cur->i] != '\r')
            return csv_fail(c, cur->line, col, err, "text after a closing quote");
    } else {
        while (cur->i < cur->n && cur->s[cur->i] != ',' && cur->s[cur->i] != '\n'
               && cur->s[cur->i] != '\r') {
            if (cur->s[cur->i] == '"')
                return csv_fail(c, cur->line, col, err, "quote inside an unquoted field");
            c->text[(*w)++] = cur->s[cur->i++];
        }
    }
    /* The quote fs_csv_field puts before text a spreadsheet would run as
     * a formula (docs/OUTPUTS.md): the text is what follows it. */
    if (*w > start && c->text[start] == '\'') {
        memmove(c->text + start, c->text + start + 1, *w - start - 1);
        (*w)--;
    }
    c->text[(*w)++] = '\0';
    return FS_OK;
}

/* Parses every record of the raw text into c. */
static fs_status csv_parse(fs_csv *c, const char *s, size_t n, fs_err *err)
{
    csv_cur cur = { s, n, 0, 1 };
    size_t w = 0;

    while (cur.i < n) {
        int col = 1, line = cur.line;
        if (s[cur.i] == '\n' || (s[cur.i] == '\r' && cur.i + 1 < n && s[cur.i + 1] == '\n')) {
            cur.i += s[cur.i] == '\r' ? 2 : 1;   /* a blank line is no record */
            cur.line++;
            continue;
        }
        for (;;) {
            if (csv_push_field(c, w) != 0)
                return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", c->path);
            if (csv_field(c, &cur, &w, col, err) != FS_OK)
                return err ? err->code : FS_ECONFIG;
            if (cur.i < n && s[cur.i] == ',') {
                cur.i++;
                col++;
                continue;
            }
            break;
        }
        if (cur.i < n && s[cur.i] == '\r')
            cur.i++;
        if (cur.i < n && s[cur.i] == '\n')
            cur.i++, cur.line++;
        else if (cur.i < n)
            return csv_fail(c, cur.line, col, err, "stray carriage return");
        if (c->nrecords == 0)
            c->ncols = col;
        else if (col != c->ncols)
            return fs_err_set(err, FS_ECONFIG, "%s:%d: %d fields, but the header has %d",
                              c->path, line, col, c->ncols);
        if (csv_push_record(c, line) != 0)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", c->path);
    }
    return FS_OK;
}

/* Reads the whole file into a NUL-terminated buffer. */
static char *csv_slurp(const char *path, long long max_bytes, size_t *len, fs_err *err)
{
    FILE *fp = fs_open_regular(path, "a foresight CSV file", max_bytes, err);
    char *buf = NULL, *p;
    size_t cap = 0, n = 0, k;

    if (fp == NULL)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            p = realloc(buf, cap);
            if (p == NULL) {
                fs_err_set(err, FS_ENOMEM, "out of memory reading %s", path);
                goto fail;
            }
            buf = p;
        }
        k = fread(buf + n, 1, cap - n - 1, fp);
        n += k;
        /* Grown since it was opened: refused as it would have been then. */
        if ((long long)n > max_bytes) {
            fs_err_set(err, FS_ECONFIG, "%s: more than %lld bytes, more than a foresight CSV "
                       "file can be", path, max_bytes);
            goto fail;
        }
    } while (k > 0);
    if (ferror(fp)) {
        fs_err_set(err, FS_EIO, "cannot read %s: %s", path, strerror(errno ? errno : EIO));
        goto fail;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    free(buf);
    fclose(fp);
    return NULL;
}

fs_csv *fs_csv_read(const char *path, fs_err *err)
{
    return fs_csv_read_max(path, FS_CSV_MAX_BYTES, err);
}

fs_csv *fs_csv_read_max(const char *path, long long max_bytes, fs_err *err)
{
    fs_csv *c = calloc(1, sizeof *c);
    char *raw = NULL;
    size_t n = 0;

    if (c == NULL)
        goto nomem;
    c->path = strdup(path);
    if (c->path == NULL)
        goto nomem;
    raw = csv_slurp(path, max_bytes, &n, err);
    if (raw == NULL)
        goto fail;
    /* Fields never grow: the raw size plus one NUL per field bounds them. */
    c->text = malloc(2 * n + 2);
    if (c->text == NULL)
        goto nomem;
    if (csv_parse(c, raw, n, err) != FS_OK)
        goto fail;
    free(raw);
    return c;
nomem:
    fs_err_set(err, FS_ENOMEM, "out of memory reading %s", path);
fail:
    free(raw);
    fs_csv_free(c);
    return NULL;
}

void fs_csv_free(fs_csv *c)
{
    if (c == NULL)
        return;
    free(c->path);
    free(c->text);
    free(c->field);
    free(c->line);
    free(c);
}

const char *fs_csv_path(const fs_csv *c)
{
    return c->path;
}

size_t fs_csv_nrows(const fs_csv *c)
{
    return c->nrecords ? c->nrecords - 1 : 0;
}

int fs_csv_ncols(const fs_csv *c)
{
    return c->nrecords ? c->ncols : 0;
}

const char *fs_csv_header(const fs_csv *c, int col)
{
    return c->text + c->field[col];
}

int fs_csv_col(const fs_csv *c, const char *name)
{
    int j;
    for (j = 0; j < fs_csv_ncols(c); j++)
        if (strcmp(c->text + c->field[j], name) == 0)
            return j;
    return -1;
}

fs_status fs_csv_require(const fs_csv *c, const char *name, int *col, fs_err *err)
{
    *col = fs_csv_col(c, name);
    if (*col < 0)
        return fs_err_set(err, FS_ECONFIG, "%s:1: no column '%s' in the header",
                          c->path, name);
    return FS_OK;
}

const char *fs_csv_str(const fs_csv *c, size_t row, int col)
{
    return c->text + c->field[(row + 1) * (size_t)c->ncols + (size_t)col];
}

int fs_csv_line(const fs_csv *c, size_t row)
{
    return c->line[row + 1];
}

fs_status fs_csv_error(const fs_csv *c, size_t row, int col, fs_err *err,
                       const char *fmt, ...)
{
    char what[FS_ERR_MSG_MAX / 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (col < 0)
        return fs_err_set(err, FS_ECONFIG, "%s:%d: %s", c->path, fs_csv_line(c, row), what);
    return fs_err_set(err, FS_ECONFIG, "%s:%d:%d: %s", c->path, fs_csv_line(c, row),
                      col + 1, what);
}

const char *fs_csv_col_name(const fs_csv *c, int col)
{
    return c->text + c->field[col];
}

fs_status fs_csv_num(const fs_csv *c, size_t row, int col, double *out, fs_err *err)
{
    const char *s = fs_csv_str(c, row, col);
    char *end;
    double v;

    if (s[0] == '\0') {
        *out = NAN;
        return FS_OK;
    }
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return fs_csv_error(c, row, col, err, "column '%s': expected a number, got '%s'",
                            c->text + c->field[col], s);
    *out = v;
    return FS_OK;
}

fs_status fs_csv_num_req(const fs_csv *c, size_t row, int col, double *out, fs_err *err)
{
    if (fs_csv_str(c, row, col)[0] == '\0')
        return fs_csv_error(c, row, col, err, "column '%s': missing value",
                            c->text + c->field[col]);
    return fs_csv_num(c, row, col, out, err);
}

fs_status fs_csv_open_in(const char *dir, const char *name, fs_csv **out, fs_err *err)
{
    char path[4096];

    *out = NULL;
    if (fs_path_join(path, sizeof path, dir, name) == NULL)
        return fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", dir, name);
    *out = fs_csv_read(path, err);
    return *out ? FS_OK : (err ? err->code : FS_EIO);
}

fs_status fs_csv_require_all(const fs_csv *c, const char *const *names, int *idx, int n,
                             fs_err *err)
{
    int i;
    for (i = 0; i < n; i++)
        if (fs_csv_require(c, names[i], &idx[i], err) != FS_OK)
            return FS_ECONFIG;
    return FS_OK;
}

/* FNV-1a of row r's fields in cols, each with its NUL. */
static uint64_t key_hash(const fs_csv *c, size_t r, const int *cols, int n)
{
    uint64_t h = 14695981039346656037ULL;
    int i;
    for (i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)fs_csv_str(c, r, cols[i]);
        do {
            h ^= *p;
            h *= 1099511628211ULL;
        } while (*p++);
    }
    return h;
}

static int same_key(const fs_csv *c, size_t a, size_t b, const int *cols, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(fs_csv_str(c, a, cols[i]), fs_csv_str(c, b, cols[i])) != 0)
            return 0;
    return 1;
}

fs_status fs_csv_unique(const fs_csv *c, const char *const *keys, int nkeys, fs_err *err)
{
    int cols[8], i;
    size_t cap = 16, r, at, *slot;
    fs_status st = FS_OK;

    if (nkeys < 1 || nkeys > 8)
        return fs_err_set(err, FS_EUSAGE, "fs_csv_unique: 1 to 8 keys");
    if (fs_csv_nrows(c) == 0)
        return FS_OK;   /* no rows (an empty file has no header either) */
    if (fs_csv_require_all(c, keys, cols, nkeys, err) != FS_OK)
        return FS_ECONFIG;
    while (cap < 2 * fs_csv_nrows(c))
        cap *= 2;
    /* Open addressing over row numbers + 1 (0: empty). */
    if ((slot = calloc(cap, sizeof *slot)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", c->path);
    for (r = 0; r < fs_csv_nrows(c) && st == FS_OK; r++) {
        for (at = key_hash(c, r, cols, nkeys) & (cap - 1); slot[at]; at = (at + 1) & (cap - 1))
            if (same_key(c, slot[at] - 1, r, cols, nkeys))
                break;
        if (slot[at] == 0) {
            slot[at] = r + 1;
            continue;
        }
        {
            char what[600] = "";
            size_t w = 0;
            for (i = 0; i < nkeys && w < sizeof what - 100; i++)
                w += (size_t)snprintf(what + w, sizeof what - w, "%s%s %.60s", i ? ", " : "",
                                      keys[i], fs_csv_str(c, r, cols[i]));
            st = fs_csv_error(c, r, -1, err, "a second row for %s (the first is on line %d): "
                              "foresight writes one; the file was damaged or edited", what,
                              fs_csv_line(c, slot[at] - 1));
        }
    }
    free(slot);
    return st;
}
