#!/bin/sh
# cli_readme.sh: README.md is for users and stays true. It starts with the
# two commands of the quick start, has a section for every command the
# program lists, shows charts that exist and links documents that exist,
# gives performance as ratios with the command that reproduces them (the
# method in docs/PERFORMANCE.md), and tells no history: no work sessions,
# machines, dated measurements, latest changes or things tried and dropped.
# Run by tests/run.sh with FS_BIN set; prints "cli_readme: N passed, N
# failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
R=README.md

# section NAME: the lines of README's "## NAME" section.
section() { awk -v h="## $1" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$R"; }

# --- quick start: the two commands, first ---
section "Quick start" >"$T/qs"
grep -q "^ *make run " "$T/qs" && ok || bad "Quick start does not give 'make run'"
grep -q "^ *make check " "$T/qs" && ok || bad "Quick start does not give 'make check'"
first=$(grep -n "^## " "$R" | head -1 | cut -d: -f2-)
if [ "$first" = "## Quick start" ]; then ok; else bad "the first section is '$first', not Quick start"; fi

# --- a section per command, under "## Commands" ---
section "Commands" >"$T/cmds"
if [ -s "$T/cmds" ]; then ok; else bad "README has no '## Commands' section"; fi
for c in $($BIN help --commands); do
    [ "$c" = help ] && continue
    grep -q "^### $c\$" "$T/cmds" && ok || bad "README's Commands have no '### $c' section"
    grep -q "^| \`$c " "$T/cmds" && ok || bad "README's command table has no row for '$c'"
done

# --- the charts and documents it shows exist ---
for f in $(grep -o '](\([^)#]*\))' "$R" | sed 's/^](//; s/)$//' | grep -v '^https\?:'); do
    if [ -e "$f" ]; then ok; else bad "README links $f, which does not exist"; fi
done
n=$(grep -c '^!\[' "$R")
if [ "$n" -ge 3 ] && [ "$n" -le 8 ]; then ok; else bad "README shows $n charts, expected a few (3 to 8)"; fi
for d in docs/*.md; do
    grep -q "]($d)" "$R" && ok || bad "README does not link $d"
done

# --- performance: ratios, the command, the method elsewhere ---
section "Performance" >"$T/perf"
grep -q "make bench" "$T/perf" && ok || bad "Performance does not name make bench"
grep -q "docs/PERFORMANCE.md" "$T/perf" && ok || bad "Performance does not link docs/PERFORMANCE.md"
rows=$(grep -c '^| .* | [0-9.]*x\( to [0-9.]*x\)\? |$' "$T/perf")
if [ "$rows" -ge 3 ]; then ok; else bad "Performance has $rows rows of ratios"; fi
if grep -q '[0-9] *\(s\|us\|ms\|seconds\) \|runs per second\|runs/s' "$T/perf"; then
    bad "Performance gives times, not ratios: $(grep '[0-9] *\(s\|us\|ms\) \|runs per second' "$T/perf" | head -2)"
else ok; fi
if [ "$(section Performance | wc -l)" -le 20 ]; then ok; else bad "the Performance section is $(section Performance | wc -l) lines; keep it short"; fi
grep -q "make bench" docs/PERFORMANCE.md && ok || bad "docs/PERFORMANCE.md does not name make bench"

# --- no history, in README and docs/PERFORMANCE.md ---
for f in "$R" docs/PERFORMANCE.md; do
    if grep -n -i "session\|\bVM\b\|virtual machine\|latest changes\|the latest\|tried and dropped\|earlier sessions\|previous session\|20[0-9][0-9]-[01][0-9]-[0-3][0-9]\|commit [0-9a-f]\{7\}" "$f" >"$T/hist"; then
        bad "$f tells history: $(head -3 "$T/hist" | tr '\n' ' ')"
    else
        ok
    fi
done

finish cli_readme
