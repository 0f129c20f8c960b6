/* dist.c: MPI when built with it, a single process otherwise. */
#include "dist.h"

void fs_dist_block(int n, int *first, int *last)
{
    int size = fs_dist_size(), r = fs_dist_rank();
    *first = (int)((long)n * r / size);
    *last = (int)((long)n * (r + 1) / size);
}

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef FS_MPI
#include <mpi.h>

static int dist_on;

/* Started by a launcher (mpirun, or srun with PMI/PMIx)? Started alone,
 * the program stays a single process and never initialises MPI. */
static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") ||
           getenv("PMI_SIZE");
}

void fs_dist_init(int *argc, char ***argv)
{
    int provided;
    if (launched() &&
        MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS)
        dist_on = 1;
}

void fs_dist_finalize(void)
{
    if (dist_on)
        MPI_Finalize();
    dist_on = 0;
}

int fs_dist_rank(void)
{
    int r = 0;
    if (dist_on)
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int fs_dist_size(void)
{
    int n = 1;
    if (dist_on)
        MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void fs_dist_barrier(void)
{
    if (dist_on)
        MPI_Barrier(MPI_COMM_WORLD);
}

int fs_dist_max(int value)
{
    int out = value;
    if (dist_on)
        MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

void fs_dist_abort(int code)
{
    if (dist_on && fs_dist_size() > 1)
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int fs_dist_enabled(void)
{
    return 1;
}

/* The count lives in a one-long window on rank 0; every rank, rank 0 too,
 * adds to it with an atomic MPI_Fetch_and_op under a shared lock held for
 * the counter's life (passive target: rank 0 serves it without taking
 * part; on one node the window is shared memory and the add a processor
 * atomic). Single process: a plain long. */
struct fs_dist_counter {
    MPI_Win win;
    long *base;
    long local;
    int on;
};

fs_dist_counter *fs_dist_counter_open(void)
{
    fs_dist_counter *c = calloc(1, sizeof *c);
    int ok;

    if (!dist_on || fs_dist_size() == 1)
        return c;   /* one process: a plain count (NULL if calloc failed) */
    ok = c != NULL && MPI_Win_allocate(fs_dist_rank() == 0 ? (MPI_Aint)sizeof(long) : 0,
                                       (int)sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD,
                                       &c->base, &c->win) == MPI_SUCCESS;
    if (fs_dist_max(!ok) != 0) {
        if (ok)
            MPI_Win_free(&c->win);
        free(c);
        return NULL;
    }
    c->on = 1;
    MPI_Win_lock_all(0, c->win);
    if (fs_dist_rank() == 0) {
        *c->base = 0;
        MPI_Win_sync(c->win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return c;
}

long fs_dist_counter_add(fs_dist_counter *c, long n)
{
    long old;
    if (!c->on) {
        old = c->local;
        c->local += n;
        return old;
    }
    MPI_Fetch_and_op(&n, &old, MPI_LONG, 0, 0, MPI_SUM, c->win);
    MPI_Win_flush(0, c->win);
    return old;
}

void fs_dist_counter_close(fs_dist_counter *c)
{
    if (c == NULL)
        return;
    if (c->on) {
        MPI_Win_unlock_all(c->win);
        MPI_Win_free(&c->win);
    }
    free(c);
}

/* Every rank's block of rows to every rank: row counts and offsets from
 * fs_dist_block, gathered in place. */
int fs_dist_gather_rows(double *a, int n, int w)
{
    int size = fs_dist_size();
    if (!dist_on || size == 1)
        return 0;
    int *counts = malloc((size_t)size * sizeof *counts), *displs = malloc((size_t)size * sizeof *displs);
    int rc = -1;
    if (counts && displs) {
        for (int r = 0; r < size; r++) {
            long first = (long)n * r / size, last = (long)n * (r + 1) / size;
            counts[r] = (int)((last - first) * w);
            displs[r] = (int)(first * w);
        }
        rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, counts, displs, MPI_DOUBLE,
                            MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
    }
    free(counts);
    free(displs);
    return rc;
}

/* Rows claimed from a shared counter: who ran which row is agreed first
 * (a maximum over the ranks of each row's runner), then each rank's rows,
 * packed in index order, go to every rank and are unpacked in the same
 * order. Each row is copied, never combined, so it arrives bit for bit. */
int fs_dist_gather_owned(double *a, int n, int w, const unsigned char *mine)
{
    int size = fs_dist_size(), me = fs_dist_rank();
    if (!dist_on || size == 1)
        return 0;
    int *owner = malloc((size_t)(n ? n : 1) * sizeof *owner);
    int *counts = calloc((size_t)size, sizeof *counts), *displs = malloc((size_t)size * sizeof *displs);
    double *all = malloc((size_t)(n ? n : 1) * w * sizeof *all);
    double *pack = malloc((size_t)(n ? n : 1) * w * sizeof *pack);
    int rc = -1, k = 0;
    if (!owner || !counts || !displs || !all || !pack)
        goto done;
    for (int i = 0; i < n; i++)
        owner[i] = mine[i] ? me : -1;
    if (MPI_Allreduce(MPI_IN_PLACE, owner, n, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    for (int i = 0; i < n; i++) {
        if (owner[i] < 0)
            goto done;   /* a row nobody ran: the callers never gather then */
        counts[owner[i]] += w;
        if (owner[i] == me)
            memcpy(pack + (size_t)k++ * w, a + (size_t)i * w, (size_t)w * sizeof *pack);
    }
    for (int r = 0, at = 0; r < size; r++) {
        displs[r] = at;
        at += counts[r];
    }
    if (MPI_Allgatherv(pack, counts[me], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE,
                       MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    for (int i = 0; i < n; i++) {
        int r = owner[i];
        memcpy(a + (size_t)i * w, all + displs[r], (size_t)w * sizeof *a);
        displs[r] += w;
    }
    rc = 0;
done:
    free(owner);
    free(counts);
    free(displs);
    free(all);
    free(pack);
    return rc;
}

#else

int fs_dist_gather_owned(double *a, int n, int w, const unsigned char *mine)
{
    (void)a, (void)n, (void)w, (void)mine;
    return 0;
}

int fs_dist_gather_rows(double *a, int n, int w)
{
    (void)a, (void)n, (void)w;
    return 0;
}

struct fs_dist_counter {
    long local;
};

fs_dist_counter *fs_dist_counter_open(void) { return calloc(1, sizeof(fs_dist_counter)); }

long fs_dist_counter_add(fs_dist_counter *c, long n)
{
    long old = c->local;
    c->local += n;
    return old;
}

void fs_dist_counter_close(fs_dist_counter *c) { free(c); }

void fs_dist_init(int *argc, char ***argv) { (void)argc; (void)argv; }
void fs_dist_finalize(void) {}
int fs_dist_rank(void) { return 0; }
int fs_dist_size(void) { return 1; }
void fs_dist_barrier(void) {}
int fs_dist_max(int value) { return value; }
void fs_dist_abort(int code) { exit(code); }
int fs_dist_enabled(void) { return 0; }

#endif
