/* discover.c: foresight discover. Marks the cases of interest, runs PRIM
 * (with covering and resampling) or CART on the table, and writes what
 * they found: discovery.csv, boxes.csv, discovery_cases.csv,
 * discovery_meta.csv and discovery.md, all or none, then the charts. */
#include "discover.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cart.h"
#include "fsio.h"
#include "output.h"
#include "plot_discover.h"

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

/* One reported box and its inspection. */
typedef struct rbox {
    fs_prim_box b;
    double *qp;
    long *n_drop, *ny_drop;
    long n_search, ny_search;   /* the cases it was searched among */
    int reached;                /* its density reaches the threshold (PRIM) */
    int node;                   /* CART: its leaf */
} rbox;

typedef struct finding {
    const fs_disc_table *t;
    const fs_disc_opts *o;
    unsigned char *y;
    long ny;                    /* cases of interest */
    fs_prim_data d;
    fs_prim_sorted *s;
    fs_prim_result prim[FS_DISC_MAX_BOXES];
    int nprim;
    fs_cart_tree tree;
    rbox *box;
    int nbox;
    double *share;              /* [k] resample shares, or NULL */
    int sx, sy;                 /* the scatter's inputs (sy -1: the output) */
} finding;

static double pct(long a, long b) { return b > 0 ? 100.0 * (double)a / (double)b : 0.0; }
static double ratio(long a, long b) { return b > 0 ? (double)a / (double)b : 0.0; }

static void finding_free(finding *f)
{
    int i;
    for (i = 0; i < f->nprim; i++)
        fs_prim_result_free(&f->prim[i]);
    for (i = 0; i < f->nbox; i++) {
        free(f->box[i].b.lo), free(f->box[i].b.hi);
        free(f->box[i].qp), free(f->box[i].n_drop), free(f->box[i].ny_drop);
    }
    free(f->box);
    fs_cart_free(&f->tree);
    fs_prim_sorted_free(f->s);
    free(f->share);
    free(f->y);
}

/* "escalation above 0.2" or, for a probability, "escalation above 20%". */
static void condition(char *buf, size_t n, const fs_disc_table *t, const fs_disc_opts *o)
{
    if (t->percent)
        snprintf(buf, n, "%s %s %.4g%%", o->output, o->side > 0 ? "above" : "below",
                 100 * o->value);
    else
        snprintf(buf, n, "%s %s %.6g", o->output, o->side > 0 ? "above" : "below", o->value);
}

/* Marks the cases of interest; none is a usage error that says how many
 * cases there are and the output's range. */
static fs_status mark(finding *f, fs_err *err)
{
    const fs_disc_table *t = f->t;
    double lo = t->y[0], hi = t->y[0];
    char cond[FS_DISC_NAME_MAX + 64];
    int i;

    if ((f->y = malloc((size_t)t->n)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    for (i = 0; i < t->n; i++) {
        f->y[i] = f->o->side > 0 ? t->y[i] > f->o->value : t->y[i] < f->o->value;
        f->ny += f->y[i];
        lo = fmin(lo, t->y[i]), hi = fmax(hi, t->y[i]);
    }
    if (f->ny > 0)
        return FS_OK;
    condition(cond, sizeof cond, t, f->o);
    return fs_err_set(err, FS_EUSAGE, "%s: no case has %s: none of its %d cases is of "
                      "interest (%s ranges from %.6g to %.6g); choose a value inside that "
                      "range", t->source, cond, t->n, f->o->output, lo, hi);
}

static fs_status box_alloc(rbox *r, int k, fs_err *err)
{
    memset(r, 0, sizeof *r);
    r->b.lo = malloc((size_t)k * sizeof(double));
    r->b.hi = malloc((size_t)k * sizeof(double));
    r->qp = malloc((size_t)k * sizeof *r->qp);
    r->n_drop = malloc((size_t)k * sizeof *r->n_drop);
    r->ny_drop = malloc((size_t)k * sizeof *r->ny_drop);
    if (!r->b.lo || !r->b.hi || !r->qp || !r->n_drop || !r->ny_drop)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    return FS_OK;
}

static fs_status run_prim(finding *f, fs_err *err)
{
    int k = f->d.k, b;
    fs_status st = fs_prim_cover(&f->d, f->s, &f->o->prim, f->o->boxes, f->prim, &f->nprim, err);
    if (st != FS_OK)
        return st;
    if ((f->box = calloc((size_t)f->nprim, sizeof *f->box)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    for (b = 0; b < f->nprim; b++) {
        const fs_prim_result *p = &f->prim[b];
        rbox *r = &f->box[b];
        f->nbox = b + 1;
        if ((st = box_alloc(r, k, err)) != FS_OK)
            return st;
        memcpy(r->b.lo, p->box.lo, (size_t)k * sizeof(double));
        memcpy(r->b.hi, p->box.hi, (size_t)k * sizeof(double));
        memcpy(r->qp, p->qp, (size_t)k * sizeof(double));
        memcpy(r->n_drop, p->n_drop, (size_t)k * sizeof(long));
        memcpy(r->ny_drop, p->ny_drop, (size_t)k * sizeof(long));
        r->b.n = p->box.n, r->b.ny = p->box.ny, r->b.nrestricted = p->box.nrestricted;
        r->n_search = p->n_total, r->ny_search = p->ny_total, r->reached = p->reached;
    }
    if (f->o->resample > 0) {
        if ((f->share = malloc((size_t)k * sizeof *f->share)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        return fs_prim_resample(&f->d, f->s, &f->o->prim, f->o->resample, f->o->seed,
                                f->o->threads, f->share, err);
    }
    return FS_OK;
}

typedef struct leafkey {
    long ny;
    int node;
} leafkey;

/* Leaves of interest by cases of interest, most first, then node order. */
static int by_interest(const void *a, const void *b)
{
    const leafkey *x = a, *y = b;
    if (x->ny != y->ny)
        return x->ny < y->ny ? 1 : -1;
    return x->node - y->node;
}

static fs_status run_cart(finding *f, fs_err *err)
{
    int i, n = 0;
    leafkey *leaf;
    fs_status st = fs_cart_grow(&f->d, f->s, f->o->min_leaf, f->o->depth, &f->tree, err);
    if (st != FS_OK)
        return st;
    if ((leaf = malloc((size_t)f->tree.nnodes * sizeof *leaf)) == NULL ||
        (f->box = calloc((size_t)f->tree.nnodes, sizeof *f->box)) == NULL) {
        free(leaf);
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    }
    for (i = 0; i < f->tree.nnodes; i++)
        if (f->tree.nodes[i].input < 0 && 2 * f->tree.nodes[i].ny > f->tree.nodes[i].n)
            leaf[n].ny = f->tree.nodes[i].ny, leaf[n++].node = i;
    qsort(leaf, (size_t)n, sizeof *leaf, by_interest);
    for (i = 0; i < n && st == FS_OK; i++) {
        rbox *r = &f->box[i];
        f->nbox = i + 1;
        if ((st = box_alloc(r, f->d.k, err)) != FS_OK)
            break;
        fs_cart_box(&f->tree, leaf[i].node, f->d.k, r->b.lo, r->b.hi);
        fs_prim_inspect(&f->d, NULL, &r->b, r->qp, r->n_drop, r->ny_drop);
        r->n_search = f->d.n, r->ny_search = f->ny, r->node = leaf[i].node;
        r->reached = 1;
    }
    free(leaf);
    return st;
}

/* The scatter's inputs: box 1's restrictions by quasi-p (most significant
 * first), then unrestricted inputs in order; with one input, the output. */
static void pick_scatter(finding *f)
{
    int k = f->d.k, j, pick[2] = {-1, -1}, m;
    const rbox *r = f->nbox > 0 ? &f->box[0] : NULL;
    for (m = 0; m < 2; m++)
        for (j = 0; j < k; j++) {
            if (j == pick[0])
                continue;
            if (r && isfinite(r->qp[j]) && (pick[m] < 0 || !isfinite(r->qp[pick[m]]) ||
                                            r->qp[j] < r->qp[pick[m]]))
                pick[m] = j;
            else if (pick[m] < 0)
                pick[m] = j;
        }
    f->sx = pick[0];
    f->sy = pick[1];
}

/* ---- files ---- */

static void num(FILE *out, double x)
{
    fputc(',', out);
    if (isfinite(x))
        fprintf(out, "%.10g", x == 0.0 ? 0.0 : x);
}

static void restricted_names(FILE *out, const finding *f, const fs_prim_box *b)
{
    char buf[8192];
    size_t len = 0;
    int j;
    buf[0] = '\0';
    for (j = 0; j < f->d.k; j++)
        if ((isfinite(b->lo[j]) || isfinite(b->hi[j])) && len < sizeof buf - 1)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? ";" : "",
                                    f->t->in[j].name);
    fputc(',', out);
    fs_csv_field(out, buf);
}

static void traj_row(FILE *out, const finding *f, int search, int box, const fs_prim_box *b,
                     long n_search, long ny_search, int chosen)
{
    fprintf(out, "%d,%d", search, box);
    num(out, ratio(b->ny, ny_search)), num(out, ratio(b->ny, b->n)), num(out, ratio(b->n, n_search));
    fprintf(out, ",%ld,%ld,%d", b->n, b->ny, b->nrestricted);
    restricted_names(out, f, b);
    fprintf(out, ",%d\n", chosen);
}

static void write_discovery_csv(FILE *out, const finding *f)
{
    int b, i;
    fputs("search,box,coverage,density,mass,cases,cases_of_interest,restricted,inputs,chosen\n",
          out);
    for (b = 0; b < f->nprim; b++)
        for (i = 0; i < f->prim[b].nsteps; i++)
            traj_row(out, f, b + 1, i, &f->prim[b].traj[i], f->prim[b].n_total,
                     f->prim[b].ny_total, i == f->prim[b].chosen ? b + 1 : 0);
    if (f->o->method == FS_DISC_CART) {
        double lo[FS_DISC_MAX_INPUTS], hi[FS_DISC_MAX_INPUTS];
        fs_prim_box b2 = {lo, hi, 0, 0, 0};
        int leafno = 0;
        for (i = 0; i < f->tree.nnodes; i++) {
            const fs_cart_node *nd = &f->tree.nodes[i];
            int j, chosen = 0;
            if (nd->input >= 0)
                continue;
            for (j = 0; j < f->nbox; j++)
                if (f->box[j].node == i)
                    chosen = j + 1;
            fs_cart_box(&f->tree, i, f->d.k, lo, hi);
            b2.n = nd->n, b2.ny = nd->ny, b2.nrestricted = 0;
            for (j = 0; j < f->d.k; j++)
                b2.nrestricted += isfinite(lo[j]) || isfinite(hi[j]);
            traj_row(out, f, 1, ++leafno, &b2, f->d.n, f->ny, chosen);
        }
    }
}

static void write_boxes_csv(FILE *out, const finding *f)
{
    int b, j;
    fputs("box,input,label,kind,restricted,lower,upper,range_lo,range_hi,quasi_p,"
          "resample_share,coverage,density,mass,cases,cases_of_interest,"
          "share_of_all_interest\n", out);
    for (b = 0; b < f->nbox; b++) {
        const rbox *r = &f->box[b];
        for (j = 0; j < f->d.k; j++) {
            const fs_disc_input *in = &f->t->in[j];
            int res = isfinite(r->b.lo[j]) || isfinite(r->b.hi[j]);
            fprintf(out, "%d,", b + 1);
            fs_csv_field(out, in->name);
            fputc(',', out);
            fs_csv_field(out, in->label);
            fprintf(out, ",%s,%d", in->kind < 0 ? "input" : in->kind ? "lever" : "uncertainty",
                    res);
            num(out, isfinite(r->b.lo[j]) ? r->b.lo[j] : in->lo);
            num(out, isfinite(r->b.hi[j]) ? r->b.hi[j] : in->hi);
            num(out, in->lo), num(out, in->hi);
            num(out, res ? r->qp[j] : NAN);
            num(out, f->share ? f->share[j] : NAN);
            num(out, ratio(r->b.ny, r->ny_search)), num(out, ratio(r->b.ny, r->b.n));
            num(out, ratio(r->b.n, r->n_search));
            fprintf(out, ",%ld,%ld", r->b.n, r->b.ny);
            num(out, ratio(r->b.ny, f->ny));
            fputc('\n', out);
        }
    }
}

static void write_cases_csv(FILE *out, const finding *f)
{
    int i, n = f->t->n;
    fputs("case,x,y,interest\n", out);
    for (i = 0; i < n; i++) {
        fprintf(out, "%d", i);
        num(out, f->t->x[(size_t)f->sx * n + i]);
        num(out, f->sy >= 0 ? f->t->x[(size_t)f->sy * n + i] : f->t->y[i]);
        fprintf(out, ",%d\n", f->y[i]);
    }
}

static void meta_str(FILE *out, const char *key, const char *v)
{
    fprintf(out, "%s,", key);
    fs_csv_field(out, v);
    fputc('\n', out);
}

static void write_meta_csv(FILE *out, const finding *f)
{
    const fs_disc_opts *o = f->o;
    const fs_disc_table *t = f->t;
    char cond[FS_DISC_NAME_MAX + 64];
    condition(cond, sizeof cond, t, o);
    fputs("key,value\n", out);
    meta_str(out, "source", t->source);
    meta_str(out, "title", t->title);
    meta_str(out, "output", o->output);
    meta_str(out, "condition", cond);
    fprintf(out, "side,%s\nvalue,%.17g\npercent,%d\n", o->side > 0 ? "above" : "below",
            o->value, t->percent);
    fprintf(out, "method,%s\ncases,%d\ncases_of_interest,%ld\ninputs,%d\n",
            o->method == FS_DISC_CART ? "cart" : "prim", t->n, f->ny, t->k);
    fprintf(out, "threshold,%.17g\npeel_alpha,%.17g\npaste_alpha,%.17g\nmass_min,%.17g\n",
            o->prim.threshold, o->prim.peel_alpha, o->prim.paste_alpha, o->prim.mass_min);
    fprintf(out, "box,%d\nboxes,%d\nresample,%d\nseed,%llu\nmin_leaf,%d\ndepth,%d\n",
            o->prim.box, o->boxes, o->resample, (unsigned long long)o->seed, o->min_leaf,
            o->depth);
    meta_str(out, "scatter_x", t->in[f->sx].name);
    meta_str(out, "scatter_x_label", t->in[f->sx].label);
    meta_str(out, "scatter_y", f->sy >= 0 ? t->in[f->sy].name : o->output);
    meta_str(out, "scatter_y_label", f->sy >= 0 ? t->in[f->sy].label : o->output);
    meta_str(out, "version", FS_VERSION);
}

/* ---- discovery.md ---- */

static void fmt_qp(char *buf, size_t n, double qp)
{
    if (qp < 0.001)
        snprintf(buf, n, "quasi-p < 0.001");
    else
        snprintf(buf, n, "quasi-p %.2g", qp);
}

/* "RATS sharing intensity is below 0.35" */
static void restriction(char *buf, size_t n, const fs_disc_input *in, double lo, double hi)
{
    const char *fmt = in->integer ? "%.0f" : "%.3g";
    char a[64], b[64];
    snprintf(a, sizeof a, fmt, lo);
    snprintf(b, sizeof b, fmt, hi);
    if (isfinite(lo) && isfinite(hi))
        snprintf(buf, n, "%s is %s %s and %s", in->label, in->integer ? "from" : "between", a, b);
    else if (isfinite(lo))
        snprintf(buf, n, "%s is %s %s", in->label, in->integer ? "at least" : "above", a);
    else
        snprintf(buf, n, "%s is %s %s", in->label, in->integer ? "at most" : "below", b);
}

/* Joins the phrases of the inputs in `which` with commas and "and". */
static void join(FILE *out, const finding *f, const rbox *r, const int *which, int m)
{
    int i;
    for (i = 0; i < m; i++) {
        char buf[1024];
        int j = which[i];
        restriction(buf, sizeof buf, &f->t->in[j], r->b.lo[j], r->b.hi[j]);
        fprintf(out, "%s%s", i == 0 ? "" : i == m - 1 ? " and " : ", ", buf);
    }
}

static void cap_first(char *s)
{
    s[0] = (char)toupper((unsigned char)s[0]);
}

static void brief_kinds(FILE *out, const finding *f, const rbox *r, const int *res, int m)
{
    int kind, i, which[FS_DISC_MAX_INPUTS], c;
    static const char *what[] = {"What it must live with (uncertainties)",
                                 "What the workshop can decide (levers)"};
    for (kind = 1; kind >= 0; kind--) {
        for (i = 0, c = 0; i < m; i++)
            if (f->t->in[res[i]].kind == kind)
                which[c++] = res[i];
        if (c == 0)
            continue;
        fprintf(out, "- %s: ", what[kind]);
        join(out, f, r, which, c);
        fputs(".\n", out);
    }
}

static void brief_significance(FILE *out, const finding *f, const rbox *r, const int *res, int m)
{
    int i, sig = 0;
    double worst = 0;
    char q[64];
    for (i = 0; i < m; i++)
        if (r->qp[res[i]] < 0.05)
            sig++, worst = fmax(worst, r->qp[res[i]]);
    if (sig > 0) {
        fmt_qp(q, sizeof q, worst);
        if (sig == m)
            fprintf(out, "%s (%s%s).", m == 1 ? "The restriction is significant"
                    : m == 2 ? "Both restrictions are significant" : "All restrictions are "
                    "significant", m > 1 && worst >= 0.001 ? "largest " : "", q);
        else
            fprintf(out, "%d of the %d restrictions %s significant (%s%s).", sig, m,
                    sig == 1 ? "is" : "are", sig > 1 && worst >= 0.001 ? "largest " : "", q);
    }
    for (i = 0; i < m; i++)
        if (!(r->qp[res[i]] < 0.05)) {
            fmt_qp(q, sizeof q, r->qp[res[i]]);
            fprintf(out, "%s%s is not significant (%s): treat it as noise.", sig ? " " : "",
                    f->t->in[res[i]].label, q);
            sig = 1;
        }
    fputc('\n', out);
}

static void brief_resample(FILE *out, const finding *f, const rbox *r)
{
    int j, any = 0;
    fputc('\n', out);
    for (j = 0; j < f->d.k; j++) {
        int res = isfinite(r->b.lo[j]) || isfinite(r->b.hi[j]);
        double s = f->share[j];
        if (res && s < 0.5)
            fprintf(out, "%s%s is restricted in only %.0f%% of %d resamples: treat it as "
                    "noise.", any++ ? " " : "", f->t->in[j].label, 100 * s, f->o->resample);
        else if (res)
            fprintf(out, "%s%s is restricted in %.0f%% of %d resamples.", any++ ? " " : "",
                    f->t->in[j].label, 100 * s, f->o->resample);
        else if (s >= 0.5)
            fprintf(out, "%s%s is not restricted here but is in %.0f%% of %d resamples: look "
                    "at it.", any++ ? " " : "", f->t->in[j].label, 100 * s, f->o->resample);
    }
    fputs(any ? "\n" : "", out);
}

static void brief_box(FILE *out, const finding *f, int b, const char *cond, const char *h)
{
    const rbox *r = &f->box[b];
    int res[FS_DISC_MAX_INPUTS], m = 0, j;
    char c[FS_DISC_NAME_MAX + 64];

    for (j = 0; j < f->d.k; j++)
        if (isfinite(r->b.lo[j]) || isfinite(r->b.hi[j]))
            res[m++] = j;
    fprintf(out, "%s Box %d\n\n", h, b + 1);
    if (!r->reached)
        fprintf(out, "No box on the peeling trajectory reaches the density threshold of "
                "%.0f%%; the densest one is reported.\n\n", 100 * f->o->prim.threshold);
    snprintf(c, sizeof c, "%s", cond);
    if (f->t->sweep)
        cap_first(c);   /* a sweep's output names are words; a column's is kept as is */
    if (m == 0 && r->b.ny == r->n_search) {
        fprintf(out, "Every case %s has %s: there is nothing to tell apart.\n\n",
                b ? "left" : "explored", cond);
        return;
    }
    if (m == 0) {
        fprintf(out, "No restriction of the inputs concentrates the cases with %s: they make "
                "%.0f%% of the %ld cases %s, and no box found holds them more densely.\n",
                cond, pct(r->b.ny, r->b.n), r->b.n, b ? "left" : "explored");
        fputc('\n', out);
        return;
    }
    fprintf(out, "%s happens in %.0f%% of the cases where ", c, pct(r->b.ny, r->b.n));
    join(out, f, r, res, m);
    fprintf(out, " (box %d: %.0f%% of the cases %s, %ld of %ld; it holds %.0f%% of all cases "
            "with %s, %ld of %ld).\n\n", b + 1, pct(r->b.n, r->n_search),
            b && f->o->method == FS_DISC_PRIM ? "left outside the earlier boxes" : "explored",
            r->b.n, r->n_search, pct(r->b.ny, f->ny), cond, r->b.ny, f->ny);
    if (f->t->sweep)
        brief_kinds(out, f, r, res, m), fputc('\n', out);
    brief_significance(out, f, r, res, m);
    if (f->share && b == 0)
        brief_resample(out, f, r);
    fputc('\n', out);
}

static void rules(FILE *out, const finding *f, int node, int indent)
{
    const fs_cart_node *nd = &f->tree.nodes[node];
    if (nd->input < 0) {
        fprintf(out, "%*s-> %s: %.0f%% of %ld cases (%.0f%% of all cases of interest)\n",
                indent, "", 2 * nd->ny > nd->n ? "OF INTEREST" : "not", pct(nd->ny, nd->n),
                nd->n, pct(nd->ny, f->ny));
        return;
    }
    fprintf(out, "%*sif %s <= %.4g:\n", indent, "", f->t->in[nd->input].label, nd->split);
    rules(out, f, nd->left, indent + 4);
    fprintf(out, "%*selse (%s > %.4g):\n", indent, "", f->t->in[nd->input].label, nd->split);
    rules(out, f, nd->right, indent + 4);
}

/* The findings, for discovery.md and sweep.md; h is the boxes' heading
 * ("##" in discovery.md, "###" under sweep.md's section). */
static void write_reading(FILE *out, const finding *f, const char *h)
{
    const fs_disc_opts *o = f->o;
    char cond[FS_DISC_NAME_MAX + 64];
    int b;

    condition(cond, sizeof cond, f->t, o);
    fprintf(out, "%d of the %d cases explored (%.0f%%) have %s. ", (int)f->ny, f->t->n,
            pct(f->ny, f->t->n), cond);
    if (o->method == FS_DISC_PRIM)
        fprintf(out, "PRIM (peel_alpha %g, paste_alpha %g, mass_min %g, threshold %g%s) "
                "found %d box%s.\n\n", o->prim.peel_alpha, o->prim.paste_alpha,
                o->prim.mass_min, o->prim.threshold,
                o->prim.peel_alpha == 0.05 && o->prim.paste_alpha == 0.05 &&
                o->prim.mass_min == 0.05 && o->prim.threshold == 0.8
                ? ": EMA Workbench's defaults" : "", f->nbox, f->nbox == 1 ? "" : "es");
    else
        fprintf(out, "A classification tree (Gini, at least %d cases per leaf, depth at most "
                "%d) has %d lea%s where cases of interest are the majority.\n\n", o->min_leaf,
                o->depth, f->nbox, f->nbox == 1 ? "f" : "ves");
    for (b = 0; b < f->nbox; b++)
        brief_box(out, f, b, cond, h);
    if (o->method == FS_DISC_CART) {
        fputs("The tree, as rules:\n\n```\n", out);
        rules(out, f, 0, 0);
        fputs("```\n\n", out);
    }
}

static void write_md(FILE *out, const finding *f)
{
    char cond[FS_DISC_NAME_MAX + 64];
    condition(cond, sizeof cond, f->t, f->o);
    fprintf(out, "# When does it go wrong? %s\n\nSource: `%s` (%s). A case is of interest "
            "when %s.\n\n", f->t->title, f->t->source, f->t->sweep ? "a sweep" : "a CSV file",
            cond);
    write_reading(out, f, "##");
    fputs("Quasi-p-values: a one-sided binomial test of each box's density against the "
          "density with that one restriction dropped (Bryant and Lempert 2010); a large one "
          "means the restriction adds little. Files: discovery.csv (the peeling trajectory "
          "or the tree's leaves), boxes.csv (every box's limits), discovery_cases.csv, "
          "discovery_meta.csv; docs/DISCOVERY.md explains them and the charts.\n", out);
}

static fs_status write_files(const finding *f, const char *outdir, fs_err *err)
{
    fs_outset *set;
    FILE *out;
    if (fs_mkdir_p(outdir, err) != FS_OK || (set = fs_outset_new(outdir, err)) == NULL)
        return err->code;
#define OPEN(name) if ((out = fs_outset_open(set, name, err)) == NULL) goto fail;
    OPEN("discovery.csv");
    write_discovery_csv(out, f);
    OPEN("boxes.csv");
    write_boxes_csv(out, f);
    OPEN("discovery_cases.csv");
    write_cases_csv(out, f);
    OPEN("discovery_meta.csv");
    write_meta_csv(out, f);
    OPEN("discovery.md");
    write_md(out, f);
#undef OPEN
    return fs_outset_commit(set, err);
fail:
    fs_outset_abort(set);
    return err->code;
}

static fs_status reading_text(const finding *f, char **reading, fs_err *err)
{
    size_t len = 0;
    FILE *m = open_memstream(reading, &len);
    if (m == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    write_reading(m, f, "###");
    fputs("Files: discovery.md, discovery.csv, boxes.csv (docs/DISCOVERY.md).\n", m);
    if (fclose(m) != 0)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    return FS_OK;
}

fs_status fs_discover(const char *source, const fs_disc_opts *o, const char *outdir, int charts,
                      const fs_plot_opts *plot, char **reading, fs_err *err)
{
    fs_disc_table *t = NULL;
    finding f;
    fs_status st;

    memset(&f, 0, sizeof f);
    if (reading)
        *reading = NULL;
    if ((st = fs_disc_opts_check(o, err)) != FS_OK ||
        (st = fs_disc_table_load(source, o, &t, err)) != FS_OK)
        return st;
    f.t = t, f.o = o;
    f.d.n = t->n, f.d.k = t->k, f.d.x = t->x;
    if ((st = mark(&f, err)) != FS_OK)
        goto done;
    f.d.y = f.y;
    if ((f.s = fs_prim_sort(&f.d, err)) == NULL) {
        st = err->code;
        goto done;
    }
    st = o->method == FS_DISC_CART ? run_cart(&f, err) : run_prim(&f, err);
    if (st != FS_OK)
        goto done;
    pick_scatter(&f);
    if ((st = write_files(&f, outdir, err)) != FS_OK)
        goto done;
    if (reading && (st = reading_text(&f, reading, err)) != FS_OK)
        goto done;
    if (charts) {
        fs_plot_opts po;
        fs_plot_opts_resolve(plot, &po);
        po.outdir = NULL;
        st = fs_plot_discover_dir(outdir, &po, err);
    }
done:
    finding_free(&f);
    fs_disc_table_free(t);
    return st;
}
