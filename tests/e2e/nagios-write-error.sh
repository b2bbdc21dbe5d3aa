#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --nagios when its status line cannot be written: UNKNOWN (3), and the
# reason on stderr. Needs /dev/full (Linux): without it, exits 77 (skipped).
# usage: nagios-write-error.sh EXTLS   (run from the source root)
set -uo pipefail
exe=$1
if [ ! -w /dev/full ]; then
    echo "skipped: no /dev/full"
    exit 77
fi
err=$("$exe" --nagios -q samples/exchange2019 2>&1 >/dev/full)
rc=$?
want="extls: cannot write output: No space left on device"
if [ $rc -ne 3 ] || [ "$err" != "$want" ]; then
    echo "FAIL: exit $rc (want 3), stderr '$err' (want '$want')"
    exit 1
fi
# The same without --nagios keeps the documented exit status 2.
"$exe" -q samples/exchange2019 >/dev/full 2>/dev/null
rc=$?
if [ $rc -ne 2 ]; then
    echo "FAIL: without --nagios exit $rc (want 2)"
    exit 1
fi
echo "ok: an unwritable status line is UNKNOWN"
