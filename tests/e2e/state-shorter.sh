#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: a file with its first 4 KiB but shorter than where the last run
# stopped (a copy job in the middle of overwriting it) is not read again
# from the start: the run reads nothing of it, says so (not with --quiet),
# keeps its record, and once the file has grown back past that place the
# next run reads on from there. The newest receive log is copied in three
# steps: 70 % of its lines, then (the copy started over) 40 %, then whole;
# a --state run after each. The runs report no session twice: --report all
# after the last equals one plain run over the whole files, group by group,
# and so does the sum of the runs' --report new.
# usage: state-shorter.sh GENLOGS EXTLS
set -euo pipefail
genlogs=$1 exe=$2
# shellcheck source=tests/e2e/state-lib.sh
source "$(dirname "$0")/state-lib.sh"
overwrite() { # lines: the first LINES lines of the whole file, written over it in place
    head -n "$1" "$tmp/whole" >"$tmp/part"
    cat "$tmp/part" >"$tmp/logs/$last"
}

"$genlogs" --out "$tmp/logs" --mb 2 --files-mb 1 --seed 11 --row-ms 3000 >/dev/null
"$exe" --quiet --format tsv --by $by "$tmp/logs" >"$tmp/plain"
check "the plain run has sessions" test "$(sessions_of "$tmp/plain")" -gt 100
last=$(cd "$tmp/logs" && find . -name 'RECV*.LOG' | sort | tail -1)
cp "$tmp/logs/$last" "$tmp/whole"
lines=$(wc -l <"$tmp/whole")
check "the file is well over 4 KiB at 40 % of its lines" \
    test "$(head -n $((lines * 4 / 10)) "$tmp/whole" | wc -c)" -gt 8192

overwrite $((lines * 7 / 10))
run 0 "$tmp/r1" --state "$tmp/s" "$tmp/logs"
cp "$tmp/s" "$tmp/s.after1"
overwrite $((lines * 4 / 10))
run 0 "$tmp/r2" --state "$tmp/s" "$tmp/logs"
check "the shorter file is named with the note" \
    grep -qF "extls: $tmp/logs/${last#./}: shorter than when last read; read again once it has grown back" \
    "$tmp/err"
check "nothing is said replaced" bash -c "! grep -q 'replaced' '$tmp/err'"
check "the run over the shorter file reports no session ($(sessions_of "$tmp/r2"))" \
    test "$(sessions_of "$tmp/r2")" = 0
check "its record is kept as it was" \
    diff <(grep "${last##*/}" "$tmp/s.after1") <(grep "${last##*/}" "$tmp/s")
run 0 "$tmp/r2q" --quiet --state "$tmp/s" "$tmp/logs"
check "with --quiet the note is not written" test ! -s "$tmp/err"
cp "$tmp/whole" "$tmp/logs/$last"
run 0 "$tmp/r3" --quiet --state "$tmp/s" "$tmp/logs"
check "the whole file is read on from where the first run stopped" \
    test "$(sessions_of "$tmp/r3")" -gt 0
run 0 "$tmp/all" --quiet --state "$tmp/s" --report all "$tmp/logs"
check "--report all equals the plain run" same "$tmp/plain" "$tmp/all"
sum=$(($(sessions_of "$tmp/r1") + $(sessions_of "$tmp/r2") + $(sessions_of "$tmp/r2q") + $(sessions_of "$tmp/r3")))
check "the runs' reports add up to at most the plain run ($sum)" \
    test "$sum" -le "$(sessions_of "$tmp/plain")"

[ $fail -eq 0 ] && echo "state-shorter: all checks passed"
exit $fail
