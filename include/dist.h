/* dist.h: the few MPI calls foresight makes, behind one small interface.
 * Built with MPI (FS_MPI, the default when mpicc exists), a program started
 * by mpirun or srun is one rank of many; started alone it is rank 0 of 1.
 * Built without MPI every call is the single-process answer. Sweeps and
 * the evaluation loop (evaluate.h) distribute work; everything else runs
 * on every rank alike. */
#ifndef FS_DIST_H
#define FS_DIST_H

/* Initialises MPI when built with it and started by a launcher (mpirun,
 * or srun: the environment says so); otherwise this is rank 0 of 1 and
 * MPI is never touched. Only the main thread calls MPI. Call once. */
void fs_dist_init(int *argc, char ***argv);

/* Finalises MPI. Call once before a normal exit. */
void fs_dist_finalize(void);

int fs_dist_rank(void);
int fs_dist_size(void);

/* Waits for every rank. */
void fs_dist_barrier(void);

/* The largest of every rank's value (used to agree on an error code). */
int fs_dist_max(int value);

/* Ends every rank with exit code `code` (MPI_Abort when distributed). */
void fs_dist_abort(int code);

/* This rank's contiguous block [first, last) of n rows: rank r of size
 * takes rows n r / size to n (r + 1) / size. */
void fs_dist_block(int n, int *first, int *last);

/* After each rank filled its block (fs_dist_block) of the n rows of w
 * doubles in a, every rank holds every row, bit for bit. Collective. 0,
 * or -1 when MPI or memory failed. */
int fs_dist_gather_rows(double *a, int n, int w);

/* After each rank filled the rows of a (n rows of w doubles) it ran,
 * marked by mine[i] != 0 (every row by exactly one rank, as handed out
 * from a shared counter), every rank holds every row, bit for bit.
 * Collective. 0, or -1 when MPI or memory failed or a row was run by no
 * rank. */
int fs_dist_gather_owned(double *a, int n, int w, const unsigned char *mine);

/* 1 when built with MPI. */
int fs_dist_enabled(void);

/* A count shared by every rank, from 0: how work is handed out without a
 * dispatcher. Open and close are collective (every rank calls them, in the
 * same order); open returns NULL on every rank when any rank could not
 * get one. add returns the count before adding n, atomically across the
 * ranks. Called from the main thread only. */
typedef struct fs_dist_counter fs_dist_counter;
fs_dist_counter *fs_dist_counter_open(void);
long fs_dist_counter_add(fs_dist_counter *c, long n);
void fs_dist_counter_close(fs_dist_counter *c);

#endif
