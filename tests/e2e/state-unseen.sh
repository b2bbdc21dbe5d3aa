#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --state: the record of a file a run did not see is kept unless its folder
# was walked without error (only then is the file gone: rotated away,
# deleted). Checked, each time with a run after the folder is back that must
# report no session (nothing is new) and a --report all equal to one plain
# run over the files, group by group:
#   (a) the folder argument missing for one run (a failed mount, renamed away);
#   (b) the folder argument empty for one run (a mount point not mounted);
#   (c) a subfolder that cannot be listed for one run (a walk error);
#   (d) one run with only part of the folders (the state used with other paths);
#   (e) a file deleted from a folder walked without error: its record goes.
# usage: state-unseen.sh GENLOGS EXTLS
set -euo pipefail
genlogs=$1 exe=$2
run_opts=(--quiet)
# shellcheck source=tests/e2e/state-lib.sh
source "$(dirname "$0")/state-lib.sh"
# The run after the folder is back: nothing new, and the running counts are a plain run's.
back() { # case, state, then the paths
    local c=$1 state=$2
    shift 2
    run 0 "$tmp/$c.after" --state "$state" "$@"
    check "($c) the run with the folder back reports no session ($(sessions_of "$tmp/$c.after"))" \
        test "$(sessions_of "$tmp/$c.after")" = 0
    run 0 "$tmp/$c.all" --state "$state" --report all "$@"
    check "($c) --report all equals the plain run" same "$tmp/plain" "$tmp/$c.all"
}

"$genlogs" --out "$tmp/logs" --mb 1 --files-mb 1 --seed 5 --row-ms 3000 >/dev/null
"$exe" --quiet --format tsv --by $by "$tmp/logs" >"$tmp/plain"
check "the plain run has sessions" test "$(sessions_of "$tmp/plain")" -gt 100

# (a) missing for one run
run 0 "$tmp/a1" --state "$tmp/a.state" "$tmp/logs"
mv "$tmp/logs" "$tmp/away"
run 2 "$tmp/a2" --state "$tmp/a.state" "$tmp/logs"
mv "$tmp/away" "$tmp/logs"
back a "$tmp/a.state" "$tmp/logs"

# (b) empty for one run
run 0 "$tmp/b1" --state "$tmp/b.state" "$tmp/logs"
mv "$tmp/logs" "$tmp/away"
mkdir "$tmp/logs"
run 2 "$tmp/b2" --state "$tmp/b.state" "$tmp/logs"
check "(b) the empty folder is named" grep -q "no SMTP protocol logs found" "$tmp/err"
rmdir "$tmp/logs"
mv "$tmp/away" "$tmp/logs"
back b "$tmp/b.state" "$tmp/logs"

# (c) a subfolder that cannot be listed: a directory link into a folder removed meanwhile
# stands for it (permissions do not stop root); the other folder is read as usual.
run 0 "$tmp/c1" --state "$tmp/c.state" "$tmp/logs"
mv "$tmp/logs/Hub" "$tmp/hub.away"
ln -s "$tmp/gone" "$tmp/logs/Hub"
run 2 "$tmp/c2" --state "$tmp/c.state" "$tmp/logs"
check "(c) the walk error is named" grep -q "Hub" "$tmp/err"
rm "$tmp/logs/Hub"
mv "$tmp/hub.away" "$tmp/logs/Hub"
back c "$tmp/c.state" "$tmp/logs"

# (d) one run with one of the two folders only
run 0 "$tmp/d1" --state "$tmp/d.state" "$tmp/logs/FrontEnd" "$tmp/logs/Hub"
run 0 "$tmp/d2" --state "$tmp/d.state" "$tmp/logs/FrontEnd"
back d "$tmp/d.state" "$tmp/logs/FrontEnd" "$tmp/logs/Hub"

# (e) a file deleted from a folder walked without error: its record goes, the others stay
run 0 "$tmp/e1" --state "$tmp/e.state" "$tmp/logs"
first=$(cd "$tmp/logs" && find . -name 'SEND*.LOG' | sort | head -1)
check "(e) the state knows the file" grep -q "${first##*/}" "$tmp/e.state"
mv "$tmp/logs/$first" "$tmp/rotated.LOG"
run 0 "$tmp/e2" --state "$tmp/e.state" "$tmp/logs"
check "(e) the deleted file's record is dropped" bash -c "! grep -q '${first##*/}' '$tmp/e.state'"
check "(e) the other files' records stay" \
    test "$(grep -c '^file' "$tmp/e.state")" = "$(($(find "$tmp/logs" -name '*.LOG' | wc -l)))"
mv "$tmp/rotated.LOG" "$tmp/logs/$first"

[ $fail -eq 0 ] && echo "state-unseen: all checks passed"
exit $fail
