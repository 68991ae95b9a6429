#!/bin/sh
# The main job: install what is needed, build dpcctl, and deploy the manual's
# §7.2 cluster (1 MP, 1 SP, two BP RAFT groups of three) on the simulator,
# printing each step and the final cluster table.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDPC_BENCH=OFF >/dev/null
cmake --build build --target dpcctl -j 2
./build/cli/dpcctl deploy scenarios/topologies/local-7.2.json --backend=sim "$@"
