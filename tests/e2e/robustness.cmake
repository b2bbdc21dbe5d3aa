# SPDX-License-Identifier: MIT
# Hostile inputs and faults (docs/ROBUSTNESS.md names the test of each row).

# Stored hostile files (tests/hostile/): whole outputs against goldens.
set(HOSTILE tests/hostile)
extls_e2e(hostile_garbage RC 2 ENV EXTLS_NOW=2100-01-01T00:00 ARGS sessions --format tsv ${HOSTILE}/RECV-garbage.LOG)
extls_e2e(hostile_garbage_no_direction RC 2 ARGS --format jsonl - STDIN ${HOSTILE}/RECV-garbage.LOG)
extls_e2e(hostile_nul_bytes ARGS sessions ${HOSTILE}/RECV-nul.LOG)
extls_e2e(hostile_nul_bytes_table ARGS --quiet ${HOSTILE}/RECV-nul.LOG)
extls_e2e(hostile_quote_mid ARGS sessions --format tsv ${HOSTILE}/RECV-quote-mid.LOG)
extls_e2e(hostile_quote_eof ENV EXTLS_NOW=2100-01-01T00:00 ARGS sessions --format tsv ${HOSTILE}/RECV-quote-eof.LOG)
extls_e2e(hostile_field_count ARGS sessions --format tsv ${HOSTILE}/RECV-field-count.LOG)
extls_e2e(hostile_sequence_number ARGS sessions --format tsv ${HOSTILE}/RECV-sequence.LOG)
extls_e2e(hostile_timestamps ARGS sessions --verbose --format tsv ${HOSTILE}/RECV-timestamps.LOG)
extls_e2e(hostile_session_id ARGS sessions --format tsv ${HOSTILE}/RECV-session-id.LOG)
extls_e2e(hostile_all_totals ENV EXTLS_NOW=2100-01-01T00:00 ARGS --quiet --format jsonl --by direction ${HOSTILE})

# Generated inputs, special files and faults: tests/e2e/robustness.sh CASE.
add_executable(peak_rss e2e/peak_rss.c)
add_library(midread_shim MODULE e2e/midread_shim.c)
target_link_libraries(midread_shim PRIVATE ${CMAKE_DL_LIBS})
foreach(case long_line same_file_links symlink_loops many_files fifo truncated grown dev_full
    closed_pipe hosts_linear)
  add_test(NAME e2e_robustness_${case}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/robustness.sh ${case} $<TARGET_FILE:extls>
      $<TARGET_FILE:peak_rss> $<TARGET_FILE:midread_shim> ${EXTLS_SANITIZE}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_robustness_${case} PROPERTIES LABELS e2e TIMEOUT 300
    SKIP_RETURN_CODE 77)
endforeach()

# Exactly-once reports with --state: the lock, delivery before commit,
# kill -9 at random moments, and a failure of every write, fsync and rename
# of the state and of --output (tests/e2e/exactly-once.sh CASE; the faults
# come from the LD_PRELOAD shim tests/e2e/fault_shim.c).
add_library(fault_shim MODULE e2e/fault_shim.c)
target_link_libraries(fault_shim PRIVATE ${CMAKE_DL_LIBS})
foreach(case concurrent undelivered kill faults)
  add_test(NAME e2e_exactly_once_${case}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/exactly-once.sh ${case} $<TARGET_FILE:extls>
      $<TARGET_FILE:genlogs> $<TARGET_FILE:fault_shim>
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e_exactly_once_${case} PROPERTIES LABELS e2e TIMEOUT 300)
endforeach()
# Temporary files of killed runs removed under the state's lock; a live
# run's own kept (tests/e2e/stale-temps.sh).
add_test(NAME e2e_stale_temps
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/stale-temps.sh $<TARGET_FILE:extls>
    $<TARGET_FILE:fault_shim>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(e2e_stale_temps PROPERTIES LABELS e2e TIMEOUT 120)
