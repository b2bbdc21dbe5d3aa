# SPDX-License-Identifier: MIT
# Tests of the Windows build, run under Wine (the cross-compiling emulator).
#
# Golden cases: every extls_e2e() call of e2e/cases.cmake (and the set()
# lines that name their folders) runs extls.exe and compares its output with
# the same golden files as the Linux build. The rest of cases.cmake runs
# POSIX shell scripts against a Linux binary and is left to the Linux build.
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cases.cmake cases)
string(REGEX MATCHALL "\n(set|extls_e2e)\\([^)]*\\)" calls "${cases}")
set(golden_cmake ${CMAKE_CURRENT_BINARY_DIR}/golden-cases.cmake)
string(REPLACE ";" "\n" calls "${calls}")
file(WRITE ${golden_cmake}.new "# Generated from tests/e2e/cases.cmake: golden cases only.\n${calls}\n")
configure_file(${golden_cmake}.new ${golden_cmake} COPYONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cases.cmake)
include(${golden_cmake})


# Platform cases that need extls.exe itself (the unit test test_platform
# covers the platform module directly).
foreach(script paths closed-pipe jobs)
  add_test(NAME win_${script}
    COMMAND ${CMAKE_COMMAND} -DWINE=${CMAKE_CROSSCOMPILING_EMULATOR} -DEXE=$<TARGET_FILE:extls>
      -DSRC=${PROJECT_SOURCE_DIR} -DGOLDEN=${CMAKE_CURRENT_SOURCE_DIR}/golden/e2e
      -DSCRATCH=${CMAKE_CURRENT_BINARY_DIR}/win_${script}
      -P ${CMAKE_CURRENT_SOURCE_DIR}/windows/${script}.cmake)
  set_tests_properties(win_${script} PROPERTIES LABELS "e2e;windows" TIMEOUT 120)
endforeach()
