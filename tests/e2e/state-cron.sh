#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: a simulated two-day cron run over the Exchange 2010 receive logs.
# Day 1 at 09:00 a log cut mid-row; day 1 later the rest of it and a size
# rollover; day 2 the next day's file. Checks:
#   - a file renamed since the last run (archived, even gzipped) is not read again;
#   - the three --report new reports add up to one plain run over all files,
#     and --report all equals that plain run;
#   - a run with no new data reports nothing and leaves the state byte-identical;
#   - a replaced file is read again from the start, and said so;
#   - a damaged state, one of another version, other --by keys, standard
#     input: exit 2, state untouched;
#   - a crash between writing the new state and renaming it leaves the old
#     state valid, and the next run completes the job.
# usage: state-cron.sh EXTLS FAULT_SHIM   (run from the source root)
set -euo pipefail
exe=$1 shim=$2
# The page shows when it was generated: fix that time so pages compare.
export SOURCE_DATE_EPOCH=1700000000
src=samples/exchange2010/V14/TransportRoles/Logs/ProtocolLog/SmtpReceive
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "scratch: $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
logs=$tmp/logs state=$tmp/state
mkdir -p "$logs"
fail=0
check() { # message, then a command that must succeed
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}
run() { "$exe" --quiet --format csv --by direction,connector --state "$state" "$@" "$logs"; }
sum_reports() { # add the counter columns of several CSV reports, by key
    awk -F, 'FNR == 1 { next } { k = $1 "," $2; for (i = 3; i <= 12; i++) s[k, i] += $i; keys[k] = 1 }
        END { for (k in keys) { line = k; for (i = 3; i <= 12; i++) line = line "," s[k, i]; print line } }' "$@" | sort
}
counters() { tail -n +2 "$1" | cut -d, -f1-12 | sort; }

"$exe" --quiet --format csv --by direction,connector "$src" >"$tmp/full.csv"

head -c 30000 "$src/RECV20161201-1.LOG" >"$logs/RECV20161201-1.LOG"
run >"$tmp/r1.csv"
tail -c +30001 "$src/RECV20161201-1.LOG" >>"$logs/RECV20161201-1.LOG"
cp "$src/RECV20161201-2.LOG" "$logs/"
run >"$tmp/r2.csv"
cp "$src/RECV20161202-1.LOG" "$logs/"
run >"$tmp/r3.csv"
check "the new-session reports add up to the full run" \
    diff <(sum_reports "$tmp/r1.csv" "$tmp/r2.csv" "$tmp/r3.csv") <(counters "$tmp/full.csv")
run --report all >"$tmp/all.csv"
check "--report all equals the full run" cmp -s "$tmp/all.csv" "$tmp/full.csv"

cp "$state" "$tmp/state.before"
run >"$tmp/again.csv"
check "no new data: header only" test "$(wc -l <"$tmp/again.csv")" -eq 1
check "no new data: state unchanged" cmp -s "$state" "$tmp/state.before"

# A file renamed (as archiving does) is known by its first bytes: not read again.
mv "$logs/RECV20161201-2.LOG" "$logs/archived-RECV20161201-2.LOG"
run >"$tmp/renamed.csv"
check "renamed file: nothing new" test "$(wc -l <"$tmp/renamed.csv")" -eq 1
run --report all >"$tmp/all2.csv"
check "renamed file: running counts unchanged" cmp -s "$tmp/all2.csv" "$tmp/full.csv"
# ... and so is an archive compressed since (its plain first 4 KiB are the same).
gzip -n "$logs/archived-RECV20161201-2.LOG"
run >"$tmp/gzipped.csv"
check "compressed archive: nothing new" test "$(wc -l <"$tmp/gzipped.csv")" -eq 1
run --report all >"$tmp/all3.csv"
check "compressed archive: running counts unchanged" cmp -s "$tmp/all3.csv" "$tmp/full.csv"
cp "$state" "$tmp/state.before"

# A file replaced by different content is read from the start.
cp "$logs/RECV20161202-1.LOG" "$tmp/keep.LOG"
sed 's/mx1.example.net/mx9.example.net/' "$tmp/keep.LOG" >"$logs/RECV20161202-1.LOG"
"$exe" --format csv --by direction,connector --state "$state" "$logs" >"$tmp/replaced.csv" 2>"$tmp/replaced.err"
check "replaced file is said so" grep -q "RECV20161202-1.LOG: truncated or replaced since the last run; reading it from the start" "$tmp/replaced.err"
# Its 4 sessions that start in it are counted again; the tail of the session that
# began in the previous file stays open (a fragment, held for the hold window).
check "replaced file counted again (its 4 own sessions)" \
    test "$(awk -F, 'NR > 1 { n += $3 } END { print n + 0 }' "$tmp/replaced.csv")" -eq 4

# Refused states leave the file as it was.
for damage in checksum version keys stdin; do
    cp "$tmp/state.before" "$tmp/s.$damage"
    case $damage in
    checksum) printf 'x' | dd of="$tmp/s.$damage" bs=1 seek=20 conv=notrunc status=none ;;
    version) sed -i '1s/\t2$/\t1/' "$tmp/s.$damage" ;;
    esac
    cp "$tmp/s.$damage" "$tmp/s.$damage.orig"
    set +e
    case $damage in
    keys) "$exe" --quiet --format csv --by remote --state "$tmp/s.$damage" "$logs" >/dev/null 2>"$tmp/err" ;;
    stdin) "$exe" --quiet --format csv --state "$tmp/s.$damage" - </dev/null >/dev/null 2>"$tmp/err" ;;
    *) "$exe" --quiet --format csv --by direction,connector --state "$tmp/s.$damage" "$logs" >/dev/null 2>"$tmp/err" ;;
    esac
    rc=$?
    set -e
    check "$damage: exit 2 (got $rc)" test $rc -eq 2
    check "$damage: state untouched" cmp -s "$tmp/s.$damage" "$tmp/s.$damage.orig"
    check "$damage: a message" test -s "$tmp/err"
    case $damage in
    checksum) check "checksum message" grep -q "checksum mismatch (damaged or edited)" "$tmp/err" ;;
    version) check "version message" grep -q "written in state format 1 by an older extls.*move it aside and start a new state file" "$tmp/err" ;;
    keys) check "keys message" grep -q "written with --by direction,connector, this run has --by remote" "$tmp/err" ;;
    stdin) check "stdin message" grep -q "cannot follow standard input" "$tmp/err" ;;
    esac
done

# Every option that shapes the numbers is recorded: a run with another value
# is refused (exit 2), names the option, and leaves the state untouched.
# With --nagios the refusal is the one UNKNOWN line (exit 3), naming it too.
refuse() { # expected message part, then the options of the run
    local want=$1 want_rc=2
    shift
    case " $* " in *" --nagios "*) want_rc=3 ;; esac
    cp "$tmp/state.before" "$tmp/s.opt"
    set +e
    "$exe" --quiet --state "$tmp/s.opt" "$@" "$logs" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    check "$*: exit $want_rc (got $rc)" test $rc -eq $want_rc
    check "$*: names it" grep -qF -- "$want" "$tmp/err"
    if [ $want_rc -eq 3 ]; then
        check "$*: one UNKNOWN line naming it" test "$(wc -l <"$tmp/out")" -eq 1
        check "$*: the UNKNOWN line" grep -qF -- "EXTLS UNKNOWN - $tmp/s.opt: written $want" "$tmp/out"
    fi
    check "$*: state untouched" cmp -s "$tmp/s.opt" "$tmp/state.before"
}
base=(--format csv --by direction,connector)
refuse "with --direction (none), this run has --direction receive" "${base[@]}" --direction receive
refuse "with --connector (none), this run has --connector Default" "${base[@]}" --connector Default
refuse "with --remote (none), this run has --remote 10.0.0.0/8" "${base[@]}" --remote 10.0.0.0/8
refuse "with --since (none), this run has --since 2016-12-01" "${base[@]}" --since 2016-12-01
refuse "with --until (none), this run has --until 2016-12-02" "${base[@]}" --until 2016-12-02
refuse "with --tz utc, this run has --tz local" "${base[@]}" --tz local
refuse "with --server (none), this run has --server EX01" "${base[@]}" --server EX01
refuse "with --hold 24h, this run has --hold 2h" "${base[@]}" --hold 2h
refuse "with --class (none), this run has --class ssl2,ssl3,tls1_0,tls1_1" "${base[@]}" --class legacy
refuse "with --by direction,connector, this run has --by direction,connector,remote" \
    --format json --by direction,connector,remote
refuse "with --format json, jsonl, csv or tsv, this run has --format table or html" --format html
refuse "with --format json, jsonl, csv or tsv, this run has --format (none: --nagios)" --nagios
# ... while what only judges or shows may change: another machine format, --fail-on, -j.
cp "$tmp/state.before" "$tmp/s.opt"
set +e
"$exe" --quiet --state "$tmp/s.opt" --format json --by direction,connector --fail-on tls1_3 -j 1 \
    "$logs" >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "json instead of csv, --fail-on, -j 1: accepted (got $rc)" test $rc -le 1
check "json instead of csv, --fail-on, -j 1: not refused" bash -c "! grep -q ': written ' '$tmp/err'"
sessions_state=$tmp/sessions.state
"$exe" sessions --quiet --state "$sessions_state" "$logs" >/dev/null
set +e
"$exe" --quiet --format csv --state "$sessions_state" "$logs" >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "a 'sessions' state used for a report: exit 2 (got $rc)" test $rc -eq 2
check "a 'sessions' state used for a report: named" \
    grep -qF ": written by 'extls sessions', this run is 'extls report'" "$tmp/err"

# Crash between the complete temporary file and the rename, on day 2.
rm -rf "$logs" "$state"
mkdir "$logs"
cp "$src/RECV20161201-1.LOG" "$src/RECV20161201-2.LOG" "$logs/"
run >/dev/null
cp "$state" "$tmp/state.day"
cp "$src/RECV20161202-1.LOG" "$logs/"
set +e
# The fault shim kills extls (SIGKILL) just before its first rename in $tmp: the state's.
ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=$shim EXTLS_FAULT=rename:1:kill EXTLS_FAULT_DIR=$tmp \
    "$exe" --quiet --format csv --by direction,connector --state "$state" "$logs" >/dev/null
rc=$?
set -e
check "crash run killed (got $rc)" test $rc -eq 137
check "crash: old state still in place" cmp -s "$state" "$tmp/state.day"
run --report all >"$tmp/after-crash.csv"
check "after the crash, the next run completes the job" cmp -s "$tmp/after-crash.csv" "$tmp/full.csv"

# Per-session records across runs: a log cut inside a session's Remote
# certificate block (after the subject row, before the thumbprint row);
# the records of both runs are those of one run over the whole file.
rm -rf "$tmp/c" "$tmp/c.state"
mkdir -p "$tmp/c"
cut_at=$(grep -n 'Certificate subject' "$src/RECV20161201-2.LOG" | grep 08D419E2358BCBE9 |
    tail -1 | cut -d: -f1)
head -n "$cut_at" "$src/RECV20161201-2.LOG" >"$tmp/c/RECV20161201-2.LOG"
# (--hold 60m: the sessions the sample cuts at its ends are counted in the second run.)
"$exe" sessions --quiet --format tsv --hold 60m --state "$tmp/c.state" "$tmp/c" >"$tmp/s1.tsv"
tail -n +"$((cut_at + 1))" "$src/RECV20161201-2.LOG" >>"$tmp/c/RECV20161201-2.LOG"
cp "$src/RECV20161202-1.LOG" "$tmp/c/" # completes the session that runs past midnight
"$exe" sessions --quiet --format tsv --hold 60m --state "$tmp/c.state" "$tmp/c" >"$tmp/s2.tsv"
"$exe" sessions --quiet --format tsv "$tmp/c" >"$tmp/s.tsv"
check "sessions: two runs give the records of one run (certificate split between runs)" \
    diff <(tail -qn +2 "$tmp/s1.tsv" "$tmp/s2.tsv" | sort) <(tail -n +2 "$tmp/s.tsv" | sort)
check "sessions: the split session has its peer certificate" \
    grep -q $'08D419E2358BCBE9.*CN=edge01.*\tBED24B50' "$tmp/s2.tsv"

# Every output keeps its running counts: the page too (it has a per-day table).
rm -f "$tmp/html.state"
mkdir -p "$tmp/h"
cp "$src/RECV20161201-1.LOG" "$tmp/h/"
"$exe" --quiet --format html --state "$tmp/html.state" "$tmp/h" >/dev/null
cp "$src/RECV20161201-2.LOG" "$src/RECV20161202-1.LOG" "$tmp/h/"
"$exe" --quiet --format html --state "$tmp/html.state" --report all "$tmp/h" >"$tmp/inc.html"
"$exe" --quiet --format html "$tmp/h" >"$tmp/plain.html"
check "html: --report all equals the plain page" cmp -s "$tmp/inc.html" "$tmp/plain.html"

[ $fail -eq 0 ] && echo "ok: incremental runs add up, re-runs change nothing, bad states refused, crash-safe"
exit $fail
