# Warnings every workbook target compiles with: an INTERFACE target to link.
add_library(workbook_warnings INTERFACE)
add_library(workbook::warnings ALIAS workbook_warnings)
target_compile_options(workbook_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wold-style-cast)
if(WORKBOOK_WARNINGS_AS_ERRORS)
  target_compile_options(workbook_warnings INTERFACE -Werror)
endif()

# A faster linker shortens the learner's edit-grade loop (each grader links
# Catch2's runner); used only when the toolchain accepts it.
include(CheckLinkerFlag)
option(WORKBOOK_USE_LLD "Link with lld when the compiler supports it" ON)
if(WORKBOOK_USE_LLD)
  check_linker_flag(CXX "-fuse-ld=lld" WORKBOOK_HAVE_LLD)
  if(WORKBOOK_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
