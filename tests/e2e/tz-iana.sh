#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --tz with a tz database name: the same days and hours as TZ=NAME --tz local,
# other than UTC's, and an unknown name refused. Skips (77) without the zone.
set -u
exe=$1
zdir=${TZDIR:-/usr/share/zoneinfo}
[ -f "$zdir/Europe/Berlin" ] || { echo "SKIP: no Europe/Berlin in $zdir"; exit 77; }
fail=0
named=$("$exe" -q --tz Europe/Berlin --format tsv --by day,hour samples/exchange2010)
local=$(TZ=Europe/Berlin "$exe" -q --tz local --format tsv --by day,hour samples/exchange2010)
utc=$("$exe" -q --tz utc --format tsv --by day,hour samples/exchange2010)
[ "$named" = "$local" ] || { echo "FAIL: --tz Europe/Berlin differs from TZ=Europe/Berlin --tz local"; fail=1; }
[ "$named" != "$utc" ] || { echo "FAIL: --tz Europe/Berlin gives UTC's hours"; fail=1; }
# 2016-12-01T07:58:43Z is 08:58 in Berlin (CET, UTC+1).
printf '%s\n' "$named" | grep -q $'^2016-12-01\t2016-12-01T08\t' || { echo "FAIL: no Berlin hour 08"; fail=1; }
# --since with a bare date: Berlin's midnight, 2016-11-30T23:00Z.
got=$(EXTLS_NOW=2016-12-03T00:00:00Z "$exe" -q --tz Europe/Berlin --since 2016-12-02 --format json samples/exchange2010 | head -c 2000)
want=$(EXTLS_NOW=2016-12-03T00:00:00Z TZ=Europe/Berlin "$exe" -q --tz local --since 2016-12-02 --format json samples/exchange2010 | head -c 2000)
[ "$got" = "$want" ] || { echo "FAIL: --since differs"; fail=1; }
for bad in Mars/Olympus_Mons ../../etc/passwd /etc/localtime ''; do
    err=$("$exe" --tz "$bad" samples/exchange2010 2>&1 >/dev/null); rc=$?
    [ $rc -eq 2 ] || { echo "FAIL: --tz '$bad' exit $rc"; fail=1; }
    case $err in *"bad --tz"*"Europe/Berlin"*) ;; *) echo "FAIL: --tz '$bad': $err"; fail=1 ;; esac
done
exit $fail
