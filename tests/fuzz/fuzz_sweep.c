/* fuzz_sweep.c: libFuzzer harness for sweep files. The input is a sweep
 * text, loaded as tests/fixtures/sweepfiles/fuzz-input.cfg (so its base
 * path resolves there: "../cli/small.cfg", or
 * "../../../scenarios/sco_baseline.cfg"). Loading must end in a sweep or a
 * clean error. A sweep that loads must be what the loader promises: every
 * parameter's bounds in order and finite, integer parameters on integers,
 * explicit levels inside the bounds, and a design whose every point lies
 * inside the bounds; its identity (the checkpoint hashes) must compute.
 * Any crash, leak, sanitizer report or abort() here is a bug. Built by
 * `make fuzz`. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

#define NAME "tests/fixtures/sweepfiles/fuzz-input.cfg"

static void check_sweep(const fs_sweep *sw)
{
    fs_sparam sp[FS_SWEEP_MAX_PARAMS];
    fs_design *d;
    fs_err err;
    int i, j, k = sw->nparams;

    if (k < 1 || k > FS_SWEEP_MAX_PARAMS || sw->noutputs < 1 ||
        sw->noutputs > FS_SWEEP_MAX_OUTPUTS || sw->runs < 1 || sw->base == NULL)
        abort();
    for (j = 0; j < k; j++) {
        const fs_sweep_param *p = &sw->params[j];
        if (!isfinite(p->lo) || !isfinite(p->hi) || p->lo > p->hi)
            abort();
        if (p->integer && (p->lo != floor(p->lo) || p->hi != floor(p->hi)))
            abort();
        for (i = 0; i < p->nlevels; i++)
            if (!(p->levels[i] >= p->lo && p->levels[i] <= p->hi))
                abort();
    }
    fs_sweep_sparams(sw, sp);
    if ((d = fs_design_alloc(sw->design, sp, k, &sw->dopts, &err)) == NULL) {
        if (err.code != FS_ENOMEM)
            abort();   /* the loader already accepted this design */
        return;
    }
    for (i = 0; i < fs_design_npoints(d); i++) {
        const double *x = fs_design_point(d, i);
        for (j = 0; j < k; j++)
            if (!(x[j] >= sp[j].lo && x[j] <= sp[j].hi) ||
                (sp[j].integer && x[j] != floor(x[j])))
                abort();
    }
    fs_design_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_sweep *sw = NULL;
    fs_ckpt_id id;
    fs_err err;

    fs_err_clear(&err);
    if (fs_sweep_load_buffer(NAME, (const char *)data, size, NULL, 0, &sw, &err) != FS_OK) {
        if (sw != NULL || err.msg[0] == '\0')
            abort();   /* a failure returns no sweep and says why */
        return 0;
    }
    check_sweep(sw);
    if (fs_sweep_id(sw, &id, &err) != FS_OK && err.code != FS_ENOMEM)
        abort();
    fs_sweep_free(sw);
    return 0;
}
