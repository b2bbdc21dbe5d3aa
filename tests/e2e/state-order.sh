#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: a session is counted once, whole, whatever order its rows arrive in.
# Two generated servers (bench/genlogs, rows 8 s apart: about 40 hours of
# logs each, in hourly files), run in several steps, then compared with one
# plain run over the final files, group by group (direction, connector,
# remote) and class by class:
#   (a) every file cut part-way (mid-row) and completed later, arriving in a
#       shuffled order: a random half first, then the rest;
#   (b) a cron run at log time T, then the rest;
#   (c) one server's copy more than a day behind the other's (the hold
#       window is judged by each server's own clock);
#   (d) --hold 60m with an hour's file arriving after later hours: the
#       sessions folded by the hold do not come back as new sessions, their
#       rows are late_rows, named on stderr.
# In each: --report all after the last run equals the plain run; the sum of
# the --report new runs equals it except for the sessions still open (the
# "open" records of the state), which --report all adds as they stand.
# usage: state-order.sh GENLOGS EXTLS
set -euo pipefail
genlogs=$1 exe=$2
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "scratch: $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
check() { # message, then a command that must succeed
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}
by=direction,connector,remote
corpus() { # row spacing in ms: two servers' logs in $tmp/src, the plain run over them
    rm -rf "$tmp/src"
    "$genlogs" --out "$tmp/src/ex01" --mb 3 --files-mb 1 --seed 7 --row-ms "$1" >/dev/null
    "$genlogs" --out "$tmp/src/ex02" --mb 3 --files-mb 1 --seed 8 --row-ms "$1" >/dev/null
    (cd "$tmp/src" && find . -type f -name '*.LOG' | sort) >"$tmp/files"
    "$exe" --quiet --format tsv --by $by "$tmp/src" >"$tmp/plain.tsv"
    plain_sessions=$(awk -F'\t' 'NR > 1 { n += $4 } END { print n }' "$tmp/plain.tsv")
}

sum_reports() { # add the counter columns of several CSV reports, by key
    awk -F'\t' 'FNR == 1 { next } { k = $1 "\t" $2 "\t" $3; for (i = 4; i <= 13; i++) s[k, i] += $i; keys[k] = 1 }
        END { for (k in keys) { line = k; for (i = 4; i <= 13; i++) line = line "\t" s[k, i]; print line } }' "$@" | sort
}
counters() { tail -n +2 "$1" | cut -f1-13 | sort; }
sessions_of() { awk -F'\t' 'NR > 1 { n += $4 } END { print n + 0 }' "$@"; }

copy_cut() { # percent of each file's bytes (100: whole), then files (relative to src)
    local pct=$1
    shift
    (cd "$tmp/src" && perl -e '
        my ($pct, $dest) = (shift, shift);
        for my $f (@ARGV) {
            open(my $in, "<:raw", $f) or die "$f: $!";
            local $/; my $b = <$in>; close $in;
            my $dir = "$dest/$f"; $dir =~ s{/[^/]*$}{};
            system("mkdir", "-p", $dir) unless -d $dir;
            open(my $out, ">:raw", "$dest/$f") or die "$dest/$f: $!";
            print $out substr($b, 0, int(length($b) * $pct / 100)); close $out;
        }' "$pct" "$logs" "$@")
}
copy_until() { # time, then files: the rows before that time (and the headers)
    local t=$1
    shift
    (cd "$tmp/src" && perl -e '
        my ($t, $dest) = (shift, shift);
        for my $f (@ARGV) {
            open(my $in, "<:raw", $f) or die "$f: $!";
            my $dir = "$dest/$f"; $dir =~ s{/[^/]*$}{};
            system("mkdir", "-p", $dir) unless -d $dir;
            open(my $out, ">:raw", "$dest/$f") or die "$dest/$f: $!";
            while (<$in>) { print $out $_ if /^(\xEF\xBB\xBF)?#/ || $_ lt $t; }
            close $out;
        }' "$t" "$logs" "$@")
}
step() { # name, extra options
    local name=$1
    shift
    "$exe" --quiet --format tsv --by $by --state "$state" "$@" "$logs" >"$tmp/$name.tsv"
}
verdict() { # scenario name, then the step reports
    local name=$1
    shift
    step all --report all
    local open
    open=$(grep -c '^open' "$state" || true)
    check "$name: --report all equals one plain run (group by group, class by class)" \
        cmp -s "$tmp/all.tsv" "$tmp/plain.tsv"
    check "$name: sum of --report new + sessions still open = plain run" \
        test "$(($(sessions_of "$@") + open))" -eq "$plain_sessions"
    # No group or class of the sum of new reports exceeds the plain run's.
    check "$name: sum of --report new within the plain run, group by group" \
        awk -F'\t' 'NR == FNR { for (i = 4; i <= 13; i++) p[$1 "\t" $2 "\t" $3, i] = $i; next }
            { for (i = 4; i <= 13; i++) if ($i > p[$1 "\t" $2 "\t" $3, i] + 0) exit 1 }' \
        <(counters "$tmp/plain.tsv") <(sum_reports "$@")
    echo "$name: plain run $plain_sessions sessions; --report all $(sessions_of "$tmp/all.tsv");" \
        "--report new runs $(sessions_of "$@") + $open still open"
}

# (a) every file cut at 60 % (mid-row), arriving in a shuffled order. Rows 1 s
# apart: each server's logs span about 5 hours, less than the hold window
# (files that arrive more than the hold window late, by log time, are the
# late rows of (d)).
corpus 1000
logs=$tmp/a state=$tmp/a.state
# A fixed shuffle (the same every run): sort by a hash of the name.
while read -r f; do printf '%s %s\n' "$(printf '%s' "$f" | cksum | cut -d' ' -f1)" "$f"; done \
    <"$tmp/files" | sort -n | cut -d' ' -f2- >"$tmp/shuffled"
check "(a) the shuffle changes the order" bash -c "! cmp -s '$tmp/files' '$tmp/shuffled'"
half=$(($(wc -l <"$tmp/files") / 2))
mapfile -t first < <(head -n $half "$tmp/shuffled")
mapfile -t rest < <(tail -n +$((half + 1)) "$tmp/shuffled")
copy_cut 60 "${first[@]}"
step a1
copy_cut 100 "${first[@]}"
copy_cut 60 "${rest[@]}"
step a2
copy_cut 100 "${rest[@]}"
step a3
verdict "(a) cut files, any order" "$tmp/a1.tsv" "$tmp/a2.tsv" "$tmp/a3.tsv"

# (b) a cron run at log time T (mid-series), then the rest; rows 8 s apart from
# here on: about 40 hours of logs per server.
corpus 8000
logs=$tmp/b state=$tmp/b.state
T=2024-03-12T06:30:00
mapfile -t all <"$tmp/files"
copy_until "$T" "${all[@]}"
step b1
copy_cut 100 "${all[@]}"
step b2
verdict "(b) cron run at T, then the rest" "$tmp/b1.tsv" "$tmp/b2.tsv"

# (c) ex02's copy stops 30 hours before ex01's (more than the 24 h hold window).
logs=$tmp/c state=$tmp/c.state
mapfile -t ex01 < <(grep '^\./ex01/' "$tmp/files")
mapfile -t ex02 < <(grep '^\./ex02/' "$tmp/files")
copy_cut 100 "${ex01[@]}"
copy_until 2024-03-11T19:00:00 "${ex02[@]}"
step c1
# ex01's clock is 30 hours past ex02's last row: ex02's open sessions stay open.
check "(c) the server behind keeps its sessions open (its own clock)" \
    test "$(grep -c $'^open\t[^\t]*/ex02/' "$state")" -gt 0
copy_cut 100 "${all[@]}"
step c2
verdict "(c) one server a day behind" "$tmp/c1.tsv" "$tmp/c2.tsv"

# (d) --hold 60m; the 10:00 receive file of ex01 arrives after the later hours:
# sessions it completes were folded by the hold. They stay one session each
# (no new session for the late rows), counted as late_rows and named.
logs=$tmp/d state=$tmp/d.state
late=./ex01/FrontEnd/ProtocolLog/SmtpReceive/RECV2024031110-1.LOG
mapfile -t others < <(grep -vxF "$late" "$tmp/files")
copy_cut 100 "${others[@]}"
step d1 --hold 60m
copy_cut 100 "$late"
"$exe" --format json --by $by --state "$state" --hold 60m "$logs" >"$tmp/d2.json" 2>"$tmp/d2.err"
late_rows=$(grep -o '"late_rows":[0-9]*' "$tmp/d2.json" | cut -d: -f2 || true)
check "(d) late rows counted in the totals" test "${late_rows:-0}" -gt 0
"$exe" merge "$tmp/d2.json" >"$tmp/d2.merged.json"
check "(d) extls merge keeps late_rows (a report merged alone is unchanged)" \
    cmp -s "$tmp/d2.json" "$tmp/d2.merged.json"
check "(d) late rows named on stderr" grep -q "late rows\? of session .*counted in an earlier run" "$tmp/d2.err"
step dall --report all --hold 60m
check "(d) no session invented by late rows" \
    test "$(sessions_of "$tmp/dall.tsv")" -le "$plain_sessions"
echo "(d) --hold 60m, a file after later hours: ${late_rows:-0} late rows; --report all" \
    "$(sessions_of "$tmp/dall.tsv") sessions, plain run $plain_sessions"
# ... and a run with another hold window is refused, naming it; the state is untouched.
cp "$state" "$tmp/d.before"
set +e
"$exe" --quiet --format tsv --by $by --state "$state" "$logs" >/dev/null 2>"$tmp/d3.err"
rc=$?
set -e
check "(d) another --hold: exit 2 (got $rc)" test $rc -eq 2
check "(d) another --hold: named" grep -q "written with --hold 1h, this run has --hold 24h" "$tmp/d3.err"
check "(d) another --hold: state untouched" cmp -s "$state" "$tmp/d.before"

[ $fail -eq 0 ] && echo "ok: sessions counted once and whole in any arrival order"
exit $fail
