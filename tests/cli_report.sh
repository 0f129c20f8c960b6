#!/bin/sh
# cli_report.sh: report.html from run, compare, sweep, report and plot:
# written beside the files, self-contained, every chart placed with a
# text alternative, scenario text escaped, atomic, under 2 MB, the same
# bytes from `foresight report DIR` as from the run. Run by tests/run.sh
# with FS_BIN set; prints "cli_report: N passed, N failed". The page in a
# real browser is tests/browser.sh's.
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
HOST=tests/fixtures/report/hostile.cfg
SMALL=tests/fixtures/cli/small.cfg
mkdir -p "$T/tmp"
export TMPDIR="$T/tmp"

# count PATTERN FILE: the lines of FILE matching the extended PATTERN.
count() { grep -c -E -- "$1" "$2" 2>/dev/null || true; }

# has NAME WANT PATTERN FILE: WANT lines match.
has() { n=$(count "$3" "$4"); [ "$n" -eq "$2" ] && ok || bad "$1: $n lines match '$3' in $4, expected $2"; }
# some NAME PATTERN FILE: at least one line matches.
some() { n=$(count "$2" "$3"); [ "$n" -gt 0 ] && ok || bad "$1: no line matches '$2' in $3"; }

# --- a run writes it, and `report DIR` writes the same bytes ---
expect "run writes a report" 0 "" run "$SMALL" -n 60 -q -o "$T/run"
[ -s "$T/run/report.html" ] && ok || bad "run: no report.html"
cp "$T/run/report.html" "$T/first.html"
expect "report DIR" 0 "" report "$T/run"
same "report DIR gives the run's bytes" "$T/first.html" "$T/run/report.html"
expect "report -o" 0 "" report "$T/run" -o "$T/elsewhere"
same "report -o writes there" "$T/first.html" "$T/elsewhere/report.html"
# One figure per chart the run drew, each with its text alternative, and
# none left over at the end: each sits under its sentence.
charts=$(ls "$T/run"/*.png | wc -l)
has "a figure per chart" "$charts" '^<figure id="fig[0-9]+">' "$T/run/report.html"
has "an alternative per chart" "$charts" '<figcaption id="fig[0-9]+-alt">[^<]*[0-9]' "$T/run/report.html"
has "an svg per chart" "$charts" '^<svg role="img" aria-labelledby="fig[0-9]+-alt"' "$T/run/report.html"
has "no chart left unplaced" 0 'More charts' "$T/run/report.html"
has "ids are unique per chart" 0 'id="glyph' "$T/run/report.html"
# The key tables are HTML tables: the outcomes with intervals first.
has "outcome table" 1 '<tr><th>outcome</th><th class="num">probability</th><th>95% interval</th>' "$T/run/report.html"
has "footer checksum" 1 'scenario.resolved.cfg</code> SHA-256 <code>[0-9a-f]{64}</code>' "$T/run/report.html"
sum=$(sha256sum "$T/run/scenario.resolved.cfg" | cut -c1-64)
has "the checksum is the file's" 1 "$sum" "$T/run/report.html"
has "footer command" 1 '<code>foresight run scenario.resolved.cfg -n 60 -s 7 -o again</code>' "$T/run/report.html"
# Self-contained: nothing fetched from anywhere.
has "no external resource" 0 '(src|href)="(https?:)?//|<link |<script|@import|url\((https?:)?//' "$T/run/report.html"
[ -z "$(ls -A "$T/tmp")" ] && ok || bad "temporary chart directory left: $(ls "$T/tmp")"
[ -z "$(ls "$T/run" | grep '\.tmp\.')" ] && ok || bad "temp file left in the run directory"

# --- a default run's report is under 2 MB ---
expect "default-size run" 0 "" run scenarios/sco_baseline.cfg -n 100 -q -o "$T/base"
size=$(wc -c < "$T/base/report.html")
[ "$size" -lt 2000000 ] && ok || bad "the baseline's report is $size bytes, not under 2 MB"

# --- scenario text is text: names, description, question, inject label ---
expect "hostile run" 0 "" run "$HOST" -n 40 -q -o "$T/host"
H="$T/host/report.html"
has "no script element" 0 '<script' "$H"
has "no img element" 0 '<img' "$H"
has "no iframe element" 0 '<iframe' "$H"
has "no svg onload" 0 '<svg onload' "$H"
has "no markup from the description" 0 '<b>bold|<em>markup|<u>' "$H"
has "no javascript link" 0 'href="javascript' "$H"
has "the name shown as text" 1 '<title>Briefing: &lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;</title>' "$H"
has "the link shown as text" 1 '\[a link\]\(javascript:alert\(3\)\)' "$H"
has "the heading shown as text, escaped once" 1 '<h1>Briefing: &lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;</h1>' "$H"
some "the actor's name escaped in a caption" '<figcaption[^>]*>[^<]*&lt;svg onload=alert\(4\)&gt;' "$H"
has "the inject's label escaped in the effects table" 1 '<tr><td>&lt;img src=y onerror=alert\(5\)&gt;</td><td>mass_casualty' "$H"

# --- --no-charts: no report, and an earlier one is not left stale ---
expect "no-charts" 0 "" run "$SMALL" -n 60 -q -o "$T/run" --no-charts
[ ! -e "$T/run/report.html" ] && ok || bad "--no-charts left report.html"
expect "no-report" 0 "" run "$SMALL" -n 60 -q -o "$T/nr" --no-report
[ -e "$T/nr/threat_index.png" ] && [ ! -e "$T/nr/report.html" ] && ok || bad "--no-report: charts but no report expected"
expect "plot writes it" 0 "" plot "$T/run"
same "plot DIR writes the run's report" "$T/first.html" "$T/run/report.html"

# --- a comparison: its page links each scenario's own page ---
expect "compare" 0 "" compare "$SMALL" "$HOST" -n 40 -q -o "$T/cmp"
for d in "$T/cmp" "$T/cmp/small" "$T/cmp/hostile"; do
    [ -s "$d/report.html" ] && ok || bad "compare: no $d/report.html"
done
has "compare figures" 3 '^<figure id="fig[0-9]+">' "$T/cmp/report.html"
has "compare links" 2 '^<li><a href="(small|hostile)/report.html">' "$T/cmp/report.html"
has "compare escapes names" 0 '<script|<img' "$T/cmp/report.html"
has "compare outcome table" 1 '<tr><th>scenario</th><th>Escalation</th>' "$T/cmp/report.html"
cp "$T/cmp/report.html" "$T/cmp1.html"
expect "report of a compare" 0 "" report "$T/cmp"
same "report DIR of a compare" "$T/cmp1.html" "$T/cmp/report.html"

# --- a sweep: each output's charts in its section, with the Sobol table ---
expect "sweep" 0 "" sweep scenarios/sweeps/smoke.cfg -q -o "$T/sw"
charts=$(ls "$T/sw"/*.png | wc -l)
has "sweep figures" "$charts" '^<figure id="fig[0-9]+">' "$T/sw/report.html"
has "sweep: none unplaced" 0 'More charts' "$T/sw/report.html"
some "sensitivity table" '<th>parameter</th><th>kind</th><th class="num">S1 \(95% interval\)</th>' "$T/sw/report.html"

# --- a discovery: its charts under its sentences, boxes.csv as a table ---
# A small CSV whose file and column names are markup: a planted box
# (first column below 0.3, second above 0.6).
CSV="$T/<i>cases.csv"
awk 'BEGIN { print "<img src=x onerror=alert(6)>,x2,y";
    for (i = 0; i < 200; i++) { a = (i * 37 % 200) / 200; b = (i * 91 % 200) / 200;
        print a "," b "," (a < 0.3 && b > 0.6 ? 1 : 0) } }' > "$CSV"
expect "discover writes a report" 0 "" discover "$CSV" --output y --above 0.5 -q -o "$T/disc"
D="$T/disc/report.html"
[ -s "$D" ] && ok || bad "discover: no report.html"
charts=$(ls "$T/disc"/*.png | wc -l)
has "discover: a figure per chart" "$charts" '^<figure id="fig[0-9]+">' "$D"
has "discover: an alternative per chart" "$charts" '<figcaption id="fig[0-9]+-alt">[^<]*[0-9]' "$D"
has "discover: none unplaced" 0 'More charts' "$D"
# The trade-off right under the count of cases, the limits under box 1's sentence.
n=$(grep -n 'cases explored (' "$D" | head -1 | cut -d: -f1)
sed -n "$((n + 1))p" "$D" | grep -q '^<figure id="fig1">' && ok || bad "discover: the trade-off is not under the count of cases"
n=$(grep -n 'happens in' "$D" | head -1 | cut -d: -f1)
sed -n "$((n + 1))p" "$D" | grep -q '^<figure id="fig2">' && ok || bad "discover: the limits are not under box 1's sentence"
some "discover: boxes table" '<caption>The boxes found, input by input \(boxes.csv\)</caption>' "$D"
has "discover: no external resource" 0 '(src|href)="(https?:)?//|<link |<script|@import|url\((https?:)?//' "$D"
has "discover: no markup from the names" 0 '<img|<i>' "$D"
some "discover: the column name escaped" '&lt;img src=x onerror=alert\(6\)&gt;' "$D"
has "discover: the title escaped" 1 '<title>When does it go wrong\? &lt;i&gt;cases.csv</title>' "$D"
has "discover: footer command" 1 '<code>foresight discover .*--output y --above 0.5 --inputs .*-s 1 -o again</code>' "$D"
sum=$(sha256sum "$CSV" | cut -c1-64)
has "discover: the source's checksum" 1 "$sum" "$D"
cp "$D" "$T/disc1.html"
expect "report of a discovery" 0 "" report "$T/disc"
same "report DIR of a discovery" "$T/disc1.html" "$D"
expect "plot of a discovery" 0 "" plot "$T/disc"
same "plot DIR of a discovery" "$T/disc1.html" "$D"
expect "discover --no-charts" 0 "" discover "$CSV" --output y --above 0.5 -q -o "$T/disc2" --no-charts
[ ! -e "$T/disc2/report.html" ] && ok || bad "discover --no-charts wrote report.html"
# A sweep with a discovery section: its report holds the discovery.
expect "sweep with a discovery" 0 "" sweep tests/fixtures/sweepfiles/discover.cfg -q -o "$T/swd"
charts=$(ls "$T/swd"/*.png | wc -l)
has "sweep+discovery: a figure per chart" "$charts" '^<figure id="fig[0-9]+">' "$T/swd/report.html"
has "sweep+discovery: none unplaced" 0 'More charts' "$T/swd/report.html"
some "sweep+discovery: boxes table" '<caption>The boxes found' "$T/swd/report.html"
n=$(grep -n '^<h2>When does it go wrong' "$T/swd/report.html" | cut -d: -f1)
m=$(grep -n 'figcaption[^>]*>Coverage' "$T/swd/report.html" | cut -d: -f1)
[ -n "$n" ] && [ -n "$m" ] && [ "$m" -gt "$n" ] && ok || bad "sweep+discovery: the trade-off is not in the discovery section"

# --- a search: its charts, pareto.csv as a table, names escaped ---
expect "optimize writes a report" 0 "" optimize tests/fixtures/report/hostile_search.cfg -q -j2 -o "$T/opt"
O="$T/opt/report.html"
[ -s "$O" ] && ok || bad "optimize: no report.html"
charts=$(ls "$T/opt"/*.png | wc -l)
has "optimize: a figure per chart" "$charts" '^<figure id="fig[0-9]+">' "$O"
has "optimize: an alternative per chart" "$charts" '<figcaption id="fig[0-9]+-alt">[^<]*[0-9]' "$O"
has "optimize: none unplaced" 0 'More charts' "$O"
some "optimize: pareto table" '<caption>The final set \(pareto.csv' "$O"
has "optimize: a row per mix" "$(($(wc -l < "$T/opt/pareto.csv") - 1))" '^<tr><td class="num">[0-9]+</td>' "$O"
has "optimize: no external resource" 0 '(src|href)="(https?:)?//|<link |<script|@import|url\((https?:)?//' "$O"
has "optimize: no markup from the names" 0 '<img|<b>' "$O"
has "optimize: the title escaped" 1 '<title>&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;</title>' "$O"
some "optimize: a lever label escaped in the table" '<th class="num">&lt;img src=y onerror=alert\(3\)&gt;</th>' "$O"
some "optimize: footer checksum" 'pareto.csv</code> SHA-256 <code>[0-9a-f]{64}</code>' "$O"
cp "$O" "$T/opt1.html"
expect "report of a search" 0 "" report "$T/opt"
same "report DIR of a search" "$T/opt1.html" "$O"
expect "plot of a search" 0 "" plot "$T/opt"
same "plot DIR of a search" "$T/opt1.html" "$O"
[ -z "$(ls -A "$T/tmp")" ] && ok || bad "temporary chart directory left: $(ls "$T/tmp")"

# --- errors ---
mkdir -p "$T/empty"
expect "not an output directory" 2 "is not a foresight output directory" report "$T/empty"
expect "report needs a directory" 2 "report needs an output directory" report
expect "report takes no --runs" 2 "option '-n' does not apply to 'foresight report'" report "$T/run" -n 5
cp -r "$T/host" "$T/nobrief" && rm "$T/nobrief/briefing.md"
expect "no briefing" 1 "nobrief/briefing.md: cannot read it" report "$T/nobrief"
[ ! -e "$T/nobrief/report.html.tmp" ] && ok || bad "a failed report left a temp file"

finish cli_report
