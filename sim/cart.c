/* cart.c: a Gini classification tree grown depth-first. Each node's best
 * split is found by walking every column's sorted order once (the order
 * from fs_prim_sort), counting only the node's cases, so nothing is
 * sorted again. */
#include "cart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct grow {
    const fs_prim_data *d;
    const fs_prim_sorted *s;
    int min_leaf, depth;
    int *node_of;        /* [n] the node each case is in */
    fs_cart_tree *t;
    int cap;
} grow;

/* n times the Gini impurity 2p(1-p) of a node of n cases, ny of interest. */
static double gini_n(long ny, long n)
{
    double p = n > 0 ? (double)ny / (double)n : 0;
    return 2.0 * (double)n * p * (1 - p);
}

static int add_node(grow *g, int parent, int depth, long n, long ny)
{
    fs_cart_node *nd;
    if (g->t->nnodes == g->cap) {
        int c = g->cap ? g->cap * 2 : 32;
        fs_cart_node *m = realloc(g->t->nodes, (size_t)c * sizeof *m);
        if (m == NULL)
            return -1;
        g->t->nodes = m, g->cap = c;
    }
    nd = &g->t->nodes[g->t->nnodes];
    nd->input = -1, nd->split = 0, nd->left = nd->right = -1;
    nd->parent = parent, nd->depth = depth, nd->n = n, nd->ny = ny;
    return g->t->nnodes++;
}

/* The best split of node id: *input -1 when none helps. */
static void best_split(const grow *g, int id, int *input, double *split)
{
    const fs_cart_node *nd = &g->t->nodes[id];
    double best = gini_n(nd->ny, nd->n) - 1e-9 * (double)nd->n;
    int n = g->d->n, j, p;

    *input = -1;
    for (j = 0; j < g->d->k; j++) {
        const int *o = fs_prim_sorted_order(g->s, j);
        const double *x = g->d->x + (size_t)j * n;
        long nl = 0, nyl = 0;
        double prev = NAN;
        for (p = 0; p < n; p++) {
            int i = o[p];
            if (g->node_of[i] != id)
                continue;
            /* A split between prev and x[i], with nl cases on the left. */
            if (!isnan(prev) && x[i] != prev && nl >= g->min_leaf && nd->n - nl >= g->min_leaf) {
                double imp = gini_n(nyl, nl) + gini_n(nd->ny - nyl, nd->n - nl);
                if (imp < best)
                    best = imp, *input = j, *split = prev + (x[i] - prev) / 2;
            }
            nl++, nyl += g->d->y[i], prev = x[i];
        }
    }
}

static fs_status split_node(grow *g, int id, fs_err *err)
{
    int input, l, r, i, n = g->d->n;
    double split = 0;
    long nl = 0, nyl = 0;
    fs_cart_node nd = g->t->nodes[id];

    if (nd.ny == 0 || nd.ny == nd.n || nd.depth >= g->depth || nd.n < 2L * g->min_leaf)
        return FS_OK;
    best_split(g, id, &input, &split);
    if (input < 0)
        return FS_OK;
    for (i = 0; i < n; i++)
        if (g->node_of[i] == id && g->d->x[(size_t)input * n + i] <= split)
            nl++, nyl += g->d->y[i];
    if ((l = add_node(g, id, nd.depth + 1, nl, nyl)) < 0 ||
        (r = add_node(g, id, nd.depth + 1, nd.n - nl, nd.ny - nyl)) < 0)
        return fs_err_set(err, FS_ENOMEM, "out of memory growing the tree");
    g->t->nodes[id].input = input, g->t->nodes[id].split = split;
    g->t->nodes[id].left = l, g->t->nodes[id].right = r;
    for (i = 0; i < n; i++)
        if (g->node_of[i] == id)
            g->node_of[i] = g->d->x[(size_t)input * n + i] <= split ? l : r;
    if (split_node(g, l, err) != FS_OK)
        return err->code;
    return split_node(g, r, err);
}

fs_status fs_cart_grow(const fs_prim_data *d, const fs_prim_sorted *s, int min_leaf, int depth,
                       fs_cart_tree *t, fs_err *err)
{
    grow g;
    long ny = 0;
    int i;
    fs_status st;

    memset(t, 0, sizeof *t);
    if (min_leaf < 1)
        return fs_err_set(err, FS_EUSAGE, "--min-leaf: expected a whole number >= 1, found %d",
                          min_leaf);
    if (depth < 1 || depth > 12)
        return fs_err_set(err, FS_EUSAGE, "--depth: expected a whole number from 1 to 12, "
                          "found %d", depth);
    memset(&g, 0, sizeof g);
    g.d = d, g.s = s, g.min_leaf = min_leaf, g.depth = depth, g.t = t;
    if ((g.node_of = calloc((size_t)d->n, sizeof *g.node_of)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory growing the tree");
    for (i = 0; i < d->n; i++)
        ny += d->y[i];
    if (add_node(&g, -1, 0, d->n, ny) < 0)
        st = fs_err_set(err, FS_ENOMEM, "out of memory growing the tree");
    else
        st = split_node(&g, 0, err);
    free(g.node_of);
    if (st != FS_OK)
        fs_cart_free(t);
    return st;
}

void fs_cart_free(fs_cart_tree *t)
{
    if (t == NULL)
        return;
    free(t->nodes);
    memset(t, 0, sizeof *t);
}

void fs_cart_box(const fs_cart_tree *t, int node, int k, double *lo, double *hi)
{
    int j, c = node;
    for (j = 0; j < k; j++)
        lo[j] = -INFINITY, hi[j] = INFINITY;
    while (t->nodes[c].parent >= 0) {
        const fs_cart_node *p = &t->nodes[t->nodes[c].parent];
        j = p->input;
        if (p->left == c)
            hi[j] = fmin(hi[j], p->split);
        else
            lo[j] = fmax(lo[j], p->split);
        c = t->nodes[c].parent;
    }
}
