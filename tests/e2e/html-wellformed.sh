#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --format html pages are well-formed, valid UTF-8 and self-contained:
# html_check (tests/e2e/html_check.c) must accept the page of every sample
# tree, of hostile logged strings, of an empty input, of a run with
# unreadable inputs and filters, and of 'extls merge' (reports with and
# without a day key, an empty report); and it must reject pages broken on
# purpose, so that it can fail. With xmllint installed, every page must
# also parse as XML (it is written to be both); without it that part is
# skipped (libxml2's HTML parser knows only HTML 4, so it is not used).
# usage: html-wellformed.sh EXTLS HTML_CHECK SCRATCH   (run from the source root)
set -uo pipefail
exe=$1 check=$2 scratch=$3
rm -rf "$scratch"
mkdir -p "$scratch"
fail=0 n=0

page() { # NAME ARGS...: write the page of extls ARGS to $scratch/NAME.html
    local name=$1
    shift
    "$exe" -q --format html "$@" >"$scratch/$name.html" 2>"$scratch/$name.err"
}

page s2019 samples/exchange2019
page s2010 samples/exchange2010
page hostile tests/data-html/hostile.LOG
page empty tests/data/empty.LOG
page walk tests/data # unreadable headers: exit 2, the page still written
page filtered --direction send --since 2023-01-11T15:30 samples/exchange2019
page by_day --by day,direction samples/exchange2010
# Several servers: reports merged (to-fix lists, trend, servers, --by section).
"$exe" merge --format html --by server tests/merge-data/server-ex2010.json \
    tests/merge-data/server-ex2019.json >"$scratch/merged.html" 2>"$scratch/merged.err"

mpage() { # NAME REPORTS...: write the page of extls merge REPORTS to $scratch/NAME.html
    local name=$1
    shift
    "$exe" merge -q --format html "$@" >"$scratch/$name.html" 2>"$scratch/$name.err" ||
        { echo "FAIL: extls merge --format html $* exits $?"; fail=1; }
}
"$exe" -q --format json samples/exchange2019 >"$scratch/r2019.json"
"$exe" -q --format json samples/exchange2010 >"$scratch/r2010.json"
"$exe" -q --format json --by day,direction,connector samples/exchange2019 >"$scratch/d2019.json"
"$exe" -q --format json --by day,direction,connector samples/exchange2010 >"$scratch/d2010.json"
"$exe" -q --format json --since 2030-01-01 samples/exchange2019 >"$scratch/none.json"
mpage merged "$scratch/r2019.json" "$scratch/r2010.json"
mpage merged_days "$scratch/d2019.json" "$scratch/d2010.json"
mpage merged_empty "$scratch/none.json"
grep -q 'Trend per day' "$scratch/merged_days.html" ||
    { echo "FAIL: no day chart in the page of reports split by day"; fail=1; }

for f in "$scratch"/*.html; do
    n=$((n + 1))
    [ -s "$f" ] || { echo "FAIL: empty page $f"; fail=1; continue; }
    "$check" "$f" >/dev/null || { echo "FAIL: html_check rejects $f"; fail=1; }
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$f" || { echo "FAIL: not well-formed XML: $f"; fail=1; }
    fi
done
command -v xmllint >/dev/null 2>&1 || echo "note: xmllint not installed, XML parse skipped"

# Broken on purpose: each must be rejected.
good=$scratch/s2019.html
mutant() { # WHAT SED-SCRIPT
    n=$((n + 1))
    sed -e "$2" "$good" >"$scratch/mutant.bad"
    if cmp -s "$good" "$scratch/mutant.bad"; then
        echo "FAIL: mutant '$1' changed nothing"
        fail=1
    elif "$check" "$scratch/mutant.bad" >/dev/null 2>&1; then
        echo "FAIL: html_check accepts a page with $1"
        fail=1
    fi
}
mutant "an unclosed cell" '0,/<\/td>/s///'
mutant "a misnested end tag" '0,/<\/span>/s//<\/th>/'
mutant "a script" 's/<main>/<main><script>alert(1)<\/script>/'
mutant "an event handler" 's/<main>/<main onclick="x()">/'
mutant "an external image" 's/<main>/<main><img src="x.png"\/>/'
mutant "an external style" 's/<\/style>/@import "x.css";<\/style>/'
mutant "a url() to elsewhere" 's/url(#extls-legacy-hatch)/url(x.svg#a)/'
mutant "a url(#id) to no element" '0,/url(#extls-legacy-hatch)/s//url(#nothing)/'
mutant "a named entity XML does not know" 's/EX2019\\Default EX2019/EX2019\&nbsp;Default/'
mutant "a bare ampersand" 's/Default EX2019/Default \& EX2019/'
mutant "a raw '<' in text" 's/Default EX2019/Default < EX2019/'
mutant "invalid UTF-8" 's/Default EX2019/Default \xff EX2019/'
mutant "a control character" 's/Default EX2019/Default \x01 EX2019/'
mutant "an overlong '/'" 's/Default EX2019/Default \xc0\xaf EX2019/'
mutant "an overlong 3-byte sequence" 's/Default EX2019/Default \xe0\x80\xaf EX2019/'
mutant "a UTF-8 surrogate" 's/Default EX2019/Default \xed\xa0\x80 EX2019/'
mutant "a code point above U+10FFFF" 's/Default EX2019/Default \xf4\x90\x80\x80 EX2019/'
mutant "a cut-off sequence" 's/Default EX2019/Default \xe2\x82 EX2019/'
mutant "a C1 control" 's/Default EX2019/Default \xc2\x85 EX2019/'
mutant "a noncharacter" 's/Default EX2019/Default \xef\xbf\xbe EX2019/'
mutant "a plane-16 noncharacter" 's/Default EX2019/Default \xf4\x8f\xbf\xbf EX2019/'
mutant "a reference to a C1 control" 's/Default EX2019/Default \&#x85; EX2019/'
mutant "a self-closed div" 's/<main>/<main><div\/>/'
mutant "a void element left open" 's/<meta charset="utf-8"\/>/<meta charset="utf-8">/'
mutant "a chart without title" '0,/role="img"><title>/s//role="img"><desc>x<\/desc><title>/'
mutant "an unquoted attribute" 's/<table class="bars">/<table class=bars>/'
mutant "a repeated id" 's/<\/defs>/<pattern id="extls-legacy-hatch"\/><\/defs>/'
mutant "no charset" 's/<meta charset="utf-8"\/>//'
mutant "no doctype" '1d'
mutant "a missing </html>" '$d'

[ $fail -eq 0 ] && echo "ok: $n pages checked (broken ones rejected)"
exit $fail
