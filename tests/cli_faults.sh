#!/bin/sh
# cli_faults.sh: faults a sweep must survive without losing finished work:
# damaged checkpoints, concurrent writers, special files, limits, signals.
# Run by tests/run.sh with FS_BIN set; prints "cli_faults: N passed, N failed".
. tests/lib.sh
SMOKE=scenarios/sweeps/smoke.cfg
trap 'rm -rf "$T"' EXIT
HEADER=32
RECORD=60              # 4 + 2 x 3 outputs x 8 + 8 bytes
# flip FILE OFFSET: changes the byte at OFFSET (to 'Z', or 'Y' if it was 'Z').
flip() {
    old=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null)
    new=Z; [ "$old" = Z ] && new=Y
    printf '%s' "$new" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# resumed NAME DIR PATTERN: resumes DIR; it must exit 0, say PATTERN (empty:
# anything) and give the reference's sweep.csv byte for byte.
resumed() {
    $BIN sweep --resume "$2" -q --no-charts >"$T/out" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok; else bad "$1: resume exit $rc: $(head -3 "$T/out")"; fi
    if [ -z "$3" ] || grep -q -- "$3" "$T/out"; then ok; else bad "$1: expected '$3', got: $(head -3 "$T/out")"; fi
    same "$1: sweep.csv" "$T/ref/sweep.csv" "$2/sweep.csv"
}

# --- the reference: one uninterrupted sweep ---
expect "reference" 0 "" sweep $SMOKE -q -j 1 --no-charts -o "$T/ref"
full=$(wc -c < "$T/ref/checkpoint/rank-0.bin")
if [ "$full" -eq $((HEADER + 47 * RECORD)) ]; then ok; else bad "reference checkpoint is $full bytes"; fi

# --- a torn last record: dropped and reported, the rest kept ---
cp -r "$T/ref" "$T/torn" && rm "$T/torn/sweep.csv"
truncate -s 637 "$T/torn/checkpoint/rank-0.bin"
resumed "torn tail" "$T/torn" "rank-0.bin: dropped 1 damaged or torn checkpoint record (5 bytes); kept the 10 intact points"
# The file was rewritten before the resume appended: a second resume finds nothing to drop.
$BIN sweep --resume "$T/torn" -q --no-charts >"$T/out" 2>&1
if [ $? -eq 0 ] && ! grep -q dropped "$T/out"; then ok; else bad "second resume: $(cat "$T/out")"; fi

# --- a record torn at 44 bytes with intact records appended after it (a
# full disk, then resumes): every intact record after it is kept ---
cp -r "$T/ref" "$T/mid" && rm "$T/mid/sweep.csv"
head -c $((HEADER + 10 * RECORD + 44)) "$T/ref/checkpoint/rank-0.bin" >"$T/mid/checkpoint/rank-0.bin"
tail -c +$((HEADER + 11 * RECORD + 1)) "$T/ref/checkpoint/rank-0.bin" >>"$T/mid/checkpoint/rank-0.bin"
resumed "torn middle" "$T/mid" "dropped 1 damaged or torn checkpoint record (44 bytes); kept the 46 intact points"

# --- a flipped byte in a middle record ---
cp -r "$T/ref" "$T/flip" && rm "$T/flip/sweep.csv"
flip "$T/flip/checkpoint/rank-0.bin" $((HEADER + 20 * RECORD + 10))
if cmp -s "$T/flip/checkpoint/rank-0.bin" "$T/ref/checkpoint/rank-0.bin"; then bad "flip: the file did not change"; else ok; fi
resumed "flipped byte" "$T/flip" "dropped 1 damaged or torn checkpoint record (60 bytes); kept the 46 intact points"

# --- records of another sweep (seed 9) behind this sweep's header: the
# settings hash in every checksum refuses them ---
expect "seed 9 sweep" 0 "" sweep $SMOKE -q -j 1 --no-charts --set seed=9 -o "$T/s9"
cp -r "$T/ref" "$T/mix" && rm "$T/mix/sweep.csv"
head -c $((HEADER + 10 * RECORD)) "$T/ref/checkpoint/rank-0.bin" >"$T/mix/checkpoint/rank-0.bin"
tail -c +$((HEADER + 10 * RECORD + 1)) "$T/s9/checkpoint/rank-0.bin" >>"$T/mix/checkpoint/rank-0.bin"
resumed "another sweep's records" "$T/mix" "dropped 37 damaged or torn checkpoint records (2220 bytes); kept the 10 intact points"

finish cli_faults
