#!/bin/sh
# cli_dist.sh: sweeps across MPI ranks, checkpoints, kills and resumes.
# Run by tests/run.sh with FS_BIN set; prints "cli_dist: N passed, N failed".
# Every background job runs in its own process group, and every group this
# script starts is killed on exit.
. tests/lib.sh
FX=tests/fixtures/dist
trap background_cleanup EXIT
FILES="sweep.csv sweep_params.csv sweep_outputs.csv sensitivity.csv tornado.csv meta.csv sweep.md"
same_dir() {
    for f in $FILES; do
        if cmp -s "$2/$f" "$3/$f"; then ok; else bad "$1: $f differs from the uninterrupted run"; fi
    done
}
MPIRUN=""
# Not under valgrind: memcheck reports Open MPI's own allocations as
# leaks; the sanitizer suite runs these with them suppressed.
if [ -n "${FS_VALGRIND:-}" ]; then
    note "MPI runs skipped under valgrind (the sanitizer suite runs them)"
elif $BIN --version | grep -q "MPI)" && command -v mpirun >/dev/null 2>&1; then
    MPIRUN="mpirun --oversubscribe"
    [ "$(id -u)" -eq 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
    # Under the sanitizers, Open MPI's own leaks are suppressed by the
    # frames of our MPI_Init and MPI_Finalize calls, which only whole
    # stacks show (tests/lsan.supp). mpirun passes its environment on.
    [ -n "${LSAN_OPTIONS:-}" ] && MPIRUN="env LSAN_OPTIONS=$LSAN_OPTIONS:fast_unwind_on_malloc=0 $MPIRUN"
fi
HEADER=32
RECORD=60              # 4 + 2 x 3 outputs x 8 + 8 bytes
TOTAL=167              # 32 x (3 + 2) + 2 x 3 + 1 points

# procs_with TEXT: the pids of processes whose command line holds TEXT
# (read from /proc: no procps needed). One grep finds the command lines
# that hold TEXT's last word; only those are looked at in full.
procs_with() {
    for c in $(grep -lsF -- "${1##* }" /proc/[0-9]*/cmdline); do
        d=${c%/cmdline}
        if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -q -- "$1"; then echo "${d#/proc/}"; fi
    done
}


# --- the reference: one process, no interruption ---
$BIN sweep $FX/ckpt.cfg -q -j 1 --no-charts -o "$T/ref" >"$T/ref.out" 2>&1 && ok || bad "reference sweep failed: $(cat "$T/ref.out")"

# --- SIGKILL part-way, then resume with another thread count ---
start kill1 $BIN sweep $FX/ckpt.cfg -q -j 1 --no-charts -o "$T/k1"
if wait_points "$T/k1" 10; then ok; else bad "kill1: no checkpoint records appeared"; fi
kill -9 "-$PID" 2>/dev/null
wait $PID 2>/dev/null
if [ ! -e "$T/k1/sweep.csv" ]; then ok; else bad "kill1: the sweep finished before it was killed"; fi
size=$(cat "$T/k1"/checkpoint/rank-*.bin | wc -c)
if [ "$size" -lt $((HEADER + TOTAL * RECORD)) ]; then ok; else bad "kill1: checkpoint already complete"; fi
$BIN sweep $FX/ckpt.cfg -q -o "$T/k1" --no-charts >"$T/fresh.out" 2>&1
if [ $? -eq 2 ] && grep -q "unfinished sweep.*--resume" "$T/fresh.out"; then ok; else bad "a fresh sweep over an unfinished one was not refused: $(cat "$T/fresh.out")"; fi
$BIN sweep --resume "$T/k1" -q -j 2 >"$T/r1.out" 2>&1 && ok || bad "resume after SIGKILL failed: $(cat "$T/r1.out")"
same_dir "SIGKILL + resume" "$T/ref" "$T/k1"

# --- SIGINT, SIGTERM and SIGHUP: exit 130 / 143 / 129, say how to resume, resume ---
for sig in INT TERM HUP; do
    code=130
    [ $sig = TERM ] && code=143
    [ $sig = HUP ] && code=129
    start sig$sig $BIN sweep $FX/ckpt.cfg -q -j 2 --no-charts -o "$T/s$sig"
    if wait_points "$T/s$sig" 5; then ok; else bad "SIG$sig: no checkpoint records appeared"; fi
    kill -$sig $PID
    wait $PID
    got=$?
    if [ $got -eq $code ]; then ok; else bad "SIG$sig: exit $got, expected $code"; fi
    if grep -q "foresight sweep --resume $T/s$sig" "$T/sig$sig.out"; then ok; else bad "SIG$sig: no resume hint: $(cat "$T/sig$sig.out")"; fi
    if ls -A "$T/s$sig" | grep -q '\.tmp\.\|\.foresight-'; then bad "SIG$sig: temp files left"; else ok; fi
    $BIN sweep --resume "$T/s$sig" -q >"$T/rs.out" 2>&1 && ok || bad "resume after SIG$sig failed: $(cat "$T/rs.out")"
    same_dir "SIG$sig + resume" "$T/ref" "$T/s$sig"
done

# --- a changed sweep file or base scenario refuses to resume ---
mkdir -p "$T/edit/cli"
cp tests/fixtures/cli/small.cfg "$T/edit/cli/small.cfg"
mkdir -p "$T/edit/dist"
cp $FX/ckpt.cfg "$T/edit/dist/ckpt.cfg"
start edit $BIN sweep "$T/edit/dist/ckpt.cfg" -q -j 1 --no-charts -o "$T/e"
if wait_points "$T/e" 3; then ok; else bad "edit: no checkpoint records appeared"; fi
kill -9 "-$PID" 2>/dev/null
wait $PID 2>/dev/null
sed -i 's/^runs = 500;/runs = 499;/' "$T/edit/dist/ckpt.cfg"
$BIN sweep --resume "$T/e" -q >"$T/e1.out" 2>&1
if [ $? -eq 2 ] && grep -q "ckpt.cfg changed since the sweep" "$T/e1.out"; then ok; else bad "edited sweep file not refused: $(cat "$T/e1.out")"; fi
sed -i 's/^runs = 499;/runs = 500;/' "$T/edit/dist/ckpt.cfg"
sed -i 's/permeability = 0.3;/permeability = 0.31;/' "$T/edit/cli/small.cfg"
$BIN sweep --resume "$T/e" -q >"$T/e2.out" 2>&1
if [ $? -eq 2 ] && grep -q "the base scenario .*small.cfg changed" "$T/e2.out"; then ok; else bad "edited base scenario not refused: $(cat "$T/e2.out")"; fi
sed -i 's/permeability = 0.31;/permeability = 0.3;/' "$T/edit/cli/small.cfg"
$BIN sweep --resume "$T/e" -q >"$T/e3.out" 2>&1 && ok || bad "resume after undoing the edits failed: $(cat "$T/e3.out")"
same_dir "undo + resume" "$T/ref" "$T/e"
$BIN sweep --resume "$T/nowhere" -q >"$T/e4.out" 2>&1
if [ $? -eq 2 ] && grep -q "no sweep to resume" "$T/e4.out"; then ok; else bad "resume of nothing: $(cat "$T/e4.out")"; fi
# A damaged checkpoint says how to start over.
cp -r "$T/e" "$T/dmg" && : > "$T/dmg/checkpoint/rank-0.bin"
$BIN sweep --resume "$T/dmg" -q >"$T/e5.out" 2>&1
if [ $? -eq 2 ] && grep -q "rank-0.bin: not a foresight checkpoint (empty or damaged); remove $T/dmg/checkpoint to start the sweep over" "$T/e5.out"; then ok; else bad "empty checkpoint: $(cat "$T/e5.out")"; fi
echo garbage > "$T/dmg/checkpoint/resume.cfg"
$BIN sweep --resume "$T/dmg" -q >"$T/e6.out" 2>&1
if [ $? -eq 2 ] && grep -q "resume.cfg: damaged .*; remove $T/dmg/checkpoint to start the sweep over" "$T/e6.out"; then ok; else bad "damaged resume.cfg: $(cat "$T/e6.out")"; fi

# --- MPI: 2 and 3 ranks give the same bytes; a killed job resumes with
# another rank count ---
if [ -n "$MPIRUN" ]; then
    for n in 2 3; do
        $MPIRUN -np $n $BIN sweep $FX/ckpt.cfg -q -j 1 --no-charts -o "$T/mpi$n" >"$T/mpi$n.out" 2>&1 \
            && ok || bad "mpirun -np $n failed: $(tail -5 "$T/mpi$n.out")"
        same_dir "mpirun -np $n" "$T/ref" "$T/mpi$n"
        nfiles=$(ls "$T/mpi$n/checkpoint" | grep -c '^rank-')
        if [ "$nfiles" -eq $n ]; then ok; else bad "mpirun -np $n: $nfiles checkpoint files"; fi
    done
    # The static partition gives the same bytes; each rank reports its share.
    $MPIRUN -np 2 $BIN sweep $FX/ckpt.cfg -j 1 --partition static --no-charts -o "$T/mpis" >"$T/mpis.out" 2>&1 \
        && ok || bad "mpirun --partition static failed: $(tail -5 "$T/mpis.out")"
    same_dir "mpirun -np 2 --partition static" "$T/ref" "$T/mpis"
    if [ "$(grep -c 'rank [01] of 2 ran' "$T/mpis.out")" -eq 2 ]; then ok; else bad "static: rank reports: $(cat "$T/mpis.out")"; fi
    # Every point ran once, on one rank or the other.
    total=$(sed -n 's/.*rank [01] of 2 ran \([0-9]*\) points.*/\1/p' "$T/mpis.out" | awk '{ s += $1 } END { print s }')
    if [ "$total" = "$TOTAL" ]; then ok; else bad "static: the ranks ran $total points, expected $TOTAL"; fi
    start mpikill $MPIRUN -np 2 $BIN sweep $FX/ckpt.cfg -q -j 1 --no-charts -o "$T/mk"
    if wait_points "$T/mk" 10; then ok; else bad "mpikill: no checkpoint records appeared"; fi
    kill -9 "-$PID" 2>/dev/null
    wait $PID 2>/dev/null
    # Open MPI puts its ranks in process groups of their own: kill them
    # too, and wait until none is left writing to the checkpoint.
    i=0
    while [ $i -lt 300 ] && [ -n "$(procs_with "-o $T/mk")" ]; do
        kill -9 $(procs_with "-o $T/mk") 2>/dev/null
        sleep 0.1
        i=$((i + 1))
    done
    if [ -z "$(procs_with "-o $T/mk")" ]; then ok; else bad "mpikill: ranks still running after 30 s"; fi
    # Killed part-way: no results yet, so the resume below has work to do.
    if [ -e "$T/mk/sweep.csv" ]; then bad "mpikill: the sweep finished before the kill; nothing tested"; else ok; fi
    $MPIRUN -np 3 $BIN sweep --resume "$T/mk" -q -j 1 >"$T/mk.out" 2>&1 && ok || bad "resume with 3 ranks failed: $(tail -5 "$T/mk.out")"
    same_dir "mpirun kill + resume with 3 ranks" "$T/ref" "$T/mk"
elif [ -z "${FS_VALGRIND:-}" ]; then
    echo "  (MPI tests skipped: the binary is built without MPI or mpirun is missing)"
fi

finish cli_dist
