# SPDX-License-Identifier: MIT
# extls.exe given Windows path forms: the sample tree as an absolute path
# with a drive letter and backslashes (Wine's Z: is /), and the same tree
# copied under a folder named in three scripts with a path over 260
# characters. Standard output must be the golden json_2010.out byte for
# byte; standard error the golden json_2010.err once the Windows prefix is
# cut and '\' mapped to '/'.
# Inputs: WINE, EXE, SRC (source root), GOLDEN, SCRATCH.
file(READ ${GOLDEN}/json_2010.out want_out)
file(READ ${GOLDEN}/json_2010.err want_err)

function(check label dir prefix)
  string(REPLACE "/" "\\" win "${dir}")
  execute_process(COMMAND ${WINE} ${EXE} --format json "Z:${win}"
    WORKING_DIRECTORY ${SRC} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE "\\" "/" err "${err}")
  string(REPLACE "Z:${prefix}/" "" err "${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${label}: exit status ${rc}\n${err}")
  endif()
  if(NOT out STREQUAL want_out)
    message(FATAL_ERROR "${label}: standard output differs from json_2010.out:\n${out}")
  endif()
  if(NOT err STREQUAL want_err)
    message(FATAL_ERROR "${label}: standard error differs from json_2010.err:\n${err}")
  endif()
endfunction()

# Drive letter and backslashes.
check("Z:\\...\\samples\\exchange2010" "${SRC}/samples/exchange2010" "${SRC}")

# Names in any language, a path of more than 260 characters.
set(deep "${SCRATCH}/Prüfung-日本-Лог")
foreach(i RANGE 5)
  set(deep "${deep}/folder-${i}-with-a-long-name-to-pass-the-limit")
endforeach()
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${deep})
file(COPY ${SRC}/samples/exchange2010 DESTINATION ${deep}/samples)
string(LENGTH "${deep}/samples/exchange2010/V14/TransportRoles/Logs/ProtocolLog/SmtpReceive" len)
if(len LESS 300)
  message(FATAL_ERROR "test set-up: path only ${len} characters")
endif()
check("long non-ASCII path" "${deep}/samples/exchange2010" "${deep}")
file(REMOVE_RECURSE ${SCRATCH})
