/* cart.h: a classification tree (CART, Breiman et al. 1984) for scenario
 * discovery: binary splits on one input at a time chosen by the Gini
 * impurity, a minimum number of cases per leaf and a depth limit; each
 * leaf is a box of inputs (docs/DISCOVERY.md).
 * Ownership: the caller owns the data and the tree record; fs_cart_free
 * releases what fs_cart_grow put in it (accepts a zeroed record). */
#ifndef FS_CART_H
#define FS_CART_H

#include "errors.h"
#include "prim.h"

typedef struct fs_cart_node {
    int input;           /* the split's input, or -1 for a leaf */
    double split;        /* cases with x <= split go left */
    int left, right;     /* child nodes, -1 for a leaf */
    int parent;          /* -1 for the root */
    int depth;           /* the root is 0 */
    long n, ny;          /* cases, and cases of interest, in the node */
} fs_cart_node;

typedef struct fs_cart_tree {
    int nnodes;
    fs_cart_node *nodes; /* nodes[0] is the root; children after parents */
} fs_cart_tree;

/* Grows the tree on every case of d, splitting a node when it holds both
 * classes, is shallower than depth and a split leaves at least min_leaf
 * cases on each side and lowers the Gini impurity (the split between two
 * consecutive values at their midpoint; ties: the lower input, then the
 * lower split). Columns come sorted (fs_prim_sort). FS_EUSAGE for
 * min_leaf < 1 or depth outside 1..12, FS_ENOMEM. */
fs_status fs_cart_grow(const fs_prim_data *d, const fs_prim_sorted *s, int min_leaf, int depth,
                       fs_cart_tree *t, fs_err *err);

void fs_cart_free(fs_cart_tree *t);

/* The box of node `node`: lo and hi (k entries each, filled) get the
 * limits its path sets, +-INFINITY where it sets none. */
void fs_cart_box(const fs_cart_tree *t, int node, int k, double *lo, double *hi);

#endif
