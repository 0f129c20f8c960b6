#!/bin/sh
# cli_faults.sh: faults a sweep must survive without losing finished work:
# damaged checkpoints, concurrent writers, special files, limits, signals.
# Run by tests/run.sh with FS_BIN set; prints "cli_faults: N passed, N failed".
. tests/lib.sh
SMOKE=scenarios/sweeps/smoke.cfg
trap background_cleanup EXIT
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

# --- too few file descriptors: the points run and the outputs, written
# one file at a time into the staging directory, are all written (the
# lock, the checkpoint and one output file at a time fit in 5) ---
if [ -z "${FS_VALGRIND:-}" ]; then
    (ulimit -n 5; exec $BIN sweep $SMOKE -q -j 2 --no-charts -o "$T/fd") >"$T/fd.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok; else bad "ulimit -n 5: exit $rc, expected 0: $(head -3 "$T/fd.out")"; fi
    size=$(cat "$T/fd/checkpoint/rank-0.bin" 2>/dev/null | wc -c)
    if [ "$size" -eq "$full" ]; then ok; else bad "ulimit -n 5: the checkpoint holds $size bytes, expected all $full: $(head -3 "$T/fd.out")"; fi
    same "ulimit -n 5: sweep.csv" "$T/ref/sweep.csv" "$T/fd/sweep.csv"
    # With 4 the checkpoint cannot even be read: exit 1, said, and nothing
    # finished is lost (there is nothing yet).
    (ulimit -n 4; exec $BIN sweep $SMOKE -q -j 2 --no-charts -o "$T/fd4") >"$T/fd4.out" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q "Too many open files" "$T/fd4.out"; then ok; else bad "ulimit -n 4: exit $rc, expected 1 with the reason: $(head -3 "$T/fd4.out")"; fi
else
    note "ulimit -n test skipped under valgrind"
fi

# --- an output failure after the points: the sweep exits 1 saying so,
# checkpoint/ keeps every point, and --resume writes the outputs without
# running a point again (the checkpoint is the same bytes before and
# after). Two faults that strike only once the points are done: a file
# size limit between the checkpoint's size and the largest output's
# (SIGXFSZ ignored, so a write fails with EFBIG, as on a full disk), and a
# file where the commit's directory goes. ---
# kept NAME DIR: DIR's checkpoint holds all 47 points; resuming it writes
# the reference's sweep.csv and leaves the checkpoint as it was.
kept() {
    size=$(cat "$2/checkpoint/rank-0.bin" 2>/dev/null | wc -c)
    if [ "$size" -eq "$full" ]; then ok; else bad "$1: the checkpoint holds $size bytes, expected all $full"; fi
    cp "$2/checkpoint/rank-0.bin" "$T/before.bin" 2>/dev/null
    resumed "$1" "$2" ""
    same "$1: checkpoint after --resume (no point run again)" "$T/before.bin" "$2/checkpoint/rank-0.bin"
}
if [ -z "${FS_VALGRIND:-}" ] && command -v prlimit >/dev/null 2>&1; then
    limit=$(( (full + 511) / 512 * 512 ))
    largest=$(ls -l "$T/ref" | awk '$1 ~ /^-/ && $5 > m { m = $5 } END { print m + 0 }')
    if [ "$largest" -gt "$limit" ]; then
        (trap '' XFSZ; exec prlimit --fsize=$limit $BIN sweep $SMOKE -q -j 2 --no-charts -o "$T/fsz") >"$T/fsz.out" 2>&1
        rc=$?
        if [ $rc -eq 1 ] && grep -q "File too large; every finished point is kept in .*/checkpoint: finish it with 'foresight sweep --resume" "$T/fsz.out"; then ok
        else bad "file size limit $limit: exit $rc, expected 1 naming the file and the checkpoint: $(head -3 "$T/fsz.out")"; fi
        if ls "$T/fsz" | grep -q '\.csv$\|\.md$'; then bad "file size limit: outputs were left: $(ls "$T/fsz")"; else ok; fi
        kept "file size limit" "$T/fsz"
    else
        note "file size test skipped: no output is larger than the checkpoint ($full bytes)"
    fi
else
    note "file size test skipped (valgrind, or no prlimit)"
fi
mkdir -p "$T/inway" && : >"$T/inway/.foresight-commit"
expect "a file in the commit's way" 1 "cannot be finished: .*Not a directory; every finished point is kept in .*inway/checkpoint" sweep $SMOKE -q -j 2 --no-charts -o "$T/inway"
rm "$T/inway/.foresight-commit"
kept "a file in the commit's way" "$T/inway"

# --- an @include edited while a sweep runs: every point uses the files as
# they were when the sweep began ---
mkdir -p "$T/inc"
cp tests/fixtures/faults/*.cfg "$T/inc/"
expect "include reference" 0 "" sweep "$T/inc/long.cfg" -q -j 1 --no-charts -o "$T/incref"
start incedit $BIN sweep "$T/inc/long.cfg" -q -j 1 --no-charts -o "$T/incedit"
if wait_points "$T/incedit" 3; then ok; else bad "include edit: no checkpoint records appeared"; fi
sed -i 's/permeability = 0.3;/permeability = 0.9;/' "$T/inc/borders.cfg"
wait $PID
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "include edit: exit $rc: $(head -3 "$T/incedit.out")"; fi
for f in sweep.csv sensitivity.csv tornado.csv; do same "include edited mid-sweep: $f" "$T/incref/$f" "$T/incedit/$f"; done
# The same for a base that extends another scenario (a variant): the
# extended file and its include are read once too, and removing the
# extended file part-way changes nothing.
expect "extended reference" 0 "" sweep "$T/inc/long_delta.cfg" -q -j 1 --no-charts -o "$T/extref"
start extedit $BIN sweep "$T/inc/long_delta.cfg" -q -j 1 --no-charts -o "$T/extedit"
if wait_points "$T/extedit" 3; then ok; else bad "extended edit: no checkpoint records appeared"; fi
sed -i 's/permeability = 0.9;/permeability = 0.3;/' "$T/inc/borders.cfg"
mv "$T/inc/base.cfg" "$T/inc/base.cfg.away"
wait $PID
rc=$?
mv "$T/inc/base.cfg.away" "$T/inc/base.cfg"
sed -i 's/permeability = 0.3;/permeability = 0.9;/' "$T/inc/borders.cfg"
if [ $rc -eq 0 ]; then ok; else bad "extended base edited and moved away: exit $rc: $(head -3 "$T/extedit.out")"; fi
for f in sweep.csv sensitivity.csv tornado.csv; do same "extended base edited mid-sweep: $f" "$T/extref/$f" "$T/extedit/$f"; done
# A resume checks the hash of the base as resolved, includes and all.
start inckill $BIN sweep "$T/inc/long.cfg" -q -j 1 --no-charts -o "$T/inckill"
if wait_points "$T/inckill" 3; then ok; else bad "include kill: no checkpoint records appeared"; fi
kill -9 "-$PID" 2>/dev/null
wait $PID 2>/dev/null
sed -i 's/permeability = 0.9;/permeability = 0.3;/' "$T/inc/borders.cfg"
expect "resume after an include edit" 2 "the base scenario .*base.cfg changed since the sweep" sweep --resume "$T/inckill" -q --no-charts

# --- SIGHUP (a closed terminal) stops a run as SIGTERM does: exit 129, a
# message, and no temp file or lock left ---
if [ -z "${FS_VALGRIND:-}" ]; then
    start hup $BIN run tests/fixtures/cli/small.cfg -q -n 20000000 -o "$T/hup" --runs-csv --no-charts
    # Wait until the run is under way (its staging directory exists, so
    # the handlers are in place): up to a minute on a slow machine.
    i=0
    while [ $i -lt 1200 ] && ! ls -A "$T/hup" 2>/dev/null | grep -q '\.foresight-stage'; do sleep 0.05; i=$((i + 1)); done
    if [ $i -lt 1200 ]; then ok; else bad "SIGHUP: the run did not get under way in a minute"; fi
    kill -HUP $PID
    wait $PID
    code=$?
    if [ "$code" -eq 129 ]; then ok; else bad "SIGHUP: exit $code, expected 129"; fi
    if [ -z "$(ls -A "$T/hup" 2>/dev/null)" ]; then ok; else bad "SIGHUP left files: $(ls -A "$T/hup")"; fi
    if grep -q "interrupted" "$T/hup.out"; then ok; else bad "SIGHUP: no message: $(cat "$T/hup.out")"; fi
fi

# --- FIFOs and devices where a file is expected: refused at once, never
# waited on (each under a timeout, so that a regression fails, not hangs) ---
# refused NAME PATTERN ARGS...: $BIN ARGS exits 2 within 60 s saying PATTERN.
refused() {
    name=$1 pat=$2
    shift 2
    timeout 60 $BIN "$@" >"$T/out" 2>&1
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$T/out"; then ok; else bad "$name: exit $rc, expected 2 and '$pat': $(head -3 "$T/out")"; fi
}
F="$T/fifo"
mkdir -p "$F"
cp tests/fixtures/faults/*.cfg "$F/"
mkfifo "$F/pipe.cfg"
refused "check a FIFO" "pipe.cfg: is not a regular file, expected a scenario" check "$F/pipe.cfg"
refused "run a FIFO" "pipe.cfg: is not a regular file, expected a scenario" run "$F/pipe.cfg" -q --no-charts -o "$T/fo"
refused "sweep file a FIFO" "pipe.cfg: is not a regular file, expected a sweep file" sweep "$F/pipe.cfg" -q --no-charts -o "$T/fo"
sed 's/^base = "base.cfg";/base = "pipe.cfg";/' "$F/long.cfg" >"$F/pipebase.cfg"
refused "sweep base a FIFO" "pipe.cfg: is not a regular file, expected a scenario" sweep "$F/pipebase.cfg" -q --no-charts -o "$T/fo"
sed 's/^name = "cli small";/name = "cli small"; baseline = "pipe.cfg";/' "$F/base.cfg" >"$F/withbase.cfg"
refused "baseline a FIFO (check)" "pipe.cfg: is not a regular file" check "$F/withbase.cfg"
refused "baseline a FIFO (run)" "pipe.cfg: is not a regular file" run "$F/withbase.cfg" -q --no-charts -o "$T/fo"
rm "$F/borders.cfg" && mkfifo "$F/borders.cfg"
refused "@include a FIFO (check)" "borders.cfg.*is not a regular file" check "$F/base.cfg"
refused "@include a FIFO (sweep)" "borders.cfg.*is not a regular file" sweep "$F/long.cfg" -q --no-charts -o "$T/fo"
cp -r "$T/ref" "$T/fck" && rm "$T/fck/checkpoint/rank-0.bin" && mkfifo "$T/fck/checkpoint/rank-0.bin"
refused "checkpoint file a FIFO" "rank-0.bin is a FIFO, expected a checkpoint file" sweep --resume "$T/fck" -q --no-charts
cp -r "$T/ref" "$T/frs" && rm "$T/frs/checkpoint/resume.cfg" && mkfifo "$T/frs/checkpoint/resume.cfg"
refused "resume.cfg a FIFO" "resume.cfg is a FIFO, expected a sweep's resume.cfg" sweep --resume "$T/frs" -q --no-charts

# --- plot DIR reads only regular files of a size the run could have
# written, with one row per key ---
expect "run to plot" 0 "" run tests/fixtures/cli/small.cfg -q --no-charts -n 20 -o "$T/pr"
# plotted NAME DIR: a copy of the run directory to damage.
plotted() { rm -rf "$T/$1" && cp -r "$T/pr" "$T/$1"; }
plotted pz && rm "$T/pz/timeseries.csv" && ln -s /dev/zero "$T/pz/timeseries.csv"
refused "plot: timeseries.csv -> /dev/zero" "timeseries.csv is a character device, expected a foresight CSV file" plot "$T/pz"
plotted pf && rm "$T/pf/timeseries.csv" && mkfifo "$T/pf/timeseries.csv"
refused "plot: timeseries.csv a FIFO" "timeseries.csv is a FIFO, expected a foresight CSV file" plot "$T/pf"
plotted pb && truncate -s 65M "$T/pb/timeseries.csv"
refused "plot: a 65 MiB timeseries.csv" "timeseries.csv is 68157440 bytes, more than a foresight CSV file can be (67108864)" plot "$T/pb"
plotted pd && tail -n +2 "$T/pr/timeseries.csv" >>"$T/pd/timeseries.csv"
refused "plot: timeseries.csv rows twice" "timeseries.csv:$(($(wc -l < "$T/pr/timeseries.csv") + 1)): a second row for step 0, metric threat_index, scope region (the first is on line 2)" plot "$T/pd"
plotted pa && sed -n 2p "$T/pr/actors.csv" >>"$T/pa/actors.csv"
refused "plot: actors.csv row twice" "actors.csv:.*: a second row for actor A, metric" plot "$T/pa"
# sweep.csv: bounded by the points meta.csv gives, one row per point.
rm -rf "$T/ps" && cp -r "$T/ref" "$T/ps"
sed -n 3p "$T/ref/sweep.csv" >>"$T/ps/sweep.csv"
refused "plot: sweep.csv point twice" "sweep.csv:42: a second row for point 1 (the first is on line 3)" plot "$T/ps"
rm -rf "$T/ps2" && cp -r "$T/ref" "$T/ps2"
awk 'NR > 1 { rows = rows $0 "\n" } END { for (i = 0; i < 1000; i++) printf "%s", rows }' "$T/ref/sweep.csv" >>"$T/ps2/sweep.csv"
refused "plot: sweep.csv beyond its points" "sweep.csv is .* bytes, more than a foresight CSV file can be" plot "$T/ps2"
expect "plot: the undamaged sweep" 0 "" plot "$T/ref" -o "$T/refplot"

# --- work and memory guards: refused before anything is allocated or run
# (timeout: a sweep that starts fails instead of running for years) ---
timeout 60 $BIN sweep tests/fixtures/faults/long_work.cfg -q --no-charts -o "$T/work" >"$T/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "long_work.cfg: 3000005 points x 100000000 runs x 24 steps x 4 actors x (1 threats + 2) is 8.6e+16 units of work, more than the limit of 1e+13" "$T/out"; then ok; else bad "3 million points x 10^8 runs: exit $rc: $(head -3 "$T/out")"; fi
if [ ! -e "$T/work" ]; then ok; else bad "the refused sweep created its directory"; fi
mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
if [ "$mem_kb" -lt 48000000 ]; then
    timeout 60 $BIN sweep tests/fixtures/faults/huge.cfg -q --no-charts -o "$T/mem" >"$T/out" 2>&1
    rc=$?
    if [ $rc -eq 2 ] && grep -q "huge.cfg: 10000129 points would need about 24.2 GiB of memory (2600 bytes a point" "$T/out"; then ok; else bad "10 million points x 64 parameters: exit $rc: $(head -3 "$T/out")"; fi
else
    note "memory guard test skipped: this machine has more than 48 GB of memory"
fi

# --- one writer per output directory ---
# A sweep holds its directory: a second sweep, a run and a plot into it are
# refused with exit 1 naming the holder; the first finishes untouched.
start holder $BIN sweep "$T/inc/long.cfg" -q -j 1 --no-charts -o "$T/lk"
if wait_points "$T/lk" 3; then ok; else bad "lock: no checkpoint records appeared"; fi
expect "second sweep into a held directory" 1 "$T/lk is in use by another foresight writer (pid $PID: .*foresight sweep $T/inc/long.cfg" \
    sweep $SMOKE -q --no-charts -o "$T/lk"
expect "a run into a sweep's directory" 1 "$T/lk is in use by another foresight writer (pid $PID:" \
    run tests/fixtures/cli/small.cfg -q --no-charts -n 20 -o "$T/lk"
expect "plot into a sweep's directory" 1 "$T/lk is in use by another foresight writer" plot "$T/incref" -o "$T/lk"
wait $PID
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "lock holder: exit $rc: $(head -3 "$T/holder.out")"; fi
for f in sweep.csv sensitivity.csv tornado.csv meta.csv; do same "lock holder's $f" "$T/incref/$f" "$T/lk/$f"; done
if [ ! -e "$T/lk/runs.csv" ] && [ ! -e "$T/lk/summary.csv" ]; then ok; else bad "the refused run wrote into the sweep's directory"; fi
if [ ! -e "$T/lk/.foresight.lock" ]; then ok; else bad "the lock file stayed after a clean exit"; fi
# A run holds its directory against a sweep as well.
start runholder $BIN run tests/fixtures/cli/small.cfg -q --no-charts -n 200000 -j 1 -o "$T/lr"
i=0; while [ ! -e "$T/lr/.foresight.lock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect "a sweep into a run's directory" 1 "$T/lr is in use by another foresight writer (pid $PID: .*foresight run" \
    sweep $SMOKE -q --no-charts -o "$T/lr"
kill -9 "-$PID" 2>/dev/null
wait $PID 2>/dev/null
# A holder killed by SIGKILL leaves its lock file, not its lock.
expect "sweep after a killed holder" 0 "" sweep $SMOKE -q --no-charts -o "$T/lr"
same "sweep after a killed holder: sweep.csv" "$T/ref/sweep.csv" "$T/lr/sweep.csv"
# Two sweeps (seeds 7 and 9) started at the same instant, five times: each
# exits 0 or 1 (refused), and what the directory holds is one sweep's whole.
n=0
while [ $n -lt 5 ]; do
    d="$T/race$n"
    $BIN sweep $SMOKE -q --no-charts -o "$d" >"$T/ra.out" 2>&1 &
    pa=$!
    $BIN sweep $SMOKE -q --no-charts --set seed=9 -o "$d" >"$T/rb.out" 2>&1 &
    pb=$!
    wait $pa; ra=$?
    wait $pb; rb=$?
    if { [ $ra -eq 0 ] || [ $ra -eq 1 ]; } && { [ $rb -eq 0 ] || [ $rb -eq 1 ]; } && [ $((ra + rb)) -le 1 ]; then ok
    else bad "race $n: exits $ra and $rb: $(cat "$T/ra.out" "$T/rb.out" | head -4)"; fi
    seed=$(awk -F, '$1 == "seed" { print $2 }' "$d/meta.csv")
    want="$T/ref"; [ "$seed" = 9 ] && want="$T/s9"
    same "race $n: sweep.csv of seed $seed" "$want/sweep.csv" "$d/sweep.csv"
    n=$((n + 1))
done

finish cli_faults
