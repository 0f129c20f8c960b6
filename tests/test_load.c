/* test_load.c: the scenario loader. Each error class has a fixture in
 * tests/fixtures/load/ and a test that checks the status and the whole
 * message; valid fixtures check the values read and that writing, loading
 * and writing again gives identical bytes. Run from the repository root. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "load.h"

#define FX "tests/fixtures/load/"

static fs_err err;

/* Loads a fixture that must fail; returns the status (err holds the text). */
static fs_status load_bad(const char *file, const fs_override *ov, int nov)
{
    static fs_scenario sentinel;
    fs_scenario *sc = &sentinel;   /* the loader must reset it to NULL */
    fs_status st;

    fs_err_clear(&err);
    st = fs_load_scenario(file, ov, nov, &sc, &err);
    if (sc == &sentinel)
        return FS_OK;
    if (sc != NULL) {   /* a failed load must not return a scenario */
        fs_scenario_free(sc);
        return FS_OK;
    }
    return st;
}

/* One --set override, parsed as main parses the command line. */
static fs_status load_set(const char *file, const char *set, fs_scenario **sc)
{
    static char arg[256];
    static fs_override ov;
    fs_status st;

    snprintf(arg, sizeof arg, "%s", set);
    fs_err_clear(&err);
    *sc = NULL;
    st = fs_override_parse(arg, &ov, &err);
    if (st != FS_OK)
        return st;
    return fs_load_scenario(file, &ov, 1, sc, &err);
}

#define CHECK_ERROR(file, status, text) do { \
    fs_status st_ = load_bad(file, NULL, 0); \
    CHECKF(st_ == (status), "status %d, message: %s", (int)st_, err.msg); \
    CHECKF(strcmp(err.msg, (text)) == 0, "\n    got:      %s\n    expected: %s", \
           err.msg, (text)); \
    } while (0)

/* ---- syntax and schema errors ---- */

static void test_syntax_error(void)
{
    CHECK_ERROR(FX "err_syntax.cfg", FS_ECONFIG, FX "err_syntax.cfg:4: syntax error");
}

static void test_syntax_error_in_include(void)
{
    CHECK_ERROR(FX "inc/syntax_main.cfg", FS_ECONFIG,
                FX "inc/syntax_part.cfg:2: syntax error");
}

static void test_unknown_key_suggestion(void)
{
    CHECK_ERROR(FX "err_unknown_key.cfg", FS_ECONFIG,
                FX "err_unknown_key.cfg:6: threats.[iskp].grwoth: unknown key 'grwoth'; "
                "did you mean 'growth'?");
}

static void test_unknown_key_no_match(void)
{
    CHECK_ERROR(FX "err_unknown_far.cfg", FS_ECONFIG,
                FX "err_unknown_far.cfg:3: actors.[TJ].colour: unknown key 'colour'; "
                "valid keys are: id, name, role, capacity, intel, stability, resilience");
}

static void test_wrong_type(void)
{
    CHECK_ERROR(FX "err_wrong_type.cfg", FS_ECONFIG,
                FX "err_wrong_type.cfg:3: threats.[iskp].growth: expected a number, "
                "found a string \"abc\"");
}

static void test_enum_suggestion(void)
{
    CHECK_ERROR(FX "err_enum.cfg", FS_ECONFIG,
                FX "err_enum.cfg:2: actors.[TJ].role: expected one of \"member\", "
                "\"observer\", \"partner\" or \"external\", found a string \"Member\"; "
                "did you mean \"member\"?");
}

static void test_out_of_range(void)
{
    CHECK_ERROR(FX "err_range.cfg", FS_ECONFIG,
                FX "err_range.cfg:5: threats.[iskp].growth: expected a number in [0, 10], "
                "found -0.5");
}

static void test_not_finite(void)
{
    CHECK_ERROR(FX "err_inf.cfg", FS_ECONFIG,
                FX "err_inf.cfg:3: actors.[TJ].capacity: expected a finite number, "
                "found inf");
}

static void test_int64_out_of_range(void)
{
    CHECK_ERROR(FX "err_int64.cfg", FS_ECONFIG,
                FX "err_int64.cfg:2: steps: expected an integer in 1..1200, "
                "found 5000000000");
}

/* baseline resolves against the file that names it and is kept absolute;
 * a missing one is an error at its line. */
static void test_baseline(void)
{
    fs_scenario *sc = NULL;
    const char *tail = "/tests/fixtures/load/minimal.cfg";
    fs_status st = fs_load_scenario(FX "baseline.cfg", NULL, 0, &sc, &err);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->baseline != NULL && sc->baseline[0] == '/');
    CHECK(strlen(sc->baseline) > strlen(tail) &&
          strcmp(sc->baseline + strlen(sc->baseline) - strlen(tail), tail) == 0);
    fs_scenario_free(sc);
    CHECK_ERROR(FX "err_baseline.cfg", FS_ECONFIG,
                FX "err_baseline.cfg:2: baseline: cannot read the baseline scenario "
                "\"no_such_baseline.cfg\" (" FX "no_such_baseline.cfg): No such file or directory");
}

static void test_int_beyond_64_bits(void)
{
    CHECK_ERROR(FX "err_int_overflow.cfg", FS_ECONFIG,
                FX "err_int_overflow.cfg:2: integer 99999999999999999999 is outside "
                "the 64-bit range, -9223372036854775808 to 9223372036854775807");
    /* With an L suffix too: libconfig itself would clamp it silently. */
    CHECK_ERROR(FX "err_int_overflow_l.cfg", FS_ECONFIG,
                FX "err_int_overflow_l.cfg:2: integer 9223372036854775808 is outside "
                "the 64-bit range, -9223372036854775808 to 9223372036854775807");
}

static void test_missing_required(void)
{
    CHECK_ERROR(FX "err_missing.cfg", FS_ECONFIG,
                FX "err_missing.cfg: missing required key 'name' at the top level");
    CHECK_ERROR(FX "err_missing_elem.cfg", FS_ECONFIG,
                FX "err_missing_elem.cfg:3: borders.[TJ-AF]: missing required key "
                "'permeability'");
}

static void test_duplicate_actor(void)
{
    CHECK_ERROR(FX "err_dup_actor.cfg", FS_ECONFIG,
                FX "err_dup_actor.cfg:4: actors.[TJ].id: duplicate actor id 'TJ'");
}

static void test_self_border(void)
{
    CHECK_ERROR(FX "err_self_border.cfg", FS_ECONFIG,
                FX "err_self_border.cfg:3: borders.[TJ-TJ]: a border joins two different "
                "actors, found 'TJ' on both sides");
}

static void test_duplicate_border(void)
{
    CHECK_ERROR(FX "err_dup_border.cfg", FS_ECONFIG,
                FX "err_dup_border.cfg:5: borders.[AF-TJ]: duplicate border between 'AF' "
                "and 'TJ'");
}

static void test_unknown_actor(void)
{
    CHECK_ERROR(FX "err_unknown_actor.cfg", FS_ECONFIG,
                FX "err_unknown_actor.cfg:3: threats.[iskp].presence.TJK: unknown actor "
                "'TJK'; did you mean 'TJ'?");
    CHECK_ERROR(FX "err_unknown_participant.cfg", FS_ECONFIG,
                FX "err_unknown_participant.cfg:4: mechanisms.[rats].participants: "
                "unknown actor 'UZB'; did you mean 'UZ'?");
}

static void test_external_participant(void)
{
    CHECK_ERROR(FX "err_external.cfg", FS_ECONFIG,
                FX "err_external.cfg:4: mechanisms.[rats].participants: actor 'AF' has "
                "role external, and external actors cannot take part in a mechanism");
}

static void test_no_participants(void)
{
    CHECK_ERROR(FX "err_no_participants.cfg", FS_ECONFIG,
                FX "err_no_participants.cfg:4: mechanisms.[rats].participants: expected "
                "at least 1 participant, found an empty list");
}

static void test_step_outside_horizon(void)
{
    CHECK_ERROR(FX "err_step_horizon.cfg", FS_ECONFIG,
                FX "err_step_horizon.cfg:6: injects.[late].step: expected an integer in "
                "1..60, found 61");
}

static void test_hazard_and_step(void)
{
    CHECK_ERROR(FX "err_hazard_step.cfg", FS_ECONFIG,
                FX "err_hazard_step.cfg:5: injects.[both].hazard: give either step or "
                "hazard, not both");
}

static void test_key_not_for_type(void)
{
    CHECK_ERROR(FX "err_not_applicable.cfg", FS_ECONFIG,
                FX "err_not_applicable.cfg:5: injects.[a1].factor: key 'factor' does not "
                "apply to an inject of type attack");
}

static void test_surge_that_changes_nothing(void)
{
    CHECK_ERROR(FX "err_surge_nothing.cfg", FS_ECONFIG,
                FX "err_surge_nothing.cfg:4: injects.[s]: a surge that changes nothing "
                "(factor 1, add 0); set factor or add");
}

/* ---- files and includes ---- */

static void test_include_relative(void)
{
    fs_scenario *sc = NULL;
    fs_status st = fs_load_scenario(FX "inc/main.cfg", NULL, 0, &sc, &err);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->nactors == 2 && sc->nthreats == 1 && sc->steps == 24);
    CHECK(sc->threats[0].presence[1] == 30.0);
    fs_scenario_free(sc);
}

static void test_error_inside_include(void)
{
    CHECK_ERROR(FX "inc/bad_main.cfg", FS_ECONFIG,
                FX "inc/bad_part.cfg:3: actors.[TJ].capacity: expected a number in "
                "[0, 1], found 1.5");
}

static void test_include_missing(void)
{
    CHECK_ERROR(FX "inc_missing.cfg", FS_ECONFIG,
                FX "inc_missing.cfg:3: cannot include \"no_such_file.cfg\" ("
                FX "no_such_file.cfg): No such file or directory");
}

static void test_include_cycle(void)
{
    CHECK_ERROR(FX "cycle_a.cfg", FS_ECONFIG,
                FX "cycle_b.cfg:2: include cycle: " FX "cycle_a.cfg -> " FX "cycle_b.cfg "
                "-> " FX "cycle_a.cfg");
}

static void test_include_absolute(void)
{
    CHECK_ERROR(FX "inc_absolute.cfg", FS_ECONFIG,
                FX "inc_absolute.cfg:2: @include \"/etc/hostname\": absolute include "
                "paths are not allowed; write a path relative to this file");
}

static void test_include_too_deep(void)
{
    CHECK_ERROR(FX "deep/d0.cfg", FS_ECONFIG,
                FX "deep/d8.cfg:2: @include \"d9.cfg\": includes are nested more than "
                "8 deep");
}

static void test_empty_file(void)
{
    CHECK_ERROR(FX "empty.cfg", FS_ECONFIG, FX "empty.cfg: file is empty: expected a "
                "scenario");
}

static void test_binary_file(void)
{
    CHECK_ERROR(FX "binary.cfg", FS_ECONFIG, FX "binary.cfg: binary data at line 3, "
                "expected text");
}

static void test_directory(void)
{
    CHECK_ERROR(FX "inc", FS_ECONFIG, FX "inc: is a directory, expected a scenario");
}

static void test_missing_file(void)
{
    CHECK_ERROR(FX "no_such.cfg", FS_ECONFIG, FX "no_such.cfg: cannot read scenario: "
                "No such file or directory");
}

/* ---- --set ---- */

static void test_set_steps(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "steps=24", &sc);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->steps == 24);
    CHECK(sc->mechanisms[0].end == 24);   /* the default end follows the horizon */
    fs_scenario_free(sc);
}

static void test_set_actor_key(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "actors.[TJ].capacity=0.3", &sc);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->actors[0].capacity == 0.3);
    fs_scenario_free(sc);
    st = load_set(FX "base.cfg", "actors.[UZ].capacity=1", &sc);   /* creates a key */
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->actors[1].capacity == 1.0);
    fs_scenario_free(sc);
}

static void test_set_creates_section(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "dynamics.tau=0.2", &sc);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->dynamics.blame == 0.2);
    CHECK(sc->dynamics.sharing_efficiency == 0.5);   /* the others keep defaults */
    fs_scenario_free(sc);
}

static void test_set_other_paths(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "borders.[AF-TJ].permeability=0.9", &sc);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->borders[0].permeability == 0.9);
    fs_scenario_free(sc);
    st = load_set(FX "base.cfg", "threats.[iskp].presence.TJ=5", &sc);
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->threats[0].presence[0] == 5.0 && sc->threats[0].presence[2] == 100.0);
    fs_scenario_free(sc);
    st = load_set(FX "base.cfg", "name=\"Quoted name\"", &sc);
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(strcmp(sc->name, "Quoted name") == 0);
    fs_scenario_free(sc);
    st = load_set(FX "base.cfg", "seed=12345678901234", &sc);
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->seed == 12345678901234ULL);
    fs_scenario_free(sc);
}

static void test_set_out_of_range(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "mechanisms.[rats].intensity=2", &sc);

    CHECK(st == FS_ECONFIG && sc == NULL);
    CHECK(strcmp(err.msg, "--set mechanisms.[rats].intensity=2: expected a number in "
                 "[0, 1], found 2") == 0);
}

static void test_set_bad_value(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "threats.[iskp].growth=abc", &sc);

    CHECK(st == FS_ECONFIG && sc == NULL);
    CHECK(strcmp(err.msg, "--set threats.[iskp].growth=abc: expected a number, "
                 "found \"abc\"") == 0);
}

static void test_set_unknown_path(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "nosuch.key=1", &sc);

    CHECK(st == FS_EUSAGE && sc == NULL);
    CHECK_STR_CONTAINS(err.msg, "--set nosuch.key=1: unknown key 'nosuch'; valid keys "
                       "are: name, description");
    st = load_set(FX "base.cfg", "dynamics.tua=1", &sc);
    CHECK(st == FS_EUSAGE && sc == NULL);
    CHECK(strcmp(err.msg, "--set dynamics.tua=1: unknown key 'tua' in dynamics; "
                 "did you mean 'tau'?") == 0);
    st = load_set(FX "base.cfg", "threats.[isk].growth=1", &sc);
    CHECK(st == FS_EUSAGE && sc == NULL);
    CHECK(strcmp(err.msg, "--set threats.[isk].growth=1: threats has no element [isk]; "
                 "did you mean 'iskp'?") == 0);
}

static void test_set_malformed(void)
{
    fs_scenario *sc;
    fs_status st = load_set(FX "base.cfg", "steps", &sc);

    CHECK(st == FS_EUSAGE && sc == NULL);
    CHECK_STR_CONTAINS(err.msg, "--set steps: expected PATH=VALUE");
}

/* ---- valid files and round trips ---- */

static void test_minimal_defaults(void)
{
    fs_scenario *sc = NULL;
    fs_status st = fs_load_scenario(FX "minimal.cfg", NULL, 0, &sc, &err);

    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(sc->steps == 60 && sc->runs == 1000 && sc->seed == 1);
    CHECK(strcmp(sc->step_unit, "month") == 0 && strcmp(sc->rng, "philox4x32-10") == 0);
    CHECK(strcmp(sc->description, "") == 0 && strcmp(sc->question, "") == 0);
    CHECK(sc->nactors == 1 && strcmp(sc->actors[0].name, "KZ") == 0);
    CHECK(sc->actors[0].role == FS_ROLE_MEMBER && sc->actors[0].capacity == 0.5);
    CHECK(sc->actors[0].stability == 0.7 && sc->actors[0].resilience == 0.1);
    CHECK(sc->nborders == 0 && sc->nthreats == 0 && sc->nmechanisms == 0);
    CHECK(sc->ninjects == 0 && sc->trust[0] == 1.0 && sc->trust_default == 0.5);
    CHECK(sc->interop_default == 0.0);
    CHECK(sc->outcomes.escalation_ratio == 1.5 && sc->outcomes.mass_casualty == 50);
    CHECK(sc->dynamics.sharing_efficiency == 0.5 && sc->dynamics.interop_decay == 0.01);
    fs_scenario_free(sc);
}

static void check_full_values(const fs_scenario *sc)
{
    const fs_threat *t = &sc->threats[0];
    const fs_inject *j;
    int n = sc->nactors;

    CHECK(sc->steps == 48 && sc->runs == 500 && sc->seed == 5000000000ULL);
    CHECK(n == 5 && sc->actors[4].role == FS_ROLE_EXTERNAL);
    CHECK(sc->actors[2].role == FS_ROLE_OBSERVER && sc->actors[2].capacity == 0.4);
    CHECK(sc->nborders == 3 && sc->borders[0].a == 1 && sc->borders[0].b == 4);
    CHECK(t->carrying_capacity == 200 && t->capacity[4] == 400 && t->capacity[0] == 200);
    CHECK(t->presence[4] == 120 && t->presence[1] == 8 && t->presence[2] == 0);
    CHECK(t->lethality_mean == 12.5 && t->lethality_dispersion == 0.3);
    CHECK(sc->threats[1].lethality_mean == 5 && sc->threats[1].capacity[0] == 1000);
    CHECK(sc->trust_default == 0.55 && sc->trust[0 * n + 1] == 0.7);
    CHECK(sc->trust[1 * n + 0] == 0.7 && sc->trust[3 * n + 0] == 0.3);
    CHECK(sc->trust[2 * n + 2] == 1.0 && sc->trust[2 * n + 4] == 0.55);
    CHECK(sc->interop[0 * n + 1] == 0.4 && sc->interop[0 * n + 2] == 0.05);
    CHECK(sc->nmechanisms == 4);
    CHECK(sc->mechanisms[0].nparticipants == 2 && sc->mechanisms[0].end == 48);
    CHECK(sc->mechanisms[1].period == 6 && sc->mechanisms[1].enabled == 0);
    CHECK(sc->mechanisms[2].kind == FS_MECH_BORDER_OPERATION);
    CHECK(sc->mechanisms[2].nborders == 2 && sc->mechanisms[2].borders[1] == 1);
    CHECK(sc->mechanisms[3].nparticipants == 4);   /* "all": every non-external actor */
    CHECK(sc->ninjects == 10);
    j = &sc->injects[0];
    CHECK(j->kind == FS_INJ_ATTACK && j->step == 15 && j->actor == 0 && j->actor2 == 1);
    CHECK(j->casualties == 145 && j->attacks == 1 && j->threat == 0);
    j = &sc->injects[1];
    CHECK(j->hazard == 0.01 && j->step == 0 && j->start == 2 && j->end == 40);
    CHECK(j->repeat == 1 && j->casualties == -1 && j->actor2 == -1);
    CHECK(sc->injects[2].probability == 0.5 && sc->injects[2].delta == -0.1);
    CHECK(sc->injects[3].end == 48 && sc->injects[3].repeat == 0);
    CHECK(sc->injects[4].actor == 0 && sc->injects[4].actor2 == 3);
    CHECK(sc->injects[5].factor == 1.5 && sc->injects[5].add == 10);
    CHECK(sc->injects[6].actor == -1 && sc->injects[6].threat == 1);
    CHECK(sc->injects[8].kind == FS_INJ_MECHANISM_ON && sc->injects[8].mechanism == 0);
    CHECK(sc->injects[9].kind == FS_INJ_JOIN && sc->injects[9].actor == 3);
    CHECK(sc->outcomes.escalation_ratio == 2.0 && sc->outcomes.mass_casualty == 40);
    CHECK(sc->dynamics.sharing_efficiency == 0.6 && sc->dynamics.blame == 0.1);
    CHECK(sc->dynamics.trust_recovery == 0.04 && sc->dynamics.interop_decay == 0.02);
}

static void test_full_fixture(void)
{
    fs_scenario *sc = NULL;
    fs_status st = fs_load_scenario(FX "full.cfg", NULL, 0, &sc, &err);

    CHECKF(st == FS_OK, "%s", err.msg);
    check_full_values(sc);
    fs_scenario_free(sc);
}

/* Writes sc into a fresh malloc'd string. */
static char *write_text(const fs_scenario *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        return NULL;
    if (fs_scenario_write(sc, f, &err) != FS_OK) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* Loads file, writes it, loads what was written and writes that again:
 * both texts must be identical. The reloaded scenario is returned. */
static int round_trip(const char *file, fs_scenario **again)
{
    char tmp[] = "/tmp/foresight_test_load_XXXXXX";
    fs_scenario *sc = NULL;
    char *one = NULL, *two = NULL;
    FILE *f;
    int fd, ok = 0;

    *again = NULL;
    if (fs_load_scenario(file, NULL, 0, &sc, &err) != FS_OK
        || (one = write_text(sc)) == NULL || (fd = mkstemp(tmp)) < 0)
        goto fail;
    f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        goto fail;
    }
    fputs(one, f);
    fclose(f);
    if (fs_load_scenario(tmp, NULL, 0, again, &err) == FS_OK
        && (two = write_text(*again)) != NULL)
        ok = strcmp(one, two) == 0;
    if (!ok)
        fprintf(stderr, "  round trip of %s differs or fails: %s\n", file, err.msg);
    unlink(tmp);
fail:
    if (!ok && err.msg[0])
        fprintf(stderr, "  %s: %s\n", file, err.msg);
    free(one);
    free(two);
    fs_scenario_free(sc);
    return ok;
}

static void test_round_trip_full(void)
{
    fs_scenario *sc;

    CHECK(round_trip(FX "full.cfg", &sc));
    check_full_values(sc);
    fs_scenario_free(sc);
}

static void test_round_trip_all(void)
{
    static const char *const patterns[] = {FX "*.cfg", FX "inc/main.cfg", "scenarios/*.cfg"};
    fs_scenario *sc, *probe;
    glob_t g;
    size_t i, k;
    int loaded = 0;

    for (k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        if (glob(patterns[k], 0, NULL, &g) != 0)
            continue;
        for (i = 0; i < g.gl_pathc; i++) {
            int is_fixture = strncmp(g.gl_pathv[i], FX, strlen(FX)) == 0;
            if (fs_load_scenario(g.gl_pathv[i], NULL, 0, &probe, &err) != FS_OK) {
                /* Fixtures that are meant to fail are skipped; every scenario
                 * under scenarios/ must load. */
                CHECKF(is_fixture, "%s does not load: %s", g.gl_pathv[i], err.msg);
                continue;
            }
            fs_scenario_free(probe);
            CHECKF(round_trip(g.gl_pathv[i], &sc), "%s", g.gl_pathv[i]);
            fs_scenario_free(sc);
            loaded++;
        }
        globfree(&g);
    }
    CHECK(loaded >= 3);
}

static void test_write_reports_stream_error(void)
{
    fs_scenario *sc = NULL;
    FILE *f = fopen("/dev/full", "w");

    if (f == NULL)
        return;   /* no /dev/full here: nothing to test */
    setvbuf(f, NULL, _IONBF, 0);
    CHECKF(fs_load_scenario(FX "minimal.cfg", NULL, 0, &sc, &err) == FS_OK, "%s", err.msg);
    CHECK(fs_scenario_write(sc, f, &err) == FS_EIO);
    fclose(f);
    fs_scenario_free(sc);
}

/* What foresight check prints for sc (malloc'd). */
static char *describe_text(const fs_scenario *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        return NULL;
    fs_scenario_describe(sc, f);
    fclose(f);
    return buf;
}

static void test_describe(void)
{
    fs_scenario *sc = NULL;
    char *buf;

    CHECKF(fs_load_scenario(FX "full.cfg", NULL, 0, &sc, &err) == FS_OK, "%s", err.msg);
    buf = describe_text(sc);
    CHECK(buf != NULL);
    fs_scenario_free(sc);
    CHECK_STR_CONTAINS(buf, "Horizon   48 months (steps 1-48)");
    CHECK_STR_CONTAINS(buf, "Seed      5000000000");
    CHECK_STR_CONTAINS(buf, "  AF  Afghanistan  external  0.1");
    CHECK_STR_CONTAINS(buf, "iskp   IS-Khorasan  130.5 cells");
    CHECK_STR_CONTAINS(buf, "steps 6-42 (off)");
    CHECK_STR_CONTAINS(buf, "step 10 with p=0.5");
    CHECK_STR_CONTAINS(buf, "hazard 0.01/step in 2-40, repeats");
    CHECK(strstr(buf, " \n") == NULL);   /* no trailing blanks */
    free(buf);
}


/* ---- extends: variants as changes to another scenario ---- */

#define EXT FX "ext/"

static void test_extends_resolves(void)
{
    fs_scenario *sc = NULL;
    char *buf;

    CHECKF(fs_load_scenario(EXT "variant.cfg", NULL, 0, &sc, &err) == FS_OK, "%s", err.msg);
    if (sc == NULL)
        return;
    CHECK(strcmp(sc->name, "Variant") == 0);
    CHECK(sc->steps == 60);                                   /* the base's */
    CHECK(sc->nactors == 4 && strcmp(sc->actors[1].id, "KG") == 0);   /* after TJ */
    CHECK(sc->actors[2].capacity == 0.7);                     /* set */
    CHECK(sc->nborders == 1 && strcmp(sc->actors[sc->borders[0].a].id, "KG") == 0);
    CHECK(sc->threats[0].growth == 0.04);                     /* replaced, then set */
    CHECK(sc->threats[0].presence[0] == 5.0 && sc->threats[0].presence[3] == 50.0);
    CHECK(sc->nmechanisms == 2 && strcmp(sc->mechanisms[0].id, "drill") == 0);
    CHECK(sc->ninjects == 1 && strcmp(sc->injects[0].id, "hit") == 0);
    CHECK(sc->trust[0 * 4 + 2] == 0.2 && sc->trust[2 * 4 + 0] == 0.2);
    CHECK(sc->extends != NULL && strstr(sc->extends, "/load/base.cfg") != NULL);
    CHECK(sc->nchanges == 9);
    buf = describe_text(sc);
    CHECK(buf != NULL);
    CHECK_STR_CONTAINS(buf, "Extends   ");
    CHECK_STR_CONTAINS(buf, "KG  Kyrgyzstan   member    0.5       0.5    0.7        0.1"
                       "         " EXT "variant.cfg:6");
    CHECK_STR_CONTAINS(buf, "  " EXT "variant.cfg:9: add mechanisms.[drill] before rats\n");
    CHECK_STR_CONTAINS(buf, "  " EXT "variant.cfg:19: remove borders.[AF-TJ]\n");
    CHECK_STR_CONTAINS(buf, "  " EXT "variant.cfg:16: replace threats.[iskp]\n");
    CHECK_STR_CONTAINS(buf, "  " EXT "variant.cfg:4: set actors.[UZ].capacity=0.7\n");
    CHECK_STR_CONTAINS(buf, "rats   intel_sharing  0.5        steps 1-60  -         0     "
                       "TJ UZ         " EXT "../base.cfg:12");
    CHECK(strstr(buf, " \n") == NULL);
    free(buf);
    fs_scenario_free(sc);
}

/* A variant of a variant; and --set applies after every file's changes. */
static void test_extends_chain(void)
{
    fs_scenario *sc = NULL;

    CHECK(load_set(EXT "chain.cfg", "threats.[iskp].growth=0.05", &sc) == FS_OK);
    if (sc == NULL)
        return;
    CHECK(sc->steps == 24 && sc->ninjects == 0 && sc->nmechanisms == 1);
    CHECK(sc->nactors == 4 && sc->threats[0].growth == 0.05);
    CHECK(sc->nchanges == 11);
    fs_scenario_free(sc);
}

/* Writing a variant gives a whole file that loads to the same bytes. */
static void test_extends_round_trip(void)
{
    fs_scenario *sc = NULL;

    CHECKF(round_trip(EXT "variant.cfg", &sc), "%s", err.msg);
    fs_scenario_free(sc);
}

static void test_extends_errors(void)
{
    CHECK_ERROR(EXT "err_remove.cfg", FS_ECONFIG, EXT "err_remove.cfg:3: remove.mechanisms: "
                "the scenario it extends has no mechanisms [ratz]; did you mean 'rats'?");
    CHECK_ERROR(EXT "err_add_twice.cfg", FS_ECONFIG, EXT "err_add_twice.cfg:2: "
                "add.mechanisms: the scenario it extends has mechanisms [rats] already: "
                "'replace' changes an element, 'add' adds a new one");
    CHECK_ERROR(EXT "err_before.cfg", FS_ECONFIG, EXT "err_before.cfg:2: add.actors.before: "
                "the scenario it extends has no actors [UX]; did you mean 'UZ'?");
    CHECK_ERROR(EXT "err_set.cfg", FS_ECONFIG, EXT "err_set.cfg:2: set "
                "threats.[iskp].grwoth=0.1: unknown key 'grwoth' in threats.[iskp]; "
                "did you mean 'growth'?");
    CHECK_ERROR(EXT "err_set_range.cfg", FS_ECONFIG, EXT "err_set_range.cfg:3: "
                "actors.[TJ].capacity: expected a number in [0, 1], found 2.0");
    CHECK_ERROR(EXT "err_no_extends.cfg", FS_ECONFIG, EXT "err_no_extends.cfg:2: add: "
                "'add' changes the scenario a file extends, and this file extends none: "
                "name it with extends = \"base.cfg\";");
    CHECK_ERROR(EXT "err_missing.cfg", FS_ECONFIG, EXT "err_missing.cfg:1: extends: cannot "
                "read the extended scenario \"nothere.cfg\" (" EXT "nothere.cfg): No such "
                "file or directory");
    CHECK_ERROR(EXT "err_cycle_a.cfg", FS_ECONFIG, EXT "err_cycle_b.cfg:1: extends: "
                "\"err_cycle_a.cfg\" extends, directly or through others, this file: a cycle");
    CHECK_ERROR(EXT "err_in_added.cfg", FS_ECONFIG, EXT "err_in_added.cfg:4: "
                "injects.[hit].threat: unknown threat 'iskq'; did you mean 'iskp'?");
    CHECK_ERROR(EXT "err_list_name.cfg", FS_ECONFIG, EXT "err_list_name.cfg:2: add.inject: "
                "unknown key 'inject'; did you mean 'injects'?");
}

/* Every shipped variant of the baseline is written as a delta of it (that
 * their outputs did not change is checked by md5 when they are rewritten,
 * and cli_run.sh runs one against its scenario.resolved.cfg). */
static void test_shipped_variants_extend(void)
{
    static const char *const v[] = {"crocus_attack", "enhanced_sharing", "extra_drill",
                                    "india_pakistan_cbm", "sanctions_naval", "solidarity_2024"};
    size_t i;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char path[128];
        fs_scenario *sc = NULL;
        snprintf(path, sizeof path, "scenarios/%s.cfg", v[i]);
        CHECKF(fs_load_scenario(path, NULL, 0, &sc, &err) == FS_OK, "%s", err.msg);
        if (sc == NULL)
            continue;
        CHECKF(sc->extends && strstr(sc->extends, "/scenarios/sco_baseline.cfg"), "%s", v[i]);
        CHECKF(sc->nactors == 12 && sc->nthreats == 3 && sc->steps == 60, "%s", v[i]);
        fs_scenario_free(sc);
    }
}

/* An attack's casualties: per attack, or the total split evenly; check
 * says which, and when no single attack reaches mass_casualty. */
static void test_casualties_per_attack(void)
{
    fs_scenario *sc = NULL;
    char *buf;

    CHECKF(round_trip(EXT "casualties.cfg", &sc), "%s", err.msg);
    if (sc == NULL)
        return;
    CHECK(sc->injects[0].per_attack == 1 && sc->injects[0].casualties == 60.0);
    CHECK(sc->injects[1].per_attack == 0 && sc->injects[1].casualties == 95.0);
    buf = describe_text(sc);
    CHECK(buf != NULL);
    CHECK_STR_CONTAINS(buf, "2 attacks, 60 casualties each");
    CHECK_STR_CONTAINS(buf, "2 attacks, 95 casualties in all (47.5 each, each under "
                       "mass_casualty)");
    free(buf);
    fs_scenario_free(sc);
    CHECK_ERROR(EXT "err_casualties_both.cfg", FS_ECONFIG, EXT "err_casualties_both.cfg:5: "
                "injects.[double].casualties_per_attack: give casualties_per_attack (each "
                "attack's) or casualties (the total, split evenly over the attacks), not both");
}

/* border_change and leave injects: read, described, written back. */
static void test_border_change_and_leave(void)
{
    fs_scenario *sc = NULL;

    CHECKF(round_trip(EXT "border_leave.cfg", &sc), "%s", err.msg);
    if (sc == NULL)
        return;
    CHECK(sc->injects[0].kind == FS_INJ_BORDER_CHANGE && sc->injects[0].border == 0);
    CHECK(sc->injects[0].value == 0.0 && sc->injects[0].until == 8);
    CHECK(sc->injects[1].value == -1 && sc->injects[1].factor == 0.5);
    CHECK(sc->injects[1].until == 0 && sc->injects[1].hazard == 0.02);
    CHECK(sc->injects[2].kind == FS_INJ_LEAVE && sc->injects[2].actor == 1);
    fs_scenario_free(sc);
    CHECK_ERROR(EXT "err_border_both.cfg", FS_ECONFIG, EXT "err_border_both.cfg:3: "
                "injects.[c].value: give factor (the permeability multiplied) or value (the "
                "new permeability), not both");
    CHECK_ERROR(EXT "err_border_until.cfg", FS_ECONFIG, EXT "err_border_until.cfg:4: "
                "injects.[c].until: key 'until' applies only to an inject with a step");
    CHECK_ERROR(EXT "err_border_none.cfg", FS_ECONFIG, EXT "err_border_none.cfg:3: "
                "injects.[c].border: no border between 'TJ' and 'UZ' is declared in borders");
    CHECK_ERROR(EXT "err_leave.cfg", FS_ECONFIG, EXT "err_leave.cfg:3: injects.[out].target: "
                "actor 'AF' does not take part in 'rats' and no earlier join inject adds it: "
                "it cannot leave");
}

/* docs/SCENARIO.md lists the shipped region's ids as scenarios/common/
 * defines them: every actor (id, name, role), threat and border. */
static void test_region_ids_documented(void)
{
    fs_scenario *sc = NULL;
    FILE *f = fopen("docs/SCENARIO.md", "r");
    char *doc = NULL, row[256];
    size_t cap = 0;
    int i;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(getdelim(&doc, &cap, '\0', f) > 0);
    fclose(f);
    CHECKF(fs_load_scenario("scenarios/sco_baseline.cfg", NULL, 0, &sc, &err) == FS_OK,
           "%s", err.msg);
    for (i = 0; sc && i < sc->nactors; i++) {
        snprintf(row, sizeof row, "| `%s` | %s | %s |", sc->actors[i].id, sc->actors[i].name,
                 fs_role_name(sc->actors[i].role));
        CHECK_STR_CONTAINS(doc, row);
    }
    for (i = 0; sc && i < sc->nthreats; i++) {
        snprintf(row, sizeof row, "| `%s` | %s |", sc->threats[i].id, sc->threats[i].name);
        CHECK_STR_CONTAINS(doc, row);
    }
    for (i = 0; sc && i < sc->nborders; i++) {
        snprintf(row, sizeof row, "`%s-%s`", sc->actors[sc->borders[i].a].id,
                 sc->actors[sc->borders[i].b].id);
        CHECK_STR_CONTAINS(doc, row);
    }
    CHECK_STR_CONTAINS(doc, "scenarios/common/");
    fs_scenario_free(sc);
    free(doc);
}

/* The resolved scenario as text (fs_scenario_write), malloc'd. */
static char *written(const fs_scenario *sc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return NULL;
    if (fs_scenario_write(sc, f, &err) != FS_OK) {
        fclose(f);
        free(text);
        return NULL;
    }
    fclose(f);
    return text;
}

/* fs_scenario_set writes in place what loading with --set gives: for every
 * path of the baseline that --paths lists and the loader takes a new value
 * for (half the old one, or 0.25 from 0), either fs_scenario_set refuses
 * it (-1: a setting others derive from, an integer, a string, a matrix
 * entry) or the scenario it leaves writes out byte for byte as the one
 * loaded with the override. And it refuses those it must. */
static void test_set_in_place(void)
{
    const char *file = "scenarios/sco_baseline.cfg";
    char *list = NULL, *line, *save = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&list, &len);
    int set = 0, refused = 0;

    CHECK(f != NULL);
    CHECK(fs_load_paths(file, NULL, 0, f, &err) == FS_OK);
    fclose(f);
    for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        fs_scenario *base = NULL, *loaded = NULL;
        double v, w;
        int isint;
        char text[64];
        fs_override ov = {line, text};
        CHECK(fs_load_scenario(file, NULL, 0, &base, &err) == FS_OK);
        if (fs_scenario_get(base, line, &v, &isint) != 0) {
            CHECKF(fs_scenario_set(base, line, 1.0) == -1, "%s is no number, yet set", line);
            fs_scenario_free(base);
            continue;
        }
        w = v > 0 ? v / 2 : 0.25;
        snprintf(text, sizeof text, "%.17g", w);
        if (fs_load_scenario(file, &ov, 1, &loaded, &err) != FS_OK ||
            fs_scenario_set(base, line, w) != 0) {
            refused += loaded != NULL;
            fs_scenario_free(base);
            fs_scenario_free(loaded);
            continue;
        }
        char *a = written(base), *b = written(loaded);
        int same = a && b && strcmp(a, b) == 0;
        free(a), free(b);
        fs_scenario_free(base);
        fs_scenario_free(loaded);
        CHECKF(same, "%s = %s: set in place and loaded differ", line, text);
        set++;
    }
    free(list);
    /* 12 actors x 4, 3 threats x (8 + 24 presence and capacity), 9
     * dynamics-and-outcomes, the mechanisms' intensity and cost: well over
     * a hundred; and the loader took new values for some it refused. */
    CHECKF(set > 100 && refused > 0, "%d set in place, %d refused", set, refused);
    printf("  note: %d settings of %s set in place as loading sets them, %d left to "
           "loading\n", set, file, refused);
    {
        fs_scenario *sc = NULL;
        CHECK(fs_load_scenario(file, NULL, 0, &sc, &err) == FS_OK);
        CHECK(fs_scenario_set(sc, "threats.[iskp].carrying_capacity", 10) == -1);
        CHECK(fs_scenario_set(sc, "mechanisms.[rats].start", 3) == -1);
        CHECK(fs_scenario_set(sc, "trust.default", 0.4) == -1);
        CHECK(fs_scenario_set(sc, "steps", 12) == -1);
        CHECK(fs_scenario_set(sc, "threats.[nobody].plot_rate", 0.1) == -1);
        CHECK(fs_scenario_set(sc, "dynamics.nothing", 0.1) == -1);
        fs_scenario_free(sc);
    }
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_syntax_error);
    RUN(test_set_in_place);
    RUN(test_extends_resolves);
    RUN(test_extends_chain);
    RUN(test_extends_round_trip);
    RUN(test_extends_errors);
    RUN(test_shipped_variants_extend);
    RUN(test_casualties_per_attack);
    RUN(test_border_change_and_leave);
    RUN(test_region_ids_documented);
    RUN(test_syntax_error_in_include);
    RUN(test_unknown_key_suggestion);
    RUN(test_unknown_key_no_match);
    RUN(test_wrong_type);
    RUN(test_enum_suggestion);
    RUN(test_out_of_range);
    RUN(test_not_finite);
    RUN(test_int64_out_of_range);
    RUN(test_int_beyond_64_bits);
    RUN(test_baseline);
    RUN(test_missing_required);
    RUN(test_duplicate_actor);
    RUN(test_self_border);
    RUN(test_duplicate_border);
    RUN(test_unknown_actor);
    RUN(test_external_participant);
    RUN(test_no_participants);
    RUN(test_step_outside_horizon);
    RUN(test_hazard_and_step);
    RUN(test_key_not_for_type);
    RUN(test_surge_that_changes_nothing);
    RUN(test_include_relative);
    RUN(test_error_inside_include);
    RUN(test_include_missing);
    RUN(test_include_cycle);
    RUN(test_include_absolute);
    RUN(test_include_too_deep);
    RUN(test_empty_file);
    RUN(test_binary_file);
    RUN(test_directory);
    RUN(test_missing_file);
    RUN(test_set_steps);
    RUN(test_set_actor_key);
    RUN(test_set_creates_section);
    RUN(test_set_other_paths);
    RUN(test_set_out_of_range);
    RUN(test_set_bad_value);
    RUN(test_set_unknown_path);
    RUN(test_set_malformed);
    RUN(test_minimal_defaults);
    RUN(test_full_fixture);
    RUN(test_round_trip_full);
    RUN(test_round_trip_all);
    RUN(test_write_reports_stream_error);
    RUN(test_describe);
    return check_report();
}
