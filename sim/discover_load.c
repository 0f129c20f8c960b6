/* discover_load.c: the options of foresight discover and the experiment
 * tables it reads: a sweep directory (sweep.csv with sweep_params.csv,
 * sweep_outputs.csv and meta.csv) or any CSV file with a header row.
 * Every bad cell is named by file:line:column. */
#include "discover.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvread.h"
#include "fsio.h"
#include "suggest.h"

void fs_disc_opts_default(fs_disc_opts *o)
{
    memset(o, 0, sizeof *o);
    fs_prim_opts_default(&o->prim);
    o->method = FS_DISC_PRIM;
    o->boxes = 1;
    o->seed = 1;
    o->min_leaf = 20;
    o->depth = 4;
    o->threads = 1;
}

void fs_disc_opts_release(fs_disc_opts *o)
{
    if (o == NULL)
        return;
    free(o->inputs);
    o->inputs = NULL;
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end == s || *end != '\0' || errno == ERANGE || !isfinite(*v) ? -1 : 0;
}

static int parse_int(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return end == s || *end != '\0' || errno || *v < lo || *v > hi ? -1 : 0;
}

static const char *const opt_names[] = {
    "output", "above", "below", "inputs", "method", "threshold", "peel-alpha", "paste-alpha",
    "mass-min", "box", "boxes", "resample", "seed", "min-leaf", "depth"
};
#define NOPTS ((int)(sizeof opt_names / sizeof opt_names[0]))

/* The numeric options: where each goes and its range. */
static fs_status set_number(fs_disc_opts *o, int which, const char *value, fs_err *err)
{
    static const struct { double lo, hi; int integer; const char *expect; } r[NOPTS] = {
        [1] = {-HUGE_VAL, HUGE_VAL, 0, "a number"},
        [2] = {-HUGE_VAL, HUGE_VAL, 0, "a number"},
        [5] = {0, 1, 0, "a number in [0, 1]"},
        [6] = {0, 0.5, 0, "a number in (0, 0.5)"},
        [7] = {0, 0.5, 0, "a number in (0, 0.5)"},
        [8] = {0, 1, 0, "a number in (0, 1)"},
        [9] = {0, 1e9, 1, "a whole number >= 0 (a box of discovery.csv)"},
        [10] = {1, FS_DISC_MAX_BOXES, 1, "a whole number from 1 to 20"},
        [11] = {0, 10000, 1, "a whole number from 0 to 10000"},
        [12] = {0, 9.2e18, 1, "a whole number >= 0"},
        [13] = {1, 1e9, 1, "a whole number >= 1"},
        [14] = {1, 12, 1, "a whole number from 1 to 12"},
    };
    double v = 0;
    long l = 0;
    int open = which >= 6 && which <= 8;   /* ranges open at both ends */
    int bad = r[which].integer ? (which == 12 ? parse_double(value, &v) || v != floor(v)
                                               || v < 0 || v > 9.2e18
                                              : parse_int(value, (long)r[which].lo,
                                                          (long)r[which].hi, &l))
              : parse_double(value, &v) || v < r[which].lo || v > r[which].hi
                || (open && (v <= r[which].lo || v >= r[which].hi));
    if (bad)
        return fs_err_set(err, FS_EUSAGE, "--%s: expected %s, found '%s'", opt_names[which],
                          r[which].expect, value);
    switch (which) {
    case 1: case 2:
        if (o->side == (which == 1 ? -1 : 1))
            return fs_err_set(err, FS_EUSAGE, "--above and --below together: a case is of "
                              "interest when its output is above a value or below one; "
                              "give one of them");
        o->side = which == 1 ? 1 : -1, o->value = v;
        break;
    case 5: o->prim.threshold = v; break;
    case 6: o->prim.peel_alpha = v; break;
    case 7: o->prim.paste_alpha = v; break;
    case 8: o->prim.mass_min = v; break;
    case 9: o->prim.box = (int)l; break;
    case 10: o->boxes = (int)l; break;
    case 11: o->resample = (int)l; break;
    case 12: o->seed = (uint64_t)v; break;
    case 13: o->min_leaf = (int)l; break;
    case 14: o->depth = (int)l; break;
    }
    return FS_OK;
}

/* The index of key in opt_names ('_' for '-'), or NOPTS. */
static int opt_index(const char *key)
{
    char k[32];
    size_t i;
    int which;
    snprintf(k, sizeof k, "%s", key);
    for (i = 0; k[i]; i++)
        if (k[i] == '_')
            k[i] = '-';
    for (which = 0; which < NOPTS && strcmp(k, opt_names[which]) != 0; which++)
        ;
    return strlen(key) < sizeof k ? which : NOPTS;
}

int fs_disc_opt_known(const char *key)
{
    return opt_index(key) < NOPTS;
}

fs_status fs_disc_opt_set(fs_disc_opts *o, const char *key, const char *value, fs_err *err)
{
    char hint[512];
    int which = opt_index(key);

    if (which == NOPTS) {
        fs_suggest(hint, sizeof hint, key, opt_names, NOPTS, "valid options are");
        return fs_err_set(err, FS_EUSAGE, "unknown option '--%s'%s", key, hint);
    }
    o->given |= 1u << which;
    if (which == 0) {
        if (value[0] == '\0' || strlen(value) >= sizeof o->output)
            return fs_err_set(err, FS_EUSAGE, "--output: expected an output's name, found "
                              "'%.100s'", value);
        snprintf(o->output, sizeof o->output, "%s", value);
        return FS_OK;
    }
    if (which == 3) {
        free(o->inputs);
        if ((o->inputs = strdup(value)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        return FS_OK;
    }
    if (which == 4) {
        if (strcmp(value, "prim") != 0 && strcmp(value, "cart") != 0)
            return fs_err_set(err, FS_EUSAGE, "--method: expected prim or cart, found '%s'",
                              value);
        o->method = strcmp(value, "cart") == 0 ? FS_DISC_CART : FS_DISC_PRIM;
        return FS_OK;
    }
    return set_number(o, which, value, err);
}

fs_status fs_disc_opts_check(const fs_disc_opts *o, fs_err *err)
{
    if (o->output[0] == '\0')
        return fs_err_set(err, FS_EUSAGE, "--output NAME is required: the output whose cases "
                          "of interest to explain");
    if (o->side == 0)
        return fs_err_set(err, FS_EUSAGE, "--above X or --below X is required: a case is of "
                          "interest when its output is above (or below) X; there is no "
                          "default");
    {
        static const int prim_only[] = {5, 6, 7, 8, 9, 10, 11, 12}, cart_only[] = {13, 14};
        const int *bad = o->method == FS_DISC_CART ? prim_only : cart_only;
        int i, n = o->method == FS_DISC_CART ? 8 : 2;
        for (i = 0; i < n; i++)
            if (o->given & 1u << bad[i])
                return fs_err_set(err, FS_EUSAGE, "--%s does not apply to --method %s (it is "
                                  "for %s)", opt_names[bad[i]],
                                  o->method == FS_DISC_CART ? "cart" : "prim",
                                  o->method == FS_DISC_CART ? "PRIM" : "CART");
    }
    return fs_prim_opts_check(&o->prim, err);
}

/* ---- tables ---- */

void fs_disc_table_free(fs_disc_table *t)
{
    int j;
    if (t == NULL)
        return;
    for (j = 0; j < t->k; j++)
        free(t->in[j].name), free(t->in[j].label);
    free(t->in);
    free(t->x);
    free(t->y);
    free(t->source);
    free(t->title);
    free(t);
}

static fs_status oom(fs_err *err)
{
    return fs_err_set(err, FS_ENOMEM, "out of memory reading the experiment table");
}

/* Whether --inputs names `name` (or `label`); every name it lists is
 * marked in used[]. With no --inputs, every candidate is taken. */
static int wanted(const fs_disc_opts *o, const char *name, const char *label, char *used)
{
    const char *p = o->inputs;
    int idx = 0, hit = 0;
    if (p == NULL)
        return 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        if ((strlen(name) == n && strncmp(p, name, n) == 0) ||
            (label && strlen(label) == n && strncmp(p, label, n) == 0))
            hit = 1, used[idx] = 1;
        p += n + (p[n] == ',');
        idx++;
    }
    return hit;
}

/* An --inputs name that matched no candidate: say which and list them. */
static fs_status unknown_input(const fs_disc_opts *o, const char *used, const char *file,
                               const char *const *cands, int ncands, fs_err *err)
{
    const char *p = o->inputs;
    int idx = 0;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        if (!used[idx]) {
            char word[FS_DISC_NAME_MAX], hint[1024];
            snprintf(word, sizeof word, "%.*s", (int)(n < 255 ? n : 255), p);
            if (strcmp(word, o->output) == 0)
                return fs_err_set(err, FS_EUSAGE, "--inputs: '%s' is the output (--output): it "
                                  "cannot be an input too", word);
            fs_suggest(hint, sizeof hint, word, cands, ncands, "its inputs are");
            return fs_err_set(err, FS_EUSAGE, "--inputs: '%s' is not an input of %s%s", word,
                              file, hint);
        }
        p += n + (p[n] == ',');
        idx++;
    }
    return FS_OK;
}

static fs_status add_input(fs_disc_table *t, const char *name, const char *label, int kind,
                           fs_err *err)
{
    fs_disc_input *in = &t->in[t->k];
    if (t->k >= FS_DISC_MAX_INPUTS)
        return fs_err_set(err, FS_EUSAGE, "%s: more than %d inputs; choose some with --inputs",
                          t->source, FS_DISC_MAX_INPUTS);
    memset(in, 0, sizeof *in);
    in->kind = kind;
    if ((in->name = strdup(name)) == NULL || (in->label = strdup(label ? label : name)) == NULL)
        return free(in->name), oom(err);
    t->k++;
    return FS_OK;
}

/* Reads the cells: inputs from columns col[0..k-1], the output from ocol;
 * sets each input's observed range and whether it is whole. */
static fs_status read_cells(const fs_csv *c, fs_disc_table *t, const int *col, int ocol,
                            fs_err *err)
{
    size_t n = fs_csv_nrows(c), i;
    int j;

    t->n = (int)n;
    t->x = malloc((n ? n : 1) * (size_t)(t->k ? t->k : 1) * sizeof *t->x);
    t->y = malloc((n ? n : 1) * sizeof *t->y);
    if (t->x == NULL || t->y == NULL)
        return oom(err);
    for (i = 0; i < n; i++) {
        if (fs_csv_num_req(c, i, ocol, &t->y[i], err) != FS_OK)
            return err->code;
        for (j = 0; j < t->k; j++)
            if (fs_csv_num_req(c, i, col[j], &t->x[(size_t)j * n + i], err) != FS_OK)
                return err->code;
    }
    for (j = 0; j < t->k; j++) {
        const double *x = t->x + (size_t)j * n;
        int whole = 1;
        double lo = x[0], hi = x[0];
        for (i = 0; i < n; i++) {
            lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
            whole &= x[i] == floor(x[i]);
        }
        if (t->sweep == 0)
            t->in[j].lo = lo, t->in[j].hi = hi, t->in[j].integer = whole;
    }
    return FS_OK;
}

static int is_number(const char *s)
{
    double v;
    return parse_double(s, &v) == 0;
}

/* A CSV file: every column but the output whose first value is a number
 * (or the --inputs columns). */
static fs_status load_csv(const char *path, const fs_disc_opts *o, fs_disc_table *t,
                          fs_err *err)
{
    fs_csv *c = fs_csv_read(path, err);
    int ncol, ocol, j, *col = NULL;
    char *used = NULL;
    const char **names = NULL;
    fs_status st;

    if (c == NULL)
        return err->code;
    ncol = fs_csv_ncols(c);
    if ((st = fs_csv_require(c, o->output, &ocol, err)) != FS_OK)
        goto done;
    if (fs_csv_nrows(c) == 0) {
        st = fs_err_set(err, FS_ECONFIG, "%s: no rows under the header: no cases to explore",
                        path);
        goto done;
    }
    col = malloc((size_t)ncol * sizeof *col);
    used = calloc((size_t)ncol + 1, 1);
    names = malloc((size_t)ncol * sizeof *names);
    t->in = calloc((size_t)ncol, sizeof *t->in);
    if (!col || !used || !names || !t->in) {
        st = oom(err);
        goto done;
    }
    for (j = 0; j < ncol; j++) {
        const char *name = fs_csv_header(c, j);
        names[j] = name;
        if (j == ocol || !wanted(o, name, NULL, used))
            continue;
        if (o->inputs == NULL && !is_number(fs_csv_str(c, 0, j)))
            continue;   /* a text column (a label, a policy's name) */
        col[t->k] = j;
        if ((st = add_input(t, name, NULL, -1, err)) != FS_OK)
            goto done;
    }
    if ((st = unknown_input(o, used, path, names, ncol, err)) != FS_OK)
        goto done;
    if (t->k == 0) {
        st = fs_err_set(err, FS_ECONFIG, "%s: no numeric column besides '%s' to explain it "
                        "with", path, o->output);
        goto done;
    }
    st = read_cells(c, t, col, ocol, err);
done:
    free(col), free(used), free(names);
    fs_csv_free(c);
    return st;
}

/* A sweep directory: inputs are its parameters, with their kinds, ranges
 * and labels (sweep_params.csv); the output one of sweep_outputs.csv. */
static fs_status load_sweep(const char *dir, const fs_disc_opts *o, fs_disc_table *t,
                            fs_err *err)
{
    static const char *const pcols[] = {"path", "kind", "lo", "hi", "integer"};
    fs_csv *p = NULL, *s = NULL, *out = NULL, *meta = NULL;
    int pc[5], lab, ocol, j, np, *col = NULL, oname, okind;
    char *used = NULL;
    const char **names = NULL;
    fs_status st;

    if ((st = fs_csv_open_in(dir, "sweep_params.csv", &p, err)) != FS_OK ||
        (st = fs_csv_open_in(dir, "sweep.csv", &s, err)) != FS_OK ||
        (st = fs_csv_open_in(dir, "sweep_outputs.csv", &out, err)) != FS_OK ||
        (st = fs_csv_open_in(dir, "meta.csv", &meta, err)) != FS_OK ||
        (st = fs_csv_require_all(p, pcols, pc, 5, err)) != FS_OK ||
        (st = fs_csv_require(out, "name", &oname, err)) != FS_OK ||
        (st = fs_csv_require(out, "kind", &okind, err)) != FS_OK)
        goto done;
    if (fs_csv_col(s, o->output) < 0 || fs_csv_col(out, "name") < 0) {
        const char *cands[64];
        char hint[1024];
        int n = (int)fs_csv_nrows(out) < 64 ? (int)fs_csv_nrows(out) : 64;
        for (j = 0; j < n; j++)
            cands[j] = fs_csv_str(out, (size_t)j, oname);
        fs_suggest(hint, sizeof hint, o->output, cands, n, "its outputs are");
        st = fs_err_set(err, FS_ECONFIG, "%s/sweep.csv: no output column '%s'%s", dir,
                        o->output, hint);
        goto done;
    }
    ocol = fs_csv_col(s, o->output);
    for (j = 0; j < (int)fs_csv_nrows(out); j++)
        if (strcmp(fs_csv_str(out, (size_t)j, oname), o->output) == 0)
            t->percent = strcmp(fs_csv_str(out, (size_t)j, okind), "outcome") == 0;
    for (j = 0; j < (int)fs_csv_nrows(meta); j++)
        if (strcmp(fs_csv_str(meta, (size_t)j, 0), "name") == 0 && fs_csv_ncols(meta) > 1 &&
            (t->title = strdup(fs_csv_str(meta, (size_t)j, 1))) == NULL) {
            st = oom(err);
            goto done;
        }
    lab = fs_csv_col(p, "label");
    np = (int)fs_csv_nrows(p);
    col = malloc((size_t)(np ? np : 1) * sizeof *col);
    used = calloc((size_t)np + 1, 1);
    names = malloc((size_t)(np ? np : 1) * sizeof *names);
    t->in = calloc((size_t)(np ? np : 1), sizeof *t->in);
    if (!col || !used || !names || !t->in) {
        st = oom(err);
        goto done;
    }
    for (j = 0; j < np; j++) {
        const char *path = fs_csv_str(p, (size_t)j, pc[0]);
        const char *label = lab >= 0 && fs_csv_str(p, (size_t)j, lab)[0]
                            ? fs_csv_str(p, (size_t)j, lab) : path;
        fs_disc_input *in;
        names[j] = path;
        if (!wanted(o, path, label, used))
            continue;
        if ((st = fs_csv_require(s, path, &col[t->k], err)) != FS_OK ||
            (st = add_input(t, path, label, strcmp(fs_csv_str(p, (size_t)j, pc[1]),
                                                   "lever") == 0, err)) != FS_OK)
            goto done;
        in = &t->in[t->k - 1];
        if ((st = fs_csv_num_req(p, (size_t)j, pc[2], &in->lo, err)) != FS_OK ||
            (st = fs_csv_num_req(p, (size_t)j, pc[3], &in->hi, err)) != FS_OK)
            goto done;
        in->integer = strcmp(fs_csv_str(p, (size_t)j, pc[4]), "1") == 0;
    }
    if ((st = unknown_input(o, used, dir, names, np, err)) != FS_OK)
        goto done;
    if (t->k == 0 || fs_csv_nrows(s) == 0) {
        st = fs_err_set(err, FS_ECONFIG, "%s: the sweep has %s", dir,
                        t->k ? "no points" : "no parameters");
        goto done;
    }
    st = read_cells(s, t, col, ocol, err);
done:
    free(col), free(used), free(names);
    fs_csv_free(p), fs_csv_free(s), fs_csv_free(out), fs_csv_free(meta);
    return st;
}

fs_status fs_disc_table_load(const char *source, const fs_disc_opts *o, fs_disc_table **out,
                             fs_err *err)
{
    fs_disc_table *t = calloc(1, sizeof *t);
    struct stat sb;
    fs_status st;

    *out = NULL;
    if (t == NULL || (t->source = strdup(source)) == NULL) {
        fs_disc_table_free(t);
        return oom(err);
    }
    if (stat(source, &sb) != 0) {
        fs_disc_table_free(t);
        return fs_err_set(err, FS_EUSAGE, "%s: %s (discover needs a sweep output directory "
                          "or a CSV file with a header row)", source, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode)) {
        char path[4096];
        if (fs_path_join(path, sizeof path, source, "sweep_params.csv") == NULL ||
            stat(path, &sb) != 0) {
            fs_disc_table_free(t);
            return fs_err_set(err, FS_EUSAGE, "%s is not a sweep output directory (no "
                              "sweep_params.csv): give a sweep directory or a CSV file",
                              source);
        }
        t->sweep = 1;
        st = load_sweep(source, o, t, err);
    } else {
        const char *slash = strrchr(source, '/');
        if ((t->title = strdup(slash ? slash + 1 : source)) == NULL) {
            fs_disc_table_free(t);
            return oom(err);
        }
        st = load_csv(source, o, t, err);
    }
    if (st == FS_OK && t->title == NULL && (t->title = strdup(source)) == NULL)
        st = oom(err);
    if (st != FS_OK) {
        fs_disc_table_free(t);
        return st;
    }
    *out = t;
    return FS_OK;
}
