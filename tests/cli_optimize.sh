#!/bin/sh
# cli_optimize.sh: foresight optimize from the command line: the same bytes
# for any thread count, a killed search resumed gives the files of an
# uninterrupted one, a one-lever search agrees with a grid sweep, an empty
# feasible set is reported, and bad search files exit 2 naming file, line
# and setting. Run by tests/run.sh with FS_BIN set; prints
# "cli_optimize: N passed, N failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
F=tests/fixtures/search
FILES="pareto.csv evaluations.csv generations.csv search.csv optimize.md"

# Thread counts: byte-identical files.
expect "small -j1" 0 "finished" optimize $F/small.cfg -o "$T/j1" -j1 --no-charts
expect "small -j2" 0 "" optimize $F/small.cfg -o "$T/j2" -j2 --no-charts -q
for f in $FILES; do same "-j1 and -j2: $f" "$T/j1/$f" "$T/j2/$f"; done
[ ! -d "$T/j1/checkpoint" ] && ok || bad "a finished search leaves no checkpoint"
grep -q "The best mix by cost.mean" "$T/j1/optimize.md" && ok || bad "optimize.md names the best mix"
# pareto.csv: one row per mix of the final set, every one feasible here
rows=$(($(wc -l < "$T/j1/pareto.csv") - 1))
[ "$rows" -ge 1 ] && ok || bad "pareto.csv has no mix"
awk -F, 'NR > 1 && $(NF-1) != 1 { bad = 1 } END { exit bad }' "$T/j1/pareto.csv" && ok ||
    bad "every mix of a feasible final set is feasible in sample"

# MPI: 2 ranks of one thread give the bytes of one process (when built
# with MPI and mpirun is there; not under valgrind, as cli_dist.sh).
if [ -z "${FS_VALGRIND:-}" ] && $BIN --version | grep -q "MPI)" && command -v mpirun >/dev/null 2>&1; then
    MPIRUN="mpirun --oversubscribe"
    [ "$(id -u)" -eq 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
    # under the sanitizers, Open MPI's own leaks are suppressed as cli_dist.sh does
    [ -n "${LSAN_OPTIONS:-}" ] && MPIRUN="env LSAN_OPTIONS=$LSAN_OPTIONS:fast_unwind_on_malloc=0 $MPIRUN"
    if $MPIRUN -np 2 $BIN optimize $F/small.cfg -o "$T/mpi" -j1 -q --no-charts >"$T/mpi.out" 2>&1; then
        ok
        for f in $FILES; do same "2 ranks: $f" "$T/j1/$f" "$T/mpi/$f"; done
    else
        bad "mpirun -np 2 optimize: $(tail -3 "$T/mpi.out")"
    fi
else
    note "MPI run skipped (no MPI build or no mpirun, or under valgrind)"
fi

# Charts, and plot DIR redraws them from the files alone.
expect "charts" 0 "" optimize $F/small.cfg -o "$T/ch" -j2 -q --size 800x500
for c in optimize_tradeoff optimize_levers optimize_convergence; do
    [ -s "$T/ch/$c.png" ] && ok || bad "chart $c.png"
done
expect "plot DIR" 0 "" plot "$T/ch" -o "$T/ch2" --size 800x500
for c in optimize_tradeoff optimize_levers optimize_convergence; do
    same "plot redraws $c" "$T/ch/$c.png" "$T/ch2/$c.png"
done
for f in $FILES; do same "charts leave $f alone" "$T/j1/$f" "$T/ch/$f"; done

# Kill and resume: SIGTERM once the first generation is on disk; the
# resumed search must give the files of the uninterrupted one.
$BIN optimize $F/small.cfg -o "$T/k" -j1 --no-charts -q >"$T/kout" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do
    s=0
    [ -f "$T/k/checkpoint/rank-0.bin" ] && s=$(wc -c < "$T/k/checkpoint/rank-0.bin")
    [ "$s" -gt 1200 ] && break
    sleep 0.05
    i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ "$rc" -eq 143 ]; then
    ok
    grep -q "optimize --resume" "$T/kout" && ok || bad "the interrupt message says how to resume"
    expect "resume" 0 "" optimize --resume "$T/k" -j2 -q --no-charts
    for f in $FILES; do same "resumed: $f" "$T/j1/$f" "$T/k/$f"; done
else
    bad "the search was not interrupted (exit $rc)"
fi
expect "resume of nothing" 2 "checkpoint" optimize --resume "$T/nothing"

# One lever, the base scenario alone: the search's answer is the best level
# of a grid sweep over every level with the same seed and runs (common
# random numbers: the search's figure for a level is the sweep's, bit for
# bit), so it must be within one grid step of the grid's best; with the
# same figures it is the grid's best or ties with it.
expect "one lever" 0 "" optimize $F/one_lever.cfg -o "$T/ol" -j2 -q --no-charts
expect "one lever grid" 0 "" sweep $F/one_lever_grid.cfg -o "$T/olg" -j2 -q --no-charts
best=$(awk -F, 'NR > 1 { if (!n || $3 < v) { v = $3; x = $2; n = 1 } } END { print x, v }' "$T/olg/sweep.csv")
found=$(awk -F, 'NR == 2 { print $2, $3 }' "$T/ol/pareto.csv")
echo "$best $found" | awk '{ d = $1 - $3; if (d < 0) d = -d; exit !(d <= 1 && $4 == $2) }' && ok ||
    bad "one lever: the search found '$found', the grid's best is '$best'"

# Regret by hand: regret.cfg has six mixes in all (drill period 3 to 5,
# border operation from month 6 or 7), and its search evaluates every one,
# so each mix's in-sample regret is the largest, over the four futures, of
# its casualties minus the fewest any of the six has in that future. One
# sweep per mix over the same futures (same design, seed and runs: the
# same figures, bit for bit) gives the casualties; awk takes the regrets.
expect "regret search" 0 "" optimize $F/regret.cfg -o "$T/rg" -j2 -q --no-charts
: > "$T/rg.grid"
for d in 3 4 5; do
    for b in 6 7; do
        $BIN sweep $F/regret_futures.cfg --set "mechanisms.[drill].period=$d" \
            --set "mechanisms.[solidarity].start=$b" -o "$T/rg$d$b" -j2 -q --no-charts &&
            awk -F, -v m="$d,$b" 'NR > 1 { print m, $1, $4 }' "$T/rg$d$b/sweep.csv" >> "$T/rg.grid"
    done
done
awk 'NR == FNR { y[$1 " " $2] = $3; if (!($2 in lo) || $3 < lo[$2]) lo[$2] = $3; mix[$1] = 1; next }
     FNR > 1 { split($0, c, ","); seen[c[3] "," c[4]] = c[5] }
     END {
         n = 0
         for (m in mix) {
             r = -1e300
             for (e in lo) if (y[m " " e] - lo[e] > r) r = y[m " " e] - lo[e]
             if (!(m in seen)) { print "mix " m " not evaluated"; exit 1 }
             d = seen[m] - r; if (d < 0) d = -d
             if (d > 1e-6 * (1 + r)) { print "mix " m ": regret " seen[m] ", by hand " r; exit 1 }
             n++
         }
         exit n != 6
     }' "$T/rg.grid" "$T/rg/evaluations.csv" >"$T/rg.check" && ok ||
    bad "regret by hand: $(cat "$T/rg.check")"
# here one mix (a drill every 3 months, the operation from month 6) has the
# fewest casualties in every future: regret 0, and the final set holds it
awk -F, 'NR > 1 && $4 == 0 { z = 1 } END { exit !z }' "$T/rg/pareto.csv" && ok ||
    bad "the final set holds a mix of zero regret"
grep -q "regret" "$T/rg/optimize.md" && ok || bad "optimize.md names the regret"
expect "regret -j1" 0 "" optimize $F/regret.cfg -o "$T/rg1" -j1 -q --no-charts
for f in $FILES; do same "regret -j1 and -j2: $f" "$T/rg/$f" "$T/rg1/$f"; done

# An empty feasible set is a result, not an error.
sed 's/escalation p90 <= 0.30/escalation p90 <= 0.0001/' $F/small.cfg > "$F/.tmp_inf.cfg"
expect "no mix meets it" 0 "" optimize "$F/.tmp_inf.cfg" -o "$T/inf2" -j2 -q --no-charts
rm -f "$F/.tmp_inf.cfg"
grep -q "No mix found meets every constraint" "$T/inf2/optimize.md" && ok ||
    bad "an empty feasible set is said in optimize.md"
grep -q "The closest any mix came: escalation p90 [0-9.]* at best (target <= 0.0001)" "$T/inf2/optimize.md" && ok || bad "the closest figure is given"

# Bad search files: exit 2, the file, the line and the setting.
bad_file() {
    name=$1 pat=$2
    printf '%s\n' "$3" > "$F/.tmp_bad.cfg"
    expect "$name" 2 "$pat" optimize "$F/.tmp_bad.cfg" -o "$T/bad" --no-charts -q
    rm -f "$F/.tmp_bad.cfg"
}
HEAD='name = "x"; base = "../../../scenarios/solidarity_2024.cfg"; runs = 5;'
LEV='levers = ( { path = "mechanisms.[rats].intensity"; lo = 0.1; hi = 1.0; } );'
OBJ='objectives = ( { output = "escalation"; } );'
bad_file "unknown key" ".tmp_bad.cfg:1: popul: unknown key" "$HEAD $LEV $OBJ popul = 3;"
bad_file "bad lever path" "levers.\[1\].path" "$HEAD levers = ( { path = \"mechanisms.[rats].intensty\"; lo = 0.1; hi = 1.0; } ); $OBJ"
bad_file "lever out of range" "levers.\[1\].hi" "$HEAD levers = ( { path = \"mechanisms.[rats].intensity\"; lo = 0.1; hi = 7.0; } ); $OBJ"
bad_file "unknown output" "objectives.\[1\].output: unknown output" "$HEAD $LEV objectives = ( { output = \"escalaton\"; } );"
bad_file "bad statistic" "objectives.\[1\].statistic" "$HEAD $LEV objectives = ( { output = \"escalation\"; statistic = \"p99\"; } );"
bad_file "regret constraint" "constraints.\[1\]: expected" "$HEAD $LEV $OBJ constraints = [ \"escalation regret <= 0.1\" ];"
bad_file "bad constraint" "constraints.\[1\]: expected" "$HEAD $LEV $OBJ constraints = [ \"escalation p90 < 0.1\" ];"
bad_file "constraint on an unknown output" "constraints.\[1\]: unknown output" "$HEAD $LEV $OBJ constraints = [ \"escalaton p90 <= 0.1\" ];"
bad_file "odd population" "algorithm.population: expected an even" "$HEAD $LEV $OBJ algorithm = { population = 7; };"
bad_file "epsilons" "algorithm.epsilons" "$HEAD $LEV $OBJ algorithm = { epsilons = [0.1, 0.1]; };"
bad_file "no objectives" "objectives" "$HEAD $LEV"
bad_file "bad algorithm" "algorithm.type" "$HEAD $LEV $OBJ algorithm = { type = \"ga\"; };"
bad_file "futures without uncertainties" "ensemble.n" "$HEAD $LEV $OBJ ensemble = { n = 5; };"
expect "set and searched" 2 "both in the search and set by --set" optimize $F/small.cfg \
    --set "mechanisms.[rats].intensity=0.5" -o "$T/bad" --no-charts -q
# --set runs=N replaces the search file's runs (meta: fewer runs, other figures)
expect "set runs" 0 "" optimize $F/small.cfg --set runs=10 -o "$T/r10" -j2 --no-charts -q
grep -q "with 10 runs each" "$T/r10/optimize.md" && ok || bad "--set runs=10 is used"
expect "a scenario file" 2 "is a scenario file (it has 'actors'), not a search file" optimize scenarios/sco_baseline.cfg
expect "a sweep file" 2 "is a sweep file" optimize scenarios/sweeps/levers.cfg
expect "sweep of a search file" 2 "is a search file" sweep $F/small.cfg
expect "no file" 2 "optimize needs a search file" optimize
expect "missing file" 2 "" optimize "$T/none.cfg"
expect "help" 0 "usage: foresight optimize" help optimize
expect "option that does not apply" 2 "does not apply" optimize $F/small.cfg --runs 5

finish cli_optimize
