# SPDX-License-Identifier: MIT
# End-to-end cases: extls_e2e(NAME ARGS ... [RC n] [STDIN file]) runs the
# binary from the source root and compares stdout/stderr/exit status with
# tests/golden/e2e/NAME.{out,err}.

set(S10 samples/exchange2010)
set(S19 samples/exchange2019)
set(FE19 ${S19}/V15/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive)

# Whole outputs of each format on the sample trees.
extls_e2e(table_2010 ARGS ${S10})
extls_e2e(table_2019 ARGS ${S19})
extls_e2e(json_2010 ARGS --format json ${S10})
extls_e2e(jsonl_day_cipher_2019 ARGS -q --format jsonl --by day,cipher ${S19})
extls_e2e(csv_2019 ARGS -q --format csv ${S19})
extls_e2e(tsv_ehlo_2010 ARGS -q --format tsv --by direction,ehlo ${S10})
extls_e2e(sessions_jsonl_2019 ARGS sessions -q ${S19})
extls_e2e(sessions_csv_2010 ARGS sessions -q --format csv ${S10})

# Filters.
extls_e2e(filter_direction_send ARGS -q --format csv --direction send ${S19})
extls_e2e(filter_remote_cidr ARGS -q --format csv --remote 203.0.113.0/24 ${S19})
extls_e2e(filter_remote_v6 ARGS -q --format csv --remote 2001:db8::/32 ${S19})
extls_e2e(filter_connector ARGS -q --format csv --by connector --connector "Frontend" ${S19})
extls_e2e(filter_time ARGS -q --format csv --by direction --since 2023-01-11T15:30 --until 2023-01-11T16:00 ${S19})

# Exit codes.
extls_e2e(fail_on_legacy RC 1 ARGS -q --format tsv --by direction --fail-on legacy ${S10})
extls_e2e(fail_on_absent_class ARGS -q --format tsv --by direction --fail-on tls1_3 ${S10})
extls_e2e(fail_on_none_send RC 1 ARGS -q --format tsv --by direction --direction send --fail-on none ${S19})
extls_e2e(missing_input RC 2 ARGS --format tsv --by direction tests/data/does-not-exist.LOG tests/data/lf-only.log)
extls_e2e(usage_unknown_option RC 2 ARGS --colour ${S10})
extls_e2e(usage_no_input RC 2 ARGS --format json)
extls_e2e(usage_bad_format RC 2 ARGS --format xml ${S10})
extls_e2e(usage_bad_by RC 2 ARGS --by direction,port ${S10})
extls_e2e(usage_bad_time RC 2 ARGS --since 2023-13-01 ${S10})
extls_e2e(usage_bad_remote RC 2 ARGS --remote 192.0.2.0/33 ${S10})
extls_e2e(usage_bad_regex RC 2 ARGS --connector "(" ${S10})
extls_e2e(usage_sessions_json RC 2 ARGS sessions --format json ${S10})
extls_e2e(version ARGS --version)
extls_e2e(help ARGS --help)

# Inputs that are not ordinary logs.
extls_e2e(cut_off ENV EXTLS_NOW=2100-01-01T00:00 ARGS --format jsonl tests/data/cut-off.LOG)
extls_e2e(missing_field_header RC 2 ARGS --format jsonl tests/data/missing-field-header.LOG)
extls_e2e(not_a_protocol_log RC 2 ARGS --format jsonl tests/data/not-a-protocol-log.LOG)
extls_e2e(empty_inputs ARGS --format jsonl tests/data/empty.LOG tests/data/bom-only.LOG tests/data/header-only.LOG)
extls_e2e(no_header_direction_from_name ARGS sessions --format tsv tests/data/no-header)
extls_e2e(reordered_fields ARGS sessions --format tsv tests/data/reordered-fields.LOG)
extls_e2e(lf_only ARGS --format csv tests/data/lf-only.log)
extls_e2e(data_dir_walk ENV EXTLS_NOW=2100-01-01T00:00 RC 2 ARGS --format json tests/data)
extls_e2e(stdin_with_header ARGS --format csv - STDIN tests/data/lf-only.log)
extls_e2e(stdin_without_header RC 2 ARGS --format csv - STDIN tests/data/no-header/RECV20230111-1.LOG)
extls_e2e(same_file_twice ARGS --format csv tests/data/lf-only.log tests/data/lf-only.log)

# Scripted checks against expectations derived by hand.
foreach(tree exchange2010 exchange2019)
  add_test(NAME e2e_hand_oracle_${tree}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/hand-oracle.sh $<TARGET_FILE:extls> ${tree}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME e2e_order_independence_${tree}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/order-independence.sh $<TARGET_FILE:extls> ${tree}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_hand_oracle_${tree} e2e_order_independence_${tree}
    PROPERTIES LABELS e2e TIMEOUT 120)
endforeach()

# The peer's certificate when its block is cut by a file boundary.
add_test(NAME e2e_cert_split
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cert-split.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_cert_split PROPERTIES LABELS e2e TIMEOUT 120)

# Adversarial input: markers in peer text, raw line break in quotes,
# non-canonical quoting, rows straddling 64 KiB reads.
extls_e2e(adversarial_sessions ARGS sessions --format tsv tests/data/adversarial)

# Fast paths and parallel reading change no byte of output.
add_test(NAME e2e_equivalence
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/equivalence.sh $<TARGET_FILE:extls>
    $<TARGET_FILE:genlogs> ${CMAKE_CURRENT_BINARY_DIR}/equivalence
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_equivalence PROPERTIES LABELS e2e TIMEOUT 300)

# Unreadable file and folder: named, skipped, exit 2, the rest reported.
add_test(NAME e2e_unreadable
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/unreadable.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_unreadable PROPERTIES LABELS e2e TIMEOUT 60)

# Inputs called what they are: a file of NUL bytes is binary (also while it
# is still being written), an empty file empty; a cut gzip file names the
# cut and keeps the rows before it.
add_test(NAME e2e_not_a_log
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/not-a-log.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_not_a_log PROPERTIES LABELS e2e TIMEOUT 60)

# --state: two-day cron simulation, unchanged re-runs, refused states, crash safety.
add_test(NAME e2e_state_cron
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-cron.sh $<TARGET_FILE:extls>
    $<TARGET_FILE:fault_shim>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_cron PROPERTIES LABELS e2e TIMEOUT 120)
# --state: sessions counted once and whole whatever order rows arrive in (generated trees).
add_test(NAME e2e_state_order
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-order.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_order PROPERTIES LABELS e2e TIMEOUT 300)
# --state: an input that fails part-way is counted once, and read on from there once repaired.
add_test(NAME e2e_state_failed_input
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-failed-input.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_failed_input PROPERTIES LABELS e2e TIMEOUT 120)
# --state: records of files a run did not see are kept unless their folder was walked wholly.
add_test(NAME e2e_state_unseen
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-unseen.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_unseen PROPERTIES LABELS e2e TIMEOUT 120)
# --state: a file renamed, or its folder named another way, is known by its identity (small files too).
add_test(NAME e2e_state_identity
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-identity.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_identity PROPERTIES LABELS e2e TIMEOUT 120)
# --state: a file shorter than when last read (a copy overwriting it) is left until it has grown back.
add_test(NAME e2e_state_shorter
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/state-shorter.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_state_shorter PROPERTIES LABELS e2e TIMEOUT 120)
# docs/cron.md: its cron lines, taken from the document, run over eight simulated days.
add_test(NAME e2e_cron_recipes
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cron-recipes.sh $<TARGET_FILE:genlogs> $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_cron_recipes PROPERTIES LABELS e2e TIMEOUT 300)
extls_e2e(usage_report_without_state RC 2 ARGS --report all ${S10})
extls_e2e(usage_state_relative_window RC 2 ARGS --state ${CMAKE_CURRENT_BINARY_DIR}/never-written.state --since yesterday ${S10})

# --format html: whole pages (hostile strings escaped), well-formed and
# self-contained pages (html_check, xmllint when installed), the same bytes
# for any -j (equivalence.sh), and a real browser when chromium is installed.
extls_e2e(html_2019 ENV SOURCE_DATE_EPOCH=1700000000 ARGS -q --format html ${S19})
extls_e2e(html_hostile ENV SOURCE_DATE_EPOCH=1700000000 ARGS --format html tests/data-html/hostile.LOG)
add_executable(html_check e2e/html_check.c)
add_test(NAME e2e_html_wellformed
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/html-wellformed.sh $<TARGET_FILE:extls>
    $<TARGET_FILE:html_check> ${CMAKE_CURRENT_BINARY_DIR}/html-wellformed
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME e2e_html_chromium
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/html-chromium.sh $<TARGET_FILE:extls>
    ${CMAKE_CURRENT_BINARY_DIR}/html-chromium
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_html_wellformed e2e_html_chromium PROPERTIES LABELS e2e TIMEOUT 300)
set_tests_properties(e2e_html_chromium PROPERTIES SKIP_RETURN_CODE 77)

# The server key (servername.h) and extls merge (merge.h, docs/scale-out.md).
set(MD tests/merge-data)
extls_e2e(by_server_2019 ARGS -q --format csv --by server,direction,connector ${S19})
extls_e2e(by_server_two_trees ARGS --format tsv --by server,direction ${S10} ${S19})
extls_e2e(by_server_send_filtered ARGS -q --format csv --by server,direction --direction send ${S19})
extls_e2e(server_given ARGS -q --format jsonl --server MBX01 --by server,direction ${S19})
extls_e2e(usage_bad_server RC 2 ARGS --server= ${S10})
extls_e2e(merge_csv_by_direction ARGS merge --format csv --by direction tests/golden/e2e/json_2010.out ${MD}/exchange2019.json)
extls_e2e(merge_table ARGS merge --format table tests/golden/e2e/json_2010.out ${MD}/exchange2019.json)
extls_e2e(merge_fail_on RC 1 ARGS merge --format tsv --by direction --fail-on tls1_3 tests/golden/e2e/json_2010.out ${MD}/exchange2019.json)
extls_e2e(merge_keys_differ RC 2 ARGS merge tests/golden/e2e/json_2010.out ${MD}/by-direction-2010.json)
extls_e2e(merge_float_counter RC 2 ARGS merge ${MD}/float-counter.json)
extls_e2e(merge_truncated RC 2 ARGS merge ${MD}/exchange2019.json ${MD}/truncated.json)
extls_e2e(merge_missing RC 2 ARGS merge ${MD}/exchange2019.json ${MD}/does-not-exist.json)
extls_e2e(merge_bad_by RC 2 ARGS merge --by direction,day ${MD}/exchange2019.json)
extls_e2e(merge_table_needs_connector RC 2 ARGS merge --format table ${MD}/by-direction-2010.json)
extls_e2e(merge_usage_option RC 2 ARGS merge --since 2024-01-01 ${MD}/exchange2019.json)
# merge as a full citizen: --nagios (also UNKNOWN), --warn-on, -q, an empty report.
extls_e2e(merge_nagios_critical RC 2 ARGS merge -q --nagios --fail-on legacy --warn-on tls_failed tests/golden/e2e/json_2010.out ${MD}/exchange2019.json)
extls_e2e(merge_nagios_warning RC 1 ARGS merge --nagios --fail-on ssl2 --warn-on "sessions<100,tls1_3" ${MD}/exchange2019.json)
extls_e2e(merge_nagios_ok ARGS merge --nagios --fail-on ssl2 --warn-on "sessions<40" ${MD}/exchange2019.json)
extls_e2e(merge_nagios_unknown RC 3 ARGS merge --nagios ${MD}/exchange2019.json ${MD}/truncated.json)
extls_e2e(merge_nagios_no_sessions RC 2 ARGS merge --nagios --fail-on "sessions<1,legacy>0" ${MD}/no-sessions.json)
extls_e2e(merge_no_sessions RC 1 ARGS merge --format csv --fail-on "sessions<1" ${MD}/no-sessions.json)
extls_e2e(merge_no_sessions_table ARGS merge --format table ${MD}/no-sessions.json ${MD}/no-sessions.json)
extls_e2e(merge_empty_file RC 2 ARGS merge --format html ${MD}/exchange2019.json ${MD}/empty.json)
# A report whose run saw nothing (files 0, or only malformed rows) or could not read
# some inputs (files_failed) is named and merged all the same: exit 2, UNKNOWN with --nagios.
extls_e2e(merge_report_saw_nothing RC 2 ARGS merge --format csv --by direction ${MD}/exchange2019.json ${MD}/saw-nothing.json)
extls_e2e(merge_report_failed_input RC 2 ARGS merge -q --format csv --by direction --fail-on legacy ${MD}/failed-input.json ${MD}/no-sessions.json)
extls_e2e(merge_report_malformed_only RC 2 ARGS merge --format tsv --by direction ${MD}/malformed-only.json ${MD}/exchange2019.json)
extls_e2e(merge_nagios_report_saw_nothing RC 3 ARGS merge -q --nagios --fail-on legacy ${MD}/exchange2019.json ${MD}/saw-nothing.json ${MD}/failed-input.json)
# A merged report keeps their flag: each report that saw nothing is one of its
# files_failed, so a merge of merged reports (days into a month) names it again.
# merged-*.json: 'extls merge -f json' of exchange2019.json and saw-nothing.json,
# malformed-only.json.
extls_e2e(merge_merged_saw_nothing RC 2 ARGS merge --format csv --by direction ${MD}/merged-saw-nothing.json ${MD}/exchange2019.json)
extls_e2e(merge_merged_malformed_only RC 2 ARGS merge --format csv --by direction ${MD}/merged-malformed-only.json)
# A run that saw nothing (a missing folder): the table does not
# say there is nothing to fix.
extls_e2e(table_saw_nothing RC 2 ARGS ${MD}/no-such-folder)
foreach(script merge-equivalence scale-out)
  add_test(NAME e2e_${script}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/${script}.sh $<TARGET_FILE:extls>
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_${script} PROPERTIES LABELS e2e TIMEOUT 120)
endforeach()

# Compressed input: gzip copies of the sample trees (also mixed, multi-member
# and misnamed), gzip on standard input and a damaged CRC give what the plain
# logs give; a truncated gzip file keeps its complete rows and exits 2.
extls_e2e(gz_truncated RC 2 ARGS --format json tests/data/truncated.LOG.gz)
extls_e2e(gz_truncated_stdin RC 2 ARGS --format json - STDIN tests/data/truncated.LOG.gz)
add_test(NAME e2e_gzip
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/gzip.sh $<TARGET_FILE:extls>
    ${CMAKE_CURRENT_BINARY_DIR}/gzip
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_gzip PROPERTIES LABELS e2e TIMEOUT 120)

# Relative times with a fixed clock (EXTLS_NOW), zones (a POSIX TZ rule, so
# no time zone database is needed), hour keys and the per-day table.
set(CET "TZ=CET-1CEST,M3.5.0,M10.5.0/3")
extls_e2e(since_yesterday_2019 ENV EXTLS_NOW=2023-01-12T06:00:00Z
  ARGS -q --since yesterday --until today --format csv --by direction ${S19})
extls_e2e(since_yesterday_2010 ENV EXTLS_NOW=2016-12-02T09:00:00Z
  ARGS -q --since yesterday --until today --format jsonl --by day ${S10})
extls_e2e(since_offset_2010 ENV EXTLS_NOW=2016-12-02T09:00:00Z
  ARGS -q --since -3h --format jsonl --by day ${S10})
extls_e2e(tz_local_since_today_2010 ENV EXTLS_NOW=2016-12-02T09:00:00Z ${CET}
  ARGS -q --tz local --since today --format csv --by day ${S10})
extls_e2e(by_hour_2019 ARGS -q --format csv --by hour ${S19})
extls_e2e(by_direction_hour_2010 ARGS -q --format tsv --by direction,hour ${S10})
extls_e2e(tz_local_by_day_hour_2010 ENV ${CET} ARGS -q --tz local --format tsv --by day,hour ${S10})
extls_e2e(table_days_local_2010 ENV ${CET} ARGS -q --tz local ${S10})
extls_e2e(usage_bad_tz RC 2 ARGS --tz Mars/Olympus_Mons ${S10})
# A tz database name (skips, 77, where tzdata lacks the zone).
add_test(NAME e2e_tz_iana COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/tz-iana.sh $<TARGET_FILE:extls> WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_tz_iana PROPERTIES LABELS e2e TIMEOUT 60 SKIP_RETURN_CODE 77)
extls_e2e(usage_bad_extls_now RC 2 ENV EXTLS_NOW=yesterday ARGS --since today ${S10})

# Thresholds and --nagios: OK, WARNING, CRITICAL, UNKNOWN.
extls_e2e(fail_on_pct_not_above RC 0 ARGS -q --format tsv --by direction --fail-on none>32.5% ${S19})
extls_e2e(fail_on_pct_at_least RC 1 ARGS -q --format tsv --by direction --fail-on none>=32.5% ${S19})
extls_e2e(nagios_ok ARGS --nagios -q --fail-on ssl2,ssl3 --warn-on ssl2 ${S19})
extls_e2e(nagios_warning RC 1 ARGS --nagios -q --warn-on tls1_0>0,tls1_1 --fail-on legacy>5 ${S19})
extls_e2e(nagios_critical RC 2 ARGS --nagios -q --fail-on none>25%,tls_failed>10 --warn-on legacy ${S19})
extls_e2e(nagios_unknown_missing_input RC 3 ARGS --nagios -q ${S19} tests/data/does-not-exist.LOG tests/data/nor-this.LOG)
extls_e2e(nagios_unknown_bad_header RC 3 ARGS --nagios -q tests/data/missing-field-header.LOG)
extls_e2e(nagios_unknown_usage RC 3 ARGS --nagios --fail-on none=5 ${S19})
extls_e2e(nagios_unknown_bad_regex RC 3 ARGS --nagios --connector "(" ${S19})
extls_e2e(usage_warn_on_without_nagios RC 2 ARGS --warn-on legacy ${S19})
add_test(NAME e2e_nagios_write_error
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/nagios-write-error.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_nagios_write_error PROPERTIES LABELS e2e TIMEOUT 60 SKIP_RETURN_CODE 77)
extls_e2e(nagios_unknown_first_error_named RC 3
  ARGS --nagios -q -j 2 tests/data/missing-field-header.LOG tests/data/not-a-protocol-log.LOG)

# Diagnostics: names and arguments with control characters stay on one line, escaped.
add_test(NAME e2e_diag_escape
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/diag-escape.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_diag_escape PROPERTIES LABELS e2e TIMEOUT 60)

# A log folder may hold anything (tests/data-mixed: SMTP protocol logs beside
# IIS, setup, message tracking (also gzip), connectivity and agent logs, a
# binary and a text file): the others are skipped and counted by kind, named
# with --verbose. Nothing seen is not clean: a folder without protocol logs,
# a run without any, is exit 2 (UNKNOWN with --nagios); sessions<1 catches
# an empty --since window.
set(MX tests/data-mixed)
extls_e2e(mixed_folder_verbose ARGS --verbose ${MX})
extls_e2e(mixed_folder_json ARGS -q --format json --by direction ${MX})
extls_e2e(mixed_no_protocol_logs RC 2 ARGS --format csv --by direction ${MX}/Logs/MessageTracking ${MX}/Logs/Hub/AgentLog)
extls_e2e(mixed_one_folder_without RC 2 ARGS -q --format csv --by direction ${MX}/Logs/FrontEnd ${MX}/inetpub)
extls_e2e(mixed_nagios_no_logs RC 3 ARGS --nagios -q --fail-on legacy ${MX}/Logs/MessageTracking)
extls_e2e(mixed_named_iis RC 2 ARGS --format csv ${MX}/inetpub/logs/LogFiles/W3SVC1/u_ex230111.log)
extls_e2e(named_empty_alone RC 2 ARGS --format csv tests/data/empty.LOG)
extls_e2e(stdin_empty RC 2 ARGS --format csv - STDIN tests/data/empty.LOG)
extls_e2e(fail_on_sessions_since RC 1 ARGS -q --format csv --by direction --since 2030-01-01 --fail-on "sessions<1,legacy" ${S19})
extls_e2e(nagios_sessions_since RC 2 ARGS --nagios -q --since 2030-01-01 --fail-on "sessions<1,legacy" --warn-on "rows<1" ${S19})
add_test(NAME e2e_nothing_seen
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/nothing-seen.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_nothing_seen PROPERTIES LABELS e2e TIMEOUT 120)

# xlsx workbooks are reproducible with SOURCE_DATE_EPOCH (no xlsx on Windows).
if(NOT WIN32)
  add_test(NAME e2e_xlsx_reproducible
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/xlsx-reproducible.sh $<TARGET_FILE:extls>
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_xlsx_reproducible PROPERTIES LABELS e2e TIMEOUT 60)
endif()

# One input read in pieces (every -j, tiny pieces) gives what it gives read whole.
add_test(NAME e2e_pieces
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/pieces.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_pieces PROPERTIES LABELS e2e TIMEOUT 600)

# A cron job on live logs is quiet: the last row of the newest file of its
# series, still being written, is not a malformed row; a cut elsewhere is.
add_test(NAME e2e_live_tail
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/live-tail.sh $<TARGET_FILE:extls>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_live_tail PROPERTIES LABELS e2e TIMEOUT 120)
# Strings chosen by remote hosts (formula triggers, terminal control
# sequences) through every output format; the xlsx workbooks read back
# with openpyxl (77: not installed).
find_program(EXTLS_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT EXTLS_PYTHON3)
  find_program(EXTLS_PYTHON3 NAMES python3)
endif()
add_test(NAME e2e_strangers
  COMMAND ${EXTLS_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/strangers.py $<TARGET_FILE:extls>
    ${CMAKE_CURRENT_BINARY_DIR}/strangers
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME e2e_xlsx_readback
  COMMAND ${EXTLS_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/strangers.py $<TARGET_FILE:extls>
    ${CMAKE_CURRENT_BINARY_DIR}/xlsx-readback xlsx
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_strangers e2e_xlsx_readback PROPERTIES LABELS e2e TIMEOUT 120)
set_tests_properties(e2e_xlsx_readback PROPERTIES SKIP_RETURN_CODE 77)

# A subcommand or an option value in the wrong place: named with a hint.
extls_e2e(usage_misplaced_subcommand RC 2 ARGS -q sessions tests/data/lf-only.log)
extls_e2e(usage_misplaced_value RC 2 ARGS -q --format tsv json tests/data/lf-only.log)
# Real-log variants (2026-12-03): a banner masked by a firewall's SMTP
# inspection ("220 *****", host from the 250 reply) and the one-row
# certificate block of Exchange 2016 CU2 (no dates), in both shapes.
extls_e2e(log_variants_sessions ARGS sessions --format tsv tests/data-variants)

# --class keeps the sessions of these classes only (the others are excluded).
extls_e2e(class_legacy_csv ARGS -q --format csv --class legacy samples/exchange2019)
extls_e2e(class_none_send_sessions ARGS sessions -q --format tsv --direction send --class none,tls_failed samples/exchange2019)
extls_e2e(usage_bad_class RC 2 ARGS --class tls1 samples/exchange2019)

# The table fits the width: COLUMNS when the output is no terminal (100
# without it, as in the cases above); --wide prints every column and row.
extls_e2e(table_2019_80 ENV COLUMNS=80 ARGS -q ${S19})
extls_e2e(table_2019_wide ENV COLUMNS=80 ARGS -q --wide ${S19})
extls_e2e(table_by_day_2010 ARGS -q --by day ${S10})
extls_e2e(html_by_direction_2010 ENV SOURCE_DATE_EPOCH=1700000000 ARGS -q --format html --by direction ${S10})
# A page for several servers: reports of two servers merged.
extls_e2e(merge_html_two_servers ENV SOURCE_DATE_EPOCH=1700000000
  ARGS merge --format html tests/merge-data/server-ex2010.json tests/merge-data/server-ex2019.json)

# Folders named twice or inside one another: each file is read once, and a
# folder whose logs were all reached through another argument is not "a
# folder without logs" (regression, 2026-12-03).
extls_e2e(overlapping_folders ARGS -q --format csv --by direction samples samples/exchange2010 samples/exchange2019)
# 'sessions' writes each session once: --report all is refused.
extls_e2e(usage_sessions_report_all RC 2 ARGS sessions --state unused.state --report all samples/exchange2019)
