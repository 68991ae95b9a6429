#!/bin/sh
# The whole test suite: install what is needed, build warning-free
# (-Wall -Wextra -Werror), run every test with CTest (unit, golden, scenario
# and CLI tests), then build with clang under AddressSanitizer +
# UndefinedBehaviorSanitizer and run the tests again there (all but the
# multi-host and browser ones), replay the fuzz corpora and fuzz each input
# reader for a bounded time (docs/fuzzing.md). .ci/run calls exactly this.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=${DPC_JOBS:-2}
# ccache (scripts/packages.txt) keyed on paths relative to the clone, so a
# fresh clone elsewhere reuses what an earlier build compiled.
launcher=""
if command -v ccache >/dev/null 2>&1; then
  launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
  export CCACHE_BASEDIR="$(pwd)" CCACHE_NOHASHDIR=1
fi

cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDPC_WERROR=ON $launcher
cmake --build build/ci -j "$jobs"
ctest --test-dir build/ci -j "$jobs" --output-on-failure

# The sanitizer stage: clang with AddressSanitizer + UndefinedBehaviorSanitizer
# and the libFuzzer targets, in one tree. Every test runs there but the
# multi-host rig (root, network namespaces: run once in the stage above), the
# browser tests (Chromium drives a server; nothing of dpcctl's own runs in the
# browser) and the benchmarks (not built); label fuzz replays each fuzz target's
# committed corpus. It is configured without ../shared (DPC_SHARED_DIR names a
# directory that does not exist), as a user's clone is: the tests read the
# manual's facts from tests/fixtures/manual/.
if [ -f build/asan/CMakeCache.txt ] && ! grep -q 'CMAKE_CXX_COMPILER:[A-Z]*=.*clang' build/asan/CMakeCache.txt; then
  rm -rf build/asan  # configured with another compiler by an older version of this script
fi
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDPC_WERROR=ON -DDPC_SANITIZE=ON -DDPC_FUZZ=ON \
  -DDPC_BENCH=OFF -DCMAKE_CXX_COMPILER=clang++ -DDPC_SHARED_DIR="$(pwd)/build/no-shared" $launcher
cmake --build build/asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan -j "$jobs" -LE 'multihost|browser|bench' --output-on-failure

# Each fuzz target for a bounded time, one after the other, from its committed
# corpus (and the example files for the JSON readers). New inputs go to
# build/asan/fuzz-work/<target>/, a crash to build/asan/fuzz-work/crash-*; a
# crash, a leak, a sanitizer report or a slow input fails the script.
fuzz_seconds=${DPC_FUZZ_SECONDS:-40}
for t in topology scenario sql ini; do
  work=build/asan/fuzz-work
  mkdir -p "$work/$t"
  extra=""
  case $t in
    topology) extra=scenarios/topologies ;;
    scenario) extra=scenarios ;;
  esac
  echo "fuzzing $t for ${fuzz_seconds}s"
  build/asan/tests/fuzz/fuzz_$t -max_total_time="$fuzz_seconds" -max_len=4096 -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/$t" "tests/fuzz/corpus/$t" $extra 2>"$work/$t.log" || {
    tail -n 60 "$work/$t.log"
    echo "fuzz_$t failed: the input is in $work/ (replay: build/asan/tests/fuzz/fuzz_$t FILE)" >&2
    exit 1
  }
  tail -n 12 "$work/$t.log" | grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' || true
done
