#!/bin/sh
# cli_usage.sh: what a user of the command line trips over: an interrupted
# run leaves no empty output directory behind (only the directories it made
# are removed), a run into another scenario's results says so, and typos of
# commands, --set paths and choice values get a "did you mean". Run by
# tests/run.sh with FS_BIN set; prints "cli_usage: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/cli
SMALL=$FX/small.cfg
trap 'rm -rf "$T"' EXIT

# interrupt NAME DIR WAITFOR CMD...: starts CMD in the background, waits
# until WAITFOR exists (the run is under way and has made its output
# directory), sends SIGINT; the exit code must be 130.
interrupt() {
    name=$1 waitfor=$2
    shift 2
    $BIN "$@" >"$T/out" 2>&1 &
    pid=$!
    i=0
    while [ $i -lt 1200 ] && [ ! -e "$waitfor" ]; do sleep 0.05; i=$((i + 1)); done
    if [ -e "$waitfor" ]; then ok; else bad "$name: $waitfor never appeared"; fi
    sleep 0.2
    kill -INT $pid
    wait $pid
    code=$?
    if [ "$code" -eq 130 ]; then ok; else bad "$name: exit $code, expected 130: $(cat "$T/out")"; fi
}

# --- an interrupted run removes the directories it made, and only those ---
if [ -z "${FS_VALGRIND:-}" ]; then
    interrupt "new directory" "$T/new" run $SMALL -q -n 20000000 --no-charts -o "$T/new"
    if [ -e "$T/new" ]; then bad "interrupted run left $T/new"; else ok; fi
    # Made with its parents: all of them go.
    interrupt "new parents" "$T/p1/p2/p3" run $SMALL -q -n 20000000 --no-charts -o "$T/p1/p2/p3"
    if [ -e "$T/p1" ]; then bad "interrupted run left $T/p1"; else ok; fi
    # A parent that was there stays, and so does an output directory that
    # was there, empty or not.
    mkdir -p "$T/had" "$T/empty"
    interrupt "existing parent" "$T/had/sub" run $SMALL -q -n 20000000 --no-charts -o "$T/had/sub"
    if [ -d "$T/had" ] && [ ! -e "$T/had/sub" ]; then ok; else bad "existing parent: $(ls -R "$T/had")"; fi
    interrupt "existing empty directory" "$T/empty" run $SMALL -q -n 20000000 --no-charts -o "$T/empty"
    if [ -d "$T/empty" ]; then ok; else bad "interrupted run removed the existing $T/empty"; fi
    # With --runs-csv the temp file is removed first, then the directory.
    interrupt "runs-csv" "$T/rc" run $SMALL -q -n 20000000 --runs-csv --no-charts -o "$T/rc"
    if [ -e "$T/rc" ]; then bad "interrupted run with --runs-csv left $T/rc: $(ls -A "$T/rc")"; else ok; fi
    # A comparison: its scenario subdirectories too.
    interrupt "compare" "$T/cmp" compare $SMALL $FX/small_nohit.cfg -q -n 20000000 --runs-csv --no-charts -o "$T/cmp"
    if [ -e "$T/cmp" ]; then bad "interrupted compare left $T/cmp: $(ls -A "$T/cmp")"; else ok; fi
    # A second signal stops at once, and removes it too.
    $BIN run $SMALL -q -n 20000000 --no-charts -o "$T/twice" >"$T/out" 2>&1 &
    pid=$!
    i=0
    while [ $i -lt 1200 ] && [ ! -e "$T/twice" ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.2
    kill -TERM $pid; kill -TERM $pid
    wait $pid
    code=$?
    if [ "$code" -eq 143 ]; then ok; else bad "two SIGTERMs: exit $code, expected 143"; fi
    if [ -e "$T/twice" ]; then bad "two SIGTERMs left $T/twice"; else ok; fi
    # A finished run keeps its directory, of course.
    expect "finished run" 0 "" run $SMALL -q -n 50 --no-charts -o "$T/done/run"
    if [ -f "$T/done/run/summary.csv" ]; then ok; else bad "finished run: no summary.csv"; fi
fi

# --- a run into another scenario's results says so, naming both ---
expect "first run" 0 "" run $SMALL -q -n 50 --no-charts -o "$T/out1"
$BIN run $SMALL -q -n 50 --no-charts -o "$T/out1" >"$T/out" 2>&1
if [ ! -s "$T/out" ]; then ok; else bad "the same scenario again warned: $(cat "$T/out")"; fi
expect "another scenario" 0 "warning: $T/out1 holds the results of \"cli small\"; this run of \"cli small, without the attack\" replaces them" \
    run $FX/small_nohit.cfg -q -n 50 --no-charts -o "$T/out1"
expect "a comparison over a run" 0 "holds the results of \"cli small, without the attack\"; this comparison of \"cli small\", \"cli small, without the attack\" replaces them" \
    compare $SMALL $FX/small_nohit.cfg -q -n 50 --no-charts -o "$T/out1"
expect "the same comparison" 0 "" compare $SMALL $FX/small_nohit.cfg -q -n 50 --no-charts -o "$T/out1"
if grep -q warning "$T/out"; then bad "the same comparison again warned: $(cat "$T/out")"; else ok; fi
expect "a run over a comparison" 0 "holds the results of the comparison of \"cli small\", \"cli small, without the attack\"; this run of \"cli small\" replaces them" \
    run $SMALL -q -n 50 --no-charts -o "$T/out1"
# The run took the comparison's place: no compare.csv is left to make
# `plot` take the directory for a comparison.
if [ -e "$T/out1/compare.csv" ]; then bad "a run over a comparison left compare.csv"; else ok; fi

# --- did you mean ---
expect "command typo" 2 "unknown command 'runn'; did you mean 'run'?" runn $SMALL
expect "command shortened" 2 "unknown command 'comp'; did you mean 'compare'?" comp $SMALL $SMALL
expect "command far off" 2 "unknown command 'frobnicate'; commands are: run, check, compare, sweep, discover, optimize, calibrate, plot, report, help" frobnicate
expect "help of a typo" 2 "no such command 'swep'; did you mean 'sweep'?" help swep
expect "option typo" 2 "unknown option '--verison'; did you mean '--version'?" --verison
expect "set without brackets" 2 "actors is a list; select an element by its id in brackets: did you mean actors.\[A\].capacity?" \
    check $SMALL --set actors.A.capacity=0.3
expect "set without brackets, shipped" 2 "did you mean actors.\[TJ\].capacity?" \
    run scenarios/sco_baseline.cfg --set actors.TJ.capacity=0.3 -o "$T/never"
if [ -e "$T/never" ]; then bad "a --set typo created the output directory"; else ok; fi
sed 's/type = "intel_sharing"/type = "intelligence_sharing"/' $SMALL >"$T/spelt.cfg"
expect "choice spelt out" 2 "spelt.cfg:26: mechanisms.\[share\].type: expected one of .*found a string \"intelligence_sharing\"; did you mean \"intel_sharing\"?" \
    check "$T/spelt.cfg"
sed 's/type = "border_operation"/type = "border_op"/' $SMALL >"$T/short.cfg"
expect "choice shortened" 2 "did you mean \"border_operation\"?" check "$T/short.cfg"
expect "set choice spelt out" 2 "did you mean \"joint_drill\"?" check $SMALL --set "mechanisms.[drill].type=joint_drilling"

# --- what the shell completion asks for ---
expect "help --commands" 0 "^compare$" help --commands
if [ "$($BIN help --commands | tr '\n' ' ')" = "run check compare sweep discover optimize calibrate plot report help " ]; then ok; else bad "help --commands: $($BIN help --commands | tr '\n' ' ')"; fi
expect "help --options run" 0 "^--no-effects$" help --options run
expect "help --options check" 0 "^--paths$" help --options check
if $BIN help --options check | grep -q -- "--runs"; then bad "help --options check offers --runs"; else ok; fi
expect "help --options typo" 2 "did you mean 'sweep'" help --options swep
expect "check --paths" 0 "^actors.\[A\].capacity$" check $SMALL --paths
expect "check --paths, an inject" 0 "^injects.\[hit\].casualties$" check $SMALL --paths
expect "check --paths of a bad file" 2 "spelt.cfg:26" check "$T/spelt.cfg" --paths
expect "run --paths" 2 "option '--paths' does not apply to 'foresight run'" run $SMALL --paths

finish cli_usage
