# Runs one example for ctest: it must exit 0 and, when EXPECTED names a file,
# print exactly that text on standard output.
#   cmake -D EXECUTABLE=... -D ARGS=... -D EXPECTED=... -P RunExample.cmake
execute_process(COMMAND "${EXECUTABLE}" ${ARGS}
                OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
message("${output}")
if(errors)
  message("--- stderr ---\n${errors}")
endif()
if(NOT status STREQUAL "0")
  message(FATAL_ERROR "example ${EXECUTABLE} ended with status ${status}")
endif()
if(EXPECTED)
  file(READ "${EXPECTED}" expected_text)
  if(NOT output STREQUAL expected_text)
    file(WRITE "${EXECUTABLE}.actual.txt" "${output}")
    message(FATAL_ERROR "example output differs from ${EXPECTED}; "
                        "the output was saved to ${EXECUTABLE}.actual.txt:\n"
                        "  diff -u ${EXPECTED} ${EXECUTABLE}.actual.txt")
  endif()
endif()
