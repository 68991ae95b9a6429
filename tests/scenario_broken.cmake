# A deliberately broken expectation (tests/fixtures/broken-expectation.json) must fail with the
# seed, the failing step, the last events, a timeline and a one-line replay command; running that
# replay command must reproduce the same failure with the same trace.
#   cmake -D DPCCTL=<dpcctl> -D FIXTURE=<scenario> -P scenario_broken.cmake
cmake_minimum_required(VERSION 3.25)

function(run_dpcctl out_var rc_var)
  execute_process(COMMAND ${DPCCTL} ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(${out_var} "${out}${err}" PARENT_SCOPE)
  set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()

# The report of one failed run: from "FAIL <file> (" to the end of its replay line.
function(failure_block text out_var)
  string(FIND "${text}" "FAIL ${FIXTURE} (" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "no failure report in:\n${text}")
  endif()
  string(SUBSTRING "${text}" ${start} -1 rest)
  string(FIND "${rest}" "  replay: " replay_at)
  string(SUBSTRING "${rest}" ${replay_at} -1 tail)
  string(FIND "${tail}" "\n" nl)
  math(EXPR len "${replay_at} + ${nl}")
  string(SUBSTRING "${rest}" 0 ${len} block)
  set(${out_var} "${block}" PARENT_SCOPE)
endfunction()

run_dpcctl(sweep rc scenario run ${FIXTURE} --seeds 3..5 --jobs 2)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit status 1 for a failing scenario, got ${rc}:\n${sweep}")
endif()
foreach(want "3 of 3 runs failed" "seed 3" "step 2 (steps[1], line 11)" "why: expected"
        "last events before it:" "timeline:" "legend:"
        "replay: dpcctl scenario run ${FIXTURE} --seed 3" "0 passed, 3 failed")
  string(FIND "${sweep}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the report lacks '${want}':\n${sweep}")
  endif()
endforeach()

# Replay exactly the command the report printed.
string(REGEX MATCH "replay: dpcctl (scenario run [^\n]+)" replay_line "${sweep}")
separate_arguments(replay_args UNIX_COMMAND "${CMAKE_MATCH_1}")
run_dpcctl(replay rc ${replay_args})
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "the replay did not fail (exit ${rc}):\n${replay}")
endif()
failure_block("${sweep}" first)
failure_block("${replay}" again)
if(NOT first STREQUAL again)
  message(FATAL_ERROR "the replay's report differs from the sweep's:\n--- sweep\n${first}\n--- replay\n${again}")
endif()

# Same trace, bit for bit: the trace hashes of seed 3 agree; seed 4 (other jitter) differs.
run_dpcctl(sweep_json rc scenario run ${FIXTURE} --seeds 3..4 --json)
run_dpcctl(replay_json rc ${replay_args} --json)
string(FIND "${sweep_json}" "{" j1)
string(SUBSTRING "${sweep_json}" ${j1} -1 sweep_json)
string(FIND "${replay_json}" "{" j2)
string(SUBSTRING "${replay_json}" ${j2} -1 replay_json)
string(REGEX REPLACE "\n[0-9]+ passed, [0-9]+ failed\n?$" "" sweep_json "${sweep_json}")
string(REGEX REPLACE "\n[0-9]+ passed, [0-9]+ failed\n?$" "" replay_json "${replay_json}")
string(JSON h3 GET "${sweep_json}" scenarios 0 runs 0 trace_hash)
string(JSON h4 GET "${sweep_json}" scenarios 0 runs 1 trace_hash)
string(JSON hr GET "${replay_json}" scenarios 0 runs 0 trace_hash)
if(NOT h3 STREQUAL hr)
  message(FATAL_ERROR "the replay's trace hash ${hr} differs from the sweep's ${h3}")
endif()
if(h3 STREQUAL h4)
  message(FATAL_ERROR "seeds 3 and 4 gave the same trace ${h3}: the seed has no effect")
endif()
message(STATUS "broken expectation reported with seed, step and replay; replay reproduced trace ${h3}")
