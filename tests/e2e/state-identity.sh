#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: a file is known by its identity (device and inode) with its
# first bytes, whatever its path now, small files (under the 4 KiB hashed to
# recognise a file by content) included. On a tree of small logs (each well
# under 4 KiB), after a first run:
#   (a) half the files moved into an archive folder beside them;
#   (b) the folder given through a symbolic link;
#   (c) the folder given as a relative path, then as ./path;
# each following run reports no session and says nothing of a replaced
# file, and --report all equals one plain run over the files, group by
# group.
# usage: state-identity.sh GENLOGS EXTLS
set -euo pipefail
genlogs=$1 exe=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
# shellcheck source=tests/e2e/state-lib.sh
source "$(dirname "$0")/state-lib.sh"
nothing_new() { # case, then extls arguments: no session, nothing said replaced
    local c=$1
    shift
    run 0 "$tmp/$c.out" "$@"
    check "($c) no session reported ($(sessions_of "$tmp/$c.out"))" \
        test "$(sessions_of "$tmp/$c.out")" = 0
    check "($c) no file said replaced" bash -c "! grep -q 'replaced' '$tmp/err'"
}

# Small logs: each generated log cut into files of its header and 6 rows.
"$genlogs" --out "$tmp/gen" --mb 1 --files-mb 1 --seed 3 --row-ms 3000 >/dev/null
(cd "$tmp/gen" && find . -name '*.LOG') | while read -r f; do
    mkdir -p "$tmp/logs/${f%/*}"
    base=${f##*/}
    awk -v out="$tmp/logs/${f%/*}/${base%-*}" '
        /^(\xef\xbb\xbf)?#/ { head = head $0 "\n"; next }
        { if (n % 6 == 0) { k++; file = out "-" k ".LOG"; printf "%s", head > file }
          print > file; n++
          if (n % 6 == 0) close(file) }' "$tmp/gen/$f"
done
big=$(find "$tmp/logs" -name '*.LOG' -size +4k | wc -l)
check "every small log is under 4 KiB ($big are not)" test "$big" = 0
check "there are many small logs" test "$(find "$tmp/logs" -name '*.LOG' | wc -l)" -gt 200
"$exe" --quiet --format tsv --by $by "$tmp/logs" >"$tmp/plain"
check "the plain run has sessions" test "$(sessions_of "$tmp/plain")" -gt 100

run 0 "$tmp/first" --state "$tmp/s" "$tmp/logs"

# (a) half the files archived into a folder beside them
recv=$(find "$tmp/logs" -type d -name SmtpReceive)
mkdir "$recv/archive"
find "$recv" -maxdepth 1 -name '*.LOG' | sort | awk 'NR % 2' | while read -r f; do
    mv "$f" "$recv/archive/"
done
nothing_new a --state "$tmp/s" "$tmp/logs"
run 0 "$tmp/a.all" --quiet --state "$tmp/s" --report all "$tmp/logs"
check "(a) --report all equals the plain run" same "$tmp/plain" "$tmp/a.all"

# (b) through a symbolic link
ln -s "$tmp/logs" "$tmp/link"
nothing_new b --state "$tmp/s" "$tmp/link"
run 0 "$tmp/b.all" --quiet --state "$tmp/s" --report all "$tmp/link"
check "(b) --report all equals the plain run" same "$tmp/plain" "$tmp/b.all"

# (c) a relative path, then ./ before it
cd "$tmp"
nothing_new c1 --state "$tmp/s" logs
nothing_new c2 --state "$tmp/s" ./logs
cd - >/dev/null
run 0 "$tmp/c.all" --quiet --state "$tmp/s" --report all "$tmp/logs"
check "(c) --report all equals the plain run" same "$tmp/plain" "$tmp/c.all"

[ $fail -eq 0 ] && echo "state-identity: all checks passed"
exit $fail
