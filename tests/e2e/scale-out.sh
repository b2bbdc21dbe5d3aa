#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The commands of docs/scale-out.md work: the blocks marked "e2e: daily"
# and "e2e: daily-xargs" are taken from the document and run over two
# "servers" (copies of the sample trees, EX2010 and EX2019) for each day
# the samples cover. Then:
#   - both blocks write the same reports, byte for byte;
#   - each day's merged report, regrouped without the server key, equals
#     one run over both servers for that day;
#   - per server and direction, the merged days equal per-server runs;
#   - all days merged hold every session of one run over everything.
# usage: scale-out.sh EXTLS   (run from the source root)
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
mkdir -p "$tmp/bin" "$tmp/logs/EX2010" "$tmp/logs/EX2019"
ln -s "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" "$tmp/bin/extls"
export PATH="$tmp/bin:$PATH"
cp -r samples/exchange2010/. "$tmp/logs/EX2010/"
cp -r samples/exchange2019/. "$tmp/logs/EX2019/"

block() { # NAME: the sh block after "<!-- e2e: NAME " in docs/scale-out.md
    awk -v m="<!-- e2e: $1 " 'index($0, m) == 1 { f = 1; next }
        f == 1 && /^```/ { f = 2; next } f == 2 && /^```/ { exit } f == 2' docs/scale-out.md
}
daily=$(block daily)
daily_xargs=$(block daily-xargs)
[ -n "$daily" ] && [ -n "$daily_xargs" ] || { echo "FAIL: blocks not found"; exit 1; }

fail=0 checked=0
same() { # NAME A B
    checked=$((checked + 1))
    if ! cmp -s "$2" "$3"; then
        echo "FAIL: $1"
        diff -u "$2" "$3" | head -20
        fail=1
    fi
}

days=(2016-12-01 2016-12-02 2023-01-11)
for day in "${days[@]}"; do
    next=$(date -u -d "$day + 1 day" +%F)
    logs=$tmp/logs reports=$tmp/reports day=$day next=$next bash -eu -c "$daily"
    logs=$tmp/logs reports=$tmp/reports-xargs day=$day next=$next bash -eu -c "$daily_xargs"
    for f in EX2010 EX2019; do
        same "$day $f: loop and xargs" "$tmp/reports/$day/$f.json" "$tmp/reports-xargs/$day/$f.json"
    done
    same "$day: loop and xargs merged" "$tmp/reports/$day.json" "$tmp/reports-xargs/$day.json"
    extls -q --format json --since "$day" --until "$next" "$tmp/logs/EX2010" "$tmp/logs/EX2019" \
        >"$tmp/one-run.json"
    extls merge --by direction,connector,remote "$tmp/reports/$day.json" >"$tmp/regrouped.json"
    same "$day: merged servers = one run" "$tmp/one-run.json" "$tmp/regrouped.json"
done

# A server folder with no logs (a failed mount): both forms say so by their exit status.
mkdir -p "$tmp/logs-broken/EX2099"
cp -r "$tmp/logs/EX2010" "$tmp/logs-broken/"
for form in daily daily_xargs; do
    rc=0
    logs=$tmp/logs-broken reports=$tmp/reports-broken-$form day=2016-12-01 next=2016-12-02 \
        bash -u -c "${!form}" 2>/dev/null || rc=$?
    checked=$((checked + 1))
    [ $rc -eq 2 ] || { echo "FAIL: $form with an empty server folder exited $rc, not 2"; fail=1; }
done

# Per server: the days merged = one run per server with --server.
extls merge --format csv --by server,direction "$tmp/reports"/*-*-??.json >"$tmp/merged.csv"
{
    extls -q --format csv --server EX2010 --by server,direction "$tmp/logs/EX2010"
    extls -q --format csv --server EX2019 --by server,direction "$tmp/logs/EX2019" | tail -n +2
} >"$tmp/per-server.csv"
same "per server and direction" "$tmp/per-server.csv" "$tmp/merged.csv"
[ "$(wc -l <"$tmp/merged.csv")" -eq 5 ] || { echo "FAIL: expected 2 servers x 2 directions"; fail=1; }

# Every session, once: the groups of all days merged = one run over all.
extls merge --by direction,connector,remote "$tmp/reports"/*-*-??.json | tail -n +3 >"$tmp/days"
extls -q --format json "$tmp/logs/EX2010" "$tmp/logs/EX2019" | tail -n +3 >"$tmp/all"
same "all days: every session once" "$tmp/all" "$tmp/days"

# The table and --fail-on of the document.
extls merge --format table "$tmp/reports/2023-01-11.json" >"$tmp/table"
grep -q '^receive    EX2019\\Default Frontend EX2019 *15 ' "$tmp/table" || {
    echo "FAIL: table"; cat "$tmp/table"; fail=1; }
rc=0
extls merge --fail-on legacy "$tmp/reports/2023-01-11.json" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: --fail-on legacy exit $rc, want 1"; fail=1; }

[ "$fail" -eq 0 ] || exit 1
echo "ok: $checked comparisons; docs/scale-out.md blocks run for ${#days[@]} days, 2 servers"
