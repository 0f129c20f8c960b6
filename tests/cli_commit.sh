#!/bin/sh
# cli_commit.sh: a run's and a comparison's files change in their output
# directory all at once. FS_TEST_COMMIT_KILL=N (sim/outset.c, tests only)
# kills the process with SIGKILL at the Nth step of the commit; at every N
# the directory must hold the whole earlier set or (once `plot`, a reader,
# has finished the commit) the whole new one, the user's own file untouched
# and no temp file left. Then what dead processes left is cleaned up.
# Run by tests/run.sh with FS_BIN set; prints "cli_commit: N passed, N failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
S=tests/fixtures/cli/small.cfg
S2=tests/fixtures/cli/small_sharing.cfg

# snap DIR: the name and checksum of every table, briefing and scenario
# file, in DIR and its subdirectories (charts and the user's file aside),
# one line "NAME CRC SIZE" each, sorted by name; one cksum for them all.
snap() {
    (cd "$1" && find . -path './.foresight-*' -prune -o -type f \( -name '*.csv' -o -name '*.md' -o -name '*.cfg' \) -exec cksum {} + |
        awk '{ print $3, $1, $2 }' | LC_ALL=C sort)
}
# leftovers DIR: anything of an unfinished commit or a temp file.
leftovers() { find "$1" -name '.foresight-*' -o -name '*.tmp.*' | head -3; }

# killed_at NAME OLD NEW N CMD...: copies OLD to $T/d, runs CMD into it
# killed at step N; returns 1 when the command finished instead (N is past
# the last step). Checks the directory before and after `plot` reads it.
killed_at() {
    name=$1 old=$2 new=$3 n=$4
    shift 4
    rm -rf "$T/d"
    cp -r "$old" "$T/d"
    echo "the user's own file" >"$T/d/notes.txt"
    FS_TEST_COMMIT_KILL=$n $BIN "$@" -o "$T/d" --quiet --no-charts >"$T/out" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] && return 1
    if [ "$rc" -ne 137 ]; then
        bad "$name step $n: exit $rc, expected 137 (killed)"; head -3 "$T/out"; return 0
    fi
    # Before the rename that commits, the earlier set is untouched.
    if [ ! -e "$T/d/.foresight-commit" ]; then
        snap "$T/d" >"$T/now"
        if cmp -s "$T/now" "$old.snap"; then ok; else bad "$name step $n: not the old set before the commit"; fi
    fi
    # A reader finishes the commit: then the directory is one whole set.
    # (Small charts: snap leaves charts aside, and drawing them at the
    # default 1600x1000 is most of a step's time.)
    if ! $BIN plot "$T/d" --size 320x200 >"$T/out" 2>&1; then
        bad "$name step $n: plot failed"; head -3 "$T/out"; return 0
    fi
    snap "$T/d" >"$T/now"
    if cmp -s "$T/now" "$old.snap" || cmp -s "$T/now" "$new.snap"; then ok
    else bad "$name step $n: neither the old nor the new set"; diff "$T/now" "$new.snap" | head -4; fi
    if [ "$(cat "$T/d/notes.txt")" = "the user's own file" ]; then ok; else bad "$name step $n: the user's file changed"; fi
    if [ -z "$(leftovers "$T/d")" ]; then ok; else bad "$name step $n: left $(leftovers "$T/d")"; fi
    return 0
}

# every_step NAME OLD NEW MIN CMD...: killed_at for N = 1, 2, ... 12,
# then every fifth step (the removals of stale charts, alike), until the
# command finishes; at least MIN steps must have been killed.
every_step() {
    name=$1 old=$2 new=$3 min=$4
    shift 4
    n=1
    while [ $n -lt 400 ] && killed_at "$name" "$old" "$new" $n "$@"; do
        if [ $n -lt 12 ]; then n=$((n + 1)); else n=$((n + 5)); fi
    done
    if [ $((n - 1)) -ge "$min" ]; then ok; else bad "$name: only $((n - 1)) steps in the commit window, expected $min or more"; fi
    snap "$T/d" >"$T/now"
    if cmp -s "$T/now" "$new.snap"; then ok; else bad "$name: the finished run is not the new set"; fi
}

# A run: the old set has runs.csv (--runs-csv), the new one not.
$BIN run $S -s 1 --runs-csv -o "$T/old" --quiet --no-charts >/dev/null 2>&1
$BIN run $S -s 9 -o "$T/new" --quiet --no-charts >/dev/null 2>&1
snap "$T/old" >"$T/old.snap"
snap "$T/new" >"$T/new.snap"
if grep -q '^./runs.csv' "$T/old.snap" && ! grep -q '^./runs.csv' "$T/new.snap"; then ok; else bad "run: the two sets are not as this test expects"; fi
every_step run "$T/old" "$T/new" 15 run $S -s 9

# A comparison: both scenarios' subdirectories and compare.csv together.
$BIN compare $S $S2 -s 1 -o "$T/cold" --quiet --no-charts >/dev/null 2>&1
$BIN compare $S $S2 -s 9 -o "$T/cnew" --quiet --no-charts >/dev/null 2>&1
snap "$T/cold" >"$T/cold.snap"
snap "$T/cnew" >"$T/cnew.snap"
for n in 1 2 7 15 27; do
    killed_at compare "$T/cold" "$T/cnew" $n compare $S $S2 -s 9 || bad "compare: finished before step $n"
done

# What dead processes left is removed by the next run; a live process's
# temp file and the user's own files are not.
sh -c 'exit 0' &
dead=$!
wait $dead
rm -rf "$T/d"
mkdir -p "$T/d/sub" "$T/d/.foresight-stage.$dead"
for f in summary.csv.tmp.$dead sub/trust.png.tmp.$dead .foresight-stage.$dead/meta.csv \
         summary.csv.tmp.$$ notes.txt.tmp.$dead; do
    echo x >"$T/d/$f"
done
expect "cleanup: run" 0 "" run $S -o "$T/d" --quiet --no-charts
for f in summary.csv.tmp.$dead sub/trust.png.tmp.$dead .foresight-stage.$dead; do
    if [ ! -e "$T/d/$f" ]; then ok; else bad "cleanup: $f of a dead process is still there"; fi
done
for f in summary.csv.tmp.$$ notes.txt.tmp.$dead; do
    if [ -e "$T/d/$f" ]; then ok; else bad "cleanup: $f was removed"; fi
done

# plot of a directory whose unfinished commit it cannot finish says so.
rm -rf "$T/d"
cp -r "$T/old" "$T/d"
FS_TEST_COMMIT_KILL=3 $BIN run $S -s 9 -o "$T/d" --quiet --no-charts >/dev/null 2>&1
if [ "$(id -u)" -ne 0 ]; then
    chmod a-w "$T/d"
    expect "plot: read-only unfinished commit" 1 "commit a killed process left unfinished" plot "$T/d"
    chmod u+w "$T/d"
fi

finish cli_commit
