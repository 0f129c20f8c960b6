#!/bin/sh
# cli_discover.sh: foresight discover on a CSV with a planted box and on a
# sweep, its files, determinism, charts and every bad input.
# Run by tests/run.sh with FS_BIN set; prints "cli_discover: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/discover/planted.csv
trap 'rm -rf "$T"' EXIT

# col FILE BOX INPUT NAME: a value of boxes.csv.
col() {
    awk -F, -v box="$2" -v inp="$3" -v name="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
        NR > 1 && $1 == box && $2 == inp { print $c }' "$1"
}
# near A B TOL: |A - B| <= TOL.
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; }

FILES="discovery.csv boxes.csv discovery_cases.csv discovery_meta.csv discovery.md"
CHARTS="discovery_tradeoff.png discovery_limits.png discovery_scatter.png"

# --- the planted box: x1 < 0.3 and x2 > 0.6 among x1..x5 (and an integer
# column, an id and a text column, which is skipped) ---
IN="--inputs x1,x2,x3,x4,x5,level"
expect "planted" 0 "discovery written to" discover $FX --output y --above 0.5 $IN -o "$T/p"
for f in $FILES $CHARTS; do
    if [ -s "$T/p/$f" ]; then ok; else bad "planted: missing $f"; fi
done
# Tolerance: one peel of the box (5% of ~130 cases over a slab 0.4 wide:
# ~0.02), twice that, plus ten case spacings (10 / (1000 x 0.4)): 0.065.
if near "$(col "$T/p/boxes.csv" 1 x1 upper)" 0.3 0.065; then ok; else bad "planted: x1 upper $(col "$T/p/boxes.csv" 1 x1 upper), expected 0.3"; fi
if near "$(col "$T/p/boxes.csv" 1 x2 lower)" 0.6 0.065; then ok; else bad "planted: x2 lower $(col "$T/p/boxes.csv" 1 x2 lower), expected 0.6"; fi
for x in x3 x4 x5 level; do
    r=$(col "$T/p/boxes.csv" 1 $x restricted)
    if [ "$r" = 0 ]; then ok; else bad "planted: $x restricted ($r)"; fi
done
if grep -q "where x1 is below 0\.[23][0-9]* and x2 is above 0\.[56]" "$T/p/discovery.md"; then ok; else bad "planted: discovery.md does not read the box"; sed -n '1,12p' "$T/p/discovery.md"; fi
if grep -q "Both restrictions are significant (quasi-p < 0.001)" "$T/p/discovery.md"; then ok; else bad "planted: significance not said"; fi
# Every numeric column but the output, by default: id is one, policy (text) is not.
expect "default inputs" 0 "" discover $FX --output y --above 0.5 -q --no-charts -o "$T/d"
if grep -q "^1,id," "$T/d/boxes.csv" && ! grep -q "^1,policy," "$T/d/boxes.csv"; then ok; else bad "default inputs: id should be an input, policy not"; fi

# --- the same bytes whatever -j; resampling shares ---
expect "resample j1" 0 "" discover $FX --output y --above 0.5 $IN --resample 12 -s 3 -j 1 -q -o "$T/r1" --no-charts
expect "resample j2" 0 "" discover $FX --output y --above 0.5 $IN --resample 12 -s 3 -j 2 -q -o "$T/r2" --no-charts
for f in $FILES; do same "resample -j1 vs -j2 $f" "$T/r1/$f" "$T/r2/$f"; done
if [ "$(col "$T/r1/boxes.csv" 1 x1 resample_share)" = 1 ]; then ok; else bad "resample: x1 share $(col "$T/r1/boxes.csv" 1 x1 resample_share)"; fi
if grep -q "x1 is restricted in 100% of 12 resamples" "$T/r1/discovery.md"; then ok; else bad "resample: not in discovery.md"; fi
expect "resample seed" 0 "" discover $FX --output y --above 0.5 $IN --resample 12 -s 4 -q -o "$T/r3" --no-charts
same "other options, same trajectory" "$T/r1/discovery.csv" "$T/r3/discovery.csv"

# --- covering: a second box where x3 > 0.75 and x4 > 0.75 ---
expect "covering" 0 "" discover $FX --output y2 --above 0.5 $IN --boxes 3 -q -o "$T/c" --no-charts
if [ "$(col "$T/c/boxes.csv" 2 x3 restricted)$(col "$T/c/boxes.csv" 2 x4 restricted)" = 11 ]; then ok; else bad "covering: box 2 does not restrict x3 and x4"; cat "$T/c/boxes.csv" | head -20; fi
if grep -q "^## Box 2" "$T/c/discovery.md" && grep -q "left outside the earlier boxes" "$T/c/discovery.md"; then ok; else bad "covering: box 2 not read"; fi
# --box N: that box of the trajectory.
expect "box 3" 0 "" discover $FX --output y --above 0.5 $IN --box 3 -q -o "$T/b" --no-charts
if awk -F, '$2 == 3 && $NF == 1' "$T/b/discovery.csv" | grep -q .; then ok; else bad "--box 3: not chosen in discovery.csv"; fi

# --- CART ---
expect "cart" 0 "" discover $FX --output y --above 0.5 $IN --method cart --depth 3 -q -o "$T/t"
if grep -q "The tree, as rules" "$T/t/discovery.md" && grep -q "if x[12] <= 0\.[2-6]" "$T/t/discovery.md"; then ok; else bad "cart: no rules"; fi
if [ "$(col "$T/t/boxes.csv" 1 x1 restricted)$(col "$T/t/boxes.csv" 1 x2 restricted)" = 11 ]; then ok; else bad "cart: box 1 does not restrict x1 and x2"; fi
for f in $CHARTS; do
    if [ -s "$T/t/$f" ]; then ok; else bad "cart: missing $f"; fi
done

# --- plot DIR redraws the charts from the files ---
rm -f "$T/p"/*.png
expect "plot redraws" 0 "" plot "$T/p"
for f in $CHARTS; do
    if [ -s "$T/p/$f" ]; then ok; else bad "plot: $f not redrawn"; fi
done
expect "no charts" 0 "" discover $FX --output y --above 0.5 $IN --no-charts -q -o "$T/n"
if ls "$T/n"/*.png >/dev/null 2>&1; then bad "--no-charts drew charts"; else ok; fi

# --- a sweep with labels and a discovery section ---
expect "sweep with discovery" 0 "" sweep tests/fixtures/sweepfiles/discover.cfg -q -o "$T/s"
if grep -q "^## When does it go wrong?" "$T/s/sweep.md" && grep -q "^### Box 1" "$T/s/sweep.md"; then ok; else bad "sweep.md has no discovery section"; fi
for f in $FILES $CHARTS; do
    if [ -s "$T/s/$f" ]; then ok; else bad "sweep discovery: missing $f"; fi
done
if grep -q "Network growth is above" "$T/s/sweep.md" && grep -q "Network growth,uncertainty,1" "$T/s/boxes.csv"; then ok; else bad "sweep discovery: the label is not used"; fi
if grep -q "^0,mechanisms.\[share\].intensity,lever,0,1,0,0.6,share: intensity$" "$T/s/sweep_params.csv"; then ok; else bad "default label"; cat "$T/s/sweep_params.csv"; fi
if grep -q "What it must live with (uncertainties)" "$T/s/sweep.md"; then ok; else bad "sweep discovery: kinds not named apart"; fi
# discover on the sweep directory gives the same reading.
expect "discover a sweep dir" 0 "" discover "$T/s" --output escalation --above 0.8 --resample 5 -q -o "$T/s2" --no-charts
same "sweep section vs discover" "$T/s/boxes.csv" "$T/s2/boxes.csv"
expect "sweep dir: bad output" 2 "no output column 'escalaton'; did you mean 'escalation'" discover "$T/s" --output escalaton --above 0.8
rm -f "$T/s"/*.png
expect "plot sweep with discovery" 0 "" plot "$T/s"
if [ -s "$T/s/discovery_scatter.png" ] && [ -s "$T/s/tornado_escalation.png" ]; then ok; else bad "plot: sweep and discovery charts not both redrawn"; fi

# --- bad input: exit 2, naming the file, line, column or option ---
printf 'a,b,y\n1,2,3\n4,,6\n' > "$T/empty.csv"
printf 'a,b,y\n1,2,3\n4,NaN,6\n' > "$T/nan.csv"
printf 'a,b,y\n1,2,3\n4,abc,6\n' > "$T/text.csv"
expect "missing output" 2 "planted.csv:1: no column 'z'" discover $FX --output z --above 1
expect "empty cell" 2 "empty.csv:3:2: column 'b': missing value" discover "$T/empty.csv" --output y --above 1
expect "NaN cell" 2 "nan.csv:3:2: column 'b': expected a number, got 'NaN'" discover "$T/nan.csv" --output y --above 1
expect "text cell" 2 "text.csv:3:2: column 'b': expected a number, got 'abc'" discover "$T/text.csv" --output y --above 1
expect "no case of interest" 2 "no case has y above 5: none of its 1000 cases is of interest (y ranges from" discover $FX --output y --above 5
expect "above and below" 2 "--above and --below together" discover $FX --output y --above 1 --below 2
expect "neither" 2 "--above X or --below X is required" discover $FX --output y
expect "no output" 2 "--output NAME is required" discover $FX --above 1
expect "peel alpha" 2 "--peel-alpha: expected a number in (0, 0.5), found '0.5'" discover $FX --output y --above 0.5 --peel-alpha 0.5
expect "paste alpha" 2 "--paste-alpha: expected a number in (0, 0.5), found '0'" discover $FX --output y --above 0.5 --paste-alpha 0
expect "mass min" 2 "--mass-min: expected a number in (0, 1), found '1'" discover $FX --output y --above 0.5 --mass-min 1
expect "threshold" 2 "--threshold: expected a number in \[0, 1\], found '2'" discover $FX --output y --above 0.5 --threshold 2
expect "bad above" 2 "--above: expected a number, found 'x'" discover $FX --output y --above x
expect "typo" 2 "unknown option '--peel-alfa'; did you mean 'peel-alpha'" discover $FX --output y --above 0.5 --peel-alfa 0.1
expect "cart option to prim" 2 "--depth does not apply to --method prim" discover $FX --output y --above 0.5 --depth 3
expect "prim option to cart" 2 "--resample does not apply to --method cart" discover $FX --output y --above 0.5 --method cart --resample 3
expect "bad method" 2 "--method: expected prim or cart, found 'tree'" discover $FX --output y --above 0.5 --method tree
expect "unknown input" 2 "--inputs: 'x9' is not an input of" discover $FX --output y --above 0.5 --inputs x1,x9
expect "output as input" 2 "--inputs: 'x1' is the output (--output): it cannot be an input too" discover $FX --output x1 --below 0.5 --inputs x1,x2
expect "no source" 2 "discover needs a sweep output directory or a CSV file" discover --output y --above 1
expect "missing source" 2 "nofile.csv: No such file" discover "$T/nofile.csv" --output y --above 1
expect "not a sweep dir" 2 "is not a sweep output directory" discover "$T" --output y --above 1
cat > "$T/bad_disc.cfg" <<EOF
name = "bad";
base = "$(pwd)/tests/fixtures/cli/small.cfg";
runs = 5;
design = { type = "lhs"; n = 4; };
parameters = ( { path = "threats.[net].growth"; lo = 0.0; hi = 0.08; } );
outputs = [ "escalation" ];
discovery = { output = "escalation"; above = 0.2;
              peel_alpha = 0.7; };
EOF
expect "sweep: bad discovery key" 2 "bad_disc.cfg:8: discovery.peel_alpha: --peel-alpha: expected a number in (0, 0.5)" sweep "$T/bad_disc.cfg" -o "$T/bd"
sed 's/peel_alpha = 0.7;/mass = 0.1;/' "$T/bad_disc.cfg" > "$T/bad_disc2.cfg"
expect "sweep: unknown discovery key" 2 "bad_disc2.cfg:8: discovery.mass: unknown option '--mass'" sweep "$T/bad_disc2.cfg" -o "$T/bd"
sed 's/output = "escalation"; above/output = "casualties"; above/; s/peel_alpha = 0.7;//' "$T/bad_disc.cfg" > "$T/bad_disc3.cfg"
expect "sweep: discovery output not an output" 2 "discovery.output: \"casualties\" is not one of the sweep's outputs" sweep "$T/bad_disc3.cfg" -o "$T/bd"
sed 's/output = "escalation"; above/output = "escalation"; inputs = "threats.[net].growth,Netwrok"; above/; s/peel_alpha = 0.7;//' "$T/bad_disc.cfg" > "$T/bad_disc4.cfg"
expect "sweep: discovery input unknown" 2 "bad_disc4.cfg:7: discovery.inputs: 'Netwrok' is no parameter of the sweep" sweep "$T/bad_disc4.cfg" -o "$T/bd"
sed 's/peel_alpha = 0.7;/mass_min = 1e400;/' "$T/bad_disc.cfg" > "$T/bad_disc5.cfg"
expect "sweep: infinite discovery value" 2 "bad_disc5.cfg:8: discovery.mass_min: expected a finite number, found inf" sweep "$T/bad_disc5.cfg" -o "$T/bd"
sed 's/hi = 0.08; }/hi = 0.08; label = ""; }/; s/peel_alpha = 0.7;//' "$T/bad_disc.cfg" > "$T/bad_disc6.cfg"
expect "sweep: empty label" 2 "bad_disc6.cfg:5: parameters.\[1\]: label: expected a readable name" sweep "$T/bad_disc6.cfg" -o "$T/bd"

finish cli_discover
