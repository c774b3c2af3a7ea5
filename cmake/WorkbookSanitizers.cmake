# WORKBOOK_SANITIZE applies to every target of the build, so that the
# runtime (TSan in particular) sees all of the code it must instrument.
if(WORKBOOK_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # Asio's reference counts use std::atomic_thread_fence, which GCC warns
  # TSan does not model; the tests are run under TSan regardless.
  add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # At -g1 clang keeps no linkage names, so every inlined frame (a lambda's
    # call operator, most often) would be named "operator()" alone, without
    # its function or class; this flag keeps them, at no compile time measured.
    add_compile_options(-fdebug-info-for-profiling)
    # clang's runtime symbolizes with llvm-symbolizer only: Workbook.cmake
    # passes its path to every test, so that PATH does not matter.
    include(WorkbookClangTsan)
    workbook_find_llvm_symbolizer("${CMAKE_CXX_COMPILER}")
    if(WORKBOOK_LLVM_SYMBOLIZER)
      set(WORKBOOK_TSAN_SYMBOLIZER ":external_symbolizer_path=${WORKBOOK_LLVM_SYMBOLIZER}")
    else()
      message(WARNING "ThreadSanitizer with ${CMAKE_CXX_COMPILER} but no llvm-symbolizer (Debian: llvm): "
                      "its reports will name no function, file or line. Install it, or build with g++.")
    endif()
  endif()
elseif(WORKBOOK_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  # clang 14's -fsanitize=function breaks its coroutine code generation
  # ("Cannot represent a difference across sections"); keep the other checks.
  add_compile_options($<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
  add_link_options(-fsanitize=address,undefined)
elseif(NOT WORKBOOK_SANITIZE STREQUAL "")
  message(FATAL_ERROR "WORKBOOK_SANITIZE must be empty, 'thread' or 'address', not '${WORKBOOK_SANITIZE}'")
endif()
