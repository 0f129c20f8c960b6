#!/bin/sh
# browser.sh: report.html of a run, a compare, a sweep, a discovery, a
# search and a calibration (tests/fixtures/calibrate/rats) in headless
# Chromium. Fails on a console message, a chart drawn at zero size, a page
# wider than the window at 1280x800 or 800x600, scenario text turned into
# markup (tests/fixtures/report/hostile.cfg names its scenario, actors and
# an inject in HTML), or a print to PDF whose page count is out of bounds,
# which cuts a chart from its caption across a page, or ends a page with a
# heading. The page itself has no script: the test's copy of it gets one
# that writes its measurements into the DOM, which --dump-dom prints.
# Screenshots and PDFs stay in build/browser/ to be looked at. Run by
# tests/run.sh; prints "browser: N passed, N failed". Needs chromium and
# pdftotext/pdfinfo (poppler-utils): .ci/deps.sh installs both.
. tests/lib.sh
trap 'rm -rf "$T"' EXIT
ART=build/browser
mkdir -p "$ART"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] || ! command -v pdftotext >/dev/null 2>&1; then
    bad "chromium or pdftotext is missing: run .ci/deps.sh"
    finish browser
    exit 1
fi
# A profile of its own, so that no other Chromium's state is touched.
chrome() {
    timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$T/profile" --enable-logging=stderr --v=0 "$@"
}

# unescape: the HTML text of stdin as plain text (the entities we write).
unescape() { sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g'; }

# The measuring script, put at the end of the test's copy of a page.
cat > "$T/measure.js" <<'JS'
<script>
(function () {
  var errs = [];
  window.addEventListener('error', function (e) {
    errs.push('error ' + (e.message || (e.target && (e.target.src || e.target.href)) || '?'));
  }, true);
  window.addEventListener('load', function () {
    var out = [], zero = 0, svgs = document.querySelectorAll('figure svg');
    svgs.forEach(function (s) {
      var r = s.getBoundingClientRect();
      if (r.width < 100 || r.height < 60) zero++;
    });
    var wide = 0;
    document.querySelectorAll('body *').forEach(function (el) {
      if (el.closest('.table')) return;   /* a wide table scrolls in its box */
      if (el.getBoundingClientRect().right > window.innerWidth + 1) wide++;
    });
    var on = 0;
    document.querySelectorAll('*').forEach(function (el) {
      for (var i = 0; i < el.attributes.length; i++)
        if (/^on/i.test(el.attributes[i].name)) on++;
    });
    out.push('charts=' + svgs.length);
    out.push('zero=' + zero);
    out.push('overflow=' + (document.documentElement.scrollWidth - window.innerWidth));
    out.push('wide=' + wide);
    out.push('scripts=' + document.scripts.length);
    out.push('markup=' + document.querySelectorAll('img, iframe, b, u, a[href^="javascript"]').length);
    out.push('onattrs=' + on);
    out.push('title=' + document.title);
    out.push('errors=' + errs.length + ' ' + errs.join(' | '));
    var pre = document.createElement('pre');
    pre.id = 'fs-measure';
    pre.textContent = out.join('\n');
    document.body.appendChild(pre);
  });
})();
</script>
JS

# measure NAME HTML W H: loads the test's copy of HTML at W x H, checks it.
measure() {
    name=$1 html=$2 w=$3 h=$4
    dir=$(dirname "$html")
    copy="$dir/.measure-$w.html"
    sed '/^<\/body>/d' "$html" > "$copy"
    cat "$T/measure.js" >> "$copy"
    echo '</body></html>' >> "$copy"
    chrome --window-size="$w,$h" --virtual-time-budget=5000 --dump-dom "file://$(realpath "$copy")" \
        > "$T/dom" 2> "$T/log"
    rm -f "$copy"
    sed -n '/<pre id="fs-measure">/,/<\/pre>/p' "$T/dom" | sed 's/<[^>]*>//g' | unescape > "$T/m"
    val() { sed -n "s/^$1=//p" "$T/m" | head -1; }
    charts=$(val charts)
    [ -n "$charts" ] || { bad "$name at ${w}x$h: no measurements (the page did not load)"; return; }
    [ "$charts" -eq "$5" ] && ok || bad "$name at ${w}x$h: $charts charts, expected $5"
    [ "$(val zero)" = 0 ] && ok || bad "$name at ${w}x$h: $(val zero) charts drawn at (near) zero size"
    [ "$(val overflow)" -le 0 ] && ok || bad "$name at ${w}x$h: the page is $(val overflow) px wider than the window"
    [ "$(val wide)" = 0 ] && ok || bad "$name at ${w}x$h: $(val wide) elements reach past the window's right edge"
    [ "$(val scripts)" = 1 ] && ok || bad "$name at ${w}x$h: $(val scripts) scripts (the test's own is the only one)"
    [ "$(val markup)" = 0 ] && ok || bad "$name at ${w}x$h: $(val markup) img/iframe/b/u/javascript elements from scenario text"
    [ "$(val onattrs)" = 0 ] && ok || bad "$name at ${w}x$h: $(val onattrs) event-handler attributes"
    case "$(val errors)" in
        "0 ") ok ;;
        *) bad "$name at ${w}x$h: page errors: $(val errors)" ;;
    esac
    if grep -q ':CONSOLE' "$T/log"; then
        bad "$name at ${w}x$h: console: $(grep ':CONSOLE' "$T/log" | head -3)"
    else
        ok
    fi
    [ -z "$6" ] || { grep -qF -- "title=$6" "$T/m" && ok || bad "$name: the title is not the scenario's text: $(val title)"; }
}

# screenshot NAME HTML W H
screenshot() {
    chrome --window-size="$3,$4" --virtual-time-budget=5000 --screenshot="$ART/$1.png" \
        "file://$(realpath "$2")" > /dev/null 2>&1
    [ -s "$ART/$1.png" ] && ok || bad "$1: no screenshot"
}

# printed NAME HTML MIN MAX: prints HTML to PDF; its page count must be in
# [MIN, MAX]; every figure's number and the start of its caption on one
# page (the chart between them is not cut); no page ending in a heading.
printed() {
    name=$1 html=$2
    pdf="$ART/$name.pdf"
    rm -f "$pdf"
    chrome --no-pdf-header-footer --virtual-time-budget=5000 --print-to-pdf="$pdf" \
        "file://$(realpath "$html")" > /dev/null 2>&1
    pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
    if [ -z "$pages" ]; then bad "$name: no PDF"; return; fi
    [ "$pages" -ge "$3" ] && [ "$pages" -le "$4" ] && ok ||
        bad "$name: $pages pages printed, expected $3 to $4"
    p=1
    while [ "$p" -le "$pages" ]; do
        pdftotext -f $p -l $p "$pdf" - 2>/dev/null | tr '\f' '\n' > "$T/page$p"
        p=$((p + 1))
    done
    n=1 cut=0
    while grep -q "<figure id=\"fig$n\">" "$html"; do
        cap=$(sed -n "s/^<figcaption id=\"fig$n-alt\">\([^<]*\).*/\1/p" "$html" | unescape | cut -c1-36)
        p=1 found=0
        while [ "$p" -le "$pages" ]; do
            if grep -q "^Figure $n:" "$T/page$p"; then
                tr '\n' ' ' < "$T/page$p" | tr -s ' ' | grep -qF -- "$cap" && found=1
                break
            fi
            p=$((p + 1))
        done
        [ "$found" = 1 ] || { cut=$((cut + 1)); echo "  note: $name: figure $n is not on one page with its caption"; }
        n=$((n + 1))
    done
    [ "$cut" = 0 ] && [ "$n" -gt 1 ] && ok || bad "$name: $cut of $((n - 1)) figures split from their caption"
    sed -n 's/^<h[12]>\(.*\)<\/h[12]>$/\1/p' "$html" | unescape > "$T/heads"
    p=1 orphan=0
    while [ "$p" -lt "$pages" ]; do
        last=$(grep -v '^[[:space:]]*$' "$T/page$p" | tail -1)
        if grep -qxF -- "$last" "$T/heads" || echo "$last" | grep -q '^Figure [0-9]*:'; then
            orphan=$((orphan + 1))
            echo "  note: $name: page $p ends with '$last'"
        fi
        p=$((p + 1))
    done
    [ "$orphan" = 0 ] && ok || bad "$name: $orphan pages end with a heading or a figure's number"
}

HOST=tests/fixtures/report/hostile.cfg
SMALL=tests/fixtures/cli/small.cfg
TITLE='Briefing: <script>alert(1)</script>"><img src=x onerror=alert(2)>'
expect "run" 0 "" run "$HOST" -n 60 -q -o "$T/run"
expect "compare" 0 "" compare "$SMALL" "$HOST" -n 60 -q -o "$T/cmp"
expect "sweep" 0 "" sweep scenarios/sweeps/smoke.cfg -q -o "$T/sw"
# A discovery on a small CSV whose column name is markup, and a tiny
# search whose name and lever labels are.
awk 'BEGIN { print "<img src=x onerror=alert(6)>,x2,y";
    for (i = 0; i < 200; i++) { a = (i * 37 % 200) / 200; b = (i * 91 % 200) / 200;
        print a "," b "," (a < 0.3 && b > 0.6 ? 1 : 0) } }' > "$T/cases.csv"
expect "discover" 0 "" discover "$T/cases.csv" --output y --above 0.5 -q -o "$T/disc"
expect "optimize" 0 "" optimize tests/fixtures/report/hostile_search.cfg -q -o "$T/opt"
cp -r tests/fixtures/calibrate/rats "$T/cal"
expect "calibrate report" 0 "" report "$T/cal"
nrun=$(ls "$T/run"/*.png | wc -l)
nsw=$(ls "$T/sw"/*.png | wc -l)
for size in 1280x800 800x600; do
    w=${size%x*} h=${size#*x}
    measure run "$T/run/report.html" "$w" "$h" "$nrun" "$TITLE"
    measure compare "$T/cmp/report.html" "$w" "$h" 3 ""
    measure sweep "$T/sw/report.html" "$w" "$h" "$nsw" ""
    measure discover "$T/disc/report.html" "$w" "$h" 3 "When does it go wrong? cases.csv"
    measure optimize "$T/opt/report.html" "$w" "$h" 3 '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    measure calibrate "$T/cal/report.html" "$w" "$h" 4 "Calibration: RATS 2011-2015"
done
screenshot run-1280x800 "$T/run/report.html" 1280 800
screenshot run-800x600 "$T/run/report.html" 800 600
screenshot compare-1280x800 "$T/cmp/report.html" 1280 800
screenshot sweep-1280x800 "$T/sw/report.html" 1280 800
screenshot discover-1280x800 "$T/disc/report.html" 1280 800
screenshot optimize-1280x800 "$T/opt/report.html" 1280 800
screenshot optimize-800x600 "$T/opt/report.html" 800 600
screenshot calibrate-1280x800 "$T/cal/report.html" 1280 800
# A chart with its number and caption takes most of a page: at least one
# page per chart, and at most one more per chart plus a few of text.
printed run "$T/run/report.html" "$nrun" $((2 * nrun + 4))
printed compare "$T/cmp/report.html" 3 10
printed sweep "$T/sw/report.html" "$nsw" $((2 * nsw + 4))
printed discover "$T/disc/report.html" 3 10
printed optimize "$T/opt/report.html" 3 10
printed calibrate "$T/cal/report.html" 4 12
finish browser
