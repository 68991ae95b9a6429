# The life of a simulated cluster as a DBA drives it, each command a separate
# dpcctl process sharing only the state directory: deploy, kill BP11, status
# (BP11 DOWN, the new leader), stop, status (everything DOWN), deploy (refused,
# names start), start, status (healthy, no database initialised again),
# scenario record (the session as a scenario, which then passes), destroy --yes.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/lifecycle_cli.cmake
# from the source tree (it reads scenarios/topologies/).

set(TOPO ${CMAKE_CURRENT_LIST_DIR}/../scenarios/topologies/local-7.2.json)
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(STATE ${WORKDIR}/state)

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)
set(RUN_AFTER --state-dir ${STATE})

run(0 deploy ${TOPO} --backend=sim --seed 5)
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")
run(2 deploy ${TOPO} --seed 6)
expect_in("${err}" "deployed with seed 5")

# One command at a time: while another holds the state directory's lock, a command refuses.
find_program(FLOCK flock)
if(FLOCK)
  execute_process(COMMAND ${FLOCK} ${STATE}/lock ${DPCCTL} status ${TOPO} --state-dir ${STATE}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 1)
    message(FATAL_ERROR "a locked state directory: exit ${code}, expected 1\n${out}${err}")
  endif()
  expect_in("${err}" "is in use by another dpcctl run")
endif()

run(0 kill ${TOPO} BP11)
expect_in("${out}" "BP11 was the leader of RAFT_1; the new leader is BP12")

run(1 status ${TOPO})
expect_match("${out}" "BP11 +BP +RAFT_1 +DOWN")
expect_in("${out}" "RAFT_1: leader BP12, term 2")
expect_in("${out}" "degraded (BP11 DOWN)")

run(1 stop ${TOPO} -R MP)
expect_in("${err}" "refusing to stop the MP")

run(0 stop ${TOPO})
expect_in("${out}" "every instance has stopped")

run(1 status ${TOPO} --json)
foreach(name MP SP1 BP11 BP12 BP13 BP21 BP22 BP23)
  expect_in("${out}" "\"instance\":\"${name}\",\"lag\":\"-\",\"leader\":\"-\",\"mode\":\"-\",\"raft\"")
endforeach()
expect_in("${out}" "\"healthy\":false")

run(1 deploy ${TOPO})
expect_in("${err}" "Run 'dpcctl start'")

run(0 start ${TOPO})
expect_in("${out}" "the cluster is up and healthy")

run(0 status ${TOPO} --trace ${WORKDIR}/trace.txt)
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")
expect_match("${out}" "BP11 +BP +RAFT_1 +RUNNING")
# The same databases: dminit ran once per instance, at the first deploy only.
file(STRINGS ${WORKDIR}/trace.txt inits REGEX "tool\\.dminit")
list(LENGTH inits n)
if(NOT n EQUAL 8)
  message(FATAL_ERROR "expected 8 dminit runs in the whole history, found ${n}")
endif()

# The session as a scenario, which replays and passes.
run(0 scenario record ${TOPO} --out ${WORKDIR}/session.json)
execute_process(COMMAND ${DPCCTL} scenario run ${WORKDIR}/session.json
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the recorded scenario failed: ${out}${err}")
endif()

run(2 destroy ${TOPO})
expect_in("${err}" "add --yes")
run(0 destroy ${TOPO} --yes)
expect_in("${out}" "removed BP11's directory")
if(EXISTS ${STATE}/sim-history.txt)
  message(FATAL_ERROR "destroy left the history")
endif()
run(1 status ${TOPO})
expect_in("${err}" "no simulated cluster local-7.2")
