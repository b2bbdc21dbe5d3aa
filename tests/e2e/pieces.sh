#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One input read in pieces gives what it gives read whole, for every -j.
#
# A run over one large input (a file, standard input) cuts it into pieces
# at line ends and reads them on every worker (src/run/split.c). The test
# seam EXTLS_PIECE_SIZE makes the pieces tiny, so that every input here is
# cut at every line (1), at odd places (97) or a few times (4000), and
# compares the JSON report, standard error and exit status with the same
# input read whole (one piece of the default size, larger than every input
# here), for -j1 and -j3, named and through a pipe. The inputs: every
# sample and test log, and logs made here with the traps of pieces: files
# concatenated (receive and send, byte order marks, other columns), a
# #Fields line that rejects the rest midway, another log's #Log-type
# midway, gzip whole and cut short, a line longer than the slack a cut may
# read past (the rest read by one reader), one past the line cap, no line
# end at the end, data before any header.
set -u
extls=${1:?usage: pieces.sh EXTLS}
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export EXTLS_NOW=2030-01-01T00:00:00Z # no file is "still being written"
unset EXTLS_PIECE_SIZE

mapfile -t recv < <(find samples -name 'RECV*' -type f | sort)
mapfile -t send < <(find samples -name 'SEND*' -type f | sort)
made=$work/made
mkdir -p "$made"
cat "${recv[@]}" "${send[@]}" >"$made/RECV-all.log"
cat "${send[@]}" "${recv[@]}" >"$made/mixed-send-first.log"
{
    printf '\357\273\277'
    cat "${recv[0]}"
    printf '\357\273\277'
    cat "${send[0]}"
} >"$made/boms.log"
{
    cat "${recv[0]}"
    echo '#Fields: date-time,connector-id,session-id'
    cat "${recv[1]}"
} >"$made/RECV-bad-fields-midway.log"
{
    cat "${recv[0]}"
    echo '#Log-type: Message Tracking Log'
    cat "${recv[1]}"
} >"$made/RECV-other-log-midway.log"
{
    sed -e 's/^#Fields: date-time,connector-id,/#Fields: connector-id,date-time,/' \
        -e 's/^#Fields: \(.*\)$/#Fields: \1,extra/' "${recv[0]}" |
        awk -F, 'BEGIN { OFS = "," } /^#/ { print; next } { t = $1; $1 = $2; $2 = t; print $0 ",x" }'
    cat "${send[0]}"
} >"$made/reordered.log"
cat "${recv[@]}" | gzip -n >"$made/RECV-all.log.gz"
head -c 20000 "$made/RECV-all.log.gz" >"$made/RECV-cut.log.gz"
{
    head -n 40 "${recv[0]}"
    printf '2023-01-11T15:00:00.000Z,EX\\Default,08DB000000000001,0,10.0.0.1:25,10.0.0.2:5000,<,"'
    head -c 1200000 /dev/zero | tr '\0' 'a'
    printf '",\n'
    tail -n +41 "${recv[0]}"
} >"$made/RECV-long-line.log"
{
    head -n 40 "${recv[0]}"
    head -c 4300000 /dev/zero | tr '\0' 'b'
    printf '\n'
    tail -n +41 "${recv[0]}"
} >"$made/RECV-past-line-cap.log"
{
    cat "${recv[0]}"
    printf '2023-01-11T15:00:00.000Z,EX\\Default,08DB0000000000FF,0,10.0.0.1:25,10.0.0.2:5000,+,,'
} >"$made/RECV-no-last-line-end.log"
grep -av '^#' "${recv[0]}" >"$made/RECV-no-header.log"
grep -av '^#' "${recv[0]}" >"$made/no-header-no-name.log"

mapfile -t inputs < <({
    find samples tests/data tests/data-variants tests/hostile -type f -size +0
    find "$made" -type f
} | sort)

fails=0 runs=0
run() { # out-prefix args...: run extls, keep stdout, stderr and status
    local o=$1
    shift
    "$extls" "$@" >"$o.out" 2>"$o.err"
    echo $? >"$o.rc"
}
same() { # a b what
    runs=$((runs + 1))
    if ! cmp -s "$1.out" "$2.out" || ! cmp -s "$1.err" "$2.err" || ! cmp -s "$1.rc" "$2.rc"; then
        fails=$((fails + 1))
        echo "FAIL: $3"
        diff "$1.err" "$2.err" | head -5
        diff <(tr ',' '\n' <"$1.out") <(tr ',' '\n' <"$2.out") | head -8
        echo "status $(cat "$1.rc") / $(cat "$2.rc")"
    fi
}

for f in "${inputs[@]}"; do
    verbose=(-v)
    for how in file pipe; do
        if [ "$how" = file ]; then
            run "$work/whole" "${verbose[@]}" --format json "$f"
        else
            run "$work/whole" "${verbose[@]}" --format json - <"$f"
        fi
        for size in 1 97 4000; do
            for j in 1 3; do
                if [ "$how" = file ]; then
                    EXTLS_PIECE_SIZE=$size run "$work/cut" -j$j "${verbose[@]}" --format json "$f"
                else
                    EXTLS_PIECE_SIZE=$size run "$work/cut" -j$j "${verbose[@]}" --format json - <"$f"
                fi
                same "$work/whole" "$work/cut" "$f ($how, ${verbose[*]:-not verbose}, pieces of $size, -j$j)"
            done
        done
        verbose=()
    done
done

# The pieces were cut: a run of pieces of 1 byte over a sample names a
# malformed row of its second half with the line it has in the file.
f=$made/RECV-all.log
want=$(grep -n 'unparsable date-time' <("$extls" -v --format json "$f" 2>&1 >/dev/null) | tail -1)
got=$(grep -n 'unparsable date-time' <(EXTLS_PIECE_SIZE=1 "$extls" -j2 -v --format json "$f" 2>&1 >/dev/null) | tail -1)
runs=$((runs + 1))
if [ -z "$want" ] || [ "$want" != "$got" ]; then
    fails=$((fails + 1))
    echo "FAIL: last malformed row named '$want' whole, '$got' in pieces"
fi

echo "pieces: $runs comparisons over ${#inputs[@]} inputs, $fails failed"
[ "$fails" -eq 0 ]
