#!/bin/sh
# cli_run.sh: the command line's exit codes, messages and outputs.
# Run by tests/run.sh with FS_BIN set; prints "cli_run: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/cli
trap 'rm -rf "$T"' EXIT

CSVS="summary.csv timeseries.csv outcomes.csv actors.csv threats.csv trust.csv mechanisms.csv injects.csv earlywarning.csv distributions.csv meta.csv inject_effects.csv"

# --- usage ---
expect "version" 0 "^foresight [0-9]" --version
expect "help" 0 "usage: foresight COMMAND" --help
expect "help run" 0 "\-\-runs-csv" help run
expect "help unknown" 2 "no such command" help nosuch
expect "no arguments" 2 "usage"
expect "unknown command" 2 "unknown command 'runn'" runn x.cfg
expect "help help" 0 "usage: foresight help \[COMMAND\]" help help
expect "run without file" 2 "run needs a scenario file" run
expect "check without file" 2 "check needs a scenario file" check
expect "compare without files" 2 "compare needs at least two scenario files" compare
expect "compare with one file" 2 "compare needs at least two scenario files, found only '$FX/small.cfg'" compare $FX/small.cfg
expect "sweep without file" 2 "sweep needs a sweep file, or --resume DIR" sweep
expect "plot without directory" 2 "plot needs an output directory" plot
# -- ends the options: a file whose name starts with '-'.
cp $FX/small.cfg "$T/-dash.cfg"
ABSBIN=$(cd "$(dirname "${FS_BIN:-bin/foresight}")" && pwd)/$(basename "${FS_BIN:-bin/foresight}")
(cd "$T" && "$ABSBIN" check -- -dash.cfg) >"$T/out" 2>&1 && grep -q "^-dash.cfg: OK$" "$T/out" && ok || bad "check -- -dash.cfg: $(tail -2 "$T/out")"
expect "without --, a dash file is an option" 2 "unknown option '-dash.cfg'" check -dash.cfg
expect "unknown option" 2 "unknown option '--frobnicate'" run $FX/small.cfg --frobnicate
# An option a command would ignore is refused, never silently dropped.
expect "check -n" 2 "option '-n' does not apply to 'foresight check'" check $FX/small.cfg -n 5
expect "plot --runs-csv" 2 "option '--runs-csv' does not apply to 'foresight plot'" plot "$T" --runs-csv
expect "sweep --seed" 2 "option '--seed' does not apply to 'foresight sweep'" sweep scenarios/sweeps/smoke.cfg --seed=3
expect "run --resume" 2 "option '--resume' does not apply to 'foresight run'" run $FX/small.cfg --resume "$T"
expect "bad runs" 2 "runs: expected a whole number" run $FX/small.cfg -n abc
expect "zero runs" 2 "runs: expected a whole number" run $FX/small.cfg -n 0
expect "bad threads" 2 "threads: expected a whole number" run $FX/small.cfg -j 0
expect "bad seed" 2 "seed: expected a whole number" run $FX/small.cfg -s -5
expect "option without value" 2 "needs a value" run $FX/small.cfg -o
expect "bad format" 2 "format: expected png, pdf or svg" run $FX/small.cfg --format gif
expect "bad size" 2 "size: expected WIDTHxHEIGHT" run $FX/small.cfg --size 10x10
expect "set without =" 2 "set" run $FX/small.cfg --set steps

# --- scenario errors: exit 2, file and line named, nothing written ---
expect "missing file" 2 "nosuch.cfg" run $FX/nosuch.cfg -o "$T/o1"
expect "directory as file" 2 "is a directory" run $FX -o "$T/o1"
expect "syntax error" 2 "syntax.cfg:3: syntax error" run $FX/syntax.cfg -o "$T/o1"
expect "typo with suggestion" 2 "typo.cfg:2: actors.\[A\].capacty: unknown key 'capacty'; did you mean 'capacity'?" run $FX/typo.cfg -o "$T/o1"
expect "set bad path" 2 "did you mean 'tau'" run $FX/small.cfg --set dynamics.tua=0.1 -o "$T/o1"
expect "set out of range" 2 "mechanisms.\[share\].intensity=2" run $FX/small.cfg --set "mechanisms.[share].intensity=2" -o "$T/o1"
if [ -e "$T/o1" ]; then bad "config errors created the output directory"; else ok; fi
expect "check typo" 2 "did you mean 'capacity'" check $FX/typo.cfg
expect "check ok" 0 "small.cfg: OK" check $FX/small.cfg
expect "check shows mechanisms" 0 "border_operation" check $FX/small.cfg

# --- unwritable output directory: runtime error, exit 1 ---
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
    expect "unwritable output" 1 "not writable\|cannot" run $FX/small.cfg -q -o "$T/ro/out"
else
    # root writes anywhere; a path through a regular file cannot be created.
    : > "$T/file"
    expect "uncreatable output" 1 "cannot create directory\|not a directory" run $FX/small.cfg -q -o "$T/file/out"
fi

# --- a run: every file, identical for the same seed and any -j ---
expect "run j1" 0 "" run $FX/small.cfg -q -j 1 -o "$T/j1" --runs-csv --no-charts
expect "run j2" 0 "" run $FX/small.cfg -q -j 2 -o "$T/j2" --runs-csv --no-charts
expect "run j2 again" 0 "" run $FX/small.cfg -q -j 2 -o "$T/j2b" --no-charts
for f in $CSVS runs.csv scenario.resolved.cfg briefing.md; do
    if [ -s "$T/j1/$f" ]; then ok; else bad "missing or empty $f"; fi
    same "-j1 vs -j2 $f" "$T/j1/$f" "$T/j2/$f"
done
for f in $CSVS; do same "rerun $f" "$T/j2/$f" "$T/j2b/$f"; done
# glibc picks its exp and log by CPU; the FMA versions differ from the
# others in the last bit of about 1 call in 1,400 (exp) to 2,600 (log). The outputs, printed to
# 10 digits and bucketed by the sketch, must not: the same run with FMA and
# AVX2 masked (a no-op on a CPU without them) gives the same bytes.
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA,-AVX2
expect "run without FMA" 0 "" run $FX/small.cfg -q -j 2 -o "$T/nofma" --runs-csv --no-charts
unset GLIBC_TUNABLES
for f in $CSVS runs.csv briefing.md; do same "FMA vs no FMA $f" "$T/j2/$f" "$T/nofma/$f"; done
if ls -A "$T/j1" | grep -q '\.tmp\.\|\.foresight-'; then bad "temp files left behind"; else ok; fi
lines=$(wc -l < "$T/j1/runs.csv")
if [ "$lines" -eq 301 ]; then ok; else bad "runs.csv has $lines lines, expected 301"; fi

# --- scenario.resolved.cfg reproduces the run byte for byte ---
expect "run resolved" 0 "" run "$T/j1/scenario.resolved.cfg" -q -o "$T/res" --no-charts
for f in $CSVS scenario.resolved.cfg; do same "resolved $f" "$T/j1/$f" "$T/res/$f"; done

# --- a variant written as a delta (extends) runs, and its resolved file,
# which has no extends, reproduces it byte for byte; check says where each
# element came from ---
expect "delta variant" 0 "" run scenarios/crocus_attack.cfg -q -n 40 -j1 -o "$T/delta" --no-charts
if grep -q "extends" "$T/delta/scenario.resolved.cfg"; then bad "resolved cfg still extends"; else ok; fi
expect "delta resolved" 0 "" run "$T/delta/scenario.resolved.cfg" -q -n 40 -j1 -o "$T/delta2" --no-charts
for f in $CSVS baseline.csv briefing.md scenario.resolved.cfg; do same "delta resolved $f" "$T/delta/$f" "$T/delta2/$f"; done
expect "check delta: origin" 0 "crocus  *attack .*scenarios/crocus_attack.cfg:[0-9]" check scenarios/crocus_attack.cfg
expect "check delta: base origin" 0 "af_surge  *threat_surge .*scenarios/sco_baseline.cfg:[0-9]" check scenarios/crocus_attack.cfg
expect "check delta: changes" 0 "scenarios/crocus_attack.cfg:[0-9]*: add injects.\[crocus\] before af_surge" check scenarios/crocus_attack.cfg
expect "delta --set on an added element" 0 "crocus  *attack  *step 5 " check scenarios/crocus_attack.cfg --set "injects.[crocus].step=5"

# --- a different seed gives different numbers; -n and -s are recorded ---
expect "other seed" 0 "" run $FX/small.cfg -q -s 8 -n 200 -o "$T/s8" --no-charts
if cmp -s "$T/j1/summary.csv" "$T/s8/summary.csv"; then bad "seed 8 gave seed 7's numbers"; else ok; fi
if grep -q "^seed,8$" "$T/s8/meta.csv" && grep -q "^runs,200$" "$T/s8/meta.csv"; then ok; else bad "meta.csv does not record -s/-n"; fi
if grep -q "seed = 8L;" "$T/s8/scenario.resolved.cfg" && grep -q "runs = 200;" "$T/s8/scenario.resolved.cfg"; then ok; else bad "resolved cfg does not record -s/-n"; fi
# short options take their value attached too, as getopt's do
expect "attached values" 0 "" run $FX/small.cfg -q -s8 -n200 -j1 -o"$T/s8a" --no-charts
for f in $CSVS; do same "-s8 -n200 -j1 vs -s 8 -n 200 $f" "$T/s8/$f" "$T/s8a/$f"; done
expect "attached bad value" 2 "threads: expected a whole number from 1 to 1024, found 'x'" run $FX/small.cfg -q -jx

# --- --set reaches the model and the resolved file ---
expect "set" 0 "" run $FX/small.cfg -q -n 200 --set "threats.[net].plot_rate=0" -o "$T/set" --no-charts
if grep -q "^attacks,200,1,0," "$T/set/summary.csv"; then ok; else bad "plot_rate=0 should leave only the injected attack"; grep "^attacks" "$T/set/summary.csv"; fi

# --- outcomes.csv: probability = count/runs, Wilson's 95% interval recomputed ---
awk -F, 'NR > 1 { n++; k = $2; m = $3; p = k / m; z = 1.959963984540054
    c = (p + z*z/(2*m)) / (1 + z*z/m); h = z / (1 + z*z/m) * sqrt(p*(1-p)/m + z*z/(4*m*m))
    lo = c - h; hi = c + h; if (lo < 0) lo = 0; if (hi > 1) hi = 1
    d = $4 - p; if (d < 0) d = -d; if (d > 1e-9) bad = 1
    d = $5 - lo; if (d < 0) d = -d; if (d > 1e-9) bad = 1
    d = $6 - hi; if (d < 0) d = -d; if (d > 1e-9) bad = 1 }
    END { exit bad || n != 4 }' "$T/j1/outcomes.csv" && ok || bad "outcomes.csv: probability or Wilson interval does not match count and runs"

# --- compare: common random numbers, paired differences, plot from files ---
expect "compare one file" 2 "at least two scenario files" compare $FX/small.cfg
expect "compare horizons" 2 "same horizon" compare $FX/small.cfg $FX/small_short.cfg -o "$T/cbad"
if [ -e "$T/cbad" ]; then bad "compare config error created the output directory"; else ok; fi
# Unlike scenarios: a different time step is refused; other actors, other
# outcome thresholds and a seed the comparison replaces are named on stderr
# and at the top of the comparison briefing.
sed 's/^steps = 24;/steps = 24;\nstep_unit = "week";/' $FX/small.cfg > "$T/weekly.cfg"
expect "compare step units" 2 'step_unit = "week", but .*small.cfg has "month"' compare $FX/small.cfg "$T/weekly.cfg" -q -o "$T/cweek"
sed -e 's/^seed = 7;/seed = 9;\noutcomes = { mass_casualty = 40.0; };/' \
    -e 's/^  { id = "X";/  { id = "Y"; name = "Yonder"; capacity = 0.5; intel = 0.5; stability = 0.5; },\n  { id = "X";/' \
    $FX/small.cfg > "$T/unlike.cfg"
expect "compare unlike: actors" 0 "warning: .*unlike.cfg has actor Y that .*small.cfg lacks" compare $FX/small.cfg "$T/unlike.cfg" -n 64 -q --no-charts -o "$T/cun"
expect "compare unlike: seed" 0 "warning: .*unlike.cfg: seed = 9 is replaced by .*small.cfg's 7" compare $FX/small.cfg "$T/unlike.cfg" -n 64 -q --no-charts -o "$T/cun"
expect "compare unlike: thresholds" 0 "warning: .*unlike.cfg: outcomes.mass_casualty = 40, but .*small.cfg has 50" compare $FX/small.cfg "$T/unlike.cfg" -n 64 -q --no-charts -o "$T/cun"
if grep -q 'not alike' "$T/cun/briefing.md" && grep -q 'has actor Y' "$T/cun/briefing.md"; then ok; else bad "compare unlike: the briefing does not say what differs"; fi
expect "compare unlike: --seed replaces nothing" 0 "" compare $FX/small.cfg "$T/unlike.cfg" -n 64 -s 3 -q --no-charts -o "$T/cun2"
if grep -q 'seed' "$T/out"; then bad "compare with --seed still warns of a replaced seed"; else ok; fi
expect "compare alike: no warning" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg -n 64 -q --no-charts -o "$T/cal"
if [ -s "$T/out" ]; then bad "compare of alike scenarios printed: $(head -1 "$T/out")"; else ok; fi
expect "compare j1" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg $FX/small.cfg -n 200 -q -j 1 -o "$T/c1"
expect "compare j2" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg $FX/small.cfg -n 200 -q -j 2 -o "$T/c2" --no-charts
same "compare -j1 vs -j2" "$T/c1/compare.csv" "$T/c2/compare.csv"
same "compare subdir summary" "$T/c1/small_sharing/summary.csv" "$T/c2/small_sharing/summary.csv"
for f in compare.csv briefing.md compare_threat_index.png compare_outcomes.png compare_difference.png \
         small/summary.csv small/threat_index.png small_sharing/outcomes.csv small-3/meta.csv; do
    if [ -s "$T/c1/$f" ]; then ok; else bad "compare: missing $f"; fi
done
# A scenario against itself: every paired difference is exactly 0.
# (and there are such rows: ten headline metrics).
if awk -F, '$1 == 2 { n++; if ($9 != "0" || $10 != "0" || $11 != "0") bad = 1 } END { exit bad || n != 10 }' "$T/c1/compare.csv"; then ok; else bad "self-comparison: not ten rows of zero differences"; fi
# The compared runs equal plain runs with the same seed and run count.
expect "plain run for compare" 0 "" run $FX/small.cfg -n 200 -q -o "$T/plain" --no-charts
same "compare subdir equals plain run" "$T/plain/summary.csv" "$T/c1/small/summary.csv"
# More sharing: fewer attacks, a paired interval entirely below zero.
# (The name field of that row holds a comma: count fields from the end.)
if awk -F, '$1 == 1 && $(NF-7) == "attacks" { n++; below = $(NF-2) < 0 && $NF < 0 } END { exit !(n == 1 && below) }' "$T/c1/compare.csv"; then ok; else bad "more sharing should cut attacks"; grep attacks "$T/c1/compare.csv"; fi
# --- inject_effects.csv: each scheduled inject against its muted copy ---
# "hit" draws nothing (fixed casualties, probability 1), so muting it is
# removing it: the effects equal minus compare's paired differences of the
# scenario without it, interval ends swapped, on every headline.
expect "compare without the attack" 0 "" compare $FX/small.cfg $FX/small_nohit.cfg -q --no-charts -o "$T/cn"
if awk -F, 'NR == FNR { if ($1 == "hit" && $4 == "region") { e[$3] = $9; lo[$3] = $10; hi[$3] = $11 } next }
    $1 == 1 { m = $(NF-7); n++; if (!(m in e) || -e[m] != $(NF-2) || -hi[m] != $(NF-1) || -lo[m] != $NF) bad = 1 }
    END { exit bad || n != 10 }' "$T/j1/inject_effects.csv" "$T/cn/compare.csv"; then ok; else bad "inject_effects.csv: hit's effects are not minus compare's differences"; fi
# "with" is the run's own mean; the attack adds one attack to A in every
# run it does not change otherwise, and lowers trust A-C (C is blamed).
if awk -F, 'NR == FNR { if ($1 == "attacks") m = $3; next }
    $1 == "hit" && $3 == "attacks" && $4 == "region" { n++; if ($7 != m || $9 < 0.9 || $9 > 1.1) bad = 1 }
    $1 == "hit" && $3 == "final_trust" && $4 == "A-C" { n++; if (!($11 < 0)) bad = 1 }
    $1 == "spat" && $3 == "final_trust" && $4 == "A-B" { n++; if (!($11 < 0)) bad = 1 }
    END { exit bad || n != 3 }' "$T/j1/summary.csv" "$T/j1/inject_effects.csv"; then ok; else bad "inject_effects.csv: with, attacks or trust rows wrong"; cat "$T/j1/inject_effects.csv"; fi
# --- baseline: run beside the scenario, paired; equal to compare's ---
# The difference scenario minus baseline, and its interval, are exactly
# compare's paired difference of the same two files.
expect "baseline run" 0 "" run $FX/small_sharing.cfg -q --no-charts --set 'baseline="small.cfg"' -o "$T/bl"
expect "compare for baseline" 0 "" compare $FX/small.cfg $FX/small_sharing.cfg -q --no-charts -o "$T/blc"
if awk -F, 'NR == FNR { if ($3 == "region") { d[$2] = $7; lo[$2] = $8; hi[$2] = $9 } next }
    $1 == 1 { m = $(NF-7); n++; if (!(m in d) || d[m] != $(NF-2) || lo[m] != $(NF-1) || hi[m] != $NF) bad = 1 }
    END { exit bad || n != 10 }' "$T/bl/baseline.csv" "$T/blc/compare.csv"; then ok; else bad "baseline.csv differs from compare's paired differences"; fi
# Every pair's final trust, and the scenario's own numbers unchanged.
if [ "$(grep -c ',final_trust,' "$T/bl/baseline.csv")" -eq 6 ]; then ok; else bad "baseline.csv: expected 6 trust pairs"; fi
same "baseline run summary" "$T/blc/small_sharing/summary.csv" "$T/bl/summary.csv"
grep -q "^## Against the baseline" "$T/bl/briefing.md" && grep -q "Measured against \*\*cli small\*\* (small.cfg)" "$T/bl/briefing.md" && ok || bad "briefing: no baseline section"
# The resolved file names the baseline by its absolute path and reproduces it.
expect "baseline resolved" 0 "" run "$T/bl/scenario.resolved.cfg" -q --no-charts -o "$T/bl2"
same "baseline resolved baseline.csv" "$T/bl/baseline.csv" "$T/bl2/baseline.csv"
# Its charts come from the files: the effect charts too, none for a run
# without injects or baseline.
expect "plot baseline run" 0 "" plot "$T/bl"
for f in effects_outcomes.png effects_trust.png threat_index.png; do
    if [ "$(head -c 4 "$T/bl/$f" 2>/dev/null | od -An -c | tr -d ' ')" = "211PNG" ]; then ok; else bad "plot did not draw $f"; fi
done
expect "run without injects" 0 "" run scenarios/rats_2011_2015.cfg -q -n 64 -o "$T/noinj"
if ls "$T/noinj" | grep -q '^effects_'; then bad "effect charts drawn without injects or baseline"; else ok; fi
# A baseline with another horizon, or none at all: exit 2, nothing written.
expect "baseline horizon" 2 "small_short.cfg has steps = 12, this scenario 24: a baseline needs the same horizon" run $FX/small.cfg -q --set 'baseline="small_short.cfg"' -o "$T/blbad"
expect "baseline missing" 2 "baseline=\"nowhere.cfg\": cannot read the baseline scenario \"nowhere.cfg\" (tests/fixtures/cli/nowhere.cfg): No such file" run $FX/small.cfg -q --set 'baseline="nowhere.cfg"' -o "$T/blbad"
if [ -e "$T/blbad" ]; then bad "a bad baseline created the output directory"; else ok; fi
# check validates the baseline as run would; baseline="" runs without one;
# a scenario cannot be its own baseline.
expect "check baseline horizon" 2 "a baseline needs the same horizon" check $FX/small.cfg --set 'baseline="small_short.cfg"'
expect "check baseline" 0 "Baseline  \"cli small\" loads: 4 actors" check $FX/small_sharing.cfg --set 'baseline="small.cfg"'
expect "baseline off" 0 "" run $FX/small_sharing.cfg -q -n 64 --no-charts --set 'baseline="small.cfg"' --set 'baseline=""' -o "$T/bloff"
if [ -e "$T/bloff/baseline.csv" ]; then bad "baseline=\"\" still ran a baseline"; else ok; fi
expect "baseline self" 2 "baseline: names this scenario itself" run $FX/small.cfg -q --set 'baseline="small.cfg"' -o "$T/blbad"
# Every interval of the baseline briefing is printed, at the digits it
# needs: in the table and beside each pair's final trust.
if grep -q "narrower than the last digit" "$T/bl/briefing.md"; then bad "briefing: an interval 'narrower than the last digit' instead of its ends"; else ok; fi
if grep '^Final trust that differs most' "$T/bl/briefing.md" | grep -o '[A-Za-z]*-[A-Za-z]* [0-9.]* vs [0-9.]* ([^)]*)' \
        | grep -v '95% interval\|the same in every run' | grep -q .; then
    bad "briefing: a pair's final trust without its interval: $(grep '^Final trust' "$T/bl/briefing.md")"
else ok; fi
# The scripted attack "hit" (60 casualties, threshold 50) is a mass-casualty
# attack by itself: the headline says so.
grep -q "^Note: the mass-casualty share counts the scenario's own scripted attacks. \*\*hit\*\* (month 5, 60 casualties) is itself one" "$T/bl/briefing.md" \
    && ok || bad "briefing: no note that the mass-casualty share counts the scripted attack"
# Two attacks of 30 each (casualties_per_attack) are two mass-casualty
# attacks at a threshold of 25, and the note says so; 60 split over two
# (casualties) are not.
expect "per-attack note run" 0 "" run $FX/small_perattack.cfg -q -n 64 --no-charts --no-effects -o "$T/perattack"
grep -q "\*\*hit\*\* (month 5, 2 attacks of 30 casualties each) is itself one" "$T/perattack/briefing.md" \
    && ok || bad "briefing: no note for two scripted attacks of 30 each: $(grep '^Note' "$T/perattack/briefing.md")"
# More injects to measure than a run measures: check and run warn, naming
# the one left out.
expect "check: too many measured injects" 0 "warning: 8 injects are to be measured .* at most 7; left out: spat" check $FX/small_many.cfg
expect "run: too many measured injects" 0 "warning: 8 injects are to be measured .* at most 7; left out: spat" run $FX/small_many.cfg -q -n 64 --no-charts -o "$T/many"
expect "check: no warning" 0 "" check $FX/small.cfg
if grep -q warning "$T/out"; then bad "check warned for a scenario whose injects are all measured"; else ok; fi
# Reported figures: tabled against the simulated median and 90% of runs of
# the run total each names (threats.csv, actors.csv, summary.csv), with a
# verdict; kept by scenario.resolved.cfg; a metric that names nothing is
# refused.
expect "run reported" 0 "" run $FX/small_reported.cfg -q -n 300 --no-charts -o "$T/rep"
want=$(awk -F, '$1 == "net" && $3 == "foiled" { printf "| plots foiled | 3 | %d | %d to %d | %s |", $8, $6, $10, (3 < $6 ? "no, below" : 3 > $10 ? "no, above" : "yes") }' "$T/rep/threats.csv")
if grep -qF "$want" "$T/rep/briefing.md"; then ok; else bad "briefing: reported row is not '$want'"; grep '^| plots foiled' "$T/rep/briefing.md"; fi
want=$(awk -F, '$1 == "A" && $4 == "attacks" { printf "| attacks in Alpha | 40 | %d | %d to %d | no, above |", $9, $7, $11 }' "$T/rep/actors.csv")
if grep -qF "$want" "$T/rep/briefing.md"; then ok; else bad "briefing: reported row is not '$want'"; grep '^| attacks in Alpha' "$T/rep/briefing.md"; fi
grep -q "^| cells removed | 0.5.* | no, below | \`removed\` |" "$T/rep/briefing.md" && ok || bad "briefing: the reported summary metric row"
expect "reported resolved" 0 "" run "$T/rep/scenario.resolved.cfg" -q --no-charts -o "$T/rep2"
same "reported resolved briefing" "$T/rep/briefing.md" "$T/rep2/briefing.md"
expect "check reported" 0 "attacks in Alpha: 40.0 (actors.\[A\].attacks)" check $FX/small_reported.cfg
sed 's/metric = "threats.\[net\].foiled"/metric = "threats.[nett].foiled"/' $FX/small_reported.cfg > "$T/badrep.cfg"
expect "reported bad metric" 2 "badrep.cfg:37: reported.\[1\].metric: expected a run total of summary.csv .*found \"threats.\[nett\].foiled\"" check "$T/badrep.cfg"
# --no-effects: the scenario's own numbers only, the same bytes.
expect "no effects" 0 "" run $FX/small_sharing.cfg -q --no-charts --no-effects --set 'baseline="small.cfg"' -o "$T/noeff"
same "no effects summary" "$T/bl/summary.csv" "$T/noeff/summary.csv"
if [ ! -e "$T/noeff/baseline.csv" ] && [ "$(wc -l < "$T/noeff/inject_effects.csv")" -eq 1 ]; then ok; else bad "--no-effects still measured"; fi
grep -q "Not measured: the run had --no-effects" "$T/noeff/briefing.md" && ok || bad "briefing: --no-effects not said"
expect "compare no effects" 2 "option '--no-effects' does not apply to 'foresight compare'" compare $FX/small.cfg $FX/small_sharing.cfg --no-effects
# A hazard inject with measure = true is measured too; a scheduled one can
# be left out with measure = false.
expect "measure hazard" 0 "" run $FX/small.cfg -q -n 100 --no-charts --set 'injects.[surge].measure=true' --set 'injects.[spat].measure=false' -o "$T/meas"
if grep -q "^surge," "$T/meas/inject_effects.csv" && ! grep -q "^spat," "$T/meas/inject_effects.csv"; then ok; else bad "measure: wrong injects measured"; fi
grep -q "spat.*set measure = true on it" "$T/meas/briefing.md" && ok || bad "briefing: unmeasured inject not explained"
if grep -q "measure = true;" "$T/meas/scenario.resolved.cfg"; then ok; else bad "resolved cfg lacks measure"; fi
# No row for the hazard inject; the briefing reads the table.
if grep -q "^surge," "$T/j1/inject_effects.csv"; then bad "a hazard inject was measured"; else ok; fi
grep -q "hit.*Against the same runs without it: .*trust between Alpha and Gamma at the end" "$T/j1/briefing.md" && ok || bad "briefing: no measured effects for hit"
rm -f "$T/c1/compare_difference.png" "$T/c1/small/threat_index.png"
expect "plot compare dir" 0 "" plot "$T/c1"
for f in compare_difference.png small/threat_index.png; do
    if [ -s "$T/c1/$f" ]; then ok; else bad "plot did not redraw $f"; fi
done
# plot -o into a directory that does not exist yet: created, with the
# scenarios' charts in its subdirectories, and nothing added to the source.
expect "plot compare dir -o new" 0 "" plot "$T/c1" -o "$T/c1out/deep"
for f in compare_difference.png small/threat_index.png; do
    if [ -s "$T/c1out/deep/$f" ]; then ok; else bad "plot -o did not draw $f"; fi
done
# A string key takes the text as a string, even when it reads as a number.
expect "set name to a number" 0 "^Scenario  2024$" check $FX/small.cfg --set name=2024
expect "set label to true" 0 "^  hit    attack" check $FX/small.cfg --set "injects.[hit].label=true"
expect "set a presence to text" 2 "presence.A=abc: expected a number, found \"abc\"" check $FX/small.cfg --set "threats.[net].presence.A=abc"
# Not an output directory: a usage error that says what plot needs.
mkdir -p "$T/emptydir"
for d in "$T/nosuch" $FX/small.cfg "$T/emptydir"; do
    expect "plot $d" 2 "is not a foresight output directory (no meta.csv): give a run, compare, sweep, discover, optimize or calibrate directory" plot "$d"
done
mkdir -p "$T/c9" && cp -r "$T/c1/small" "$T/c9/"
expect "plot compare dir without compare.csv" 2 "c9 has no compare.csv: it holds runs (such as .*c9/small)" plot "$T/c9"

# --- interrupted: exit 130, no files under final names, no temp files ---
if [ -z "${FS_VALGRIND:-}" ]; then
    $BIN run $FX/small.cfg -q -n 20000000 -o "$T/int" --runs-csv --no-charts >"$T/out" 2>&1 &
    pid=$!
    # Under way once its staging directory exists (handlers in place).
    i=0
    while [ $i -lt 1200 ] && ! ls -A "$T/int" 2>/dev/null | grep -q '\.foresight-stage'; do sleep 0.05; i=$((i + 1)); done
    kill -INT $pid
    wait $pid
    code=$?
    if [ "$code" -eq 130 ]; then ok; else bad "SIGINT: exit $code, expected 130"; fi
    if [ -z "$(ls -A "$T/int" 2>/dev/null)" ]; then ok; else bad "SIGINT left files: $(ls "$T/int")"; fi
    grep -q "interrupted" "$T/out" && ok || bad "SIGINT: no message"
fi

finish cli_run
