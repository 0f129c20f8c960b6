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

# finish NAME: the closing line, and the exit status.
finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
