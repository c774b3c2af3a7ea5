// The precompiled header of the graders that use cpp-httplib (their LIBS
// name workbook::httplib): the common one and httplib.h.
#pragma once

#include "pch.hpp"

#include <httplib.h>
