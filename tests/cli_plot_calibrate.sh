#!/bin/sh
# cli_plot_calibrate.sh: `foresight plot` and `foresight report` on a
# calibration directory (tests/fixtures/calibrate/rats, made by hand to the
# format foresight calibrate writes): the four charts in each format and
# size, report.html with every chart placed and described in numbers, the
# same bytes twice, and bad files refused with exit 2 naming file, line and
# what was expected, leaving nothing behind. Run by tests/run.sh with
# FS_BIN set; prints "cli_plot_calibrate: N passed, N failed".
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
FIX=tests/fixtures/calibrate/rats
CHARTS="calibrate_marginals calibrate_pairs calibrate_predictive calibrate_tolerance"
mkdir -p "$T/tmp"
export TMPDIR="$T/tmp"

# fresh NAME: a copy of the fixture at $T/NAME.
fresh() { rm -rf "$T/$1"; cp -r "$FIX" "$T/$1"; }
# png_size FILE: "W H" from the PNG header.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }

# --- plot draws the four charts and report.html beside them ---
fresh cal
expect "plot" 0 "" plot "$T/cal"
for c in $CHARTS; do
    [ -s "$T/cal/$c.png" ] && ok || bad "plot: no $c.png"
    [ "$(png_size "$T/cal/$c.png")" = "1600 1000" ] && ok || bad "$c.png is $(png_size "$T/cal/$c.png"), not 1600 1000"
done
[ -s "$T/cal/report.html" ] && ok || bad "plot: no report.html"
cp "$T/cal/calibrate_marginals.png" "$T/first.png"
cp "$T/cal/report.html" "$T/first.html"
expect "plot again" 0 "" plot "$T/cal"
same "the same chart twice" "$T/first.png" "$T/cal/calibrate_marginals.png"
same "the same page twice" "$T/first.html" "$T/cal/report.html"
[ -z "$(ls "$T/cal" | grep '\.tmp\.')" ] && ok || bad "temp file left in the directory"

# --- --format, --size and -o as for the other kinds ---
expect "plot svg" 0 "" plot "$T/cal" --format svg -o "$T/svg"
for c in $CHARTS; do
    head -c 200 "$T/svg/$c.svg" 2>/dev/null | grep -q '<svg\|<?xml' && ok || bad "--format svg: no $c.svg"
done
expect "plot pdf small" 0 "" plot "$T/cal" --format pdf --size 800x500 -o "$T/pdf"
for c in $CHARTS; do
    head -c 5 "$T/pdf/$c.pdf" 2>/dev/null | grep -q '%PDF' && ok || bad "--format pdf: no $c.pdf"
done
expect "plot small png" 0 "" plot "$T/cal" --size 800x500 -o "$T/small"
[ "$(png_size "$T/small/calibrate_pairs.png")" = "800 500" ] && ok || bad "--size 800x500: calibrate_pairs.png is $(png_size "$T/small/calibrate_pairs.png")"
expect "bad size" 2 "" plot "$T/cal" --size 10x10

# --- report: the page alone, every chart placed and described ---
fresh rep
expect "report" 0 "" report "$T/rep"
H="$T/rep/report.html"
n=$(grep -c '^<figure id="fig[0-9]*">' "$H")
[ "$n" -eq 4 ] && ok || bad "report: $n figures, expected 4"
[ "$(grep -c 'More charts' "$H")" -eq 0 ] && ok || bad "report: a chart left unplaced"
[ "$(grep -c '<figcaption id="fig[0-9]*-alt">[^<]*[0-9]' "$H")" -eq 4 ] && ok || bad "report: a chart without a text alternative in numbers"
grep -q 'posterior median 0.38 (0.302 to 0.463)' "$H" && ok || bad "report: the plot rate's posterior is not described"
grep -q 'Plot rate of the attack networks (plots per cell-year) and Attrition of attack cells (share removed per month) -0.74' "$H" && ok || bad "report: the strongest correlation is not described"
grep -q 'attacks_prevented (held out of the fit): reported 20 (sd 4.47), predictive median 24 (15 to 35), 28.5% of draws' "$H" && ok || bad "report: the held-out target is not described"
grep -q 'the tolerance from 6.1 at generation 1 to 0.84 at generation 7' "$H" && ok || bad "report: the tolerance is not described"
grep -q '<th>target</th><th class="num">reported</th>' "$H" && ok || bad "report: no targets table"
grep -q 'posterior.csv</code> SHA-256 <code>[0-9a-f]\{64\}</code>' "$H" && ok || bad "report: no checksum of posterior.csv"
[ -z "$(ls -A "$T/tmp")" ] && ok || bad "temporary chart directory left: $(ls "$T/tmp")"
# The page plot writes and the page report writes are the same bytes.
cp "$H" "$T/rep.html"
expect "plot the report's directory" 0 "" plot "$T/rep"
same "plot and report write the same page" "$T/rep.html" "$H"

# --- bad files: exit 2, file:line, what was expected; no chart left ---
# bad NAME FILE SED PATTERN: a fresh copy with sed applied to FILE.
bad_file() {
    fresh b
    sed -i "$3" "$T/b/$2"
    expect "$1" 2 "$4" plot "$T/b"
    [ -z "$(ls "$T/b" | grep -E '\.png|\.tmp\.|report\.html')" ] && ok || bad "$1: left $(ls "$T/b" | grep -E '\.png|\.tmp\.|report\.html' | head -3)"
}
bad_file "a number that is not" posterior.csv '3s/,0\.4008[0-9]*,/,abc,/' "posterior.csv:3:2: column 'threats.\[jihadist\].plot_rate': expected a number, got 'abc'"
bad_file "an unknown prior" priors.csv 's/,gamma,/,gama,/' "priors.csv:2:3: column 'prior': expected uniform, loguniform, normal, lognormal, beta or gamma, got 'gama'"
bad_file "a value outside its prior" posterior.csv '2s/^0,0\.[0-9]*,/0,-1,/' "posterior.csv:2:2: column 'threats.\[jihadist\].plot_rate': expected a value within the prior's range \[0, inf\], got '-1'"
bad_file "weights that do not sum to 1" posterior.csv '2s/,0\.00[0-9]*,\([0-9.]*\)$/,0.5,\1/' "posterior.csv: expected weights that sum to 1 (normalised)"
bad_file "a parameter missing" posterior.csv '1s/sharing_lag/sharing_delay/' "posterior.csv:1: expected a column 'mechanisms.\[rats\].sharing_lag' (parameter 4 of priors.csv), found none"
bad_file "a short row" generations.csv '3s/,[0-9]*$//' "generations.csv:3"
bad_file "a zero sd" targets.csv '3s/,650,65,/,650,0,/' "targets.csv:3:4: column 'sd': expected a number > 0, got '0'"
bad_file "an unknown target" predictive.csv '1s/cells_removed/cells/' "predictive.csv:1: expected a column 'cells_removed' (target 3 of targets.csv), found none"
bad_file "an unterminated quote" targets.csv '2s/"seed 004/"seed 004\n/; 2s/"foiled/foiled/' "targets.csv"
# A file that is not a regular file is refused as for the other kinds.
fresh fifo
rm "$T/fifo/predictive.csv" && mkfifo "$T/fifo/predictive.csv"
expect "a FIFO" 2 "predictive.csv is a FIFO, expected a foresight CSV file (a regular file)" plot "$T/fifo"
rm -f "$T/fifo/predictive.csv" && mkdir "$T/fifo/predictive.csv"
expect "a directory" 2 "predictive.csv is a directory" plot "$T/fifo"
# A missing file: exit 1 naming it.
fresh miss
rm "$T/miss/targets.csv"
expect "a missing file" 1 "targets.csv" plot "$T/miss"
finish cli_plot_calibrate
