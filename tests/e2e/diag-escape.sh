#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Diagnostics cannot be steered by names: a file whose name holds a line
# feed and a terminal escape, with a malformed row, and an argument holding
# them, give one stderr line each, with those bytes written as \xHH. (Its
# only row is malformed: the run saw nothing, said in a second line.)
# usage: diag-escape.sh EXTLS   (run from the source root)
set -euo pipefail
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=$tmp/$'RECV20230111-1\n\e[31mred.LOG'
printf '#Log-type: SMTP Receive Protocol Log\r\nnot,a,row\r\n' >"$name"
fail=0
"$exe" --format csv "$tmp" >/dev/null 2>"$tmp/err" || true
if grep -q $'\e' "$tmp/err"; then echo "FAIL: raw escape byte on stderr"; fail=1; fi
lines=$(wc -l <"$tmp/err")
[ "$lines" -eq 2 ] || { echo "FAIL: $lines stderr lines, want 2"; cat -A "$tmp/err"; fail=1; }
# (the folder holds this script's stderr file too: "1 other file")
[ "$(sed -n 2p "$tmp/err")" = "extls: $tmp: no valid row read (1 file of malformed rows only, 1 other file)" ] ||
    { echo "FAIL: second line"; cat -A "$tmp/err"; fail=1; }
grep -q 'RECV20230111-1\\x0A\\x1B\[31mred.LOG:2: expected 9 fields, found 3' "$tmp/err" ||
    { echo "FAIL: escaped name not found"; cat -A "$tmp/err"; fail=1; }
set +e
"$exe" --format $'x\e[2Jy' "$tmp" >/dev/null 2>"$tmp/err2"
rc=$?
set -e
[ $rc -eq 2 ] || { echo "FAIL: usage error exit $rc"; fail=1; }
if grep -q $'\e' "$tmp/err2"; then echo "FAIL: raw escape in a usage error"; fail=1; fi
grep -qx "extls: unknown format 'x\\\\x1B\[2Jy': use .*" "$tmp/err2" || { echo "FAIL: usage error text"; cat -A "$tmp/err2"; fail=1; }
[ $fail -eq 0 ] && echo "ok: names and arguments reach stderr escaped, one line each"
exit $fail
