# Fails the docs build when Doxygen wrote any warning: the site must build
# cleanly (Doxygen's own FAIL_ON_WARNINGS misses some reference errors).
file(READ "${LOG}" warnings)
string(STRIP "${warnings}" warnings)
if(NOT warnings STREQUAL "")
  message(FATAL_ERROR "Doxygen warnings (${LOG}):\n${warnings}")
endif()
message(STATUS "Doxygen: 0 warnings")
