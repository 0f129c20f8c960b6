#!/bin/sh
# cli_calibrate.sh: foresight calibrate from the command line: the same
# bytes for any thread and rank count, a killed calibration resumed gives
# the files of an uninterrupted one, --hold-out, an empty posterior, bad
# calibration files exiting 2 with file, line, setting, expected and
# found, and the conjugate case (a gamma prior on a Poisson rate) against
# its exact posterior. Run by tests/run.sh with FS_BIN set; prints
# "cli_calibrate: N passed, N failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
F=tests/fixtures/calibrate
FILES="priors.csv posterior.csv generations.csv targets.csv predictive.csv calibrate.md"

# Thread counts: byte-identical files.
expect "small -j1" 0 "calibrated" calibrate $F/small.cfg -o "$T/j1" -j1 --no-charts
expect "small -j2" 0 "" calibrate $F/small.cfg -o "$T/j2" -j2 --no-charts -q
for f in $FILES; do same "-j1 and -j2: $f" "$T/j1/$f" "$T/j2/$f"; done
[ ! -d "$T/j1/checkpoint" ] && ok || bad "a finished calibration leaves no checkpoint"
[ "$(head -1 "$T/j1/posterior.csv")" = "particle,threats.[net].plot_rate,threats.[net].attrition,weight,distance" ] &&
    ok || bad "posterior.csv header: $(head -1 "$T/j1/posterior.csv")"
[ "$(($(wc -l < "$T/j1/posterior.csv") - 1))" -eq 120 ] && ok || bad "posterior.csv: not 120 particles"
awk -F, 'NR > 1 { s += $4 } END { exit !(s > 1 - 1e-12 && s < 1 + 1e-12) }' "$T/j1/posterior.csv" &&
    ok || bad "posterior weights do not sum to 1"
[ "$(($(wc -l < "$T/j1/predictive.csv") - 1))" -eq 100 ] && ok || bad "predictive.csv: not 100 draws"
grep -q "^removed,removed@1-24,11,2,absolute,made up,0," "$T/j1/targets.csv" && ok ||
    bad "targets.csv row: $(grep ^removed "$T/j1/targets.csv")"
grep -q "^threats.\[net\].plot_rate,plot rate,loguniform,0.0050000000000000001,0.050000000000000003,0,100,0$" \
    "$T/j1/priors.csv" && ok || bad "priors.csv row: $(sed -n 2p "$T/j1/priors.csv")"
for s in "## What the figures taught" "## Pairs that trade off" "## Posterior predictive check" \
         "## Targets and how the model maps them" "summed over months 1 to 12"; do
    grep -q "$s" "$T/j1/calibrate.md" && ok || bad "calibrate.md lacks '$s'"
done

# Charts and report.html unless --no-charts; the same CSVs either way.
expect "small with charts" 0 "" calibrate $F/small.cfg -o "$T/ch" -j2 -q
for f in calibrate_marginals.png calibrate_pairs.png calibrate_predictive.png \
         calibrate_tolerance.png report.html; do
    [ -s "$T/ch/$f" ] && ok || bad "calibrate without --no-charts wrote no $f"
    [ ! -e "$T/j1/$f" ] && ok || bad "--no-charts wrote $f"
done
for f in $FILES; do same "charts or not: $f" "$T/j1/$f" "$T/ch/$f"; done
grep -q "What the figures taught" "$T/ch/report.html" && ok || bad "report.html lacks calibrate.md"

# MPI: 2 ranks of one thread give the bytes of one process (when built
# with MPI and mpirun is there; not under valgrind, as cli_dist.sh).
if [ -z "${FS_VALGRIND:-}" ] && $BIN --version | grep -q "MPI)" && command -v mpirun >/dev/null 2>&1; then
    MPIRUN="mpirun --oversubscribe"
    [ "$(id -u)" -eq 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
    [ -n "${LSAN_OPTIONS:-}" ] && MPIRUN="env LSAN_OPTIONS=$LSAN_OPTIONS:fast_unwind_on_malloc=0 $MPIRUN"
    if $MPIRUN -np 2 $BIN calibrate $F/small.cfg -o "$T/mpi" -j1 -q --no-charts >"$T/mpi.out" 2>&1; then
        ok
        for f in $FILES; do same "2 ranks: $f" "$T/j1/$f" "$T/mpi/$f"; done
    else
        bad "mpirun -np 2 calibrate: $(tail -3 "$T/mpi.out")"
    fi
else
    note "MPI run skipped (no MPI build or no mpirun, or under valgrind)"
fi

# --hold-out: the target is left out of the distance, marked, and checked.
expect "hold-out" 0 "" calibrate $F/small.cfg -o "$T/ho" -j2 -q --no-charts --hold-out attacks_B
grep -q "^attacks_B,.*,1,\"successful attacks in B" "$T/ho/targets.csv" && ok ||
    bad "targets.csv marks the held-out target: $(grep attacks_B "$T/ho/targets.csv")"
grep -q "Held-out check" "$T/ho/calibrate.md" && ok || bad "calibrate.md has no held-out check"
cmp -s "$T/j1/posterior.csv" "$T/ho/posterior.csv" && bad "--hold-out changed nothing" || ok
expect "hold-out typo" 2 "no target 'attack_B'; did you mean 'attacks_B'?" \
    calibrate $F/small.cfg -o "$T/ho2" -q --hold-out attack_B

# Kill and resume: SIGTERM once a generation is on disk; the resumed
# calibration must give the files of the uninterrupted one.
expect "slow" 0 "" calibrate $F/slow.cfg -o "$T/slow" -j2 -q --no-charts
$BIN calibrate $F/slow.cfg -o "$T/k" -j1 --no-charts -q >"$T/kout" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && [ ! -f "$T/k/checkpoint/abc.state" ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ "$rc" -eq 143 ]; then
    ok
    grep -q "calibrate --resume" "$T/kout" && ok || bad "the interrupt message says how to resume"
    expect "resume" 0 "" calibrate --resume "$T/k" -j2 -q --no-charts
    for f in $FILES; do same "resumed: $f" "$T/slow/$f" "$T/k/$f"; done
else
    bad "the calibration was not interrupted (exit $rc)"
fi
expect "resume of nothing" 2 "checkpoint" calibrate --resume "$T/nothing"
expect "resume with a file" 2 "give none of them" calibrate --resume "$T/k" $F/small.cfg

# An empty posterior: said so, nothing written, exit 1.
expect "empty posterior" 1 "the posterior is empty.*first_mass_casualty.*widen the priors" \
    calibrate $F/empty.cfg -o "$T/empty" -q --no-charts
[ ! -e "$T/empty" ] && ok || bad "an empty posterior left $T/empty: $(ls -A "$T/empty")"
mkdir "$T/empty2"
expect "empty posterior, directory there" 1 "the posterior is empty" \
    calibrate $F/empty.cfg -o "$T/empty2" -q --no-charts
[ -d "$T/empty2" ] && [ -z "$(ls -A "$T/empty2")" ] && ok ||
    bad "an empty posterior into an existing directory: $(ls -A "$T/empty2" 2>&1)"

# Bad calibration files: exit 2 with file, line, setting, expected, found.
# bad NAME SED PATTERN: small.cfg edited by SED must be refused with PATTERN.
cp tests/fixtures/cli/small.cfg "$T/base.cfg"
badfile() {
    sed -e 's#"../cli/small.cfg"#"base.cfg"#' -e "$2" $F/small.cfg > "$T/bad.cfg"
    expect "$1" 2 "$3" calibrate "$T/bad.cfg" -o "$T/bad" -q --no-charts
}
badfile "key typo" 's/particles = 120/particels = 120/' \
    "bad.cfg:19: method.particels: unknown key 'particels'; did you mean 'particles'?"
badfile "prior outside the range" 's/lo = 0.005; hi = 0.05/lo = 0.005; hi = 500/' \
    "bad.cfg:9: parameters.\[1\].prior.hi: 500 is outside the range of threats.\[net\].plot_rate, \[0, 100\]"
badfile "prior type typo" 's/type = "uniform"/type = "unifrom"/' \
    "bad.cfg:11: parameters.\[2\].prior.type: unknown \"unifrom\"; did you mean 'uniform'?"
badfile "prior key of another family" 's/type = "loguniform"; lo = 0.005; hi = 0.05;/type = "normal"; mean = 0.02; sd = 0.01; lo = 0.1;/' \
    "bad.cfg:9: parameters.\[1\].prior.lo: a normal prior takes mean and sd, not lo"
badfile "prior without mass in range" 's/type = "loguniform"; lo = 0.005; hi = 0.05;/type = "normal"; mean = -3; sd = 0.01;/' \
    "bad.cfg:9: parameters.\[1\].prior"
badfile "unknown path" 's/"threats.\[net\].attrition"/"threats.[net].atrition"/' \
    "bad.cfg:10: parameters.\[2\].path: \"threats.\[net\].atrition\" names no numeric setting"
badfile "target naming no output" 's/output = "plots.\[net\]"/output = "plotz"/' \
    "bad.cfg:14: targets.\[1\].output: unknown quantity \"plotz\"; did you mean 'plots'?"
badfile "unknown threat" 's/"plots.\[net\]"/"plots.[nett]"/' \
    "bad.cfg:14: targets.\[1\].output: .*unknown threat 'nett'"
badfile "window beyond the horizon" 's/"removed@1-24"/"removed@1-99"/' \
    "bad.cfg:15: targets.\[2\].output: \"removed@1-99\": the window 1-99 is not within"
badfile "a level over a window" 's/"attacks.\[B\]@1-12"/"stability.[B]@1-12"/' \
    "bad.cfg:17: targets.\[3\].output: .*is a level, not a flow"
badfile "zero uncertainty" 's/uncertainty = "absolute"; sd = 2.0/uncertainty = "absolute"; sd = 0.0/' \
    "bad.cfg:15: targets.\[2\].sd: expected an uncertainty > 0"
badfile "uncertainty typo" 's/uncertainty = "count"/uncertainty = "cuont"/' \
    "bad.cfg:14: targets.\[1\].uncertainty: unknown \"cuont\"; did you mean 'count'?"
badfile "count with an sd" 's/uncertainty = "count";/uncertainty = "count"; sd = 3.0;/' \
    "bad.cfg:14: targets.\[1\].sd: a count's sd is the square root"
badfile "method type" 's/method = { type = "abc-smc";/method = { type = "rejection";/' \
    "bad.cfg:19: method.type: expected \"abc-smc\", found \"rejection\""
badfile "quantile" 's/predictive = 100;/predictive = 100; quantile = 1.5;/' \
    "bad.cfg:19: method.quantile: expected a number in (0, 1), found 1.5"
badfile "duplicate target" 's/name = "removed"/name = "plots"/' \
    "bad.cfg:15: targets.\[2\].name: \"plots\" names targets.\[1\] too"
badfile "missing targets" '/^targets/,/^);/d' "bad.cfg: targets: missing required section 'targets'"
expect "a scenario file" 2 "is a scenario file (it has 'actors'), not a calibration file" \
    calibrate tests/fixtures/cli/small.cfg -o "$T/bad" -q
expect "a search file" 2 "is a search file, not a calibration file" \
    calibrate tests/fixtures/search/small.cfg -o "$T/bad" -q
expect "no file" 2 "calibrate needs a calibration file" calibrate
expect "bad --set" 2 "unknown key" calibrate $F/small.cfg -o "$T/bad" -q --set threats.[net].grwth=1

# The conjugate case (fixtures/calibrate/conjugate.cfg): with every
# dynamic off the plots of steps 13-24 are Poisson with mean
# 900 * plot_rate, the prior is gamma(2, 100), the figure 9 plots, so the
# exact posterior is gamma(11, 1000): mean 0.011, sd sqrt(11)/1000. The
# tolerance falls to 0 (checked), where ABC accepts exactly the runs that
# reproduce the figure and the weighted particles sample the exact
# posterior. Bounds: 5 standard errors of the weighted estimators with
# the weights' effective sample size E (read from the weights): the mean
# within 5 sd / sqrt(E), the sd within 5 sd sqrt((2 + k) / (4 E)) with the
# gamma's excess kurtosis k = 6 / 11.
expect "conjugate" 0 "" calibrate $F/conjugate.cfg -o "$T/conj" -j2 -q --no-charts
awk -F, 'END { exit !($2 == 0) }' "$T/conj/generations.csv" && ok ||
    bad "conjugate: the final tolerance is not 0: $(tail -1 "$T/conj/generations.csv")"
awk -F, 'NR > 1 { w = $3; x = $2; m += w * x; s += w * x * x; e += w * w }
    END {
        sd = sqrt(s - m * m); E = 1 / e; tm = 0.011; ts = sqrt(11) / 1000
        bm = 5 * ts / sqrt(E); bs = 5 * ts * sqrt((2 + 6 / 11) / (4 * E))
        printf "conjugate: mean %.6f (exact %.6f, bound %.6f), sd %.6f (exact %.6f, bound %.6f), ESS %.0f\n", m, tm, bm, sd, ts, bs, E
        exit !(m - tm < bm && tm - m < bm && sd - ts < bs && ts - sd < bs)
    }' "$T/conj/posterior.csv" >"$T/conj.out" && ok || bad "$(cat "$T/conj.out")"
note "$(cat "$T/conj.out")"

finish cli_calibrate
