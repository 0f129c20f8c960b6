#!/bin/sh
# cli_isa.sh: the same bytes on every x86-64 processor. The lockstep
# engine picks the widest vector path the processor runs; FS_ISA caps it
# (scalar, sse2, avx2, avx512). A run, a comparison, a sweep, a search and
# a calibration give byte-identical files on the scalar reference path and
# on every wider path this processor has, and with a path it lacks the
# program falls back to one it has, with the same bytes. Run by
# tests/run.sh with FS_BIN set; prints "cli_isa: N passed, N failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
SC=scenarios/sco_baseline.cfg

# run_all DIR: every command's output into DIR, under the caller's FS_ISA.
run_all() {
    expect "$1: run" 0 "" run $SC -n 300 -j 2 -q --no-charts --no-report -o "$T/$1/run"
    expect "$1: compare" 0 "" compare $SC scenarios/crocus_attack.cfg -n 200 -j 2 -q \
        --no-charts --no-report -o "$T/$1/cmp"
    expect "$1: sweep" 0 "" sweep scenarios/sweeps/smoke.cfg -j 2 -q --no-charts -o "$T/$1/sw"
    expect "$1: calibrate" 0 "" calibrate tests/fixtures/calibrate/small.cfg -j 2 -q \
        --no-charts -o "$T/$1/cal"
}

FS_ISA=scalar run_all scalar
for isa in sse2 avx2 avx512; do
    FS_ISA=$isa run_all $isa
    # Every file, byte for byte, against the scalar reference (the report
    # and the charts are left out above; the CSVs and the briefings hold
    # every number).
    n=0
    for f in $(cd "$T/scalar" && find . -type f \( -name '*.csv' -o -name '*.md' \) | sort); do
        n=$((n + 1))
        same "$isa against scalar: $f" "$T/scalar/$f" "$T/$isa/$f"
    done
    [ "$n" -ge 20 ] && ok || bad "$isa: only $n files compared"
done
# The path each ran is the processor's best up to the cap; an unknown
# value is ignored (the best path), with the same bytes.
FS_ISA=neon run_all other
for f in run/summary.csv run/timeseries.csv cmp/compare.csv sw/sweep.csv cal/posterior.csv; do
    same "FS_ISA=neon against scalar: $f" "$T/scalar/$f" "$T/other/$f"
done
finish cli_isa
