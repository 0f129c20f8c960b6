#!/bin/sh
# cli_outputs.sh: the files of a run and of a comparison checked against
# each other, as docs/OUTPUTS.md describes them (awk only):
#   summary.csv: se = sd/sqrt(n), n the runs that have the metric,
#     min <= p5 <= p25 <= p50 <= p75 <= p95 <= max;
#   summary.csv against runs.csv: n, mean, sd, min and max of every metric
#     runs.csv also holds;
#   outcomes.csv against runs.csv: counts of the outcome flags;
#   compare.csv against each scenario's own summary.csv and outcomes.csv
#     (value, and interval: Wilson's, or mean +- Z95 se), and its paired
#     differences against the runs.csv of two plain runs, run by run.
# Numbers are printed with %.10g, so a printed x is within P = 5e-10 |x| of
# the double it stands for (half a unit in the tenth significant digit);
# every tolerance below is that bound carried through the arithmetic, plus
# n * EPS of the sums' scale for the rounding of sums of n doubles.
# Run by tests/run.sh with FS_BIN set; prints "cli_outputs: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/cli
trap 'rm -rf "$T"' EXIT

Z=1.959963984540054   # Z95 of sim/compare.c (and z of fs_wilson95, sim/stats.c)
P=5e-10
EPS=2.3e-16

# awk_check NAME PROGRAM FILE...: the program (run with -F, and Z, P, EPS
# and S, the shell's $S, set) prints what disagrees and exits non-zero;
# then NAME fails, showing the first lines.
S=
awk_check() {
    name=$1 prog=$2
    shift 2
    if awk -F, -v Z="$Z" -v P="$P" -v EPS="$EPS" -v S="$S" "$AWKLIB $prog" "$@" >"$T/awk" 2>&1; then
        ok
    else
        bad "$name"
        sed 's/^/    /' "$T/awk" | head -5
    fi
}

AWKLIB='
function abs(x) { return x < 0 ? -x : x }
# near(a, b, tol, what): |a - b| <= tol, or a message and bad = 1.
function near(a, b, tol, what) {
    if (abs(a - b) <= tol) return 1
    printf "%s: %.17g against %.17g (tolerance %.3g)\n", what, a, b, tol
    bad = 1
    return 0
}
'

# summary.csv on its own: header, se = sd/sqrt(n), quantiles in order, and
# empty fields exactly when n = 0. Every documented metric is there.
SUMMARY_SELF='
FNR == 1 {
    if ($0 != "metric,n,mean,sd,se,min,p5,p25,p50,p75,p95,max") { print "header: " $0; bad = 1 }
    next
}
{
    seen[$1] = 1
    if (NF != 12) { print $1 ": " NF " fields"; bad = 1; next }
    if ($2 == 0) {
        for (i = 3; i <= 12; i++) if ($i != "") { print $1 ": n = 0 but field " i " is " $i; bad = 1 }
        next
    }
    for (i = 3; i <= 12; i++) if ($i == "") { print $1 ": n = " $2 " but field " i " is empty"; bad = 1; next }
    # se and sd are each within P of their doubles; sd/sqrt(n) in doubles is
    # within an ulp of the exact quotient.
    want = $4 / sqrt($2)
    near($5, want, P * ($5 + want) + EPS * want, $1 ": se against sd/sqrt(n)")
    # min p5 p25 p50 p75 p95 max: fields 6 to 12
    for (i = 7; i <= 12; i++)
        if ($i + 0 < $(i - 1) + 0) {
            print $1 ": quantiles out of order: " $6 " " $7 " " $8 " " $9 " " $10 " " $11 " " $12
            bad = 1
            break
        }
}
END {
    k = split("plots foiled attacks casualties threat_index_start threat_index_final threat_index_peak cohesion_start cohesion_final min_member_stability cost first_mass_casualty_step removed", want_m, " ")
    for (j = 1; j <= k; j++) if (!(want_m[j] in seen)) { print "no row for " want_m[j]; bad = 1 }
    exit bad
}'

# timeseries.csv on its own: header, nine fields, and every row but the
# share `escalated` (mean only) with all five quantiles, in order; every
# actor has its stability and presence rows at every step.
TIMESERIES_SELF='
FNR == 1 {
    if ($0 != "step,metric,scope,mean,p5,p25,p50,p75,p95") { print "header: " $0; bad = 1 }
    next
}
{
    if (NF != 9) { print "line " FNR ": " NF " fields"; bad = 1; next }
    if ($4 == "") { print "line " FNR ": no mean"; bad = 1 }
    if ($2 == "escalated") {
        for (i = 5; i <= 9; i++) if ($i != "") { print "line " FNR ": escalated has quantile " $i; bad = 1 }
        next
    }
    for (i = 5; i <= 9; i++) if ($i == "") { print "line " FNR ": " $2 " " $3 " has no quantile in field " i; bad = 1; next }
    for (i = 6; i <= 9; i++)
        if ($i + 0 < $(i - 1) + 0) { print "line " FNR ": quantiles out of order: " $0; bad = 1; break }
    if ($3 != "region" && ($2 == "stability" || $2 == "presence")) { rows[$2]++; actors[$3] = 1; steps[$1] = 1 }
}
END {
    na = 0; for (a in actors) na++
    ns = 0; for (t in steps) ns++
    if (na == 0 || rows["stability"] != na * ns || rows["presence"] != na * ns) {
        print "actor rows: stability " rows["stability"] ", presence " rows["presence"] " for " na " actors and " ns " steps"
        bad = 1
    }
    exit bad
}'

# meta.csv, summary.csv, runs.csv: runs.csv has meta runs rows, in run
# order; for every summary metric runs.csv also holds, summary n is the
# number of runs with a value (all of them, except first_mass_casualty_step:
# the runs that had one), and mean, sd, min and max are those of the runs.
SUMMARY_RUNS='
FILENAME == ARGV[1] { if ($1 == "runs") runs = $2; next }
FILENAME == ARGV[2] {
    if (FNR > 1) { n[$1] = $2; mean[$1] = $3; sd[$1] = $4; mn[$1] = $6; mx[$1] = $12 }
    next
}
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; ncol = NF; next }
{
    if (NF != ncol) { print "runs.csv line " FNR ": " NF " fields"; bad = 1 }
    if ($1 != nrun) { print "runs.csv line " FNR ": run " $1 ", expected " nrun; bad = 1 }
    nrun++
    for (j = 1; j <= nm; j++) {
        v = $(col[ms[j]])
        if (v == "") continue
        k[j]++
        x[j, k[j]] = v + 0
    }
}
BEGIN {
    nrun = 0
    nm = split("plots foiled attacks casualties threat_index_final cohesion_final cost first_mass_casualty_step", ms, " ")
}
END {
    if (runs == "" || nrun != runs) { print "runs.csv has " nrun " runs, meta.csv says " runs; bad = 1 }
    for (m in n)
        if (m != "first_mass_casualty_step" && n[m] != nrun) { print m ": n = " n[m] ", runs " nrun; bad = 1 }
    for (j = 1; j <= nm; j++) {
        m = ms[j]
        if (!(m in col) || !(m in n)) { print m ": not in both runs.csv and summary.csv"; bad = 1; continue }
        c = k[j] + 0
        if (n[m] != c) { print m ": summary n = " n[m] ", runs.csv has " c " values"; bad = 1; continue }
        if (c == 0) continue
        s = 0; a = 0; lo = x[j, 1]; hi = x[j, 1]
        for (i = 1; i <= c; i++) {
            v = x[j, i]; s += v; a += abs(v)
            if (v < lo) lo = v
            if (v > hi) hi = v
        }
        mu = s / c; A = a / c
        # Each value is within P |x| of its double, so their mean within P A.
        near(mean[m], mu, P * (A + abs(mean[m])) + c * EPS * A, m ": summary mean against runs.csv")
        # min and max are the same doubles printed the same way.
        if (mn[m] != lo || mx[m] != hi) { print m ": summary min/max " mn[m] "/" mx[m] ", runs.csv " lo "/" hi; bad = 1 }
        if (c < 2) continue
        q = 0; r = 0
        for (i = 1; i <= c; i++) { v = x[j, i]; q += (v - mu) * (v - mu); r += v * v }
        # The sd moves by at most |perturbation| / sqrt(c - 1) <= P sqrt(sum x^2 / (c - 1)).
        rms = sqrt(r / (c - 1))
        near(sd[m], sqrt(q / (c - 1)), P * (rms + sd[m]) + c * EPS * rms, m ": summary sd against runs.csv")
    }
    exit bad
}'

# outcomes.csv, runs.csv: each count is the number of runs whose flag is 1
# (mass_casualty: the runs with a first_mass_casualty_step), runs is the
# number of runs, probability = count/runs.
OUTCOMES_RUNS='
FILENAME == ARGV[1] { if (FNR > 1) { cnt[$1] = $2; tot[$1] = $3; prob[$1] = $4 } next }
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    nrun++
    for (j = 1; j <= 3; j++) {
        v = $(col[os[j]])
        if (v != "0" && v != "1") { print "runs.csv line " FNR ": " os[j] " = \"" v "\""; bad = 1 }
        ones[os[j]] += v
    }
    if ($(col["first_mass_casualty_step"]) != "") ones["mass_casualty"]++
}
BEGIN { split("escalation fracture contained mass_casualty", os, " ") }
END {
    for (j = 1; j <= 4; j++) {
        o = os[j]
        if (!(o in cnt)) { print "outcomes.csv: no row " o; bad = 1; continue }
        if (cnt[o] != ones[o] + 0 || tot[o] != nrun) {
            print o ": outcomes.csv " cnt[o] " of " tot[o] ", runs.csv " ones[o] + 0 " of " nrun; bad = 1
        }
        if (nrun > 0) near(prob[o], ones[o] / nrun, P * prob[o] + EPS, o ": probability against count/runs")
    }
    exit bad
}'

# summary.csv and outcomes.csv of scenario S's directory, compare.csv:
# S's ten headline rows repeat its own files. Probability rows: value and
# Wilson interval as in outcomes.csv. Mean rows: value = summary mean,
# interval mean -+ Z se with summary se. Scenario 0 has no difference.
# (compare.csv names may hold commas: fields are counted from the end.)
COMPARE_OWN='
FILENAME == ARGV[1] { if (FNR > 1) { mean[$1] = $3; se[$1] = $5 } next }
FILENAME == ARGV[2] { if (FNR > 1) { p[$1] = $4; plo[$1] = $5; phi[$1] = $6 } next }
FNR == 1 || $1 != S { next }
{
    m = $(NF - 7); kind = $(NF - 6); v = $(NF - 5); l = $(NF - 4); h = $(NF - 3)
    what = "scenario " S " " m
    if (kind == "probability") {
        nprob++
        if (!(m in p)) { print what ": not in outcomes.csv"; bad = 1; next }
        near(v, p[m], P * (v + p[m]) + EPS, what ": value against outcomes.csv")
        near(l, plo[m], P * (l + plo[m]) + EPS, what ": lo95 against outcomes.csv")
        near(h, phi[m], P * (h + phi[m]) + EPS, what ": hi95 against outcomes.csv")
    } else if (kind == "mean") {
        nmean++
        if (!(m in mean) || mean[m] == "") { print what ": no mean in summary.csv"; bad = 1; next }
        w = Z * se[m]
        tol = P * (abs(mean[m]) + w) + EPS * abs(mean[m])
        near(v, mean[m], tol + P * abs(v), what ": value against summary mean")
        near(l, mean[m] - w, tol + P * abs(l), what ": lo95 against mean - Z se")
        near(h, mean[m] + w, tol + P * abs(h), what ": hi95 against mean + Z se")
    } else { print what ": kind " kind; bad = 1 }
    if (S == 0 && ($(NF - 2) != "" || $(NF - 1) != "" || $NF != "")) { print what ": the reference has a difference"; bad = 1 }
}
END {
    if (nprob != 4 || nmean != 6) { print "scenario " S ": " nprob + 0 " probability and " nmean + 0 " mean rows, expected 4 and 6"; bad = 1 }
    exit bad
}'

# runs.csv of two plain runs (the reference, scenario S) and compare.csv:
# S's diff is the mean of the differences run i minus run i, and its
# interval diff -+ Z sd(differences)/sqrt(n), for every headline runs.csv
# holds.
COMPARE_DIFF='
function val(name, v) {
    v = $(col[FILENAME, name])
    if (name == "mass_casualty") return v != "" ? 1 : 0   # one had a first mass-casualty step
    if (v == "") { print FILENAME " line " FNR ": no " name; bad = 1 }
    return v + 0
}
FNR == 1 && FILENAME != ARGV[3] { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; col[FILENAME, "mass_casualty"] = col[FILENAME, "first_mass_casualty_step"]; next }
FILENAME == ARGV[1] { for (j = 1; j <= nm; j++) x0[j, n0] = val(ms[j]); n0++; next }
FILENAME == ARGV[2] { for (j = 1; j <= nm; j++) x1[j, n1] = val(ms[j]); n1++; next }
FNR == 1 || $1 != S { next }
{ m = $(NF - 7); has[m] = 1; d[m] = $(NF - 2); dlo[m] = $(NF - 1); dhi[m] = $NF }
BEGIN { n0 = 0; n1 = 0; nm = split("attacks casualties threat_index_final cohesion_final cost escalation fracture contained mass_casualty", ms, " ") }
END {
    if (n0 != n1 || n0 < 2) { print "runs.csv: " n0 " and " n1 " runs"; exit 1 }
    for (j = 1; j <= nm; j++) {
        m = ms[j]; what = "scenario " S " " m
        if (!(m in has) || d[m] == "") { print what ": no difference in compare.csv"; bad = 1; continue }
        s = 0; a = 0; e2 = 0; ea = 0
        for (i = 0; i < n0; i++) {
            v = x1[j, i] - x0[j, i]; s += v
            e = P * (abs(x1[j, i]) + abs(x0[j, i])); ea += e; e2 += e * e
            a += abs(x1[j, i]) + abs(x0[j, i])
        }
        mu = s / n0; A = a / n0
        q = 0
        for (i = 0; i < n0; i++) { v = x1[j, i] - x0[j, i] - mu; q += v * v }
        half = Z * sqrt(q / (n0 - 1)) / sqrt(n0)
        # The printed values move each difference by at most e_i: the mean by
        # mean(e), the sd by sqrt(sum e^2 / (n - 1)).
        tm = ea / n0 + n0 * EPS * A
        th = Z * (sqrt(e2 / (n0 - 1)) + n0 * EPS * A) / sqrt(n0)
        near(d[m], mu, tm + P * abs(d[m]), what ": diff against the paired runs")
        near(dlo[m], mu - half, tm + th + P * abs(dlo[m]), what ": diff_lo95 against the paired runs")
        near(dhi[m], mu + half, tm + th + P * abs(dhi[m]), what ": diff_hi95 against the paired runs")
    }
    exit bad
}'

# check_run DIR LABEL: every cross-check of one run directory.
check_run() {
    for f in meta.csv summary.csv outcomes.csv runs.csv; do
        if [ -s "$1/$f" ]; then ok; else bad "$2: missing or empty $f"; fi
    done
    awk_check "$2: summary.csv se and quantiles" "$SUMMARY_SELF" "$1/summary.csv"
    awk_check "$2: timeseries.csv fields and quantiles" "$TIMESERIES_SELF" "$1/timeseries.csv"
    awk_check "$2: summary.csv against runs.csv" "$SUMMARY_RUNS" "$1/meta.csv" "$1/summary.csv" "$1/runs.csv"
    awk_check "$2: outcomes.csv against runs.csv" "$OUTCOMES_RUNS" "$1/outcomes.csv" "$1/runs.csv"
}

# --- a run of small.cfg (its injected 60-casualty attack makes every run
# reach the default mass-casualty threshold, 50) ---
expect "run" 0 "" run $FX/small.cfg -n 400 -q --no-charts --runs-csv -o "$T/o"
check_run "$T/o" "run"

# --- a threshold only some runs reach: first_mass_casualty_step's n is
# the runs that had one, fewer than the runs (not 0, not all) ---
expect "run mc80" 0 "" run $FX/small.cfg -n 400 -q --no-charts --runs-csv --set outcomes.mass_casualty=80 -o "$T/m"
check_run "$T/m" "run mc80"
if awk -F, '$1 == "first_mass_casualty_step" { f = $2 } $1 == "plots" { r = $2 } END { exit !(f > 0 && f < r) }' "$T/m/summary.csv"; then
    ok
else
    bad "run mc80: first_mass_casualty_step should count some runs, not all"
    grep '^first_mass' "$T/m/summary.csv"
fi

# --- a threshold no run reaches: n = 0 and every other field of the row
# empty (a value that does not exist is an empty field) ---
expect "run none" 0 "" run $FX/small.cfg -n 50 -q --no-charts --runs-csv --set outcomes.mass_casualty=1e6 -o "$T/z"
check_run "$T/z" "run none"
if grep -q '^first_mass_casualty_step,0,,,,,,,,,,$' "$T/z/summary.csv"; then
    ok
else
    bad "run none: first_mass_casualty_step should have n = 0 and empty fields"
    grep '^first_mass' "$T/z/summary.csv"
fi

# --- compare: each scenario's rows against its own files; the paired
# differences against plain runs of the same seed and run count, whose
# run i is the compared run i (common random numbers). The threshold 80
# makes mass_casualty a share strictly between 0 and 1. (Scenario 1's name
# holds a comma.) ---
expect "compare" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg -n 400 -s 7 -q --no-charts --runs-csv \
    --set outcomes.mass_casualty=80 -o "$T/c"
expect "plain small" 0 "" run $FX/small.cfg -n 400 -s 7 -q --no-charts --runs-csv \
    --set outcomes.mass_casualty=80 -o "$T/p0"
expect "plain small_sharing" 0 "" run $FX/small_sharing.cfg -n 400 -s 7 -q --no-charts --runs-csv \
    --set outcomes.mass_casualty=80 -o "$T/p1"
check_run "$T/p1" "plain small_sharing"
for s in 0 1; do
    d=$(awk -F, -v S=$s '$1 == S { print $2; exit }' "$T/c/compare.csv")
    if [ -n "$d" ] && [ -s "$T/c/$d/summary.csv" ] && [ -s "$T/c/$d/outcomes.csv" ]; then
        ok
    else
        bad "compare: scenario $s has no run directory ('$d')"; continue
    fi
    S=$s
    awk_check "compare scenario $s against its summary.csv and outcomes.csv" "$COMPARE_OWN" \
        "$T/c/$d/summary.csv" "$T/c/$d/outcomes.csv" "$T/c/compare.csv"
    same "compare scenario $s summary.csv equals the plain run's" "$T/c/$d/summary.csv" "$T/p$s/summary.csv"
    # `foresight help compare`: --runs-csv writes runs.csv in each scenario's directory.
    if [ -s "$T/c/$d/runs.csv" ]; then
        ok
        same "compare scenario $s runs.csv equals the plain run's" "$T/c/$d/runs.csv" "$T/p$s/runs.csv"
    else
        bad "compare --runs-csv: no runs.csv in scenario $s's directory $d/ (help compare promises one in each)"
    fi
done
S=1
awk_check "compare paired differences against the runs" "$COMPARE_DIFF" \
    "$T/p0/runs.csv" "$T/p1/runs.csv" "$T/c/compare.csv"

# --- compare_pairs.csv: every pair's paired difference and its effect per
# unit of cost against the runs.csv of the compared scenarios (run i of
# each on one stream). Scenario 2's cost varies from run to run (its
# sharing is switched off in half the runs), so the per-cost interval's
# covariance term matters: R = mean(dE) / mean(dC), se^2 = var(dE - R dC)
# / (n mean(dC)^2), from the runs' own sums here. ---
PAIRS_RUNS='
FNR == 1 { f++; for (i = 1; i <= NF; i++) col[f, $i] = i; next }
f <= 3 { r = FNR - 2; n[f] = r + 1
    for (j = 1; j <= nm; j++) { m = ms[j]; v = $(col[f, m == "mass_casualty" ? "first_mass_casualty_step" : m])
        x[f, j, r] = m == "mass_casualty" ? (v != "" ? 1 : 0) : v + 0 }
    next }
{ key = $1 "," $2 "," $(NF - 8); row[key] = $0; rows++ }
BEGIN { nm = split("escalation contained mass_casualty attacks casualties threat_index_final cohesion_final cost", ms, " ") }
function check(a, b,    j, i, N, m, key, F, K, mu, c, q, qc, cv, R, v, se, d) {
    N = n[a + 1]
    for (j = 1; j <= nm; j++) {
        m = ms[j]; key = a "," b "," m
        if (!(key in row)) { print "no row " key; bad = 1; continue }
        K = split(row[key], F, ",") - 13   # names may hold commas: count from the end
        mu = 0; c = 0
        for (i = 0; i < N; i++) { mu += x[b + 1, j, i] - x[a + 1, j, i]; c += x[b + 1, nm, i] - x[a + 1, nm, i] }
        mu /= N; c /= N; q = 0; qc = 0; cv = 0
        for (i = 0; i < N; i++) {
            d = x[b + 1, j, i] - x[a + 1, j, i] - mu; e = x[b + 1, nm, i] - x[a + 1, nm, i] - c
            q += d * d; qc += e * e; cv += d * e
        }
        q /= N - 1; qc /= N - 1; cv /= N - 1
        tol = 1e-7 * (abs(mu) + sqrt(q)) + 1e-12
        near(F[K + 7], mu, tol, key ": diff")
        near(F[K + 8], mu - Z * sqrt(q / N), tol, key ": diff_lo95")
        near(F[K + 10], c, 1e-7 * abs(c) + 1e-12, key ": cost_diff")
        if (m == "cost" || c == 0) { if (F[K + 11] != "") { print key ": a per-cost value where costs do not differ"; bad = 1 } continue }
        R = mu / c; v = q - 2 * R * cv + R * R * qc; se = sqrt((v > 0 ? v : 0) / N) / abs(c)
        tol = 1e-6 * (abs(R) + se) + 1e-12
        near(F[K + 11], R, tol, key ": per_cost")
        near(F[K + 12], R - Z * se, tol, key ": per_cost_lo95")
        near(F[K + 13], R + Z * se, tol, key ": per_cost_hi95")
        if (qc > 0) varied = 1
    }
}
END {
    if (rows != 30) { print rows + 0 " rows, expected 3 pairs x 10 headlines"; bad = 1 }
    check(0, 1); check(0, 2); check(1, 2)
    if (!varied) { print "no pair had a cost that varies from run to run"; bad = 1 }
    exit bad
}'
expect "compare three" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg $FX/small_paused.cfg -n 300 -s 5 \
    -q --no-charts --runs-csv -o "$T/c3"
awk_check "compare_pairs.csv against the runs" "$PAIRS_RUNS" "$T/c3/small/runs.csv" \
    "$T/c3/small_sharing/runs.csv" "$T/c3/small_paused/runs.csv" "$T/c3/compare_pairs.csv"
# The briefing answers per headline which scenario does better, and
# compares the variants with each other, not only with the reference.
if grep -q '^- Attacks in the region: \*\*.*\*\* does best (.*against the next best, \*\*' "$T/c3/briefing.md" \
    && grep -q '^\*\*cli small, sharing paused at random\*\* against \*\*cli small, more sharing\*\*:' "$T/c3/briefing.md" \
    && grep -q 'per unit of cost (95% interval' "$T/c3/briefing.md"; then ok
else bad "compare briefing: no 'does best' line, no pair of variants, or no effect per unit of cost"; fi

# A run into a directory an earlier run filled: what the new run does not
# write (runs.csv, charts, another format's charts) must not survive to
# disagree with it; files foresight never writes stay.
expect "run into a new directory" 0 "" run "$FX/small.cfg" -n 130 -j 1 -q --runs-csv -o "$T/re"
touch "$T/re/notes.txt"
expect "run again into it" 0 "" run "$FX/small.cfg" -n 70 -s 9 -j 1 -q --no-charts -o "$T/re"
for f in runs.csv threat_index.png effects_outcomes.png; do
    if [ -e "$T/re/$f" ]; then bad "rerun into a used directory left a stale $f"; else ok; fi
done
if [ -e "$T/re/notes.txt" ]; then ok; else bad "rerun removed a file foresight never writes"; fi
expect "run again, as svg" 0 "" run "$FX/small.cfg" -n 70 -j 1 -q --format svg -o "$T/re"
if [ -e "$T/re/threat_index.svg" ] && [ ! -e "$T/re/threat_index.png" ]; then ok
else bad "rerun with --format svg: expected threat_index.svg only"; fi
# A directory no run wrote: files of foresight's names there are the user's.
mkdir -p "$T/mine"
echo "my data" >"$T/mine/runs.csv"
echo "my chart" >"$T/mine/trust.pdf"
expect "run into a directory of one's own" 0 "" run "$FX/small.cfg" -n 70 -j 1 -q --no-charts -o "$T/mine"
if grep -q "my data" "$T/mine/runs.csv" && [ -e "$T/mine/trust.pdf" ]; then ok
else bad "a run into a directory no run wrote removed the user's runs.csv or trust.pdf"; fi
# Directories written before ids lost their '-' still plot: a pair scope
# "A-1-B" splits at the dash that leaves two known actors.
expect "run for old ids" 0 "" run "$FX/small.cfg" -n 70 -j 1 -q --no-charts -o "$T/oldids"
sed -i 's/\bA\b/A-1/g' "$T/oldids"/*.csv
expect "plot a directory with an id holding '-'" 0 "" plot "$T/oldids"
if [ -s "$T/oldids/trust_pairs.png" ]; then ok; else bad "no trust_pairs.png for ids with '-'"; fi

finish cli_outputs
