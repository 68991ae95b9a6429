#!/bin/sh
# The main job: install what is needed, build dpcctl, and deploy the manual's
# §7.2 cluster (1 MP, 1 SP, two BP RAFT groups of three) on the simulator,
# printing each step and the final cluster table. The simulated cluster is
# kept in .dpcctl/local-7.2.sim, so `dpcctl status|kill|stop|start ...` on
# scenarios/topologies/local-7.2.json act on it afterwards; a second run of
# this script destroys the previous demo cluster first and deploys afresh.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
launcher=""
if command -v ccache >/dev/null 2>&1; then
  launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
  export CCACHE_BASEDIR="$(pwd)" CCACHE_NOHASHDIR=1
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDPC_BENCH=OFF $launcher >/dev/null
cmake --build build --target dpcctl -j 2
topology=scenarios/topologies/local-7.2.json
if [ -d .dpcctl/local-7.2.sim ]; then
  echo "demo: a simulated local-7.2 cluster from an earlier run exists; destroying it to deploy afresh"
  ./build/cli/dpcctl destroy "$topology" --backend=sim --yes >/dev/null
fi
./build/cli/dpcctl deploy "$topology" --backend=sim "$@"
echo
echo "demo: the simulated cluster lives on; try"
echo "  build/cli/dpcctl kill $topology BP11     # the leader of RAFT_1 dies; BP12 or BP13 takes over"
echo "  build/cli/dpcctl status $topology"
echo "  build/cli/dpcctl stop $topology && build/cli/dpcctl start $topology"
