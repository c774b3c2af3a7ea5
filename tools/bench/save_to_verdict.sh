#!/usr/bin/env bash
# bench-limit: 330
# The learner's wait from saving an exercise to reading its grade (normal
# grade, then with ThreadSanitizer's), medians over ten saves. The fresh-clone
# time to the first table is left to `tools/cli/bench/save_to_verdict.sh` run
# alone: a second clone and build would not fit the bench's ten minutes.
exec bash tools/cli/bench/save_to_verdict.sh --saves 10 --no-fresh-clone
