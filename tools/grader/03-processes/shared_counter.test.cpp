// Hidden tests for the shared_counter exercise.
#include "shared_counter.hpp"

#include "process_testing.hpp"

#include <catch.hpp>

#include <stdexcept>

using workbook::processes::count_in_processes;
using workbook::testing::no_children_left;
using workbook::testing::open_descriptors;

TEST_CASE("four processes counting together reach the exact total", "[shared_counter]") {
  const auto before = open_descriptors();
  const long total = count_in_processes(4, 250000);
  INFO("a counter each process copies stays at 0; one without atomic increments loses updates");
  CHECK(total == 1000000);
  CHECK(no_children_left());
  CHECK(open_descriptors() == before);
}

TEST_CASE("one process and tiny counts work too", "[shared_counter]") {
  CHECK(count_in_processes(1, 1000) == 1000);
  CHECK(count_in_processes(3, 0) == 0);
  CHECK(count_in_processes(8, 1) == 8);
  CHECK(no_children_left());
  CHECK_THROWS_AS(count_in_processes(0, 10), std::invalid_argument);
}

TEST_CASE("repeated runs start from zero each time", "[shared_counter]") {
  for (int run = 0; run < 5; ++run) {
    CHECK(count_in_processes(2, 50000) == 100000);
  }
  CHECK(no_children_left());
}
