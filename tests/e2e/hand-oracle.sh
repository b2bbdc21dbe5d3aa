#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Check extls against the expectations derived by hand for a sample tree:
#   1. per-session facts: the first 7 columns of `extls sessions --format tsv`
#      equal tests/golden/sessions-TREE.tsv (sorted);
#   2. malformed rows: the file:line list on stderr equals
#      tests/golden/malformed-TREE.txt;
#   3. totals: files, rows (data rows minus malformed), malformed rows and
#      sessions in `--format json` equal tests/golden/totals.txt;
#   4. summaries: for several --by key lists, `--format tsv` equals an awk
#      aggregation of the hand-derived sessions (an independent path).
# usage: hand-oracle.sh EXTLS TREE   (run from the source root)
set -euo pipefail
exe=$1
tree=$2
golden=tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
fail=0

"$exe" sessions --format tsv "samples/$tree" >"$tmp/sessions.tsv" 2>"$tmp/err"
{ head -n 1 "$tmp/sessions.tsv" | cut -f1-7
  tail -n +2 "$tmp/sessions.tsv" | cut -f1-7 | sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3; } >"$tmp/s7"
if ! diff -u "$golden/sessions-$tree.tsv" "$tmp/s7"; then
    echo "FAIL: per-session facts differ from $golden/sessions-$tree.tsv"; fail=1
fi
sed -n 's/^extls: \([^:]*:[0-9]*\): .*/\1/p' "$tmp/err" | sort >"$tmp/malformed"
if ! diff -u "$golden/malformed-$tree.txt" "$tmp/malformed"; then
    echo "FAIL: malformed rows differ from $golden/malformed-$tree.txt"; fail=1
fi

"$exe" --format json "samples/$tree" >"$tmp/json" 2>/dev/null
got=$(sed -n 's/.*"totals":{"files":\([0-9]*\),"rows":\([0-9]*\),"malformed_rows":\([0-9]*\),"sessions":\([0-9]*\).*/\1 \2 \3 \4/p' "$tmp/json")
want=$(awk -F '\t' -v t="samples/$tree" '$1 == t { print $2, $3 - $4, $4, $5 }' "$golden/totals.txt")
if [ "$got" != "$want" ]; then
    echo "FAIL: totals (files rows malformed sessions): got '$got', want '$want'"; fail=1
fi

# Columns of the hand-derived file: direction connector session start class remote ehlo.
for by in direction,connector,remote connector direction,remote ehlo day,direction remote,ehlo hour,direction; do
    "$exe" --format tsv --by "$by" "samples/$tree" >"$tmp/got" 2>/dev/null
    awk -F '\t' -v by="$by" '
        BEGIN {
            OFS = "\t"; nk = split(by, keys, ",")
            sorter = "sort -t \"\t\" -k1,1 -k2,2 -k3,3"
            col["direction"] = 1; col["connector"] = 2; col["remote"] = 6; col["ehlo"] = 7
            ncls = split("ssl2 ssl3 tls1_0 tls1_1 tls1_2 tls1_3 tls_unknown tls_failed none", cls, " ")
            head = ""
            for (i = 1; i <= nk; i++) head = head keys[i] OFS
            head = head "sessions"
            for (c = 1; c <= ncls; c++) head = head OFS cls[c]
            print head OFS "first" OFS "last" OFS "legacy" OFS "with_tls"
            fflush()
        }
        NR > 1 {
            k = ""
            for (i = 1; i <= nk; i++) {
                v = keys[i] == "day" ? substr($4, 1, 10) : keys[i] == "hour" ? substr($4, 1, 13) : $(col[keys[i]])
                k = k (i > 1 ? OFS : "") v
            }
            n[k]++; count[k, $5]++
            if (!(k in first) || $4 < first[k]) first[k] = $4
            if (!(k in last) || $4 > last[k]) last[k] = $4
        }
        END {
            for (k in n) {
                line = k OFS n[k]
                legacy = 0; tls = 0
                for (c = 1; c <= ncls; c++) {
                    line = line OFS (count[k, cls[c]] + 0)
                    if (c <= 4) legacy += count[k, cls[c]]
                    if (c <= 7) tls += count[k, cls[c]]
                }
                print line OFS first[k] OFS last[k] OFS legacy OFS tls | sorter
            }
            close(sorter)
        }' "$golden/sessions-$tree.tsv" >"$tmp/want"
    if ! diff -u "$tmp/want" "$tmp/got"; then
        echo "FAIL: --by $by summary differs from the aggregation of hand-derived sessions"; fail=1
    fi
done
[ $fail -eq 0 ] && echo "ok: $tree matches the hand-derived sessions, malformed rows, totals and 7 summaries"
exit $fail
