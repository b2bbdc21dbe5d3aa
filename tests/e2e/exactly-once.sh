#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Exactly-once reports with --state: every session reaches exactly one
# delivered report, whatever happens to the runs. One case per run:
#   concurrent   runs that overlap on one state: a run stopped while it holds
#                the lock makes two others fail at once (exit 2, naming its
#                pid) and two more wait (--wait) for it; and three runs
#                started together with --wait. Each session (by its record)
#                is in exactly one report.
#   undelivered  output to /dev/full, to a closed pipe, and to a file whose
#                fsync fails: exit 2 (or SIGPIPE), the state unchanged, and
#                the next run reports the same sessions.
#   kill         kill -9 at random moments (fixed seed) of --state runs with
#                --output over a growing tree, at least 100 kills; the
#                delivered reports add up, class by class, to one plain run.
#   faults       a failure (and a SIGKILL) injected at every write, fsync and
#                rename of the state, the journal and --output (fault_shim.c),
#                and at every size of the output and state files (ulimit -f):
#                the faulty run and the next one deliver together exactly the
#                sessions of one clean run.
# The trees are made by bench's genlogs. Files arrive whole and in time
# order, so no session is cut by the arrival of a file: what is proved here
# is the delivery and commit order, not the handling of rows arriving
# after a session was closed.
# usage: exactly-once.sh CASE EXTLS GENLOGS FAULT_SHIM   (from the source root)
set -euo pipefail
case_name=$1 exe=$2 genlogs=$3 shim=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
fail=0
check() { # check WHAT GOT WANT
    if [ "$2" != "$3" ]; then
        printf 'FAIL: %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"
        fail=1
    fi
}
run() { # a command (redirections apply to it), its exit status in $rc
    rc=0
    "$@" || rc=$?
}
# Class columns of CSV reports grouped by direction, added up per direction.
sum_csv() {
    awk -F, 'FNR == 1 { next } { for (i = 2; i <= 11; i++) s[$1, i] += $i; d[$1] = 1 }
        END { for (k in d) { line = k; for (i = 2; i <= 11; i++) line = line "," s[k, i]; print line } }' \
        /dev/null "$@" | sort
}
# Class columns of TSV reports grouped by direction,connector,remote, added up per key.
sum_tsv() {
    awk -F'\t' 'FNR == 1 { next } { k = $1 "\t" $2 "\t" $3; for (i = 4; i <= 13; i++) s[k, i] += $i; d[k] = 1 }
        END { for (k in d) { line = k; for (i = 4; i <= 13; i++) line = line "\t" s[k, i]; print line } }' \
        /dev/null "$@" | sort
}
# Per-session records (sessions --format tsv) of several outputs, without headers, sorted.
records() { awk 'FNR > 1' "${@:--}" | sort; }
gen() { # gen DIR SEED MB: a generated tree (whole files)
    "$genlogs" --out "$1" --seed "$2" --mb "$3" --files-mb 1 >/dev/null
}
# Logs days after the generated ones, one in every folder of logs under
# ROOT (a series is a folder and a direction, and each keeps its own clock):
# in --state runs the sessions a tree leaves open are counted when it is
# read, as they end in a plain run. Prints their paths relative to ROOT.
close_file() { # close_file ROOT
    find "$1" -name '*.LOG' -exec dirname {} \; | sort -u | while read -r d; do
        case $d in
        *Send*) f=SEND2024031411-9.LOG t='SMTP Send Protocol Log' ;;
        *) f=RECV2024031411-9.LOG t='SMTP Receive Protocol Log' ;;
        esac
        printf '#Log-type: %s\r\n2024-03-14T11:00:00.000Z,EX\\Default,CLOSE,0,10.0.0.1:25,10.9.9.9:25,-,,\r\n' \
            "$t" >"$d/$f"
        echo "${d#"$1/"}/$f"
    done
}
wait_stopped() { # until process $1 is stopped (SIGSTOP from the shim)
    for _ in $(seq 1 600); do
        # The state letter follows the parenthesised command name in /proc/PID/stat.
        [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = T ] && return 0
        sleep 0.05
    done
    echo "FAIL: process $1 never stopped"
    exit 1
}

case $case_name in
concurrent)
    mkdir -p "$tmp/logs" "$tmp/st"
    gen "$tmp/logs/b1" 11 4
    S=$tmp/st/S
    sess() { "$exe" sessions --quiet --format tsv --state "$S" "$@" "$tmp/logs"; }
    # A holds the lock and stops just before writing its new state.
    LD_PRELOAD=$shim EXTLS_FAULT=write:1:stop EXTLS_FAULT_DIR=$tmp/st \
        "$exe" sessions --quiet --format tsv --state "$S" "$tmp/logs" >"$tmp/a.tsv" &
    a=$!
    wait_stopped $a
    for who in b c; do
        run sess >"$tmp/$who.tsv" 2>"$tmp/$who.err"
        check "$who while A runs: exit status" "$rc" 2
        check "$who while A runs: message" "$(cat "$tmp/$who.err")" \
            "extls: $S: in use by another extls run (pid $a)"
        check "$who while A runs: no output" "$(wc -c <"$tmp/$who.tsv")" 0
    done
    test ! -e "$S" || { echo "FAIL: state written while A was stopped"; fail=1; }
    gen "$tmp/logs/b2" 12 4 # new files arrive while A runs
    close_file "$tmp/logs" >/dev/null
    sess --wait 60s >"$tmp/d.tsv" 2>"$tmp/d.err" &
    d=$!
    sess --wait 1m >"$tmp/e.tsv" 2>"$tmp/e.err" &
    e=$!
    sleep 0.3
    kill -CONT $a
    for p in $a $d $e; do
        run wait $p
        check "run $p (A, and two that waited): exit status" "$rc" 0
    done
    "$exe" sessions --quiet --format tsv "$tmp/logs" >"$tmp/plain.tsv"
    check "each session in exactly one report (A, D, E)" \
        "$(records "$tmp/a.tsv" "$tmp/d.tsv" "$tmp/e.tsv" | md5sum)" "$(records "$tmp/plain.tsv" | md5sum)"
    check "no session twice" "$(records "$tmp/a.tsv" "$tmp/d.tsv" "$tmp/e.tsv" | uniq -d | wc -l)" 0
    check "A reported" "$([ "$(records "$tmp/a.tsv" | wc -l)" -gt 500 ] && echo yes)" yes

    # Three runs started together, each waiting for the lock; a fresh state.
    rm -f "$S"
    for k in 1 2 3; do
        sess --wait 1m >"$tmp/t$k.tsv" 2>"$tmp/t$k.err" &
        eval "p$k=\$!"
    done
    for k in 1 2 3; do
        eval "run wait \$p$k"
        check "together $k: exit status" "$rc" 0
    done
    check "three together: each session in exactly one report" \
        "$(records "$tmp"/t?.tsv | md5sum)" "$(records "$tmp/plain.tsv" | md5sum)"
    check "three together: two reports are empty" \
        "$(for k in 1 2 3; do records "$tmp/t$k.tsv" | wc -l; done | grep -c '^0$')" 2
    ;;
undelivered)
    mkdir -p "$tmp/logs" "$tmp/st"
    gen "$tmp/logs/b1" 21 2
    close_file "$tmp/logs" >/dev/null
    S=$tmp/st/S
    "$exe" --quiet --format csv --by direction "$tmp/logs" >"$tmp/plain.csv"
    "$exe" sessions --quiet --format tsv "$tmp/logs" >"$tmp/plain.tsv"
    for cmd in report sessions; do
        rm -f "$S"
        if [ $cmd = report ]; then set -- --format csv --by direction; else set -- sessions --format tsv; fi
        # No space left.
        run "$exe" "$@" --quiet --state "$S" "$tmp/logs" >/dev/full 2>"$tmp/err"
        check "$cmd >/dev/full: exit status" "$rc" 2
        check "$cmd >/dev/full: message" "$(cat "$tmp/err")" "extls: cannot write output: No space left on device"
        check "$cmd >/dev/full: no state" "$(test -e "$S" && echo written || echo none)" none
        # A reader that went away (it closes the pipe at once, before extls has
        # read its input): killed by SIGPIPE, nothing marked done.
        set +e
        "$exe" "$@" --quiet --state "$S" "$tmp/logs" 2>"$tmp/err" | true
        rc=${PIPESTATUS[0]}
        set -e
        check "$cmd | closed pipe: SIGPIPE" "$rc" 141
        check "$cmd | closed pipe: no state" "$(test -e "$S" && echo written || echo none)" none
        # The report is a regular file that cannot be synced to disk.
        run env LD_PRELOAD="$shim" EXTLS_FAULT=fsync:1 EXTLS_FAULT_DIR="$tmp/out" \
            "$exe" "$@" --quiet --state "$S" "$tmp/logs" >"$tmp/out" 2>"$tmp/err"
        check "$cmd fsync fails: exit status" "$rc" 2
        check "$cmd fsync fails: message" "$(cat "$tmp/err")" "extls: cannot write output: Input/output error"
        check "$cmd fsync fails: no state" "$(test -e "$S" && echo written || echo none)" none
        # Now delivered: everything, once.
        run "$exe" "$@" --quiet --state "$S" "$tmp/logs" >"$tmp/out"
        check "$cmd delivered: exit status" "$rc" 0
        if [ $cmd = report ]; then
            check "$cmd: the next run reports every session" "$(sum_csv "$tmp/out")" "$(sum_csv "$tmp/plain.csv")"
        else
            check "$cmd: the next run reports every session" "$(records "$tmp/out" | md5sum)" \
                "$(records "$tmp/plain.tsv" | md5sum)"
        fi
        cp "$S" "$tmp/S.before"
        # With data already marked done, a failed write changes nothing either.
        gen "$tmp/logs/b2" 22 1
        run "$exe" "$@" --quiet --state "$S" "$tmp/logs" >/dev/full 2>/dev/null
        check "$cmd >/dev/full later: exit status" "$rc" 2
        check "$cmd >/dev/full later: state unchanged" "$(cmp -s "$S" "$tmp/S.before" && echo same)" same
        rm -rf "$tmp/logs/b2"
    done
    ;;
kill)
    # A tree of 15 files arrives one file at a time, oldest first; after each
    # arrival, runs are started and killed (-9) after a random delay (0-24 ms)
    # until 7 more kills have hit a running extls, then one run is left to
    # finish. Every run has its own --output file: a report is delivered when
    # that file exists (after the last run, which completes any commit a kill
    # interrupted).
    mkdir -p "$tmp/all" "$tmp/logs" "$tmp/st" "$tmp/rep"
    gen "$tmp/all" 31 13
    S=$tmp/st/S
    # Files in the order of their first row's time.
    find "$tmp/all" -name '*.LOG' | while read -r f; do
        printf '%s %s\n' "$(sed -n 6p "$f" | cut -d, -f1)" "${f#"$tmp/all/"}"
    done | sort | cut -d' ' -f2 >"$tmp/order"
    # Last, a file a day later: the sessions still open expire in the state runs,
    # as they end in a plain run.
    close_file "$tmp/all" >>"$tmp/order"
    RANDOM=14 # fixed seed
    runs=0 kills=0 n=0
    one() { # one run with its own --output; killed after $1 ms unless empty
        n=$((n + 1))
        runs=$((runs + 1))
        "$exe" --quiet --format csv --by direction --state "$S" -o "$tmp/rep/r.$n.csv" "$tmp/logs" \
            2>"$tmp/err" &
        local pid=$!
        if [ -n "$1" ]; then
            sleep "$(printf '0.%03d' "$1")"
            kill -9 $pid 2>/dev/null || true
        fi
        rc=0
        wait $pid 2>/dev/null || rc=$?
        case $rc in
        0) ;;
        137) kills=$((kills + 1)) ;;
        *)
            echo "FAIL: run $n: exit status $rc: $(cat "$tmp/err")"
            fail=1
            ;;
        esac
    }
    batch=0
    while read -r f; do
        mkdir -p "$(dirname "$tmp/logs/$f")"
        cp "$tmp/all/$f" "$tmp/logs/$f"
        batch=$((batch + 1)) tries=0
        while [ $kills -lt $((batch * 7)) ] && [ $tries -lt 60 ]; do
            one $((RANDOM % 25))
            tries=$((tries + 1))
        done
        one ""
    done <"$tmp/order"
    check "at least 100 kills hit a running extls" "$([ $kills -ge 100 ] && echo yes || echo "no: $kills")" yes
    "$exe" --quiet --format csv --by direction "$tmp/logs" >"$tmp/plain.csv"
    got=$(sum_csv "$tmp"/rep/r.*.csv)
    want=$(sum_csv "$tmp/plain.csv")
    check "delivered reports add up, class by class, to one plain run" "$got" "$want"
    # Duplicates and losses, class by class (columns 2..11 of the sums).
    paste -d, <(echo "$got") <(echo "$want") | awk -F, '{ for (i = 2; i <= 11; i++) {
            d = $i - $(i + 11); if (d > 0) dup += d; else lost -= d } }
        END { printf "duplicates=%d lost=%d\n", dup, lost }' >"$tmp/dl"
    sessions=$(awk -F, 'NR > 1 { n += $2 } END { print n }' "$tmp/plain.csv")
    echo "kills=$kills runs=$runs delivered=$(ls "$tmp"/rep/r.*.csv | wc -l) files=$(wc -l <"$tmp/order") sessions=$sessions $(cat "$tmp/dl")"
    check "no duplicate, no loss" "$(cat "$tmp/dl")" "duplicates=0 lost=0"
    ;;
faults)
    mkdir -p "$tmp/logs" "$tmp/st"
    gen "$tmp/logs/b1" 41 2
    close_file "$tmp/logs" >/dev/null
    S=$tmp/st/S O=$tmp/st/out.tsv
    opts=(--quiet --format tsv --by direction,connector,remote --state "$S")
    "$exe" "${opts[@]}" -o "$O" "$tmp/logs"
    gen "$tmp/logs/b2" 42 2
    echo previous >"$O"
    cp -a "$tmp/st" "$tmp/snap"
    # The reference: what a clean run delivers now.
    "$exe" "${opts[@]}" -o "$O" "$tmp/logs"
    cp "$O" "$tmp/ref.tsv"
    sum_ref=$(sum_tsv "$tmp/ref.tsv")
    points=0
    restore() { rm -rf "$tmp/st" && cp -a "$tmp/snap" "$tmp/st"; }
    # After a faulty run ($1: how it was made), a clean one: together they
    # deliver the reference, and a failed run left the old report and state.
    judge() {
        local what=$1 mode=$2 rc1=$rc got
        run "$exe" "${opts[@]}" -o "$tmp/st/out2.tsv" "$tmp/logs" 2>"$tmp/err2"
        check "$what: the next run's exit status" "$rc" 0
        if [ "$mode" = stdout ]; then
            # On standard output a report is delivered when the exit status says so.
            if [ "$rc1" = 0 ]; then got=$(sum_tsv "$tmp/out1" "$tmp/st/out2.tsv"); else got=$(sum_tsv "$tmp/st/out2.tsv"); fi
        else
            if [ "$(cat "$O")" = previous ]; then got=$(sum_tsv "$tmp/st/out2.tsv"); else got=$(sum_tsv "$O" "$tmp/st/out2.tsv"); fi
            if [ "$rc1" = 0 ]; then
                check "$what: a run that succeeded delivered its report" "$(cmp -s "$O" "$tmp/ref.tsv" && echo yes)" yes
            fi
        fi
        check "$what: delivered exactly once" "$got" "$sum_ref"
        points=$((points + 1))
        kinds[$3]=$((${kinds[$3]:-0} + 1))
    }
    declare -A kinds
    for op in write fsync rename; do
        for action in fail kill; do
            for n in $(seq 1 40); do
                restore
                rm -f "$tmp/fired"
                spec=$op:$n
                [ $action = kill ] && spec=$spec:kill
                run env LD_PRELOAD="$shim" EXTLS_FAULT=$spec EXTLS_FAULT_DIR="$tmp/st" EXTLS_FAULT_LOG="$tmp/fired" \
                    "$exe" "${opts[@]}" -o "$O" "$tmp/logs" 2>"$tmp/err1"
                [ -e "$tmp/fired" ] || break # fewer than n such calls
                if [ $action = kill ]; then
                    check "$spec: killed" "$rc" 137
                elif [ "$rc" != 0 ]; then
                    check "$spec ($(cat "$tmp/fired")): exit status" "$rc" 2
                    check "$spec: one message" "$(wc -l <"$tmp/err1")" 1
                fi
                # Without a journal left, the report and the state changed together or not at all
                # (a failure that passed the commit point leaves the journal for the next run).
                if [ "$rc" != 0 ] && [ ! -e "$S.commit" ]; then
                    old_state=$(cmp -s "$S" "$tmp/snap/S" && echo old || echo new)
                    old_report=$([ "$(cat "$O")" = previous ] && echo old || echo new)
                    [ $action = fail ] && check "$spec: state as it was" "$old_state" old
                    check "$spec: report and state together" "$old_report" "$old_state"
                fi
                judge "$spec" file "$op:$action"
            done
            # The report on standard output (a regular file): failures only, as
            # a killed run's standard output is never a delivered report.
            [ $action = kill ] && continue
            for n in $(seq 1 40); do
                restore
                rm -f "$tmp/fired"
                run env LD_PRELOAD="$shim" EXTLS_FAULT=$op:$n EXTLS_FAULT_DIR="$tmp/st" EXTLS_FAULT_LOG="$tmp/fired" \
                    "$exe" "${opts[@]}" "$tmp/logs" >"$tmp/out1" 2>"$tmp/err1"
                [ -e "$tmp/fired" ] || break
                judge "stdout $op:$n" stdout "$op:stdout"
            done
        done
    done
    # Every size limit of the files written (ulimit -f, 1 KiB blocks): the
    # report's own writes go through stdio, out of the shim's reach.
    size=$(($(stat -c %s "$tmp/ref.tsv") / 1024 + 2))
    ssize=$(($(stat -c %s "$tmp/snap/S") / 1024 + 2))
    [ $ssize -gt $size ] && size=$ssize
    for blocks in $(seq 0 $((size / 12 + 1)) "$size"); do
        restore
        run bash -c 'ulimit -f "$1"; trap "" XFSZ; shift; exec "$@"' _ "$blocks" \
            "$exe" "${opts[@]}" -o "$O" "$tmp/logs" 2>"$tmp/err1"
        if [ "$rc" != 0 ]; then
            check "ulimit -f $blocks: exit status" "$rc" 2
            check "ulimit -f $blocks: state as it was" "$(cmp -s "$S" "$tmp/snap/S" && echo same)" same
        fi
        judge "ulimit -f $blocks" file ulimit
    done
    echo "fault points: $points ($(for k in "${!kinds[@]}"; do echo "$k=${kinds[$k]}"; done | sort | tr '\n' ' '))"
    check "fault points tried" "$([ $points -ge 30 ] && echo enough || echo "only $points")" enough
    ;;
*)
    echo "unknown case '$case_name'"
    exit 2
    ;;
esac
[ $fail -eq 0 ] && echo "ok: $case_name"
exit $fail
