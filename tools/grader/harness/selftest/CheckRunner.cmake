# Runs one harness test case and checks how the runner ended.
#   cmake -D RUNNER=... -D CASE=... -D EXPECT_STATUS=... [-D EXPECT_OUTPUT=regex]
#         [-D REJECT_OUTPUT=regex] [-D EXPECT_FAILURE=1] [-D BUDGET=seconds] -P CheckRunner.cmake
set(ENV{WORKBOOK_TEST_BUDGET} "${BUDGET}")
if(EXPECT_FAILURE)
  set(ENV{WORKBOOK_EXPECT_FAILURE} "1")
else()
  unset(ENV{WORKBOOK_EXPECT_FAILURE})
endif()
execute_process(COMMAND "${RUNNER}" "${CASE}" --warn NoAssertions
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status TIMEOUT 60)
if(NOT status STREQUAL EXPECT_STATUS)
  message(FATAL_ERROR "\"${CASE}\": expected status ${EXPECT_STATUS}, got ${status}\n${out}\n${err}")
endif()
if(EXPECT_OUTPUT AND NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "\"${CASE}\": output does not match \"${EXPECT_OUTPUT}\":\n${out}\n${err}")
endif()
if(REJECT_OUTPUT AND "${out}${err}" MATCHES "${REJECT_OUTPUT}")
  message(FATAL_ERROR "\"${CASE}\": output matches \"${REJECT_OUTPUT}\", which it must not:\n${out}\n${err}")
endif()
message(STATUS "\"${CASE}\": status ${status} as expected")
