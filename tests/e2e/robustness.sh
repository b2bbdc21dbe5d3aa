#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hostile inputs and faults that need a generated input, a special file or a
# fault at a chosen point: one case per run, named by the first argument
# (docs/ROBUSTNESS.md lists them). Big inputs are generated at test time
# through pipes, never stored. No case times anything: CTest's TIMEOUT is the
# only clock.
# usage: robustness.sh CASE EXTLS [PEAK_RSS [SHIM [SANITIZED]]]   (from the source root)
set -euo pipefail
case_name=$1 exe=$2 peak_rss=${3:-} shim=${4:-} sanitized=${5:-OFF}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
fail=0
log_type='#Log-type: SMTP Receive Protocol Log'

check() { # check WHAT GOT WANT
    if [ "$2" != "$3" ]; then
        printf 'FAIL: %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"
        fail=1
    fi
}

# Run a command (redirections apply to it), its exit status in $rc, even under set -e.
run() {
    rc=0
    "$@" || rc=$?
}

# Peak RSS checks mean nothing under sanitizers (shadow memory).
rss_below() { # rss_below WHAT KIB LIMIT_KIB
    if [ "$sanitized" = ON ]; then
        return
    fi
    if [ "$2" -gt "$3" ]; then
        echo "FAIL: $1: peak RSS $2 KiB > $3 KiB"
        fail=1
    fi
}

# N one-row sessions (sequence number 0 with the disconnect), each from
# its own IPv4 address 10.x.y.z, as one receive log on stdout.
one_row_sessions() {
    awk -v n="$1" -v h="$log_type" 'BEGIN {
        print h
        for (i = 0; i < n; i++)
            printf "2023-01-11T12:00:00.000Z,EX\\Default,S%d,0,10.0.0.1:25,10.%d.%d.%d:25,-,,\n",
                i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    }'
}

lf_only='send,2,0,0,0,0,1,0,0,0,1,2023-01-11T10:20:00.500Z,2023-01-11T10:20:01.020Z,0,1'
csv_head='direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,tls_failed,none,first,last,legacy,with_tls'

case $case_name in
long_line)
    # A 100 MB line (no LF) and a 3 MB quoted field, between good rows.
    good='2023-01-11T12:00:00.300Z,C1,S1,0,10.0.0.1:25,192.0.2.60:1,-,,'
    rc=0
    {
        printf '%s\r\n' "$log_type"
        head -c 100000000 /dev/zero | tr '\0' a
        printf '\r\n%s\r\n' "$good"
        printf '2023-01-11T12:00:00.400Z,C1,S2,0,10.0.0.1:25,192.0.2.60:1,-,"'
        head -c 3000000 /dev/zero | tr '\0' ,
        printf '",\r\n%s\r\n' "${good/S1/S3}"
    } | "$peak_rss" "$tmp/rss" "$exe" --format jsonl --by direction - >"$tmp/out" 2>"$tmp/err" || rc=$?
    check "exit status" "$rc" 0
    check stderr "$(cat "$tmp/err")" "extls: (standard input):2: line longer than 4194304 bytes
extls: (standard input):4: field longer than 1048576 bytes"
    check totals "$(grep -o '"rows":[0-9]*,"malformed_rows":[0-9]*,"sessions":[0-9]*' "$tmp/out")" \
        '"rows":2,"malformed_rows":2,"sessions":2'
    rss_below "100 MB line" "$(cat "$tmp/rss")" $((32 * 1024))
    ;;
same_file_links)
    # One file named three ways is read once; a copy is another file.
    cp tests/data/lf-only.log "$tmp/a.log"
    ln -s a.log "$tmp/symlink.log"
    ln "$tmp/a.log" "$tmp/hardlink.log"
    run "$exe" --format csv --by direction "$tmp/a.log" "$tmp/symlink.log" "$tmp/hardlink.log" "$tmp" \
        >"$tmp/out" 2>"$tmp/err"
    check "links: exit status" "$rc" 0
    check "links: counted once" "$(cat "$tmp/out" "$tmp/err")" "$csv_head
$lf_only"
    cp tests/data/lf-only.log "$tmp/copy.log"
    "$exe" --format csv --by direction "$tmp" >"$tmp/out" 2>"$tmp/err"
    check "copy: counted twice" "$(cat "$tmp/out" "$tmp/err")" "$csv_head
send,4,0,0,0,0,2,0,0,0,2,2023-01-11T10:20:00.500Z,2023-01-11T10:20:01.020Z,0,2"
    ;;
symlink_loops)
    # Links to ancestor folders end (each folder is entered once); links
    # that loop or dangle are named, the exit status is 2, the rest counts.
    mkdir -p "$tmp/t/a/b"
    cp tests/data/lf-only.log "$tmp/t/a/b/one.log"
    ln -s .. "$tmp/t/a/b/up"
    ln -s ../../.. "$tmp/t/a/b/top"
    ln -s ../../t "$tmp/t/a/self"
    set +e
    "$exe" --format csv --by direction "$tmp/t" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    check "folder loops: exit status" "$rc" 0
    check "folder loops: read once" "$(cat "$tmp/out" "$tmp/err")" "$csv_head
$lf_only"
    ln -s loop2.log "$tmp/t/a/loop1.log"
    ln -s loop1.log "$tmp/t/a/loop2.log"
    ln -s nowhere "$tmp/t/a/dangling"
    set +e
    "$exe" --format csv --by direction "$tmp/t" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    check "file loops: exit status" "$rc" 2
    # Named in directory order, which the file system decides.
    check "file loops: named" "$(sort "$tmp/err")" "extls: $tmp/t/a/dangling: No such file or directory
extls: $tmp/t/a/loop1.log: Too many levels of symbolic links
extls: $tmp/t/a/loop2.log: Too many levels of symbolic links"
    check "file loops: the rest counted" "$(cat "$tmp/out")" "$csv_head
$lf_only"
    ;;
many_files)
    # 100 000 one-session files in one folder (on tmpfs when there is one).
    base=$tmp
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        base=$(mktemp -d /dev/shm/extls-many.XXXXXX)
        trap 'rm -rf "$tmp" "$base"' EXIT
    fi
    mkdir "$base/many"
    (cd "$base/many" && awk -v h="$log_type" 'BEGIN {
        for (i = 0; i < 100000; i++) {
            f = sprintf("RECV%06d.LOG", i)
            printf "%s\n2023-01-11T12:00:00.300Z,C1,S%d,0,10.0.0.1:25,192.0.2.%d:1,-,,\n", h, i, i % 250 > f
            close(f)
        }
    }')
    run "$peak_rss" "$tmp/rss" "$exe" --format csv --by direction "$base/many" >"$tmp/out" 2>"$tmp/err"
    check "exit status" "$rc" 0
    check output "$(cat "$tmp/out" "$tmp/err")" "$csv_head
receive,100000,0,0,0,0,0,0,0,0,100000,2023-01-11T12:00:00.300Z,2023-01-11T12:00:00.300Z,0,0"
    rss_below "100 000 files" "$(cat "$tmp/rss")" $((64 * 1024))
    ;;
fifo)
    # A FIFO named on the command line is read like standard input; one
    # met while walking a folder is not a regular file: skipped, counted.
    mkfifo "$tmp/RECV-fifo.LOG"
    cat tests/data/lf-only.log >"$tmp/RECV-fifo.LOG" &
    writer=$!
    run "$exe" --format csv --by direction "$tmp/RECV-fifo.LOG" >"$tmp/out" 2>"$tmp/err"
    check "named FIFO: exit status" "$rc" 0
    kill $writer 2>/dev/null || true # still blocked only if extls never opened the FIFO
    wait $writer || true
    check "named FIFO: read" "$(cat "$tmp/out" "$tmp/err")" "$csv_head
$lf_only"
    mkdir "$tmp/walk"
    mkfifo "$tmp/walk/RECV-fifo.LOG"
    cp tests/data/lf-only.log "$tmp/walk/good.log"
    run "$exe" --format jsonl --by direction "$tmp/walk" >"$tmp/out" 2>"$tmp/err"
    check "walked FIFO: exit status" "$rc" 0
    check "walked FIFO: skipped" "$(grep -o '"files":[0-9]*,.*"files_skipped":[0-9]*' "$tmp/out")" \
        '"files":1,"rows":50,"malformed_rows":0,"sessions":2,"files_skipped":1'
    ;;
truncated | grown)
    # The file changes right after extls's first read() of it (64 KiB), by
    # an LD_PRELOAD shim: a fault at an exact point, not a race.
    one_row_sessions 3000 >"$tmp/RECV-big.LOG" # 252 KiB, 3000 sessions
    if [ "$case_name" = truncated ]; then
        action=truncate:1000
    else
        one_row_sessions 10 | tail -n +2 | sed 's/,S/,T/' >"$tmp/more"
        action=append:$tmp/more
    fi
    set +e
    ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=$shim EXTLS_SHIM_PATH=$tmp/RECV-big.LOG \
        EXTLS_SHIM_ACTION=$action "$exe" -j 1 --format jsonl --by direction "$tmp/RECV-big.LOG" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    totals=$(grep -o '"files":.*"files_failed":[0-9]*' "$tmp/out")
    if [ "$case_name" = truncated ]; then
        # The 904 whole rows of the first 64 KiB are counted; the rest,
        # with the row cut at 64 KiB, is lost, which is named, and makes
        # the input partly read (files_failed) and the exit status 2.
        check "exit status" "$rc" 2
        check stderr "$(cat "$tmp/err")" \
            "extls: $tmp/RECV-big.LOG: truncated while being read (65536 bytes read, 1000 left)"
        check totals "$totals" '"files":1,"rows":904,"malformed_rows":0,"sessions":904,"files_skipped":0,"files_failed":1'
    else
        # Bytes written while extls reads are read: the file as it ends up.
        check "exit status" "$rc" 0
        check stderr "$(cat "$tmp/err")" ""
        check totals "$totals" '"files":1,"rows":3010,"malformed_rows":0,"sessions":3010,"files_skipped":0,"files_failed":0'
    fi
    ;;
dev_full)
    # A full disk: exit status 2 and a message, for the summary, the
    # streamed records, --help and --version alike.
    for args in "tests/data/lf-only.log" "--format json tests/data/lf-only.log" \
        "sessions tests/data/lf-only.log" "--help" "--version"; do
        set +e
        # shellcheck disable=SC2086
        "$exe" $args >/dev/full 2>"$tmp/err"
        rc=$?
        set -e
        check "'$args' >/dev/full: exit status" "$rc" 2
        check "'$args' >/dev/full: stderr" "$(cat "$tmp/err")" \
            "extls: cannot write output: No space left on device"
    done
    ;;
closed_pipe)
    # The reader goes away (`| head -1`): extls ends quietly, killed by
    # SIGPIPE (status 141), also when it was started with SIGPIPE ignored.
    one_row_sessions 50000 >"$tmp/RECV-big.LOG"
    for ignore in no yes; do
        set +e
        if [ $ignore = yes ]; then
            (
                trap '' PIPE
                "$exe" sessions "$tmp/RECV-big.LOG" 2>"$tmp/err" | head -1 >"$tmp/out"
                echo "${PIPESTATUS[0]}" >"$tmp/rc"
            )
        else
            "$exe" sessions "$tmp/RECV-big.LOG" 2>"$tmp/err" | head -1 >"$tmp/out"
            echo "${PIPESTATUS[0]}" >"$tmp/rc"
        fi
        set -e
        check "SIGPIPE ignored=$ignore: exit status" "$(cat "$tmp/rc")" 141
        check "SIGPIPE ignored=$ignore: stderr" "$(cat "$tmp/err")" ""
        check "SIGPIPE ignored=$ignore: first record" "$(cut -c1-60 "$tmp/out")" \
            '{"direction":"receive","connector":"EX\\Default","session":"'
    done
    ;;
hosts_linear)
    # 250k, 500k and 1M one-row sessions, each from another IPv4 address:
    # one group per host, so memory grows with hosts, linearly, and within
    # a generous bound per host (measured: about 310 bytes).
    [ "$sanitized" = ON ] && { echo "skipped under sanitizers"; exit 77; }
    for n in 250000 500000 1000000; do
        rc=0
        one_row_sessions $n | "$peak_rss" "$tmp/rss.$n" "$exe" --format json - >"$tmp/out" || rc=$?
        check "$n hosts: exit status" "$rc" 0
        check "$n hosts: sessions" "$(grep -o '"rows":[0-9]*,"malformed_rows":0,"sessions":[0-9]*' "$tmp/out")" \
            "\"rows\":$n,\"malformed_rows\":0,\"sessions\":$n"
    done
    a=$(cat "$tmp/rss.250000") b=$(cat "$tmp/rss.500000") c=$(cat "$tmp/rss.1000000")
    per_host=$(((c - a) * 1024 / 750000))
    echo "peak RSS: 250k hosts $a KiB, 500k $b KiB, 1M $c KiB; $per_host bytes per host"
    [ "$per_host" -le 1024 ] || { echo "FAIL: $per_host bytes per host > 1024"; fail=1; }
    # Linear: the second 500k cost what the first 250k+250k did, within 25 %.
    d1=$((b - a)) d2=$((c - b))
    [ $((d2 * 100)) -ge $((d1 * 2 * 75)) ] && [ $((d2 * 100)) -le $((d1 * 2 * 125)) ] ||
        { echo "FAIL: not linear: +$d1 KiB for 250k more hosts, +$d2 KiB for 500k more"; fail=1; }
    ;;
*)
    echo "robustness.sh: unknown case '$case_name'"
    exit 2
    ;;
esac
[ $fail -eq 0 ] && echo "ok: $case_name"
exit $fail
