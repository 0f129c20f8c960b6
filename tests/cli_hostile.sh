#!/bin/sh
# cli_hostile.sh: bad inputs, I/O failures and signals on the command line.
# Each bad input must give its documented message and exit code (2 for a
# scenario or usage error, 1 for a runtime error, 130/143 when
# interrupted), never crash, and leave nothing behind: no output directory
# for an input error, no file under a final name and no temp file for a
# failed run, and an earlier complete output untouched. The list is in
# docs/SCENARIO.md, "Errors". Run by tests/run.sh with FS_BIN set; prints
# "cli_hostile: N passed, N failed".
. tests/lib.sh
FX=tests/fixtures/hostile
LX=tests/fixtures/load
SMALL=tests/fixtures/cli/small.cfg
trap 'chmod -R u+rwx "$T" 2>/dev/null; umount "$T/tiny" 2>/dev/null; rm -rf "$T"' EXIT

# refused NAME PATTERN CMD...: `run` exits 2 with PATTERN and creates no
# output directory.
refused() {
    name=$1 pat=$2
    shift 2
    rm -rf "$T/o"
    expect "$name" 2 "$pat" run "$@" -q -o "$T/o"
    if [ -e "$T/o" ]; then bad "$name: created the output directory"; else ok; fi
}

# nothing_in DIR NAME: DIR has no file (a failed run left nothing).
nothing_in() {
    if [ -z "$(ls -A "$1" 2>/dev/null)" ]; then ok; else bad "$2: left $(ls -A "$1" | tr '\n' ' ')"; fi
}

# --- unreadable or not a scenario file ---
refused "empty file" "empty.cfg: file is empty: expected a scenario" $LX/empty.cfg
printf '   \n\t\n' > "$T/blank.cfg"
refused "blank file" "blank.cfg: file is empty" "$T/blank.cfg"
refused "binary with NUL" "binary.cfg: binary data at line 3, expected text" $LX/binary.cfg
# Garbage without a NUL byte: a syntax error on the first line.
printf '\211PNG\r\n\032\n\377\376garbage\001\002' > "$T/garbage.cfg"
refused "binary garbage" "garbage.cfg:1: syntax error" "$T/garbage.cfg"
head -c 4096 /bin/sh > "$T/elf.cfg"
refused "an executable" "elf.cfg: binary data at line 1" "$T/elf.cfg"
refused "a sweep file" "grid.cfg is a sweep file (it has 'base' and 'parameters'), not a scenario: use 'foresight sweep .*grid.cfg'" tests/fixtures/sweepfiles/grid.cfg
expect "check a sweep file" 2 "grid.cfg is a sweep file" check tests/fixtures/sweepfiles/grid.cfg
refused "a directory" "hostile: is a directory, expected a scenario" $FX
refused "a device" "is not a regular file" /dev/null
refused "missing file" "nosuch.cfg: cannot read scenario: No such file or directory" $FX/nosuch.cfg
# As root, permissions do not stop reading or writing; the permission
# tests then run the binary as nobody when setpriv can, else are skipped.
AS=""
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 \
       && chmod 711 "$T" && setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups true 2>/dev/null; then
        AS="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
        note "running as root: the permission tests run as nobody (setpriv)"
    fi
fi
cp $SMALL "$T/locked.cfg" && chmod 000 "$T/locked.cfg"
if [ "$(id -u)" -ne 0 ] || [ -n "$AS" ]; then
    BIN0=$BIN; BIN="$AS $BIN"
    refused "unreadable file" "locked.cfg: cannot read scenario: Permission denied" "$T/locked.cfg"
    BIN=$BIN0
else
    note "skipped the unreadable-file test: running as root, chmod 000 does not stop reading, and setpriv cannot switch to nobody"
fi
dd if=/dev/zero bs=1024 count=16385 2>/dev/null | tr '\0' '#' > "$T/huge.cfg"
refused "file over 16 MiB" "huge.cfg: file is larger than 16 MiB" "$T/huge.cfg"

# A key set twice: named, with the line of the first.
printf 'name = "x";\nactors = ( { id = "A";\n  capacity = 0.5; # capacity = 1\n  capacity = 0.6; } );\n' > "$T/dupkey.cfg"
refused "duplicate key" "dupkey.cfg:4: duplicate setting 'capacity': already set at line 3, in the same group; remove one" "$T/dupkey.cfg"
printf 'steps = 12;\n' > "$T/dupinc.cfg"
printf 'name = "x { steps = 1";\nactors = ( { id = "A"; } );\n@include "dupinc.cfg"\nsteps = 5;\n' > "$T/dupkey2.cfg"
refused "duplicate key after an include" "dupkey2.cfg:4: duplicate setting 'steps': already set at .*dupinc.cfg:1" "$T/dupkey2.cfg"

# A byte-order mark, and strings that are not UTF-8 (they would reach the
# charts' text layout): refused at load, naming the setting.
printf '\357\273\277name = "x";\nactors = ( { id = "A"; } );\n' > "$T/bom.cfg"
refused "byte-order mark" "bom.cfg: byte-order mark at the start of the file: save it as UTF-8 without BOM" "$T/bom.cfg"
printf 'name = "x";\nactors = ( { id = "A"; name = "ok \303\251"; },\n  { id = "B"; name = "caf\351"; } );\n' > "$T/latin1.cfg"
refused "Latin-1 name" "latin1.cfg:3: actors.\[B\].name: expected UTF-8 text, found the byte 0xE9 at byte 4 of the string (save the file as UTF-8)" "$T/latin1.cfg"
printf 'name = "x";\nactors = ( { id = "A"; name = "\355\240\200"; } );\n' > "$T/surrogate.cfg"
refused "UTF-8 surrogate" "surrogate.cfg:2: actors.\[A\].name: expected UTF-8 text, found the byte 0xED at byte 1" "$T/surrogate.cfg"
refused "set a name that is not UTF-8" "expected UTF-8 text, found the byte 0xFF at byte 2 of the string$" $SMALL --set "$(printf 'name=a\377')"

# --- includes ---
refused "include cycle" "cycle_b.cfg:2: include cycle: .*cycle_a.cfg -> .*cycle_b.cfg -> .*cycle_a.cfg" $LX/cycle_a.cfg
refused "missing include" "inc_missing.cfg:3: cannot include \"no_such_file.cfg\"" $LX/inc_missing.cfg
refused "absolute include" "inc_absolute.cfg:2: @include \"/etc/hostname\": absolute include paths are not allowed" $LX/inc_absolute.cfg
refused "includes too deep" "includes are nested more than 8 deep" $LX/deep/d0.cfg
printf 'name = "x";\n@include "."\n' > "$T/incdir.cfg"
refused "include a directory" "incdir.cfg:2: cannot include \".\".*is a directory" "$T/incdir.cfg"

# --- very long strings, names and ids ---
long=$(awk 'BEGIN { while (i++ < 5000) printf "x" }')
printf 'name = "%s";\nactors = ( { id = "TJ"; } );\n' "$long" > "$T/longname.cfg"
refused "name over 4096 characters" "longname.cfg:1: name: expected a string of at most 4096 characters, found one of 5000" "$T/longname.cfg"
id40=$(awk 'BEGIN { while (i++ < 40) printf "A" }')
printf 'name = "x";\nactors = ( { id = "%s"; } );\n' "$id40" > "$T/longid.cfg"
refused "id over 32 characters" "longid.cfg:2: actors.\[1\].id: expected an id (a letter, then letters, digits or '_'; at most 32 characters), found a string \"AAAA" "$T/longid.cfg"
printf 'name = "x";\nactors = ( { id = "North-A"; } );\n' > "$T/dashid.cfg"
refused "id with '-'" "dashid.cfg:2: actors.\[1\].id: expected an id (a letter, then letters, digits or '_'; at most 32 characters), found \"North-A\": '-' joins the two actors of a border or pair" "$T/dashid.cfg"
printf 'name = "x";\nactors = ( { id = "A%s"; } );\n' "$long" > "$T/hugeid.cfg"
refused "id of 5000 characters" "hugeid.cfg:2: actors.\[1\].id: expected a string of at most 4096 characters, found one of 5001" "$T/hugeid.cfg"
printf 'name = "x";\nactors = ( { id = "TJ"; %s = 1; } );\n' "$long" > "$T/longkey.cfg"
refused "long unknown key" "longkey.cfg:2: actors.\[TJ\].xxxx.*unknown key" "$T/longkey.cfg"
huge_line=$(awk 'BEGIN { while (i++ < 200000) printf "y" }')
printf 'name = "%s";\nactors = ( { id = "TJ"; } );\n' "$huge_line" > "$T/hugestring.cfg"
refused "200000-character string" "hugestring.cfg:1: name: expected a string of at most 4096 characters" "$T/hugestring.cfg"
refused "long --set path" "xxx...=1: expected a path such as" $SMALL --set "$long=1"
refused "long --set value" "name=xxx*...: expected a value of at most 4096 characters, found one of 10000" $SMALL --set "name=$long$long"
longdir="$T/$(awk 'BEGIN { while (i++ < 300) printf "d" }')"
expect "output path too long" 1 "cannot create directory .*: File name too long" run $SMALL -q --no-charts -o "$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir/$longdir"

# --- content errors ---
refused "zero actors" "zero_actors.cfg:3: actors: expected at least 1 actor, found an empty list" $FX/zero_actors.cfg
refused "duplicate actor id" "err_dup_actor.cfg:4: actors.\[TJ\].id: duplicate actor id 'TJ'" $LX/err_dup_actor.cfg
refused "duplicate threat id" "dup_threat.cfg:4: threats.\[iskp\].id: duplicate threat id 'iskp'" $FX/dup_threat.cfg
refused "self-border" "err_self_border.cfg:3: borders.\[TJ-TJ\]: a border joins two different actors, found 'TJ' on both sides" $LX/err_self_border.cfg
refused "self-pair" "self_pair.cfg:4: trust.pairs.\[UZ-UZ\]: a pair joins two different actors" $FX/self_pair.cfg
refused "mechanism with no participants" "err_no_participants.cfg:4: mechanisms.\[rats\].participants: expected at least 1 participant, found an empty list" $LX/err_no_participants.cfg
refused "members when there are none" "no actor is a member" $FX/no_participants_members.cfg
cat > "$T/join.cfg" <<'EOF'
name = "join twice";
steps = 12;
actors = ( { id = "A"; }, { id = "B"; }, { id = "O"; role = "observer"; } );
mechanisms = ( { id = "share"; type = "intel_sharing"; participants = ["A", "B"]; intensity = 0.5; } );
injects = (
  { id = "j1"; type = "join"; mechanism = "share"; target = "O"; step = 3; },
  { id = "j2"; type = "join"; mechanism = "share"; target = "O"; hazard = 0.1; }
);
EOF
refused "joining twice" "join.cfg:7: injects.\[j2\].target: actor 'O' already joins 'share' by inject 'j1'; an actor joins a mechanism once" "$T/join.cfg"
refused "joining as a participant" "injects.\[j1\].target=A: actor 'A' already takes part in 'share'" "$T/join.cfg" --set "injects.[j1].target=A"
# Empty required names, and injects that cannot mean anything.
sed 's/^name = .*/name = "";/' $SMALL > "$T/noname.cfg"
refused "empty name" "noname.cfg:2: name: expected a non-empty name (charts and the briefing show it), found a string \"\"" "$T/noname.cfg"
refused "set an empty name" "name=\"\": expected a non-empty name" $SMALL --set 'name=""'
refused "attack blamed on its target" "injects.\[hit\].origin=A: expected an actor other than the target, found 'A' again" $SMALL --set "injects.[hit].origin=A"
refused "trust shock with itself" "injects.\[spat\].other=A: expected an actor other than the target, found 'A' again" $SMALL --set "injects.[spat].other=A"
refused "shock of delta 0" "injects.\[spat\].delta=0: a shock that changes nothing (delta 0)" $SMALL --set "injects.[spat].delta=0"
refused "step outside the horizon" "err_step_horizon.cfg:6: injects.\[late\].step: expected an integer in 1..60, found 61" $LX/err_step_horizon.cfg
refused "window beyond the horizon" "window_horizon.cfg:5: mechanisms.\[rats\].end: expected an integer in 2..12, found 13" $FX/window_horizon.cfg
refused "set step beyond the horizon" "expected an integer in 1..24, found 25" $SMALL --set "injects.[hit].step=25"
refused "infinity" "err_inf.cfg:3: actors.\[TJ\].capacity: expected a finite number, found inf" $LX/err_inf.cfg
refused "minus infinity" "neg_inf.cfg:4: threats.\[iskp\].growth: expected a finite number, found -inf" $FX/neg_inf.cfg
refused "nan literal" "nan.cfg:3: syntax error; NaN and infinity are not numbers" $FX/nan.cfg
refused "set nan" "expected a number in \[0, 1\], found \"nan\"\|expected a number.*nan" $SMALL --set "actors.[A].capacity=nan"
refused "set inf" "expected a number.*inf" $SMALL --set "actors.[A].capacity=inf"
refused "set 1e999" "expected a number.*1e999" $SMALL --set "threats.[net].growth=1e999"
# Rates far beyond any scenario overflow the model: refused at load, with
# the line, not reported as a failure of the run.
sed 's/growth = 0.04/growth = 1e308/' $SMALL > "$T/growth.cfg"
refused "extreme growth" "growth.cfg:19: threats.\[net\].growth: expected a number in \[0, 10\], found 1e+308" "$T/growth.cfg"
refused "extreme plot rate" "plot_rate=1e6: expected a number in \[0, 100\]" $SMALL --set "threats.[net].plot_rate=1e6"
refused "extreme recruitment" "online_recruitment=11: expected a number in \[0, 10\]" $SMALL --set "threats.[net].online_recruitment=11"
refused "extreme attrition" "attrition=1e300: expected a number in \[0, 100\]" $SMALL --set "threats.[net].attrition=1e300"
refused "extreme dispersion" "dispersion=1e300: expected a number in (0, 1000000\]" $SMALL --set "threats.[net].lethality.dispersion=1e300"
refused "extreme cost" "cost=1e308: expected a number in \[0, 1000000000000\]" $SMALL --set "mechanisms.[share].cost=1e308"
refused "integer beyond 32 bits" "wide_runs.cfg:4: runs: expected an integer in 1..100000000, found 4294967297" $FX/wide_runs.cfg
refused "hex beyond 32 bits" "wide_hex.cfg:3: steps: expected an integer in 1..1200, found 0x100000001 (4294967297)" $FX/wide_hex.cfg
refused "steps beyond 32 bits" "err_int64.cfg:2: steps: expected an integer in 1..1200, found 5000000000" $LX/err_int64.cfg
refused "integer beyond 64 bits" "err_int_overflow.cfg:2: integer 99999999999999999999 is outside the 64-bit range" $LX/err_int_overflow.cfg
refused "L integer beyond 64 bits" "err_int_overflow_l.cfg:2: integer 9223372036854775808 is outside the 64-bit range" $LX/err_int_overflow_l.cfg
refused "-s beyond the seed key's range" "seed: expected a whole number from 0 to 9223372036854775807, found '9223372036854775808'" $SMALL -s 9223372036854775808
refused "set beyond 32 bits" "steps=4294967297: expected an integer in 1..1200, found 4294967297" $SMALL --set steps=4294967297
refused "-n beyond 32 bits" "runs: expected a whole number" $SMALL -n 4294967297
# A wide seed is valid and kept whole, not truncated to 32 bits.
expect "seed beyond 32 bits" 0 "" run $FX/wide_seed.cfg -q --no-charts -o "$T/seed"
if grep -q "^seed,4294967297$" "$T/seed/meta.csv"; then ok; else bad "wide seed not kept: $(grep seed "$T/seed/meta.csv")"; fi
# The largest seed round-trips through scenario.resolved.cfg byte for byte.
expect "largest seed" 0 "" run $SMALL -q --no-charts -s 9223372036854775807 -n 50 -o "$T/smax"
expect "largest seed, rerun" 0 "" run "$T/smax/scenario.resolved.cfg" -q --no-charts -o "$T/smax2"
if grep -q "^seed,9223372036854775807$" "$T/smax2/meta.csv" && cmp -s "$T/smax/summary.csv" "$T/smax2/summary.csv"; then ok; else bad "largest seed did not round-trip: $(grep seed "$T/smax2/meta.csv")"; fi

# --- sweep files: the same care, exit 2, no output directory ---
# sweep_refused NAME PATTERN FILE: `sweep` exits 2 with PATTERN and creates
# no output directory.
sweep_refused() {
    rm -rf "$T/so"
    expect "sweep: $1" 2 "$2" sweep "$3" -q --no-charts -o "$T/so"
    if [ -e "$T/so" ]; then bad "sweep: $1: created the output directory"; else ok; fi
}
# mksweep FILE DESIGN PARAMS OUTPUTS [RUNS]: a sweep over the small scenario.
mksweep() {
    printf 'name = "h";\nbase = "%s";\nruns = %s;\nseed = 1;\ndesign = %s;\nparameters = ( %s );\noutputs = [ %s ];\n' \
        "$PWD/$SMALL" "${5:-10}" "$2" "$3" "$4" > "$T/$1"
}
TAU='{ path = "dynamics.tau"; lo = 0.5; hi = 2.0; }'
LHS='{ type = "lhs"; n = 4; }'
: > "$T/sw_empty.cfg"
sweep_refused "empty file" "sw_empty.cfg: file is empty: expected a sweep file" "$T/sw_empty.cfg"
printf '\211PNG\r\n\032\n\377\376garbage\001\002' > "$T/sw_garbage.cfg"
sweep_refused "binary garbage" "sw_garbage.cfg:1: syntax error" "$T/sw_garbage.cfg"
mkdir -p "$T/sw_dir"
sweep_refused "a directory" "sw_dir: is a directory, expected a sweep file" "$T/sw_dir"
sweep_refused "missing file" "nosuch.cfg: cannot read sweep file: No such file or directory" "$T/nosuch.cfg"
sweep_refused "a scenario file" "small.cfg is a scenario file (it has 'actors'), not a sweep file: use 'foresight run .*small.cfg'" $SMALL
mksweep sw_utf8.cfg "$LHS" "$TAU" '"escalation"'
sed -i "s/^name = .*/name = \"caf$(printf '\351')\";/" "$T/sw_utf8.cfg"
sweep_refused "sweep name not UTF-8" "sw_utf8.cfg:1: name: expected UTF-8 text, found the byte 0xE9" "$T/sw_utf8.cfg"
mksweep sw_noname.cfg "$LHS" "$TAU" '"escalation"'
sed -i 's/^name = .*/name = "";/' "$T/sw_noname.cfg"
sweep_refused "empty sweep name" "sw_noname.cfg:1: name: expected a non-empty name" "$T/sw_noname.cfg"
mksweep sw_typo.cfg "$LHS" "$TAU" '"escalation"'
sed -i 's/^design/desing/' "$T/sw_typo.cfg"
sweep_refused "misspelt key" "sw_typo.cfg:5: desing: unknown key 'desing'; did you mean 'design'?" "$T/sw_typo.cfg"
mksweep sw_pkey.cfg "$LHS" '{ path = "dynamics.tau"; lo = 0.5; hi = 2.0; step = 1; }' '"escalation"'
sweep_refused "unknown parameter key" "sw_pkey.cfg:6: parameters.\[1\].step: unknown key 'step'; valid keys are: path, lo, hi, levels, kind" "$T/sw_pkey.cfg"
mksweep sw_path.cfg "$LHS" '{ path = "dynamics.tua"; lo = 0.5; hi = 2.0; }' '"escalation"'
sweep_refused "misspelt path" "sw_path.cfg:6: parameters.\[1\].path: .*unknown key 'tua' in dynamics; did you mean 'tau'?" "$T/sw_path.cfg"
mksweep sw_out.cfg "$LHS" "$TAU" '"escalaton"'
sweep_refused "misspelt output" "sw_out.cfg:7: outputs.\[1\]: unknown output \"escalaton\"; did you mean 'escalation'?" "$T/sw_out.cfg"
mksweep sw_nan.cfg "$LHS" '{ path = "dynamics.tau"; lo = nan; hi = 2.0; }' '"escalation"'
sweep_refused "NaN bound" "sw_nan.cfg:6: syntax error; NaN and infinity are not numbers a sweep file can hold" "$T/sw_nan.cfg"
mksweep sw_huge.cfg "$LHS" '{ path = "dynamics.tau"; lo = 0.5; hi = 1e400; }' '"escalation"'
sweep_refused "infinite bound" "sw_huge.cfg:6: parameters.\[1\].hi: expected a finite number, found inf" "$T/sw_huge.cfg"
mksweep sw_rev.cfg "$LHS" '{ path = "dynamics.tau"; lo = 2.0; hi = 0.5; }' '"escalation"'
sweep_refused "reversed bounds" "sw_rev.cfg:6: parameters.\[1\]: lo = 2 is above hi = 0.5" "$T/sw_rev.cfg"
mksweep sw_none.cfg "$LHS" "" '"escalation"'
sweep_refused "no parameters" "sw_none.cfg:6: parameters: expected a list of 1 to 64 entries, found 0" "$T/sw_none.cfg"
mksweep sw_wide.cfg '{ type = "lhs"; n = 4294967300; }' "$TAU" '"escalation"'
sweep_refused "integer beyond 32 bits" "sw_wide.cfg:5: design.n: expected an integer in 1..10000000, found 4294967300" "$T/sw_wide.cfg"
mksweep sw_type.cfg '{ type = "latin"; n = 4; }' "$TAU" '"escalation"'
sweep_refused "unknown design" "sw_type.cfg:5: design.type: expected one of grid, random, lhs, sobol or morris, found \"latin\"" "$T/sw_type.cfg"
mksweep sw_runs.cfg "$LHS" "$TAU" '"escalation"' 1000000000000
sweep_refused "runs beyond the limit" "sw_runs.cfg:3: runs: expected an integer in 1..100000000, found 1000000000000" "$T/sw_runs.cfg"
mksweep sw_dupout.cfg "$LHS" "$TAU" '"escalation", "attacks.mean", "escalation"'
sweep_refused "duplicate output" "sw_dupout.cfg:7: outputs.\[3\]: \"escalation\" is listed twice (also outputs.\[1\])" "$T/sw_dupout.cfg"
for k in 'r = 3' 'p = 4' 'bootstrap = 100'; do
    mksweep sw_dkey.cfg "{ type = \"lhs\"; n = 4; $k; }" "$TAU" '"escalation"'
    sweep_refused "design key $k with lhs" "sw_dkey.cfg:5: design.${k%% *}: key '${k%% *}' does not apply to a design of type lhs" "$T/sw_dkey.cfg"
done
mksweep sw_dkey.cfg '{ type = "morris"; n = 4; }' "$TAU" '"escalation"'
sweep_refused "design key n with morris" "sw_dkey.cfg:5: design.n: key 'n' does not apply to a design of type morris (it is for grid, random, lhs and sobol)" "$T/sw_dkey.cfg"
mksweep sw_dkey.cfg '{ type = "sobol"; n = 4; seed = 3; }' "$TAU" '"escalation"'
sweep_refused "design key seed with sobol" "sw_dkey.cfg:5: design.seed: key 'seed' does not apply to a design of type sobol (it is for random, lhs and morris)" "$T/sw_dkey.cfg"
mksweep sw_base.cfg "$LHS" "$TAU" '"escalation"'
sed -i 's#^base = .*#base = "no_such_base.cfg";#' "$T/sw_base.cfg"
sweep_refused "missing base" "sw_base.cfg:2: base: .*no_such_base.cfg: cannot read scenario" "$T/sw_base.cfg"

# --- loads too large to be sane: refused before anything is allocated ---
refused "too much work" "largest.cfg: 100000000 runs x 1200 steps x 64 actors x (16 threats + 2), times 8 for the copies that measure its scheduled injects, is 1.1e+15 units of work, more than the limit of 1e+13.*lower the runs (-n)" $FX/largest.cfg -n 100000000
refused "too much memory" "largest.cfg: 1200 steps x 64 actors with 1024 threads would need at least .* GiB of memory, more than the limit of .* GiB.*use fewer threads (-j [0-9]* at most)\|even with one thread" $FX/largest.cfg -j 1024
expect "compare too much memory" 2 "GiB of memory" compare $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg $FX/largest.cfg -j 1024 -q -o "$T/cbig"
if [ -e "$T/cbig" ]; then bad "memory refusal created the output directory"; else ok; fi

# --- output that cannot be written: exit 1, nothing under a final name ---
: > "$T/plainfile"
expect "output inside a file" 1 "cannot create directory .*plainfile/out: Not a directory" run $SMALL -q --no-charts -o "$T/plainfile/out"
expect "output is a file" 1 "is not a directory" run $SMALL -q --no-charts -o "$T/plainfile"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ] || [ -n "$AS" ]; then
    BIN0=$BIN; BIN="$AS $BIN"
    expect "unwritable output directory" 1 "output directory .* is not writable: Permission denied" run $SMALL -q --no-charts -o "$T/ro"
    expect "unwritable parent" 1 "cannot create directory .*ro/out: Permission denied" run $SMALL -q --no-charts -o "$T/ro/out"
    BIN=$BIN0
    nothing_in "$T/ro" "unwritable output directory"
else
    note "skipped the unwritable-directory tests: running as root, mode 555 does not stop writing, and setpriv cannot switch to nobody"
fi
expect "output under /proc" 1 "cannot create directory\|not writable" run $SMALL -q --no-charts -o /proc/foresight-test

# A full disk: the names the run will stage its files under (in
# DIR/.foresight-stage.PID) are made symlinks to /dev/full, where every
# write fails with ENOSPC; exec keeps the shell's pid, which is the pid in
# the staging directory's name. First the files written at the end (found
# at commit, before anything moves), then runs.csv (written during the run).
mkdir -p "$T/full" "$T/fullruns"
FULLRUN="mkdir \"$T/full/.foresight-stage.\$\$\"; for f in meta summary timeseries outcomes actors threats trust mechanisms injects \
inject_effects earlywarning distributions; do ln -s /dev/full \"$T/full/.foresight-stage.\$\$/\$f.csv\"; done; \
ln -s /dev/full \"$T/full/.foresight-stage.\$\$/briefing.md\"; \
ln -s /dev/full \"$T/full/.foresight-stage.\$\$/scenario.resolved.cfg\"; exec $BIN run $SMALL -q --no-charts -o \"$T/full\""
sh -c "$FULLRUN" >"$T/out" 2>&1
code=$?
if [ "$code" -eq 1 ] && grep -q "cannot write $T/full/[a-z_.]*: No space left on device" "$T/out"; then ok; else bad "full disk (/dev/full): exit $code: $(cat "$T/out")"; fi
nothing_in "$T/full" "full disk (/dev/full)"
sh -c "mkdir \"$T/fullruns/.foresight-stage.\$\$\"; ln -s /dev/full \"$T/fullruns/.foresight-stage.\$\$/runs.csv\"; exec $BIN run $SMALL -q --runs-csv --no-charts -n 3000 -o \"$T/fullruns\"" >"$T/out" 2>&1
code=$?
if [ "$code" -eq 1 ] && grep -q "cannot write runs.csv: No space left on device" "$T/out"; then ok; else bad "full disk for runs.csv: exit $code: $(cat "$T/out")"; fi
nothing_in "$T/fullruns" "full disk for runs.csv"
# The same on a real small file system, when one can be mounted (root).
mkdir -p "$T/tiny"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs "$T/tiny" 2>/dev/null; then
    expect "full tmpfs" 1 "No space left on device" run tests/fixtures/cli/small.cfg -q --runs-csv --no-charts -n 3000 -o "$T/tiny/out"
    nothing_in "$T/tiny/out" "full tmpfs"
    umount "$T/tiny"
else
    note "skipped the full-tmpfs test: cannot mount a tmpfs here (needs root and permission); /dev/full covers a full disk"
fi

# --- signals: temp files removed, earlier output untouched, 130 or 143 ---
if [ -z "${FS_VALGRIND:-}" ]; then
    expect "earlier output" 0 "" run $SMALL -q -n 200 --runs-csv --no-charts -o "$T/keep"
    (cd "$T/keep" && cksum * > "$T/keep.sum")
    for sig in INT TERM; do
        want=130
        [ $sig = TERM ] && want=143
        $BIN run $SMALL -q -n 20000000 --runs-csv --no-charts -o "$T/keep" >"$T/out" 2>&1 &
        pid=$!
        # Wait until the run is under way (its runs.csv temp file exists,
        # so the handlers are in place): up to a minute on a slow machine.
        i=0
        while [ $i -lt 1200 ] && ! ls -A "$T/keep" | grep -q '\.foresight-stage'; do sleep 0.05; i=$((i + 1)); done
        kill -$sig $pid
        wait $pid
        code=$?
        if [ "$code" -eq $want ]; then ok; else bad "SIG$sig: exit $code, expected $want"; fi
        grep -q "interrupted.*no output written" "$T/out" && ok || bad "SIG$sig: message: $(cat "$T/out")"
        if ls -A "$T/keep" | grep -q '\.tmp\.\|\.foresight-'; then bad "SIG$sig left temp files: $(ls -A "$T/keep")"; else ok; fi
        if (cd "$T/keep" && cksum * | cmp -s - "$T/keep.sum"); then ok; else bad "SIG$sig changed the earlier output"; fi
    done
    # A second signal stops at once, still without temp files.
    $BIN run $SMALL -q -n 20000000 --no-charts -o "$T/twice" >"$T/out" 2>&1 &
    pid=$!
    sleep 0.5
    kill -TERM $pid; kill -TERM $pid
    wait $pid
    code=$?
    if [ "$code" -eq 143 ]; then ok; else bad "two SIGTERMs: exit $code, expected 143"; fi
    nothing_in "$T/twice" "two SIGTERMs"
    # A signal while the charts are drawn (large charts take seconds): the
    # committed CSV files stay, no chart and no temp file is left, and the
    # message says how to draw them.
    $BIN run $SMALL -q -n 200 --size 10000x10000 -o "$T/charts" >"$T/out" 2>&1 &
    pid=$!
    i=0
    while [ ! -f "$T/charts/summary.csv" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.2
    kill -INT $pid
    wait $pid
    code=$?
    if [ "$code" -eq 130 ]; then ok; else bad "SIGINT while drawing: exit $code, expected 130"; fi
    grep -q "interrupted while drawing the charts; the CSV files are complete: draw the charts with 'foresight plot $T/charts'" "$T/out" \
        && ok || bad "SIGINT while drawing: message: $(cat "$T/out")"
    if ls "$T/charts" | grep -q '\.png\|\.tmp\.'; then bad "SIGINT while drawing left: $(ls "$T/charts" | tr '\n' ' ')"; else ok; fi
    if [ -f "$T/charts/summary.csv" ] && [ -f "$T/charts/timeseries.csv" ]; then ok; else bad "SIGINT while drawing: the CSV files are gone"; fi
    # The same for 'plot' of a compare directory: it says to plot the
    # compare directory, which redraws every chart, not one scenario's.
    expect "compare for plot" 0 "" compare $SMALL tests/fixtures/cli/small_nohit.cfg -q -n 50 --no-charts -o "$T/cmpi"
    $BIN plot "$T/cmpi" --size 10000x10000 >"$T/out" 2>&1 &
    pid=$!
    sleep 0.5
    kill -INT $pid
    wait $pid
    code=$?
    if [ "$code" -eq 130 ]; then ok; else bad "SIGINT while plotting a compare: exit $code, expected 130"; fi
    grep -q "draw the charts with 'foresight plot $T/cmpi'$" "$T/out" \
        && ok || bad "SIGINT while plotting a compare: message: $(cat "$T/out")"
fi

# In a comparison, a --set that fails for the second scenario names it.
sed 's/id = "share"/id = "pool"/' $SMALL >"$T/pool.cfg"
expect "compare --set failing for the second scenario names it" 2 \
    "^foresight: $T/pool.cfg: --set mechanisms.\\[share\\].intensity=0.4: mechanisms has no element \\[share\\]" \
    compare $SMALL "$T/pool.cfg" --set 'mechanisms.[share].intensity=0.4' -q -n 50 -o "$T/cmpset"

# --- text from a scenario file is data, not markup ---
# Names a spreadsheet would run as formulas, Markdown and HTML in names, the
# question and the unit: the CSV cells get a leading quote (OWASP), the
# briefing shows the text as it is and opens no tag, image, heading or cell.
sed -e 's/^name = .*/name = "=HYPERLINK(\\"http:\/\/evil\/\\",\\"x\\")";/' \
    -e 's/^question = .*/question = "<script>alert(1)<\/script> ![img](http:\/\/evil\/x.png) <img src=x onerror=alert(1)> # not a heading";\nstep_unit = "week|x";/' \
    -e 's/name = "Alpha"/name = "+Alpha|<b>x<\/b>"/' -e 's/name = "Beta"/name = "-Beta"/' \
    -e 's/name = "Gamma"/name = "@Gamma"/' \
    -e 's/{ id = "hit"; /{ id = "hit"; label = "=cmd|'"'"' \/C calc'"'"'!A0"; /' $SMALL >"$T/evil.cfg"
expect "hostile text: run" 0 "" run "$T/evil.cfg" -q -n 100 --no-charts -o "$T/evil"
# No cell of these files starts with = + @, or with - before a letter.
for f in meta actors injects inject_effects; do
    if awk -F, '{ for (i = 1; i <= NF; i++) { c = $i; sub(/^"/, "", c); if (c ~ /^[=+@\t]/ || c ~ /^-[^0-9.]/) { print FILENAME ": " $0; exit 1 } } }' "$T/evil/$f.csv" >"$T/awk"; then ok; else bad "formula cell in $f.csv: $(cat "$T/awk")"; fi
done
grep -q "^name,\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\"$" "$T/evil/meta.csv" && ok || bad "meta.csv name: $(grep '^name' "$T/evil/meta.csv")"
grep -q "^A,'+Alpha|<b>x</b>,member" "$T/evil/actors.csv" && ok || bad "actors.csv: $(sed -n 2p "$T/evil/actors.csv")"
grep -q "^hit,'=cmd|' /C calc'!A0,attack," "$T/evil/injects.csv" && ok || bad "injects.csv: $(sed -n 2p "$T/evil/injects.csv")"
B="$T/evil/briefing.md"
if grep -q '<script\|<img\|!\[\|[^\\]](http' "$B"; then bad "briefing: markup came through: $(grep '<script\|<img\|!\[\|[^\\]](http' "$B" | head -2)"; else ok; fi
grep -q '^# Briefing: \\=HYPERLINK' "$B" && ok || bad "briefing: title: $(head -1 "$B")"
grep -q '^\*\*The question\.\*\* &lt;script&gt;alert(1)&lt;/script&gt; !\\\[img\\\](http://evil/x.png) &lt;img src=x onerror=alert(1)&gt; # not a heading$' "$B" && ok || bad "briefing: question: $(grep 'The question' "$B")"
# The actor's table row keeps its 8 cells: the | in the name is escaped.
row=$(grep '^| \\+Alpha' "$B")
cells=$(printf '%s\n' "$row" | sed 's/\\|//g' | tr -cd '|' | wc -c)
if [ "$cells" -eq 8 ] && printf '%s\n' "$row" | grep -q '^| \\+Alpha\\|&lt;b&gt;x&lt;/b&gt; | member'; then ok; else bad "briefing: actor row: $row"; fi
if grep -q 'week|x' "$B"; then bad "briefing: step_unit's | unescaped"; else ok; fi
if command -v cmark >/dev/null 2>&1; then
    cmark --to html "$B" >"$T/evil.html"
    if grep -q '<script\|<img\|<h[1-6]>[^<]*not a heading' "$T/evil.html"; then bad "briefing: rendered HTML has markup from the scenario"; else ok; fi
fi
# plot reads the quoted cells back (test_plot: test_csv_formula_guard).
expect "hostile text: plot" 0 "" plot "$T/evil"
# sweep.md: the sweep's name and description are data too.
sed -e 's/^name = .*/name = "<script>x<\/script> | y";\ndescription = "![i](http:\/\/evil\/i.png)";/' \
    -e "s#^base = .*#base = \"$PWD/$SMALL\";#" -e 's/^runs = .*/runs = 20;/' \
    tests/fixtures/sweepfiles/grid.cfg >"$T/evil_sweep.cfg"
expect "hostile text: sweep" 0 "" sweep "$T/evil_sweep.cfg" -q --no-charts -o "$T/evilsw"
if grep -q '<script\|!\[' "$T/evilsw/sweep.md"; then bad "sweep.md: markup came through"; else ok; fi
grep -q '^# Sweep: &lt;script&gt;x&lt;/script&gt; \\| y$' "$T/evilsw/sweep.md" && ok || bad "sweep.md title: $(head -1 "$T/evilsw/sweep.md")"

# Control characters in a string are refused with the file, line and
# setting; the message itself never carries a raw escape to the terminal.
printf 'name = "x";\nactors = ( { id = "A"; name = "evil\\x1b]0;pwned\\x07"; } );\n' >"$T/esc.cfg"
refused "escape in a name" "esc.cfg:2: actors.\[A\].name: expected text without control characters, found U+001B (escape, which starts terminal control sequences) at byte 5 of the string" "$T/esc.cfg"
expect "escape in a name: check" 2 "esc.cfg:2: actors.\[A\].name" check "$T/esc.cfg"
if grep -q "$(printf '\033')" "$T/out"; then bad "check printed a raw escape"; else ok; fi
printf 'name = "x";\nquestion = "one\\n## two";\nactors = ( { id = "A"; } );\n' >"$T/nl.cfg"
refused "newline in the question" "nl.cfg:2: question: expected text without control characters, found U+000A (a newline) at byte 4" "$T/nl.cfg"
printf 'name = "x";\nstep_unit = "week\\tx";\nactors = ( { id = "A"; } );\n' >"$T/tab.cfg"
refused "tab in step_unit" "tab.cfg:2: step_unit: expected text without control characters, found U+0009 (a tab)" "$T/tab.cfg"
printf 'name = "x \302\233 y";\nactors = ( { id = "A"; } );\n' >"$T/csi.cfg"
refused "C1 CSI in the name" "csi.cfg:1: name: expected text without control characters, found U+009B (CSI" "$T/csi.cfg"
printf 'name = "x";\nactors = ( { id = "A";\n  name = "ab\\x00cd"; } );\n' >"$T/nul.cfg"
refused "\\x00 in a name" "nul.cfg:3: name: expected text without control characters, found the escape .x00 (the NUL character" "$T/nul.cfg"
printf 'name = "x \\\\x00 is text";\nactors = ( { id = "A"; } );\n' >"$T/notnul.cfg"
expect "an escaped backslash before x00 is text" 0 "" check "$T/notnul.cfg"
printf 'name = "x";\nactors = ( { id = "A"; } );\nmechanisms = ( { id = "m"; type = "intel_sharing"; participants = ["A", "\\x1b[31mB"]; } );\n' >"$T/escref.cfg"
expect "escape in a reference: check" 2 "" check "$T/escref.cfg"
if grep -q "$(printf '\033')" "$T/out"; then bad "check printed a raw escape: $(od -c "$T/out" | head -3)"; else ok; fi
printf 'name = "g\\x1b[2J";\nbase = "%s";\nruns = 10;\ndesign = { type = "grid"; };\nparameters = ( { path = "threats.[net].growth"; levels = [0.0, 0.04]; } );\noutputs = [ "escalation" ];\n' "$PWD/$SMALL" >"$T/escsw.cfg"
expect "escape in a sweep's name" 2 "escsw.cfg:1: name: expected text without control characters, found U+001B" sweep "$T/escsw.cfg" -q --no-charts -o "$T/escsw"

# --- charts under an address-space limit (ulimit -v) ---
# Pango and fontconfig start threads through GLib, which kills the process
# (SIGTRAP) when one cannot be made: the chart stage checks its room first.
# Every outcome is exit 0, or exit 1 with a message and no temp file.
# (Sanitizers and valgrind reserve more address space than any such limit.)
case "$BIN" in
*valgrind*|*build/san*) note "skipped the ulimit -v tests under a sanitizer or valgrind" ;;
*)
    $BIN run $SMALL -q -n 200 --no-charts -o "$T/vm" >/dev/null 2>&1
    clean1=0
    for mb in 32 64 96 128 160 192; do
        for what in run plot; do
            rm -rf "$T/vmrun"
            if [ $what = run ]; then
                dir=$T/vmrun
                (ulimit -v $((mb * 1024)); exec $BIN run $SMALL -q -n 200 -j 2 -o "$T/vmrun") >"$T/out" 2>&1
            else
                dir=$T/vm
                (ulimit -v $((mb * 1024)); exec $BIN plot "$T/vm") >"$T/out" 2>&1
            fi
            code=$?
            if [ $code -eq 0 ] || { [ $code -eq 1 ] && grep -q "^foresight: .*\(not enough memory\|out of memory\)" "$T/out"; }; then ok
            else bad "ulimit -v ${mb}M $what: exit $code: $(head -c 300 "$T/out")"; fi
            [ $code -eq 1 ] && clean1=$((clean1 + 1))
            if [ -z "$(ls -A "$dir" 2>/dev/null | grep '\.tmp\.\|\.foresight-')" ]; then ok; else bad "ulimit -v ${mb}M $what: left $(ls -A "$dir" | grep '\.tmp\.\|\.foresight-')"; fi
        done
    done
    # The smallest limits are refused, with the numbers.
    (ulimit -v 32768; exec $BIN plot "$T/vm") >"$T/out" 2>&1
    grep -q "not enough memory to draw the charts: the address-space limit (ulimit -v) is 32 MiB, [0-9]* MiB of it in use, and drawing needs about 64 MiB more" "$T/out" && ok || bad "ulimit -v 32M plot: $(cat "$T/out")"
    [ $clean1 -ge 2 ] && ok || bad "ulimit -v: expected the small limits to be refused"
    ;;
esac

# --- messages name the file, the reason and what was written ---
# A full disk for the resolved scenario, the briefing or a chart: the file
# and the system's reason.
for f in scenario.resolved.cfg briefing.md; do
    rm -rf "$T/fd"
    mkdir -p "$T/fd"
    sh -c "mkdir \"$T/fd/.foresight-stage.\$\$\"; ln -s /dev/full \"$T/fd/.foresight-stage.\$\$/$f\"; exec $BIN run $SMALL -q --no-charts -o \"$T/fd\"" >"$T/out" 2>&1
    code=$?
    if [ $code -eq 1 ] && grep -q "^foresight: cannot write $T/fd/$f: No space left on device$" "$T/out"; then ok; else bad "full disk for $f: exit $code: $(cat "$T/out")"; fi
    nothing_in "$T/fd" "full disk for $f"
done
$BIN run $SMALL -q -n 100 --no-charts -o "$T/fdc" >/dev/null 2>&1
sh -c "ln -s /dev/full \"$T/fdc/threat_index.png.tmp.\$\$\"; exec $BIN plot \"$T/fdc\"" >"$T/out" 2>&1
code=$?
if [ $code -eq 1 ] && grep -q "^foresight: cannot write $T/fdc/threat_index.png: No space left on device$" "$T/out"; then ok; else bad "full disk for a chart: exit $code: $(cat "$T/out")"; fi
# A seed in hex beyond the range: the number as written, not -1.
printf 'name = "x";\nseed = 0xFFFFFFFFFFFFFFFF;\nactors = ( { id = "A"; } );\n' >"$T/hexseed.cfg"
refused "hex seed beyond the range" "hexseed.cfg:2: seed: expected an integer in 0..9223372036854775807, found 0xFFFFFFFFFFFFFFFF (18446744073709551615)" "$T/hexseed.cfg"
# A resume whose point count was edited: the two counts, not one hash twice.
$BIN sweep tests/fixtures/sweepfiles/grid.cfg -q --no-charts -o "$T/rsw" >/dev/null 2>&1
sed 's/^points = .*/points = 7;/' "$T/rsw/checkpoint/resume.cfg" >"$T/resume.cfg" && cp "$T/resume.cfg" "$T/rsw/checkpoint/resume.cfg"
expect "resume with points edited" 2 "changed since the sweep in .* began (7 points, now 11)" sweep --resume "$T/rsw"
# A sensitivity.csv edited to 1e308: the file, line and column.
$BIN sweep scenarios/sweeps/smoke.cfg -q --no-charts -o "$T/sens" >/dev/null 2>&1
awk -F, 'NR == 2 { $5 = "1e308" } 1' OFS=, "$T/sens/sensitivity.csv" >"$T/sens.csv" && cp "$T/sens.csv" "$T/sens/sensitivity.csv"
expect "sensitivity.csv edited to 1e308" 2 "sens/sensitivity.csv:2:5: column 'estimate': 1e308 is beyond anything a sweep writes" plot "$T/sens"
if ls "$T/sens" | grep -q '\.png\|\.tmp\.'; then bad "sensitivity 1e308: left $(ls "$T/sens" | grep '\.png\|\.tmp\.')"; else ok; fi
# A comparison of three scenarios writes its files one at a time: it runs
# with 16 file descriptors: each scenario's runs.csv stays open, and the
# charts and report.html, drawn side by side, each open their font files;
# a finished chart waiting for the rest of its set holds no descriptor
# (with one each, this needed 20 and failed now and then under load).
F=tests/fixtures/cli
(ulimit -n 16; exec $BIN compare $F/small.cfg $F/small_sharing.cfg $F/small_nohit.cfg -n 100 -q --runs-csv -o "$T/fds") >"$T/out" 2>&1
code=$?
if [ $code -eq 0 ] && [ -f "$T/fds/compare.csv" ] && [ -f "$T/fds/small_nohit/runs.csv" ] && [ -f "$T/fds/compare_outcomes.png" ]; then ok; else bad "compare under ulimit -n 16: exit $code: $(head -c 300 "$T/out")"; fi

finish cli_hostile
