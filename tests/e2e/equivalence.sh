#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fast paths change no number: on every sample tree, the odd inputs in
# tests/data, the adversarial input, and generated corpora of several
# seeds, these runs must print byte-identical stdout and stderr:
#   extls (default: fast split, one job per CPU)
#   extls --full-parse -j 1   (every row through libcsv, one job)
#   extls -j 1                (fast split, one job)
#   extls -j 3 --full-parse   (libcsv, three jobs)
# for the JSON summary, the HTML page, the per-session records, the table
# (per-day section in a zone with a daylight-saving rule) and day/hour keys of
# that zone.
# usage: equivalence.sh EXTLS GENLOGS SCRATCH   (run from the source root)
set -euo pipefail
exe=$1 genlogs=$2 scratch=$3
rm -rf "$scratch"
mkdir -p "$scratch"
export LC_ALL=C
export TZ=CET-1CEST,M3.5.0,M10.5.0/3
# The page shows when it was generated: fix that time so pages compare.
export SOURCE_DATE_EPOCH=1700000000

inputs=(samples/exchange2010 samples/exchange2019 tests/data tests/data/adversarial)
for seed in 1 2 3; do
    "$genlogs" --out "$scratch/gen$seed" --mb 4 --files-mb 1 --seed "$seed" \
        --malformed-every 3000 >/dev/null
    inputs+=("$scratch/gen$seed")
done

fail=0 checked=0
for in in "${inputs[@]}"; do
    for what in "--format json" "--format html" "sessions --format tsv" "--tz local" \
        "--tz local --format csv --by day,hour,direction"; do
        ref=""
        for opts in "" "--full-parse -j 1" "-j 1" "-j 3 --full-parse"; do
            # shellcheck disable=SC2086
            set +e
            if [ "${what%% *}" = sessions ]; then
                "$exe" sessions --format tsv $opts "$in" >"$scratch/out" 2>"$scratch/err"
            else
                "$exe" $what $opts "$in" >"$scratch/out" 2>"$scratch/err"
            fi
            echo "rc=$?" >>"$scratch/err"
            set -e
            sum=$(cat "$scratch/out" "$scratch/err" | md5sum)
            if [ -z "$ref" ]; then
                ref=$sum
                cp "$scratch/out" "$scratch/ref.out"
            elif [ "$sum" != "$ref" ]; then
                echo "FAIL: '$what $opts' on $in differs from the default run"
                diff "$scratch/ref.out" "$scratch/out" | head -5 || true
                fail=1
            fi
            checked=$((checked + 1))
        done
    done
done
[ $fail -eq 0 ] && echo "ok: $checked runs over ${#inputs[@]} inputs agree byte for byte"
exit $fail
