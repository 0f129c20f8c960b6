#!/bin/sh
# Runs every test binary and the command-line tests; prints one closing line
# "N passed, N failed" that sums them all. Usage: run.sh BUILD BIN [cli]
#
# Two tests run at a time (FS_TEST_JOBS, default 2: CI's machines have two
# cores), each into a log of its own; the logs are printed in the one fixed
# order below whatever order the tests finish in, so the output and the
# closing line are the same as one at a time. The tests listed in SOLO run
# alone, after the others, with nothing beside them: cli_hostile.sh's
# address-space limits (ulimit -v) and its signals timed against chart
# drawing need a machine that is not busy with another test. Temporary
# files go to a tmpfs when there is a roomy one and TMPDIR is not set:
# the tests write and sync thousands of small files, and on a disk the
# syncs are much of their time.
BUILD=$1
BIN=$2
ONLY=${3:-}
JOBS=${FS_TEST_JOBS:-2}
SOLO="cli_hostile.sh"
# Started first (the longest), so that the two lanes end together.
FIRST="test_oom browser.sh cli_dist.sh cli_commit.sh cli_run.sh cli_faults.sh test_calibrate_coverage"
passed=0
failed=0
# tally LOG NAME STATUS: adds up the "...: N passed, N failed" lines of LOG.
# A test that exits non-zero is a failure even when its lines count none
# (a crash after the summary, a sanitizer's leak report at exit).
tally() {
    p=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p' "$1" | awk '{s+=$1} END {print s+0}')
    if [ "$3" -ne 0 ]; then
        cat "$1"
        if [ "$f" -eq 0 ]; then
            echo "run.sh: $2 exited with status $3 but reported no failure; counted as one"
            f=1
        fi
    else
        grep ' passed, ' "$1"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}
W=$(mktemp -d)
lanes=""
trap 'rm -rf "$W"' EXIT
# Interrupted: stop the lanes and the tests they run with SIGTERM, as
# Ctrl-C stops the whole process group (a lane's children ignore SIGINT,
# as background jobs do), then remove the temporary files.
trap 'trap "" INT TERM; kill -TERM 0 2>/dev/null; exit 130' INT TERM
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge 2097152 ] 2>/dev/null &&
   TMPDIR=$(mktemp -d /dev/shm/foresight-tests.XXXXXX); then
    # Open to all, sticky, as /tmp is (cli_hostile runs some tests as nobody).
    chmod 1777 "$TMPDIR"
    export TMPDIR
    trap 'rm -rf "$W" "$TMPDIR"' EXIT
fi

# The tests, in the order their logs are printed.
tests=""
if [ -z "$ONLY" ]; then
    # No test binaries is a broken build, never a pass.
    if ! ls "$BUILD"/tests/test_* >/dev/null 2>&1; then
        echo "run.sh: no test binaries in $BUILD/tests"
        failed=$((failed + 1))
    fi
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] && tests="$tests $t"
    done
fi
for s in tests/cli_*.sh; do
    [ -f "$s" ] && tests="$tests $s"
done
# report.html in headless Chromium (tests/browser.sh), on the plain build
# only: the sanitizer build writes the same pages, which cli_report checks.
if [ -z "$ONLY" ] && [ "${BUILD#*san}" = "$BUILD" ]; then
    tests="$tests tests/browser.sh"
fi

solo() { case " $SOLO " in *" ${1##*/} "*) return 0 ;; esac; return 1; }

# one TEST: runs it into $W/NAME.log; NAME.time gets its seconds, and
# NAME.rc, written last, its exit status.
one() {
    n=${1##*/}
    rc=0
    ts=$(date +%s)
    case $n in
    test_*) "$1" >"$W/$n.log" 2>&1 || rc=$? ;;
    *) FS_BIN="$BIN" sh "$1" >"$W/$n.log" 2>&1 || rc=$? ;;
    esac
    echo $(($(date +%s) - ts)) >"$W/$n.time"
    echo $rc >"$W/$n.rc.tmp" && mv "$W/$n.rc.tmp" "$W/$n.rc"
}

# lane N: runs every test not in SOLO that no other lane has taken (mkdir
# is the claim), the FIRST ones first; then marks itself done.
lane() {
    for t in $first $tests; do
        solo "$t" && continue
        mkdir "$W/claim.${t##*/}" 2>/dev/null || continue
        one "$t"
    done
    : >"$W/lane.$1.done"
}
first=""
for f in $FIRST; do
    for t in $tests; do
        [ "${t##*/}" = "$f" ] && first="$first $t"
    done
done
i=0
while [ $i -lt "$JOBS" ]; do
    lane $i &
    lanes="$lanes $!"
    i=$((i + 1))
done

# report TEST: waits for its status, then prints its lines and its time.
report() {
    n=${1##*/}
    while [ ! -e "$W/$n.rc" ]; do
        all_done=1
        i=0
        while [ $i -lt "$JOBS" ]; do
            [ -e "$W/lane.$i.done" ] || all_done=0
            i=$((i + 1))
        done
        if [ $all_done -eq 1 ] && [ ! -e "$W/$n.rc" ]; then
            echo "run.sh: $1 did not run"
            failed=$((failed + 1))
            return
        fi
        sleep 1
    done
    tally "$W/$n.log" "$1" "$(cat "$W/$n.rc")"
    echo "run.sh: $n took $(cat "$W/$n.time") s"
}
for t in $tests; do
    solo "$t" && continue
    report "$t"
done
wait
# The solo tests, one at a time, nothing else running; printed last.
for t in $tests; do
    solo "$t" || continue
    one "$t"
    report "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
