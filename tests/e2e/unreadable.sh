#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs that cannot be read are named on stderr and skipped with exit
# status 2, while the readable ones are still reported: a file without read
# permission, and an unreadable folder met while walking. Runs extls as an
# unprivileged user when started as root (root reads anything).
# usage: unreadable.sh EXTLS   (run from the source root)
set -euo pipefail
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
# A copy the unprivileged user can run wherever the build tree lives.
cp "$1" "$tmp/extls"
chmod 755 "$tmp/extls"
exe=$tmp/extls
cp tests/data/lf-only.log "$tmp/good.log"
cp tests/data/lf-only.log "$tmp/secret.log"
mkdir -p "$tmp/walk/closed"
cp tests/data/no-header/RECV20230111-1.LOG "$tmp/walk/RECV20230111-1.LOG"
chmod 000 "$tmp/secret.log" "$tmp/walk/closed"
chmod 755 "$tmp" "$tmp/walk"
chmod 644 "$tmp/good.log" "$tmp/walk/RECV20230111-1.LOG"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
set +e
"${as_user[@]}" "$exe" --format csv --by direction "$tmp/good.log" "$tmp/secret.log" "$tmp/walk" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
fail=0
[ $rc -eq 2 ] || { echo "FAIL: exit status $rc, want 2"; fail=1; }
grep -qx "extls: $tmp/secret.log: Permission denied" "$tmp/err" ||
    { echo "FAIL: no 'PATH: Permission denied' line"; cat "$tmp/err"; fail=1; }
grep -qx "extls: $tmp/walk/closed: Permission denied" "$tmp/err" ||
    { echo "FAIL: no 'PATH: Permission denied' line for the folder"; cat "$tmp/err"; fail=1; }
want="direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,tls_failed,none,first,last,legacy,with_tls
receive,3,0,0,0,0,1,0,0,1,1,2023-01-11T08:14:02.190Z,2023-01-11T08:14:03.302Z,0,1
send,2,0,0,0,0,1,0,0,0,1,2023-01-11T10:20:00.500Z,2023-01-11T10:20:01.020Z,0,1"
[ "$(cat "$tmp/out")" = "$want" ] || { echo "FAIL: readable inputs not reported as expected:"; cat "$tmp/out"; fail=1; }
[ $fail -eq 0 ] && echo "ok: unreadable file and folder named, exit 2, readable inputs reported"
exit $fail
