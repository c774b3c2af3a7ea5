# Executables compiled by clang are linked through g++'s driver where that is
# the same link: Debian's clang++ loads libLLVM and libclang-cpp at every
# start, about 25 ms before it runs a linker, where g++ starts in a few. The
# linker (lld, see WorkbookWarnings.cmake), the C runtime start files and
# libstdc++ are the same when clang uses g++'s own GCC installation, which
# is checked here; a learner's save relinks a grader, so each save gains it.
# Not for sanitized builds: g++ would link GCC's sanitizer runtimes, not
# clang's.
option(WORKBOOK_LINK_WITH_GXX_DRIVER "Link clang's executables with g++'s quicker driver when the toolchains agree" ON)
if(WORKBOOK_LINK_WITH_GXX_DRIVER AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND WORKBOOK_SANITIZE STREQUAL ""
   AND WORKBOOK_HAVE_LLD)
  find_program(WORKBOOK_GXX NAMES g++)
  if(WORKBOOK_GXX)
    execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -v ERROR_VARIABLE clang_about OUTPUT_QUIET)
    execute_process(COMMAND "${WORKBOOK_GXX}" -print-libgcc-file-name OUTPUT_VARIABLE gxx_libgcc
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(clang_gcc "")
    if(clang_about MATCHES "Selected GCC installation: ([^\n]+)")
      file(REAL_PATH "${CMAKE_MATCH_1}" clang_gcc)
    endif()
    set(gxx_gcc "")
    if(gxx_libgcc)
      get_filename_component(gxx_gcc "${gxx_libgcc}" DIRECTORY)
      file(REAL_PATH "${gxx_gcc}" gxx_gcc)
    endif()
    if(clang_gcc AND clang_gcc STREQUAL gxx_gcc)
      set(CMAKE_CXX_LINK_EXECUTABLE
          "${WORKBOOK_GXX} <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
      message(STATUS "Linking executables with ${WORKBOOK_GXX}'s driver (clang uses its GCC, ${gxx_gcc})")
    endif()
  endif()
endif()
