# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154,SC2034 # exe is set and fail read by the script that sources this
# What the --state end-to-end scripts share; sourced (bash) after they set
# `exe` (the extls binary). Gives:
#   tmp          a scratch folder, removed at exit unless KEEP is set
#   fail         0, set to 1 by a failed check or run
#   check MSG CMD...      CMD must succeed
#   run RC OUT ARGS...    extls --format tsv --by $by [run_opts] ARGS > OUT,
#                         its exit status must be RC (stderr in $tmp/err)
#   counters REPORT       a TSV report's counter columns, sorted
#   same A B              two reports' counters are equal (differences shown)
#   sessions_of REPORT... the sessions a TSV report counts
# Set `by` (default direction,connector,remote) and the array `run_opts`
# (default empty) before calling run.
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "scratch: $tmp"
# (u+rwx first: a case may leave a folder that cannot be listed)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
by=${by:-direction,connector,remote}
[ -n "${run_opts+x}" ] || run_opts=()
check() {
    local what=$1
    shift
    if ! "$@"; then
        echo "FAIL: $what"
        fail=1
    fi
}
counters() { tail -n +2 "$1" | cut -f1-13 | sort; }
same() {
    diff <(counters "$1") <(counters "$2") >"$tmp/diff" || { head -6 "$tmp/diff"; return 1; }
}
sessions_of() { awk -F'\t' 'NR > 1 { n += $4 } END { print n + 0 }' "$@"; }
run() {
    local want=$1 out=$2 rc=0
    shift 2
    "$exe" "${run_opts[@]}" --format tsv --by "$by" "$@" >"$out" 2>"$tmp/err" || rc=$?
    if [ $rc -ne "$want" ]; then
        echo "FAIL: extls $* exited $rc, expected $want:"
        cat "$tmp/err"
        fail=1
    fi
}
