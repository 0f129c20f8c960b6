#!/bin/sh
# make bench: the performance figures the issues ask for. Timings, not tests.
set -e
BIN=${1:-bin/foresight}
BENCH=build/plain/bench
SC=scenarios/sco_baseline.cfg
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "== foresight bench on $(nproc) cores, $SC =="
# Scenario discovery: PRIM with 10 bootstrap resamples on 10^5 cases x 20
# inputs, one thread (docs/DISCOVERY.md). The bar: at most 5 s.
$BENCH prim 100000 20 10
$BENCH floor $SC 5000
# lanes.h's draws, W runs at a time, on each instruction set this processor
# runs, against GSL's scalar draws (taus2 and the ziggurat) one at a time;
# then the Poisson and negative binomial alternatives (docs/LANES.md).
$BENCH lanes

# The lockstep model (lockstep.h, docs/LOCKSTEP.md), blocks of 16 runs on
# one thread, against model.c run by run and the plain GSL draws.
$BENCH lockstep $SC 2000 16
$BENCH threads $SC 100000
for n in 10000 100000; do
    printf "memory, %s runs: " $n
    $BENCH rss $BIN run $SC -n $n -j 2 -q --no-charts -o "$OUT/m$n"
done
printf "the bar, 10^6 runs with -j2 (at most 60 s, under 100 MB): "
$BENCH rss $BIN run $SC -n 1000000 -j 2 -q --no-charts -o "$OUT/big"
# The engine alone, 10^6 runs with -j2, with the lockstep model and with
# model.c, one after the other, and their ratio (docs/LOCKSTEP.md).
lk=$($BENCH engine $SC 1000000 2 lockstep)
md=$($BENCH engine $SC 1000000 2 model)
echo "$lk"
echo "$md"
echo "$lk $md" | awk '{ for (i = 1; i <= NF; i++) if ($i == "s,") t[++n] = $(i - 1)
    printf "  model.c / lockstep, 10^6 runs with -j2: %.2fx\n", t[2] / t[1] }'
# 10^6 runs with -j2 against the last build whose engine ran model.c run by
# run (commit 3042775, built from git into build/ref-3042775 when this is a
# git checkout), the two timed alternately, twice each, the faster of each
# kept. The bar: at least 2.5x.
REF=3042775
if [ -x build/ref-$REF/bin/foresight ] || { git rev-parse -q --verify "$REF^{commit}" >/dev/null 2>&1 &&
        rm -rf build/ref-$REF && mkdir -p build/ref-$REF &&
        git archive $REF | tar -x -C build/ref-$REF &&
        make -C build/ref-$REF -j2 bin/foresight >"$OUT/ref.log" 2>&1; }; then
    echo "10^6 runs of $SC with -j2, against the build of $REF (alternated, best of 2 each)"
    for i in 1 2; do
        o=$($BENCH rss build/ref-$REF/bin/foresight run $SC -n 1000000 -j 2 -q --no-charts -o "$OUT/ref")
        n=$($BENCH rss $BIN run $SC -n 1000000 -j 2 -q --no-charts -o "$OUT/new")
        echo "  $REF: $o"
        echo "  now:     $n"
        echo "$o $n"
    done | tee "$OUT/refs.txt" | grep -v '^wall'
    grep '^wall' "$OUT/refs.txt" | awk '{ if (NR == 1 || $2 < a) a = $2; if (NR == 1 || $11 < b) b = $11 }
        END { printf "  best: %s %.2f s, now %.2f s: %.2fx faster (bar: at least 2.5x)\n", "'$REF'", a, b, a / b }'
else
    echo "10^6 runs against $REF: skipped (not a git checkout holding $REF, or its build failed)"
fi
# foresight compare with common random numbers against its runs made
# apart: two scenarios, 100000 runs each, with -j2, alternated, best of 3
# (enhanced_sharing.cfg names the baseline as its own: not here, so that
# each runs its own runs only).
# The bar: at most 1.1x.
echo "compare: $SC and scenarios/enhanced_sharing.cfg, 100000 runs each, -j2 (best of 3 alternated)"
for i in 1 2 3; do
    c=$($BENCH rss $BIN compare $SC scenarios/enhanced_sharing.cfg -n 100000 -j 2 -q --no-charts --set baseline= -o "$OUT/cmp")
    a=$($BENCH rss $BIN run $SC -n 100000 -j 2 -q --no-charts -o "$OUT/cmpa")
    b=$($BENCH rss $BIN run scenarios/enhanced_sharing.cfg -n 100000 -j 2 -q --no-charts --set baseline= -o "$OUT/cmpb")
    echo "$c $a $b"
done | awk '{ c = $2; r = $11 + $20; if (NR == 1 || c < bc) bc = c; if (NR == 1 || r < br) br = r }
    END { printf "  compare %.2f s, the two runs apart %.2f s: compare / runs = %.2fx (bar: at most 1.1x)\n", bc, br, bc / br }'
# The sweep's overhead: a Sobol design, N = 256 and 6 parameters (2048
# points, plus 13 one-at-a-time points) at 200 runs per point, against the
# same number of plain runs of the baseline. The bar: at most 1.1x.
echo "sweep: scenarios/sweeps/uncertainties.cfg, Sobol N=256, 6 parameters, 2048 points x 200 runs"
sweep=$($BENCH rss $BIN sweep scenarios/sweeps/uncertainties.cfg -q -j 2 --no-charts -o "$OUT/sweep")
echo "  sweep:            $sweep"
plain=$($BENCH rss $BIN run $SC -n 409600 -j 2 -q --no-charts -o "$OUT/plain")
echo "  409600 plain runs: $plain"
echo "$sweep $plain" | awk '{ printf "  sweep / plain runs = %.2f (bar: at most 1.1)\n", $2 / $11 }'
# report.html: what writing it adds to a default run (PNG charts, the
# scenario's 2000 runs), against the same run with --no-report; five of
# each, interleaved, the fastest of each counted. The bar: at most 10%.
echo "report.html: a default run of $SC with and without it (fastest of 5 each, interleaved)"
for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    $BIN run $SC -q -o "$OUT/rep"
    t1=$(date +%s.%N)
    $BIN run $SC -q --no-report -o "$OUT/norep"
    t2=$(date +%s.%N)
    echo "$t0 $t1 $t2"
done | awk '{ a = $2 - $1; b = $3 - $2; if (NR == 1 || a < ma) ma = a; if (NR == 1 || b < mb) mb = b }
    END { printf "  with report.html %.2f s, without %.2f s: +%.1f%% (bar: at most 10%%)\n", ma, mb, 100 * (ma / mb - 1) }'
echo "  report.html: $(wc -c < "$OUT/rep/report.html") bytes (bar: under 2 MB)"
# MPI: the same sweep on 1 rank and on 2 ranks (one thread each), with
# the points handed out dynamically (the default) and statically. Each
# rank reports its share's time; their spread is the partition's
# imbalance (the slowest rank against the mean).
if $BIN --version | grep -q "MPI)" && command -v mpirun >/dev/null 2>&1; then
    ROOT=""
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    LV="sweep scenarios/sweeps/levers.cfg -j 1 --no-charts"
    echo "MPI: scenarios/sweeps/levers.cfg (896 design + 11 one-at-a-time points x 200 runs), one thread per rank"
    one=$($BENCH rss "$(command -v mpirun)" $ROOT -np 1 $BIN $LV -q -o "$OUT/mpi1")
    echo "  1 rank:                     $one"
    for p in dynamic static; do
        two=$($BENCH rss "$(command -v mpirun)" $ROOT -np 2 $BIN $LV --partition $p -o "$OUT/mpi2$p" 2>"$OUT/ranks$p.txt")
        echo "  2 ranks, $p partition: $two"
        echo "$one $two" | awk '{ printf "    speed-up of 2 ranks against 1: %.2fx\n", $2 / $11 }'
        grep "rank [0-9]* of" "$OUT/ranks$p.txt" | sort | sed 's/^foresight: /    /'
        grep "rank [0-9]* of" "$OUT/ranks$p.txt" | awk '{ t[NR] = $(NF-1); s += t[NR]; if (t[NR] > m) m = t[NR] }
            END { if (NR) printf "    imbalance: slowest rank %.2f s against a mean of %.2f s (+%.1f%%)\n", m, s / NR, 100 * (m * NR / s - 1) }'
    done
else
    echo "MPI: skipped (built without MPI, or no mpirun)"
fi
# mpi_pair FILE OUT RESULT COMMAND...: COMMAND (a foresight command line
# with -o left off) on 1 rank and on 2 ranks, one thread each, alternated
# three times; the best wall time of each (other work on the machine only
# slows a run down), their ratio against the bar of 1.8x, and whether the
# two wrote the same RESULT file.
mpi_pair() {
    file=$1 out=$2 result=$3 own=${OWN_TIME:-}
    shift 3
    if ! $BIN --version | grep -q "MPI)" || ! command -v mpirun >/dev/null 2>&1; then
        echo "MPI: skipped (built without MPI, or no mpirun)"
        return
    fi
    ROOT=""
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    echo "MPI: $file, one thread per rank, best of 3 alternated"
    best1="" best2=""
    for i in 1 2 3; do
        one=$($BENCH rss "$(command -v mpirun)" $ROOT --oversubscribe -np 1 $BIN "$@" -j 1 -q --no-charts -o "$OUT/${out}1")
        echo "  1 rank:  $one"
        two=$($BENCH rss "$(command -v mpirun)" $ROOT --oversubscribe -np 2 $BIN "$@" -j 1 -q --no-charts -o "$OUT/${out}2")
        echo "  2 ranks: $two"
        best1=$(echo "$one $best1" | awk '{ print ($10 == "" || $2 < $10) ? $2 : $10 }')
        best2=$(echo "$two $best2" | awk '{ print ($10 == "" || $2 < $10) ? $2 : $10 }')
    done
    echo "$best1 $best2" | awk '{ printf "  best: 1 rank %.2f s, 2 ranks %.2f s; speed-up of 2 ranks against 1: %.2fx (bar: at least 1.8x)\n", $1, $2, $1 / $2 }'
    # A command that says how long it took ("... in 4.8 s, ..."): the same
    # pair timed inside the command, without mpirun's start and stop.
    if [ -n "$own" ]; then
        in1="" in2=""
        for i in 1 2 3; do
            t1=$(mpirun $ROOT --oversubscribe -np 1 $BIN "$@" -j 1 --no-charts -o "$OUT/${out}1" 2>&1 | sed -n 's/.* in \([0-9.]*\) s, written.*/\1/p')
            t2=$(mpirun $ROOT --oversubscribe -np 2 $BIN "$@" -j 1 --no-charts -o "$OUT/${out}2" 2>&1 | sed -n 's/.* in \([0-9.]*\) s, written.*/\1/p')
            in1=$(echo "$t1 $in1" | awk '{ print ($2 == "" || $1 < $2) ? $1 : $2 }')
            in2=$(echo "$t2 $in2" | awk '{ print ($2 == "" || $1 < $2) ? $1 : $2 }')
        done
        echo "$in1 $in2" | awk '{ printf "  timed inside the command, best of 3: 1 rank %.1f s, 2 ranks %.1f s; speed-up %.2fx (bar: at least 1.8x)\n", $1, $2, $1 / $2 }'
    fi
    cmp -s "$OUT/${out}1/$result" "$OUT/${out}2/$result" && echo "  $result: the same bytes"
}
# The search's own work (sorting, crowding, breeding, the archive, the
# hypervolume) against the time of the runs it evaluates, on the shipped
# search. The bar: at most 5%.
$BENCH optimize scenarios/searches/cheapest_mix.cfg 2
# MPI: the shipped search on 1 rank and on 2 ranks.
mpi_pair scenarios/searches/cheapest_mix.cfg opt pareto.csv optimize scenarios/searches/cheapest_mix.cfg
# The calibration's own work (proposals, weights, the kernel, the
# checkpoint) against the runs it spends, on the shipped calibration. The
# bar: at most 5%.
$BENCH calibrate scenarios/calibrations/rats_2011_2015.cfg 2
# MPI: the shipped calibration on 1 rank and on 2 ranks.
OWN_TIME=1 mpi_pair scenarios/calibrations/rats_2011_2015.cfg cal posterior.csv calibrate scenarios/calibrations/rats_2011_2015.cfg
