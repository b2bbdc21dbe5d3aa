# SPDX-License-Identifier: MIT
# A reader that goes away ends extls.exe quietly with status 141, as
# SIGPIPE ends the Linux build: `extls sessions` over 2 MB of sessions
# piped into a reader that takes 10 bytes and exits.
# Inputs: WINE, EXE, SRC, SCRATCH.
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH})
set(log ${SRC}/samples/exchange2019/V15/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive/RECV2023011115-1.LOG)
foreach(i RANGE 1 300)
  configure_file(${log} ${SCRATCH}/RECV2023011115-${i}.LOG COPYONLY)
endforeach()
execute_process(COMMAND ${WINE} ${EXE} sessions -q ${SCRATCH}
  COMMAND head -c 10
  RESULTS_VARIABLE rcs OUTPUT_VARIABLE out ERROR_VARIABLE err)
list(GET rcs 0 rc)
file(REMOVE_RECURSE ${SCRATCH})
if(NOT rc EQUAL 141 OR NOT err STREQUAL "")
  message(FATAL_ERROR "exit status ${rc} (want 141), standard error:\n${err}")
endif()
