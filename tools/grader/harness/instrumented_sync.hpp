// The real-thread policy of the hidden tests: workbook::std_sync with the
// instrumented condition variable (instrumented_cv.hpp), so that a test on
// real threads can count blocked waiters, inject spurious wakeups and let a
// woken thread run before its notifier goes on.
#pragma once

#include "instrumented_cv.hpp"

#include <workbook/sync.hpp>

namespace workbook::testing {

struct InstrumentedSync : workbook::std_sync {
  using condition_variable = InstrumentedConditionVariable;
  using condition_variable_any = InstrumentedConditionVariable;
};

} // namespace workbook::testing
