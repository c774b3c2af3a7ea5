# WORKBOOK_SANITIZE applies to every target of the build, so that the
# runtime (TSan in particular) sees all of the code it must instrument.
if(WORKBOOK_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # Asio's reference counts use std::atomic_thread_fence, which GCC warns
  # TSan does not model; the tests are run under TSan regardless.
  add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
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
