# The workbook's registration functions. A chapter's CMakeLists.txt is a list
# of one-line calls:
#
#   workbook_chapter(gil "The GIL")      # once, first
#   workbook_example(gil_scaling)        # chapters/01-gil/gil_scaling.cpp
#   workbook_exercise(parallel_sum)      # exercises|solutions/01-gil/parallel_sum.hpp
#                                        # + tools/grader/01-gil/parallel_sum.test.cpp
#                                        # + tools/hints/01-gil/parallel_sum.md

include_guard(GLOBAL)

set(WORKBOOK_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
cmake_path(NORMAL_PATH WORKBOOK_ROOT)
string(REGEX REPLACE "/$" "" WORKBOOK_ROOT "${WORKBOOK_ROOT}")
# Where the book's content lives (chapters, exercises, solutions, graders,
# hints): the project itself, or a fixture workbook in the CLI's own tests.
if(NOT DEFINED WORKBOOK_CONTENT OR WORKBOOK_CONTENT STREQUAL "")
  set(WORKBOOK_CONTENT "${WORKBOOK_ROOT}")
endif()

math(EXPR WORKBOOK_TEST_TIMEOUT "${WORKBOOK_TEST_BUDGET} + 30")

# ThreadSanitizer's settings for every test: stop at the first report, and
# skip the known false positives of an uninstrumented libstdc++ (see the file);
# with clang, where llvm-symbolizer is (WorkbookSanitizers.cmake).
set(WORKBOOK_TSAN_OPTIONS
    "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${WORKBOOK_ROOT}/tools/grader/harness/tsan.supp${WORKBOOK_TSAN_SYMBOLIZER}")

# Characters Catch2 reads as test-spec syntax cannot appear in a test case's
# name: ctest runs every case by its exact name.
set(_workbook_bad_test_name_chars "[],*\\\"~")

# workbook_chapter(<label> <title>)
# Declares the chapter that the current directory (chapters/NN-topic) holds.
macro(workbook_chapter label title)
  cmake_path(GET CMAKE_CURRENT_SOURCE_DIR FILENAME WORKBOOK_CHAPTER)
  set(WORKBOOK_CHAPTER_LABEL "${label}")
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST
               "chapter\t${WORKBOOK_CHAPTER}\t${label}\t${title}")
endmacro()

function(_workbook_require_chapter what)
  if(NOT DEFINED WORKBOOK_CHAPTER)
    message(FATAL_ERROR "${what}: call workbook_chapter(<label> <title>) first")
  endif()
endfunction()

# _workbook_uses(<target> <test> <exercises...>): the program runs the named
# exercises of its chapter, included by file name ("thread_pool.hpp"), never
# by a path into solutions/: the include path is ${WORKBOOK_SOURCE}'s, so a
# learner's build runs the learner's own code and the solutions and bench
# builds run the reference. While the learner's exercise is still a stub the
# program prints "skipped: ..." (<workbook/your_code.hpp>) and ctest reports
# the test as skipped, not failed.
function(_workbook_uses target test)
  if(NOT ARGN)
    return()
  endif()
  foreach(exercise IN LISTS ARGN)
    if(NOT EXISTS "${WORKBOOK_CONTENT}/${WORKBOOK_SOURCE}/${WORKBOOK_CHAPTER}/${exercise}.hpp")
      message(FATAL_ERROR "${target} USES ${exercise}: ${WORKBOOK_SOURCE}/${WORKBOOK_CHAPTER}/${exercise}.hpp is missing")
    endif()
  endforeach()
  target_include_directories(${target} PRIVATE "${WORKBOOK_CONTENT}/${WORKBOOK_SOURCE}/${WORKBOOK_CHAPTER}")
  target_link_libraries(${target} PRIVATE workbook::support workbook::bench)
  set_tests_properties("${test}" PROPERTIES SKIP_REGULAR_EXPRESSION "skipped: this program runs on your ")
endfunction()

# workbook_example(<name> [ARGS args...] [EXPECTED_OUTPUT file] [LIBS targets...]
#                  [USES exercises...] [NO_TSAN])
# Builds chapters/NN-topic/<name>.cpp into the executable <name>, adds a
# `run_<name>` target, and a ctest test "example: <name>" (labels: the
# chapter's and `example`) that must exit 0 and, with EXPECTED_OUTPUT, print
# exactly that file's text. USES: see _workbook_uses.
function(workbook_example name)
  _workbook_require_chapter("workbook_example(${name})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_TSAN" "EXPECTED_OUTPUT" "ARGS;LIBS;USES")
  set(source "${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp")
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "workbook_example(${name}): ${source} does not exist")
  endif()
  if(TARGET ${name})
    message(FATAL_ERROR "workbook_example(${name}): the name is already taken")
  endif()
  add_executable(${name} "${source}")
  target_link_libraries(${name} PRIVATE workbook::warnings Threads::Threads ${arg_LIBS})
  add_custom_target(run_${name} COMMAND ${name} ${arg_ARGS} USES_TERMINAL
                    COMMENT "Running example ${name}")

  set(expected "")
  if(arg_EXPECTED_OUTPUT)
    set(expected "${CMAKE_CURRENT_SOURCE_DIR}/${arg_EXPECTED_OUTPUT}")
  endif()
  add_test(NAME "example: ${name}"
           COMMAND ${CMAKE_COMMAND} -D "EXECUTABLE=$<TARGET_FILE:${name}>" -D "ARGS=${arg_ARGS}"
                   -D "EXPECTED=${expected}" -P "${WORKBOOK_ROOT}/cmake/RunExample.cmake")
  set(labels "${WORKBOOK_CHAPTER_LABEL};example")
  if(arg_NO_TSAN)
    list(APPEND labels "no-tsan")
  endif()
  set_tests_properties("example: ${name}" PROPERTIES LABELS "${labels}" TIMEOUT 300)
  if(WORKBOOK_SANITIZE STREQUAL "thread")
    set_tests_properties("example: ${name}" PROPERTIES ENVIRONMENT "${WORKBOOK_TSAN_OPTIONS}")
  endif()
  _workbook_uses(${name} "example: ${name}" ${arg_USES})
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST
               "example\t${WORKBOOK_CHAPTER}\t${name}\tchapters/${WORKBOOK_CHAPTER}/${name}.cpp\t$<TARGET_FILE:${name}>")
endfunction()

# workbook_benchmark(<name> [QUICK_ARGS args...] [LIBS targets...] [USES exercises...]
#                    [NO_TSAN])
# A measuring example: chapters/NN-topic/<name>.cpp prints its figures as
# ratios measured in one run. `run_<name>` runs it in full; the ctest test
# "benchmark: <name>" (labels: the chapter's, `benchmark`) runs it with
# QUICK_ARGS, a short bounded run that proves it works. Never a timed assertion.
# It links workbook::bench (<workbook/bench.hpp>: claims, chart points, the
# chapter's Python programs, found through WORKBOOK_CHAPTER_DIR). USES: see
# _workbook_uses.
function(workbook_benchmark name)
  _workbook_require_chapter("workbook_benchmark(${name})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_TSAN" "" "QUICK_ARGS;LIBS;USES")
  set(source "${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp")
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "workbook_benchmark(${name}): ${source} does not exist")
  endif()
  add_executable(${name} "${source}")
  target_link_libraries(${name} PRIVATE workbook::warnings Threads::Threads workbook::bench ${arg_LIBS})
  target_compile_definitions(${name} PRIVATE "WORKBOOK_CHAPTER_DIR=\"${CMAKE_CURRENT_SOURCE_DIR}\"")
  add_custom_target(run_${name} COMMAND ${name} USES_TERMINAL COMMENT "Running benchmark ${name}")
  add_test(NAME "benchmark: ${name}" COMMAND ${name} ${arg_QUICK_ARGS})
  set(labels "${WORKBOOK_CHAPTER_LABEL};benchmark")
  if(arg_NO_TSAN)
    list(APPEND labels "no-tsan")
  endif()
  set_tests_properties("benchmark: ${name}" PROPERTIES LABELS "${labels}" TIMEOUT 300)
  if(WORKBOOK_SANITIZE STREQUAL "thread")
    set_tests_properties("benchmark: ${name}" PROPERTIES ENVIRONMENT "${WORKBOOK_TSAN_OPTIONS}")
  endif()
  _workbook_uses(${name} "benchmark: ${name}" ${arg_USES})
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST
               "benchmark\t${WORKBOOK_CHAPTER}\t${name}\tchapters/${WORKBOOK_CHAPTER}/${name}.cpp\t$<TARGET_FILE:${name}>")
endfunction()

# _workbook_grader_parts(<out-var> <exercise> <grader> <case-count>): the
# sources of the exercise's grader. With WORKBOOK_GRADER_PARTS above 1 the
# hidden test is compiled as that many translation units (at most one per
# test case), built in parallel and linked into one grader: split_grader
# (tools/grader/split) writes each as the test file with only its share of
# the test cases' bodies, lines and file name kept as they are.
function(_workbook_grader_parts out name grader count)
  set(parts "${WORKBOOK_GRADER_PARTS}")
  if(parts STREQUAL "auto")
    # Past four, each part's fixed cost (the test's includes and helpers) eats the gain.
    cmake_host_system_information(RESULT parts QUERY NUMBER_OF_LOGICAL_CORES)
    if(parts GREATER 4)
      set(parts 4)
    endif()
  endif()
  if(NOT parts MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "WORKBOOK_GRADER_PARTS must be a positive number or auto, not '${parts}'")
  endif()
  if(parts GREATER count)
    set(parts ${count})
  endif()
  if(parts LESS_EQUAL 1)
    set(${out} "${grader}" PARENT_SCOPE)
    return()
  endif()
  set(prefix "${CMAKE_CURRENT_BINARY_DIR}/graders/${name}")
  set(sources "")
  foreach(part RANGE 1 ${parts})
    list(APPEND sources "${prefix}.part${part}.cpp")
  endforeach()
  file(MAKE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/graders")
  add_custom_command(OUTPUT ${sources}
                     COMMAND workbook_split_grader "${grader}" ${parts} "${prefix}"
                     DEPENDS "${grader}" workbook_split_grader
                     COMMENT "Splitting the hidden test of ${name} into ${parts} parts" VERBATIM)
  # A helper that only another part's test cases use is unused in this one;
  # the whole file is checked for unused code where WORKBOOK_GRADER_PARTS is 1.
  set_source_files_properties(${sources} PROPERTIES COMPILE_OPTIONS
    "-Wno-unused-function;-Wno-unused-variable;$<$<CXX_COMPILER_ID:Clang>:-Wno-unused-member-function;-Wno-unused-const-variable;-Wno-unneeded-internal-declaration>")
  set(${out} "${sources}" PARENT_SCOPE)
endfunction()

# workbook_exercise(<name> [LIBS targets...])
# Compiles the hidden test tools/grader/NN-topic/<name>.test.cpp against
# ${WORKBOOK_SOURCE}/NN-topic/<name>.hpp into `grade_<name>`, and registers:
#  - "<name>: compiles", a ctest fixture that (re)builds the grader, so that
#    plain `ctest` grades the file as it is now and a file that does not
#    compile fails alone;
#  - one ctest test "<name>: <test case>" per Catch2 TEST_CASE, labelled with
#    the chapter's label, `exercise` and <name>.
function(workbook_exercise name)
  _workbook_require_chapter("workbook_exercise(${name})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LIBS")
  set(chapter "${WORKBOOK_CHAPTER}")
  set(stub "exercises/${chapter}/${name}.hpp")
  set(solution "solutions/${chapter}/${name}.hpp")
  set(grader "tools/grader/${chapter}/${name}.test.cpp")
  set(hints "tools/hints/${chapter}/${name}.md")
  foreach(file IN ITEMS "${stub}" "${solution}" "${grader}" "${hints}")
    if(NOT EXISTS "${WORKBOOK_CONTENT}/${file}")
      message(FATAL_ERROR "workbook_exercise(${name}): ${file} is missing (an exercise is a stub, a "
                          "solution, a hidden test and a hint file)")
    endif()
  endforeach()
  file(READ "${WORKBOOK_CONTENT}/${hints}" hint_text)
  if(NOT hint_text MATCHES "(^|\n)## Hint 1\n")
    message(FATAL_ERROR "${hints}: an exercise needs at least one hint, under the heading \"## Hint 1\"")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${WORKBOOK_CONTENT}/${hints}")
  get_property(known GLOBAL PROPERTY WORKBOOK_EXERCISES)
  if(name IN_LIST known)
    message(FATAL_ERROR "workbook_exercise(${name}): exercise names must be unique across chapters")
  endif()
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_EXERCISES "${name}")

  # The test cases, read from the source so that an exercise that does not
  # compile still shows every case it would be graded on.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${WORKBOOK_CONTENT}/${grader}")
  file(READ "${WORKBOOK_CONTENT}/${grader}" text)
  string(REGEX MATCHALL "TEST_CASE\\([ \t\r\n]*\"[^\"]*\"([ \t\r\n]*,[ \t\r\n]*\"[^\"]*\")?" cases "${text}")
  if(NOT cases)
    message(FATAL_ERROR "${grader}: no TEST_CASE(\"name\", ...) found")
  endif()
  list(LENGTH cases case_count)

  set(target grade_${name})
  _workbook_grader_parts(grader_sources ${name} "${WORKBOOK_CONTENT}/${grader}" ${case_count})
  add_executable(${target} ${grader_sources})
  # The test's own folder, for its quoted includes: a part lives in the build folder.
  target_include_directories(${target} PRIVATE "${WORKBOOK_CONTENT}/${WORKBOOK_SOURCE}/${chapter}"
                                               "${WORKBOOK_CONTENT}/tools/grader/${chapter}")
  target_link_libraries(${target} PRIVATE workbook::grader_main workbook::warnings ${arg_LIBS})
  # The precompiled header that holds the grader's libraries (see tools/grader/CMakeLists.txt).
  set(pch workbook_grader_pch)
  if("workbook::asio" IN_LIST arg_LIBS)
    set(pch workbook_grader_pch_asio)
  elseif("workbook::httplib" IN_LIST arg_LIBS)
    set(pch workbook_grader_pch_httplib)
  endif()
  target_precompile_headers(${target} REUSE_FROM ${pch})
  if(TARGET ${pch}_code)
    # -fPIC, as the header (an executable's POSITION_INDEPENDENT_CODE means -fPIE, which clang's PCH check rejects)
    target_compile_options(${target} PRIVATE -fPIC)
    target_link_libraries(${target} PRIVATE ${pch}_code)
  endif()

  add_test(NAME "${name}: compiles"
           COMMAND ${CMAKE_COMMAND} --build "${CMAKE_BINARY_DIR}" --config $<CONFIG> --target ${target})
  set_tests_properties("${name}: compiles" PROPERTIES
    FIXTURES_SETUP "compiles_${name}" RESOURCE_LOCK workbook_build TIMEOUT 600
    LABELS "${WORKBOOK_CHAPTER_LABEL};exercise;${name};compile")

  set(environment "WORKBOOK_TEST_BUDGET=${WORKBOOK_TEST_BUDGET}")
  if(WORKBOOK_EXPECT_FAILURE)
    list(APPEND environment "WORKBOOK_EXPECT_FAILURE=1")
  endif()
  if(WORKBOOK_SANITIZE STREQUAL "thread")
    list(APPEND environment "${WORKBOOK_TSAN_OPTIONS}")
  elseif(WORKBOOK_SANITIZE STREQUAL "address")
    list(APPEND environment "ASAN_OPTIONS=detect_stack_use_after_return=1:strict_init_order=1"
         "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endif()
  set(seen "")
  foreach(case IN LISTS cases)
    # A case tagged [explored] runs under the schedule explorer: label it so.
    set(case_labels "${WORKBOOK_CHAPTER_LABEL};exercise;${name}")
    if(case MATCHES "\\[explored\\]")
      list(APPEND case_labels explored)
    endif()
    string(REGEX REPLACE "^TEST_CASE\\([ \t\r\n]*\"([^\"]*)\".*$" "\\1" case "${case}")
    string(REGEX MATCH "[][,*\\\\\"~;]" bad "${case}")
    if(bad OR case STREQUAL "" OR case MATCHES "^ |^exclude:")
      message(FATAL_ERROR "${grader}: test case \"${case}\": names must not contain ${_workbook_bad_test_name_chars} or ';'")
    endif()
    if(case IN_LIST seen)
      message(FATAL_ERROR "${grader}: two test cases are named \"${case}\"")
    endif()
    list(APPEND seen "${case}")
    set(test "${name}: ${case}")
    add_test(NAME "${test}" COMMAND ${target} "${case}" --warn NoAssertions)
    set_tests_properties("${test}" PROPERTIES
      FIXTURES_REQUIRED "compiles_${name}" TIMEOUT ${WORKBOOK_TEST_TIMEOUT}
      LABELS "${case_labels}" ENVIRONMENT "${environment}")
    set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST "test\t${name}\t${test}")
  endforeach()
  # The grader itself and its cases' environment, for the CLI's one-process
  # run of every case (see Workspace::grade_in).
  string(REPLACE ";" "\t" environment_fields "${environment}")
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST
               "grader\t${name}\t$<TARGET_FILE:${target}>\t${environment_fields}")
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_MANIFEST
               "exercise\t${chapter}\t${name}\t${stub}\t${solution}\t${grader}\t${hints}")
endfunction()

# Writes ${CMAKE_BINARY_DIR}/workbook-manifest.tsv: the chapters, exercises,
# test cases and examples in book order, for the workbook's command-line tool.
function(workbook_write_manifest)
  get_property(lines GLOBAL PROPERTY WORKBOOK_MANIFEST)
  set(text "# workbook manifest: kind<TAB>fields... (generated by CMake)\n")
  string(APPEND text "build\t${WORKBOOK_SOURCE}\t${WORKBOOK_SANITIZE}\t${WORKBOOK_CONTENT}\t${WORKBOOK_ROOT}\n")
  foreach(line IN LISTS lines)
    string(APPEND text "${line}\n")
  endforeach()
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/workbook-manifest.tsv" CONTENT "${text}")
endfunction()

# workbook_fuzz(<exercise> [SECONDS n])
# A fuzz target for an exercise: tools/fuzz/NN-topic/<exercise>.fuzz.cpp,
# seeded from tools/fuzz/NN-topic/<exercise>.corpus/, built into
# `fuzz_<exercise>` against ${WORKBOOK_SOURCE} (so a learner can fuzz their
# own code). With clang it is a libFuzzer binary; with g++ it links
# tools/fuzz/random_driver.cpp, which mutates the corpus at random. Against
# the solutions (not under TSan), the ctest test "fuzz: <exercise>" (labels:
# the chapter's, `fuzz`) runs it for SECONDS (default 20).
include(CheckCXXSourceCompiles)
function(workbook_fuzz name)
  _workbook_require_chapter("workbook_fuzz(${name})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SECONDS" "")
  if(NOT arg_SECONDS)
    set(arg_SECONDS 20)
  endif()
  set(source "${WORKBOOK_CONTENT}/tools/fuzz/${WORKBOOK_CHAPTER}/${name}.fuzz.cpp")
  set(corpus "${WORKBOOK_CONTENT}/tools/fuzz/${WORKBOOK_CHAPTER}/${name}.corpus")
  set(target fuzz_${name})
  add_executable(${target} "${source}")
  target_include_directories(${target} PRIVATE "${WORKBOOK_CONTENT}/${WORKBOOK_SOURCE}/${WORKBOOK_CHAPTER}")
  target_link_libraries(${target} PRIVATE workbook::support workbook::warnings)

  if(NOT DEFINED WORKBOOK_HAS_LIBFUZZER)
    set(CMAKE_REQUIRED_QUIET ON) # the line below says which engine was found
    set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
    set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer")
    check_cxx_source_compiles([[
      #include <cstddef>
      #include <cstdint>
      extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
    ]] WORKBOOK_HAS_LIBFUZZER)
  endif()
  if(WORKBOOK_HAS_LIBFUZZER)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    workbook_link_with_compiler(${target})
    set(engine libFuzzer)
  else()
    target_sources(${target} PRIVATE "${WORKBOOK_ROOT}/tools/fuzz/random_driver.cpp")
    set(engine "random driver")
  endif()

  if(WORKBOOK_SOURCE STREQUAL "solutions" AND NOT WORKBOOK_SANITIZE STREQUAL "thread")
    # libFuzzer adds what it finds to the first directory: a scratch copy.
    set(scratch "${CMAKE_CURRENT_BINARY_DIR}/${target}.corpus")
    add_test(NAME "fuzz: ${name}"
             COMMAND $<TARGET_FILE:${target}> -max_total_time=${arg_SECONDS} -seed=1 -print_final_stats=1
                     "${scratch}" "${corpus}")
    set_tests_properties("fuzz: ${name}" PROPERTIES LABELS "${WORKBOOK_CHAPTER_LABEL};fuzz"
                                                    TIMEOUT ${arg_SECONDS}0)
    file(MAKE_DIRECTORY "${scratch}")
  endif()
  message(STATUS "Workbook: fuzz_${name} uses ${engine}")
endfunction()
