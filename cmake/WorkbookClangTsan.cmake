# Whether clang++ can build a ThreadSanitizer grade as well as g++ does. It is
# a little quicker (a grader rebuilt after a save: about 0.9 of g++ 12's
# processor time for parallel_sum, the same for thread_pool) and names every
# inlined frame of a report in full, but it needs two things g++ does not:
# its TSan runtime (Debian: libclang-rt-dev), and llvm-symbolizer, since
# clang's runtime has no symbolizer of its own and a report without one
# names no function, file or line.
#
# The top-level CMakeLists.txt asks before project(), where the compiler is
# still to be chosen and try_compile() cannot run yet (no language is
# enabled): so the probe calls the compiler itself.
include_guard(GLOBAL)

# Sets the cache entry WORKBOOK_LLVM_SYMBOLIZER: the symbolizer of the
# compiler's own LLVM first (clang++ -> /usr/lib/llvm-14/bin), then any.
function(workbook_find_llvm_symbolizer compiler)
  file(REAL_PATH "${compiler}" real)
  cmake_path(GET real PARENT_PATH bin)
  find_program(WORKBOOK_LLVM_SYMBOLIZER
               NAMES llvm-symbolizer llvm-symbolizer-17 llvm-symbolizer-16 llvm-symbolizer-15 llvm-symbolizer-14
               NAMES_PER_DIR HINTS "${bin}"
               DOC "llvm-symbolizer, which names the source lines in a clang-built ThreadSanitizer report")
endfunction()

# workbook_clang_tsan_usable(<clang++> <out>): <out> is TRUE when <clang++>
# builds a -fsanitize=thread program and llvm-symbolizer is found; else FALSE,
# with a status line that says what to install.
function(workbook_clang_tsan_usable clangxx out)
  set(${out} FALSE PARENT_SCOPE)
  set(why "")
  workbook_find_llvm_symbolizer("${clangxx}")
  if(NOT WORKBOOK_LLVM_SYMBOLIZER)
    set(why "llvm-symbolizer is not installed (Debian: llvm), and without it a report names no source line")
  elseif(NOT WORKBOOK_CLANG_TSAN_LINKS STREQUAL clangxx) # probed once per compiler
    set(dir "${CMAKE_BINARY_DIR}/CMakeFiles/WorkbookClangTsan")
    file(WRITE "${dir}/probe.cpp"
         "#include <thread>\nint main() {\n  int x = 0;\n  std::thread t([&x] { x = 1; });\n"
         "  t.join();\n  return x - 1;\n}\n")
    execute_process(COMMAND "${clangxx}" -std=c++20 -fsanitize=thread -pthread "${dir}/probe.cpp" -o
                            "${dir}/probe"
                    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(status EQUAL 0)
      set(WORKBOOK_CLANG_TSAN_LINKS "${clangxx}" CACHE INTERNAL "clang++ that linked a -fsanitize=thread program")
    else()
      string(REGEX MATCH "^[^\n]*" first_error "${output}") # the linker names what is missing
      set(why "it cannot build a -fsanitize=thread program (its runtime: Debian's libclang-rt-dev): ${first_error}")
    endif()
  endif()
  if(why STREQUAL "")
    message(STATUS "Workbook: ThreadSanitizer build with ${clangxx} (symbolizer ${WORKBOOK_LLVM_SYMBOLIZER})")
    set(${out} TRUE PARENT_SCOPE)
  else()
    message(STATUS "Workbook: ThreadSanitizer build with the default compiler, not ${clangxx}: ${why}")
  endif()
endfunction()
