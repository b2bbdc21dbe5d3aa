#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The recipes of docs/cron.md, run as cron would: the command lines of the
# blocks marked "e2e: daily" and "e2e: summaries" are taken from the
# document (cron's \% unescaped, /srv/exchange-logs and /var/lib/extls
# mapped to scratch folders, `date` pinned to the simulated day) and run
# with sh over eight days of generated logs copied every morning at 06:00.
# Checks:
#   - the daily reports count every session once: merged, plus the
#     sessions still open in the state, they equal one plain run;
#   - the daily job prints (so cron mails) exactly on the days with legacy TLS;
#   - the weekly and monthly summaries equal merges of the daily reports
#     they name, and leave the daily job's state byte for byte as it was;
#   - a state run with other options (e.g. --direction) is refused, naming it.
# usage: cron-recipes.sh GENLOGS EXTLS   (run from the source root)
set -euo pipefail
genlogs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
# `date` pinned to $FAKE_DAY 06:15 UTC; -d X is taken relative to it.
cat >"$tmp/bin/date" <<EOS
#!/usr/bin/env bash
args=() rel=""
while [ \$# -gt 0 ]; do case \$1 in -d) rel=\$2; shift 2 ;; *) args+=("\$1"); shift ;; esac; done
exec "$real_date" -d "\$FAKE_DAY 06:15 UTC \$rel" "\${args[@]}"
EOS
chmod +x "$tmp/bin/date"
export PATH="$tmp/bin:$PATH"

block() { # NAME: the cron block after "<!-- e2e: NAME -->" in docs/cron.md
    awk -v m="<!-- e2e: $1 -->" '$0 == m { f = 1; next }
        f == 1 && /^```/ { f = 2; next } f == 2 && /^```/ { exit } f == 2' docs/cron.md
}
commands() { # the commands of a cron block: no comments or variables, no time and user fields
    block "$1" | grep -v '^#' | grep -v '^[A-Z]*=' | grep . |
        sed -E 's/^([^ ]+ +){5}extls +//; s/\\%/%/g' |
        sed "s|/srv/exchange-logs|$tmp/logs|g; s|/var/lib/extls|$tmp/var|g"
}
mapfile -t daily < <(commands daily)
mapfile -t summaries < <(commands summaries)
check "one daily command" test ${#daily[@]} -eq 1
check "three summary commands" test ${#summaries[@]} -eq 3

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
days=()
for dd in 12 13 14 15 16 17 18 19; do
    day=2024-03-$dd
    days+=("$day")
    copy_until "${day}T06:00:00"
    FAKE_DAY=$day sh -c "${daily[0]}" >"$tmp/mail-$day.txt" 2>"$tmp/err-$day.txt" || true
    check "$day: a report" test -s "$tmp/var/ex01-$day.json"
    check "$day: no diagnostics" test ! -s "$tmp/err-$day.txt"
    if [ "$(legacy_of "$tmp/var/ex01-$day.json")" -gt 0 ]; then
        check "$day: legacy TLS seen, the table is printed (mailed)" grep -q '^receive' "$tmp/mail-$day.txt"
    else
        check "$day: no legacy TLS, nothing printed" test ! -s "$tmp/mail-$day.txt"
    fi
done

# One plain run over the mirror as it is after the last copy.
"$tmp/bin/extls" --quiet --format json "$tmp/logs/ex01" >"$tmp/plain.json"
total() { grep -o "\"$2\":[0-9]*" "$1" | head -1 | cut -d: -f2; }
state=$tmp/var/ex01.state
open=$(grep -c '^open' "$state" || true)
"$tmp/bin/extls" merge "$tmp/var"/ex01-2024-03-??.json >"$tmp/merged.json"
check "daily reports + sessions still open = one plain run ($(total "$tmp/merged.json" sessions) + $open vs $(total "$tmp/plain.json" sessions))" \
    test $(($(total "$tmp/merged.json" sessions) + open)) -eq "$(total "$tmp/plain.json" sessions)"
# On a copy of the state, --report all equals the plain run, group by group.
cp "$state" "$tmp/look.state"
"$tmp/bin/extls" --quiet --format json --state "$tmp/look.state" --report all --fail-on legacy \
    "$tmp/logs/ex01" >"$tmp/all.json" || true
check "--report all on a copy of the state equals the plain run (only the file count differs: all files are known)" \
    cmp -s <(sed 's/"files":[0-9]*,//' "$tmp/all.json") <(sed 's/"files":[0-9]*,//' "$tmp/plain.json")

# The summaries, on the following Monday (2024-03-25) and on the 1st of April.
cp "$state" "$tmp/state.before"
FAKE_DAY=2024-03-25 sh -c "${summaries[0]}" >"$tmp/weekly.txt"
"$tmp/bin/extls" merge --format table $(printf "$tmp/var/ex01-%s.json " "${days[@]:1}") >"$tmp/weekly.want"
check "weekly: the last seven daily reports" cmp -s "$tmp/weekly.txt" "$tmp/weekly.want"
FAKE_DAY=2024-04-01 sh -c "${summaries[1]}"
check "monthly: every daily report of March" cmp -s "$tmp/var/ex01-month-2024-03.json" "$tmp/merged.json"
FAKE_DAY=2024-04-01 sh -c "${summaries[2]}"
check "clean-up: fresh daily reports stay" test "$(ls "$tmp/var"/ex01-2024-03-??.json | wc -l)" -eq 8
check "summaries leave the daily state untouched" cmp -s "$state" "$tmp/state.before"

# The state refuses a run with other options, and is left as it was.
set +e
FAKE_DAY=2024-03-20 "$tmp/bin/extls" --quiet --format json --state "$state" --direction receive \
    "$tmp/logs/ex01" >/dev/null 2>"$tmp/refused.txt"
rc=$?
set -e
check "other options: exit 2 (got $rc)" test $rc -eq 2
check "other options: the option is named" \
    grep -q "was written with --direction (none), this run has --direction receive" "$tmp/refused.txt"
check "other options: state untouched" cmp -s "$state" "$tmp/state.before"

[ $fail -eq 0 ] && echo "ok: docs/cron.md recipes count every session once; summaries take nothing from the daily job"
exit $fail
