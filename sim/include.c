/* include.c: the loader's text stage. Reads a scenario file, expands its
 * @include lines recursively with a line map for messages, and marks wide
 * integer literals so that libconfig 1.5 does not truncate them. */
#include "load_include.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

/* One file on the include stack, identified by device and inode so that a
 * cycle is found whatever path spelling reaches the file. */
typedef struct frame {
    dev_t dev;
    ino_t ino;
    const char *name;
} frame;

typedef struct expander {
    fs_source *src;
    size_t cap;                                 /* bytes allocated for text */
    frame stack[FS_MAX_INCLUDE_DEPTH + 1];
    int depth;                                  /* entries in stack */
    const char *what;                           /* "scenario", "sweep file" */
    fs_err *err;
} expander;

/* Where an included file is named: the including file and line; NULL for
 * the top-level file. */
typedef struct origin {
    const char *file;
    int line;
    const char *written;                        /* the path as written */
} origin;

static fs_status nomem(fs_err *err)
{
    return fs_err_set(err, FS_ENOMEM, "out of memory reading the scenario");
}

/* Reports a problem with a file: against the @include line that names it,
 * or against the file itself when it is the top-level file. */
static fs_status file_error(fs_err *err, const origin *o, const char *name,
                            const char *reason)
{
    if (o == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: %s", name, reason);
    if (strcmp(o->written, name) == 0)
        return fs_err_set(err, FS_ECONFIG, "%s:%d: cannot include \"%s\": %s",
                          o->file, o->line, o->written, reason);
    return fs_err_set(err, FS_ECONFIG, "%s:%d: cannot include \"%s\" (%s): %s",
                      o->file, o->line, o->written, name, reason);
}

/* Refuses text with a NUL byte (a binary file): libconfig would silently
 * stop reading there. A UTF-8 byte-order mark, which some editors write,
 * would be a bare "syntax error" on line 1. */
static fs_status check_text(const char *buf, size_t len, const origin *o,
                            const char *name, fs_err *err)
{
    const char *nul = memchr(buf, '\0', len);
    size_t i, line = 1;
    char why[96];

    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        return file_error(err, o, name, "byte-order mark at the start of the file: save it "
                          "as UTF-8 without BOM");
    if (nul == NULL)
        return FS_OK;
    for (i = 0; buf + i < nul; i++)
        line += buf[i] == '\n';
    snprintf(why, sizeof why, "binary data at line %zu, expected text", line);
    return file_error(err, o, name, why);
}

/* Reads the whole of `name` into a fresh NUL-terminated buffer and checks
 * that it is a regular text file of acceptable size. */
static fs_status slurp(const char *name, const origin *o, const char *what, char **out,
                       size_t *outlen, struct stat *st, fs_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    ssize_t got;
    int fd;

    /* Non-blocking: opening a FIFO must not wait for a writer; fstat of
     * the descriptor then refuses it (and any other non-regular file). */
    fd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        char why[160];
        if (o)
            snprintf(why, sizeof why, "%s", strerror(errno));
        else
            snprintf(why, sizeof why, "cannot read %s: %s", what, strerror(errno));
        return file_error(err, o, name, why);
    }
    if (fstat(fd, st) != 0) {
        file_error(err, o, name, strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st->st_mode) || !S_ISREG(st->st_mode) || st->st_size > FS_MAX_SCENARIO_BYTES) {
        char why[160];
        snprintf(why, sizeof why, S_ISDIR(st->st_mode) ? "is a directory, expected a %s" :
                 !S_ISREG(st->st_mode) ? "is not a regular file, expected a %s" :
                 "file is larger than 16 MiB, the limit for a %s", what);
        file_error(err, o, name, why);
        goto fail;
    }
    buf = malloc((size_t)st->st_size + 1);
    if (buf == NULL) {
        nomem(err);
        goto fail;
    }
    while (len < (size_t)st->st_size) {
        got = read(fd, buf + len, (size_t)st->st_size - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            file_error(err, o, name, strerror(errno));
            goto fail;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    if (check_text(buf, len, o, name, err) != FS_OK)
        goto fail;
    close(fd);
    *out = buf;
    *outlen = len;
    return FS_OK;
fail:
    free(buf);
    close(fd);
    return err ? err->code : FS_ECONFIG;
}

static int blank_text(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r'
            && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

static fs_status add_file(expander *x, const char *name, int *index)
{
    fs_source *s = x->src;
    char **files = realloc(s->files, (size_t)(s->nfiles + 1) * sizeof *files);

    if (files == NULL)
        return nomem(x->err);
    s->files = files;
    files[s->nfiles] = strdup(name);
    if (files[s->nfiles] == NULL)
        return nomem(x->err);
    *index = s->nfiles++;
    return FS_OK;
}

/* Appends one line (without its newline) and records where it came from. */
static fs_status add_line(expander *x, const char *p, size_t n, int file, int line)
{
    fs_source *s = x->src;

    if (s->len + n + 2 > (size_t)FS_MAX_SCENARIO_BYTES)
        return fs_err_set(x->err, FS_ECONFIG,
                          "%s:%d: the scenario with its includes is larger than 16 MiB",
                          s->files[file], line);
    if (s->len + n + 2 > x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        char *t;
        while (cap < s->len + n + 2)
            cap *= 2;
        t = realloc(s->text, cap);
        if (t == NULL)
            return nomem(x->err);
        s->text = t;
        x->cap = cap;
    }
    if (s->nlines == s->cap) {
        int cap = s->cap ? 2 * s->cap : 256;
        int *lf = realloc(s->lfile, (size_t)cap * sizeof *lf);
        int *ll;
        if (lf == NULL)
            return nomem(x->err);
        s->lfile = lf;
        ll = realloc(s->lline, (size_t)cap * sizeof *ll);
        if (ll == NULL)
            return nomem(x->err);
        s->lline = ll;
        s->cap = cap;
    }
    memcpy(s->text + s->len, p, n);
    s->len += n;
    s->text[s->len++] = '\n';
    s->text[s->len] = '\0';
    s->lfile[s->nlines] = file;
    s->lline[s->nlines] = line;
    s->nlines++;
    return FS_OK;
}

/* Recognises an @include line. Returns 0 if the line is not one, 1 and the
 * quoted path (start and length) if it is, -1 if it starts with @include
 * but is malformed. */
static int include_line(const char *p, size_t n, const char **path, size_t *plen)
{
    size_t i = 0, j;

    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (n - i < 8 || strncmp(p + i, "@include", 8) != 0)
        return 0;
    i += 8;
    if (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '"')
        return 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i >= n || p[i] != '"')
        return -1;
    for (j = i + 1; j < n && p[j] != '"'; j++)
        if (p[j] == '\\')
            return -1;
    if (j >= n || j == i + 1)
        return -1;
    *path = p + i + 1;
    *plen = j - i - 1;
    for (j++; j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'); j++)
        ;
    if (j < n && p[j] != '#' && !(p[j] == '/' && j + 1 < n && p[j + 1] == '/'))
        return -1;
    return 1;
}

/* The path of `rel` seen from the directory of the file `from`. */
static char *resolve(const char *from, const char *rel, size_t rlen)
{
    const char *slash = strrchr(from, '/');
    size_t dlen = slash ? (size_t)(slash - from) + 1 : 0;
    char *p = malloc(dlen + rlen + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, from, dlen);
    memcpy(p + dlen, rel, rlen);
    p[dlen + rlen] = '\0';
    return p;
}

static fs_status expand_file(expander *x, const char *name, const origin *o);

/* Checks one @include line and expands the file it names. */
static fs_status expand_include(expander *x, const char *from, int line,
                                const char *rel, size_t rlen)
{
    char written[PATH_MAX];
    char *name = NULL;
    origin o;
    fs_status st;

    snprintf(written, sizeof written, "%.*s", (int)(rlen < PATH_MAX - 1 ? rlen : PATH_MAX - 1), rel);
    if (written[0] == '/')
        return fs_err_set(x->err, FS_ECONFIG,
                          "%s:%d: @include \"%s\": absolute include paths are not "
                          "allowed; write a path relative to this file",
                          from, line, written);
    if (x->depth > FS_MAX_INCLUDE_DEPTH)
        return fs_err_set(x->err, FS_ECONFIG,
                          "%s:%d: @include \"%s\": includes are nested more than %d deep",
                          from, line, written, FS_MAX_INCLUDE_DEPTH);
    name = resolve(from, written, strlen(written));
    if (name == NULL)
        return nomem(x->err);
    o.file = from;
    o.line = line;
    o.written = written;
    st = expand_file(x, name, &o);
    free(name);
    return st;
}

/* Names the chain of includes from the top-level file to `name`. */
static fs_status cycle_error(expander *x, const origin *o, const char *name, int from)
{
    char chain[FS_ERR_MSG_MAX / 2];
    size_t n = 0;
    int i;

    chain[0] = '\0';
    for (i = from; i < x->depth && n < sizeof chain; i++)
        n += (size_t)snprintf(chain + n, sizeof chain - n, "%s -> ", x->stack[i].name);
    if (n < sizeof chain)
        snprintf(chain + n, sizeof chain - n, "%s", name);
    return fs_err_set(x->err, FS_ECONFIG, "%s:%d: include cycle: %s",
                      o->file, o->line, chain);
}

static fs_status expand_text(expander *x, const char *buf, size_t len, int file)
{
    const char *p = buf, *end = buf + len, *nl, *path;
    const char *name = x->src->files[file];
    size_t plen;
    int line = 1, kind;
    fs_status st;

    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        kind = include_line(p, (size_t)(nl - p), &path, &plen);
        if (kind < 0)
            return fs_err_set(x->err, FS_ECONFIG,
                              "%s:%d: malformed @include: expected @include \"path\"",
                              name, line);
        st = kind ? expand_include(x, name, line, path, plen)
                  : add_line(x, p, (size_t)(nl - p), file, line);
        if (st != FS_OK)
            return st;
        p = nl + 1;
        line++;
    }
    return FS_OK;
}

/* Expands the text buf of the file `name` (identified by st for cycles). */
static fs_status expand_buffer(expander *x, const char *name, const origin *o,
                               const char *buf, size_t len, const struct stat *st)
{
    int i, file = 0;
    fs_status s;

    for (i = 0; i < x->depth; i++)
        if (x->stack[i].dev == st->st_dev && x->stack[i].ino == st->st_ino)
            return cycle_error(x, o, name, i);
    if (o == NULL && blank_text(buf, len))
        return fs_err_set(x->err, FS_ECONFIG, "%s: file is empty: expected a %s", name, x->what);
    s = add_file(x, name, &file);
    if (s != FS_OK)
        return s;
    x->stack[x->depth].dev = st->st_dev;
    x->stack[x->depth].ino = st->st_ino;
    x->stack[x->depth].name = x->src->files[file];
    x->depth++;
    s = expand_text(x, buf, len, file);
    x->depth--;
    return s;
}

static fs_status expand_file(expander *x, const char *name, const origin *o)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    fs_status s;

    s = slurp(name, o, x->what, &buf, &len, &st, x->err);
    if (s != FS_OK)
        return s;
    s = expand_buffer(x, name, o, buf, len, &st);
    free(buf);
    return s;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_' || c == '-' || c == '*' || c == '.' || c == '+';
}

/* Length of the string, comment or number-free run starting at p that the
 * widening pass copies unchanged; 0 if p starts none of them. */
static size_t skip_inert(const char *p)
{
    const char *q = p;

    if (*q == '"') {
        for (q++; *q && *q != '"'; q++)
            if (*q == '\\' && q[1])
                q++;
        return (size_t)(q - p) + (*q ? 1 : 0);
    }
    if (*q == '#' || (q[0] == '/' && q[1] == '/')) {
        while (*q && *q != '\n')
            q++;
        return (size_t)(q - p);
    }
    if (q[0] == '/' && q[1] == '*') {
        const char *e = strstr(q + 2, "*/");
        return e ? (size_t)(e + 2 - p) : strlen(p);
    }
    return 0;
}

/* The length of libconfig's 64-bit suffix at e: "L", "LL" or none. */
static size_t long_suffix(const char *e)
{
    return e[0] != 'L' ? 0 : e[1] == 'L' ? 2 : 1;
}

/* If p starts an integer literal that needs 64 bits and has no 'L', sets
 * *wide. Returns the literal's length with any suffix (0 if p is no integer
 * literal), or (size_t)-1 if it does not fit in 64 bits at all, suffix or
 * not: libconfig would clamp it without a word. */
static size_t int_literal(const char *p, int *wide)
{
    const char *q = p;
    char *e;
    long long v;
    unsigned long long u;
    size_t s;

    *wide = 0;
    if (*q == '+' || *q == '-')
        q++;
    if (*q < '0' || *q > '9')
        return 0;
    errno = 0;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
        u = strtoull(q + 2, &e, 16);
        if (e == q + 2)
            return 0;
        s = long_suffix(e);
        if (name_char(e[s]))
            return 0;
        if (errno == ERANGE)
            return (size_t)-1;
        *wide = s == 0 && u > 0x7fffffffULL;
        return (size_t)(e + s - p);
    }
    v = strtoll(p, &e, 10);
    s = long_suffix(e);
    if (name_char(e[s]))
        return 0;
    if (errno == ERANGE)
        return (size_t)-1;
    *wide = s == 0 && (v > INT32_MAX || v < INT32_MIN);
    return (size_t)(e + s - p);
}

static size_t line_of(const fs_source *s, const char *p)
{
    size_t line = 1;
    const char *q;
    for (q = s->text; q < p; q++)
        line += *q == '\n';
    return line;
}

/* The NUL escape \x00 in the string literal at p (length n), or NULL:
 * libconfig would end the string there and drop the rest unseen. */
static const char *nul_escape(const char *p, size_t n)
{
    size_t i;
    for (i = 1; i + 3 < n; i++) {
        if (p[i] != '\\')
            continue;
        if ((p[i + 1] == 'x' || p[i + 1] == 'X') && p[i + 2] == '0' && p[i + 3] == '0')
            return p + i;
        i++;   /* an escaped character, such as \\ */
    }
    return NULL;
}

/* The setting a line assigns ("name" of `name = ...` before p), for
 * messages; empty when there is none on the line before p. */
static void setting_before(const char *text, const char *p, char *buf, size_t n)
{
    const char *ls = p, *q, *e;
    size_t len;

    while (ls > text && ls[-1] != '\n')
        ls--;
    buf[0] = '\0';
    for (q = ls; q < p; q++) {
        if (!isalpha((unsigned char)*q) || (q > ls && name_char(q[-1])))
            continue;
        for (e = q; e < p && name_char(*e); e++)
            ;
        len = strspn(e, " \t");
        if (e + len < p && (e[len] == '=' || e[len] == ':')) {
            len = (size_t)(e - q) < n - 1 ? (size_t)(e - q) : n - 1;
            memcpy(buf, q, len);
            buf[len] = '\0';
        }
    }
}

/* Copies the text, appending 'L' to wide integer literals. */
static fs_status widen_ints(fs_source *s, fs_err *err)
{
    char *out = NULL, *t;
    size_t n = 0, cap = s->len + 64, k;
    const char *p = s->text;
    int wide, real;

    out = malloc(cap);
    if (out == NULL)
        return nomem(err);
    while (*p) {
        k = skip_inert(p);
        if (k == 0 && (p == s->text || !name_char(p[-1])))
            k = int_literal(p, &wide);
        else
            wide = 0;
        if (k > 0 && *p == '"' && nul_escape(p, k) != NULL) {
            const char *f = fs_source_where(s, (int)line_of(s, p), &real);
            char key[64];
            setting_before(s->text, p, key, sizeof key);
            fs_err_set(err, FS_ECONFIG, "%s:%d: %s%sexpected text without control characters, "
                       "found the escape \\x00 (the NUL character, which would cut the "
                       "string short)", f, real, key, key[0] ? ": " : "");
            goto fail;
        }
        if (k == (size_t)-1) {
            const char *f = fs_source_where(s, (int)line_of(s, p), &real);
            fs_err_set(err, FS_ECONFIG, "%s:%d: integer %.*s is outside the 64-bit range, -9223372036854775808 to 9223372036854775807",
                       f, real, (int)strspn(p, "+-0123456789xXabcdefABCDEF"), p);
            goto fail;
        }
        if (k == 0)
            k = 1;
        if (n + k + 2 > cap) {
            cap = 2 * (n + k + 2);
            t = realloc(out, cap);
            if (t == NULL) {
                nomem(err);
                goto fail;
            }
            out = t;
        }
        memcpy(out + n, p, k);
        n += k;
        p += k;
        if (wide)
            out[n++] = 'L';
    }
    out[n] = '\0';
    free(s->text);
    s->text = out;
    s->len = n;
    return FS_OK;
fail:
    free(out);
    return err ? err->code : FS_ECONFIG;
}

/* Widens integers once the whole text is there; on error, empties src. */
static fs_status source_finish(expander *x, fs_status st)
{
    fs_source *src = x->src;

    if (st == FS_OK && src->text == NULL)
        st = add_line(x, "", 0, 0, 1);
    if (st == FS_OK)
        st = widen_ints(src, x->err);
    if (st != FS_OK)
        fs_source_release(src);
    return st;
}

fs_status fs_source_read(fs_source *src, const char *path, const char *what, fs_err *err)
{
    expander x;

    memset(src, 0, sizeof *src);
    memset(&x, 0, sizeof x);
    x.src = src;
    x.what = what;
    x.err = err;
    return source_finish(&x, expand_file(&x, path, NULL));
}

fs_status fs_source_read_buffer(fs_source *src, const char *name, const char *text,
                                size_t len, const char *what, fs_err *err)
{
    expander x;
    struct stat st;
    fs_status s;

    memset(src, 0, sizeof *src);
    memset(&x, 0, sizeof x);
    x.src = src;
    x.what = what;
    x.err = err;
    /* A name that exists on disk keeps its identity, so that including it
     * from the buffer is reported as the cycle it would be. */
    if (stat(name, &st) != 0)
        memset(&st, 0, sizeof st);
    if (len > (size_t)FS_MAX_SCENARIO_BYTES)
        s = fs_err_set(err, FS_ECONFIG, "%s: file is larger than 16 MiB, the limit for "
                       "a %s", name, what);
    else if ((s = check_text(text, len, NULL, name, err)) == FS_OK)
        s = expand_buffer(&x, name, NULL, text, len, &st);
    return source_finish(&x, s);
}

/* 1 when line `line` of the expanded text has "= nan" or "= inf"
 * (libconfig has no literal for either). */
static int nan_on_line(const char *text, int line)
{
    const char *p = text, *end, *q;
    int i;

    for (i = 1; i < line && p && *p; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (p == NULL || *p == '\0')
        return 0;
    end = strchr(p, '\n');
    if (end == NULL)
        end = p + strlen(p);
    for (q = p; q < end; q++) {
        const char *v = q + 1;
        if (*q != '=' && *q != ':')
            continue;
        while (v < end && (*v == ' ' || *v == '\t' || *v == '-' || *v == '+'))
            v++;
        if (end - v < 3 || (strncasecmp(v, "nan", 3) != 0 && strncasecmp(v, "inf", 3) != 0))
            continue;
        if (end - v == 3 || !isalnum((unsigned char)v[3]) || strncasecmp(v, "infinity", 8) == 0)
            return 1;
    }
    return 0;
}

long fs_utf8_invalid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s, *p = u;
    unsigned long cp;
    int n, k;

    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        n = *p >= 0xC2 && *p <= 0xDF ? 1 : (*p & 0xF0) == 0xE0 ? 2
            : *p >= 0xF0 && *p <= 0xF4 ? 3 : 0;
        if (n == 0)
            return (long)(p - u);
        cp = *p & (0x3F >> n);
        for (k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return (long)(p - u);
            cp = cp << 6 | (p[k] & 0x3F);
        }
        /* Overlong three- and four-byte forms, surrogates, beyond U+10FFFF
         * (two-byte overlongs are the lead bytes C0 and C1, refused above). */
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return (long)(p - u);
        p += n + 1;
    }
    return -1;
}

const char *fs_control_name(unsigned cp)
{
    switch (cp) {
    case '\n': return " (a newline)";
    case '\r': return " (a carriage return)";
    case '\t': return " (a tab)";
    case 0x1B: return " (escape, which starts terminal control sequences)";
    case 0x9B: return " (CSI, which starts terminal control sequences)";
    default: return "";
    }
}

long fs_text_control(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s, *p;

    for (p = u; *p; p++) {
        if (*p < 0x20 || *p == 0x7F) {
            *cp = *p;
            return (long)(p - u);
        }
        /* U+0080 to U+009F, C2 80 to C2 9F in UTF-8: the C1 controls (CSI,
         * OSC, ...), which terminals obey as they do ESC sequences. */
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            *cp = p[1];
            return (long)(p - u);
        }
    }
    return -1;
}

/* ---- duplicate settings ----
 * libconfig says only "duplicate setting name". A small scanner that knows
 * just enough of its syntax (blanks, comments, strings, brackets, names
 * followed by '=' or ':') finds which name on the error line repeats one
 * of its group, and where that one is. One pass, at most a few rescans of
 * one group, and only after a failed parse. */

typedef struct scanner {
    const char *p;
    int line;      /* line of p */
    int at;        /* line of the last token */
} scanner;

enum { TOK_END, TOK_OPEN, TOK_CLOSE, TOK_NAME, TOK_OTHER };

#define MAX_NEST 256
#define MAX_TRIES 64

static void skip_blank(scanner *s)
{
    for (;;) {
        if (*s->p == '\n') {
            s->line++;
            s->p++;
        } else if (isspace((unsigned char)*s->p)) {
            s->p++;
        } else if (*s->p == '#' || (s->p[0] == '/' && s->p[1] == '/')) {
            s->p += strcspn(s->p, "\n");
        } else if (s->p[0] == '/' && s->p[1] == '*') {
            const char *e = strstr(s->p + 2, "*/");
            const char *stop = e ? e + 2 : s->p + strlen(s->p);
            for (; s->p < stop; s->p++)
                s->line += *s->p == '\n';
        } else {
            return;
        }
    }
}

/* The next token; for a name, its text is [*name, *name + *len). */
static int next_token(scanner *s, const char **name, size_t *len)
{
    const char *q;

    skip_blank(s);
    s->at = s->line;
    if (*s->p == '\0')
        return TOK_END;
    if (*s->p == '{' || *s->p == '(' || *s->p == '[') {
        s->p++;
        return TOK_OPEN;
    }
    if (*s->p == '}' || *s->p == ')' || *s->p == ']') {
        s->p++;
        return TOK_CLOSE;
    }
    if (*s->p == '"') {
        for (s->p++; *s->p && *s->p != '"'; s->p++) {
            if (*s->p == '\\' && s->p[1])
                s->p++;
            s->line += *s->p == '\n';
        }
        s->p += *s->p == '"';
        return TOK_OTHER;
    }
    if (!isalpha((unsigned char)*s->p) && *s->p != '*') {
        s->p++;
        return TOK_OTHER;
    }
    for (q = s->p; isalnum((unsigned char)*q) || *q == '_' || *q == '-' || *q == '*'; q++)
        ;
    *name = s->p;
    *len = (size_t)(q - s->p);
    s->p = q;
    skip_blank(s);
    return *s->p == '=' || *s->p == ':' ? TOK_NAME : TOK_OTHER;
}

/* The line of the first name key (klen bytes) at depth 0 of the group that
 * starts at from (on line `line`) and ends before stop; 0 if none. */
static int first_in_group(const char *from, int line, const char *stop, const char *key,
                          size_t klen)
{
    scanner s = {from, line, line};
    const char *name = NULL;
    size_t n = 0;
    int depth = 0, t;

    while (s.p < stop && (t = next_token(&s, &name, &n)) != TOK_END) {
        if (t == TOK_OPEN)
            depth++;
        else if (t == TOK_CLOSE)
            depth--;
        else if (t == TOK_NAME && depth == 0 && name < stop && n == klen
                 && memcmp(name, key, n) == 0)
            return s.at;
    }
    return 0;
}

/* For libconfig's duplicate on line errline of the expanded text: the
 * repeated name (into key) and the line of its first setting; 0 when not
 * found. libconfig stops at the first duplicate, so it is the first name of
 * the line that its group already has; only the first MAX_TRIES names of
 * the line are tried, which keeps a hostile one-line file linear. */
static int find_duplicate(const char *text, int errline, char *key, size_t n)
{
    const char *open[MAX_NEST], *name = NULL;
    int open_line[MAX_NEST], depth = 0, t, first, tries = 0;
    scanner s = {text, 1, 1};
    size_t len = 0;

    open[0] = text;
    open_line[0] = 1;
    while ((t = next_token(&s, &name, &len)) != TOK_END && s.at <= errline) {
        if (t == TOK_OPEN && depth + 1 < MAX_NEST) {
            open[++depth] = s.p;
            open_line[depth] = s.line;
        } else if (t == TOK_OPEN) {
            return 0;
        } else if (t == TOK_CLOSE && depth > 0) {
            depth--;
        } else if (t == TOK_NAME && s.at == errline && tries++ < MAX_TRIES
                   && (first = first_in_group(open[depth], open_line[depth], name, name,
                                              len)) > 0) {
            snprintf(key, n, "%.*s", (int)(len < 64 ? len : 64), name);
            return first;
        }
    }
    return 0;
}

fs_status fs_source_syntax_error(const fs_source *src, const config_t *cf, const char *what,
                                 fs_err *err)
{
    const char *text = config_error_text(cf);
    int line;
    const char *f = fs_source_where(src, config_error_line(cf), &line);
    char where[FS_ERR_MSG_MAX / 2], key[72];
    int first;

    if (line > 0)
        snprintf(where, sizeof where, "%s:%d", f, line);
    else
        snprintf(where, sizeof where, "%s", f);
    if (text == NULL || strcmp(text, "syntax error") == 0) {
        if (nan_on_line(src->text, config_error_line(cf)))
            return fs_err_set(err, FS_ECONFIG, "%s: syntax error; NaN and infinity are not "
                              "numbers a %s can hold: write a finite number", where, what);
        return fs_err_set(err, FS_ECONFIG, "%s: syntax error", where);
    }
    if (strcmp(text, "duplicate setting name") == 0
        && (first = find_duplicate(src->text, config_error_line(cf), key, sizeof key)) > 0) {
        int first_real;
        const char *first_file = fs_source_where(src, first, &first_real);
        if (strcmp(first_file, f) == 0)
            return fs_err_set(err, FS_ECONFIG, "%s: duplicate setting '%s': already set at "
                              "line %d, in the same group; remove one", where, key,
                              first_real);
        return fs_err_set(err, FS_ECONFIG, "%s: duplicate setting '%s': already set at "
                          "%s:%d, in the same group; remove one", where, key, first_file,
                          first_real);
    }
    return fs_err_set(err, FS_ECONFIG, "%s: syntax error: %s", where, text);
}

fs_status fs_source_append(fs_source *src, const fs_source *more, fs_err *err)
{
    int n = src->nlines + more->nlines, i;
    int *lf = realloc(src->lfile, (size_t)(n ? n : 1) * sizeof *lf), *ll;
    char **files;

    if (lf == NULL)
        return nomem(err);
    src->lfile = lf;
    ll = realloc(src->lline, (size_t)(n ? n : 1) * sizeof *ll);
    if (ll == NULL)
        return nomem(err);
    src->lline = ll;
    src->cap = n;
    files = realloc(src->files, (size_t)(src->nfiles + more->nfiles + 1) * sizeof *files);
    if (files == NULL)
        return nomem(err);
    src->files = files;
    for (i = 0; i < more->nlines; i++) {
        lf[src->nlines + i] = src->nfiles + more->lfile[i];
        ll[src->nlines + i] = more->lline[i];
    }
    for (i = 0; i < more->nfiles; i++) {
        files[src->nfiles + i] = strdup(more->files[i]);
        if (files[src->nfiles + i] == NULL) {
            while (--i >= 0)
                free(files[src->nfiles + i]);
            return nomem(err);
        }
    }
    src->nfiles += more->nfiles;
    src->nlines = n;
    return FS_OK;
}

void fs_source_release(fs_source *src)
{
    int i;

    if (src == NULL)
        return;
    for (i = 0; i < src->nfiles; i++)
        free(src->files[i]);
    free(src->files);
    free(src->text);
    free(src->lfile);
    free(src->lline);
    memset(src, 0, sizeof *src);
}

const char *fs_source_where(const fs_source *src, int line, int *real)
{
    *real = 0;
    if (src->nfiles == 0)
        return "";
    if (line <= 0 || src->nlines == 0)
        return src->files[0];
    if (line > src->nlines)
        line = src->nlines;
    *real = src->lline[line - 1];
    return src->files[src->lfile[line - 1]];
}
