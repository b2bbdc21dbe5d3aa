#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The --format html page in a real browser: headless Chromium takes a
# 1280x1600 screenshot of the samples/exchange2019 page, which must be a
# PNG of that size with something drawn on it (a blank page of that size
# is about 9 KB; the report over 40 KB). Chromium's DOM of the page must
# hold as many elements of each kind as the page has tags (nothing
# re-parented or dropped by the HTML parser; also for the page of two
# servers merged, with its to-fix lists and trend), and the hostile strings of
# tests/data-html must stay text (no <script> element).
# Exits 77 (skipped) when chromium is not installed.
# usage: html-chromium.sh EXTLS SCRATCH   (run from the source root)
set -uo pipefail
exe=$1 scratch=$2
if ! command -v chromium >/dev/null 2>&1; then
    echo "skip: chromium is not installed (Debian package chromium)"
    exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch/profile"
fail=0

browser() { # ARGS...: headless chromium on a fresh profile
    rm -rf "$scratch/profile" && mkdir -p "$scratch/profile"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$scratch/profile" "$@" 2>>"$scratch/chromium.log"
}

"$exe" -q --format html samples/exchange2019 >"$scratch/report.html"
"$exe" -q --format html tests/data-html/hostile.LOG >"$scratch/hostile.html"
"$exe" merge --format html --by server tests/merge-data/server-ex2010.json \
    tests/merge-data/server-ex2019.json >"$scratch/merged.html"

browser --screenshot="$scratch/report.png" --window-size=1280,1600 "file://$scratch/report.html" \
    >/dev/null
png=$scratch/report.png
if [ ! -s "$png" ]; then
    echo "FAIL: no screenshot"
    tail -5 "$scratch/chromium.log"
    exit 1
fi
sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] || { echo "FAIL: not a PNG (signature $sig)"; fail=1; }
read -r w1 w2 w3 w4 h1 h2 h3 h4 < <(od -An -tu1 -j16 -N8 "$png")
width=$(((w1 << 24) | (w2 << 16) | (w3 << 8) | w4))
height=$(((h1 << 24) | (h2 << 16) | (h3 << 8) | h4))
[ "$width" -eq 1280 ] && [ "$height" -eq 1600 ] ||
    { echo "FAIL: screenshot is ${width}x$height, want 1280x1600"; fail=1; }
size=$(stat -c %s "$png")
[ "$size" -gt 40000 ] || { echo "FAIL: screenshot of $size bytes looks blank"; fail=1; }

for page in report hostile merged; do
    browser --dump-dom "file://$scratch/$page.html" >"$scratch/$page.dom"
    for el in html head body header main section figure table thead tbody tr th td svg g rect \
        line text title desc ul li time h3 details summary polyline circle; do
        want=$(grep -o "<$el[ >/]" "$scratch/$page.html" | wc -l)
        got=$(grep -o "<$el[ >/]" "$scratch/$page.dom" | wc -l)
        [ "$want" -eq "$got" ] ||
            { echo "FAIL: $page: $want <$el> in the page, $got in Chromium's DOM"; fail=1; }
    done
done
grep -q '<script' "$scratch/hostile.dom" && { echo "FAIL: hostile EHLO became a script"; fail=1; }
grep -qF "&lt;script&gt;alert('x')&amp;amp;\"q\"&lt;/script&gt;" "$scratch/hostile.dom" ||
    { echo "FAIL: hostile EHLO not kept as text"; fail=1; }

[ $fail -eq 0 ] && echo "ok: ${width}x$height PNG of $size bytes; Chromium's DOM matches the page"
exit $fail
