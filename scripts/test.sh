#!/bin/sh
# The whole test suite: install what is needed, build warning-free
# (-Wall -Wextra -Werror), run every test with CTest (unit, golden, scenario
# and CLI tests), then build and run the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer. .ci/run calls exactly this.
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

cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDPC_WERROR=ON -DDPC_SANITIZE=ON -DDPC_BENCH=OFF $launcher
cmake --build build/asan -j "$jobs" --target unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j "$jobs" -L unit --output-on-failure
