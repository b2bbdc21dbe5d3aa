#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: an input that fails part-way is counted once. Its rows before the
# failure are counted by the run that read them; the state records where
# that run stopped, so later runs meet the same error (exit 2, named again)
# without counting those rows again, and once the file is repaired or
# completed the next run reads on from there. Checked for
#   (a) a gzip file cut off mid-member (a copy interrupted), later whole;
#   (b) a damaged '#Fields:' line in the middle of a plain log, later removed;
#   (c) a file that fails at its first line (nothing read: no record).
# In each, after the repair, --report all equals one plain run over the
# repaired files, group by group, and the runs in between report no session.
# usage: state-failed-input.sh GENLOGS EXTLS
set -euo pipefail
genlogs=$1 exe=$2
run_opts=(--quiet)
# shellcheck source=tests/e2e/state-lib.sh
source "$(dirname "$0")/state-lib.sh"

"$genlogs" --out "$tmp/src" --mb 2 --files-mb 1 --seed 11 --row-ms 3000 >/dev/null
# The newest receive log: its series' clock is its own last row, so the
# sessions open where it is cut stay open (a file in the middle of a series
# would see its open sessions folded by the later files' clock).
last=$(cd "$tmp/src" && find . -name 'RECV*.LOG' | sort | tail -1)
lines=$(wc -l <"$tmp/src/$last")

# (a) gzip cut off, then whole.
rm -rf "$tmp/a" && cp -r "$tmp/src" "$tmp/a"
gzip -n "$tmp/a/$last"
"$exe" --quiet --format tsv --by $by "$tmp/a" >"$tmp/a.plain"
cp "$tmp/a/$last.gz" "$tmp/whole.gz"
size=$(stat -c %s "$tmp/whole.gz")
head -c $((size * 6 / 10)) "$tmp/whole.gz" >"$tmp/a/$last.gz"
run 2 "$tmp/a1" --state "$tmp/a.state" "$tmp/a"
check "(a) the cut gzip file is named" grep -q "${last##*/}.gz" "$tmp/err"
run 2 "$tmp/a2" --state "$tmp/a.state" "$tmp/a"
check "(a) a second run over the same cut file reports no session ($(sessions_of "$tmp/a2"))" \
    test "$(sessions_of "$tmp/a2")" = 0
cp "$tmp/whole.gz" "$tmp/a/$last.gz"
run 0 "$tmp/a3" --state "$tmp/a.state" "$tmp/a"
run 0 "$tmp/a.all" --state "$tmp/a.state" --report all "$tmp/a"
check "(a) --report all after the repair equals the plain run" \
    diff <(counters "$tmp/a.plain") <(counters "$tmp/a.all")
check "(a) the plain run has sessions" test "$(sessions_of "$tmp/a.plain")" -gt 100

# (b) a damaged #Fields line in the middle of a plain log, then removed.
rm -rf "$tmp/b" && cp -r "$tmp/src" "$tmp/b"
"$exe" --quiet --format tsv --by $by "$tmp/b" >"$tmp/b.plain"
awk -v mid=$((lines / 2)) '{ print } NR == mid { print "#Fields: date-time,session-id" }' \
    "$tmp/src/$last" >"$tmp/b/$last"
run 2 "$tmp/b1" --state "$tmp/b.state" "$tmp/b"
check "(b) the damaged header is named with its line" \
    grep -q "${last##*/}:$((lines / 2 + 1))" "$tmp/err"
run 2 "$tmp/b2" --state "$tmp/b.state" "$tmp/b"
check "(b) a second run over the same damaged file reports no session ($(sessions_of "$tmp/b2"))" \
    test "$(sessions_of "$tmp/b2")" = 0
check "(b) ... and names the damaged line again" \
    grep -q "${last##*/}:$((lines / 2 + 1))" "$tmp/err"
cp "$tmp/src/$last" "$tmp/b/$last"
run 0 "$tmp/b3" --state "$tmp/b.state" "$tmp/b"
run 0 "$tmp/b.all" --state "$tmp/b.state" --report all "$tmp/b"
check "(b) --report all after the repair equals the plain run" \
    diff <(counters "$tmp/b.plain") <(counters "$tmp/b.all")
check "(b) the first run counted part of the damaged file, the repaired run the rest" \
    test "$(($(sessions_of "$tmp/b1") + $(sessions_of "$tmp/b3")))" -le "$(sessions_of "$tmp/b.plain")"

# (c) damaged from its first line: nothing read, no record; whole later.
rm -rf "$tmp/c" && cp -r "$tmp/src" "$tmp/c"
{ echo "#Fields: nonsense"; cat "$tmp/src/$last"; } >"$tmp/c/$last"
run 2 "$tmp/c1" --state "$tmp/c.state" "$tmp/c"
run 2 "$tmp/c2" --state "$tmp/c.state" "$tmp/c"
check "(c) a second run reports no session" test "$(sessions_of "$tmp/c2")" = 0
cp "$tmp/src/$last" "$tmp/c/$last"
run 0 "$tmp/c3" --state "$tmp/c.state" "$tmp/c"
run 0 "$tmp/c.all" --state "$tmp/c.state" --report all "$tmp/c"
check "(c) --report all after the repair equals the plain run" \
    diff <(counters "$tmp/b.plain") <(counters "$tmp/c.all")

[ $fail -eq 0 ] && echo "state-failed-input: all checks passed"
exit $fail
