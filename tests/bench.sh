#!/bin/sh
# make bench: the performance figures the issues ask for. Timings, not tests.
set -e
BIN=${1:-bin/foresight}
BENCH=build/plain/bench
SC=scenarios/sco_baseline.cfg
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "== foresight bench on $(nproc) cores, $SC =="
$BENCH floor $SC 2000
$BENCH threads $SC 100000
for n in 10000 100000; do
    printf "memory, %s runs: " $n
    $BENCH rss $BIN run $SC -n $n -j 2 -q --no-charts -o "$OUT/m$n"
done
printf "the bar, 10^6 runs with -j2 (at most 60 s, under 100 MB): "
$BENCH rss $BIN run $SC -n 1000000 -j 2 -q --no-charts -o "$OUT/big"
# The sweep's overhead: a Sobol design, N = 256 and 6 parameters (2048
# points, plus 13 one-at-a-time points) at 200 runs per point, against the
# same number of plain runs of the baseline. The bar: at most 1.2x.
echo "sweep: scenarios/sweeps/uncertainties.cfg, Sobol N=256, 6 parameters, 2048 points x 200 runs"
sweep=$($BENCH rss $BIN sweep scenarios/sweeps/uncertainties.cfg -q -j 2 --no-charts -o "$OUT/sweep")
echo "  sweep:            $sweep"
plain=$($BENCH rss $BIN run $SC -n 409600 -j 2 -q --no-charts -o "$OUT/plain")
echo "  409600 plain runs: $plain"
echo "$sweep $plain" | awk '{ printf "  sweep / plain runs = %.2f (bar: at most 1.2)\n", $2 / $11 }'
# MPI: the same sweep on 1 rank and on 2 ranks (one thread each). The
# ranks share the points statically (every K-th); each rank reports its
# share's time, and their spread measures what a dynamic hand-out could
# still gain (at most max/mean - 1 of the wall time).
if $BIN --version | grep -q "MPI)" && command -v mpirun >/dev/null 2>&1; then
    ROOT=""
    [ "$(id -u)" -eq 0 ] && ROOT=--allow-run-as-root
    echo "MPI: scenarios/sweeps/levers.cfg (896 points x 200 runs), one thread per rank"
    one=$($BENCH rss "$(command -v mpirun)" $ROOT -np 1 $BIN sweep scenarios/sweeps/levers.cfg -q -j 1 --no-charts -o "$OUT/mpi1")
    echo "  1 rank:  $one"
    two=$($BENCH rss "$(command -v mpirun)" $ROOT -np 2 $BIN sweep scenarios/sweeps/levers.cfg -j 1 --no-charts -o "$OUT/mpi2" 2>"$OUT/ranks.txt")
    echo "  2 ranks: $two"
    echo "$one $two" | awk '{ printf "  speed-up of 2 ranks against 1: %.2fx\n", $2 / $11 }'
    grep "rank [0-9]* of" "$OUT/ranks.txt" | sort | sed 's/^foresight: /  /'
    grep "rank [0-9]* of" "$OUT/ranks.txt" | awk '{ t[NR] = $(NF-1); s += t[NR]; if (t[NR] > m) m = t[NR] }
        END { if (NR) printf "  static partition: slowest rank %.2f s, mean %.2f s, imbalance %.1f%%\n", m, s / NR, 100 * (m * NR / s - 1) }'
else
    echo "MPI: skipped (built without MPI, or no mpirun)"
fi
