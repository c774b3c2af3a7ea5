// One include for the hidden tests, whichever Catch2 the system has:
// v3 (split headers, compiled library) or v2.13 (Debian 12, single header).
// CMake defines WORKBOOK_CATCH2_MAJOR from the package it found.
#pragma once

#ifndef WORKBOOK_CATCH2_MAJOR
#error "WORKBOOK_CATCH2_MAJOR is set by the workbook's CMake (cmake/WorkbookDependencies.cmake)"
#endif

#if WORKBOOK_CATCH2_MAJOR >= 3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
