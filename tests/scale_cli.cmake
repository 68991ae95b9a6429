# Growing and reshaping a simulated cluster with the dpcctl binary, end to end: the manual's §7.2
# cluster (local-7.2) is deployed, grown by a third BP RAFT group and a second SP with scale-out,
# BP13 is converted to a shadow replica and back, SP2 is removed with scale-in; after each step
# `status` is healthy and `stop` / `start` cover exactly the instances of the topology.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/scale_cli.cmake
# from the source tree (it reads scenarios/topologies/).

set(T scenarios/topologies)
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(STATE --state-dir ${WORKDIR}/state)

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)
set(RUN_AFTER ${STATE})

# `status --json` lists exactly `names` (in any order), every one in `state`.
function(expect_instances file state expected_code)
  run(${expected_code} status ${file} --json)
  string(JSON n LENGTH "${out}" instances)
  list(LENGTH ARGN want)
  if(NOT n EQUAL want)
    message(FATAL_ERROR "status lists ${n} instances, the topology ${want}:\n${out}")
  endif()
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${out}" instances ${i} instance)
    string(JSON st GET "${out}" instances ${i} state)
    list(FIND ARGN "${name}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "status lists ${name}, which is not in the topology")
    endif()
    if(NOT st STREQUAL state)
      message(FATAL_ERROR "${name} is ${st}, expected ${state}:\n${out}")
    endif()
  endforeach()
endfunction()

# Healthy, then stop: every instance DOWN, then start: every instance RUNNING and healthy.
function(cycle file)
  expect_instances(${file} RUNNING 0 ${ARGN})
  run(0 stop ${file})
  expect_in("${out}" "every instance exited normally (no HALT)")
  expect_instances(${file} DOWN 1 ${ARGN})
  run(0 start ${file})
  expect_in("${out}" "the cluster is up and healthy")
  expect_instances(${file} RUNNING 0 ${ARGN})
endfunction()

set(base MP SP1 BP11 BP12 BP13 BP21 BP22 BP23)
set(grown ${base} SP2 BP31 BP32 BP33)
set(shrunk ${base} BP31 BP32 BP33)

run(0 deploy ${T}/local-7.2.json)
cycle(${T}/local-7.2.json ${base})

# An edited file not yet applied: commands act on the deployed cluster and say so.
run(0 status ${T}/local-7.2-grown.json)
expect_in("${err}" "differs from the deployed cluster (new instances: SP2, BP31, BP32, BP33; new RAFT groups")
expect_in("${out}" "healthy")

# scale-out: the plan first (nothing runs), then the change.
run(0 scale-out ${T}/local-7.2-grown.json --dry-run)
expect_in("${out}" "new instances: SP2, BP31, BP32, BP33")
expect_in("${out}" "Scale-out plan for cluster local-7.2: 41 steps")
expect_in("${out}" "create-raft:RAFT_3")
expect_in("${out}" "bp-group-add:BG_1:RAFT_3")
expect_instances(${T}/local-7.2.json RUNNING 0 ${base})
run(0 scale-out ${T}/local-7.2-grown.json)
expect_in("${out}" "added SP2, BP31, BP32, BP33")
expect_in("${out}" "RAFT_3: leader BP31")
cycle(${T}/local-7.2-grown.json ${grown})
# Nothing left to add.
run(0 scale-out ${T}/local-7.2-grown.json)
expect_in("${out}" "nothing to add")

# A changed deployed instance, and a BP group left out, are refused with the reason.
file(READ ${T}/local-7.2-grown.json grown_text)
string(REPLACE "\"port_num\": 5239" "\"port_num\": 7239" moved_text "${grown_text}")
file(WRITE ${WORKDIR}/moved.json "${moved_text}")
run(1 scale-out ${WORKDIR}/moved.json)
expect_in("${err}" "BP12: port_num differ")
run(1 scale-in ${T}/local-7.2-sp2.json)
expect_in("${err}" "still holds data")

# BP13 to a shadow replica and back (manual 7.5.2).
run(0 convert ${T}/local-7.2-grown-bp13-shadow.json BP13 --to shadow --dry-run)
expect_in("${out}" "TO SHADOW FROM BACKUPSET")
run(0 convert ${T}/local-7.2-grown-bp13-shadow.json BP13 --to shadow)
expect_in("${out}" "BP13 is now a shadow replica")
cycle(${T}/local-7.2-grown-bp13-shadow.json ${grown})
run(1 convert ${T}/local-7.2-grown-bp13-shadow.json BP13 --to shadow)
expect_in("${err}" "already is a shadow replica")
run(0 convert ${T}/local-7.2-grown.json BP13 --to raft)
expect_in("${out}" "BP13 is now a voting member")
cycle(${T}/local-7.2-grown.json ${grown})

# scale-in of SP2.
run(0 scale-in ${T}/local-7.2-raft3.json)
expect_in("${out}" "removed SP2")
cycle(${T}/local-7.2-raft3.json ${shrunk})

# Every command above is in the history; it replays to the same cluster.
file(READ ${WORKDIR}/state/sim-history.txt history)
expect_in("${history}" "ok ctl convert BP13 --to shadow")
expect_in("${history}" "ok ctl scale-in ")
run(0 destroy ${T}/local-7.2-raft3.json --yes)

# The real backend compares the file with the deployed topology its state directory keeps
# (deployed-topology.json, written by deploy, and conversions.txt); --dry-run shows the plan
# without DM installed.
set(REAL ${WORKDIR}/real-state)
file(MAKE_DIRECTORY ${REAL})
function(run_real expected_code)
  set(RUN_AFTER --backend=real --state-dir ${REAL})
  run(${expected_code} ${ARGN})
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()
run_real(1 scale-out ${T}/local-7.2-grown.json --dry-run)
expect_in("${err}" "no record of the deployed topology")
file(COPY_FILE ${T}/local-7.2.json ${REAL}/deployed-topology.json)
run_real(0 scale-out ${T}/local-7.2-grown.json --dry-run)
expect_in("${out}" "new instances: SP2, BP31, BP32, BP33")
file(WRITE ${REAL}/conversions.txt "BP13 shadow\n")
run_real(1 scale-out ${T}/local-7.2-grown.json --dry-run)
expect_in("${err}" "dpcctl convert FILE BP13 --to raft")
run_real(0 convert ${T}/local-7.2-grown.json BP13 --to raft --dry-run)
expect_in("${out}" "RESTORE DATABASE")
