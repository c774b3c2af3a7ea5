# Checks that the chapter quotes a program's expected output to the letter:
# the fenced block after "<!-- not compiled: output of NAME -->" in
# README.md must equal NAME.expected.
# Usage: cmake -DCHAPTER=<dir> -DNAME=<program> -P output_in_text.cmake
file(READ "${CHAPTER}/README.md" text)
file(READ "${CHAPTER}/${NAME}.expected" expected)
set(marker "<!-- not compiled: output of ${NAME} -->\n```text\n")
string(FIND "${text}" "${marker}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not quote the output of ${NAME}")
endif()
string(LENGTH "${marker}" marker_length)
math(EXPR start "${at} + ${marker_length}")
string(SUBSTRING "${text}" ${start} -1 rest)
string(FIND "${rest}" "```" end)
string(SUBSTRING "${rest}" 0 ${end} quoted)
if(NOT quoted STREQUAL expected)
  message(FATAL_ERROR "README.md quotes an output of ${NAME} that is not ${NAME}.expected:\n${quoted}\n---\n${expected}")
endif()
