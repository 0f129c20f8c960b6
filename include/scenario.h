/* scenario.h: the resolved, validated scenario every later stage reads.
 * A scenario owns all of its arrays and strings; fs_scenario_free releases
 * them. The loader (load.h) is the only producer; the model, engine and
 * outputs only read it. Actor, threat, mechanism and border references are
 * indices into the owning arrays. Steps are numbered 1..steps; step 0 is the
 * initial state. */
#ifndef FS_SCENARIO_H
#define FS_SCENARIO_H

#include <stdint.h>

/* Documented limits (docs/SCENARIO.md); the loader refuses anything larger. */
#define FS_MAX_ACTORS      64
#define FS_MAX_THREATS     16
#define FS_MAX_MECHANISMS  64
#define FS_MAX_INJECTS     256
#define FS_MAX_BORDERS     512
#define FS_MAX_STEPS       1200
#define FS_MAX_RUNS        100000000L  /* 10^8 */
#define FS_MAX_ID          32          /* characters in an id */
#define FS_MAX_TEXT        4096        /* characters in a name or description */
#define FS_MAX_INCLUDE_DEPTH 8

typedef enum fs_role {
    FS_ROLE_MEMBER = 0,
    FS_ROLE_OBSERVER,
    FS_ROLE_PARTNER,
    FS_ROLE_EXTERNAL
} fs_role;

typedef struct fs_actor {
    char *id;           /* short id used in references, e.g. "TJ" */
    char *name;         /* display name, e.g. "Tajikistan" */
    fs_role role;
    double capacity;    /* c in [0,1] */
    double intel;       /* i in [0,1] */
    double stability;   /* baseline s in [0,1]; also the initial S */
    double resilience;  /* rho in [0,1] */
    char *from;         /* "file:line" it was written at (foresight check) */
} fs_actor;

typedef struct fs_border {
    int a, b;             /* actor indices, a != b */
    double permeability;  /* pi in [0,1] */
    char *from;           /* "file:line" it was written at */
} fs_border;

typedef struct fs_threat {
    char *id;
    char *name;
    double growth;              /* r >= 0, logistic rate per step */
    double carrying_capacity;   /* default K > 0 (cells per actor) */
    double mobility;            /* m in [0,1] */
    double plot_rate;           /* lambda >= 0, plots per cell per step */
    double volatility;          /* sigma >= 0 */
    double online_recruitment;  /* o >= 0 */
    double attrition;           /* k >= 0 */
    double lethality_mean;      /* mean casualties per successful attack, > 0 */
    double lethality_dispersion;/* negative-binomial size k > 0 (smaller: heavier tail) */
    double *presence;           /* [nactors] initial cells, >= 0 */
    double *capacity;           /* [nactors] K per actor (default filled in) */
    char *from;                 /* "file:line" it was written at */
} fs_threat;

typedef enum fs_mech_kind {
    FS_MECH_INTEL_SHARING = 0,
    FS_MECH_JOINT_DRILL,
    FS_MECH_BORDER_OPERATION,
    FS_MECH_COUNTER_RADICALISATION
} fs_mech_kind;

typedef struct fs_mechanism {
    char *id;
    char *name;
    fs_mech_kind kind;
    int *participants;     /* actor indices (not for border_operation) */
    int nparticipants;
    int *borders;          /* border indices (border_operation only) */
    int nborders;
    double intensity;      /* h in [0,1] */
    double cost;           /* cost per active step, >= 0 */
    int start, end;        /* active for start <= t <= end (1-based) */
    int period;            /* joint_drill: drills at start, start+period, ... */
    int enabled;           /* 1 unless the scenario says enabled = false */
    char *from;            /* "file:line" it was written at */
} fs_mechanism;

typedef enum fs_inject_kind {
    FS_INJ_ATTACK = 0,
    FS_INJ_CAPACITY_SHOCK,
    FS_INJ_STABILITY_SHOCK,
    FS_INJ_TRUST_SHOCK,
    FS_INJ_THREAT_SURGE,
    FS_INJ_MECHANISM_ON,
    FS_INJ_MECHANISM_OFF,
    FS_INJ_JOIN,
    FS_INJ_BORDER_CHANGE,
    FS_INJ_LEAVE
} fs_inject_kind;

typedef struct fs_inject {
    char *id;
    char *label;         /* short text for charts and the briefing */
    fs_inject_kind kind;
    /* Timing: either scheduled at `step` (fires with `probability`, drawn
     * once per run), or, when hazard > 0, a per-step hazard inside
     * [start, end] that fires once (or every time, with repeat). */
    int step;            /* 1..steps when scheduled; 0 when hazard-driven */
    double probability;  /* in [0,1], default 1 */
    double hazard;       /* per-step probability in [0,1]; 0 = scheduled */
    int start, end;      /* hazard window */
    int repeat;          /* hazard may fire more than once */
    int measure;         /* run measures it against a muted copy (docs/MODEL.md):
                          * by default scheduled injects yes, hazards no */
    /* Targets; -1 where not used. */
    int actor;           /* attack, shocks, surge target; join: the joiner;
                          * leave: the actor that leaves */
    int actor2;          /* trust_shock: the other actor; attack: origin (blamed) */
    int threat;          /* attack, threat_surge */
    int mechanism;       /* mechanism_on/off, join, leave */
    int border;          /* border_change: the border's index */
    /* Magnitudes. */
    int attacks;         /* attack: number of attacks, >= 1 */
    double casualties;   /* attack: total casualties over its attacks (or, with
                          * per_attack, each attack's), or -1 to draw each
                          * attack's from the threat's lethality */
    int per_attack;      /* attack: casualties is per attack (the file's
                          * casualties_per_attack), not the total */
    double delta;        /* capacity/stability/trust shock: added, result clamped */
    double factor;       /* threat_surge: presence multiplied by factor (>= 0);
                          * border_change: permeability multiplied by factor */
    double value;        /* border_change: the new permeability, or -1 when
                          * factor gives it */
    int until;           /* border_change: last step it lasts (0: the rest of
                          * the run); then the permeability is restored */
    double add;          /* threat_surge: cells added after the factor (>= 0) */
    /* Not a setting: the runner's counterfactual copies mute one scheduled
     * inject, which then makes its random draws as before but changes
     * nothing (docs/MODEL.md, "What an inject did"). Never read from or
     * written to a file; 0 as loaded. */
    int muted;
    char *from;          /* "file:line" it was written at */
} fs_inject;

/* The brief's global constants (docs/MODEL.md gives each its symbol). */
typedef struct fs_dynamics {
    double sharing_efficiency;  /* phi */
    double attack_stability;    /* alpha */
    double casualty_stability;  /* kappa */
    double blame;               /* tau */
    double drill_trust;         /* gamma */
    double drill_interop;       /* eta */
    double trust_recovery;      /* rho_T */
    double interop_decay;       /* epsilon */
} fs_dynamics;

typedef struct fs_outcomes {
    double escalation_ratio;    /* theta_esc */
    double failure_stability;   /* theta_fail */
    double fracture_drop;       /* theta_frac */
    double contained_ratio;     /* theta_cont */
    double mass_casualty;       /* casualties of one attack that make it a mass-casualty attack */
} fs_outcomes;

/* A figure reported from the real world, set beside the simulated run
 * total it corresponds to (briefing; include/reported.h). */
typedef struct fs_reported {
    char *label;         /* what it counts, e.g. "terror attacks prevented" */
    char *metric;        /* the run total: "removed", "threats.[support].removed", ... */
    double value;        /* the reported figure */
    char *source;        /* where it comes from; "" when not given */
} fs_reported;

#define FS_MAX_REPORTED 32

typedef struct fs_scenario {
    char *path;          /* the file it was loaded from (for messages) */
    char *name;
    char *description;
    char *question;      /* the question the scenario asks (briefing) */
    char *baseline;      /* absolute path of the scenario it is measured
                          * against (docs/SCENARIO.md), or NULL */
    char *posterior;     /* absolute path of the calibration directory whose
                          * posterior.csv gives each run's parameter values
                          * (posterior.h), or NULL */
    char *step_unit;     /* "month", "week", ... */
    int steps;
    long runs;
    uint64_t seed;
    char *rng;           /* generator name; "philox4x32-10" */
    char *extends;       /* absolute path of the scenario this one extends
                          * (docs/SCENARIO.md, "Variants"), or NULL */
    char **changes;      /* [nchanges] what the extending files changed, as
                          * "file:line: add injects.[crocus]", in order */
    int nchanges;

    int nactors;
    fs_actor *actors;
    int nborders;
    fs_border *borders;
    int nthreats;
    fs_threat *threats;
    int nmechanisms;
    fs_mechanism *mechanisms;
    int ninjects;
    fs_inject *injects;

    double trust_default;
    double *trust;       /* [nactors*nactors] symmetric initial T0; diagonal 1 */
    double interop_default;
    double *interop;     /* [nactors*nactors] symmetric initial X; diagonal 1 */

    fs_dynamics dynamics;
    fs_outcomes outcomes;
    int nreported;
    fs_reported *reported;   /* [nreported] */
} fs_scenario;

/* Frees a scenario and everything it owns. Accepts NULL. */
void fs_scenario_free(fs_scenario *sc);

/* A transform of display text: a new string the caller frees, or NULL
 * when memory runs out. */
typedef char *(*fs_text_fn)(const char *s);

/* A read-only view of sc for writing a document: its display texts (name,
 * description, question, step_unit, and the names of actors, threats and
 * mechanisms and the labels of injects) are fn of sc's (fs_md_text for
 * Markdown, say); everything else is shared with sc, which must outlive
 * the view. NULL when memory runs out. Free it with fs_scenario_view_free,
 * never fs_scenario_free. */
fs_scenario *fs_scenario_text_view(const fs_scenario *sc, fs_text_fn fn);

/* Frees a view and its texts. Accepts NULL. */
void fs_scenario_view_free(fs_scenario *v);

/* Index of the actor, threat or mechanism with this id, or -1. */
int fs_scenario_actor(const fs_scenario *sc, const char *id);
int fs_scenario_threat(const fs_scenario *sc, const char *id);
int fs_scenario_mechanism(const fs_scenario *sc, const char *id);

/* The numeric setting at `path` (the syntax of --set and of error messages:
 * "steps", "actors.[TJ].capacity", "threats.[iskp].presence.AF",
 * "trust.pairs.[IN-PK].value", "mechanisms.[rats].intensity",
 * "injects.[crocus].step", "dynamics.tau", ...) as the resolved scenario
 * has it, with defaults filled in. Sets *is_integer for integer settings.
 * Returns 0, or -1 when the path names no numeric setting. */
int fs_scenario_get(const fs_scenario *sc, const char *path, double *value, int *is_integer);

/* Sets the real-valued setting at `path` to value in place, as loading
 * with `--set path=<value written %.17g>` would (the same double), for the
 * settings that nothing else is derived from and that no other setting is
 * checked against: dynamics.*, outcomes.*, an actor's capacity, intel,
 * stability and resilience, a threat's growth, mobility, plot_rate,
 * volatility, online_recruitment, attrition, lethality.mean and
 * lethality.dispersion, presence.<actor> and capacity.<actor>, and a
 * mechanism's intensity and cost. The value is not range-checked: the
 * caller has checked it against the setting's range. Returns 0, or -1 for
 * any other path (load with an override instead). */
int fs_scenario_set(fs_scenario *sc, const char *path, double value);

/* What the models (model.c, the lockstep) derive from the layout alike.
 * For each actor a, the flow slots that bring cells into it, in border
 * order, inc[inc_start[a] .. inc_start[a + 1]) (slot 2e + 1 when a is
 * border e's first end, 2e when its second): inc_start has nactors + 1
 * entries, inc 2 nborders. */
void fs_scenario_incidence(const fs_scenario *sc, int *inc_start, int *inc);

/* The pairs cohesion averages trust over, each a * nactors + b with
 * a < b: the member pairs, or every non-external pair when there are
 * fewer than two members. Writes at most nactors^2 entries; returns how
 * many. */
int fs_scenario_cohesion_pairs(const fs_scenario *sc, int *pairs);

/* Names for enums, as written in scenario files ("member", "intel_sharing",
 * "capacity_shock", ...). Never NULL. */
const char *fs_role_name(fs_role r);
const char *fs_mech_kind_name(fs_mech_kind k);
const char *fs_inject_kind_name(fs_inject_kind k);

#endif
