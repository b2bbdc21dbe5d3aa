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
#   - sessions<1 on a window with no session;
#   - binary data (random bytes, NUL bytes with or without a line end,
#     fresh or old) named like a protocol log: binary data, nothing seen,
#     exit 2 (UNKNOWN 3 with --nagios), "files":0 in the JSON report; a
#     0-byte file so named: "files":0, which extls merge flags;
#   - rows read that are all malformed (a text file of other lines named
#     like a protocol log): nothing seen, exit 2 (UNKNOWN 3 with --nagios);
#   - with --state, a run that saw nothing (empty folder, malformed rows
#     only, a missing input) delivers no report (not on stdout,
#     not to --output) and neither writes nor advances the state;
#   - without --state, -o: a run that saw nothing leaves the old report or
#     page untouched and creates none; one with a failed input beside a read
#     one still writes its report (files_failed);
#   - the table and the page of a run that saw nothing say that what to fix
#     first is unknown, never "nothing";
#   - a merged report keeps the flag of a report that saw nothing: merged
#     again (two and three levels), it is named and exits 2 (UNKNOWN).
#   - with --nagios, a refused --state file (damaged, of another format
#     version, written with other options) or one in use by another run is
#     one UNKNOWN line, exit 3.
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

# Binary data named like a protocol log is binary data, whatever its name:
# random bytes; NUL bytes without a line end, fresh (the held-back last line
# of a file still being written) or old; NUL bytes with a line end.
mkdir -p "$tmp/nul"
for how in random fresh old newline; do
    f=$tmp/nul/RECV2026120100-1.LOG
    case $how in
    random) awk 'BEGIN { srand(8); for (i = 0; i < 4000; i++) printf "%c", int(rand() * 256) }' >"$f" ;;
    fresh) head -c 5000 /dev/zero >"$f" ;;
    old) head -c 5000 /dev/zero >"$f" && touch -d '3 days ago' "$f" ;;
    newline) { head -c 5000 /dev/zero && echo; } >"$f" ;;
    esac
    run -f json "$tmp/nul"
    check "binary ($how) in a folder: exit status" "$rc" 2
    check "binary ($how) in a folder: stderr" "$err" \
        "extls: $tmp/nul: no SMTP protocol logs found (1 binary file)"
    check "binary ($how) in a folder: JSON files, files_skipped" \
        "$(printf '%s\n' "$out" | grep -o '"files":[0-9]*,' | head -n 1)$(printf '%s\n' "$out" | grep -o '"files_skipped":[0-9]*')" \
        '"files":0,"files_skipped":1'
    run -q --nagios --fail-on legacy "$tmp/nul"
    check "binary ($how), --nagios: exit status" "$rc" 3
    check "binary ($how), --nagios: line" "$out" \
        "EXTLS UNKNOWN - $tmp/nul: no SMTP protocol logs found (1 binary file)"
    run -q "$f"
    check "binary ($how), the file named: exit status" "$rc" 2
    check "binary ($how), the file named: stderr" "$err" \
        "extls: $f:1: not an SMTP protocol log (binary data); rest of file skipped"
done
# A 0-byte file named like a protocol log: nothing seen, and its JSON says so
# ("files":0), which extls merge names.
mkdir -p "$tmp/zero"
: >"$tmp/zero/RECV2026120100-1.LOG"
run -f json "$tmp/zero"
cp "$tmp/out" "$tmp/zero.json" # (on standard output: -o keeps no report of a run that saw nothing)
check "0-byte file: exit status" "$rc" 2
check "0-byte file: stderr" "$err" "extls: $tmp/zero: no SMTP protocol logs found (1 empty file)"
check "0-byte file: JSON files" "$(grep -o '"files":[0-9]*,' "$tmp/zero.json" | head -n 1)" '"files":0,'
run merge "$tmp/zero.json"
check "0-byte file: extls merge flags the report: exit status" "$rc" 2

# Only malformed rows: a text file of other lines named like a protocol log.
mkdir -p "$tmp/bin"
awk 'BEGIN { for (i = 0; i < 40; i++) printf "line %d of something else\r\n", i }' \
    >"$tmp/bin/RECV2026120100-1.LOG"
run --format csv --by direction "$tmp/bin"
check "malformed rows only: exit status" "$rc" 2
check "malformed rows only: the last stderr line" "$(printf '%s\n' "$err" | tail -n 1)" \
    "extls: $tmp/bin: no valid row read (1 file of malformed rows only)"
run -q --nagios --fail-on legacy "$tmp/bin"
check "malformed rows only, --nagios: exit status" "$rc" 3
check "malformed rows only, --nagios: one UNKNOWN line" "$(printf '%s\n' "$out" | wc -l) $out" \
    "1 EXTLS UNKNOWN - $tmp/bin: no valid row read (1 file of malformed rows only)"
run -q --format csv --by direction "$tmp/bin/RECV2026120100-1.LOG"
check "malformed rows only, the file named: exit status" "$rc" 2
check "malformed rows only, the file named: stderr" "$err" \
    "extls: $tmp/bin/RECV2026120100-1.LOG: no valid row read (malformed rows only)"
# Beside a folder with protocol logs, it is named as an empty folder would be.
run -q --format csv --by direction "$tmp/logs" "$tmp/bin"
check "malformed rows only, beside a good folder: exit status" "$rc" 2
check "malformed rows only, beside a good folder: stderr" "$err" \
    "extls: $tmp/bin: no valid row read (1 file of malformed rows only)"
# A good file beside it in its folder: data was seen, the malformed rows are only named.
cp "$src/$first" "$tmp/bin/"
run -q --format csv --by direction "$tmp/bin"
check "malformed file beside a good one: exit status" "$rc" 0
rm "$tmp/bin/$first"

# --state: nothing seen delivers nothing and keeps the state as it was.
for what in empty bin nul zero missing; do
    st=$tmp/state.$what
    rm -f "$st" "$tmp/report.$what"
    case $what in
    missing) input=$tmp/no-such-folder/RECV2026120100-1.LOG ;;
    *) input=$tmp/$what ;;
    esac
    run -q --format csv --by direction --state "$st" "$input"
    check "--state, $what, first run: exit status" "$rc" 2
    check "--state, $what, first run: no report" "$out" ""
    check "--state, $what, first run: no state written" "$(ls "$st" 2>&1 >/dev/null | wc -l)" 1
    run -q --format csv --by direction --state "$st" -o "$tmp/report.$what" "$input"
    check "--state -o, $what: exit status" "$rc" 2
    check "--state -o, $what: no report file" "$(ls "$tmp/report.$what" 2>&1 >/dev/null | wc -l)" 1
    run -q --nagios --state "$st.nagios" "$input"
    check "--state --nagios, $what: exit status" "$rc" 3
    check "--state --nagios, $what: one UNKNOWN line" "$(printf '%s\n' "$out" | wc -l) ${out%% -*}" \
        "1 EXTLS UNKNOWN"
done
# A state that read good rows, then a run where the folder is gone or empty
# (a failed mount): exit 2, no report, the state and the old report untouched.
mkdir -p "$tmp/mount"
cp "$src/$first" "$src/$second" "$tmp/mount/"
st=$tmp/state.mount
run -q --format csv --by direction --state "$st" -o "$tmp/report.mount" "$tmp/mount"
check "--state, mounted: exit status" "$rc" 0
cp "$st" "$tmp/state.mount.before"
cp "$tmp/report.mount" "$tmp/report.mount.before"
rm "$tmp/mount/$first" "$tmp/mount/$second"
run -q --format csv --by direction --state "$st" -o "$tmp/report.mount" "$tmp/mount"
check "--state, mount failed: exit status" "$rc" 2
check "--state, mount failed: stderr" "$err" "extls: $tmp/mount: no SMTP protocol logs found (no files)"
check "--state, mount failed: state untouched" "$(cmp "$st" "$tmp/state.mount.before" && echo same)" same
check "--state, mount failed: old report kept" \
    "$(cmp "$tmp/report.mount" "$tmp/report.mount.before" && echo same)" same
# Junk appended to one file, the other unchanged: every new row is
# malformed; the state does not advance past it until good rows come.
cp "$src/$first" "$src/$second" "$tmp/mount/"
printf 'junk\r\nmore junk\r\n' >>"$tmp/mount/$second"
run -q --format csv --by direction --state "$st" "$tmp/mount"
check "--state, junk appended: exit status" "$rc" 2
check "--state, junk appended: stderr" "$err" \
    "extls: no valid row read: all 2 rows were malformed (not SMTP protocol logs, or damaged ones)"
check "--state, junk appended: no report" "$out" ""
check "--state, junk appended: state untouched" "$(cmp "$st" "$tmp/state.mount.before" && echo same)" same
# Junk appended to the only file named: the same, said of that file.
run -q --format csv --by direction --state "$st.one" "$tmp/mount/$first"
cp "$st.one" "$tmp/state.one.before"
printf 'junk\r\n' >>"$tmp/mount/$first"
run -q --format csv --by direction --state "$st.one" "$tmp/mount/$first"
check "--state, junk appended to the file named: exit status" "$rc" 2
check "--state, junk appended to the file named: stderr" "$err" \
    "extls: $tmp/mount/$first: no valid row read (malformed rows only)"
check "--state, junk appended to the file named: state untouched" \
    "$(cmp "$st.one" "$tmp/state.one.before" && echo same)" same

# --nagios: a refused state is one UNKNOWN line (exit 3), the state untouched.
good=$tmp/state.good
run -q --nagios --state "$good" "$tmp/logs"
check "--nagios --state, first run: exit status" "$rc" 0
for damage in options checksum version; do
    cp "$good" "$tmp/s.$damage"
    args=(-q --nagios --state "$tmp/s.$damage")
    case $damage in
    options) args+=(--direction receive) ;;
    checksum) printf 'x' | dd of="$tmp/s.$damage" bs=1 seek=20 conv=notrunc status=none ;;
    version) sed -i '1s/\t2$/\t1/' "$tmp/s.$damage" ;;
    esac
    cp "$tmp/s.$damage" "$tmp/s.$damage.orig"
    run "${args[@]}" "$tmp/logs"
    check "--nagios, state refused ($damage): exit status" "$rc" 3
    check "--nagios, state refused ($damage): one line" "$(printf '%s\n' "$out" | wc -l)" 1
    # (the status text is the error, cut to the line's length)
    text=${out#EXTLS UNKNOWN - }
    check "--nagios, state refused ($damage): the line is stderr's error" \
        "${out%%"$text"}${err:7:${#text}}" "$out"
    check "--nagios, state refused ($damage): names the state" \
        "$(grep -c "^$tmp/s.$damage:" <<<"$text")" 1
    check "--nagios, state refused ($damage): state untouched" \
        "$(cmp "$tmp/s.$damage" "$tmp/s.$damage.orig" && echo same)" same
done

# --nagios: a state in use by another run is one UNKNOWN line too, at once
# and after --wait (the lock is the kernel's: a POSIX lock conflicts with it).
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' "$good.lock" "$tmp/held" &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/held" ] && break; sleep 0.1; done
for wait in "" "--wait 1"; do
    # shellcheck disable=SC2086 # $wait is an option and its value, or nothing
    run -q --nagios --state "$good" $wait "$tmp/logs"
    check "--nagios, state in use ${wait:-at once}: exit status" "$rc" 3
    check "--nagios, state in use ${wait:-at once}: the line" \
        "$(printf '%s\n' "$out" | wc -l) ${out%% (pid*}" \
        "1 EXTLS UNKNOWN - $good: ${wait:+still }in use by another extls run"
done
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# `sessions` as CSV or TSV: a --state run that saw nothing writes nothing at
# all, not even the header; without --state the header is there, as it is
# over a window with no session.
for fmt in csv tsv; do
    run sessions -q --format "$fmt" --state "$tmp/s.sessions.$fmt" "$tmp/empty"
    check "sessions -f $fmt --state, empty folder: exit status" "$rc" 2
    check "sessions -f $fmt --state, empty folder: nothing written" "$out" ""
    run sessions -q --format "$fmt" "$tmp/empty"
    check "sessions -f $fmt, empty folder: exit status" "$rc" 2
    check "sessions -f $fmt, empty folder: the header alone" "$(printf '%s\n' "$out" | wc -l) ${out%%[,	]*}" \
        "1 direction"
    run sessions -q --format "$fmt" --since 2030-01-01 samples/exchange2010
    check "sessions -f $fmt, empty window: the header alone" "$rc $(printf '%s\n' "$out" | wc -l)" "0 1"
done

# Without --state, -o: a run that saw nothing never replaces the report (or
# page) there, and creates none; a run that read something replaces it.
for fmt in csv html; do
    rep=$tmp/keep.$fmt
    rm -f "$rep"
    run -q --format "$fmt" -o "$rep" "$tmp/mount"
    check "-o $fmt, good run: exit status" "$rc" 0
    cp "$rep" "$rep.before"
    for what in empty bin missing; do
        case $what in
        missing) input=$tmp/no-such-folder ;;
        *) input=$tmp/$what ;;
        esac
        run -q --format "$fmt" -o "$rep" "$input"
        check "-o $fmt, $what: exit status" "$rc" 2
        check "-o $fmt, $what: old report kept" "$(cmp "$rep" "$rep.before" && echo same)" same
        run -q --format "$fmt" -o "$tmp/new.$what.$fmt" "$input"
        check "-o $fmt, $what, no file before: none made" \
            "$(ls "$tmp/new.$what.$fmt" 2>&1 >/dev/null | wc -l)" 1
    done
done
# A run where one input failed but another was read still writes its report.
rm -f "$tmp/part.json"
run -q --format json -o "$tmp/part.json" "$tmp/mount" "$tmp/no-such-folder"
check "-o, one input missing: exit status" "$rc" 2
check "-o, one input missing: report written, marked" "$(grep -c '"files_failed":1,' "$tmp/part.json")" 1

# The people's table and page of a run that saw nothing: what to fix first
# is unknown, never "nothing".
for what in empty bin missing; do
    case $what in
    missing) input=$tmp/no-such-folder ;;
    *) input=$tmp/$what ;;
    esac
    run -q "$input"
    check "table, $what: exit status" "$rc" 2
    check "table, $what: to fix first" "$(grep -A1 '^To fix first' "$tmp/out" | tail -n 1)" \
        "unknown: nothing was read (see the errors above)"
    run -q --format html "$input"
    check "page, $what: to fix first" "$(grep -c '<p>Unknown: nothing was read' "$tmp/out") \
$(grep -c '<p>Nothing:' "$tmp/out")" "1 0"
done

# A merged report keeps the flag of a report whose run saw nothing: merged
# again (daily merges into a month), it is named again, exit 2.
md=tests/merge-data
for blind in saw-nothing malformed-only; do
    run merge -q --format json "$md/exchange2019.json" "$md/$blind.json"
    check "merge with $blind: exit status" "$rc" 2
    printf '%s\n' "$out" >"$tmp/day.$blind.json"
    run merge --format csv --by direction "$tmp/day.$blind.json" "$md/exchange2019.json"
    check "merge of a merge with $blind: exit status" "$rc" 2
    check "merge of a merge with $blind: named" "$err" \
        "extls: $tmp/day.$blind.json: incomplete: 1 input of its run could not be read (files_failed)"
    run merge -q --format json "$tmp/day.$blind.json"
    printf '%s\n' "$out" >"$tmp/month.$blind.json"
    run merge -q --nagios "$tmp/month.$blind.json"
    check "merge three levels deep with $blind: UNKNOWN" "$rc ${out%% -*}" "3 EXTLS UNKNOWN"
done

[ $fail -eq 0 ] && echo "ok: nothing seen is never clean"
exit $fail
