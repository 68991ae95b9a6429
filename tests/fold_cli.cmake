# --fold-heartbeats changes how fast the simulator runs, not what it shows:
# every scenario of the library passes with it, its transcript (every step's
# status tables, SQL results and waits) equal to the one recorded without it;
# and a cluster deployed, hit and queried with it shows the same status, word
# for word, as one that runs every heartbeat (only the trace hash differs).
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/fold_cli.cmake
# from the source tree.

set(TOPO ${CMAKE_CURRENT_LIST_DIR}/../scenarios/topologies/local-7.2.json)
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

run(0 scenario run ${CMAKE_CURRENT_LIST_DIR}/../scenarios --fold-heartbeats --jobs 2)
expect_in("${out}" " passed, 0 failed")

foreach(mode plain folded)
  set(RUN_AFTER --state-dir ${WORKDIR}/${mode})
  if(mode STREQUAL "folded")
    list(APPEND RUN_AFTER --fold-heartbeats)
  endif()
  run(0 deploy ${TOPO} --backend=sim --seed 3)
  run(0 kill ${TOPO} BP21)
  set(kill_${mode} "${out}")
  run(1 status ${TOPO})
  set(status_${mode} "${out}")
  run(0 start ${TOPO} BP21)
  run(0 status ${TOPO})
  set(healed_${mode} "${out}")
endforeach()
foreach(what kill status healed)
  foreach(mode plain folded)
    # The trace differs (it lacks the folded heartbeats' lines), and so the
    # printed trace hash; and each cluster has its own state directory.
    string(REGEX REPLACE "trace hash [0-9a-f]+" "trace hash -" ${what}_${mode} "${${what}_${mode}}")
    string(REPLACE "${WORKDIR}/${mode}" "STATE" ${what}_${mode} "${${what}_${mode}}")
  endforeach()
  if(NOT "${${what}_plain}" STREQUAL "${${what}_folded}")
    message(FATAL_ERROR "${what} differs with --fold-heartbeats:\n${${what}_plain}\n---\n${${what}_folded}")
  endif()
endforeach()
expect_in("${status_folded}" "degraded (BP21 DOWN)")
