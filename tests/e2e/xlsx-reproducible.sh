#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With SOURCE_DATE_EPOCH set, an xlsx workbook (report and 'sessions') is the
# same bytes however late it is made: its creation time (docProps/core.xml)
# is that time, not the clock.
set -u
extls=${1:?usage: xlsx-reproducible.sh EXTLS}
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000 # 2023-11-14T22:13:20Z
fails=0
for cmd in "" sessions; do
    $extls $cmd -q -f xlsx samples/exchange2019 >"$work/a.xlsx" || { echo "FAIL: extls $cmd -f xlsx"; fails=$((fails + 1)); }
    sleep 1.1
    $extls $cmd -q -f xlsx samples/exchange2019 >"$work/b.xlsx"
    if ! cmp -s "$work/a.xlsx" "$work/b.xlsx"; then
        echo "FAIL: extls $cmd -f xlsx: two runs a second apart differ"
        fails=$((fails + 1))
    fi
    if ! python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("docProps/core.xml").decode())' \
        "$work/a.xlsx" | grep -q '2023-11-14T22:13:20Z'; then
        echo "FAIL: extls $cmd -f xlsx: docProps/core.xml lacks the SOURCE_DATE_EPOCH time"
        fails=$((fails + 1))
    fi
done
echo "xlsx-reproducible: $fails failed"
[ "$fails" -eq 0 ]
