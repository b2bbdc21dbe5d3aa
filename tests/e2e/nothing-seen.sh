#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Nothing seen is not clean, and a quiet day is quiet:
#   - an empty folder (a failed mount, logging switched off): exit 2 with
#     "PATH: no SMTP protocol logs found (no files)", the (empty) report
#     still written; --nagios says UNKNOWN (3);
#   - a folder of message tracking logs only: the same, naming them;
#   - with --state, a run that finds no new row is a normal outcome: exit 0,
#     one line on stderr ("no new rows since the last run"), none with -q;
#     rows<1 makes it an alert (exit 1; CRITICAL with --nagios), and new
#     rows clear it;
#   - sessions<1 on a window with no session.
# usage: nothing-seen.sh EXTLS   (run from the source root)
set -uo pipefail
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # WHAT GOT WANT
    if [ "$2" != "$3" ]; then
        printf 'FAIL: %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"
        fail=1
    fi
}
run() { # run extls ARGS: stdout in $out, stderr in $err, status in $rc
    rc=0
    "$exe" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}

# An empty folder.
mkdir -p "$tmp/empty"
run --format csv --by direction "$tmp/empty"
check "empty folder: exit status" "$rc" 2
check "empty folder: stderr" "$err" "extls: $tmp/empty: no SMTP protocol logs found (no files)"
check "empty folder: report" "$out" \
    "direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,tls_failed,none,first,last,legacy,with_tls"
run --nagios -q --fail-on legacy "$tmp/empty"
check "empty folder, --nagios: exit status" "$rc" 3
check "empty folder, --nagios: line" "$out" \
    "EXTLS UNKNOWN - $tmp/empty: no SMTP protocol logs found (no files)"
# Quiet or not, the error is said.
run -q "$tmp/empty"
check "empty folder, -q: exit status" "$rc" 2
check "empty folder, -q: stderr" "$err" "extls: $tmp/empty: no SMTP protocol logs found (no files)"

# Only other logs (and a text file): what is there is named.
mkdir -p "$tmp/tracking"
cp tests/data-mixed/Logs/MessageTracking/* tests/data/not-a-protocol-log.LOG "$tmp/tracking/"
echo notes >"$tmp/tracking/notes.txt"
run --nagios -q "$tmp/tracking"
check "message tracking only: exit status" "$rc" 3
check "message tracking only: line" "$out" \
    "EXTLS UNKNOWN - $tmp/tracking: no SMTP protocol logs found (3 message tracking logs, 1 other file)"

# --state: no new rows is a normal outcome, said once; rows<1 is the alert.
mkdir -p "$tmp/logs"
src=samples/exchange2010/V14/TransportRoles/Logs/ProtocolLog/SmtpReceive
first=$(ls "$src" | head -n 1)
cp "$src/$first" "$tmp/logs/"
state=$tmp/state
run -q --format csv --by direction --state "$state" "$tmp/logs"
check "first --state run: exit status" "$rc" 0
check "first --state run: stderr" "$err" ""
run -q --nagios --state "$state.nagios" --fail-on legacy --warn-on "rows<1" "$tmp/logs"
check "first --state --nagios run: exit status" "$rc" 0
run --format csv --by direction --state "$state" "$tmp/logs"
check "no new rows: exit status" "$rc" 0
check "no new rows: stderr" "$err" "extls: no new rows since the last run (state '$state')"
check "no new rows: report" "$out" \
    "direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,tls_failed,none,first,last,legacy,with_tls"
run -q --format csv --by direction --state "$state" "$tmp/logs"
check "no new rows, -q: exit status" "$rc" 0
check "no new rows, -q: stderr" "$err" ""
run -q --format csv --by direction --state "$state" --fail-on "rows<1" "$tmp/logs"
check "no new rows, rows<1: exit status" "$rc" 1
run -q --nagios --state "$state.nagios" --fail-on legacy --warn-on "rows<1" "$tmp/logs"
check "no new rows, --nagios --warn-on rows<1: exit status" "$rc" 1
check "no new rows, --nagios --warn-on rows<1: line" "${out%% |*}" \
    "EXTLS WARNING - 0 sessions, 0 legacy; warning: rows<1 (0)"
run -q --format csv --by direction --state "$state" --report all --fail-on "rows<1" "$tmp/logs"
check "no new rows, --report all, rows<1 (rows read by this run): exit status" "$rc" 1
second=$(ls "$src" | sed -n 2p)
cp "$src/$second" "$tmp/logs/"
run --format csv --by direction --state "$state" --fail-on "rows<1" "$tmp/logs"
check "new rows, rows<1: exit status" "$rc" 0
check "new rows: stderr" "$err" ""

# A --since window with no session: data was seen (exit 0), sessions<1 catches it.
run -q --format csv --by direction --since 2030-01-01 samples/exchange2010
check "empty window: exit status" "$rc" 0
run -q --format csv --by direction --since 2030-01-01 --fail-on "sessions<1" samples/exchange2010
check "empty window, sessions<1: exit status" "$rc" 1

[ $fail -eq 0 ] && echo "ok: nothing seen is never clean"
exit $fail
