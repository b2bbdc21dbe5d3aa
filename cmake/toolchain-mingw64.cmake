# SPDX-License-Identifier: MIT
# Cross-compile extls for 64-bit Windows with Debian's mingw-w64 (posix thread
# model, so winpthreads links statically). Target libraries come from the
# mingw sysroot (zlib: libz-mingw-w64-dev) and from EXTLS_WIN_PREFIX (libcsv,
# PCRE2, cmocka built by scripts/build-windows). Test programs run under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(EXTLS_MINGW_TRIPLET x86_64-w64-mingw32)

find_program(CMAKE_C_COMPILER NAMES ${EXTLS_MINGW_TRIPLET}-gcc-posix ${EXTLS_MINGW_TRIPLET}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${EXTLS_MINGW_TRIPLET}-windres)

if(NOT EXTLS_WIN_PREFIX)
  set(EXTLS_WIN_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../build-windows/deps/prefix")
endif()
get_filename_component(EXTLS_WIN_PREFIX "${EXTLS_WIN_PREFIX}" ABSOLUTE)
set(EXTLS_WIN_PREFIX "${EXTLS_WIN_PREFIX}" CACHE PATH "target libraries for the Windows build")

set(CMAKE_FIND_ROOT_PATH /usr/${EXTLS_MINGW_TRIPLET} "${EXTLS_WIN_PREFIX}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static archives only: the exe must need no DLL beyond Windows' own.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)

# pkg-config must see the target's .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "${EXTLS_WIN_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

find_program(EXTLS_WINE NAMES wine wine64)
if(EXTLS_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${EXTLS_WINE}")
endif()

# zlib from libz-mingw-w64-dev: the static archive, not the import library
# of zlib1.dll (FindZLIB would pick libz.dll.a).
if(EXISTS /usr/${EXTLS_MINGW_TRIPLET}/lib/libz.a)
  set(ZLIB_LIBRARY /usr/${EXTLS_MINGW_TRIPLET}/lib/libz.a CACHE FILEPATH "static zlib for the target")
endif()
