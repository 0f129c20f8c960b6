#!/bin/sh
# cli_sweep.sh: foresight sweep's outputs, determinism and errors.
# Run by tests/run.sh with FS_BIN set; prints "cli_sweep: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/sweepfiles
trap 'rm -rf "$T"' EXIT
# field FILE POINT COLUMN-NAME: a value of sweep.csv (point 0 is line 2).
field() {
    awk -F, -v row="$2" -v name="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
        NR == row + 2 { print $c }' "$1"
}

FILES="sweep.csv sweep_params.csv sweep_outputs.csv sensitivity.csv tornado.csv meta.csv sweep.md"

# --- the smoke sweep: every file, identical for -j1 and -j2 ---
expect "smoke j1" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 1 -o "$T/s1" --no-charts
expect "smoke j2" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 2 -o "$T/s2" --no-charts
expect "smoke static" 0 "" sweep scenarios/sweeps/smoke.cfg -q -j 2 --partition static -o "$T/s3" --no-charts
for f in $FILES; do
    if [ -s "$T/s1/$f" ]; then ok; else bad "smoke: missing $f"; fi
    same "smoke -j1 vs -j2 $f" "$T/s1/$f" "$T/s2/$f"
    same "smoke dynamic vs static $f" "$T/s1/$f" "$T/s3/$f"
done
expect "bad partition" 2 "--partition: expected dynamic or static, found 'random'" sweep scenarios/sweeps/smoke.cfg --partition random
rows=$(($(wc -l < "$T/s1/sweep.csv") - 1))
if [ "$rows" -eq 40 ]; then ok; else bad "smoke: sweep.csv has $rows points, expected 8 x (3 + 2) = 40"; fi
n=$(grep -c '^sobol,' "$T/s1/sensitivity.csv")
if [ "$n" -eq 18 ]; then ok; else bad "smoke: $n sobol rows, expected 3 parameters x 3 outputs x 2"; fi
if grep -q "^## escalation" "$T/s1/sweep.md"; then ok; else bad "smoke: sweep.md has no escalation section"; fi
# Parameters by label (the element's name and the key), paths in the CSVs.
if grep -q "^| RATS intelligence sharing: intensity | lever |" "$T/s1/sweep.md" &&
   head -1 "$T/s1/sweep.csv" | grep -q "^point,mechanisms.\[rats\].intensity,"; then ok; else bad "smoke: sweep.md does not name parameters by label, or sweep.csv not by path"; fi

# --- tornado.csv: each end against the base point, paired run by run. The
# grid's low end of the sharing intensity (0, base 0.6) is a compare of
# small.cfg with a copy at intensity 0, on the same runs and seed: the same
# paired standard error, and for a mean the same interval. A probability's
# interval (Newcombe's) holds the difference and stays within [-1, 1]. ---
expect "grid for the tornado" 0 "" sweep $FX/grid.cfg -q -o "$T/gt" --no-charts
sed 's/{ id = "share"; type = "intel_sharing"; participants = "members"; intensity = 0.6;/{ id = "share"; type = "intel_sharing"; participants = "members"; intensity = 0.0;/' \
    tests/fixtures/cli/small.cfg > "$T/share0.cfg"
expect "compare at the low end" 0 "" compare tests/fixtures/cli/small.cfg "$T/share0.cfg" -n 50 -s 3 -q --no-charts -o "$T/gc"
if awk -F, -v Z=1.959963984540054 '
    function abs(x) { return x < 0 ? -x : x }
    NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) c[$i] = i; next }
        if ($1 != "mechanisms.[share].intensity") next
        m = $2; paired[m] = $(c["paired"]); se[m] = $(c["diff_se_low"])
        lo[m] = $(c["low_diff_lo95"]); hi[m] = $(c["low_diff_hi95"]); d[m] = $(c["at_low"]) - $(c["at_base"]); next }
    $1 == 1 { m = $(NF - 7); if (m == "casualties") m = "casualties.mean"; if (!(m in se)) next
        n++; cse = ($NF - $(NF - 1)) / (2 * Z)
        if (abs(cse - se[m]) > 1e-7 * (abs(se[m]) + 1e-12) || paired[m] != 1) { print m ": se " se[m] " against compare " cse; bad = 1 }
        if (m == "casualties.mean" && (abs(lo[m] - $(NF - 1)) > 1e-6 * abs(lo[m]) || abs(hi[m] - $NF) > 1e-6 * abs(hi[m]))) { print m ": interval"; bad = 1 }
        if (m == "escalation" && !(lo[m] <= d[m] && d[m] <= hi[m] && lo[m] >= -1 && hi[m] <= 1)) { print m ": Newcombe interval " lo[m] " " hi[m] " for " d[m]; bad = 1 } }
    END { exit bad || n != 2 }' "$T/gt/tornado.csv" "$T/gc/compare.csv"; then ok
else bad "tornado.csv: the paired differences do not match compare's"; fi
if awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $2 == "attacks.p50" { n++; if ($(c["paired"]) != 0) bad = 1 } END { exit bad || n != 2 }' "$T/gt/tornado.csv"; then ok
else bad "tornado.csv: a quantile output should be marked unpaired"; fi

# sweep.md checks the Sobol estimates: the smoke sweep's attacks.p95 has
# S1 and ST above 1 for the sharing intensity, and N = 8 base rows is small;
# it says what to do, and no longer calls the noise small without a word.
if awk '/^## attacks.p95/ { on = 1 } /^## / && !/attacks.p95/ { on = 0 }
    on && /\*\*Check the indices:\*\*/ && /`mechanisms.\[rats\].intensity`: S1 = 1\.[0-9]* is outside \[0, 1\]/ && /N = 8 base rows is small/ && /raise `design.n`/ { found = 1 }
    on && /is small against the spread/ && !/fail the checks above/ { bad = 1 }
    END { exit !found || bad }' "$T/s1/sweep.md"; then ok
else bad "sweep.md: no check of the out-of-range Sobol indices of attacks.p95"; grep -n "Check\|small" "$T/s1/sweep.md"; fi

# --- a point equals a plain run of the base with the same settings ---
expect "grid" 0 "" sweep $FX/grid.cfg -q -o "$T/g" --no-charts
rows=$(($(wc -l < "$T/g/sweep.csv") - 1))
if [ "$rows" -eq 6 ]; then ok; else bad "grid: $rows points, expected 2 x 3"; fi
# Point 4 of the grid: intensity 1.0 (slowest), growth 0.04.
expect "plain run at a grid point" 0 "" run tests/fixtures/cli/small.cfg -q --no-charts -n 50 -s 3 \
    --set "mechanisms.[share].intensity=1.0" --set "threats.[net].growth=0.04" -o "$T/p"
sweep_cas=$(field "$T/g/sweep.csv" 4 casualties.mean)
run_cas=$(awk -F, '$1 == "casualties" { print $3 }' "$T/p/summary.csv")
if [ "$sweep_cas" = "$run_cas" ]; then ok; else bad "grid point 4 casualties $sweep_cas, plain run $run_cas"; fi

# --- per-actor, per-threat and per-pair outputs, and values at a step:
# point 1 equals the plain run's actors.csv, threats.csv, trust.csv and
# timeseries.csv ---
expect "grid outputs" 0 "" sweep $FX/grid_outputs.cfg -q -o "$T/go" --no-charts
expect "plain run at a grid outputs point" 0 "" run tests/fixtures/cli/small.cfg -q --no-charts -n 50 -s 3 \
    --set "mechanisms.[share].intensity=1.0" -o "$T/gp"
check_output() {   # NAME FILE AWK-PROGRAM: sweep.csv point 1 against the run
    want=$(awk -F, "$3" "$T/gp/$2")
    got=$(field "$T/go/sweep.csv" 1 "$1")
    if [ -n "$want" ] && [ "$got" = "$want" ]; then ok; else bad "sweep output $1: $got, the run's $2 says '$want'"; fi
}
check_output "attacks.[A].mean" actors.csv '$1 == "A" && $4 == "attacks" { print $5 }'
check_output "final_stability.[B].p50" actors.csv '$1 == "B" && $4 == "final_stability" { print $9 }'
check_output "plots.[net].p95" threats.csv '$1 == "net" && $3 == "plots" { print $10 }'
check_output "trust.[C-A].mean" trust.csv '$1 == "A" && $2 == "C" { print $4 }'
check_output "cohesion.mean@12" timeseries.csv '$1 == 12 && $2 == "cohesion" { print $4 }'
check_output "stability.[C].p25@20" timeseries.csv '$1 == 20 && $2 == "stability" && $3 == "C" { print $6 }'
check_output "trust.[A-B].p75@15" timeseries.csv '$1 == 15 && $2 == "trust" && $3 == "A-B" { print $8 }'
check_output "escalated.mean@24" timeseries.csv '$1 == 24 && $2 == "escalated" { print $4 }'
grep -q '^5,stability.\[C\].p25@20,summary,stability.\[C\]@20,p25$' "$T/go/sweep_outputs.csv" && ok || bad "sweep_outputs.csv: no row for stability.[C].p25@20"
# Bad output names: what is wrong, and a suggestion.
bad_output() {   # NAME OUTPUT EXPECTED-MESSAGE
    printf 'name = "o"; base = "%s/tests/fixtures/cli/small.cfg"; runs = 5;\ndesign = { type = "grid"; };\nparameters = ( { path = "mechanisms.[share].intensity"; levels = [0.5]; } );\noutputs = [ "%s" ];\n' "$PWD" "$2" > "$T/bad_output.cfg"
    expect "$1" 2 "$3" sweep "$T/bad_output.cfg" -q --no-charts -o "$T/bad_output"
}
bad_output "output: unknown actor" 'attacks.[Q].mean' "outputs.\[1\]: unknown actor 'Q' in \"attacks.\[Q\].mean\"; actors are: A, B, C, X"
bad_output "output: actor typo" 'attacks.[AA].mean' "did you mean 'A'?"
bad_output "output: series without a step" 'stability.[C].p5' "stability is a time series: give a step, as in stability.\[C\].p5@24 (or use final_stability or min_stability)"
bad_output "output: step beyond the horizon" 'cohesion.mean@30' "step 30 is beyond the base scenario's 24 steps"
bad_output "output: untracked pair" 'trust.[B-C].mean@5' "the trust of B-C is recorded at every step only for pairs an inject acts on (2 in this scenario); its final value is trust.\[B-C\].mean"
bad_output "output: unknown metric" 'attacs.[A].mean' "unknown metric 'attacs' in \"attacs.\[A\].mean\"; did you mean 'attacks'?"
bad_output "output: bad statistic" 'attacks.[A].p99' "expected a statistic mean, p5, p25, p50, p75 or p95 after 'attacks.\[A\].', found \"p99\""
bad_output "output: region series" 'threat_index.mean' "threat_index is a time series: give a step, as in threat_index.mean@24"
bad_output "output: quantile of escalated" 'escalated.p50@3' "its mean (escalated.mean@3) is the share escalated"
sweep_esc=$(field "$T/g/sweep.csv" 4 escalation)
run_esc=$(awk -F, '$1 == "escalation" { print $4 }' "$T/p/outcomes.csv")
if [ "$sweep_esc" = "$run_esc" ]; then ok; else bad "grid point 4 escalation $sweep_esc, plain run $run_esc"; fi
if [ "$(grep -c '' "$T/g/sensitivity.csv")" -eq 1 ]; then ok; else bad "grid: sensitivity.csv should hold the header only"; fi
n=$(($(wc -l < "$T/g/tornado.csv") - 1))
if [ "$n" -eq 6 ]; then ok; else bad "grid: tornado.csv has $n rows, expected 2 parameters x 3 outputs"; fi
# The settings' standard errors: for a probability over 50 runs, sqrt(p (1 - p) / 50).
if awk -F, 'NR > 1 && $2 == "escalation" { n++
        for (i = 0; i < 3; i++) { p = $(6 + i); se = $(10 + i); want = sqrt(p * (1 - p) / 50)
            d = se - want; if (d < 0) d = -d; if (d > 1e-8) bad = 1 } }
    END { exit bad || n != 2 }' "$T/g/tornado.csv"; then ok; else bad "grid: tornado.csv standard errors are not sqrt(p(1-p)/n)"; cat "$T/g/tornado.csv"; fi

# --- --set runs and seed replace the sweep file's runs and seed ---
expect "set runs and seed" 0 "" sweep $FX/grid.cfg -q -o "$T/rs" --no-charts --set runs=5 --set seed=11
if grep -q "^runs_per_point,5$" "$T/rs/meta.csv" && grep -q "^seed,11$" "$T/rs/meta.csv"; then ok; else bad "--set runs=5 seed=11: meta.csv says $(grep -E "^(runs_per_point|seed)," "$T/rs/meta.csv" | tr '\n' ' ')"; fi
expect "set runs beyond the limit" 2 "--set runs=0: expected an integer in 1..100000000" sweep $FX/grid.cfg -q -o "$T/rs0" --set runs=0

# --- many runs per point: runs spread over threads, still identical bytes ---
expect "many runs j1" 0 "" sweep $FX/grid_many.cfg -q -j 1 -o "$T/gm1" --no-charts
expect "many runs j2" 0 "" sweep $FX/grid_many.cfg -q -j 2 -o "$T/gm2" --no-charts
for f in $FILES; do same "many runs -j1 vs -j2 $f" "$T/gm1/$f" "$T/gm2/$f"; done

# --- morris: mu, mu_star and sigma per parameter and output ---
expect "morris" 0 "" sweep $FX/morris.cfg -q -o "$T/m" --no-charts
n=$(grep -c '^morris,' "$T/m/sensitivity.csv")
if [ "$n" -eq 18 ]; then ok; else bad "morris: $n rows, expected 3 parameters x 2 outputs x 3"; fi

# --- errors: file:line and the setting, exit 2, nothing written ---
expect "bad path" 2 "badpath.cfg:5: parameters.\[1\].path: .*did you mean 'net'" sweep $FX/badpath.cfg -o "$T/e1"
expect "bad bound" 2 "badbound.cfg:5: parameters.\[1\].hi: .*expected a number in \[0, 1\], found 1.5" sweep $FX/badbound.cfg -o "$T/e2"
expect "missing base" 2 "nobase.cfg:2: base: .*missing.cfg" sweep $FX/nobase.cfg -o "$T/e3"
expect "clashing point" 2 "cross.cfg: point 3 (mechanisms.\[border\].start=12" sweep $FX/cross.cfg -o "$T/e4"
expect "set on a swept path" 2 "both swept and set by --set" sweep $FX/grid.cfg --set "threats.[net].growth=0.01" -o "$T/e5"
for d in e1 e2 e3 e4 e5; do
    if [ -z "$(ls -A "$T/$d" 2>/dev/null)" ]; then ok; else bad "$d: files written: $(ls "$T/$d")"; fi
done
expect "sweep help" 0 "usage: foresight sweep" help sweep

finish cli_sweep
