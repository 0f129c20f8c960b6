/* test_suggest.c: "did you mean" for the slips a user makes: near
 * spellings, shortened or spelt-out words (intelligence_sharing for
 * intel_sharing), a --set path that selects a list's element without
 * brackets (actors.TJ.capacity); and the list of paths --set takes
 * (foresight check --paths, which the bash completion reads): every path
 * listed is one --set accepts. Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "load.h"
#include "suggest.h"

#define FX "tests/fixtures/load/"

static fs_err err;

static const char *const mechs[] = {
    "intel_sharing", "joint_drill", "border_operation", "counter_radicalisation"};
static const char *const commands[] = {"run", "check", "compare", "sweep", "plot", "help"};

static int closest(const char *w, const char *const *c, int n)
{
    return fs_closest(w, c, n);
}

static void test_near_spelling(void)
{
    CHECK(closest("runn", commands, 6) == 0);
    CHECK(closest("swep", commands, 6) == 3);
    CHECK(closest("Plot", commands, 6) == 4);
    CHECK(closest("joint_dril", mechs, 4) == 1);
}

/* Word by word, each word a prefix of at least 3 letters of the other's. */
static void test_abbreviation(void)
{
    CHECK(closest("intelligence_sharing", mechs, 4) == 0);
    CHECK(closest("border_op", mechs, 4) == 2);
    CHECK(closest("counter_radicalisation_programme", mechs, 4) == -1);  /* a word more */
    CHECK(closest("comp", commands, 6) == 2);
    CHECK(closest("compare_all", commands, 6) == -1);
    CHECK(closest("co", commands, 6) == -1);     /* too short to say */
    CHECK(closest("xyzzy", commands, 6) == -1);
}

/* Two candidates it could shorten: no guess. */
static void test_abbreviation_ambiguous(void)
{
    static const char *const c[] = {"stability", "stable_share", "stabilise"};
    CHECK(closest("stab", c, 3) == -1);
}

static void test_suggest_text(void)
{
    char buf[256];
    fs_suggest(buf, sizeof buf, "intelligence_sharing", mechs, 4, "types are");
    CHECK(strcmp(buf, "; did you mean 'intel_sharing'?") == 0);
}

static fs_status load_with(const char *file, const char *set)
{
    static char arg[512];
    fs_override ov;
    fs_scenario *sc = NULL;
    fs_status st;

    snprintf(arg, sizeof arg, "%s", set);
    fs_err_clear(&err);
    if ((st = fs_override_parse(arg, &ov, &err)) != FS_OK)
        return st;
    st = fs_load_scenario(file, &ov, 1, &sc, &err);
    fs_scenario_free(sc);
    return st;
}

/* actors.TJ.capacity: the path with the element in brackets. */
static void test_set_without_brackets(void)
{
    CHECK(load_with(FX "base.cfg", "actors.TJ.capacity=0.3") == FS_EUSAGE);
    CHECK(strcmp(err.msg, "--set actors.TJ.capacity=0.3: actors is a list; select an "
                 "element by its id in brackets: did you mean actors.[TJ].capacity?") == 0);
    CHECK(load_with(FX "base.cfg", "threats.iskp.presence.AF=5") == FS_EUSAGE);
    CHECK_STR_CONTAINS(err.msg, "did you mean threats.[iskp].presence.AF?");
    /* Close to an id: that id. */
    CHECK(load_with(FX "base.cfg", "mechanisms.ratss.intensity=0.3") == FS_EUSAGE);
    CHECK_STR_CONTAINS(err.msg, "did you mean mechanisms.[rats].intensity?");
    /* A border by its actors. */
    CHECK(load_with(FX "base.cfg", "borders.TJ-AF.permeability=0.3") == FS_EUSAGE);
    CHECK_STR_CONTAINS(err.msg, "did you mean borders.[TJ-AF].permeability?");
    /* Nothing close: the ids there are. */
    CHECK(load_with(FX "base.cfg", "actors.Kazakhstan.capacity=0.3") == FS_EUSAGE);
    CHECK(strcmp(err.msg, "--set actors.Kazakhstan.capacity=0.3: actors is a list; select "
                 "an element by its id in brackets, as in actors.[id]; ids are: TJ, UZ, AF")
          == 0);
    /* The bracketed path it suggests is accepted. */
    CHECK(load_with(FX "base.cfg", "actors.[TJ].capacity=0.3") == FS_OK);
}

/* A choice value spelt out: the loader names the choice it shortens. */
static void test_choice_spelt_out(void)
{
    fs_scenario *sc = NULL;
    static const char text[] =
        "name = \"x\"; steps = 12;\n"
        "actors = ( { id = \"A\"; }, { id = \"B\"; } );\n"
        "mechanisms = ( { id = \"m\"; type = \"intelligence_sharing\"; participants = \"members\"; } );\n";
    fs_err_clear(&err);
    CHECK(fs_load_scenario_buffer("mem.cfg", text, strlen(text), NULL, 0, &sc, &err)
          == FS_ECONFIG);
    CHECK(sc == NULL);
    CHECK_STR_CONTAINS(err.msg, "mem.cfg:3: mechanisms.[m].type: expected one of");
    CHECK_STR_CONTAINS(err.msg, "found a string \"intelligence_sharing\"; did you mean "
                       "\"intel_sharing\"?");
}

/* The paths of a file, one a line, into a malloc'd buffer. */
static char *paths_of(const char *file, fs_status *st)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    fs_err_clear(&err);
    *st = fs_load_paths(file, NULL, 0, f, &err);
    fclose(f);
    return buf;
}

static int has_line(const char *text, const char *line)
{
    size_t k = strlen(line);
    const char *p = text;
    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[k] == '\n')
            return 1;
        p += k;
    }
    return 0;
}

static void test_paths_listed(void)
{
    fs_status st;
    char *p = paths_of(FX "base.cfg", &st);

    CHECK(st == FS_OK && p != NULL);
    CHECK(has_line(p, "steps"));
    CHECK(has_line(p, "actors.[TJ].capacity"));
    CHECK(has_line(p, "actors.[AF].role"));
    CHECK(has_line(p, "borders.[TJ-AF].permeability"));
    CHECK(has_line(p, "threats.[iskp].growth"));
    CHECK(has_line(p, "threats.[iskp].lethality.mean"));
    CHECK(has_line(p, "threats.[iskp].presence.UZ"));
    CHECK(has_line(p, "mechanisms.[rats].intensity"));
    CHECK(has_line(p, "dynamics.tau"));          /* a section left to its defaults */
    CHECK(has_line(p, "outcomes.mass_casualty"));
    CHECK(!has_line(p, "actors.[TJ].id"));       /* ids select; they are not set */
    CHECK(!has_line(p, "mechanisms.[rats].participants"));  /* a list in this file */
    CHECK(!has_line(p, "borders.[TJ-AF].a"));
    free(p);
}

/* An inject offers the keys its type takes, and no other. */
static void test_paths_inject_type(void)
{
    fs_status st;
    char *p = paths_of("tests/fixtures/cli/small.cfg", &st);

    CHECK(st == FS_OK && p != NULL);
    CHECK(has_line(p, "injects.[hit].casualties"));
    CHECK(has_line(p, "injects.[spat].other"));
    CHECK(has_line(p, "injects.[surge].factor"));
    CHECK(!has_line(p, "injects.[hit].factor"));
    CHECK(!has_line(p, "injects.[surge].casualties"));
    CHECK(has_line(p, "trust.pairs.[A-C].value"));
    free(p);
}

/* Every path listed for every shipped scenario is one --set takes: setting
 * it may fail on the value (0.5 is no role), never on the path. */
static void test_paths_accepted(void)
{
    static const char *const files[] = {
        "scenarios/sco_baseline.cfg", "scenarios/crocus_attack.cfg",
        "scenarios/india_pakistan_cbm.cfg", "tests/fixtures/cli/small.cfg"};
    static const char *const path_errors[] = {
        "unknown key", "unknown actor", "has no element", "is not a group", "is a list",
        "is not a list", "cannot replace", "to select from", "expected a path"};
    size_t f, k;
    int n = 0;

    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
        fs_status st;
        char *p = paths_of(files[f], &st), *line, *save = NULL, set[400];
        CHECKF(st == FS_OK && p != NULL, "%s: %s", files[f], err.msg);
        for (line = strtok_r(p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            snprintf(set, sizeof set, "%s=0.5", line);
            load_with(files[f], set);
            /* "unknown actor '0.5'" is about the value (an inject's target). */
            for (k = 0; k < sizeof path_errors / sizeof path_errors[0]; k++)
                CHECKF(strstr(err.msg, path_errors[k]) == NULL || strstr(err.msg, "'0.5'"),
                       "%s: --set %s: %s", files[f], set, err.msg);
            n++;
        }
        free(p);
    }
    CHECKF(n > 500, "only %d paths listed", n);
}

/* A file that does not load lists nothing and says why. */
static void test_paths_bad_file(void)
{
    fs_status st;
    char *p = paths_of(FX "err_enum.cfg", &st);
    CHECK(st == FS_ECONFIG);
    CHECK(p != NULL && p[0] == '\0');
    CHECK_STR_CONTAINS(err.msg, "did you mean \"member\"?");
    free(p);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_near_spelling);
    RUN(test_abbreviation);
    RUN(test_abbreviation_ambiguous);
    RUN(test_suggest_text);
    RUN(test_set_without_brackets);
    RUN(test_choice_spelt_out);
    RUN(test_paths_listed);
    RUN(test_paths_inject_type);
    RUN(test_paths_accepted);
    RUN(test_paths_bad_file);
    return check_report();
}
