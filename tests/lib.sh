# lib.sh: the harness the command-line tests share (sourced, not run).
# Sets BIN (under valgrind when FS_VALGRIND is set) and T (a temp directory
# the caller removes), counts passed and failed checks, and ends with
# "NAME: N passed, N failed" through finish.
BIN=${FS_BIN:-bin/foresight}
if [ -n "${FS_VALGRIND:-}" ]; then
    BIN="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp $BIN"
fi
T=$(mktemp -d)
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "  FAIL $1"; }
note() { echo "  note: $1"; }

# expect NAME CODE PATTERN CMD...: runs $BIN CMD...; its exit code must be
# CODE and its output must match the grep pattern PATTERN (empty: any); a
# crash or a sanitizer report fails it too.
expect() {
    name=$1 code=$2 pat=$3
    shift 3
    $BIN "$@" >"$T/out" 2>&1
    got=$?
    if [ "$got" -ne "$code" ]; then
        bad "$name: exit $got, expected $code"; sed 's/^/    /' "$T/out" | head -5; return
    fi
    if [ -n "$pat" ] && ! grep -q -- "$pat" "$T/out"; then
        bad "$name: output does not match '$pat'"; sed 's/^/    /' "$T/out" | head -5; return
    fi
    if grep -q "Sanitizer\|: runtime error:\|Segmentation fault\|Aborted\|^==[0-9]*==" "$T/out"; then
        bad "$name: crashed or a sanitizer reported"; sed 's/^/    /' "$T/out" | head -5; return
    fi
    ok
}

# same NAME FILE1 FILE2: identical bytes.
same() { if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; fi; }

# start NAME CMD...: runs CMD in the background in a new process group,
# its pid in PID and its output in $T/NAME.out; background_cleanup (the
# caller's EXIT trap) kills every group started.
GROUPS_STARTED=""
start() {
    name=$1
    shift
    setsid "$@" >"$T/$name.out" 2>&1 &
    PID=$!
    GROUPS_STARTED="$GROUPS_STARTED $PID"
}
background_cleanup() {
    for g in $GROUPS_STARTED; do kill -9 "-$g" 2>/dev/null; done
    rm -rf "$T"
}

# wait_points DIR N: waits (at most 30 s) until the checkpoints of DIR hold
# at least N points (records of RECORD bytes after a HEADER-byte header).
wait_points() {
    i=0
    while [ $i -lt 300 ]; do
        size=$(cat "$1"/checkpoint/rank-*.bin 2>/dev/null | wc -c)
        if [ "$size" -ge $((HEADER + $2 * RECORD)) ]; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# finish NAME: the closing line, and the exit status.
finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
