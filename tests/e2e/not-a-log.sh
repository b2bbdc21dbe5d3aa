#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs called what they are: a 64 KiB file of NUL bytes (no line end at
# all) is binary data, not an empty file, whether it was just written (its
# last line is then held back as not complete yet) or is old; a truly empty
# file stays "empty"; a gzip file cut short names the cut and how far it was
# read, keeps the rows before it (exit 2), and the table's last line counts
# it as a file with a read error, not as an unreadable one.
# usage: not-a-log.sh EXTLS   (run from the source root)
set -euo pipefail
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset EXTLS_NOW COLUMNS
fail=0
check() { # description, command...
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}
run() { # name, args...: $tmp/name.out, .err, .rc
    local name=$1
    shift
    set +e
    "$exe" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
    set -e
}

mkdir -p "$tmp/fresh" "$tmp/old" "$tmp/empty"
head -c 65536 /dev/zero >"$tmp/fresh/zero.log"
head -c 65536 /dev/zero >"$tmp/old/zero.log"
touch -d '3 days ago' "$tmp/old/zero.log"
: >"$tmp/empty/nothing.log"

for age in fresh old; do
    f=$tmp/$age/zero.log
    run "named_$age" -q "$f"
    check "$age NUL file named: exit 2 (got $(cat "$tmp/named_$age.rc"))" \
        test "$(cat "$tmp/named_$age.rc")" -eq 2
    check "$age NUL file named: called binary" \
        grep -qxF "extls: $f:1: not an SMTP protocol log (binary data); rest of file skipped" \
        "$tmp/named_$age.err"
    check "$age NUL file named: not called empty" bash -c "! grep -q empty '$tmp/named_$age.err'"
    run "walk_$age" -q "$tmp/$age"
    check "$age NUL file in a folder: counted as binary" \
        grep -qxF "extls: $tmp/$age: no SMTP protocol logs found (1 binary file)" \
        "$tmp/walk_$age.err"
done
run empty -q "$tmp/empty"
check "an empty file is still empty" \
    grep -qxF "extls: $tmp/empty: no SMTP protocol logs found (1 empty file)" "$tmp/empty.err"

# A gzip file cut in the middle: the cut named with the bytes read, the rows before it counted.
log=$tmp/RECV2023011115-1.LOG
{
    cat tests/data/lf-only.log
    # 400 copies of its rows, each copy with its own session ids.
    awk '!/^#/ { row[++n] = $0 }
         END { for (i = 1; i <= 400; i++) for (j = 1; j <= n; j++) {
                   r = row[j]; sub(/,08D/, "," i "X", r); print r } }' tests/data/lf-only.log
} >"$log"
gzip -c "$log" >"$tmp/full.gz"
size=$(stat -c %s "$tmp/full.gz")
head -c $((size / 2)) "$tmp/full.gz" >"$log.gz"
cut_at=$((size / 2))
run gz -q --format csv --by direction "$log.gz"
check "cut gzip: exit 2 (got $(cat "$tmp/gz.rc"))" test "$(cat "$tmp/gz.rc")" -eq 2
check "cut gzip: named as cut, with the bytes read" \
    grep -qxF "extls: $log.gz: gzip data cut short after $cut_at bytes; rows before it counted" \
    "$tmp/gz.err"
sessions=$(awk -F, 'NR > 1 { n += $2 } END { print n + 0 }' "$tmp/gz.out")
check "cut gzip: rows before the cut counted ($sessions sessions)" test "$sessions" -gt 0
run gz_table "$log.gz"
check "cut gzip: the table counts a file with a read error" \
    grep -q "^1 file (1 with a read error), [1-9][0-9]* rows" "$tmp/gz_table.out"

[ $fail -eq 0 ] && echo "ok: NUL file called binary, empty file empty, cut gzip named with its rows kept"
exit $fail
