#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Temporary files that killed runs (kill -9) leave beside a state file and an
# --output report are removed by the next run that holds the state's lock:
# STATE.tmp.PID and STATE.commit.tmp.PID whatever the pid (every writer of
# them holds that lock), REPORT.tmp.PID only when no process PID exists. The
# report's temporary file of a live run (another state file writing the same
# --output, held by the fault shim just before it writes its state) stays,
# and that run then completes normally.
# usage: stale-temps.sh EXTLS FAULT_SHIM   (run from the source root)
set -euo pipefail
exe=$1
shim=$2
tmp=$(mktemp -d)
sleeper=
a=
cleanup() {
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
    [ -n "$a" ] && kill -9 "$a" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
logs=samples/exchange2019
fail=0
check() { # description, command...
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}

# A pid that existed and no longer does, and one that lives while we test.
sh -c 'exit 0' &
dead=$!
wait $dead
sleep 300 &
sleeper=$!

mkdir -p "$tmp/st"
S=$tmp/st/S
R=$tmp/st/report.csv
for f in "$S.tmp.$dead" "$S.commit.tmp.$dead" "$S.tmp.$sleeper" "$R.tmp.$dead" "$R.tmp.$sleeper" \
    "$S.tmp.x1" "$R.tmp."; do
    echo "left over" >"$f"
done
set +e
"$exe" --verbose --format csv --by direction --state "$S" -o "$R" "$logs" >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "run with stale temporaries: exit 0 (got $rc)" test $rc -eq 0
for f in "$S.tmp.$dead" "$S.commit.tmp.$dead" "$S.tmp.$sleeper" "$R.tmp.$dead"; do
    check "removed: ${f#"$tmp"/}" test ! -e "$f"
done
check "kept: a live process's report temporary" test -e "$R.tmp.$sleeper"
check "kept: names that are not temporaries" test -e "$S.tmp.x1" -a -e "$R.tmp."
check "said with --verbose" \
    grep -qxF "extls: $S: removed 4 temporary files left by killed runs" "$tmp/err"
check "report and state written" test -s "$R" -a -s "$S"
rm -f "$R.tmp.$sleeper" "$S.tmp.x1" "$R.tmp."

# A live run's own temporary file stays: run A (state S2) is held by the
# shim after its report's temporary file is complete, just before it writes
# its state; run B (state S3, same --output) sweeps meanwhile.
LD_PRELOAD=$shim EXTLS_FAULT=write:1:stop EXTLS_FAULT_DIR=$tmp/st \
    "$exe" -q --format csv --by direction --state "$tmp/st/S2" -o "$R" "$logs" \
    >/dev/null 2>"$tmp/a.err" &
a=$!
for _ in $(seq 1 600); do
    state=$(awk '{ print $3 }' "/proc/$a/stat" 2>/dev/null || echo gone)
    [ "$state" = T ] && break
    sleep 0.05
done
check "A stopped before writing its state" test "$state" = T
check "A's report temporary file is there" test -e "$R.tmp.$a"
set +e
"$exe" -q --format csv --by direction --state "$tmp/st/S3" -o "$R" "$logs" >/dev/null 2>"$tmp/b.err"
rc=$?
set -e
check "B meanwhile: exit 0 (got $rc)" test $rc -eq 0
check "B left A's report temporary file" test -e "$R.tmp.$a"
kill -CONT $a
set +e
wait $a
rc=$?
set -e
a=
check "A completes: exit 0 (got $rc; $(cat "$tmp/a.err"))" test $rc -eq 0
check "A's temporary file renamed into place" test ! -e "$R.tmp.$a"
left=$(find "$tmp/st" -name '*.tmp.*' | wc -l)
check "no temporary file left ($left)" test "$left" -eq 0

[ $fail -eq 0 ] && echo "ok: stale temporaries of killed runs removed, a live run's own kept"
exit $fail
