#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Merging per-input JSON reports equals one run over all the inputs, when
# no session crosses from one input to another: extls --format json on each
# input, 'extls merge' of those reports (in input order and reversed, and
# two at a time), compared byte for byte with 'extls --format json' over
# all inputs at once, for the default keys, for every key, with --server,
# and through --format jsonl/csv/tsv. Also: a report merged alone is
# itself, the merged totals add up (files, rows, sessions), and the server
# key is the same for -j 1 and -j 3; a write error exits 2.
# usage: merge-equivalence.sh EXTLS   (run from the source root)
set -euo pipefail
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

inputs=(tests/data/no-header tests/data/lf-only.log tests/data/reordered-fields.LOG
    samples/exchange2019/V15/TransportRoles/Logs/Hub/ProtocolLog/SmtpReceive)
fail=0 checked=0

check() { # NAME FILE-A FILE-B
    checked=$((checked + 1))
    if ! cmp -s "$2" "$3"; then
        echo "FAIL: $1"
        diff -u "$2" "$3" | head -20
        fail=1
    fi
}

for keys in "" "--by server,direction,connector,remote,day,ehlo,cipher" \
    "--by day,server --server MBX01"; do
    # shellcheck disable=SC2086
    "$exe" -q --format json $keys "${inputs[@]}" >"$tmp/all.json"
    reports=()
    for i in "${!inputs[@]}"; do
        # shellcheck disable=SC2086
        "$exe" -q --format json $keys "${inputs[$i]}" >"$tmp/r$i.json"
        reports+=("$tmp/r$i.json")
        "$exe" merge "$tmp/r$i.json" >"$tmp/self.json"
        check "report $i${keys:+ ($keys)} merged alone" "$tmp/r$i.json" "$tmp/self.json"
    done
    "$exe" merge "${reports[@]}" >"$tmp/merged.json"
    check "merge${keys:+ ($keys)}" "$tmp/all.json" "$tmp/merged.json"
    mapfile -t reversed < <(printf '%s\n' "${reports[@]}" | sort -r)
    "$exe" merge "${reversed[@]}" >"$tmp/reversed.json"
    check "merge in reverse${keys:+ ($keys)}" "$tmp/all.json" "$tmp/reversed.json"
    "$exe" merge "${reports[0]}" "${reports[1]}" >"$tmp/left.json"
    "$exe" merge "${reports[2]}" "${reports[3]}" >"$tmp/right.json"
    "$exe" merge "$tmp/right.json" - <"$tmp/left.json" >"$tmp/pairs.json"
    check "merge of merges${keys:+ ($keys)}" "$tmp/all.json" "$tmp/pairs.json"
    for fmt in jsonl csv tsv; do
        # shellcheck disable=SC2086
        "$exe" -q --format "$fmt" $keys "${inputs[@]}" >"$tmp/all.$fmt"
        "$exe" merge --format "$fmt" "${reports[@]}" >"$tmp/merged.$fmt"
        check "merge --format $fmt${keys:+ ($keys)}" "$tmp/all.$fmt" "$tmp/merged.$fmt"
    done
done

# A write error is named, exit 2.
rc=0
"$exe" merge "$tmp/r0.json" >/dev/full 2>"$tmp/err" || rc=$?
checked=$((checked + 1))
if [ "$rc" -ne 2 ] || [ "$(cat "$tmp/err")" != "extls: cannot write output: No space left on device" ]; then
    echo "FAIL: merge to /dev/full: exit $rc, stderr: $(cat "$tmp/err")"
    fail=1
fi

# The server key does not depend on how many files are read at a time.
for trees in "samples/exchange2019" "samples/exchange2010 samples/exchange2019"; do
    # shellcheck disable=SC2086
    "$exe" -q --format csv --by server,direction,connector -j 1 $trees >"$tmp/j1.csv"
    # shellcheck disable=SC2086
    "$exe" -q --format csv --by server,direction,connector -j 3 $trees >"$tmp/j3.csv"
    check "--by server with -j 1 and -j 3 ($trees)" "$tmp/j1.csv" "$tmp/j3.csv"
done

# The totals add up: 4 files; 81 + 50 + 41 + 116 data rows (counted with grep);
# 3 + 2 + 2 + 5 sessions.
totals=$(sed -n 2p "$tmp/merged.json")
want='"totals":{"files":4,"rows":288,"malformed_rows":0,"sessions":12,'
if [[ $totals != "$want"* ]]; then
    echo "FAIL: merged totals: $totals"
    fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "ok: $checked comparisons, merged reports equal one run over ${#inputs[@]} inputs"
