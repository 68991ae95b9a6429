# `dpcctl explore` end to end: exit codes 0 / 2, the summary, shards, and a
# printed schedule that `dpcctl scenario run` replays; and the bounded default
# trace of `dpcctl deploy` on the simulator.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/explore_cli.cmake
# from the source tree (it reads scenarios/).

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})

run(0 explore scenarios/topologies/local-7.2.json --runs 40 --jobs 2 --out ${WORKDIR}/out)
expect_in("${out}" "40 runs (seeds 1.., shard 1/1), 40 passed, 0 failed")
expect_in("${out}" "faults: crash-host=")

# A scenario's setup, one shard of three.
run(0 explore scenarios/leader-crash-failover.json --runs 30 --shard 2/3 --out ${WORKDIR}/out)
expect_in("${out}" "10 runs (seeds 1.., shard 2/3), 10 passed")

# The schedule of one seed, as a file that `scenario run` replays.
run(0 explore scenarios/topologies/local-7.2.json --print 7)
file(WRITE ${WORKDIR}/seed7.json "${out}")
run(0 scenario run ${WORKDIR}/seed7.json)
expect_in("${out}" "1 passed, 0 failed")

# Usage errors and invalid files: exit 2, naming the problem.
run(2 explore scenarios/topologies/local-7.2.json --shard 3/2)
expect_in("${err}" "--shard takes K/N")
run(2 explore scenarios/topologies/local-7.2.json --runs 0)
run(2 explore ${WORKDIR}/missing.json)
expect_in("${err}" "missing.json")

# `dpcctl deploy` keeps only the trace's tail unless --trace asks for all of it;
# the hash covers every event either way.
# Each deploy is a fresh cluster in a state directory of its own.
file(REMOVE_RECURSE ${WORKDIR}/bounded.sim ${WORKDIR}/full.sim)
run(0 deploy scenarios/topologies/local-7.2.json --backend=sim --seed 3 --state-dir ${WORKDIR}/bounded.sim)
string(REGEX MATCH "trace hash [0-9a-f]+" bounded "${out}")
run(0 deploy scenarios/topologies/local-7.2.json --backend=sim --seed 3 --state-dir ${WORKDIR}/full.sim
    --trace ${WORKDIR}/trace.txt)
string(REGEX MATCH "trace hash [0-9a-f]+" full "${out}")
if(bounded STREQUAL "" OR NOT bounded STREQUAL full)
  message(FATAL_ERROR "deploy without --trace printed '${bounded}', with it '${full}'")
endif()
file(STRINGS ${WORKDIR}/trace.txt lines)
list(LENGTH lines n)
if(n LESS 100)
  message(FATAL_ERROR "--trace wrote ${n} lines; expected the whole trace")
endif()
