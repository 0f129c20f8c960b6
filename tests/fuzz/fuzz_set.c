/* fuzz_set.c: libFuzzer harness for --set overrides. Each line of the input
 * is one PATH=VALUE argument, parsed as main parses it and applied to the
 * full example scenario (tests/fixtures/load/full.cfg). Loading must end in
 * a scenario or a clean error; a scenario must write and load again. Built
 * by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

#define BASE "tests/fixtures/load/full.cfg"
#define MAXSETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_override ov[MAXSETS];
    fs_scenario *sc = NULL, *again = NULL;
    char *copy, *p, *nl, *text = NULL;
    size_t len = 0;
    int n = 0;
    fs_err err;
    FILE *f;

    copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    if (strlen(copy) != size)
        goto done;   /* an argument cannot hold a NUL byte */
    for (p = copy; *p && n < MAXSETS; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        fs_err_clear(&err);
        if (fs_override_parse(p, &ov[n], &err) == FS_OK)
            n++;
        else if (err.msg[0] == '\0')
            abort();
        if (nl == NULL)
            break;
    }
    fs_err_clear(&err);
    if (fs_load_scenario(BASE, ov, n, &sc, &err) != FS_OK) {
        if (sc != NULL || err.msg[0] == '\0')
            abort();
        goto done;
    }
    f = open_memstream(&text, &len);
    if (f == NULL || fs_scenario_write(sc, f, &err) != FS_OK)
        abort();
    fclose(f);
    if (fs_load_scenario_buffer("set.cfg", text, len, NULL, 0, &again, &err) != FS_OK) {
        fprintf(stderr, "resolved scenario does not load: %s\n", err.msg);
        abort();
    }
done:
    fs_scenario_free(again);
    fs_scenario_free(sc);
    free(text);
    free(copy);
    return 0;
}
