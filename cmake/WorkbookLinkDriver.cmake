# Executables compiled by clang are linked through g++'s driver where that is
# the same link: Debian's clang++ loads libLLVM and libclang-cpp at every
# start, about 25 ms before it runs a linker, where g++ starts in a few. The
# linker (lld, see WorkbookWarnings.cmake), the C runtime start files and
# libstdc++ are the same when clang uses g++'s own GCC installation and the
# build's flags mean the same to both, which is checked here once per
# compiler and flags; a learner's save relinks a grader, so each save gains
# it. Not for sanitized builds, nor for a target that links a sanitizer or
# libFuzzer itself (see workbook_link_with_compiler): g++ would link GCC's
# runtimes, or none, not clang's.
option(WORKBOOK_LINK_WITH_GXX_DRIVER "Link clang's executables with g++'s quicker driver when the toolchains agree" ON)

# Sets `out` to TRUE when g++ links what clang compiles, with `flags`, into a
# program that runs.
function(_workbook_gxx_links_clang out gxx flags)
  set(${out} FALSE PARENT_SCOPE)
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -v ERROR_VARIABLE clang_about OUTPUT_QUIET)
  execute_process(COMMAND "${gxx}" -print-libgcc-file-name OUTPUT_VARIABLE gxx_libgcc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT clang_about MATCHES "Selected GCC installation: ([^\n]+)" OR NOT gxx_libgcc)
    return()
  endif()
  file(REAL_PATH "${CMAKE_MATCH_1}" clang_gcc)
  get_filename_component(gxx_gcc "${gxx_libgcc}" DIRECTORY)
  file(REAL_PATH "${gxx_gcc}" gxx_gcc)
  if(NOT clang_gcc STREQUAL gxx_gcc)
    return()
  endif()
  # The same GCC; and the flags (a -stdlib=libc++ among them would differ).
  set(probe "${CMAKE_BINARY_DIR}/CMakeFiles/workbook-link-driver")
  file(MAKE_DIRECTORY "${probe}")
  file(WRITE "${probe}/probe.cpp" "#include <string>\nint main() { return std::string(\"ok\").size() == 2 ? 0 : 1; }\n")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" ${flags} -c probe.cpp -o probe.o WORKING_DIRECTORY "${probe}"
                  RESULT_VARIABLE compiled OUTPUT_QUIET ERROR_QUIET)
  if(NOT compiled EQUAL 0)
    return()
  endif()
  execute_process(COMMAND "${gxx}" ${flags} -fuse-ld=lld probe.o -o probe WORKING_DIRECTORY "${probe}"
                  RESULT_VARIABLE linked OUTPUT_QUIET ERROR_QUIET)
  if(NOT linked EQUAL 0)
    return()
  endif()
  execute_process(COMMAND "${probe}/probe" RESULT_VARIABLE ran OUTPUT_QUIET ERROR_QUIET)
  if(ran EQUAL 0)
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

if(WORKBOOK_LINK_WITH_GXX_DRIVER AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND WORKBOOK_SANITIZE STREQUAL ""
   AND WORKBOOK_HAVE_LLD)
  find_program(WORKBOOK_GXX NAMES g++)
  if(WORKBOOK_GXX)
    set(asked "${CMAKE_CXX_COMPILER}|${WORKBOOK_GXX}|${CMAKE_CXX_FLAGS}")
    if(NOT WORKBOOK_GXX_LINKS_ASKED STREQUAL asked)
      _workbook_gxx_links_clang(links "${WORKBOOK_GXX}" "${CMAKE_CXX_FLAGS}")
      set(WORKBOOK_GXX_LINKS "${links}" CACHE INTERNAL "g++ links what clang compiles")
      set(WORKBOOK_GXX_LINKS_ASKED "${asked}" CACHE INTERNAL "the compilers and flags WORKBOOK_GXX_LINKS is for")
    endif()
    if(WORKBOOK_GXX_LINKS)
      set(CMAKE_CXX_LINK_EXECUTABLE
          "${WORKBOOK_GXX} <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
      set(WORKBOOK_LINKS_WITH_GXX TRUE)
      message(STATUS "Linking executables with ${WORKBOOK_GXX}'s driver (clang uses its GCC installation)")
    endif()
  endif()
endif()

# workbook_link_with_compiler(<target>)
# Links <target> with the compiler's own driver even where the others are
# linked by g++: for a target whose link options name a runtime of clang's
# (-fsanitize=thread, -fsanitize=fuzzer). The rule stays the global one; a
# link launcher (RULE_LAUNCH_LINK) replaces its first word, g++, by the
# compiler.
function(workbook_link_with_compiler target)
  if(NOT WORKBOOK_LINKS_WITH_GXX)
    return()
  endif()
  set(launcher "${CMAKE_BINARY_DIR}/CMakeFiles/workbook-link-with-compiler.sh")
  file(CONFIGURE OUTPUT "${launcher}" @ONLY
       CONTENT "#!/bin/sh\n# Runs a link command with @CMAKE_CXX_COMPILER@ in place of its first word.\nshift\nexec \"@CMAKE_CXX_COMPILER@\" \"$@\"\n")
  set_target_properties(${target} PROPERTIES RULE_LAUNCH_LINK "/bin/sh ${launcher}")
endfunction()
