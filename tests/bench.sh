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
