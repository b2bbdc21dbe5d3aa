#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A cron job on live logs is quiet when all is well, and a truly cut file
# is still reported. The last line without a line end of an uncompressed
# file that is the newest of its series (same folder, same name before the
# first digit) and changed in the last 24 hours is a row not complete yet:
# not malformed, not named (only with --verbose), the exit status and every
# count the same. It is a malformed row, named, when the file is an older
# one of its series, when it changed 24 hours ago or more, when it is gzip,
# or when it comes through a pipe.
# usage: live-tail.sh EXTLS   (run from the source root)
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
run() { # extls ARGS: stdout in $out, stderr in $err, status in $rc
    rc=0
    "$exe" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}

cut=tests/data/cut-off.LOG # 69 complete lines, then a row cut mid-way (line 70)
live=$tmp/SmtpReceive
mkdir -p "$live"
cp "$cut" "$live/RECV2023011115-1.LOG"
touch "$live/RECV2023011115-1.LOG"
expected_totals=$("$exe" --format jsonl "$cut" 2>/dev/null | tail -n 1)

# The newest file, written to now: quiet, same counts.
run --format jsonl "$live"
check "newest, recent: exit status" "$rc" 0
check "newest, recent: stderr" "$err" ""
check "newest, recent: same counts" "$(tail -n 1 "$tmp/out")" "$expected_totals"
run --verbose --format jsonl "$live"
check "newest, recent, --verbose: the row not read is named" "$err" \
    "extls: $live/RECV2023011115-1.LOG:70: last row not complete yet (newest file of its series, changed in the last 24 hours: still being written); not read"

# Named alone, the file is its own series: the same.
run --format jsonl "$live/RECV2023011115-1.LOG"
check "named, recent: stderr" "$err" ""

# A newer file of the series: the cut one is older now, the cut is reported.
cp tests/data/header-only.LOG "$live/RECV2023011116-1.LOG"
run --format jsonl "$live"
check "older of its series: exit status" "$rc" 0
check "older of its series: stderr" "$err" \
    "extls: $live/RECV2023011115-1.LOG:70: last row has no line end (file cut off or still being written)"
# ... but another series (SEND) or another folder does not make it older.
rm "$live/RECV2023011116-1.LOG"
mkdir -p "$live/../SmtpSend"
cp tests/data/header-only.LOG "$live/SEND2023011116-1.LOG"
cp tests/data/header-only.LOG "$live/../SmtpSend/RECV2023011117-1.LOG"
run --format jsonl "$live" "$live/../SmtpSend"
check "other series and folders: stderr" "$err" ""
rm "$live/SEND2023011116-1.LOG"

# Changed a day ago or more: a cut file, reported.
touch -d '25 hours ago' "$live/RECV2023011115-1.LOG"
run --format jsonl "$live"
check "newest, 25 hours old: stderr" "$err" \
    "extls: $live/RECV2023011115-1.LOG:70: last row has no line end (file cut off or still being written)"
check "newest, 25 hours old: same counts" "$(tail -n 1 "$tmp/out" | sed 's/"malformed_rows":1/"malformed_rows":0/')" \
    "$expected_totals"
touch "$live/RECV2023011115-1.LOG"
# EXTLS_NOW (a testing aid) moves the run's clock: the file is old then.
EXTLS_NOW=2100-01-01T00:00 "$exe" --format jsonl "$live" >/dev/null 2>"$tmp/err"
check "EXTLS_NOW far ahead: reported" "$(cat "$tmp/err")" \
    "extls: $live/RECV2023011115-1.LOG:70: last row has no line end (file cut off or still being written)"

# Compressed, or through a pipe: nothing is still being written there.
gzip -n -c "$cut" >"$live/RECV2023011115-1.LOG.gz"
rm "$live/RECV2023011115-1.LOG"
run --format jsonl "$live"
check "gzip: stderr" "$err" \
    "extls: $live/RECV2023011115-1.LOG.gz:70: last row has no line end (file cut off or still being written)"
run --format jsonl - <"$cut"
check "pipe: stderr" "$err" \
    "extls: (standard input):70: last row has no line end (file cut off or still being written)"

[ $fail -eq 0 ] && echo "ok: a live file's last row waits, a cut file is reported"
exit $fail
