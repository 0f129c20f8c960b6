#!/bin/sh
# Runs every test binary and the command-line tests; prints one closing line
# "N passed, N failed" that sums them all. Usage: run.sh BUILD BIN [cli]
BUILD=$1
BIN=$2
ONLY=${3:-}
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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -z "$ONLY" ]; then
    # No test binaries is a broken build, never a pass.
    if ! ls "$BUILD"/tests/test_* >/dev/null 2>&1; then
        echo "run.sh: no test binaries in $BUILD/tests"
        failed=$((failed + 1))
    fi
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        rc=0
        ts=$(date +%s)
        "$t" >"$log" 2>&1 || rc=$?
        tally "$log" "$t" $rc
        echo "run.sh: ${t##*/} took $(($(date +%s) - ts)) s"
    done
fi
for s in tests/cli_*.sh; do
    [ -f "$s" ] || continue
    rc=0
    ts=$(date +%s)
    FS_BIN="$BIN" sh "$s" >"$log" 2>&1 || rc=$?
    tally "$log" "$s" $rc
    echo "run.sh: ${s##*/} took $(($(date +%s) - ts)) s"
done
# report.html in headless Chromium (tests/browser.sh), on the plain build
# only: the sanitizer build writes the same pages, which cli_report checks.
if [ -z "$ONLY" ] && [ "${BUILD#*san}" = "$BUILD" ]; then
    rc=0
    FS_BIN="$BIN" sh tests/browser.sh >"$log" 2>&1 || rc=$?
    tally "$log" tests/browser.sh $rc
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
