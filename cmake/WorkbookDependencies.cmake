# Every dependency comes from the system (Debian's packages, Homebrew, ...).
# Nothing is downloaded at build time: ./workbook installs what is missing.

find_package(Threads REQUIRED)

# --- Catch2: v3 (a compiled library) on new distributions, v2.13 (one header)
# on Debian 12. tools/grader/harness/catch.hpp hides the difference.
find_package(Catch2 3 QUIET CONFIG)
if(Catch2_FOUND)
  set(WORKBOOK_CATCH2_MAJOR 3)
else()
  find_package(Catch2 2.13 REQUIRED CONFIG)
  set(WORKBOOK_CATCH2_MAJOR 2)
endif()
message(STATUS "Workbook: Catch2 ${Catch2_VERSION} (major ${WORKBOOK_CATCH2_MAJOR})")

# --- Standalone Asio: header-only; an INTERFACE target with the definitions
# the workbook relies on.
find_path(WORKBOOK_ASIO_INCLUDE_DIR asio.hpp PATH_SUFFIXES include)
if(NOT WORKBOOK_ASIO_INCLUDE_DIR)
  message(FATAL_ERROR "Standalone Asio (asio.hpp) not found: install libasio-dev (Debian), asio (Homebrew/Fedora: asio-devel)")
endif()
add_library(workbook_asio INTERFACE)
add_library(workbook::asio ALIAS workbook_asio)
target_include_directories(workbook_asio SYSTEM INTERFACE "${WORKBOOK_ASIO_INCLUDE_DIR}")
target_compile_definitions(workbook_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
# Asio 1.22 looks for clang's coroutines in <experimental/coroutine>, which
# libstdc++ does not have; clang 14 with -std=c++20 supports <coroutine>.
target_compile_definitions(workbook_asio INTERFACE $<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1>)
target_link_libraries(workbook_asio INTERFACE Threads::Threads)

# --- cpp-httplib: its CMake package if present; else pkg-config (Debian ships
# a compiled library plus header); else the bare header.
add_library(workbook_httplib INTERFACE)
add_library(workbook::httplib ALIAS workbook_httplib)
find_package(httplib CONFIG QUIET)
if(TARGET httplib::httplib)
  target_link_libraries(workbook_httplib INTERFACE httplib::httplib)
  set(_workbook_httplib_how "CMake package")
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(WORKBOOK_HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
  endif()
  if(TARGET PkgConfig::WORKBOOK_HTTPLIB)
    target_link_libraries(workbook_httplib INTERFACE PkgConfig::WORKBOOK_HTTPLIB)
    set(_workbook_httplib_how "pkg-config")
  else()
    find_path(WORKBOOK_HTTPLIB_INCLUDE_DIR httplib.h)
    if(NOT WORKBOOK_HTTPLIB_INCLUDE_DIR)
      message(FATAL_ERROR "cpp-httplib not found: install libcpp-httplib-dev (Debian), cpp-httplib (Homebrew/Fedora)")
    endif()
    target_include_directories(workbook_httplib SYSTEM INTERFACE "${WORKBOOK_HTTPLIB_INCLUDE_DIR}")
    set(_workbook_httplib_how "header only")
  endif()
endif()
target_link_libraries(workbook_httplib INTERFACE Threads::Threads)
message(STATUS "Workbook: cpp-httplib via ${_workbook_httplib_how}")

# --- pugixml: the CLI reads ctest's JUnit XML with it (a real XML reader:
# entities, character references, CDATA and comments, which a hand-written
# scanner gets wrong at the edges). Its CMake package, else pkg-config.
add_library(workbook_pugixml INTERFACE)
add_library(workbook::pugixml ALIAS workbook_pugixml)
find_package(pugixml CONFIG QUIET)
if(TARGET pugixml::pugixml)
  target_link_libraries(workbook_pugixml INTERFACE pugixml::pugixml)
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(WORKBOOK_PUGIXML QUIET IMPORTED_TARGET pugixml)
  endif()
  if(NOT TARGET PkgConfig::WORKBOOK_PUGIXML)
    message(FATAL_ERROR "pugixml not found: install libpugixml-dev (Debian), pugixml (Homebrew), pugixml-devel (Fedora)")
  endif()
  target_link_libraries(workbook_pugixml INTERFACE PkgConfig::WORKBOOK_PUGIXML)
endif()

# --- Doxygen: optional; the docs target exists only when it is found.
find_package(Doxygen QUIET OPTIONAL_COMPONENTS dot)
