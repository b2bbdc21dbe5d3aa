#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The recipes of docs/cron.md, run as cron would: the command lines of the
# blocks marked "e2e: daily" and "e2e: summaries" are taken from the
# document (cron's \% unescaped, /srv/exchange-logs and /var/lib/extls
# mapped to scratch folders, `date` pinned to the simulated day) and run
# with sh over eight days of generated logs copied every morning at 06:00.
# Checks:
#   - the daily reports count every session once: merged, plus the
#     sessions still open in the state, they equal one plain run; also with
#     a second run on some days (one with nothing new, one after more logs
#     arrived): each run keeps its own report, none replaces another;
#   - the daily job prints (so cron mails) exactly on the days with legacy TLS;
#   - the weekly and monthly summaries equal merges of the daily reports
#     they name, and leave the daily job's state byte for byte as it was;
#   - a state run with other options (e.g. --direction) is refused, naming it;
#   - README's recipes (blocks "e2e: readme-state", "readme-daily",
#     "readme-nrpe", with `mail` kept in files and EXTLS_NOW pinned) run
#     every morning without a diagnostic, and README's --state job, on a
#     copy of its state, reports with --report all what one plain run does.
# usage: cron-recipes.sh GENLOGS EXTLS   (run from the source root)
set -euo pipefail
genlogs=$1
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "scratch: $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export LC_ALL=C
fail=0
check() {
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}
mkdir -p "$tmp/bin" "$tmp/var" "$tmp/logs/ex01"
ln -s "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")" "$tmp/bin/extls"
real_date=$(command -v date)
# `date` pinned to $FAKE_DAY $FAKE_TIME (default 06:15) UTC; -d X is taken relative to it.
cat >"$tmp/bin/date" <<EOS
#!/usr/bin/env bash
args=() rel=""
while [ \$# -gt 0 ]; do case \$1 in -d) rel=\$2; shift 2 ;; *) args+=("\$1"); shift ;; esac; done
exec "$real_date" -d "\$FAKE_DAY \${FAKE_TIME:-06:15} UTC \$rel" "\${args[@]}"
EOS
chmod +x "$tmp/bin/date"
export PATH="$tmp/bin:$PATH"

block() { # DOC NAME: the block after "<!-- e2e: NAME -->" in DOC
    awk -v m="<!-- e2e: $2 -->" '$0 == m { f = 1; next }
        f == 1 && /^```/ { f = 2; next } f == 2 && /^```/ { exit } f == 2' "$1"
}
commands() { # DOC NAME USER: a cron block's commands: no comments, variables, times (and user)
    block "$1" "$2" | grep -v '^#' | grep -v '^[A-Z]*=' | grep . |
        sed -E "s/^[0-9*][^ ]* +([^ ]+ +){4}$3//; s/\\\\%/%/g; s|^command\\[[a-z_]*\\]=||" |
        sed "s|/srv/exchange-logs|$tmp/logs|g; s|/var/lib/extls|$tmp/var|g; s|/var/www/tls|$tmp/www|g" |
        sed "s|/var/tmp|$tmp/vartmp|g; s|/usr/local/bin/extls|extls|g"
}
mapfile -t daily < <(commands docs/cron.md daily 'extls +')
mapfile -t summaries < <(commands docs/cron.md summaries 'extls +')
mapfile -t readme_state < <(commands README.md readme-state '')
mapfile -t readme_daily < <(commands README.md readme-daily '')
mapfile -t readme_nrpe < <(commands README.md readme-nrpe '')
check "one daily command" test ${#daily[@]} -eq 1
check "three summary commands" test ${#summaries[@]} -eq 3
check "README: two --state cron commands, one daily summary, one NRPE command" \
    test "${#readme_state[@]}${#readme_daily[@]}${#readme_nrpe[@]}" = 211
mkdir -p "$tmp/www" "$tmp/vartmp" "$tmp/readme"
# `mail` keeps what it would send, one file per call.
cat >"$tmp/bin/mail" <<EOS
#!/usr/bin/env bash
cat >"$tmp/readme/mail-\$FAKE_DAY-\$RANDOM"
EOS
chmod +x "$tmp/bin/mail"

# Eight days of one server's logs (rows 20 s apart), copied every morning at 06:00.
"$genlogs" --out "$tmp/src" --mb 6 --files-mb 1 --seed 11 --row-ms 20000 >/dev/null
copy_until() { # time: every row before it (and the headers) into the mirror
    (cd "$tmp/src" && find . -name '*.LOG' -print0 | xargs -0 perl -e '
        my ($t, $dest) = (shift, shift);
        for my $f (@ARGV) {
            open(my $in, "<:raw", $f) or die "$f: $!";
            my $dir = "$dest/$f"; $dir =~ s{/[^/]*$}{};
            system("mkdir", "-p", $dir) unless -d $dir;
            open(my $out, ">:raw", "$dest/$f") or die "$dest/$f: $!";
            while (<$in>) { print $out $_ if /^(\xEF\xBB\xBF)?#/ || $_ lt $t; }
            close $out;
        }' "$1" "$tmp/logs/ex01")
}
legacy_of() { # legacy sessions in a JSON report
    grep -o '"ssl2":[0-9]*,"ssl3":[0-9]*,"tls1_0":[0-9]*,"tls1_1":[0-9]*' "$1" |
        tr ',:' '  ' | awk '{ n += $2 + $4 + $6 + $8 } END { print n + 0 }'
}
daily_run() { # DAY HH:MM: docs/cron.md's daily job at that time; checks its own report
    local day=$1 at=$2 report
    report=$tmp/var/ex01-${day}T${at/:/}00.000000000.json
    FAKE_DAY=$day FAKE_TIME=$at sh -c "${daily[0]}" >"$tmp/mail-$day-$at.txt" 2>"$tmp/err-$day-$at.txt" || true
    check "$day $at: a report of its own" test -s "$report"
    check "$day $at: no diagnostics" test ! -s "$tmp/err-$day-$at.txt"
    if [ "$(legacy_of "$report")" -gt 0 ]; then
        check "$day $at: legacy TLS seen, the table is printed (mailed)" grep -q '^receive' "$tmp/mail-$day-$at.txt"
    else
        check "$day $at: no legacy TLS, nothing printed" test ! -s "$tmp/mail-$day-$at.txt"
    fi
}
days=()
runs=0
for dd in 12 13 14 15 16 17 18 19; do
    day=2024-03-$dd
    days+=("$day")
    copy_until "${day}T06:00:00"
    daily_run "$day" 06:15
    runs=$((runs + 1))
    case $dd in
    13) # run again by hand, nothing new: its (empty) report must not replace the morning's
        cp "$tmp/var/ex01-${day}T061500.000000000.json" "$tmp/morning.json"
        daily_run "$day" 06:20
        runs=$((runs + 1))
        check "$day: the second run leaves the morning's report as it was" \
            cmp -s "$tmp/morning.json" "$tmp/var/ex01-${day}T061500.000000000.json"
        check "$day: the second run, with nothing new, reports no session" \
            grep -q '"sessions":0' "$tmp/var/ex01-${day}T062000.000000000.json" ;;
    16) # more logs arrived: a second run that day reports them
        copy_until "${day}T10:00:00"
        daily_run "$day" 11:00
        runs=$((runs + 1)) ;;
    esac
    # README's recipes, the same morning (their state files are their own).
    export FAKE_DAY=$day EXTLS_NOW=${day}T06:15:00.000Z
    for c in "${readme_state[@]}" "${readme_daily[@]}"; do
        sh -c "$c" 2>>"$tmp/readme/err" || true
    done
    set +e
    sh -c "${readme_nrpe[0]}" >"$tmp/readme/nrpe-$day.txt" 2>>"$tmp/readme/err"
    rc=$?
    set -e
    check "$day: README NRPE command: exit 0..2 (got $rc), one status line" \
        grep -q '^EXTLS \(OK\|WARNING\|CRITICAL\) - ' "$tmp/readme/nrpe-$day.txt"
    unset FAKE_DAY EXTLS_NOW
done

# One plain run over the mirror as it is after the last copy.
"$tmp/bin/extls" --quiet --format json "$tmp/logs/ex01" >"$tmp/plain.json"
total() { grep -o "\"$2\":[0-9]*" "$1" | head -1 | cut -d: -f2; }
state=$tmp/var/ex01.state
open=$(grep -c '^open' "$state" || true)
check "one report per run ($runs)" test "$(ls "$tmp/var"/ex01-2024-03-??T*.json | wc -l)" -eq $runs
"$tmp/bin/extls" merge "$tmp/var"/ex01-2024-03-??T*.json >"$tmp/merged.json"
check "daily reports + sessions still open = one plain run ($(total "$tmp/merged.json" sessions) + $open vs $(total "$tmp/plain.json" sessions))" \
    test $(($(total "$tmp/merged.json" sessions) + open)) -eq "$(total "$tmp/plain.json" sessions)"
# On a copy of the state, --report all equals the plain run, group by group.
cp "$state" "$tmp/look.state"
"$tmp/bin/extls" --quiet --format json --state "$tmp/look.state" --report all --fail-on legacy \
    "$tmp/logs/ex01" >"$tmp/all.json" || true
check "--report all on a copy of the state equals the plain run (only the file count differs: all files are known)" \
    cmp -s <(sed 's/"files":[0-9]*,//' "$tmp/all.json") <(sed 's/"files":[0-9]*,//' "$tmp/plain.json")

# README's recipes: no diagnostics; mail on the legacy days; the page; the
# --state reports of README's job add up as docs/cron.md's do.
check "README recipes: no diagnostics" test ! -s "$tmp/readme/err"
check "README recipes: mails sent" test "$(ls "$tmp/readme"/mail-* 2>/dev/null | wc -l)" -gt 0
check "README recipes: the page" grep -q '^<!DOCTYPE html>' "$tmp/www/ex01.html"
check "README --state job: its state and daily tables" \
    test -s "$tmp/var/ex01-table.state" -a -s "$tmp/var/ex01-2024-03-19T061500.000000000.txt"
cp "$tmp/var/ex01-table.state" "$tmp/readme-look.state"
"$tmp/bin/extls" --quiet --state "$tmp/readme-look.state" --report all --fail-on legacy "$tmp/logs/ex01" \
    >"$tmp/readme-all.txt" || true
"$tmp/bin/extls" --quiet "$tmp/logs/ex01" >"$tmp/readme-plain.txt"
check "README --state job: --report all on a copy equals a plain run (the table)" \
    cmp -s "$tmp/readme-all.txt" "$tmp/readme-plain.txt"

# The summaries: the weekly one on the last day (its seven days: the 13th to
# the 19th), the monthly one on the 1st of April.
cp "$state" "$tmp/state.before"
FAKE_DAY=2024-03-19 FAKE_TIME=07:00 sh -c "${summaries[0]}" >"$tmp/weekly.txt" 2>"$tmp/weekly.err"
"$tmp/bin/extls" merge --format table $(ls "$tmp/var"/ex01-2024-03-1[3-9]T*.json) >"$tmp/weekly.want"
check "weekly: every report of the last seven days, the second runs too" cmp -s "$tmp/weekly.txt" "$tmp/weekly.want"
check "weekly: no complaint when every day has its report" test ! -s "$tmp/weekly.err"
FAKE_DAY=2024-03-21 FAKE_TIME=07:00 sh -c "${summaries[0]}" >/dev/null 2>"$tmp/weekly.err" || true
check "weekly: a day without a report is said (cron mails it)" grep -q "ex01-2024-03-20T" "$tmp/weekly.err"
FAKE_DAY=2024-04-01 sh -c "${summaries[1]}"
check "monthly: every daily report of March" cmp -s "$tmp/var/ex01-month-2024-03.json" "$tmp/merged.json"
FAKE_DAY=2024-04-01 sh -c "${summaries[2]}"
check "clean-up: fresh daily reports stay" test "$(ls "$tmp/var"/ex01-2024-03-??T*.json | wc -l)" -eq $runs
check "summaries leave the daily state untouched" cmp -s "$state" "$tmp/state.before"

# The state refuses a run with other options, and is left as it was.
set +e
FAKE_DAY=2024-03-20 "$tmp/bin/extls" --quiet --format json --state "$state" --direction receive \
    "$tmp/logs/ex01" >/dev/null 2>"$tmp/refused.txt"
rc=$?
set -e
check "other options: exit 2 (got $rc)" test $rc -eq 2
check "other options: the option is named" \
    grep -q ": written with --direction (none), this run has --direction receive" "$tmp/refused.txt"
check "other options: state untouched" cmp -s "$state" "$tmp/state.before"

[ $fail -eq 0 ] && echo "ok: docs/cron.md recipes count every session once; summaries take nothing from the daily job"
exit $fail
