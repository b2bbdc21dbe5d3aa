# SPDX-License-Identifier: MIT
# -j N on Windows (winpthreads): the same bytes as the golden csv_2019 case
# whatever the number of threads.
# Inputs: WINE, EXE, SRC, GOLDEN, SCRATCH (unused).
file(READ ${GOLDEN}/csv_2019.out want)
foreach(jobs 1 2 3 8)
  execute_process(COMMAND ${WINE} ${EXE} -q -j ${jobs} --format csv samples/exchange2019
    WORKING_DIRECTORY ${SRC} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL want OR NOT err STREQUAL "")
    message(FATAL_ERROR "-j ${jobs}: exit status ${rc}, output:\n${out}\nerrors:\n${err}")
  endif()
endforeach()
