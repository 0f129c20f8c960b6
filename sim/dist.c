/* dist.c: MPI when built with it, a single process otherwise. */
#include "dist.h"

#include <stdlib.h>
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

#else

void fs_dist_init(int *argc, char ***argv) { (void)argc; (void)argv; }
void fs_dist_finalize(void) {}
int fs_dist_rank(void) { return 0; }
int fs_dist_size(void) { return 1; }
void fs_dist_barrier(void) {}
int fs_dist_max(int value) { return value; }
void fs_dist_abort(int code) { exit(code); }
int fs_dist_enabled(void) { return 0; }

#endif
