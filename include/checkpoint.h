/* checkpoint.h: a sweep's progress on disk, so that a killed sweep loses
 * at most the points in flight (format in docs/SWEEP.md).
 * DIR/checkpoint/ holds resume.cfg (what to resume: the sweep file, its
 * --set options and the hashes of its resolved configuration) and one
 * append-only file per rank, rank-<r>.bin: a header with the hashes, then
 * one record per finished point (its index and the exact doubles of its
 * outputs and standard errors, with a checksum), each flushed and synced
 * as it is written. Every record's checksum covers the sweep's settings
 * hash too. A torn or damaged record (a kill or a full disk mid-write, a
 * flipped byte) fails its length or checksum: readers resynchronise past
 * it byte by byte, keep every intact record and count what they dropped.
 * Files from any number of earlier ranks are read together. An fs_ckpt is owned by its opener; fs_ckpt_close accepts
 * NULL. */
#ifndef FS_CHECKPOINT_H
#define FS_CHECKPOINT_H

#include <stdint.h>
#include "errors.h"
#include "load.h"

/* What a checkpoint belongs to. */
typedef struct fs_ckpt_id {
    uint64_t settings;   /* hash of the sweep's resolved settings */
    uint64_t base;       /* hash of the resolved base scenario */
    int npoints;
    int noutputs;
} fs_ckpt_id;

/* What differs between two ids, for messages, into buf (size n): the
 * settings hash, else the point count, else the output count, else the
 * base hash, each as "X, now Y", so a message never shows one value twice. */
void fs_ckpt_id_change(const fs_ckpt_id *was, const fs_ckpt_id *now, char *buf, size_t n);

/* 64-bit FNV-1a, continued from h (start with FS_FNV_INIT). */
#define FS_FNV_INIT 14695981039346656037ULL
uint64_t fs_fnv1a(uint64_t h, const void *data, size_t n);

/* The FNV-1a of the model the engine runs (FS_ENGINE_MODEL), of sc as
 * resolved (defaults, includes, --set: the text fs_scenario_write gives)
 * and of the posterior.csv it names, if any, into *h: what a checkpoint
 * records of its base scenario, so that any edit that changes a run's
 * results changes it, and a build whose model draws differently does not
 * resume another's points.
 * FS_ENOMEM or fs_scenario_write's error. */
fs_status fs_ckpt_base_hash(const fs_scenario *sc, uint64_t *h, fs_err *err);

/* What a scan dropped: bytes of damaged or torn records, the records
 * they stood for (a damaged stretch of b bytes counts as ceil(b / record
 * size)), the files they were in and the first such file. */
typedef struct fs_ckpt_damage {
    long long bytes, records;
    int files;
    char first[4400];
} fs_ckpt_damage;

/* Reads every rank file under outdir/checkpoint into y, se (npoints x
 * noutputs) and done (npoints flags), counting the points found in
 * *ndone, and adds what it dropped to *dmg (NULL: not counted; zero it
 * first). A missing directory is an empty checkpoint. A file whose header
 * does not match id is an error (FS_ECONFIG) naming the file and what
 * changed. */
fs_status fs_ckpt_scan(const char *outdir, const fs_ckpt_id *id, double *y, double *se,
                       unsigned char *done, int *ndone, fs_ckpt_damage *dmg, fs_err *err);

/* Rewrites (atomically) each damaged rank file that this rank of `size`
 * answers for, its own and, for rank 0, those of ranks >= size, with its
 * intact records only, so that appends follow an intact record. Files
 * without damage are left alone. */
fs_status fs_ckpt_repair(const char *outdir, const fs_ckpt_id *id, int rank, int size,
                         fs_err *err);

typedef struct fs_ckpt fs_ckpt;

/* Opens outdir/checkpoint/rank-<rank>.bin: with fresh, truncated and given
 * a new header; else for appending (created with a header if missing). */
fs_ckpt *fs_ckpt_open(const char *outdir, int rank, const fs_ckpt_id *id, int fresh,
                      fs_err *err);

/* Appends one finished point and syncs it to disk. Not thread-safe: the
 * caller serialises calls on one fs_ckpt. */
fs_status fs_ckpt_append(fs_ckpt *c, int point, const double *y, const double *se,
                         fs_err *err);

void fs_ckpt_close(fs_ckpt *c);

/* Removes every rank file (before a fresh sweep). */
fs_status fs_ckpt_clear(const char *outdir, fs_err *err);

/* Removes the whole checkpoint: rank files, resume.cfg and the directory
 * (for a sweep that can never finish, such as one with a bad point). */
void fs_ckpt_remove(const char *outdir);

/* resume.cfg, written atomically: the sweep file (as an absolute path),
 * its --set options, and id. */
fs_status fs_ckpt_write_resume(const char *outdir, const char *sweep_file,
                               const fs_override *sets, int nsets, const fs_ckpt_id *id,
                               fs_err *err);

/* What resume.cfg says. *sweep_file and *sets (with their strings) are
 * malloc'd for the caller: free with fs_ckpt_resume_free. */
fs_status fs_ckpt_read_resume(const char *outdir, char **sweep_file, fs_override **sets,
                              int *nsets, fs_ckpt_id *id, fs_err *err);
void fs_ckpt_resume_free(char *sweep_file, fs_override *sets, int nsets);

#endif
