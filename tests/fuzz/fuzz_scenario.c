/* fuzz_scenario.c: libFuzzer harness for scenario files. The input is a
 * scenario text, loaded as scenarios/fuzz-input.cfg (so its @include lines
 * resolve under scenarios/, e.g. common/threats.cfg). A scenario that loads
 * must also survive what `foresight run` does with it before the engine:
 * writing it back as
 * scenario.resolved.cfg must give a file that loads again and writes the
 * same bytes, describing it must work, and (when small) one run of the
 * model must complete. Any crash, leak, sanitizer report or abort() here
 * is a bug. Built by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "metrics.h"
#include "model.h"
#include "rng.h"

#define NAME "scenarios/fuzz-input.cfg"

/* The text fs_scenario_write gives, in a fresh buffer (the caller frees). */
static char *written(const fs_scenario *sc, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    fs_err err;

    if (f == NULL)
        abort();
    if (fs_scenario_write(sc, f, &err) != FS_OK)
        abort();
    fclose(f);
    return buf;
}

static void describe(const fs_scenario *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        abort();
    fs_scenario_describe(sc, f);
    fclose(f);
    free(buf);
}

/* One run of the model, when the scenario is small enough to be quick. */
static void run_once(const fs_scenario *sc)
{
    fs_layout lay;
    fs_model *m;
    gsl_rng *r;
    double *obs;
    int t;

    if ((long)sc->steps * (sc->nactors * (sc->nthreats + 1) + sc->nmechanisms) > 20000)
        return;
    fs_layout_init(&lay, sc);
    m = fs_model_alloc(sc);
    r = fs_rng_alloc();
    obs = malloc((size_t)lay.ncells * sizeof *obs);
    if (m && r && obs) {
        fs_rng_seed(r, sc->seed, 0);
        fs_model_start(m, r, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, obs);
        fs_model_finish(m, obs);
    }
    free(obs);
    if (r)
        gsl_rng_free(r);
    fs_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_scenario *sc = NULL, *again = NULL;
    char *text, *text2;
    size_t len, len2;
    fs_err err;

    fs_err_clear(&err);
    if (fs_load_scenario_buffer(NAME, (const char *)data, size, NULL, 0, &sc, &err) != FS_OK) {
        if (sc != NULL || err.msg[0] == '\0')
            abort();   /* a failure returns no scenario and says why */
        return 0;
    }
    describe(sc);
    text = written(sc, &len);
    if (fs_load_scenario_buffer(NAME, text, len, NULL, 0, &again, &err) != FS_OK) {
        fprintf(stderr, "resolved scenario does not load: %s\n--\n%s\n", err.msg, text);
        abort();
    }
    text2 = written(again, &len2);
    if (len != len2 || memcmp(text, text2, len) != 0) {
        fprintf(stderr, "resolved scenario is not stable:\n%s\n--\n%s\n", text, text2);
        abort();
    }
    run_once(sc);
    free(text);
    free(text2);
    fs_scenario_free(again);
    fs_scenario_free(sc);
    return 0;
}
