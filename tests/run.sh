#!/bin/sh
# Runs every test binary and the command-line tests; prints one closing line
# "N passed, N failed" that sums them all. Usage: run.sh BUILD BIN [cli]
BUILD=$1
BIN=$2
ONLY=${3:-}
passed=0
failed=0
tally() {
    # Reads "...: N passed, N failed" lines from a log and adds them up.
    p=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p' "$1" | awk '{s+=$1} END {print s+0}')
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
        if ! "$t" >"$log" 2>&1; then
            cat "$log"
            grep -q ' passed, ' "$log" || failed=$((failed + 1))
        else
            grep ' passed, ' "$log"
        fi
        tally "$log"
    done
fi
for s in tests/cli_*.sh; do
    [ -f "$s" ] || continue
    if ! FS_BIN="$BIN" sh "$s" >"$log" 2>&1; then
        cat "$log"
        grep -q ' passed, ' "$log" || failed=$((failed + 1))
    else
        grep ' passed, ' "$log"
    fi
    tally "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
