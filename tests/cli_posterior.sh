#!/bin/sh
# cli_posterior.sh: --posterior DIR and the scenario key posterior: runs
# whose parameters come from a calibration's particles, the same bytes for
# any -j, the same bytes as --set for a posterior of one particle, every
# command that runs scenarios, and the refusals.
# Run by tests/run.sh with FS_BIN set; prints "cli_posterior: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/posterior
SC=scenarios/sco_baseline.cfg
trap 'rm -rf "$T"' EXIT

CSVS="summary.csv timeseries.csv outcomes.csv actors.csv threats.csv trust.csv mechanisms.csv injects.csv earlywarning.csv distributions.csv inject_effects.csv runs.csv"

# --- run: the same files for -j1 and -j2 ---
expect "run j1" 0 "" run $SC -n 256 -q --no-charts --runs-csv -j 1 -o "$T/j1" --posterior $FX/two
expect "run j2" 0 "" run $SC -n 256 -q --no-charts --runs-csv -j 2 -o "$T/j2" --posterior=$FX/two
for f in $CSVS meta.csv briefing.md; do same "run -j1/-j2 $f" "$T/j1/$f" "$T/j2/$f"; done
grep -q "^posterior,.*tests/fixtures/posterior/two/posterior.csv$" "$T/j1/meta.csv" && ok || bad "meta.csv names the posterior"
grep -q "^posterior_fnv1a,[0-9a-f]\{16\}$" "$T/j1/meta.csv" && ok || bad "meta.csv has the posterior's hash"
grep -q "^posterior_particles,4$" "$T/j1/meta.csv" && ok || bad "meta.csv has the particle count"
grep -q "^## Parameter uncertainty" "$T/j1/briefing.md" && ok || bad "briefing: parameter uncertainty"
grep -q "| escalation | [0-9]*% | [0-9]*% | " "$T/j1/briefing.md" && ok || bad "briefing: escalation's split"
grep -q "the parameter that matters most is threats" "$T/j1/briefing.md" && ok || bad "briefing names a parameter"
# With calibrate's priors.csv beside it, the briefing names parameters by
# their labels (a path where the label is empty), and the CSVs are the same.
expect "run labelled" 0 "" run $SC -n 256 -q --no-charts --runs-csv -j 2 -o "$T/lab" --posterior $FX/labelled
grep -qF 'over ISKP plot rate (threats.\[iskp\].plot\_rate) and threats.\[iskp\].growth)' "$T/lab/briefing.md" &&
    ok || bad "briefing: labels from priors.csv: $(grep 'particles over' "$T/lab/briefing.md")"
same "labels change no number" "$T/j1/runs.csv" "$T/lab/runs.csv"
grep -q "^posterior = \"/.*/two\";" "$T/j1/scenario.resolved.cfg" && ok || bad "resolved scenario names the posterior"
# The parameters change the numbers.
expect "plain run" 0 "" run $SC -n 256 -q --no-charts --runs-csv -j 2 -o "$T/plain"
cmp -s "$T/j1/summary.csv" "$T/plain/summary.csv" && bad "the posterior changed nothing" || ok
grep -q "Parameter uncertainty" "$T/plain/briefing.md" && bad "a plain briefing speaks of a posterior" || ok

# --- one particle of weight 1: the same bytes as --set with its values ---
expect "one particle" 0 "" run $SC -n 200 -q --no-charts --runs-csv -j 2 -o "$T/one" --posterior $FX/one
expect "its values by --set" 0 "" run $SC -n 200 -q --no-charts --runs-csv -j 1 -o "$T/set" \
    --set 'threats.[iskp].plot_rate=0.02' --set 'threats.[iskp].growth=0.045'
for f in $CSVS; do same "one particle = --set: $f" "$T/one/$f" "$T/set/$f"; done

# --- the scenario key, relative to the scenario file ---
mkdir -p "$T/cal/run1"
cp $FX/two/posterior.csv "$T/cal/run1/"
# The plain run's resolved scenario: the same scenario in one file.
sed "s|^seed = .*|&\nposterior = \"cal/run1\";|" "$T/plain/scenario.resolved.cfg" >"$T/keyed.cfg"
expect "scenario key" 0 "" run "$T/keyed.cfg" -n 256 -q --no-charts --runs-csv -j 2 -o "$T/key"
same "key = --posterior" "$T/key/summary.csv" "$T/j1/summary.csv"
expect "check shows it" 0 "Posterior .*cal/run1/posterior.csv" check "$T/keyed.cfg"
expect "--set posterior=\"\" switches it off" 0 "" run "$T/keyed.cfg" -n 256 -q --no-charts -o "$T/off" --set 'posterior='
same "switched off = plain" "$T/off/summary.csv" "$T/plain/summary.csv"

# --- compare, sweep and optimize take it ---
expect "compare" 0 "" compare $SC scenarios/solidarity_2024.cfg -n 128 -q --no-charts -o "$T/cmp" --posterior $FX/dyn
grep -q "^## Parameter uncertainty" "$T/cmp/solidarity_2024/briefing.md" && ok || bad "compare: each briefing splits"
grep -q "^posterior," "$T/cmp/sco_baseline/meta.csv" && ok || bad "compare: meta.csv names it"
expect "sweep j1" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 1 --no-charts -o "$T/s1" --posterior $FX/dyn
expect "sweep j2" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 2 --no-charts -o "$T/s2" --posterior $FX/dyn
same "sweep -j1/-j2" "$T/s1/sweep.csv" "$T/s2/sweep.csv"
expect "plain sweep" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 2 --no-charts -o "$T/s0"
cmp -s "$T/s1/sweep.csv" "$T/s0/sweep.csv" && bad "sweep: the posterior changed nothing" || ok
# A sweep left unfinished (a file where its commit goes keeps the points in
# checkpoint/), then its posterior edited: the resume refuses, naming it.
cp -r $FX/dyn "$T/pd" && mkdir -p "$T/pk" && : >"$T/pk/.foresight-commit"
expect "sweep kept" 1 "every finished point is kept" sweep scenarios/sweeps/smoke.cfg -q -j 2 --no-charts -o "$T/pk" --posterior "$T/pd"
rm "$T/pk/.foresight-commit"
sed 's/^0,0.3,0.02,/0,0.35,0.02,/' "$T/pd/posterior.csv" >"$T/pd.csv" && cp "$T/pd.csv" "$T/pd/posterior.csv"
expect "resume, posterior edited" 2 "or the posterior it names, .*pd/posterior.csv) changed since the sweep" sweep --resume "$T/pk" -q --no-charts
cp $FX/dyn/posterior.csv "$T/pd/posterior.csv"
expect "resume, posterior as it was" 0 "" sweep --resume "$T/pk" -q --no-charts
same "resumed sweep" "$T/s2/sweep.csv" "$T/pk/sweep.csv"
expect "optimize" 0 "" optimize tests/fixtures/search/small.cfg -q -j 2 --no-charts -o "$T/opt" --posterior $FX/dyn

# --- refusals: exit 2, the file and the problem ---
expect "no such directory" 2 "--posterior: expected the output directory of foresight calibrate, found '$T/none'" run $SC --posterior "$T/none"
mkdir -p "$T/empty"
expect "no posterior.csv" 2 "empty/posterior.csv" run $SC -q --no-charts -o "$T/x" --posterior "$T/empty"
expect "weights" 2 "badsum/posterior.csv: the weights sum to 1.1000000000000001; expected 1" run $SC -q --no-charts -o "$T/x" --posterior $FX/badsum
expect "unknown path" 2 "badpath/posterior.csv:1: column 2: 'threats.\[iskp\].plot_rte' is not a numeric setting of $SC" run $SC -q --no-charts -o "$T/x" --posterior $FX/badpath
expect "out of range" 2 "range/posterior.csv: particle 1: .*threats.\[iskp\].plot_rate" run $SC -q --no-charts -o "$T/x" --posterior $FX/range
expect "layout" 2 "layout/posterior.csv: particle 1 changes the model's layout" run $SC -n 100 -q --no-charts -o "$T/x" --posterior $FX/layout
expect "malformed" 2 "malformed/posterior.csv:3:.*expected a number, got 'abc'" run $SC -q --no-charts -o "$T/x" --posterior $FX/malformed
expect "with --set" 2 "--set sets threats.\[iskp\].growth, which the posterior" run $SC -q --no-charts -o "$T/x" --posterior $FX/two --set 'threats.[iskp].growth=0.1'
expect "sweep over one of its paths" 2 "smoke.cfg: a parameter of the file sets threats.\[iskp\].growth" sweep scenarios/sweeps/smoke.cfg -q -o "$T/x2" --posterior $FX/two
[ -e "$T/x2/checkpoint" ] && bad "a refused sweep left a checkpoint" || ok
expect "optimize over one of its paths" 2 "small.cfg: a parameter of the file sets threats.\[iskp\]" optimize tests/fixtures/search/small.cfg -q -o "$T/x3" --posterior $FX/two
sed "s|^seed = .*|&\nposterior = \"nowhere\";|" "$T/plain/scenario.resolved.cfg" >"$T/nowhere.cfg"
expect "key names nothing" 2 "posterior: cannot find the calibration directory \"nowhere\"" check "$T/nowhere.cfg"
expect "not for check" 2 "option '--posterior' does not apply to 'foresight check'" check $SC --posterior $FX/two
[ -e "$T/x" ] && bad "a refused run left its output directory" || ok

finish cli_posterior
