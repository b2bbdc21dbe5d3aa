#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Compressed input gives exactly what the plain logs give (stdout, stderr
# with ".LOG.gz" read as ".LOG", exit status), for the summary formats and
# the per-session records, with one and several jobs:
#   - both sample trees with every file gzipped (gzip -n);
#   - mixed trees: one file as two gzip members (cat a.gz b.gz), one gzip
#     file still named .LOG (found by its magic bytes), the rest plain;
#   - gzip on standard input, one file and two concatenated;
#   - a damaged CRC: every row is still counted, the file is named with
#     "corrupt gzip data: incorrect data check", files_failed is 1, exit 2,
#     from a file (ISA-L, when built with it) and from a pipe (zlib);
#   - damaged deflate data mid-file: the same output and message from the
#     file and from the pipe.
# usage: gzip.sh EXTLS SCRATCH   (run from the source root)
set -euo pipefail
exe=$(realpath "$1") scratch=$2
rm -rf "$scratch"
mkdir -p "$scratch"
export LC_ALL=C
fail=0 checked=0

# run DIR TAG ARGS...: extls in DIR; TAG.out, TAG.err (with the exit status).
run() {
    local dir=$1 tag=$2
    shift 2
    set +e
    (cd "$dir" && "$exe" "$@") >"$scratch/$tag.out" 2>"$scratch/$tag.err"
    echo "rc=$?" >>"$scratch/$tag.err"
    set -e
    sed -i 's/\.LOG\.gz/.LOG/g' "$scratch/$tag.out" "$scratch/$tag.err"
}

# same TAG_A TAG_B WHAT: both runs printed the same bytes.
same() {
    checked=$((checked + 1))
    for k in out err; do
        if ! cmp -s "$scratch/$1.$k" "$scratch/$2.$k"; then
            echo "FAIL: $3: std$k differs"
            diff "$scratch/$1.$k" "$scratch/$2.$k" | head -8 || true
            fail=1
        fi
    done
}

runs=("" "--format json" "--format csv --by day,cipher -j 1" "--format jsonl -j 3"
    "sessions --format tsv" "sessions -q")
for tree in exchange2010 exchange2019; do
    mkdir -p "$scratch/plain" "$scratch/gz" "$scratch/mix"
    cp -r "samples/$tree" "$scratch/plain/"
    cp -r "samples/$tree" "$scratch/gz/"
    cp -r "samples/$tree" "$scratch/mix/"
    find "$scratch/gz/$tree" -type f -name '*.LOG' -exec gzip -n {} +
    if find "$scratch/gz/$tree" -type f -name '*.LOG' | grep -q .; then
        echo "FAIL: gzip left plain files in $scratch/gz/$tree"
        fail=1
    fi

    # The mixed tree: the first file as two members, the second gzipped under its own name.
    mapfile -t files < <(find "$scratch/mix/$tree" -type f -name '*.LOG' | sort)
    first=${files[0]} second=${files[1]}
    half=$(($(wc -l <"$first") / 2))
    { head -n "$half" "$first" | gzip -n; tail -n +"$((half + 1))" "$first" | gzip -n; } >"$first.gz"
    rm "$first"
    gzip -n -c "$second" >"$second.tmp"
    mv "$second.tmp" "$second"

    for opts in "${runs[@]}"; do
        # shellcheck disable=SC2086
        run "$scratch/plain" plain $opts "$tree"
        # shellcheck disable=SC2086
        run "$scratch/gz" gz $opts "$tree"
        same plain gz "gzipped $tree, '$opts'"
        # shellcheck disable=SC2086
        run "$scratch/mix" mix $opts "$tree"
        same plain mix "mixed $tree, '$opts'"
    done

    # Standard input: one gzip file, then two gzip files one after the other.
    mapfile -t plain_files < <(find "$scratch/plain/$tree" -type f -name '*.LOG' | sort)
    a=${plain_files[0]} b=${plain_files[1]}
    gzip -n -c "$a" >"$scratch/a.gz"
    gzip -n -c "$b" >"$scratch/b.gz"
    run "$scratch" plain --format csv - <"$a"
    run "$scratch" gz --format csv - <"$scratch/a.gz"
    same plain gz "$tree: one gzip file on standard input"
    cat "$a" "$b" | run "$scratch" plain sessions --format tsv -
    cat "$scratch/a.gz" "$scratch/b.gz" | run "$scratch" gz sessions --format tsv -
    same plain gz "$tree: two gzip files concatenated on standard input"

    # A damaged CRC-32 (first trailer byte): rows all counted, the file named, exit 2.
    cp "$scratch/a.gz" "$scratch/crc.LOG.gz"
    size=$(stat -c %s "$scratch/crc.LOG.gz")
    byte=$(od -An -tu1 -j $((size - 8)) -N1 "$scratch/crc.LOG.gz" | tr -d ' ')
    printf "\\$(printf '%03o' $(((byte + 1) % 256)))" |
        dd of="$scratch/crc.LOG.gz" bs=1 seek=$((size - 8)) conv=notrunc status=none
    cp "$a" "$scratch/crc.LOG"
    run "$scratch" plain --format json crc.LOG
    run "$scratch" gz --format json crc.LOG.gz
    sed -i 's/"files_failed":0/"files_failed":1/; s/^rc=0$/rc=2/' "$scratch/plain.out" "$scratch/plain.err"
    sed -i '$i extls: crc.LOG: corrupt gzip data: incorrect data check; rows before it counted' "$scratch/plain.err"
    same plain gz "$tree: damaged CRC"
    # The same through a pipe, which zlib inflates alone (files: ISA-L when built with it).
    run "$scratch" gzpipe --format json - <"$scratch/crc.LOG.gz"
    sed -i 's/(standard input)/crc.LOG/' "$scratch/gzpipe.err"
    same plain gzpipe "$tree: damaged CRC on standard input"

    # Damaged deflate data in the middle of a file: read as far as zlib reads it, named as
    # zlib names it, whichever inflater read the file.
    cp "$scratch/a.gz" "$scratch/mid.LOG.gz"
    size=$(stat -c %s "$scratch/mid.LOG.gz")
    printf '\377\377\377\377' |
        dd of="$scratch/mid.LOG.gz" bs=1 seek=$((size / 2)) conv=notrunc status=none
    run "$scratch" midfile --format json mid.LOG.gz
    run "$scratch" midpipe --format json - <"$scratch/mid.LOG.gz"
    sed -i 's/(standard input)/mid.LOG/' "$scratch/midpipe.err"
    grep -q '^extls: mid.LOG: corrupt gzip data: ' "$scratch/midfile.err" || {
        echo "FAIL: $tree: damaged deflate data not named"
        fail=1
    }
    same midpipe midfile "$tree: damaged deflate data, file and pipe"
done
[ $fail -eq 0 ] && echo "ok: $checked comparisons of compressed and plain input agree"
exit $fail
