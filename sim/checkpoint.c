/* checkpoint.c: append-only, synced records of finished sweep points. */
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "fileread.h"
#include "fsio.h"
#include "posterior.h"

#define MAGIC "FSCKPT02"
/* More than resume.cfg can hold: 256 --set options of at most 8 kB each. */
#define RESUME_MAX_BYTES (4L * 1024 * 1024)

struct fs_ckpt {
    FILE *fp;
    char path[4200];
    int noutputs;
    uint64_t settings;   /* the sweep's settings hash, in every checksum */
};

typedef struct header {
    char magic[8];
    uint64_t settings, base;
    uint32_t npoints, noutputs;
} header;

uint64_t fs_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

fs_status fs_ckpt_base_hash(const fs_scenario *sc, uint64_t *h, fs_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fs_status st;

    if (f == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    st = fs_scenario_write(sc, f, err);
    fclose(f);
    if (st == FS_OK) {
        /* The model that ran the points: another model's figures differ. */
        *h = fs_fnv1a(FS_FNV_INIT, FS_ENGINE_MODEL, strlen(FS_ENGINE_MODEL));
        *h = fs_fnv1a(*h, text, len);
    }
    free(text);
    /* The text names a posterior by its path; its particles count too. */
    if (st == FS_OK && sc->posterior) {
        uint64_t ph;
        if ((st = fs_posterior_hash(sc->posterior, &ph, err)) == FS_OK)
            *h = fs_fnv1a(*h, &ph, sizeof ph);
    }
    return st;
}

static int ckpt_dir(const char *outdir, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s/checkpoint", outdir);
    return k > 0 && (size_t)k < n ? 0 : -1;
}

/* The record after a header: point, 2 x noutputs doubles, checksum. */
static size_t record_size(int noutputs)
{
    return sizeof(uint32_t) + 2 * (size_t)noutputs * sizeof(double) + sizeof(uint64_t);
}

/* The "%.*s" arguments of the directory part of path: what to remove to
 * start over when a checkpoint file is damaged. */
#define DIR_OF(path) (strrchr(path, '/') ? (int)(strrchr(path, '/') - (path)) : 1), \
                     (strrchr(path, '/') ? (path) : ".")

/* The checksum of a record: FNV-1a of the sweep's settings hash, then of
 * the record's bytes before the checksum, so that a record of another
 * sweep never passes for one of this sweep. */
static uint64_t record_sum(uint64_t settings, const unsigned char *rec, size_t n)
{
    return fs_fnv1a(fs_fnv1a(FS_FNV_INIT, &settings, sizeof settings), rec, n);
}

/* Whether the rs bytes at rec are an intact record of the sweep id. */
static int record_ok(const fs_ckpt_id *id, const unsigned char *rec, size_t rs)
{
    uint32_t pt;
    uint64_t sum;
    memcpy(&pt, rec, sizeof pt);
    if (pt >= (uint32_t)id->npoints)
        return 0;
    memcpy(&sum, rec + rs - sizeof sum, sizeof sum);
    return record_sum(id->settings, rec, rs - sizeof sum) == sum;
}

/* Reads the records after the header of fp: every intact one into y, se
 * and done (and, when out is not NULL, copied to out), resynchronising byte
 * by byte past damaged or torn bytes, which are counted in *dmg. */
static fs_status scan_records(FILE *fp, const fs_ckpt_id *id, double *y, double *se,
                              unsigned char *done, int *ndone, FILE *out, fs_ckpt_damage *dmg)
{
    size_t rs = record_size(id->noutputs), k = (size_t)id->noutputs, cap = 65536 + rs;
    size_t at = 0, have = 0, run = 0;
    unsigned char *buf = malloc(cap);
    int eof = 0;

    if (buf == NULL)
        return FS_ENOMEM;
    for (;;) {
        if (have - at < rs && !eof) {   /* refill: keep what is left */
            memmove(buf, buf + at, have - at);
            have -= at, at = 0;
            have += fread(buf + have, 1, cap - have, fp);
            eof = have < cap;
        }
        if (have - at < rs)
            break;
        if (!record_ok(id, buf + at, rs)) {
            at++, run++;
            continue;
        }
        if (run > 0) {   /* a damaged stretch ends here */
            dmg->bytes += (long long)run;
            dmg->records += (long long)((run + rs - 1) / rs);
            run = 0;
        }
        {
            uint32_t pt;
            memcpy(&pt, buf + at, sizeof pt);
            if (!done[pt]) {
                memcpy(y + pt * k, buf + at + sizeof pt, k * sizeof(double));
                memcpy(se + pt * k, buf + at + sizeof pt + k * sizeof(double), k * sizeof(double));
                done[pt] = 1;
                (*ndone)++;
            }
        }
        if (out)
            fwrite(buf + at, rs, 1, out);
        at += rs;
    }
    run += have - at;   /* a torn tail */
    if (run > 0) {
        dmg->bytes += (long long)run;
        dmg->records += (long long)((run + rs - 1) / rs);
    }
    free(buf);
    return ferror(fp) ? FS_EIO : FS_OK;
}

/* Opens a rank file and checks its header against id. */
static FILE *open_rank(const char *path, const fs_ckpt_id *id, fs_err *err)
{
    FILE *fp = fs_open_regular(path, "a checkpoint file", -1, err);
    header h;

    if (fp == NULL)
        return NULL;
    if (fread(&h, sizeof h, 1, fp) != 1 || memcmp(h.magic, MAGIC, 6) != 0)
        fs_err_set(err, FS_ECONFIG, "%s: not a foresight checkpoint (empty or damaged); "
                   "remove %.*s to start the sweep over", path, DIR_OF(path));
    else if (memcmp(h.magic, MAGIC, 8) != 0)
        fs_err_set(err, FS_ECONFIG, "%s: a checkpoint of another version of foresight "
                   "(%.8s, this one reads %s); remove %.*s to start the sweep over", path,
                   h.magic, MAGIC, DIR_OF(path));
    else if (h.settings != id->settings || h.npoints != (uint32_t)id->npoints ||
             h.noutputs != (uint32_t)id->noutputs) {
        char what[128];
        fs_ckpt_id was = *id;
        was.settings = h.settings, was.npoints = (int)h.npoints, was.noutputs = (int)h.noutputs;
        fs_ckpt_id_change(&was, id, what, sizeof what);
        fs_err_set(err, FS_ECONFIG, "%s: the sweep file or its --set options changed since "
                   "this checkpoint was written (%s)", path, what);
    }
    else if (h.base != id->base)
        fs_err_set(err, FS_ECONFIG, "%s: the base scenario (or a posterior it names) changed "
                   "since this checkpoint was written (hash %016llx, now %016llx), or a "
                   "foresight whose model draws differently wrote it (this one runs "
                   FS_ENGINE_MODEL ")", path, (unsigned long long)h.base,
                   (unsigned long long)id->base);
    else
        return fp;
    fclose(fp);
    return NULL;
}

static fs_status read_one(const char *path, const fs_ckpt_id *id, double *y, double *se,
                          unsigned char *done, int *ndone, fs_ckpt_damage *dmg, fs_err *err)
{
    fs_ckpt_damage d = {0, 0, 0, ""};
    FILE *fp = open_rank(path, id, err);
    fs_status st;

    if (fp == NULL)
        return err->code;
    st = scan_records(fp, id, y, se, done, ndone, NULL, &d);
    fclose(fp);
    if (st != FS_OK)
        return fs_err_set(err, st, st == FS_ENOMEM ? "out of memory reading %s"
                          : "cannot read %s", path);
    if (d.bytes > 0 && dmg) {
        if (dmg->files++ == 0)
            snprintf(dmg->first, sizeof dmg->first, "%s", path);
        dmg->bytes += d.bytes;
        dmg->records += d.records;
    }
    return FS_OK;
}

/* Whether a name is a rank file, "rank-<digits>.bin". */
static int is_rank_file(const char *name)
{
    size_t n = strlen(name), i;
    if (n < 10 || strncmp(name, "rank-", 5) != 0 || strcmp(name + n - 4, ".bin") != 0)
        return 0;
    for (i = 5; i < n - 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return 1;
}

fs_status fs_ckpt_scan(const char *outdir, const fs_ckpt_id *id, double *y, double *se,
                       unsigned char *done, int *ndone, fs_ckpt_damage *dmg, fs_err *err)
{
    char dir[4096], path[4400];
    struct dirent **names = NULL;
    int i, n;
    fs_status st = FS_OK;

    *ndone = 0;
    memset(done, 0, (size_t)id->npoints);
    if (ckpt_dir(outdir, dir, sizeof dir) != 0)
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    /* Sorted names: the first record of a point wins, in a fixed order. */
    n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return errno == ENOENT ? FS_OK
                               : fs_err_set(err, FS_EIO, "cannot read %s: %s", dir, strerror(errno));
    for (i = 0; i < n; i++) {
        if (st == FS_OK && is_rank_file(names[i]->d_name)) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            st = read_one(path, id, y, se, done, ndone, dmg, err);
        }
        free(names[i]);
    }
    free(names);
    return st;
}

/* Rewrites the rank file path with its intact records only, when it has
 * damaged or torn ones, so that later appends follow an intact record. */
static fs_status repair_one(const char *path, const fs_ckpt_id *id, fs_err *err)
{
    fs_ckpt_damage d = {0, 0, 0, ""};
    size_t n = (size_t)id->npoints * (size_t)id->noutputs;
    double *y = malloc((n ? n : 1) * sizeof *y), *se = malloc((n ? n : 1) * sizeof *se);
    unsigned char *done = calloc((size_t)id->npoints + 1, 1);
    FILE *fp = NULL, *out;
    fs_afile *af = NULL;
    int ndone = 0;
    header h;
    fs_status st = FS_OK;

    if (y == NULL || se == NULL || done == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory repairing %s", path);
        goto done;
    }
    if ((fp = open_rank(path, id, err)) == NULL) {
        st = err->code;
        goto done;
    }
    if ((af = fs_afile_open(path, err)) == NULL) {
        st = err->code;
        goto done;
    }
    out = fs_afile_stream(af);
    rewind(fp);
    if (fread(&h, sizeof h, 1, fp) != 1 || fwrite(&h, sizeof h, 1, out) != 1 ||
        scan_records(fp, id, y, se, done, &ndone, out, &d) != FS_OK) {
        st = fs_err_set(err, FS_EIO, "cannot repair %s", path);
        goto done;
    }
    if (d.bytes > 0) {
        st = fs_afile_commit(af, err);
        af = NULL;
    }
done:
    fs_afile_abort(af);
    if (fp)
        fclose(fp);
    free(y), free(se), free(done);
    return st;
}

fs_status fs_ckpt_repair(const char *outdir, const fs_ckpt_id *id, int rank, int size,
                         fs_err *err)
{
    char dir[4096], path[4400];
    struct dirent **names = NULL;
    fs_status st = FS_OK;
    int i, n;

    if (ckpt_dir(outdir, dir, sizeof dir) != 0)
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
        return errno == ENOENT ? FS_OK
                               : fs_err_set(err, FS_EIO, "cannot read %s: %s", dir, strerror(errno));
    for (i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (st == FS_OK && is_rank_file(name)) {
            long f = strtol(name + 5, NULL, 10);
            if (f == rank || (rank == 0 && f >= size)) {
                snprintf(path, sizeof path, "%s/%s", dir, name);
                st = repair_one(path, id, err);
            }
        }
        free(names[i]);
    }
    free(names);
    return st;
}

fs_ckpt *fs_ckpt_open(const char *outdir, int rank, const fs_ckpt_id *id, int fresh,
                      fs_err *err)
{
    fs_ckpt *c = calloc(1, sizeof *c);
    char dir[4096];
    struct stat stbuf;
    int exists;
    header h;

    if (c == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    c->noutputs = id->noutputs;
    c->settings = id->settings;
    if (ckpt_dir(outdir, dir, sizeof dir) != 0 || fs_mkdir_p(dir, err) != FS_OK)
        goto fail;
    snprintf(c->path, sizeof c->path, "%s/rank-%d.bin", dir, rank);
    exists = stat(c->path, &stbuf) == 0 && stbuf.st_size >= (off_t)sizeof h;
    c->fp = fopen(c->path, fresh || !exists ? "wb" : "ab");
    if (c->fp == NULL) {
        fs_err_set(err, FS_EIO, "cannot write %s: %s", c->path, strerror(errno));
        goto fail;
    }
    if (fresh || !exists) {
        memset(&h, 0, sizeof h);
        memcpy(h.magic, MAGIC, 8);
        h.settings = id->settings;
        h.base = id->base;
        h.npoints = (uint32_t)id->npoints;
        h.noutputs = (uint32_t)id->noutputs;
        if (fwrite(&h, sizeof h, 1, c->fp) != 1 || fflush(c->fp) != 0 ||
            fsync(fileno(c->fp)) != 0) {
            fs_err_set(err, FS_EIO, "cannot write %s: %s", c->path, strerror(errno));
            goto fail;
        }
    }
    return c;
fail:
    fs_ckpt_close(c);
    return NULL;
}

fs_status fs_ckpt_append(fs_ckpt *c, int point, const double *y, const double *se,
                         fs_err *err)
{
    size_t k = (size_t)c->noutputs, rs = record_size(c->noutputs);
    unsigned char buf[sizeof(uint32_t) + 2 * 32 * sizeof(double) + sizeof(uint64_t)];
    uint32_t pt = (uint32_t)point;
    uint64_t sum;

    if (rs > sizeof buf)
        return fs_err_set(err, FS_ERUNTIME, "too many outputs for a checkpoint record");
    memcpy(buf, &pt, sizeof pt);
    memcpy(buf + sizeof pt, y, k * sizeof(double));
    memcpy(buf + sizeof pt + k * sizeof(double), se, k * sizeof(double));
    sum = record_sum(c->settings, buf, rs - sizeof sum);
    memcpy(buf + rs - sizeof sum, &sum, sizeof sum);
    /* One write, then to disk: the record is either whole or torn last. */
    if (fwrite(buf, rs, 1, c->fp) != 1 || fflush(c->fp) != 0 || fdatasync(fileno(c->fp)) != 0)
        return fs_err_set(err, FS_EIO, "cannot write %s: %s", c->path, strerror(errno));
    return FS_OK;
}

void fs_ckpt_close(fs_ckpt *c)
{
    if (c == NULL)
        return;
    if (c->fp)
        fclose(c->fp);
    free(c);
}

fs_status fs_ckpt_clear(const char *outdir, fs_err *err)
{
    char dir[4096], path[4400];
    struct dirent *d;
    DIR *dp;

    if (ckpt_dir(outdir, dir, sizeof dir) != 0)
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    if ((dp = opendir(dir)) == NULL)
        return errno == ENOENT ? FS_OK
                               : fs_err_set(err, FS_EIO, "cannot read %s: %s", dir, strerror(errno));
    while ((d = readdir(dp)) != NULL) {
        if (!is_rank_file(d->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
        if (unlink(path) != 0) {
            fs_err_set(err, FS_EIO, "cannot remove %s: %s", path, strerror(errno));
            closedir(dp);
            return FS_EIO;
        }
    }
    closedir(dp);
    return FS_OK;
}

void fs_ckpt_remove(const char *outdir)
{
    char dir[4096], path[4400];
    fs_err e;
    if (ckpt_dir(outdir, dir, sizeof dir) != 0)
        return;
    fs_ckpt_clear(outdir, &e);
    snprintf(path, sizeof path, "%s/resume.cfg", dir);
    unlink(path);
    rmdir(dir);
}

static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

fs_status fs_ckpt_write_resume(const char *outdir, const char *sweep_file,
                               const fs_override *sets, int nsets, const fs_ckpt_id *id,
                               fs_err *err)
{
    char dir[4096], path[4400], absbuf[PATH_MAX];
    const char *abs = realpath(sweep_file, absbuf) ? absbuf : sweep_file;
    fs_afile *af;
    FILE *f;
    int i;

    if (ckpt_dir(outdir, dir, sizeof dir) != 0 || fs_mkdir_p(dir, err) != FS_OK)
        return err->code ? err->code : fs_err_set(err, FS_EUSAGE, "name too long");
    snprintf(path, sizeof path, "%s/resume.cfg", dir);
    if ((af = fs_afile_open(path, err)) == NULL)
        return err->code;
    f = fs_afile_stream(af);
    fputs("# What `foresight sweep --resume` needs: written by foresight, do not edit.\n", f);
    fputs("sweep = ", f), write_string(f, abs), fputs(";\nsets = [", f);
    for (i = 0; i < nsets; i++) {
        char buf[8192];
        snprintf(buf, sizeof buf, "%s=%s", sets[i].path, sets[i].value);
        fputs(i ? ", " : " ", f), write_string(f, buf);
    }
    fprintf(f, " ];\nsettings_hash = \"%016llx\";\nbase_hash = \"%016llx\";\npoints = %d;\n"
            "outputs = %d;\n", (unsigned long long)id->settings, (unsigned long long)id->base,
            id->npoints, id->noutputs);
    return fs_afile_commit(af, err);
}

fs_status fs_ckpt_read_resume(const char *outdir, char **sweep_file, fs_override **sets,
                              int *nsets, fs_ckpt_id *id, fs_err *err)
{
    char dir[4096], path[4400];
    const char *sweep, *h1, *h2;
    config_setting_t *list;
    config_t cf;
    FILE *fp;
    int i, n, pts, outs, ok;
    fs_status st = FS_OK;

    *sweep_file = NULL, *sets = NULL, *nsets = 0;
    if (ckpt_dir(outdir, dir, sizeof dir) != 0)
        return fs_err_set(err, FS_EUSAGE, "directory name too long");
    snprintf(path, sizeof path, "%s/resume.cfg", dir);
    if (access(path, R_OK) != 0)
        return fs_err_set(err, FS_EUSAGE, "%s: no sweep to resume here (%s: %s)", outdir, path,
                          strerror(errno));
    if ((fp = fs_open_regular(path, "a sweep's resume.cfg", RESUME_MAX_BYTES, err)) == NULL)
        return err->code;
    config_init(&cf);
    ok = config_read(&cf, fp);
    fclose(fp);
    if (ok != CONFIG_TRUE ||
        config_lookup_string(&cf, "sweep", &sweep) != CONFIG_TRUE ||
        config_lookup_string(&cf, "settings_hash", &h1) != CONFIG_TRUE ||
        config_lookup_string(&cf, "base_hash", &h2) != CONFIG_TRUE ||
        config_lookup_int(&cf, "points", &pts) != CONFIG_TRUE ||
        config_lookup_int(&cf, "outputs", &outs) != CONFIG_TRUE ||
        (list = config_lookup(&cf, "sets")) == NULL) {
        st = fs_err_set(err, FS_ECONFIG, "%s: damaged (expected sweep, sets, settings_hash, "
                        "base_hash, points and outputs); remove %s to start the sweep over",
                        path, dir);
        goto done;
    }
    id->settings = strtoull(h1, NULL, 16);
    id->base = strtoull(h2, NULL, 16);
    id->npoints = pts;
    id->noutputs = outs;
    n = config_setting_length(list);
    if ((*sweep_file = strdup(sweep)) == NULL ||
        (n > 0 && (*sets = calloc((size_t)n, sizeof **sets)) == NULL)) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (i = 0; i < n; i++) {
        const char *s = config_setting_get_string_elem(list, i);
        char *copy, *eq;
        if (s == NULL || (eq = strchr(s, '=')) == NULL) {
            st = fs_err_set(err, FS_ECONFIG, "%s: damaged set #%d; remove %s to start the "
                            "sweep over", path, i + 1, dir);
            goto done;
        }
        if ((copy = strdup(s)) == NULL) {
            st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", path);
            goto done;
        }
        copy[eq - s] = '\0';
        (*sets)[i].path = copy;
        (*sets)[i].value = copy + (eq - s) + 1;
        (*nsets)++;
    }
done:
    config_destroy(&cf);
    if (st != FS_OK) {
        fs_ckpt_resume_free(*sweep_file, *sets, *nsets);
        *sweep_file = NULL, *sets = NULL, *nsets = 0;
    }
    return st;
}

void fs_ckpt_resume_free(char *sweep_file, fs_override *sets, int nsets)
{
    int i;
    free(sweep_file);
    for (i = 0; i < nsets; i++)
        free((char *)sets[i].path);
    free(sets);
}

void fs_ckpt_id_change(const fs_ckpt_id *was, const fs_ckpt_id *now, char *buf, size_t n)
{
    if (was->settings != now->settings)
        snprintf(buf, n, "settings hash %016llx, now %016llx",
                 (unsigned long long)was->settings, (unsigned long long)now->settings);
    else if (was->npoints != now->npoints)
        snprintf(buf, n, "%d points, now %d", was->npoints, now->npoints);
    else if (was->noutputs != now->noutputs)
        snprintf(buf, n, "%d outputs, now %d", was->noutputs, now->noutputs);
    else
        snprintf(buf, n, "base hash %016llx, now %016llx", (unsigned long long)was->base,
                 (unsigned long long)now->base);
}
