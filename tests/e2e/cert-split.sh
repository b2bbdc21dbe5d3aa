#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A certificate block cut by a file boundary: a 2010 receive log split at
# every line of session 08D419E2358BCBE9's two blocks (ours, rows 21-26;
# the client's, rows 27-32, and its "Received certificate" thumbprint,
# rows 34-35) gives the client's subject and thumbprint, and the same
# cert_subject/cert_thumbprint for every session as the whole file, when
# the two parts are read in order, in reverse order, or concatenated in
# reverse order on standard input.
# usage: cert-split.sh EXTLS   (run from the source root)
set -euo pipefail
exe=$1
log=samples/exchange2010/V14/TransportRoles/Logs/ProtocolLog/SmtpReceive/RECV20161201-2.LOG
sid=08D419E2358BCBE9
want="$sid	CN=edge01	BED24B5054E4407DED127E55248CB5DF7F81D40A"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
certs() { tail -n +2 | cut -f3,20,21 | sort; }

"$exe" sessions --format tsv -q "$log" | certs >"$tmp/whole"
got=$(grep "^$sid" "$tmp/whole")
if [ "$got" != "$want" ]; then
    echo "FAIL: whole file: got '$got', want '$want'"
    exit 1
fi
first=$(grep -n "^[^,]*,[^,]*,$sid,21," "$log" | cut -d: -f1)
last=$(grep -n "^[^,]*,[^,]*,$sid,35," "$log" | cut -d: -f1)
[ -n "$first" ] && [ -n "$last" ] || { echo "FAIL: rows of $sid not found"; exit 1; }
fail=0 n=0
for ((cut = first + 1; cut <= last; cut++)); do
    a=$tmp/RECV20161201-2.LOG b=$tmp/RECV20161201-3.LOG
    head -n $((cut - 1)) "$log" >"$a"
    { head -n 5 "$log"; tail -n +"$cut" "$log"; } >"$b"
    for how in forward reverse stdin; do
        case $how in
        forward) "$exe" sessions --format tsv -q "$a" "$b" ;;
        reverse) "$exe" sessions --format tsv -q "$b" "$a" ;;
        stdin) cat "$b" "$a" | "$exe" sessions --format tsv -q - ;;
        esac | certs >"$tmp/got"
        n=$((n + 1))
        if ! diff -u "$tmp/whole" "$tmp/got" >"$tmp/diff"; then
            echo "FAIL: cut before line $cut, $how:"
            cat "$tmp/diff"
            fail=1
        fi
    done
done
[ $fail -eq 0 ] && echo "ok: $n split runs (lines $((first + 1))..$last, 3 orders) give the whole file's certificates"
exit $fail
