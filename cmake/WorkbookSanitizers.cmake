# WORKBOOK_SANITIZE applies to every target of the build, so that the
# runtime (TSan in particular) sees all of the code it must instrument.
if(WORKBOOK_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(WORKBOOK_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(NOT WORKBOOK_SANITIZE STREQUAL "")
  message(FATAL_ERROR "WORKBOOK_SANITIZE must be empty, 'thread' or 'address', not '${WORKBOOK_SANITIZE}'")
endif()
