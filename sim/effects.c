/* effects.c: each scheduled inject's effect, paired against its muted copy. */
#include "effects.h"

#include <math.h>
#include <string.h>

#include "output.h"
#include "stats.h"

#define LATER 12   /* trust is also read this many steps after the inject */

/* The injects' cells always fit: cell_index never runs out of room. */
_Static_assert(FS_MAX_EFFECTS * FS_EFFECT_EXTRA <= FS_MAX_PAIR_CELLS,
               "the measured injects' cells must fit the engine's paired cells");

/* The index of cell in p->cells, added if new. */
static int cell_index(fs_effects_plan *p, int cell)
{
    int i;
    for (i = 0; i < p->ncells; i++)
        if (p->cells[i] == cell)
            return i;
    p->cells[p->ncells] = cell;
    return p->ncells++;
}

/* The tracked index of pair (a, b), or -1. */
static int tracked(const fs_layout *l, int a, int b)
{
    int j, t;
    if (a > b)
        t = a, a = b, b = t;
    for (j = 0; j < l->ntracked; j++)
        if (l->tracked_a[j] == a && l->tracked_b[j] == b)
            return j;
    return -1;
}

/* The extra cells of inject in, in the order fs_effects_measure names
 * them: attacks, casualties, final stability of its actor; the pair's
 * trust at the end, then LATER steps after the inject. */
static int extra_cells(const fs_layout *l, const fs_scenario *sc, const fs_inject *in,
                       int *cells)
{
    int n = 0, a = in->actor, b = in->actor2, j;
    if (a < 0)
        return 0;
    cells[n++] = fs_cell_at(l, a, FS_AT_ATTACKS);
    cells[n++] = fs_cell_at(l, a, FS_AT_CASUALTIES);
    cells[n++] = fs_cell_at(l, a, FS_AT_FINAL_STABILITY);
    if (b >= 0 && b != a) {
        cells[n++] = fs_cell_trust(l, a < b ? a : b, a < b ? b : a);
        j = tracked(l, a, b);
        if (j >= 0 && in->hazard == 0.0 && in->step + LATER < sc->steps)
            cells[n++] = fs_cell_tp(l, in->step + LATER, j);
    }
    return n;
}

void fs_effects_plan_make(fs_effects_plan *p, const fs_scenario *sc)
{
    fs_layout l;
    int i, k, cells[FS_EFFECT_EXTRA];

    memset(p, 0, sizeof *p);
    fs_layout_init(&l, sc);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *in = &sc->injects[i];
        int n;
        if (!in->measure)
            continue;
        if (p->n == FS_MAX_EFFECTS - (sc->baseline != NULL)) {
            p->skipped++;
            continue;
        }
        n = extra_cells(&l, sc, in, cells);
        for (k = 0; k < n; k++)
            p->extra[p->n][k] = cell_index(p, cells[k]);
        p->nextra[p->n] = n;
        p->inject[p->n++] = i;
    }
    p->nfirst = p->ncells;
}

int fs_effects_unmeasured(const fs_scenario *sc, char *buf, size_t n)
{
    int i, want = 0, room = FS_MAX_EFFECTS - (sc->baseline != NULL), skipped = 0;
    size_t len;
    for (i = 0; i < sc->ninjects; i++)
        want += sc->injects[i].measure;
    if (want <= room) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    len = (size_t)snprintf(buf, n, "%d injects are to be measured (measure = true, by "
                           "default every scheduled inject), but a run measures at most %d%s; "
                           "left out:", want, room,
                           sc->baseline ? " beside its baseline" : "");
    for (i = 0; i < sc->ninjects && len < n; i++) {
        if (!sc->injects[i].measure || ++skipped <= room)
            continue;
        len += (size_t)snprintf(buf + len, n - len, " %s", sc->injects[i].id);
    }
    if (len < n)
        snprintf(buf + len, n - len, " (set measure = false on the injects you need not "
                 "measure, or compare with the scenario without them)");
    return want - room;
}

static int actor_by_id(const fs_scenario *sc, const char *id)
{
    int a;
    for (a = 0; a < sc->nactors; a++)
        if (strcmp(sc->actors[a].id, id) == 0)
            return a;
    return -1;
}

void fs_effects_plan_baseline(fs_effects_plan *p, const fs_scenario *sc, const fs_scenario *b)
{
    fs_layout l, lb;
    int in_b[FS_MAX_ACTORS];   /* each actor's index in b, or -1 */
    int a, c, common = 0, m;

    p->nfirst = p->ncells;
    p->npairs = 0;
    for (a = 0; a < sc->nactors; a++)
        common += (in_b[a] = actor_by_id(b, sc->actors[a].id)) >= 0;
    if (common < 2 || p->ncells + common * (common - 1) / 2 > FS_MAX_PAIR_CELLS)
        return;   /* no pair, or too many to pair: the headlines only */
    fs_layout_init(&l, sc);
    fs_layout_init(&lb, b);
    for (a = 0; a < sc->nactors; a++)
        for (c = a + 1; c < sc->nactors; c++) {
            int x = in_b[a], y = in_b[c];
            if (x < 0 || y < 0)
                continue;
            m = p->npairs++;
            p->pair_a[m] = a, p->pair_b[m] = c;
            p->base_cells[m] = fs_cell_trust(&lb, x < y ? x : y, x < y ? y : x);
            p->cells[p->ncells++] = fs_cell_trust(&l, a, c);
        }
}

void fs_effects_cells_of(const fs_effects_plan *p, int i, int *out)
{
    int c;
    for (c = 0; c < p->ncells; c++)
        out[c] = i <= p->n ? (c < p->nfirst ? p->cells[c] : -1)
                           : (c < p->nfirst ? -1 : p->base_cells[c - p->nfirst]);
}

/* Row r from scenario 0's cell and scenario j + 1's cell (the same index
 * in a muted copy; the baseline's own), and their paired difference h. */
static void row_from(fs_effect *r, const fs_engine *e, int j, int cell, int cellj, int h)
{
    const fs_moments *w = fs_acc_moments(fs_engine_acc_of(e, 0), cell);
    const fs_moments *wo = fs_acc_moments(fs_engine_acc_of(e, j + 1), cellj);
    /* The engine pairs copy minus scenario: the effect is its negative. */
    const fs_moments *d = fs_acc_moments(fs_engine_pairs(e), j * fs_engine_pair_width(e) + h);
    double se = d->n > 1 ? fs_moments_sd(d) / sqrt(d->n) : NAN;
    r->with = w->n > 0 ? w->mean : NAN;
    r->without = wo->n > 0 ? wo->mean : NAN;
    r->effect = d->n > 0 ? -d->mean : NAN;
    r->lo95 = r->effect - FS_Z95 * se;
    r->hi95 = r->effect + FS_Z95 * se;
    if (r->outcome) {
        /* A difference of two shares lies in [-1, 1]. */
        r->lo95 = r->lo95 < -1.0 ? -1.0 : r->lo95;
        r->hi95 = r->hi95 > 1.0 ? 1.0 : r->hi95;
    }
}

void fs_effects_measure(fs_effects *t, const fs_effects_plan *p, const fs_scenario *sc,
                        const fs_engine *e, int base)
{
    static const char *extra_name[FS_EFFECT_EXTRA] = {"attacks", "casualties",
                                                      "final_stability", "final_trust", "trust"};
    const fs_layout *l = fs_engine_layout(e);
    int j, h, k;

    t->n = t->nbase = 0;
    for (h = 0; base > 0 && h < FS_HEAD_N; h++) {
        fs_effect *r = &t->base[t->nbase++];
        r->inject = -1;
        r->metric = fs_headline_name(h);
        r->a = r->b = -1;
        r->step = 0;
        r->outcome = fs_headline_is_outcome(h);
        row_from(r, e, base - 1, fs_headline_cell(l, h),
                 fs_headline_cell(fs_engine_layout_of(e, base), h), h);
    }
    for (k = 0; base > 0 && k < p->npairs; k++) {
        fs_effect *r = &t->base[t->nbase++];
        r->inject = -1;
        r->metric = "final_trust";
        r->a = p->pair_a[k], r->b = p->pair_b[k];
        r->step = 0;
        r->outcome = 0;
        row_from(r, e, base - 1, p->cells[p->nfirst + k], p->base_cells[k],
                 FS_HEAD_N + p->nfirst + k);
    }
    for (j = 0; j < p->n; j++) {
        const fs_inject *in = &sc->injects[p->inject[j]];
        for (h = 0; h < FS_HEAD_N; h++) {
            fs_effect *r = &t->row[t->n++];
            r->inject = p->inject[j];
            r->metric = fs_headline_name(h);
            r->a = r->b = -1;
            r->step = 0;
            r->outcome = fs_headline_is_outcome(h);
            row_from(r, e, j, fs_headline_cell(l, h), fs_headline_cell(l, h), h);
        }
        for (k = 0; k < p->nextra[j]; k++) {
            fs_effect *r = &t->row[t->n++];
            r->inject = p->inject[j];
            r->metric = extra_name[k];
            /* Pairs as trust.csv writes them: the earlier actor first. */
            r->a = k >= 3 && in->actor2 < in->actor ? in->actor2 : in->actor;
            r->b = k < 3 ? -1 : in->actor2 < in->actor ? in->actor : in->actor2;
            r->step = k == 4 ? in->step + LATER : 0;
            r->outcome = 0;
            row_from(r, e, j, p->cells[p->extra[j][k]], p->cells[p->extra[j][k]],
                     FS_HEAD_N + p->extra[j][k]);
        }
    }
}

static void num(FILE *f, double x)
{
    fputc(',', f);
    if (isfinite(x))
        fprintf(f, "%.10g", x == 0.0 ? 0.0 : x);
}

/* "region", an actor's id, or a pair "A-B". */
static void put_target(FILE *f, const fs_scenario *sc, const fs_effect *r)
{
    if (r->a < 0)
        fputs("region", f);
    else if (r->b < 0)
        fputs(sc->actors[r->a].id, f);
    else
        fprintf(f, "%s-%s", sc->actors[r->a].id, sc->actors[r->b].id);
}

/* ",kind,with,without,effect,lo,hi" and the end of the row. A difference
 * below 1e-12 of the values' scale is rounding in the sums, written 0. */
static void put_values(FILE *f, const fs_effect *r)
{
    double tiny = 1e-12 * fmax(1.0, fmax(fabs(r->with), fabs(r->without)));
    fprintf(f, ",%s", r->outcome ? "probability" : "mean");
    num(f, r->with);
    num(f, r->without);
    num(f, fabs(r->effect) < tiny ? 0.0 : r->effect);
    num(f, fabs(r->lo95) < tiny ? 0.0 : r->lo95);
    num(f, fabs(r->hi95) < tiny ? 0.0 : r->hi95);
    fputc('\n', f);
}

void fs_effects_write_baseline_csv(FILE *f, const fs_effects *t, const fs_scenario *sc,
                                   const char *bname)
{
    int i;
    fputs("baseline,metric,target,kind,scenario,baseline_value,difference,difference_lo95,"
          "difference_hi95\n", f);
    for (i = 0; i < t->nbase; i++) {
        const fs_effect *r = &t->base[i];
        fs_csv_field(f, bname);
        fprintf(f, ",%s,", r->metric);
        put_target(f, sc, r);
        put_values(f, r);
    }
}

void fs_effects_write_csv(FILE *f, const fs_effects *t, const fs_scenario *sc)
{
    int i;
    fputs("inject,label,metric,target,step,kind,with,without,effect,effect_lo95,effect_hi95\n", f);
    for (i = 0; i < t->n; i++) {
        const fs_effect *r = &t->row[i];
        const fs_inject *in = &sc->injects[r->inject];
        fprintf(f, "%s,", in->id);
        fs_csv_field(f, in->label);
        fprintf(f, ",%s,", r->metric);
        put_target(f, sc, r);
        fputc(',', f);
        if (r->step > 0)
            fprintf(f, "%d", r->step);
        put_values(f, r);
    }
}
