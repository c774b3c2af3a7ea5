# Warnings every workbook target compiles with: an INTERFACE target to link.
add_library(workbook_warnings INTERFACE)
add_library(workbook::warnings ALIAS workbook_warnings)
target_compile_options(workbook_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wold-style-cast)
if(WORKBOOK_WARNINGS_AS_ERRORS)
  target_compile_options(workbook_warnings INTERFACE -Werror)
endif()
