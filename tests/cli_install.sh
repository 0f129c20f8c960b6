#!/bin/sh
# cli_install.sh: `make install` into a temporary DESTDIR and `make
# uninstall`. The files land where GNU conventions put them; the installed
# binary runs from any directory; foresight(1) renders without a warning and
# names every command and option the program has; the bash completion loads
# and completes a command, an option and a --set path. Run by tests/run.sh
# with FS_BIN set (the binary installed); prints "cli_install: N passed, N
# failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
BINPATH=${FS_BIN:-bin/foresight}
ROOT=$(pwd)
D=$T/dest
P=/opt/fs
VERSION=$(cat VERSION)

# --- make install with PREFIX and DESTDIR ---
if make --no-print-directory -s install DESTDIR="$D" PREFIX=$P INSTALL_BIN="$BINPATH" >"$T/out" 2>&1; then ok; else bad "make install: $(tail -5 "$T/out")"; fi
for f in bin/foresight share/man/man1/foresight.1 share/bash-completion/completions/foresight \
         share/doc/foresight/README.md share/doc/foresight/SCENARIO.md share/doc/foresight/MODEL.md \
         share/doc/foresight/examples/scenarios/sco_baseline.cfg \
         share/doc/foresight/examples/scenarios/common/sco_region.cfg \
         share/doc/foresight/examples/scenarios/sweeps/levers.cfg; do
    if [ -f "$D$P/$f" ]; then ok; else bad "make install: no $P/$f"; fi
done
if [ -x "$D$P/bin/foresight" ]; then ok; else bad "the installed binary is not executable"; fi
# Nothing outside PREFIX.
if [ "$(ls -A "$D")" = "opt" ] && [ "$(ls -A "$D/opt")" = "fs" ]; then ok; else bad "make install wrote outside $P: $(ls -A "$D")"; fi
# The man page and data files are not executable.
if [ -n "$(find "$D$P/share" -type f -perm /111)" ]; then bad "executable data files: $(find "$D$P/share" -type f -perm /111)"; else ok; fi

# --- the installed binary, from another directory ---
IB=$D$P/bin/foresight
mkdir -p "$T/work"
cp tests/fixtures/cli/small.cfg "$T/work/tiny.cfg"
mkdir -p "$T/work/sw"
printf 'name = "s";\nbase = "../tiny.cfg";\nparameters = ( { path = "dynamics.tau"; lo = 0.1; hi = 0.2; } );\n' >"$T/work/sw/levers.cfg"
(cd "$T/work" && "$IB" --version) >"$T/out" 2>&1 && grep -q "^foresight $VERSION " "$T/out" && ok || bad "installed --version: $(cat "$T/out")"
(cd "$T/work" && "$IB" --help) >"$T/out" 2>&1 && grep -q "usage: foresight COMMAND" "$T/out" && ok || bad "installed --help: $(cat "$T/out")"
(cd "$T/work" && "$IB" help run) >"$T/out" 2>&1 && grep -q -- "--runs-csv" "$T/out" && ok || bad "installed help run: $(cat "$T/out")"
(cd "$T/work" && "$IB" run tiny.cfg -n 40 -q --size 800x500) >"$T/out" 2>&1 && ok || bad "installed run: $(cat "$T/out")"
for f in summary.csv briefing.md threat_index.png; do
    if [ -s "$T/work/plots/tiny/$f" ]; then ok; else bad "installed run: no plots/tiny/$f"; fi
done
# The installed examples run where they are (their includes resolve).
(cd "$T/work" && "$IB" check "$D$P/share/doc/foresight/examples/scenarios/crocus_attack.cfg") >"$T/out" 2>&1 \
    && grep -q "crocus_attack.cfg: OK" "$T/out" && ok || bad "installed example: $(tail -3 "$T/out")"

# --- foresight(1) ---
MAN=$D$P/share/man/man1/foresight.1
if grep -q "@VERSION@\|@DOCDIR@" "$MAN"; then bad "man page placeholders left"; else ok; fi
grep -q "^\.TH FORESIGHT 1 .*\"foresight $VERSION\"" "$MAN" && ok || bad "man page .TH has no version $VERSION"
grep -q "$P/share/doc/foresight/SCENARIO.md" "$MAN" && ok || bad "man page does not name the installed docs"
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" >"$T/out" 2>&1
    if [ $? -eq 0 ] && [ ! -s "$T/out" ]; then ok; else bad "groff warns: $(head -5 "$T/out")"; fi
    groff -man -Tutf8 "$MAN" 2>/dev/null | sed 's/.\x08//g' >"$T/man.txt"
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
        grep -q "^$s" "$T/man.txt" && ok || bad "man page has no $s section"
    done
else
    bad "groff is not installed (.ci/deps.sh installs groff-base)"
fi
if command -v mandoc >/dev/null 2>&1; then
    mandoc -Tlint "$MAN" >"$T/out" 2>&1
    if [ ! -s "$T/out" ]; then ok; else bad "mandoc -Tlint: $(head -5 "$T/out")"; fi
else
    bad "mandoc is not installed (.ci/deps.sh installs it)"
fi
# Every command has its subsection, every option its entry (the tag line
# after a .TP in OPTIONS): a command or option added to the program and
# not to docs/foresight.1 fails here.
awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") } in_opts && tag { print; tag = 0 }
     in_opts && /^\.TP/ { tag = 1 }' "$MAN" | sed 's/\\-/-/g; s/"//g' >"$T/tags"
for c in $("$IB" help --commands); do
    grep -q "^\.SS $c\b" "$MAN" && ok || bad "man page: no subsection for command '$c'"
    for o in $("$IB" help --options "$c"); do
        grep -q -- "$o\([^a-z-]\|$\)" "$T/tags" && ok || bad "man page: option $o of '$c' has no entry in OPTIONS"
    done
done
for code in 0 1 2 130 143; do
    grep -A1 "^\.TP" "$MAN" | grep -q "^\.B $code$" && ok || bad "man page: exit status $code not listed"
done

# --- bash completion ---
if command -v bash >/dev/null 2>&1; then
    cat >"$T/comp.bash" <<'EOS'
source "$1" || exit 3
complete -p foresight >/dev/null || exit 4
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _foresight; echo "${COMPREPLY[*]}"; }
t foresight ru
t foresight com
t foresight run tiny.cfg --no-e
t foresight run tiny.cfg --set actors.[A].cap
t foresight run -n 5 tiny.cfg --set = injects.[hit].cas
t foresight run tiny.cfg --format ""
t foresight help sw
t foresight sweep sw/levers.cfg --set dynamics.ta
EOS
    (cd "$T/work" && PATH="$D$P/bin:$PATH" bash "$T/comp.bash" "$D$P/share/bash-completion/completions/foresight") >"$T/out" 2>&1
    code=$?
    if [ $code -eq 0 ]; then ok; else bad "completion script did not load (exit $code): $(cat "$T/out")"; fi
    printf '%s\n' "run" "compare" "--no-effects" "actors.[A].capacity=" "injects.[hit].casualties= injects.[hit].casualties_per_attack=" \
        "png pdf svg" "sweep" "dynamics.tau=" >"$T/want"
    if cmp -s "$T/out" "$T/want"; then ok; else bad "completion: got $(tr '\n' '|' <"$T/out"), expected $(tr '\n' '|' <"$T/want")"; fi
fi

# --- make uninstall ---
if make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=$P >"$T/out" 2>&1; then ok; else bad "make uninstall: $(tail -5 "$T/out")"; fi
left=$(find "$D" -type f)
if [ -z "$left" ]; then ok; else bad "make uninstall left: $left"; fi
# Without the docs.
if make --no-print-directory -s install DESTDIR="$T/nodoc" prefix=/usr INSTALL_DOCS=0 INSTALL_BIN="$BINPATH" >"$T/out" 2>&1; then ok; else bad "make install INSTALL_DOCS=0: $(tail -5 "$T/out")"; fi
if [ -f "$T/nodoc/usr/bin/foresight" ] && [ ! -e "$T/nodoc/usr/share/doc" ]; then ok; else bad "INSTALL_DOCS=0: $(find "$T/nodoc" -type f | tr '\n' ' ')"; fi
cd "$ROOT"

finish cli_install
