#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sessions are joined across files whatever order the rows arrive in: all
# files of a sample tree concatenated in REVERSE order and read from
# standard input give the same per-session facts (the first 7 columns and
# the peer's certificate, cert_subject and cert_thumbprint) as reading the
# tree.
# usage: order-independence.sh EXTLS TREE   (run from the source root)
set -euo pipefail
exe=$1
tree=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
facts() { tail -n +2 | cut -f1-7,20,21 | sort; }

"$exe" sessions --format tsv -q "samples/$tree" | facts >"$tmp/forward"
find "samples/$tree" -type f -name '*.LOG' | sort -r | xargs cat |
    "$exe" sessions --format tsv -q - | facts >"$tmp/reverse"
n=$(wc -l <"$tmp/forward")
if ! diff -u "$tmp/forward" "$tmp/reverse"; then
    echo "FAIL: reading $tree in reverse file order changes the sessions"
    exit 1
fi
echo "ok: $n sessions of $tree identical when files arrive in reverse order"
